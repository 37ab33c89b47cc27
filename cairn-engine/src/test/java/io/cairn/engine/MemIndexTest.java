package io.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.engine.index.MemIndex;
import io.cairn.engine.pack.BlobType;
import io.cairn.engine.pack.Compression;
import io.cairn.engine.pack.PackEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
    // 48 bytes per entry plus the pack table, amortized over 2,000 blobs per pack
    assertThat(idx.bytesPerBlob()).isLessThanOrEqualTo(48.1);
  }
}
