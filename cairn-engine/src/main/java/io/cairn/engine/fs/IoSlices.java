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
