package io.cairn.engine.crypto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.Blake2bDigest;

/**
 * Argon2id (RFC 9106, version 0x13) with its memory off the Java heap.
 *
 * <p>Why not Bouncy Castle's generator, which Cairn used before: it holds the memory as one Java
 * object per 1 KiB block. A key derivation of 32 MiB then flows through the young generation into
 * the old one, which grows by the whole amount and keeps those pages resident for the rest of the
 * command (measured: 25-30 MB of peak RSS in every command that opens a repository). Here the
 * blocks live in one direct buffer, wiped as soon as the key is derived and unreachable from then
 * on (the caller's full collection returns it to the system at once). Blake2b still comes from Bouncy Castle; the test suite checks the output against Bouncy
 * Castle's Argon2id and the RFC's test vector.
 */
public final class Argon2id {
  private static final int BLOCK_WORDS = 128;
  private static final int BLOCK = BLOCK_WORDS * 8;
  private static final int SYNC_POINTS = 4;
  private static final int VERSION = 0x13;
  private static final int TYPE_ID = 2;

  /** The most memory one derivation may take: what one direct buffer holds. */
  public static final int MAX_KIB = Integer.MAX_VALUE / BLOCK;

  private Argon2id() {}

  /** Derives {@code outLen} bytes from {@code password} and {@code salt}. */
  public static byte[] derive(byte[] password, byte[] salt, int memoryKiB, int iterations, int parallelism, int outLen) {
    return derive(password, salt, new byte[0], new byte[0], memoryKiB, iterations, parallelism, outLen);
  }

  /** As {@link #derive(byte[], byte[], int, int, int, int)}, with the optional secret and associated data. */
  static byte[] derive(byte[] password, byte[] salt, byte[] secret, byte[] ad, int memoryKiB, int iterations,
      int parallelism, int outLen) {
    if (parallelism < 1 || iterations < 1 || outLen < 4 || memoryKiB < 8 * parallelism || memoryKiB > MAX_KIB) {
      throw new IllegalArgumentException("bad Argon2id parameters");
    }
    int lanes = parallelism;
    int blocks = memoryKiB / (SYNC_POINTS * lanes) * (SYNC_POINTS * lanes);
    int laneLength = blocks / lanes;

    Blake2bDigest h = new Blake2bDigest(512);
    int[] params = {lanes, outLen, memoryKiB, iterations, VERSION, TYPE_ID};
    for (int v : params) update32(h, v);
    for (byte[] b : new byte[][] {password, salt, secret, ad}) {
      update32(h, b.length);
      h.update(b, 0, b.length);
    }
    byte[] h0 = new byte[72]; // H0 || LE32(column) || LE32(lane)
    h.doFinal(h0, 0);

    LongBuffer mem = ByteBuffer.allocateDirect(blocks * BLOCK).order(ByteOrder.nativeOrder()).asLongBuffer();
    try {
      long[] prev = new long[BLOCK_WORDS];
      long[] ref = new long[BLOCK_WORDS];
      long[] tmp = new long[BLOCK_WORDS];
      long[] addr = new long[BLOCK_WORDS];
      long[] input = new long[BLOCK_WORDS];
      byte[] blockBytes = new byte[BLOCK];
      for (int l = 0; l < lanes; l++) {
        for (int c = 0; c < 2; c++) {
          put32(h0, 64, c);
          put32(h0, 68, l);
          hashLong(h0, blockBytes, BLOCK);
          for (int i = 0; i < BLOCK_WORDS; i++) prev[i] = le64(blockBytes, i * 8);
          mem.put(offset(l * laneLength + c), prev, 0, BLOCK_WORDS);
        }
      }
      Fill fill = new Fill(mem, prev, ref, tmp, addr, input, lanes, blocks, iterations);
      for (int pass = 0; pass < iterations; pass++) {
        for (int slice = 0; slice < SYNC_POINTS; slice++) {
          for (int lane = 0; lane < lanes; lane++) fill.segment(pass, slice, lane);
        }
      }
      mem.get(offset(laneLength - 1), prev, 0, BLOCK_WORDS);
      for (int l = 1; l < lanes; l++) {
        mem.get(offset(l * laneLength + laneLength - 1), ref, 0, BLOCK_WORDS);
        for (int i = 0; i < BLOCK_WORDS; i++) prev[i] ^= ref[i];
      }
      for (int i = 0; i < BLOCK_WORDS; i++) put64(blockBytes, i * 8, prev[i]);
      byte[] out = new byte[outLen];
      hashLong(blockBytes, out, outLen);
      Arrays.fill(blockBytes, (byte) 0);
      Arrays.fill(prev, 0);
      Arrays.fill(ref, 0);
      Arrays.fill(tmp, 0);
      return out;
    } finally {
      long[] zero = new long[BLOCK_WORDS];
      for (int b = 0; b < blocks; b++) mem.put(offset(b), zero, 0, BLOCK_WORDS);
    }
  }

  /** Fills segments; its methods stay small, so the JIT compiles them early and cheaply. */
  private static final class Fill {
    final LongBuffer mem;
    final long[] prev;
    final long[] ref;
    final long[] tmp;
    final long[] addr;
    final long[] input;
    final int lanes;
    final int blocks;
    final int iterations;
    final int laneLength;
    final int segmentLength;

    Fill(LongBuffer mem, long[] prev, long[] ref, long[] tmp, long[] addr, long[] input, int lanes, int blocks, int iterations) {
      this.mem = mem;
      this.prev = prev;
      this.ref = ref;
      this.tmp = tmp;
      this.addr = addr;
      this.input = input;
      this.lanes = lanes;
      this.blocks = blocks;
      this.iterations = iterations;
      this.laneLength = blocks / lanes;
      this.segmentLength = laneLength / SYNC_POINTS;
    }

    /** One segment (RFC 9106 §3.4): the blocks of one lane in one slice of one pass. */
    void segment(int pass, int slice, int lane) {
      boolean independent = pass == 0 && slice < 2;
      if (independent) {
        Arrays.fill(input, 0);
        input[0] = pass;
        input[1] = lane;
        input[2] = slice;
        input[3] = blocks;
        input[4] = iterations;
        input[5] = TYPE_ID;
      }
      int start = pass == 0 && slice == 0 ? 2 : 0;
      if (independent && start != 0) nextAddresses(input, addr, tmp);
      int col = slice * segmentLength + start;
      int base = lane * laneLength;
      mem.get(offset(base + (col == 0 ? laneLength - 1 : col - 1)), prev, 0, BLOCK_WORDS);
      for (int idx = start; idx < segmentLength; idx++, col++) {
        long rand;
        if (independent) {
          if (idx % BLOCK_WORDS == 0) nextAddresses(input, addr, tmp);
          rand = addr[idx % BLOCK_WORDS];
        } else {
          rand = prev[0];
        }
        int refLane = pass == 0 && slice == 0 ? lane : (int) ((rand >>> 32) % lanes);
        int refCol = referenceColumn(pass, slice, idx, refLane == lane, (int) rand, laneLength, segmentLength);
        block(pass > 0, offset(refLane * laneLength + refCol), offset(base + col));
      }
    }

    /** {@code prev} (the block before) becomes the block at {@code at}, made from it and the one at {@code refAt}. */
    private void block(boolean xorOld, int refAt, int at) {
      mem.get(refAt, ref, 0, BLOCK_WORDS);
      compress(prev, ref, tmp);
      if (xorOld) {
        mem.get(at, ref, 0, BLOCK_WORDS);
        for (int i = 0; i < BLOCK_WORDS; i++) prev[i] ^= ref[i];
      }
      mem.put(at, prev, 0, BLOCK_WORDS);
    }
  }

  /** Where a block starts, in words. */
  private static int offset(int block) {
    return block * BLOCK_WORDS;
  }

  /** The column a block references (RFC 9106 §3.4.1.2), from the low 32 bits of its pseudo-random value. */
  private static int referenceColumn(int pass, int slice, int idx, boolean sameLane, int j1, int laneLength, int segmentLength) {
    long area;
    if (pass == 0) {
      area = sameLane ? (long) slice * segmentLength + idx - 1 : (long) slice * segmentLength + (idx == 0 ? -1 : 0);
    } else {
      area = sameLane ? laneLength - segmentLength + idx - 1 : laneLength - segmentLength + (idx == 0 ? -1 : 0);
    }
    long x = (j1 & 0xFFFFFFFFL) * (j1 & 0xFFFFFFFFL) >>> 32;
    long y = area * x >>> 32;
    long rel = area - 1 - y;
    long start = pass == 0 || slice == SYNC_POINTS - 1 ? 0 : (long) (slice + 1) * segmentLength;
    return (int) ((start + rel) % laneLength);
  }

  /** The next block of data-independent addresses: G(0, G(0, input)) after bumping the counter. */
  private static void nextAddresses(long[] input, long[] addr, long[] tmp) {
    input[6]++;
    System.arraycopy(input, 0, addr, 0, BLOCK_WORDS);
    compressWithZero(addr, tmp);
    compressWithZero(addr, tmp);
  }

  /** {@code x = G(x, y)}; {@code tmp} is scratch. */
  private static void compress(long[] x, long[] y, long[] tmp) {
    for (int i = 0; i < BLOCK_WORDS; i++) {
      x[i] ^= y[i];
      tmp[i] = x[i];
    }
    permute(x);
    for (int i = 0; i < BLOCK_WORDS; i++) x[i] ^= tmp[i];
  }

  /** {@code y = G(zero, y)}, for address blocks. */
  private static void compressWithZero(long[] y, long[] tmp) {
    System.arraycopy(y, 0, tmp, 0, BLOCK_WORDS);
    permute(y);
    for (int i = 0; i < BLOCK_WORDS; i++) y[i] ^= tmp[i];
  }

  /** P applied to the rows, then to the columns, of the 8x8 matrix of 16-byte registers. */
  private static void permute(long[] r) {
    for (int i = 0; i < 8; i++) {
      int b = i * 16;
      p(r, b, b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7, b + 8, b + 9, b + 10, b + 11, b + 12, b + 13, b + 14, b + 15);
    }
    for (int i = 0; i < 8; i++) {
      int b = i * 2;
      p(r, b, b + 1, b + 16, b + 17, b + 32, b + 33, b + 48, b + 49, b + 64, b + 65, b + 80, b + 81, b + 96, b + 97,
          b + 112, b + 113);
    }
  }

  private static void p(long[] v, int v0, int v1, int v2, int v3, int v4, int v5, int v6, int v7, int v8, int v9, int v10,
      int v11, int v12, int v13, int v14, int v15) {
    gb(v, v0, v4, v8, v12);
    gb(v, v1, v5, v9, v13);
    gb(v, v2, v6, v10, v14);
    gb(v, v3, v7, v11, v15);
    gb(v, v0, v5, v10, v15);
    gb(v, v1, v6, v11, v12);
    gb(v, v2, v7, v8, v13);
    gb(v, v3, v4, v9, v14);
  }

  private static void gb(long[] v, int a, int b, int c, int d) {
    v[a] = fBlaMka(v[a], v[b]);
    v[d] = Long.rotateRight(v[d] ^ v[a], 32);
    v[c] = fBlaMka(v[c], v[d]);
    v[b] = Long.rotateRight(v[b] ^ v[c], 24);
    v[a] = fBlaMka(v[a], v[b]);
    v[d] = Long.rotateRight(v[d] ^ v[a], 16);
    v[c] = fBlaMka(v[c], v[d]);
    v[b] = Long.rotateRight(v[b] ^ v[c], 63);
  }

  private static long fBlaMka(long x, long y) {
    return x + y + 2 * (x & 0xFFFFFFFFL) * (y & 0xFFFFFFFFL);
  }

  /** H' (RFC 9106 §3.3): {@code outLen} bytes of Blake2b over {@code LE32(outLen) || in}. */
  private static void hashLong(byte[] in, byte[] out, int outLen) {
    byte[] len = new byte[4];
    put32(len, 0, outLen);
    if (outLen <= 64) {
      Blake2bDigest d = new Blake2bDigest(outLen * 8);
      d.update(len, 0, 4);
      d.update(in, 0, in.length);
      d.doFinal(out, 0);
      return;
    }
    byte[] v = new byte[64];
    Blake2bDigest d = new Blake2bDigest(512);
    d.update(len, 0, 4);
    d.update(in, 0, in.length);
    d.doFinal(v, 0);
    int pos = 0;
    System.arraycopy(v, 0, out, pos, 32);
    pos += 32;
    while (outLen - pos > 64) {
      d.reset();
      d.update(v, 0, 64);
      d.doFinal(v, 0);
      System.arraycopy(v, 0, out, pos, 32);
      pos += 32;
    }
    Blake2bDigest last = new Blake2bDigest((outLen - pos) * 8);
    last.update(v, 0, 64);
    last.doFinal(out, pos);
  }

  private static void update32(Blake2bDigest d, int v) {
    byte[] b = new byte[4];
    put32(b, 0, v);
    d.update(b, 0, 4);
  }

  private static void put32(byte[] b, int off, int v) {
    b[off] = (byte) v;
    b[off + 1] = (byte) (v >>> 8);
    b[off + 2] = (byte) (v >>> 16);
    b[off + 3] = (byte) (v >>> 24);
  }

  private static void put64(byte[] b, int off, long v) {
    for (int i = 0; i < 8; i++) b[off + i] = (byte) (v >>> (8 * i));
  }

  private static long le64(byte[] b, int off) {
    long v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | (b[off + i] & 0xFF);
    return v;
  }
}
