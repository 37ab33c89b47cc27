package io.cairn.engine.restore;

import java.nio.file.Path;
import java.util.List;

/**
 * Where and what to restore.
 *
 * @param includes globs on the path inside the snapshot; when given, only matching entries (and
 *     everything below a matching folder) are restored
 * @param overwrite restore into a non-empty target that is not an interrupted restore of the same snapshot
 */
public record RestoreOptions(Path target, List<String> includes, List<String> excludes, boolean dryRun, boolean overwrite,
    int threads) {
  public RestoreOptions {
    includes = includes == null ? List.of() : List.copyOf(includes);
    excludes = excludes == null ? List.of() : List.copyOf(excludes);
    if (threads <= 0) threads = Math.max(2, Runtime.getRuntime().availableProcessors()); // measured: more only adds contention
  }
}
