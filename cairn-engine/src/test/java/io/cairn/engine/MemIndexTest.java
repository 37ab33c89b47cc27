package io.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.engine.index.MemIndex;
import io.cairn.engine.pack.BlobType;
import io.cairn.engine.pack.Compression;
import io.cairn.engine.pack.PackEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class MemIndexTest {
  static BlobId id(Random r) {
    return new BlobId(r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong());
  }

  @Property(tries = 30)
  void lookup_findsEveryLoadedAndAddedBlob_andNothingElse(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed,
      @ForAll @IntRange(min = 0, max = 20_000) int loaded, @ForAll @IntRange(min = 0, max = 3000) int added) {
    Random r = new Random(seed);
    MemIndex idx = new MemIndex();
    List<PackEntry> base = new ArrayList<>();
    BlobId pack = id(r);
    for (int i = 0; i < loaded; i++) {
      base.add(new PackEntry(id(r), BlobType.values()[r.nextInt(2)], Compression.values()[r.nextInt(2)], r.nextInt(1 << 30),
          r.nextInt(1 << 24), r.nextInt(1 << 24)));
    }
    idx.load(pack, base);
    if (!base.isEmpty()) idx.load(pack, base.subList(0, base.size() / 3)); // the same blobs indexed twice
    idx.seal();
    List<PackEntry> more = new ArrayList<>();
    BlobId pack2 = id(r);
    for (int i = 0; i < added; i++) more.add(new PackEntry(id(r), BlobType.DATA, Compression.ZSTD, i * 100, 50, 60));
    idx.add(pack2, more);
    assertThat(idx.size()).isEqualTo(loaded + added);
    for (PackEntry e : base) {
      MemIndex.Location l = idx.lookup(e.id());
      assertThat(l.pack()).isEqualTo(pack);
      assertThat(l.entry()).isEqualTo(e);
    }
    for (PackEntry e : more) assertThat(idx.lookup(e.id()).entry()).isEqualTo(e);
    for (int i = 0; i < 200; i++) assertThat(idx.lookup(id(r))).isNull();
  }

  @Test
  void memoryPerLoadedBlob_isAtMost48Bytes() {
    Random r = new Random(1);
    MemIndex idx = new MemIndex();
    for (int p = 0; p < 100; p++) {
      List<PackEntry> es = new ArrayList<>();
      for (int i = 0; i < 2000; i++) es.add(new PackEntry(id(r), BlobType.DATA, Compression.ZSTD, 40 + i, 1000, 2000));
      idx.load(id(r), es);
    }
    idx.seal();
    // 46 bytes per entry, plus the 256 KiB fan-out table and the pack table amortized over 200,000 blobs
    assertThat(idx.bytesPerBlob()).isBetween(46.0, 47.4);
  }

  @Property(tries = 20)
  void lookup_ofIdsSharingLeadingBits_comparesTheRest(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed,
      @ForAll @IntRange(min = 1, max = 5000) int n) {
    // few distinct first words, so entries of a bucket differ only in b, c or d, or in the low bits of a
    Random r = new Random(seed);
    long[] firsts = {0L, -1L, 0x0000_ffff_ffff_ffffL, 0xffff_0000_0000_0000L, r.nextLong(), r.nextLong() & 0xffff_0000_0000_0001L};
    MemIndex idx = new MemIndex();
    List<PackEntry> es = new ArrayList<>();
    Set<BlobId> seen = new HashSet<>();
    for (int i = 0; i < n; i++) {
      BlobId id = new BlobId(firsts[r.nextInt(firsts.length)], r.nextInt(3) - 1, r.nextBoolean() ? -1 : r.nextInt(4), r.nextLong());
      if (!seen.add(id)) continue;
      es.add(new PackEntry(id, BlobType.DATA, Compression.NONE, i, i + 1, i + 2));
    }
    idx.load(id(r), es);
    idx.seal();
    assertThat(idx.size()).isEqualTo(es.size());
    for (PackEntry e : es) assertThat(idx.lookup(e.id()).entry()).isEqualTo(e);
    for (PackEntry e : es) {
      BlobId near = new BlobId(e.id().a(), e.id().b(), e.id().c(), e.id().d() + 1);
      if (!seen.contains(near)) assertThat(idx.contains(near)).isFalse();
    }
  }

  @Test
  void seal_ofMoreThanHalfAMillionBlobs_sortsInFinerBucketsThanTheFanOut_andFindsEvery() {
    // above 524,288 blobs the sort's buckets take more than the fan-out's 16 bits
    Random r = new Random(7);
    MemIndex idx = new MemIndex();
    List<PackEntry> es = new ArrayList<>();
    for (int i = 0; i < 600_000; i++) es.add(new PackEntry(id(r), BlobType.DATA, Compression.ZSTD, i, 100, 200));
    idx.load(id(r), es);
    idx.seal();
    assertThat(idx.size()).isEqualTo(600_000);
    for (int i = 0; i < es.size(); i += 7) assertThat(idx.lookup(es.get(i).id()).entry()).isEqualTo(es.get(i));
    for (int i = 0; i < 10_000; i++) assertThat(idx.contains(id(r))).isFalse();
  }

  @Test
  void seal_again_afterMoreAreLoaded_keepsTheFirstAndDropsDuplicates() {
    Random r = new Random(3);
    MemIndex idx = new MemIndex();
    BlobId p1 = id(r), p2 = id(r);
    List<PackEntry> first = new ArrayList<>(), second = new ArrayList<>();
    for (int i = 0; i < 3000; i++) first.add(new PackEntry(id(r), BlobType.TREE, Compression.ZSTD, i, 10, 20));
    for (int i = 0; i < 2000; i++) second.add(new PackEntry(id(r), BlobType.DATA, Compression.NONE, i, 30, 30));
    idx.load(p1, first);
    idx.seal();
    idx.load(p2, second);
    idx.load(p1, first.subList(0, 500)); // indexed twice
    idx.seal();
    assertThat(idx.size()).isEqualTo(5000);
    for (PackEntry e : first) assertThat(idx.lookup(e.id())).isEqualTo(new MemIndex.Location(p1, e));
    for (PackEntry e : second) assertThat(idx.lookup(e.id())).isEqualTo(new MemIndex.Location(p2, e));
  }

  @Test
  void forEach_visitsEveryBlobOnce_withItsWholeId() {
    Random r = new Random(5);
    MemIndex idx = new MemIndex();
    BlobId pack = id(r);
    List<PackEntry> es = new ArrayList<>();
    for (int i = 0; i < 4000; i++) es.add(new PackEntry(id(r), BlobType.DATA, Compression.ZSTD, i, 100, 200));
    idx.load(pack, es);
    idx.seal();
    PackEntry added = new PackEntry(id(r), BlobType.TREE, Compression.NONE, 1, 2, 3);
    idx.add(pack, List.of(added));
    Map<BlobId, PackEntry> seen = new HashMap<>();
    idx.forEach(l -> assertThat(seen.put(l.entry().id(), l.entry())).isNull());
    assertThat(seen).hasSize(4001).containsEntry(added.id(), added);
    for (PackEntry e : es) assertThat(seen).containsEntry(e.id(), e);
  }
}
