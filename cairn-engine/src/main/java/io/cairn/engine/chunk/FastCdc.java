package io.cairn.engine.chunk;

import io.cairn.engine.Zeros;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * FastCDC content-defined chunking with normalized chunking (level 1) and cut-point skipping.
 *
 * <p>A gear hash {@code h = (h << 1) + G[byte]} rolls over the input; bit k of h depends on the
 * last k+1 bytes only, so a boundary depends on the 64 bytes before it and chunking
 * resynchronizes shortly after an insertion or deletion. Below {@code min} no boundary is sought.
 * Between {@code min} and {@code avg} the stricter mask (log2(avg)+1 bits) applies, after it the
 * looser one (log2(avg)-1 bits), which narrows the size distribution around {@code avg}. The
 * gear table G is derived from the repository's secret seed, so boundaries (and so chunk sizes)
 * do not reveal content to someone without the key.
 */
public final class FastCdc {
  private final long[] gear = new long[256];
  private final int min;
  private final int avg;
  private final int max;
  private final long maskS;
  private final long maskL;

  public FastCdc(ChunkerParams p, byte[] seed) {
    this.min = p.min();
    this.avg = p.avg();
    this.max = p.max();
    int bits = Integer.numberOfTrailingZeros(avg);
    this.maskS = topBits(bits + 1);
    this.maskL = topBits(bits - 1);
    fillGear(seed);
  }

  /**
   * Finds the boundary of one chunk that arrives piece by piece in one buffer (starting at index 0),
   * with the same result as {@link #cut} on the whole: the gear state carries over between calls,
   * so no byte is hashed twice.
   */
  public final class Scanner {
    private long h;
    private int i = min;
    private boolean zeros = true;
    private int zeroChecked;
    private boolean zeroRun;

    /** True when the last boundary found ended a run of zeros ({@link #zeroCut()} of them): no need to look at it again. */
    public boolean zeroRun() {
      return zeroRun;
    }

    /**
     * True while every byte given so far was zero. The chunk's boundary is then {@link #zeroCut()}
     * unless the input ends or a byte that is not zero comes first, so a reader may count such
     * bytes instead of keeping them.
     */
    public boolean allZero() {
      return zeros;
    }

    /** The chunk length once known from {@code buf[0, filled)}, else -1 (give it more bytes). */
    public int find(byte[] buf, int filled, boolean eof) {
      if (zeros) {
        // a run of zeros (sparse files, images) is only compared, not hashed: its boundary is fixed
        if (Zeros.isZero(buf, zeroChecked, filled - zeroChecked)) {
          zeroChecked = filled;
          if (filled >= zeroCut()) {
            zeroRun = true;
            return zeroCut();
          }
          if (!eof) return -1;
        }
        zeros = false;
      }
      if (filled <= min) return eof ? filled : -1;
      final long[] g = gear;
      int normal = Math.min(filled, avg);
      for (; i < normal; i++) {
        h = (h << 1) + g[buf[i] & 0xff];
        if ((h & maskS) == 0) return i + 1;
      }
      int end = Math.min(filled, max);
      for (; i < end; i++) {
        h = (h << 1) + g[buf[i] & 0xff];
        if ((h & maskL) == 0) return i + 1;
      }
      if (end == max) return max;
      return eof ? filled : -1;
    }

    /** Starts the next chunk. */
    public void reset() {
      h = 0;
      i = min;
      zeros = true;
      zeroChecked = 0;
      zeroRun = false;
    }
  }

  public Scanner scanner() {
    return new Scanner();
  }

  private int zeroCut = -1;

  /**
   * The boundary of a chunk whose bytes are zero up to it: the gear hash of zeros is the same
   * whatever follows, so {@link #cut} of any such input returns this (usually {@code max}).
   */
  public int zeroCut() {
    if (zeroCut < 0) zeroCut = zeroCutOf();
    return zeroCut;
  }

  private int zeroCutOf() { // cut() over max zeros, without the array
    long h = 0;
    final long g0 = gear[0];
    int i = min;
    for (; i < Math.min(avg, max); i++) {
      h = (h << 1) + g0;
      if ((h & maskS) == 0) return i + 1;
    }
    for (; i < max; i++) {
      h = (h << 1) + g0;
      if ((h & maskL) == 0) return i + 1;
    }
    return max;
  }

  public ChunkerParams params() {
    return new ChunkerParams(min, avg, max);
  }

  private static long topBits(int n) {
    return n <= 0 ? 0 : -1L << (64 - n);
  }

  private void fillGear(byte[] seed) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      ByteBuffer out = ByteBuffer.allocate(256 * 8);
      for (int counter = 0; out.hasRemaining(); counter++) {
        sha.update("cairn gear table v1".getBytes(StandardCharsets.US_ASCII));
        sha.update(seed);
        sha.update(new byte[] {(byte) (counter >>> 8), (byte) counter});
        out.put(sha.digest());
      }
      out.flip();
      for (int i = 0; i < 256; i++) gear[i] = out.getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The length of the next chunk starting at {@code buf[off]}, given {@code len} available bytes.
   * Unless the input ends there, the caller must provide at least {@code max} bytes when it has them;
   * if {@code len <= min} the whole rest is one chunk.
   */
  public int cut(byte[] buf, int off, int len) {
    if (len <= min) return len;
    int end = Math.min(len, max);
    int normal = Math.min(end, avg);
    long h = 0;
    int i = min;
    final long[] g = gear;
    final long ms = maskS;
    for (; i < normal; i++) {
      h = (h << 1) + g[buf[off + i] & 0xff];
      if ((h & ms) == 0) return i + 1;
    }
    final long ml = maskL;
    for (; i < end; i++) {
      h = (h << 1) + g[buf[off + i] & 0xff];
      if ((h & ml) == 0) return i + 1;
    }
    return end;
  }
}
