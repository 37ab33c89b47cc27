package io.cairn.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.cairn.engine.evidence.RecoveryRecord;
import io.cairn.engine.snapshot.Consistency;
import io.cairn.policy.Asset;
import io.cairn.policy.Cadence;
import io.cairn.policy.Group;
import io.cairn.policy.Policy;
import io.cairn.policy.Source;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * RPO and RTO measured from evidence, per asset and group, at a moment (injected: a report "as of"
 * any time gives the figures it would have given then). A point is <em>verified</em> when a check that
 * read all of its repository's data passed at or after its time, or a recovery or drill from it passed.
 * Achieved RPO is the age of the newest verified point; demonstrated RTO the length of the last
 * passed drill, beside the 95th percentile of recent ones, per phase.
 */
public final class Compliance {
  /** How far back gaps between points and the charts look. */
  public static final Duration WINDOW = Duration.ofDays(30);
  /** How many recent passed drills the 95th percentile is taken over. */
  static final int RECENT = 20;

  private Compliance() {}

  public enum Status {
    GREEN,
    AMBER,
    RED
  }

  /** The last drill (or sandbox recovery): when, how it ended, how long it took, why it failed. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Drill(Instant time, String outcome, long millis, String reason, Map<String, Long> phases) {}

  /** One sample of achieved RPO over time (null seconds: no verified point yet then). */
  public record Sample(Instant time, Long seconds) {}

  /** The compliance of one asset or group. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Entry(String subject, String kind, String className, Status status, List<String> reasons, Duration rpo, Duration achievedRpo,
      Duration largestGap, Instant newestPoint, Instant newestVerified, String newestConsistency, int copies, Duration rto, Duration lastDrillRto,
      Duration p95Rto, Map<String, Long> p95Phases, Drill lastDrill, Duration lastDrillAge, Cadence drill, int points, List<Sample> rpoSeries,
      List<Drill> drills) {}

  /** The report: every asset and group of the policy, at {@code at}. */
  public record Report(Instant at, Duration window, List<Entry> entries) {
    public Status worst() {
      return entries.stream().map(Entry::status).max(Comparator.naturalOrder()).orElse(Status.GREEN);
    }
  }

  public static Report assess(Policy policy, Ledger ledger, Instant at) {
    List<Entry> out = new ArrayList<>();
    for (Asset a : policy.assets().values()) {
      Policy.Effective e = policy.effective(a.name());
      out.add(entry(a.name(), "asset", e, ledger, at, database(a.source())));
    }
    for (Group g : policy.groups().values()) {
      out.add(entry(g.name(), "group", policy.effectiveGroup(g.name()), ledger, at, false));
    }
    return new Report(at, WINDOW, out);
  }

  static boolean database(Source s) {
    return s instanceof Source.Postgres || s instanceof Source.Mariadb || s instanceof Source.Sqlite;
  }

  private static Entry entry(String subject, String kind, Policy.Effective e, Ledger ledger, Instant at, boolean database) {
    boolean group = kind.equals("group");
    List<Ledger.Point> points = ledger.points(subject, group).stream().filter(p -> !p.time().isAfter(at) && p.complete()).toList();
    List<RecoveryRecord> recs = ledger.recoveries(subject, group).stream().filter(r -> r.finished() != null && !r.finished().isAfter(at)).toList();
    Duration rpo = e.rpo().value();
    Duration rto = e.rto().value();
    Cadence drillCadence = e.drill().value();
    List<String> red = new ArrayList<>();
    List<String> amber = new ArrayList<>();

    Ledger.Point newest = points.isEmpty() ? null : points.get(points.size() - 1);
    Instant verified = newestVerified(points, ledger, recs, group, at);
    Duration achieved = verified == null ? null : Duration.between(verified, at);
    Duration gap = largestGap(points, at);
    if (newest == null) {
      red.add("no recovery point");
    } else if (verified == null) {
      red.add("no verified point: no data check or passed drill covers any point (achieved RPO unknown)");
    } else if (achieved.compareTo(rpo) > 0) {
      red.add("RPO breached: the newest verified point is " + human(achieved) + " old, the objective is " + human(rpo));
    }
    if (newest != null && database && newest.consistency() == Consistency.CRASH) {
      amber.add("the newest point of this database is only crash-consistent");
    }

    List<RecoveryRecord> drills = recs.stream().filter(RecoveryRecord::sandbox).toList();
    RecoveryRecord last = drills.isEmpty() ? null : drills.get(drills.size() - 1);
    List<RecoveryRecord> passed = drills.stream().filter(RecoveryRecord::passed).toList();
    RecoveryRecord lastPassed = passed.isEmpty() ? null : passed.get(passed.size() - 1);
    Duration lastRto = lastPassed == null ? null : lastPassed.duration();
    List<RecoveryRecord> recent = passed.subList(Math.max(0, passed.size() - RECENT), passed.size());
    Duration p95 = recent.isEmpty() ? null : Duration.ofMillis(p95(recent.stream().map(r -> r.duration().toMillis()).toList()));
    Map<String, Long> p95Phases = new LinkedHashMap<>();
    Map<String, List<Long>> byPhase = new TreeMap<>();
    for (RecoveryRecord r : recent) phaseSpans(r).forEach((k, v) -> byPhase.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
    for (String ph : List.of("provision", "hydrate", "reconcile", "validate", "cutover", "teardown")) {
      if (byPhase.containsKey(ph)) p95Phases.put(ph, p95(byPhase.get(ph)));
    }
    Duration age = last == null ? null : Duration.between(last.finished(), at);
    if (last != null && !last.passed()) red.add("the last drill failed: " + last.reason());
    if (lastRto != null && lastRto.compareTo(rto) > 0) {
      red.add("the last passed drill took " + human(lastRto) + ", longer than the RTO of " + human(rto));
    }
    if (!drillCadence.never()) {
      if (last == null) amber.add("never drilled (the class asks for a drill every " + drillCadence + ")");
      else if (age.compareTo(drillCadence.interval()) > 0) amber.add("the last drill is " + human(age) + " old; the class asks for one " + often(drillCadence));
    }
    Status status = !red.isEmpty() ? Status.RED : !amber.isEmpty() ? Status.AMBER : Status.GREEN;
    List<String> reasons = new ArrayList<>(red);
    reasons.addAll(amber);
    if (reasons.isEmpty()) {
      reasons.add("RPO " + human(achieved) + " of " + human(rpo) + "; last drill passed in " + (lastRto == null ? "-" : human(lastRto)) + " of "
          + human(rto));
    }
    List<Drill> history = new ArrayList<>();
    for (RecoveryRecord r : drills) {
      if (r.finished().isBefore(at.minus(WINDOW))) continue;
      history.add(drill(r));
    }
    return new Entry(subject, kind, e.className(), status, reasons, rpo, achieved, gap, newest == null ? null : newest.time(), verified,
        newest == null || newest.consistency() == null ? null : newest.consistency().label(), newest == null ? 0 : 1, rto, lastRto, p95,
        p95Phases, last == null ? null : drill(last), age, drillCadence, points.size(), series(points, ledger, recs, group, at), history);
  }

  private static Drill drill(RecoveryRecord r) {
    return new Drill(r.finished(), r.outcome(), r.duration().toMillis(), r.reason(), phaseSpans(r));
  }

  /** Each phase's span in a recovery: from its first member's start to its last member's end. */
  static Map<String, Long> phaseSpans(RecoveryRecord r) {
    Map<String, Instant[]> span = new LinkedHashMap<>();
    for (RecoveryRecord.Phase p : r.phases()) {
      Instant[] s = span.computeIfAbsent(p.name(), k -> new Instant[] {p.start(), p.end()});
      if (p.start().isBefore(s[0])) s[0] = p.start();
      if (p.end().isAfter(s[1])) s[1] = p.end();
    }
    Map<String, Long> out = new LinkedHashMap<>();
    span.forEach((k, v) -> out.put(k, Duration.between(v[0], v[1]).toMillis()));
    return out;
  }

  /** The nearest-rank 95th percentile. */
  static long p95(List<Long> values) {
    List<Long> v = values.stream().sorted().toList();
    int rank = (int) Math.ceil(0.95 * v.size());
    return v.get(Math.max(0, rank - 1));
  }

  /** The time of the newest point verified as of {@code at}, or null. */
  static Instant newestVerified(List<Ledger.Point> points, Ledger ledger, List<RecoveryRecord> recs, boolean group, Instant at) {
    for (int i = points.size() - 1; i >= 0; i--) {
      Ledger.Point p = points.get(i);
      if (p.time().isAfter(at)) continue;
      if (verified(p, ledger, recs, group, at)) return p.time();
    }
    return null;
  }

  static boolean verified(Ledger.Point p, Ledger ledger, List<RecoveryRecord> recs, boolean group, Instant at) {
    for (Ledger.Check c : ledger.checks()) {
      if (c.ok() && c.allData() && c.repository().equals(p.repository()) && !c.time().isBefore(p.time()) && !c.time().isAfter(at)) return true;
    }
    for (RecoveryRecord r : recs) {
      if (!r.passed() || r.finished().isAfter(at)) continue;
      if (group ? p.id().equals(r.groupPoint()) : r.points().stream().anyMatch(u -> u.snapshot().equals(p.id()))) return true;
    }
    return false;
  }

  /** The largest gap between consecutive points over the window, the open gap to {@code at} included. */
  static Duration largestGap(List<Ledger.Point> points, Instant at) {
    if (points.isEmpty()) return null;
    Instant from = at.minus(WINDOW);
    Duration max = Duration.ZERO;
    Instant prev = null;
    for (Ledger.Point p : points) {
      if (prev != null && p.time().isAfter(from)) {
        Instant a = prev.isBefore(from) ? from : prev;
        Duration d = Duration.between(a, p.time());
        if (d.compareTo(max) > 0) max = d;
      }
      prev = p.time();
    }
    Duration open = Duration.between(prev.isBefore(from) ? from : prev, at);
    return open.compareTo(max) > 0 ? open : max;
  }

  /** Achieved RPO over the window, in 60 samples. */
  private static List<Sample> series(List<Ledger.Point> points, Ledger ledger, List<RecoveryRecord> recs, boolean group, Instant at) {
    List<Sample> out = new ArrayList<>();
    Instant first = points.isEmpty() ? at : points.get(0).time();
    Instant from = at.minus(WINDOW).isAfter(first) ? at.minus(WINDOW) : first;
    long span = Duration.between(from, at).toMillis();
    for (int i = 0; i <= 60; i++) {
      Instant t = from.plusMillis(span * i / 60);
      List<Ledger.Point> upTo = points.stream().filter(p -> !p.time().isAfter(t)).toList();
      Instant v = newestVerified(upTo, ledger, recs, group, t);
      out.add(new Sample(t, v == null ? null : Duration.between(v, t).toSeconds()));
    }
    return out;
  }

  /** A cadence in words: "weekly", "every 3d". */
  public static String often(Cadence c) {
    String s = c.toString();
    return s.matches("hourly|daily|weekly|monthly|never") ? s : "every " + s;
  }

  /** A duration for people, as the policy writes them (Durations.format), tenths of a second under 10 s. */
  public static String human(Duration d) {
    if (d == null) return "-";
    if (d.toSeconds() < 10 && d.toMillis() % 1000 != 0) return String.format(java.util.Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    return io.cairn.policy.Durations.format(Duration.ofSeconds(d.toSeconds()));
  }

}
