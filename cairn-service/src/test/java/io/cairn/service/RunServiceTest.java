package io.cairn.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.engine.ErrorCode;
import io.cairn.policy.Policy;
import java.io.StringReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 'cairn run --due' against a clock the test moves: what runs, what does not, and what runs once only. */
class RunServiceTest {
  @TempDir Path tmp;
  final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-04T10:00:00Z"));
  Workspace ws;
  Policy policy;
  Path lock;

  @BeforeEach
  void setUp() throws Exception {
    InstantSource clock = () -> now.get();
    ws = new Workspace(new Workspace.Settings(null, 0), clock, l -> "pw".toCharArray(), new StoreFactory());
    String repo = tmp.resolve("repo").toString();
    new InitService(ws).run(new InitService.Request(repo, 4096, 16384, 65536, 131072, 3, new KeyService.Kdf(64, 1)), "pw"::toCharArray);
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve("a"), "a");
    Files.writeString(tmp.resolve("pw"), "pw\n");
    policy = Policy.read(new StringReader("""
        repositories:
          main: { location: %s, password: "file:%s" }
        classes:
          fast: { rpo: 1h, retention: { keep-last: 2 }, verify: never, prune: weekly }
        assets:
          docs: { class: fast, source: { type: files, paths: [%s] } }
          broken: { class: fast, source: { type: command, command: "exit 5", filename: x } }
        """.formatted(repo, tmp.resolve("pw"), data)), "cairn.yaml");
    lock = tmp.resolve("state/run.lock");
  }

  private RunService.Outcome run() throws Exception {
    return new RunService(ws).run(new RunService.Request(policy, null, null, Map.of("CAIRN_SANDBOX_DIR", tmp.resolve("sandboxes").toString()),
        "h", lock, false), Listener.NONE);
  }

  private static List<String> did(RunService.Outcome o, String kind) {
    return o.actions().stream().filter(a -> a.kind().equals(kind)).map(a -> a.target() + (a.ok() ? "" : " failed")).toList();
  }

  @Test
  void run_oneTargetFails_theOthersRunAndTheExitCodeSaysSo() throws Exception {
    RunService.Outcome o = run();
    assertThat(did(o, "capture")).containsExactly("docs", "broken failed");
    assertThat(did(o, "retention")).containsExactly("docs");
    assertThat(did(o, "prune")).containsExactly("main");
    assertThat(o.exitCode()).isEqualTo(ErrorCode.PARTIAL.exitCode());
    assertThat(o.actions().stream().filter(a -> !a.ok()).findFirst().orElseThrow().detail())
        .isEqualTo("asset broken: command exit exited with 5; nothing was captured");
    assertThat(o.breaches()).extracting(b -> b.name()).containsExactly("broken");
  }

  @Test
  void run_again_nothingRunsTwice_thenTheClockMakesItDue() throws Exception {
    run();
    now.set(now.get().plus(Duration.ofMinutes(5)));
    RunService.Outcome second = run();
    assertThat(did(second, "capture")).containsExactly("broken failed");
    assertThat(did(second, "prune")).as("pruned 5 minutes ago, weekly").isEmpty();
    now.set(now.get().plus(Duration.ofHours(1)));
    RunService.Outcome third = run();
    assertThat(did(third, "capture")).containsExactly("docs", "broken failed");
  }

  @Test
  void run_retention_keepsWhatTheClassSays() throws Exception {
    for (int i = 0; i < 4; i++) {
      run();
      now.set(now.get().plus(Duration.ofHours(2)));
    }
    try (var repo = ws.open(tmp.resolve("repo").toString(), Workspace.Use.PLAIN)) {
      assertThat(repo.snapshots()).hasSize(2).allMatch(s -> "docs".equals(s.asset()));
    }
  }

  @Test
  void plan_showsWhatRetentionWouldForget_andForgetsNothing() throws Exception {
    for (int i = 0; i < 3; i++) {
      new CaptureService(ws).run(new CaptureService.Request(policy, "docs", List.of(), null, Map.of(), "h"), Listener.NONE);
      now.set(now.get().plus(Duration.ofMinutes(1)));
    }
    var plan = new PlanService(ws).run(new PlanService.Request(policy, null, null, Map.of()), Listener.NONE);
    assertThat(plan.retention()).filteredOn(r -> r.target().equals("docs")).singleElement()
        .satisfies(r -> {
          assertThat(r.kept()).isEqualTo(2);
          assertThat(r.wouldForget()).isEqualTo(1);
          assertThat(r.rules()).isEqualTo("keep-last 2");
        });
    try (var repo = ws.open(tmp.resolve("repo").toString(), Workspace.Use.PLAIN)) {
      assertThat(repo.snapshots()).hasSize(3);
    }
  }

  @Test
  void run_whileAnotherRunnerHoldsTheLock_doesNothingAndSaysSo() throws Exception {
    Files.createDirectories(lock.getParent());
    try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock held = ch.lock()) {
      assertThat(held.isValid()).isTrue();
      RunService.Outcome o = run();
      assertThat(o.skipped()).contains("another 'cairn run --due' of this policy is running");
      assertThat(o.actions()).isEmpty();
      assertThat(o.exitCode()).isZero();
    }
    assertThat(run().actions()).isNotEmpty();
  }

  @Test
  void run_drillsAtTheClassCadence_onceUntilItComesAgain() throws Exception {
    RunService.Outcome first = run();
    assertThat(did(first, "drill")).as("no point to drill yet when the run began").isEmpty();
    now.set(now.get().plus(Duration.ofMinutes(5)));
    RunService.Outcome second = run();
    assertThat(did(second, "drill")).containsExactly("docs");
    assertThat(second.actions().stream().filter(a -> a.kind().equals("drill")).findFirst().orElseThrow().detail()).startsWith("passed: point(s) docs ");
    now.set(now.get().plus(Duration.ofDays(1)));
    assertThat(did(run(), "drill")).as("the class drills monthly").isEmpty();
    now.set(now.get().plus(Duration.ofDays(30)));
    assertThat(did(run(), "drill")).containsExactly("docs");
    assertThat(tmp.resolve("sandboxes")).isEmptyDirectory();
  }
}
