package io.cairn.engine.backup;

import io.cairn.engine.gc.Leases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What to back up and how.
 *
 * @param parent a snapshot reference to compare against, or null for the newest snapshot of the same
 *     host and paths
 * @param workers threads that hash, compress and encrypt (default: available processors)
 */
public record BackupOptions(List<Path> paths, List<String> tags, List<String> excludes, boolean oneFileSystem,
    String parent, String host, int workers) {
  public BackupOptions {
    if (paths == null || paths.isEmpty()) throw new IllegalArgumentException("nothing to back up: give at least one path");
    paths = List.copyOf(paths);
    tags = tags == null ? List.of() : List.copyOf(tags);
    excludes = excludes == null ? List.of() : List.copyOf(excludes);
    if (workers <= 0) workers = Runtime.getRuntime().availableProcessors();
  }

  /** How long the backup's lease lives without renewal (it is renewed every third of that). */
  public Duration leaseTtl() {
    return Leases.DEFAULT_TTL;
  }
}
