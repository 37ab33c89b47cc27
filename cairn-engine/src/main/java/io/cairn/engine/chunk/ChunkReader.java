package io.cairn.engine.chunk;

import io.cairn.engine.Zeros;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;

/**
 * Reads a stream into content-defined chunks, each in one contiguous buffer, with memory that
 * stays small whatever the chunks: a chunk is read in slices straight into a pooled buffer of
 * {@link #pooledSize} bytes (three times the average: about 98% of chunks fit), and only a larger
 * chunk moves to a buffer of the maximum chunk size, of which the pool may keep fewer. No buffer is
 * made per chunk, so the heap sees no garbage of megabyte-sized arrays. A run of zeros longer than
 * the pooled buffer (a sparse file's hole, an empty disk image) is counted, not kept.
 *
 * <p>The boundaries are exactly those of {@link FastCdc#cut} over the whole stream.
 */
public final class ChunkReader {
  /** Bytes read per call. */
  static final int SLICE = 256 * 1024;

  /** Where buffers come from and go back to. */
  public interface Buffers {
    /** A buffer of {@link #pooledSize} bytes. */
    byte[] take() throws InterruptedException;

    /** A buffer of at least the maximum chunk size, for the rare chunk that outgrows the pooled ones. */
    byte[] takeLarge() throws InterruptedException;

    /** A buffer no longer in use, of either kind. */
    void give(byte[] b);
  }

  /** Receives the chunks in order. */
  public interface Sink {
    /** A chunk {@code data[0, len)}, owned by the sink from now on; {@code data} is null for {@code len} zeros. */
    void chunk(byte[] data, int len) throws InterruptedException;

    /** {@code n} more bytes were read from the stream. */
    default void read(int n) {}
  }

  /** The size of the pooled chunk buffers for these chunker settings. */
  public static int pooledSize(ChunkerParams p) {
    return (int) Math.min(p.max(), 3L * p.avg());
  }

  private final FastCdc cdc;
  private final FastCdc.Scanner sc;
  private final Buffers buffers;
  private final ReadableByteChannel ch;
  private final Sink sink;
  private final int slice;
  private byte[] cur;
  private int filled;
  private boolean eof;
  private long total;

  private ChunkReader(FastCdc cdc, Buffers buffers, ReadableByteChannel ch, Sink sink) {
    this.cdc = cdc;
    this.sc = cdc.scanner();
    this.buffers = buffers;
    this.ch = ch;
    this.sink = sink;
    this.slice = Math.min(SLICE, pooledSize(cdc.params()));
  }

  /** Reads {@code ch} to its end, handing every chunk to {@code sink}; returns the bytes chunked. */
  public static long read(FastCdc cdc, Buffers buffers, ReadableByteChannel ch, Sink sink)
      throws IOException, InterruptedException {
    ChunkReader r = new ChunkReader(cdc, buffers, ch, sink);
    try {
      r.run();
    } finally {
      if (r.cur != null) buffers.give(r.cur);
    }
    return r.total;
  }

  private void run() throws IOException, InterruptedException {
    cur = buffers.take();
    while (true) {
      int cut = sc.find(cur, filled, eof);
      if (cut < 0) {
        if (filled == cur.length) { // full, and no boundary yet
          if (sc.allZero()) {
            if (countZeros()) return;
            continue;
          }
          byte[] small = cur;
          cur = buffers.takeLarge();
          System.arraycopy(small, 0, cur, 0, filled);
          buffers.give(small);
        }
        int want = Math.min(slice, cur.length - filled); // so what follows a boundary fits a pooled buffer
        int r = readInto(cur, filled, want);
        eof = r < want;
        filled += r;
        continue;
      }
      if (cut == 0) return; // nothing (more) to read
      emit(cut, sc.zeroRun());
      if (eof && filled == 0) return;
    }
  }

  /** Hands the first {@code cut} bytes on; the bytes after them start the next chunk. */
  private void emit(int cut, boolean zeros) throws InterruptedException {
    int rest = filled - cut;
    if (zeros) { // nothing to hand on: the buffer stays here
      System.arraycopy(cur, cut, cur, 0, rest);
      next(null, cut, rest);
    } else {
      byte[] chunk = cur;
      cur = eof && rest == 0 ? null : buffers.take(); // the last chunk needs no buffer after it
      if (cur != null) System.arraycopy(chunk, cut, cur, 0, rest);
      next(chunk, cut, rest);
    }
  }

  private void next(byte[] chunk, int len, int rest) throws InterruptedException {
    filled = rest;
    total += len;
    sc.reset();
    sink.chunk(chunk, len);
  }

  /**
   * The buffer is full of zeros and holds no boundary: reads on into its start, counting the zeros,
   * until the run reaches the zero boundary (a chunk of zeros, not kept), the stream ends (a shorter
   * one), or a byte that is not zero comes before the boundary (then the chunk is real data after a
   * long zero prefix: it moves to a buffer of the maximum chunk size, prefix included, and the scanner
   * goes on from there). True when the stream ended.
   */
  private boolean countZeros() throws IOException, InterruptedException {
    int zc = cdc.zeroCut();
    int max = cdc.params().max();
    int logical = filled; // the chunk's length so far: all zeros
    while (true) {
      int want = Math.min(slice, max - logical); // > 0: logical < zc <= max
      int r = readInto(cur, 0, want);
      boolean end = r < want;
      if (!Zeros.isZero(cur, 0, Math.min(r, zc - logical))) {
        byte[] big = buffers.takeLarge();
        Arrays.fill(big, 0, logical, (byte) 0);
        System.arraycopy(cur, 0, big, logical, r);
        buffers.give(cur);
        cur = big;
        filled = logical + r;
        eof = end;
        return false;
      }
      if (logical + r >= zc) {
        int rest = logical + r - zc;
        System.arraycopy(cur, r - rest, cur, 0, rest);
        eof = end;
        next(null, zc, rest);
        return eof && filled == 0;
      }
      logical += r;
      if (end) {
        eof = true;
        next(null, logical, 0);
        return true;
      }
    }
  }

  /** Reads up to {@code len} bytes; fewer only at the end of the stream. */
  private int readInto(byte[] b, int off, int len) throws IOException {
    ByteBuffer bb = ByteBuffer.wrap(b, off, len);
    while (bb.hasRemaining()) {
      if (ch.read(bb) < 0) break;
    }
    int r = bb.position() - off;
    if (r > 0) sink.read(r);
    return r;
  }
}
