package io.cairn.engine.repo;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.engine.BlobId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackWindowsTest {
  private static final int SEGMENT = 1000;

  @TempDir
  Path spillDir;

  /** Two packs of 3500 bytes and their fetches, counted per (pack, offset). */
  private final Map<BlobId, byte[]> packs = Map.of(id(1), bytes(1, 3500), id(2), bytes(2, 3500));
  private final Map<String, AtomicInteger> fetches = new ConcurrentHashMap<>();

  private final PackWindows.RangeFetcher fetcher = (pack, offset, into) -> {
    fetches.computeIfAbsent(pack + "@" + offset, k -> new AtomicInteger()).incrementAndGet();
    byte[] p = packs.get(pack);
    if (offset >= p.length) return 0;
    int n = (int) Math.min(into.length, p.length - offset);
    Arrays.fill(into, (byte) 0x5a); // whatever a reused array held before must not show
    System.arraycopy(p, (int) offset, into, 0, n);
    return n;
  };

  @Test
  void read_acrossSegments_returnsThePacksBytesAndStopsAtItsEnd() throws IOException {
    PackWindows w = new PackWindows(fetcher, 10_000, SEGMENT, null, 0);
    byte[] dst = new byte[2500];
    assertThat(w.read(id(1), 900, dst, 0, 2500)).isEqualTo(2500);
    assertThat(dst).isEqualTo(Arrays.copyOfRange(packs.get(id(1)), 900, 3400));
    assertThat(w.read(id(1), 3000, dst, 0, 2500)).isEqualTo(500);
    assertThat(Arrays.copyOf(dst, 500)).isEqualTo(Arrays.copyOfRange(packs.get(id(1)), 3000, 3500));
    assertThat(w.read(id(1), 4000, dst, 0, 10)).isZero();
  }

  @Test
  void read_overBudgetWithSpill_fetchesEachWindowOnce() throws IOException {
    PackWindows w = new PackWindows(fetcher, 2 * SEGMENT, SEGMENT, spillDir, 1 << 20);
    readAllTwice(w);
    assertThat(fetches.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    assertThat(fetches).hasSize(8);
    w.clear();
    try (var files = Files.list(spillDir)) {
      assertThat(files).isEmpty(); // the spill file goes with the windows
    }
  }

  @Test
  void read_overBudgetWithoutSpill_fetchesAgain() throws IOException {
    PackWindows w = new PackWindows(fetcher, 2 * SEGMENT, SEGMENT, null, 0);
    readAllTwice(w);
    assertThat(fetches.values().stream().mapToInt(AtomicInteger::get).sum()).isGreaterThan(8);
  }

  @Test
  void read_spillFull_dropsWindowsAndStaysCorrect() throws IOException {
    PackWindows w = new PackWindows(fetcher, 2 * SEGMENT, SEGMENT, spillDir, 3 * SEGMENT);
    readAllTwice(w);
    int total = fetches.values().stream().mapToInt(AtomicInteger::get).sum();
    assertThat(total).isGreaterThan(8).isLessThan(16);
  }

  @Test
  void read_spillFolderUnusable_dropsWindowsInsteadAndStaysCorrect() throws IOException {
    PackWindows w = new PackWindows(fetcher, 2 * SEGMENT, SEGMENT, spillDir.resolve("not-there"), 1 << 20);
    readAllTwice(w); // checks every byte
    assertThat(fetches.values().stream().mapToInt(AtomicInteger::get).sum()).isGreaterThan(8);
  }

  @Test
  void read_afterAFetchFailedWithAnError_fetchesAgainInsteadOfWaitingForEver() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    PackWindows w = new PackWindows((pack, offset, into) -> {
      if (calls.incrementAndGet() == 1) throw new OutOfMemoryError("simulated");
      return fetcher.fetch(pack, offset, into);
    }, 10 * SEGMENT, SEGMENT, spillDir, 1 << 20);
    byte[] dst = new byte[10];
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> w.read(id(1), 0, dst, 0, 10)).isInstanceOf(OutOfMemoryError.class);
    var second = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return w.read(id(1), 0, dst, 0, 10);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    assertThat(second.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(10);
    assertThat(dst).isEqualTo(Arrays.copyOf(packs.get(id(1)), 10));
  }

  @Test
  void read_manyThreadsOneWindow_fetchOnce() throws Exception {
    PackWindows w = new PackWindows(fetcher, 10 * SEGMENT, SEGMENT, spillDir, 1 << 20);
    Thread[] ts = new Thread[8];
    for (int i = 0; i < ts.length; i++) {
      ts[i] = Thread.ofPlatform().start(() -> {
        try {
          byte[] dst = new byte[100];
          w.read(id(2), 50, dst, 0, 100);
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      });
    }
    for (Thread t : ts) t.join();
    assertThat(fetches).containsOnlyKeys(id(2) + "@0");
    assertThat(fetches.get(id(2) + "@0").get()).isEqualTo(1);
  }

  @Test
  void read_manyThreadsAndASmallBudget_reusedArraysNeverShowOtherBytes() throws Exception {
    for (boolean spill : new boolean[] {true, false}) {
      PackWindows w = new PackWindows(fetcher, 2 * SEGMENT, SEGMENT, spill ? spillDir : null, 1 << 20);
      Thread[] ts = new Thread[6];
      java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
      for (int t = 0; t < ts.length; t++) {
        long seed = t;
        ts[t] = Thread.ofPlatform().start(() -> {
          Random r = new Random(seed);
          try {
            for (int i = 0; i < 2_000; i++) {
              int p = 1 + r.nextInt(2);
              int off = r.nextInt(3400);
              int len = 1 + r.nextInt(3500 - off);
              byte[] dst = new byte[len];
              int n = w.read(id(p), off, dst, 0, len);
              if (n != len || !Arrays.equals(dst, Arrays.copyOfRange(packs.get(id(p)), off, off + len))) {
                throw new AssertionError("pack " + p + " at " + off + "+" + len + " read wrong bytes");
              }
            }
          } catch (Throwable e) {
            failed.compareAndSet(null, e);
          }
        });
      }
      for (Thread t : ts) t.join();
      assertThat(failed.get()).as("spill " + spill).isNull();
      w.clear();
    }
  }

  /** Reads both packs whole, in pieces across segments, interleaved, twice; checks every byte. */
  private void readAllTwice(PackWindows w) throws IOException {
    for (int round = 0; round < 2; round++) {
      for (int off = 0; off < 3500; off += 700) {
        for (int p = 1; p <= 2; p++) {
          byte[] dst = new byte[700];
          int n = w.read(id(p), off, dst, 0, 700);
          assertThat(n).isEqualTo(700);
          assertThat(dst).isEqualTo(Arrays.copyOfRange(packs.get(id(p)), off, off + 700));
        }
      }
    }
  }

  private static BlobId id(int n) {
    byte[] b = new byte[32];
    b[0] = (byte) n;
    return BlobId.fromBytes(b, 0);
  }

  private static byte[] bytes(long seed, int n) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }
}
