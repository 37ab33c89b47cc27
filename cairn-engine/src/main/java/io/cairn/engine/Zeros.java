package io.cairn.engine;

import java.util.Arrays;

/** All-zero runs (sparse files, disk images): found by a vectorized compare, never byte by byte. */
public final class Zeros {
  private static final byte[] ZEROS = new byte[64 * 1024];

  private Zeros() {}

  /** True when {@code len} bytes from {@code off} are all zero. */
  public static boolean isZero(byte[] b, int off, int len) {
    for (int o = 0; o < len; o += ZEROS.length) {
      int n = Math.min(ZEROS.length, len - o);
      if (Arrays.mismatch(b, off + o, off + o + n, ZEROS, 0, n) >= 0) return false;
    }
    return true;
  }
}
