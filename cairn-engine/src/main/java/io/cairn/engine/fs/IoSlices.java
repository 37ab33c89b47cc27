package io.cairn.engine.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Channel I/O on heap buffers in slices of at most {@value #SLICE} bytes. The JDK copies a heap
 * buffer through a temporary direct buffer of the same size and caches it per thread; slicing keeps
 * that native memory at one small buffer per thread instead of one per largest transfer.
 */
public final class IoSlices {
  public static final int SLICE = 1 << 20;

  private IoSlices() {}

  /**
   * A buffer size for n bytes: rounded up to whole MiB plus 64 bytes of room (for a tag). Buffers
   * that grow in such steps are reallocated rarely, since chunks cluster around the average size.
   */
  public static int bufferSize(int n) {
    int mib = 1 << 20;
    return (int) Math.min(Integer.MAX_VALUE - 64, ((long) n + mib - 1) / mib * mib + 64);
  }

  /**
   * The new size of a long-lived buffer of {@code current} bytes that must now hold {@code n}: at
   * least double, so a buffer is replaced a few times at most (each replaced one is garbage in the
   * old generation until a full collection), but never past what is needed beyond 8 MiB.
   */
  public static int grow(byte[] current, int n) {
    int doubled = current == null ? 0 : (int) Math.min(2L * current.length, 8 << 20);
    return Math.max(bufferSize(n), doubled);
  }

  /** A buffer that must now hold n bytes: its first size fits n, any later one is {@code cap}. */
  public static int grow(byte[] current, int n, int cap) {
    return current == null ? bufferSize(n) : Math.max(bufferSize(n), cap);
  }

  public static int read(FileChannel ch, ByteBuffer b) throws IOException {
    int lim = b.limit();
    b.limit(Math.min(lim, b.position() + SLICE));
    try {
      return ch.read(b);
    } finally {
      b.limit(lim);
    }
  }

  public static int read(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    int lim = b.limit();
    b.limit(Math.min(lim, b.position() + SLICE));
    try {
      return ch.read(b, pos);
    } finally {
      b.limit(lim);
    }
  }

  /** Writes one slice at {@code pos}, or at the channel position when {@code pos} is negative. */
  public static int write(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    int lim = b.limit();
    b.limit(Math.min(lim, b.position() + SLICE));
    try {
      return pos < 0 ? ch.write(b) : ch.write(b, pos);
    } finally {
      b.limit(lim);
    }
  }
}
