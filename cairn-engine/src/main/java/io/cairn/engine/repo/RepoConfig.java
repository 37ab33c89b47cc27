package io.cairn.engine.repo;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.cairn.engine.chunk.ChunkerParams;
import io.cairn.engine.store.ObjectStore;
import java.time.Duration;
import java.time.Instant;

/**
 * Settings fixed when a repository is created. Stored sealed (kind 'C') at {@code config}.
 *
 * @param version the repository format version (1); a reader refuses a version it does not know
 * @param packSize the target pack size in bytes
 * @param compressionLevel the zstd level for new blobs (0 stores everything uncompressed)
 * @param immutable how objects are locked, for a repository made immutable at init; absent otherwise
 * @param storageClass the storage class its packs are written with (an archive's, such as GLACIER); absent: the store's default
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RepoConfig(int version, String id, Instant created, ChunkerParams chunker, int packSize, int compressionLevel,
    Immutability immutable, String storageClass) {
  public static final int VERSION = 1;
  /**
   * The zstd level of a new repository: 2, not 3. Measured on the shared bench data (docs/benchmarks.md,
   * "Compression level 2"): level 3 cost an initial backup about 1.9 of 17 CPU-s more for a repository
   * 0.6% smaller; on binary records its 5-byte minimum match (level 2's is 6) makes it 23-46% slower
   * for the same ratio.
   */
  public static final int DEFAULT_COMPRESSION_LEVEL = 2;

  public RepoConfig(int version, String id, Instant created, ChunkerParams chunker, int packSize, int compressionLevel) {
    this(version, id, created, chunker, packSize, compressionLevel, null, null);
  }

  /**
   * An immutable repository: every object but the mutable control objects (key slots, leases,
   * garbage plans, pins) is written with an object lock of {@code mode} for {@code lockSeconds}
   * from its writing, which {@code run --due} extends while retention keeps the points that need it.
   */
  public record Immutability(ObjectStore.Lock.Mode mode, long lockSeconds) {
    public Immutability {
      if (mode == null) throw new IllegalArgumentException("an immutable repository needs a lock mode");
      if (lockSeconds < 1) throw new IllegalArgumentException("the lock period must be positive");
    }

    public Duration period() {
      return Duration.ofSeconds(lockSeconds);
    }
  }

  public RepoConfig {
    if (packSize < 64 * 1024 || packSize > 1 << 30) throw new IllegalArgumentException("pack size must be 64 KiB .. 1 GiB: " + packSize);
    if (compressionLevel < 0 || compressionLevel > 19) throw new IllegalArgumentException("zstd level must be 0..19: " + compressionLevel);
  }
}
