package io.cairn.engine.fs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * An input stream (a process's output, standard input) as a channel that reads straight into the
 * caller's heap buffer, as much as the stream gives at once. The JDK's {@code Channels.newChannel}
 * reads at most 8 KiB per call through a buffer of its own: measured on a 489 MiB pg_dump piped in,
 * that is 60,000 reads and a copy of every byte more.
 */
public final class StreamChannel implements ReadableByteChannel {
  private final InputStream in;
  private boolean open = true;

  private StreamChannel(InputStream in) {
    this.in = in;
  }

  public static ReadableByteChannel of(InputStream in) {
    return new StreamChannel(in);
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    if (!dst.hasRemaining()) return 0;
    if (dst.hasArray()) {
      int n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
      if (n > 0) dst.position(dst.position() + n);
      return n;
    }
    byte[] b = new byte[Math.min(dst.remaining(), 1 << 16)];
    int n = in.read(b);
    if (n > 0) dst.put(b, 0, n);
    return n;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() throws IOException {
    open = false;
    in.close();
  }
}
