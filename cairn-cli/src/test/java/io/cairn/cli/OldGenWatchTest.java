package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The watch keeps the serial old generation near its live size while medium-lived garbage is
 * promoted into it; without it the old generation grows with the garbage. Runs in a child JVM with
 * the launcher's collector settings (the test JVM's own collector is not the serial one).
 */
class OldGenWatchTest {

  /** Child: keeps about 16 MiB live while promoting 400 MiB of arrays that die soon after. */
  public static void main(String[] args) throws Exception {
    if (args[0].equals("watch")) OldGenWatch.start();
    List<byte[]> ring = new ArrayList<>();
    for (int i = 0; i < 1600; i++) {
      ring.add(new byte[256 * 1024]); // small enough for eden: promoted by young collections
      if (ring.size() > 64) ring.remove(0);
      for (int j = 0; j < 10; j++) {
        byte[] young = new byte[64 * 1024]; // churn: young collections that promote the ring
        young[j] = (byte) j;
      }
      if (i % 16 == 0) Thread.sleep(1); // about a backup's pace, so the watch's notifications keep up
    }
    Thread.sleep(200); // a watch-triggered collection in flight finishes
    long peak = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getName().equals("Tenured Gen")) peak = p.getPeakUsage().getUsed();
    }
    System.out.println("peak-old-mb " + (peak >> 20));
  }

  private static long peakOldMb(String mode) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-XX:+UseSerialGC", "-Xms32m", "-Xmn8m", "-Xmx1g",
        "-XX:MaxHeapFreeRatio=30", "-XX:MinHeapFreeRatio=10", "-cp", System.getProperty("java.class.path"),
        OldGenWatchTest.class.getName(), mode).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    String line = out.lines().filter(l -> l.startsWith("peak-old-mb ")).findFirst().orElseThrow(() -> new AssertionError(out));
    return Long.parseLong(line.substring("peak-old-mb ".length()).trim());
  }

  @Test
  void watch_promotedGarbage_keepsOldGenerationNearItsLiveSize() throws Exception {
    long without = peakOldMb("none");
    long with = peakOldMb("watch");
    System.out.println("old generation peak: " + without + " MB without the watch, " + with + " MB with it");
    assertThat(without).as("the serial collector alone grows the old generation with the garbage").isGreaterThan(150);
    // live 16 MiB, the slack (16 MiB, or half the live size after the last full collection), and
    // what young collections promote before the asynchronous notification has its collection run:
    // 57-70 MB on an idle machine, 114 MB once while the rest of the suite ran beside it, so the
    // bound is half of what the collector does alone rather than a tight figure
    assertThat(with).as("with the watch, of %d MB without", without).isLessThan(Math.min(200, without / 2));
  }
}
