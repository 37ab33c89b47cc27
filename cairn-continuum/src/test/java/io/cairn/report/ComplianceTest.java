package io.cairn.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.engine.evidence.RecoveryRecord;
import io.cairn.engine.snapshot.Consistency;
import io.cairn.policy.Policy;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's RPO and RTO figures from evidence, against a clock the test sets. */
class ComplianceTest {
  static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

  final Policy policy = Policy.read(new StringReader("""
      assets:
        db:
          class: critical
          source: { type: sqlite, path: /srv/db.sqlite }
          rpo: 1h
          rto: 10m
        logs:
          class: standard
          source: { type: files, paths: [/var/log] }
      """), "cairn.yaml");

  static Ledger.Point point(String id, Instant t, Consistency c) {
    return new Ledger.Point("db", false, id, t, c, true, "main", List.of());
  }

  static RecoveryRecord drill(String snapshot, Instant start, long hydrateMs, long totalMs, boolean passed) {
    return new RecoveryRecord(1, "r", "drill", "db", "asset", null, List.of(new RecoveryRecord.PointUsed("db", snapshot, start, "main")),
        "sandbox", true, "h", start, start.plusMillis(totalMs), passed ? "passed" : "failed", passed ? null : "sql check failed",
        List.of(new RecoveryRecord.Phase("provision", "db", start, 1000, true, null),
            new RecoveryRecord.Phase("hydrate", "db", start.plusMillis(1000), hydrateMs, true, null)), List.of(), 100);
  }

  private Compliance.Entry db(Ledger l, Instant at) {
    return Compliance.assess(policy, l, at).entries().stream().filter(e -> e.subject().equals("db")).findFirst().orElseThrow();
  }

  @Test
  void achievedRpo_isTheAgeOfTheNewestVerifiedPoint_notOfTheNewestPoint() {
    Ledger l = new Ledger().point(point("a", T0, Consistency.APPLICATION)).point(point("b", T0.plus(Duration.ofMinutes(30)), Consistency.APPLICATION))
        .point(point("c", T0.plus(Duration.ofMinutes(50)), Consistency.APPLICATION))
        .recovery(drill("b", T0.plus(Duration.ofMinutes(40)), 60_000, 120_000, true));
    Instant at = T0.plus(Duration.ofMinutes(70));

    Compliance.Entry e = db(l, at);

    assertThat(e.achievedRpo()).isEqualTo(Duration.ofMinutes(40)); // b at 0:30, c never verified
    assertThat(e.largestGap()).isEqualTo(Duration.ofMinutes(30));
    assertThat(e.lastDrillRto()).isEqualTo(Duration.ofMinutes(2));
    assertThat(e.status()).isEqualTo(Compliance.Status.GREEN);
    // a full data check after c verifies it
    l.check(new Ledger.Check("main", T0.plus(Duration.ofMinutes(55)), true, true));
    assertThat(db(l, at).achievedRpo()).isEqualTo(Duration.ofMinutes(20));
    // a check of the metadata only verifies nothing
    Ledger meta = new Ledger().point(point("a", T0, Consistency.APPLICATION)).check(new Ledger.Check("main", T0.plusSeconds(60), true, false));
    assertThat(db(meta, at).achievedRpo()).isNull();
    assertThat(db(meta, at).status()).isEqualTo(Compliance.Status.RED);
  }

  @Test
  void report_asOfAnEarlierTime_ignoresWhatCameAfter_andBreachesTheRpoLater() {
    Ledger l = new Ledger().point(point("a", T0, Consistency.APPLICATION)).recovery(drill("a", T0.plusSeconds(60), 1000, 5000, true));
    assertThat(db(l, T0.plusSeconds(30)).lastDrill()).as("the drill had not happened yet").isNull();
    assertThat(db(l, T0.plus(Duration.ofMinutes(59))).status()).isEqualTo(Compliance.Status.GREEN);
    Compliance.Entry late = db(l, T0.plus(Duration.ofMinutes(61)));
    assertThat(late.status()).isEqualTo(Compliance.Status.RED);
    assertThat(late.reasons().get(0)).isEqualTo("RPO breached: the newest verified point is 1h1m old, the objective is 1h");
  }

  @Test
  void demonstratedRto_isTheLastPassedDrill_andTheP95OfRecentOnes_perPhase() {
    Ledger l = new Ledger().point(point("a", T0, Consistency.APPLICATION));
    for (int i = 1; i <= 20; i++) l.recovery(drill("a", T0.plus(Duration.ofMinutes(i)), i * 1000L, i * 10_000L, true));
    l.recovery(drill("a", T0.plus(Duration.ofMinutes(30)), 99_000, 700_000, true)); // 11m40s: over the RTO of 10m
    Compliance.Entry e = db(l, T0.plus(Duration.ofMinutes(45)));
    assertThat(e.lastDrillRto()).isEqualTo(Duration.ofSeconds(700));
    // 21 drills, the newest 20 count: 20s..200s and 700s; nearest rank 19 of 20
    assertThat(e.p95Rto()).isEqualTo(Duration.ofSeconds(200));
    assertThat(e.p95Phases()).containsEntry("provision", 1000L).containsEntry("hydrate", 20_000L);
    assertThat(e.status()).isEqualTo(Compliance.Status.RED);
    assertThat(e.reasons()).contains("the last passed drill took 11m40s, longer than the RTO of 10m");
  }

  @Test
  void gaps_nameWhatTheEvidenceLacks() {
    Ledger l = new Ledger().point(point("a", T0, Consistency.CRASH)).recovery(drill("a", T0.plusSeconds(60), 1000, 5000, false));
    Compliance.Report r = Compliance.assess(policy, l, T0.plus(Duration.ofMinutes(10)));
    List<Gaps.Gap> gaps = Gaps.find(policy, l, r);
    assertThat(gaps).extracting(g -> g.subject() + " " + g.kind()).contains("db crash-only-database", "db drill-failed", "db no-checks",
        "db rpo-breached", "logs rpo-breached");
    assertThat(gaps).extracting(Gaps.Gap::todo).allMatch(t -> !t.isBlank());
  }
}
