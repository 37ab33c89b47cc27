package io.cairn.service;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.Remedy;
import io.cairn.engine.fs.RawNames;
import io.cairn.engine.store.LocalObjectStore;
import io.cairn.engine.store.ObjectStore;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Opens the object store behind a repository location: a path, or a {@code file:} URI. The one
 * place that knows which stores exist; a location with a scheme it does not know is refused with the
 * schemes it does (never taken for a folder named {@code s3:}).
 */
public final class StoreFactory {
  /** The schemes this build opens. */
  public static final List<String> SCHEMES = List.of("file");
  private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):.*", Pattern.DOTALL);

  /** The folder of a local location, or null when the location names another kind of store. */
  public Path localPath(String location) {
    if (location == null || location.isBlank()) throw new CairnException(ErrorCode.USAGE, "empty repository location");
    var m = SCHEME.matcher(location);
    if (m.matches()) {
      String scheme = m.group(1).toLowerCase(Locale.ROOT);
      if (!scheme.equals("file")) {
        throw new CairnException(ErrorCode.USAGE, "unknown repository location scheme '" + m.group(1) + ":' in " + location
            + "; this build knows a folder path or file: URIs");
      }
      try {
        return Path.of(URI.create(location));
      } catch (IllegalArgumentException e) {
        throw new CairnException(ErrorCode.USAGE, "bad file: URI " + location + ": " + e.getMessage());
      }
    }
    return RawNames.of(location);
  }

  /** The canonical form of a location, as the catalog records it: an absolute path for local stores. */
  public String canonical(String location) {
    return localPath(location).toAbsolutePath().toString();
  }

  /** Opens the store of an existing repository; fails with REPOSITORY_NOT_FOUND when there is none. */
  public ObjectStore open(String location) {
    Path p = localPath(location);
    if (!Files.isDirectory(p)) {
      throw new CairnException(ErrorCode.REPOSITORY_NOT_FOUND, "no repository at " + p.toAbsolutePath() + " (no such folder)",
          Remedy.CHECK_LOCATION_OR_INIT);
    }
    return new LocalObjectStore(p);
  }

  /** Opens (creating its folder) the store for a new repository. */
  public ObjectStore create(String location) {
    return new LocalObjectStore(localPath(location));
  }
}
