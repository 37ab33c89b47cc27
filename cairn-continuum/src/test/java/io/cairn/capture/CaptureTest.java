package io.cairn.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.engine.ErrorCode;
import io.cairn.engine.Progress;
import io.cairn.engine.snapshot.Consistency;
import io.cairn.engine.snapshot.GroupPoint;
import io.cairn.engine.snapshot.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureTest {
  @TempDir Path dir;
  CaptureFixture fx;
  Path data;

  @BeforeEach
  void setUp() throws Exception {
    fx = new CaptureFixture(dir);
    data = Files.createDirectories(dir.resolve("data"));
    Files.writeString(data.resolve("a.txt"), "hello");
  }

  private String files(String hooks) {
    return "assets:\n  docs:\n    class: critical\n    source: { type: files, paths: [" + data + "] }\n" + hooks;
  }

  @Test
  void capture_quiescingHookSucceeds_recordsApplicationConsistencyAndHooks() throws Exception {
    Path log = dir.resolve("hook.log");
    Capturer c = fx.capturer(files("    hooks: { before: { run: \"echo pause $CAIRN_ASSET $CAIRN_PHASE $CAIRN_POINT >> " + log
        + "\" }, after: { run: \"echo resume >> " + log + "\" } }\n"));
    Capturer.PointOutcome o = fx.capture(c, "docs");
    assertThat(o.ok()).as(o.error()).isTrue();
    Snapshot s = fx.snapshots().get(0);
    assertThat(s.asset()).isEqualTo("docs");
    assertThat(s.consistency()).isEqualTo(Consistency.APPLICATION);
    assertThat(s.consistencyReason()).contains("before hook 'echo' quiesced the application");
    assertThat(s.hooks()).extracting(Snapshot.HookRun::phase, Snapshot.HookRun::outcome)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("before", "ok"), org.assertj.core.groups.Tuple.tuple("after", "ok"));
    assertThat(Files.readAllLines(log)).containsExactly("pause docs before " + s.run(), "resume");
  }

  @Test
  void capture_withoutHooks_isCrashConsistentAndSaysWhy() throws Exception {
    Capturer.PointOutcome o = fx.capture(fx.capturer(files("")), "docs");
    assertThat(o.consistency()).isEqualTo(Consistency.CRASH);
    assertThat(o.consistencyReason()).isEqualTo("files read as they were, with no quiescing hook");
    assertThat(o.warnings()).singleElement().asString().contains("requires application consistency but its point is crash");
  }

  @Test
  void capture_hookThatHangs_isKilledWithItsChildrenAtItsTimeoutAndAborts() throws Exception {
    String marker = "cairn-hang-" + System.nanoTime();
    Path after = dir.resolve("after.ran");
    Capturer c = fx.capturer(files("    hooks: { before: { run: \"sh -c 'sleep 300; echo " + marker + "' & sleep 300; echo " + marker
        + "\", timeout: 1s }, after: { run: \"touch " + after + "\" } }\n"));
    long t0 = System.nanoTime();
    Capturer.PointOutcome o = fx.capture(c, "docs");
    assertThat((System.nanoTime() - t0) / 1_000_000_000.0).isLessThan(30);
    assertThat(o.code()).isEqualTo(ErrorCode.HOOK_FAILED);
    assertThat(o.error()).contains("before hook 'sh' of asset docs did not finish within 1s").contains("nothing was captured");
    assertThat(fx.snapshots()).isEmpty();
    assertThat(after).as("the after hook resumes what the before hook may have paused").exists();
    assertThat(CaptureFixture.processesWith(marker)).as("no child of the hook is left").isFalse();
  }

  @Test
  void capture_failingHookWithContinue_recordsCrashConsistencyWithTheReason() throws Exception {
    Capturer c = fx.capturer(files("    hooks: { before: { run: \"echo cannot pause >&2; exit 4\", on-failure: continue } }\n"));
    Capturer.PointOutcome o = fx.capture(c, "docs");
    assertThat(o.ok()).isTrue();
    Snapshot s = fx.snapshots().get(0);
    assertThat(s.consistency()).isEqualTo(Consistency.CRASH);
    assertThat(s.consistencyReason()).isEqualTo("before hook 'echo' of asset docs exited with 4: cannot pause (on-failure: continue),"
        + " so the point is only crash-consistent");
  }

  @Test
  void capture_failingNotifyOnlyHook_leavesTheConsistencyAlone() throws Exception {
    Capturer c = fx.capturer(files("    hooks: { before: [ { run: \"true\" }, { run: \"exit 3\", quiesce: false, on-failure: continue } ] }\n"));
    Capturer.PointOutcome o = fx.capture(c, "docs");
    assertThat(o.consistency()).isEqualTo(Consistency.APPLICATION);
    assertThat(o.hooks()).extracting(Snapshot.HookRun::outcome).containsExactly("ok", "failed");
  }

  @Test
  void capture_hookWithRetries_runsAgainUntilItSucceeds() throws Exception {
    Path count = dir.resolve("count");
    Capturer c = fx.capturer(files("    hooks: { before: { run: \"echo x >> " + count + "; test $(wc -l < " + count
        + ") -ge 3\", on-failure: retry 3 } }\n"));
    Capturer.PointOutcome o = fx.capture(c, "docs");
    assertThat(o.ok()).isTrue();
    assertThat(o.hooks().get(0).attempts()).isEqualTo(3);
    assertThat(o.consistency()).isEqualTo(Consistency.APPLICATION);
  }

  @Test
  void capture_tagsOfTheAssetAndOfTheCapture_areOnThePoint() throws Exception {
    Capturer c = fx.capturer("assets:\n  etcd: { tags: [kubernetes], source: { type: command, command: \"echo x\", filename: e.db } }\n");
    c.asset("etcd", List.of("pre-deploy-2.1", "kubernetes"), new Progress(), Capturer.Events.NONE);
    assertThat(fx.snapshots().get(0).tags()).containsExactly("kubernetes", "pre-deploy-2.1");
  }

  @Test
  void capture_commandThatFails_leavesNoPointAndKeepsItsError() throws Exception {
    Capturer c = fx.capturer("""
        assets:
          etcd: { source: { type: command, command: "echo partial; echo 'etcd: no leader' >&2; exit 2", filename: etcd.db } }
        """);
    Capturer.PointOutcome o = fx.capture(c, "etcd");
    assertThat(o.code()).isEqualTo(ErrorCode.IO);
    assertThat(o.error()).isEqualTo("asset etcd: command echo exited with 2: etcd: no leader; nothing was captured");
    assertThat(fx.snapshots()).isEmpty();
  }

  @Test
  void capture_consistentCommand_storesItsOutputAsApplicationConsistent() throws Exception {
    Capturer c = fx.capturer("""
        assets:
          redis: { source: { type: command, command: "printf 'REDIS0011'", filename: dump.rdb, consistent: true } }
        """);
    Capturer.PointOutcome o = fx.capture(c, "redis");
    assertThat(o.consistency()).isEqualTo(Consistency.APPLICATION);
    assertThat(o.facts()).containsEntry("type", "command").containsEntry("program", "printf");
    Path out = fx.restore(o.snapshot(), dir.resolve("r"));
    assertThat(Files.readString(out.resolve("dump.rdb"))).isEqualTo("REDIS0011");
  }

  @Test
  void group_withAFailedMember_isRecordedIncompleteAndNeverConsistent() throws Exception {
    Capturer c = fx.capturer(files("""
          broken: { source: { type: command, command: "exit 9", filename: x } }
        groups:
          shop: { members: [docs, { asset: broken, after: [docs] }] }
        """));
    Capturer.GroupOutcome g = c.group("shop", List.of("pre-deploy"), new Progress(), Capturer.Events.NONE);
    assertThat(g.complete()).isFalse();
    assertThat(g.consistency()).isNull();
    GroupPoint m = fx.groupPoints().get(0);
    assertThat(m.complete()).isFalse();
    assertThat(m.consistency()).isNull();
    assertThat(m.reason()).contains("member broken: asset broken: command exit exited with 9");
    assertThat(m.members()).extracting(GroupPoint.Member::asset, GroupPoint.Member::ok)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("docs", true), org.assertj.core.groups.Tuple.tuple("broken", false));
    assertThat(m.members().get(1).after()).containsExactly("docs");
    assertThat(fx.snapshots()).singleElement().satisfies(s -> {
      assertThat(s.group()).isEqualTo("shop");
      assertThat(s.run()).isEqualTo(m.run());
    });
  }

  @Test
  void group_allMembersConsistent_isOneGroupPointWithItsFreezeWindow() throws Exception {
    Capturer c = fx.capturer(files("""
          etcd: { source: { type: command, command: "echo state", filename: etcd.db, consistent: true } }
        groups:
          shop:
            members: [docs, etcd]
            hooks: { before: { run: "sleep 0.2" }, after: { run: "true" } }
        """));
    Capturer.GroupOutcome g = c.group("shop", List.of(), new Progress(), Capturer.Events.NONE);
    assertThat(g.complete()).isTrue();
    assertThat(g.consistency()).isEqualTo(Consistency.GROUP);
    assertThat(g.freezeMillis()).isGreaterThanOrEqualTo(200);
    assertThat(fx.groupPoints().get(0).members()).allMatch(GroupPoint.Member::ok);
    assertThat(fx.snapshots()).hasSize(2).allMatch(s -> s.run().equals(g.run()));
  }
}
