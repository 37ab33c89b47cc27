package io.cairn.service;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.Remedy;
import io.cairn.engine.fs.RawNames;
import io.cairn.engine.store.LocalObjectStore;
import io.cairn.engine.store.ObjectStore;
import io.cairn.engine.store.StoreProvider;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Opens the object store behind a repository location: a path, a {@code file:} URI, or a location
 * of a store provider found on the class path ({@code s3:} from cairn-store-s3). The one place that
 * knows which stores exist; a location with a scheme it does not know is refused with the schemes it
 * does (never taken for a folder named {@code s3:}).
 */
public final class StoreFactory {
  private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):.*", Pattern.DOTALL);
  private final Map<String, StoreProvider> providers;
  private final Map<String, String> env;
  /** Settings of one location that take the place of the environment's (a policy's endpoint and credentials). */
  private final Settings settings;

  /**
   * Settings of a location in the place of the environment's variables of the same names
   * ({@code AWS_ENDPOINT_URL}, {@code AWS_REGION}, {@code AWS_ACCESS_KEY_ID}, ...); empty for a
   * location it has none for. Without {@code credentials}, only what names the store (its endpoint):
   * naming a location never needs its keys.
   */
  @FunctionalInterface
  public interface Settings {
    Map<String, String> of(String location, boolean credentials);
  }

  /** With the providers on the class path, credentials and endpoints from the process's environment. */
  public StoreFactory() {
    this(System.getenv());
  }

  public StoreFactory(Map<String, String> env) {
    this.env = Map.copyOf(env);
    this.providers = new LinkedHashMap<>();
    this.settings = (location, credentials) -> Map.of();
    for (StoreProvider p : ServiceLoader.load(StoreProvider.class, StoreFactory.class.getClassLoader())) {
      for (String s : p.schemes()) providers.putIfAbsent(s, p);
    }
  }

  private StoreFactory(StoreFactory base, Settings settings) {
    this.env = base.env;
    this.providers = base.providers;
    this.settings = settings;
  }

  /**
   * This factory, with settings for some locations (a policy's repository entries) in the place of
   * the environment's; {@code forLocation}'s come first, then this factory's.
   */
  public StoreFactory withSettings(Settings forLocation) {
    Settings mine = settings;
    return new StoreFactory(this, (location, credentials) -> {
      Map<String, String> first = forLocation.of(location, credentials);
      if (first.isEmpty()) return mine.of(location, credentials);
      Map<String, String> merged = new java.util.HashMap<>(mine.of(location, credentials));
      merged.putAll(first);
      return merged;
    });
  }

  /** The environment a location's store is opened (or, without credentials, named) with. */
  private Map<String, String> envFor(String location, boolean credentials) {
    Map<String, String> s = settings.of(location, credentials);
    if (s.isEmpty()) return env;
    Map<String, String> merged = new java.util.HashMap<>(env);
    merged.putAll(s);
    return merged;
  }

  /** Lets every provider exercise its client without a server (see {@link StoreProvider#warmUp}). */
  public void warmUp() {
    providers.values().stream().distinct().forEach(StoreProvider::warmUp);
  }

  /** The schemes this build opens. */
  public List<String> schemes() {
    List<String> out = new ArrayList<>(List.of("file"));
    out.addAll(providers.keySet());
    return out;
  }

  /** The provider of a location with a provider's scheme, else null (a local location). */
  private StoreProvider provider(String location) {
    if (location == null || location.isBlank()) throw new CairnException(ErrorCode.USAGE, "empty repository location");
    var m = SCHEME.matcher(location);
    if (!m.matches()) return null;
    String scheme = m.group(1).toLowerCase(Locale.ROOT);
    if (scheme.equals("file")) return null;
    StoreProvider p = providers.get(scheme);
    if (p == null) {
      throw new CairnException(ErrorCode.USAGE, "unknown repository location scheme '" + m.group(1) + ":' in " + location
          + "; this build knows a folder path" + (providers.isEmpty() ? "" : ", " + String.join(", ", providers.keySet().stream()
              .map(x -> x + ":").toList())) + " or file: URIs");
    }
    return p;
  }

  /** Whether a location is a folder on this machine (a path or a file: URI). */
  public boolean isLocal(String location) {
    return provider(location) == null;
  }

  /** The folder of a local location; USAGE for a location that names another kind of store. */
  public Path localPath(String location) {
    if (provider(location) != null) {
      throw new CairnException(ErrorCode.USAGE, location + " is not a folder on this machine");
    }
    var m = SCHEME.matcher(location);
    if (m.matches()) {
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
    StoreProvider p = provider(location);
    return p != null ? p.canonical(location, envFor(location, false)) : localPath(location).toAbsolutePath().toString();
  }

  /** Opens the store of an existing repository; fails with REPOSITORY_NOT_FOUND when there is none. */
  public ObjectStore open(String location) {
    StoreProvider p = provider(location);
    if (p != null) {
      ObjectStore store = p.open(location, envFor(location, true), false);
      try {
        if (store.stat(io.cairn.engine.repo.Repository.CONFIG).isEmpty()) {
          throw new CairnException(ErrorCode.REPOSITORY_NOT_FOUND, "no repository at " + store.location() + " (no config object)",
              Remedy.CHECK_LOCATION_OR_INIT);
        }
      } catch (java.io.IOException e) {
        closeQuietly(store);
        throw new CairnException(ErrorCode.IO, e.getMessage(), e);
      } catch (RuntimeException e) {
        closeQuietly(store);
        throw e;
      }
      return store;
    }
    Path path = localPath(location);
    if (!Files.isDirectory(path)) {
      throw new CairnException(ErrorCode.REPOSITORY_NOT_FOUND, "no repository at " + path.toAbsolutePath() + " (no such folder)",
          Remedy.CHECK_LOCATION_OR_INIT);
    }
    return new LocalObjectStore(path);
  }

  /** Opens (creating its folder) the store for a new repository. */
  public ObjectStore create(String location) {
    StoreProvider p = provider(location);
    if (p != null) return p.open(location, envFor(location, true), true);
    return new LocalObjectStore(localPath(location));
  }

  private static void closeQuietly(ObjectStore s) {
    try {
      s.close();
    } catch (java.io.IOException ignored) {
      // already failing
    }
  }
}
