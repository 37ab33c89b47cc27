package io.cairn.recovery;

import io.cairn.policy.Source;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Files and folders: restored into a folder (the sandbox's, or the {@code --to} folder) with the engine's parallel restore. */
final class FilesMember extends Member {
  FilesMember(String asset, Source source, Hydration h, Context ctx, Path folder, String target) {
    super(asset, source, h, ctx, folder, target);
  }

  @Override
  String type() {
    return "files";
  }

  private Path dir() {
    return target != null ? Path.of(target) : folder;
  }

  @Override
  String writes() {
    return (target != null ? "folder " + target : "a folder in the sandbox") + " (" + hydration.snapshot().paths().size() + " path"
        + (hydration.snapshot().paths().size() == 1 ? "" : "s") + " under it, as captured)";
  }

  @Override
  Place provision() throws IOException {
    Path d = dir().toAbsolutePath();
    if (target != null) refuseNonEmpty(d);
    Files.createDirectories(d);
    List<String> paths = hydration.snapshot().paths();
    String first = paths.isEmpty() ? d.toString() : d.resolve(paths.get(0).replaceFirst("^/+", "")).toString();
    return new Place(asset, type(), target == null, null, null, d.toString(), first, null, List.of(), "cd " + d);
  }

  @Override
  void recover(Provisioned place, Phases phases) throws IOException {
    Path d = Path.of(place.get().folder());
    Phases.Timed h = phases.start("hydrate", asset);
    try {
      hydration.restoreTree(d);
      h.ok(null);
    } catch (IOException | RuntimeException e) {
      h.failed(e.getMessage());
      throw e;
    }
    phases.start("reconcile", asset).ok("files are in place");
  }
}
