package io.cairn.bench;

import io.cairn.engine.BlobId;
import io.cairn.engine.index.MemIndex;
import io.cairn.engine.pack.BlobType;
import io.cairn.engine.pack.Compression;
import io.cairn.engine.pack.PackEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A synthetic index of N blobs (default 10,000,000) in packs of 2,000: bytes per blob in memory,
 * time to build (load + sort), and lookups per second for present and absent ids.
 *
 * <pre>java -Xmx512m -cp cairn-bench/target/benchmarks.jar io.cairn.bench.IndexScale 10000000</pre>
 */
public final class IndexScale {
  private IndexScale() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
    Random r = new Random(42);
    MemIndex idx = new MemIndex();
    long heapBefore = usedHeap();
    long t0 = System.nanoTime();
    int perPack = 2000;
    BlobId[] sample = new BlobId[100_000];
    for (int p = 0, done = 0; done < n; p++) {
      List<PackEntry> es = new ArrayList<>(perPack);
      for (int i = 0; i < perPack && done < n; i++, done++) {
        BlobId id = new BlobId(r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong());
        if (done % (n / sample.length + 1) == 0) sample[(done / (n / sample.length + 1)) % sample.length] = id;
        es.add(new PackEntry(id, BlobType.DATA, Compression.ZSTD, 40 + i * 1000, 1000, 2000));
      }
      idx.load(new BlobId(p, 0, 0, 0), es);
    }
    idx.seal();
    long buildMs = (System.nanoTime() - t0) / 1_000_000;
    System.gc();
    long heapAfter = usedHeap();
    int found = 0;
    long t1 = System.nanoTime();
    int lookups = 2_000_000;
    for (int i = 0; i < lookups; i++) {
      BlobId id = sample[i % sample.length];
      if (id != null && idx.lookup(id) != null) found++;
    }
    double presentPerSec = lookups / ((System.nanoTime() - t1) / 1e9);
    long t2 = System.nanoTime();
    int absent = 0;
    for (int i = 0; i < lookups; i++) if (!idx.contains(new BlobId(r.nextLong(), r.nextLong(), 0, 0))) absent++;
    double absentPerSec = lookups / ((System.nanoTime() - t2) / 1e9);
    System.out.printf("blobs %d, build %d ms, %.2f bytes/blob off-heap (entries + pack table), heap delta %.1f MB%n", idx.size(),
        buildMs, idx.bytesPerBlob(), (heapAfter - heapBefore) / 1e6);
    System.out.printf("lookups: %.2f M/s present (%d found), %.2f M/s absent (%d)%n", presentPerSec / 1e6, found,
        absentPerSec / 1e6, absent);
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }
}
