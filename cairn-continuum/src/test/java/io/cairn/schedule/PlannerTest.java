package io.cairn.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.engine.snapshot.Consistency;
import io.cairn.policy.Policy;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PlannerTest {
  static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
  static final Policy POLICY = Policy.read(new StringReader("""
      repositories:
        main: { location: /srv/repo, password: "env:PW" }
      classes:
        fast: { rpo: 15m, retention: { keep-last: 10 }, verify: daily, prune: weekly }
      assets:
        db: { class: fast, source: { type: command, command: "dump", filename: db.dump, consistent: true } }
        files: { class: fast, source: { type: files, paths: [/srv/files] } }
        logs: { class: ephemeral, source: { type: files, paths: [/var/log] } }
      groups:
        app: { members: [db, { asset: files, after: [db] }] }
      """), "cairn.yaml");

  private static History history(Instant groupPoint, Duration took) {
    History h = History.empty();
    if (groupPoint != null) {
      h.groups().put("app", new History.Point(groupPoint, Consistency.GROUP, took, true, "m1"));
      h.assets().put("db", new History.Point(groupPoint, Consistency.APPLICATION, took, true, "s2"));
      h.assets().put("files", new History.Point(groupPoint, Consistency.CRASH, took, true, "s3"));
    }
    h.assets().put("logs", new History.Point(T0.minus(Duration.ofHours(2)), Consistency.CRASH, Duration.ofSeconds(5), true, "s1"));
    h.repositories().put("main", new History.Repo(T0.minus(Duration.ofHours(1)), T0.minus(Duration.ofDays(1))));
    return h;
  }

  private static Planner.Target target(Planner.Plan p, String name) {
    return p.targets().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void plan_freshPoints_nothingIsDue() {
    Planner.Plan p = Planner.plan(POLICY, history(T0.minus(Duration.ofMinutes(5)), Duration.ofSeconds(30)), T0, null);
    assertThat(p.dueCaptures()).isEmpty();
    assertThat(p.breaches()).isEmpty();
    assertThat(target(p, "app").dueAt()).isEqualTo(T0.plus(Duration.ofMinutes(10)).minus(Duration.ofSeconds(30)));
    assertThat(target(p, "db").capturedWith()).as("a member is captured with its group").isEqualTo("app");
    assertThat(p.repositories()).singleElement().satisfies(r -> {
      assertThat(r.verifyDue()).isFalse();
      assertThat(r.verifyDueAt()).isEqualTo(T0.plus(Duration.ofHours(23)));
      assertThat(r.pruneDueAt()).isEqualTo(T0.plus(Duration.ofDays(6)));
    });
  }

  @Test
  void plan_pointNearItsRpo_isDueBeforeItBreaches() {
    // 14m30s old, a capture takes 40 s: due now, so the new point exists before the old one is 15 minutes old
    Planner.Plan p = Planner.plan(POLICY, history(T0.minus(Duration.ofSeconds(14 * 60 + 30)), Duration.ofSeconds(40)), T0, null);
    assertThat(p.dueCaptures()).extracting(Planner.Target::name).containsExactly("app");
    assertThat(p.breaches()).isEmpty();
  }

  @Test
  void plan_pointOlderThanItsRpo_isABreachWithTheNumbers() {
    Planner.Plan p = Planner.plan(POLICY, history(T0.minus(Duration.ofMinutes(40)), Duration.ofSeconds(30)), T0, null);
    assertThat(p.breaches()).extracting(Planner.Target::name).containsExactlyInAnyOrder("app", "db", "files");
    assertThat(target(p, "app").reason()).isEqualTo("newest point is 40m old, over the RPO of 15m by 25m");
  }

  @Test
  void plan_noPointYet_isDueNowAndInBreach() {
    Planner.Plan p = Planner.plan(POLICY, history(null, null), T0, null);
    assertThat(target(p, "app").due()).isTrue();
    assertThat(target(p, "app").breach()).isTrue();
    assertThat(target(p, "app").reason()).isEqualTo("no point yet");
  }

  @Test
  void plan_captureLongerThanTheRpo_warnsThatItCannotBeMet() {
    Planner.Plan p = Planner.plan(POLICY, history(T0.minus(Duration.ofMinutes(5)), Duration.ofMinutes(20)), T0, null);
    assertThat(p.warnings()).containsExactly("group app: its last capture took 20m, longer than its RPO of 15m, so the RPO cannot be met;"
        + " make the capture faster or the RPO longer");
  }

  @Test
  void plan_verificationAndPruneOnTheirCadence_becomeDue() {
    Planner.Plan p = Planner.plan(POLICY, history(T0, Duration.ZERO), T0.plus(Duration.ofDays(6)), null);
    assertThat(p.repositories().get(0).verifyDue()).isTrue();
    assertThat(p.repositories().get(0).pruneDue()).isTrue();
  }
}
