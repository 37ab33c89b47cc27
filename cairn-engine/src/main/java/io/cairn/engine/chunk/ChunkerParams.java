package io.cairn.engine.chunk;

/**
 * Chunk size bounds, fixed when a repository is created (changing them would defeat dedup with
 * everything already stored). {@code avg} must be a power of two.
 */
public record ChunkerParams(int min, int avg, int max) {
  public static final ChunkerParams DEFAULT = new ChunkerParams(512 * 1024, 1024 * 1024, 8 * 1024 * 1024);

  public ChunkerParams {
    if (Integer.bitCount(avg) != 1) throw new IllegalArgumentException("average chunk size must be a power of two: " + avg);
    if (min < 64 || min >= avg || avg >= max) {
      throw new IllegalArgumentException("chunk sizes must satisfy 64 <= min < avg < max: " + min + "/" + avg + "/" + max);
    }
    if (max > 64 * 1024 * 1024) throw new IllegalArgumentException("maximum chunk size is at most 64 MiB: " + max);
  }
}
