package io.cairn.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.engine.ErrorCode;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.engine.store.LocalObjectStore;
import io.cairn.policy.Policy;
import io.cairn.testkit.FaultyObjectStore;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A capture whose repository fails at each of its write points in turn (a full disk, a crash):
 * it reports the failure, and what the repository then holds is either no point or a whole one.
 */
class CaptureFaultTest {
  @TempDir Path dir;

  @Test
  void capture_failingAtEveryWritePoint_neverLeavesAPointThatIsNotWhole() throws Exception {
    CaptureFixture fx = new CaptureFixture(dir);
    byte[] data = new byte[3 << 20];
    new Random(42).nextBytes(data);
    Path file = Files.write(dir.resolve("payload.bin"), data);
    Policy p = Policy.read(new StringReader("assets:\n  blob: { source: { type: command, command: \"cat " + file
        + "\", filename: blob.bin, consistent: true } }\n"), "cairn.yaml");
    int points;
    {
      FaultyObjectStore[] counting = new FaultyObjectStore[1];
      Capturer c = new Capturer(p, a -> Repository.open(counting[0] = new FaultyObjectStore(new LocalObjectStore(fx.repoDir), 0),
          CaptureFixture.PW, Clock.systemUTC()), Clock.systemUTC(), Map.of(), "h", 2);
      assertThat(fx.capture(c, "blob").ok()).isTrue();
      points = counting[0].writes();
      try (Repository r = fx.open()) {
        for (Snapshot s : r.snapshots()) r.forgetSnapshot(s.id());
      }
    }
    assertThat(points).as("write points of one capture").isGreaterThanOrEqualTo(4);
    for (int n = 1; n <= points; n++) {
      int failAt = n;
      Capturer c = new Capturer(p, a -> Repository.open(new FaultyObjectStore(new LocalObjectStore(fx.repoDir), failAt), CaptureFixture.PW,
          Clock.systemUTC()), Clock.systemUTC(), Map.of(), "h", 2);
      Capturer.PointOutcome o = fx.capture(c, "blob");
      List<Snapshot> left = fx.snapshots();
      if (o.ok()) {
        assertThat(left).as("write point " + n + ": an acknowledged point is there").extracting(s -> s.id().toString()).contains(o.snapshot());
      } else {
        assertThat(o.code()).as("write point " + n).isEqualTo(ErrorCode.IO);
        assertThat(o.error()).as("write point " + n).contains("asset blob").contains("injected crash");
      }
      for (Snapshot s : left) {
        Path out = fx.restore(s.id().toString(), dir.resolve("restore-" + n + "-" + s.id().shortHex()));
        assertThat(Files.readAllBytes(out.resolve("blob.bin"))).as("write point " + n + ": a point left is whole").isEqualTo(data);
      }
      try (Repository r = fx.open()) {
        for (Snapshot s : r.snapshots()) r.forgetSnapshot(s.id());
      }
    }
  }
}
