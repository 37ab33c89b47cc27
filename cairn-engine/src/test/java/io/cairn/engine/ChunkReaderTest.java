package io.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.engine.chunk.ChunkReader;
import io.cairn.engine.chunk.ChunkerParams;
import io.cairn.engine.chunk.FastCdc;
import java.io.ByteArrayInputStream;
import java.nio.channels.Channels;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class ChunkReaderTest {
  static final ChunkerParams P = new ChunkerParams(2 * 1024, 8 * 1024, 64 * 1024);

  /** A pool that counts what it handed out and checks every pooled buffer comes back once. */
  static final class Pool implements ChunkReader.Buffers {
    final int size;
    final Deque<byte[]> free = new ArrayDeque<>();
    int made;
    int out;

    Pool(int size) {
      this.size = size;
    }

    @Override
    public byte[] take() {
      out++;
      byte[] b = free.poll();
      if (b != null) {
        Arrays.fill(b, (byte) 0x5a); // a reused buffer holds old bytes: the reader must not rely on zeros
        return b;
      }
      made++;
      return new byte[size];
    }

    byte[] large;
    int largeOut;

    @Override
    public byte[] takeLarge() {
      assertThat(largeOut).as("the large buffer is taken while in use").isZero();
      largeOut++;
      if (large == null) large = new byte[P.max()];
      else Arrays.fill(large, (byte) 0x5a);
      return large;
    }

    @Override
    public void give(byte[] b) {
      if (b.length != size) {
        assertThat(b).isSameAs(large);
        largeOut--;
        return;
      }
      out--;
      free.push(b);
    }
  }

  record Read(List<byte[]> chunks, long total, Pool pool) {}

  static Read read(FastCdc cdc, byte[] data) throws Exception {
    Pool pool = new Pool(ChunkReader.pooledSize(cdc.params()));
    List<byte[]> chunks = new ArrayList<>();
    long total = ChunkReader.read(cdc, pool, Channels.newChannel(new ByteArrayInputStream(data)), (b, len) -> {
      chunks.add(b == null ? new byte[len] : Arrays.copyOf(b, len));
      if (b != null) pool.give(b);
    });
    return new Read(chunks, total, pool);
  }

  static List<byte[]> cutAll(FastCdc cdc, byte[] data) {
    List<byte[]> out = new ArrayList<>();
    for (int off = 0; off < data.length; ) {
      int n = cdc.cut(data, off, data.length - off);
      out.add(Arrays.copyOfRange(data, off, off + n));
      off += n;
    }
    return out;
  }

  /** Random data with zero runs of random lengths (shorter and longer than the pooled buffer) in it. */
  static byte[] data(long seed, int size, int runs) {
    Random r = new Random(seed);
    byte[] d = new byte[size];
    r.nextBytes(d);
    for (int i = 0; i < runs && size > 0; i++) {
      int at = r.nextInt(size);
      int len = r.nextInt(4 * P.max());
      Arrays.fill(d, at, Math.min(size, at + len), (byte) 0);
    }
    return d;
  }

  @Property(tries = 200)
  void chunks_areThoseOfCut_withZeroRunsAndLargeChunks(@ForAll @LongRange(min = 1, max = 10_000_000) long seed,
      @ForAll @IntRange(min = 0, max = 600_000) int size, @ForAll @IntRange(min = 0, max = 6) int runs) throws Exception {
    byte[] seedKey = new byte[32];
    new Random(seed).nextBytes(seedKey);
    FastCdc cdc = new FastCdc(P, seedKey);
    byte[] d = data(seed, size, runs);
    Read got = read(cdc, d);
    List<byte[]> want = cutAll(cdc, d);
    assertThat(got.chunks()).hasSameSizeAs(want);
    for (int i = 0; i < want.size(); i++) assertThat(got.chunks().get(i)).as("chunk %d", i).isEqualTo(want.get(i));
    assertThat(got.total()).isEqualTo(size);
    assertThat(got.pool().out).as("pooled buffers not given back").isZero();
    assertThat(got.pool().largeOut).as("large buffer not given back").isZero();
  }

  @Test
  void longZeroRun_usesNoBufferLargerThanThePool() throws Exception {
    FastCdc cdc = new FastCdc(P, new byte[32]);
    byte[] d = new byte[50 * P.max() + 123]; // a sparse file's hole
    List<Integer> lens = new ArrayList<>();
    List<byte[]> given = new ArrayList<>();
    Pool pool = new Pool(ChunkReader.pooledSize(P));
    ChunkReader.read(cdc, pool, Channels.newChannel(new ByteArrayInputStream(d)), (b, len) -> {
      lens.add(len);
      given.add(b);
    });
    // zeros are counted, never handed on as bytes (only the short tail, held whole in the buffer, is)
    assertThat(given.subList(0, given.size() - 1).stream().filter(b -> b != null).count()).isZero();
    assertThat(lens.stream().mapToLong(Integer::longValue).sum()).isEqualTo(d.length);
    assertThat(lens.subList(0, lens.size() - 1)).containsOnly(cdc.zeroCut());
    assertThat(pool.made).isEqualTo(1);
    assertThat(pool.large).as("the max-size buffer is never needed for zeros").isNull();
  }

  @Property(tries = 300)
  void zeroCut_isCutOfZeros_whateverFollows(@ForAll @LongRange(min = 1, max = 100_000_000) long seed) {
    byte[] key = new byte[32];
    new Random(seed).nextBytes(key);
    ChunkerParams small = new ChunkerParams(64, 128, 1024); // small masks: zero boundaries before max do occur
    FastCdc cdc = new FastCdc(small, key);
    byte[] zeros = new byte[small.max()];
    assertThat(cdc.zeroCut()).isEqualTo(cdc.cut(zeros, 0, zeros.length));
    byte[] tail = new byte[small.max() * 2];
    new Random(seed + 1).nextBytes(tail);
    Arrays.fill(tail, 0, cdc.zeroCut(), (byte) 0);
    assertThat(cdc.cut(tail, 0, tail.length)).isEqualTo(cdc.zeroCut());
  }
}
