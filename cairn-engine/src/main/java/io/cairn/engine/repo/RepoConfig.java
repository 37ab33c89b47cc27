package io.cairn.engine.repo;

import io.cairn.engine.chunk.ChunkerParams;
import java.time.Instant;

/**
 * Settings fixed when a repository is created. Stored sealed (kind 'C') at {@code config}.
 *
 * @param version the repository format version (1); a reader refuses a version it does not know
 * @param packSize the target pack size in bytes
 * @param compressionLevel the zstd level for new blobs (0 stores everything uncompressed)
 */
public record RepoConfig(int version, String id, Instant created, ChunkerParams chunker, int packSize, int compressionLevel) {
  public static final int VERSION = 1;

  public RepoConfig {
    if (packSize < 64 * 1024 || packSize > 1 << 30) throw new IllegalArgumentException("pack size must be 64 KiB .. 1 GiB: " + packSize);
    if (compressionLevel < 0 || compressionLevel > 19) throw new IllegalArgumentException("zstd level must be 0..19: " + compressionLevel);
  }
}
