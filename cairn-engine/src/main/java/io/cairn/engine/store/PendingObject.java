package io.cairn.engine.store;

import java.io.Closeable;
import java.io.IOException;

/**
 * An object being written piece by piece (a pack), invisible to readers until {@link #commit}.
 * Writes at distinct offsets may come from several threads at once. {@link #close()} without a
 * commit discards it; after a crash nothing of it is visible under any key.
 */
public interface PendingObject extends Closeable {
  /** Writes bytes at {@code pos}. Thread-safe for non-overlapping ranges. */
  void write(long pos, byte[] b, int off, int len) throws IOException;

  /** Reads back written bytes (to hash them before naming the object). */
  int read(long pos, byte[] b, int off, int len) throws IOException;

  /** Makes the object durable and visible under {@code key}; false when {@code key} already existed. */
  boolean commit(String key, long length) throws IOException;

  @Override
  void close() throws IOException;
}
