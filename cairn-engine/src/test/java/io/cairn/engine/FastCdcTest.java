package io.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.engine.chunk.ChunkerParams;
import io.cairn.engine.chunk.FastCdc;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class FastCdcTest {
  static final ChunkerParams P = new ChunkerParams(2 * 1024, 8 * 1024, 32 * 1024);
  static final FastCdc CDC = new FastCdc(P, new byte[32]);

  static List<byte[]> chunks(FastCdc cdc, byte[] data) {
    List<byte[]> out = new ArrayList<>();
    int off = 0;
    while (off < data.length) {
      int n = cdc.cut(data, off, data.length - off);
      out.add(Arrays.copyOfRange(data, off, off + n));
      off += n;
    }
    return out;
  }

  static byte[] random(long seed, int n) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Property(tries = 60)
  void chunks_stayWithinBoundsAndConcatenateToInput(@ForAll @LongRange(min = 1, max = 1_000_000) long seed,
      @ForAll @IntRange(min = 0, max = 400_000) int size) {
    byte[] data = random(seed, size);
    List<byte[]> cs = chunks(CDC, data);
    int total = 0;
    for (int i = 0; i < cs.size(); i++) {
      int n = cs.get(i).length;
      assertThat(n).isLessThanOrEqualTo(P.max());
      if (i < cs.size() - 1) assertThat(n).isGreaterThan(P.min());
      total += n;
    }
    assertThat(total).isEqualTo(size);
  }

  @Property(tries = 40)
  void boundaries_resynchronizeAfterInsertionOrDeletion(@ForAll @LongRange(min = 1, max = 1_000_000) long seed,
      @ForAll @IntRange(min = 1, max = 5000) int editLength, @ForAll boolean insert) {
    byte[] data = random(seed, 600_000);
    int at = 200_000 + (int) (seed % 1000);
    byte[] edited;
    if (insert) {
      byte[] ins = random(seed + 1, editLength);
      edited = new byte[data.length + editLength];
      System.arraycopy(data, 0, edited, 0, at);
      System.arraycopy(ins, 0, edited, at, editLength);
      System.arraycopy(data, at, edited, at + editLength, data.length - at);
    } else {
      edited = new byte[data.length - editLength];
      System.arraycopy(data, 0, edited, 0, at);
      System.arraycopy(data, at + editLength, edited, at, data.length - at - editLength);
    }
    Set<String> before = new HashSet<>();
    for (byte[] c : chunks(CDC, data)) before.add(Arrays.toString(Arrays.copyOf(c, 16)) + c.length);
    List<byte[]> after = chunks(CDC, edited);
    // every chunk after the edit region (plus one max-size chunk of resync room) existed before
    int off = 0, shared = 0, tail = 0;
    for (byte[] c : after) {
      if (off > at + editLength + P.max() * 2) {
        tail++;
        if (before.contains(Arrays.toString(Arrays.copyOf(c, 16)) + c.length)) shared++;
      }
      off += c.length;
    }
    assertThat(shared).as("chunks after the edit that are unchanged").isEqualTo(tail);
    assertThat(tail).isGreaterThan(0);
  }

  @Property(tries = 40)
  void scanner_findsTheSameBoundariesAsCut_inAnySlices(@ForAll @LongRange(min = 1, max = 1_000_000) long seed,
      @ForAll @IntRange(min = 1, max = 70_000) int slice) {
    byte[] data = random(seed, 300_000);
    if (seed % 3 == 0) Arrays.fill(data, 50_000, 200_000, (byte) 0); // a zero run takes the fast path
    List<Integer> expected = new ArrayList<>();
    for (byte[] c : chunks(CDC, data)) expected.add(c.length);
    List<Integer> got = new ArrayList<>();
    FastCdc.Scanner sc = CDC.scanner();
    byte[] buf = new byte[P.max() + slice];
    int pos = 0, filled = 0;
    while (true) {
      boolean eof = pos >= data.length;
      int cut = sc.find(buf, filled, eof);
      if (cut < 0) {
        int n = Math.min(slice, data.length - pos);
        n = Math.min(n, buf.length - filled);
        System.arraycopy(data, pos, buf, filled, n);
        pos += n;
        filled += n;
        continue;
      }
      if (cut == 0) break;
      got.add(cut);
      System.arraycopy(buf, cut, buf, 0, filled - cut);
      filled -= cut;
      sc.reset();
      if (eof && filled == 0) break;
    }
    assertThat(got).isEqualTo(expected);
  }

  @Test
  void gearTable_dependsOnTheSecret() {
    byte[] data = random(7, 500_000);
    byte[] other = new byte[32];
    other[0] = 1;
    List<Integer> a = chunks(CDC, data).stream().map(c -> c.length).toList();
    List<Integer> b = chunks(new FastCdc(P, other), data).stream().map(c -> c.length).toList();
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void averageChunkSize_isNearTheTarget() {
    byte[] data = random(11, 4_000_000);
    List<byte[]> cs = chunks(CDC, data);
    double avg = (double) data.length / cs.size();
    assertThat(avg).isBetween(P.avg() * 0.6, P.avg() * 1.6);
  }
}
