package io.cairn.engine;

import java.util.HexFormat;

/**
 * A 256-bit content id: the keyed hash (HMAC-SHA-256 under the repository's id key) of a blob's
 * plaintext. Keyed, so ids reveal nothing about content to someone without the key, and cannot be
 * forged to collide. Also used for pack, index and snapshot object names.
 */
public record BlobId(long a, long b, long c, long d) implements Comparable<BlobId> {
  public static final int SIZE = 32;

  public static BlobId fromBytes(byte[] bytes, int off) {
    return new BlobId(getLong(bytes, off), getLong(bytes, off + 8), getLong(bytes, off + 16), getLong(bytes, off + 24));
  }

  public static BlobId fromHex(String hex) {
    if (hex.length() != 64) {
      throw new IllegalArgumentException("an id has 64 hex digits, got " + hex.length() + ": " + hex);
    }
    return fromBytes(HexFormat.of().parseHex(hex), 0);
  }

  public byte[] toBytes() {
    byte[] out = new byte[SIZE];
    writeTo(out, 0);
    return out;
  }

  public void writeTo(byte[] out, int off) {
    putLong(out, off, a);
    putLong(out, off + 8, b);
    putLong(out, off + 16, c);
    putLong(out, off + 24, d);
  }

  /** The first 8 hex digits, as shown in listings. */
  public String shortHex() {
    return toString().substring(0, 8);
  }

  @Override
  public String toString() {
    HexFormat h = HexFormat.of();
    return h.toHexDigits(a) + h.toHexDigits(b) + h.toHexDigits(c) + h.toHexDigits(d);
  }

  @Override
  public int compareTo(BlobId o) {
    int r = Long.compareUnsigned(a, o.a);
    if (r == 0) r = Long.compareUnsigned(b, o.b);
    if (r == 0) r = Long.compareUnsigned(c, o.c);
    if (r == 0) r = Long.compareUnsigned(d, o.d);
    return r;
  }

  static long getLong(byte[] b, int off) {
    return ((long) (b[off] & 0xff) << 56) | ((long) (b[off + 1] & 0xff) << 48) | ((long) (b[off + 2] & 0xff) << 40)
        | ((long) (b[off + 3] & 0xff) << 32) | ((long) (b[off + 4] & 0xff) << 24) | ((b[off + 5] & 0xff) << 16)
        | ((b[off + 6] & 0xff) << 8) | (b[off + 7] & 0xff);
  }

  static void putLong(byte[] b, int off, long v) {
    for (int i = 7; i >= 0; i--) {
      b[off + i] = (byte) v;
      v >>>= 8;
    }
  }
}
