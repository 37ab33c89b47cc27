package io.cairn.policy;

import io.cairn.engine.snapshot.Consistency;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How well a class of assets is protected: the recovery point and time objectives, the retention
 * (the engine's GFS rules), the consistency a point must reach, and how often points are verified,
 * drilled and pruned, and where they are copied. {@code fromFile} names the settings the policy file
 * gave (the others are the built-in class's), so {@code policy show} can say where each came from.
 */
public record ProtectionClass(String name, Duration rpo, Duration rto, Retention retention, Consistency consistency, Cadence verify,
    Cadence drill, Cadence prune, List<CopyRule> copies, Set<String> fromFile, Node.Where where, List<TierRule> tiering) {
  public ProtectionClass {
    copies = List.copyOf(copies);
    fromFile = Set.copyOf(fromFile);
    tiering = tiering == null ? List.of() : List.copyOf(tiering);
  }

  /** A class without tiering rules. */
  public ProtectionClass(String name, Duration rpo, Duration rto, Retention retention, Consistency consistency, Cadence verify,
      Cadence drill, Cadence prune, List<CopyRule> copies, Set<String> fromFile, Node.Where where) {
    this(name, rpo, rto, retention, consistency, verify, drill, prune, copies, fromFile, where, List.of());
  }

  /**
   * Points older than {@code after} move to repository {@code to} (an archive, with its own storage
   * class): copied there and verified, then forgotten from where they were (the mobility stage's tiering).
   */
  public record TierRule(Duration after, String to) {
    @Override
    public String toString() {
      return "after " + Durations.format(after) + " to " + to;
    }
  }

  /**
   * GFS rules, as {@code forget} takes them: each count keeps that many of the newest points of
   * distinct hours, days, weeks, months or years ({@code -1}: all); {@code keepWithin} keeps every
   * point younger than it.
   */
  public record Retention(int keepLast, int keepHourly, int keepDaily, int keepWeekly, int keepMonthly, int keepYearly,
      Duration keepWithin) {
    public boolean isEmpty() {
      return keepLast == 0 && keepHourly == 0 && keepDaily == 0 && keepWeekly == 0 && keepMonthly == 0 && keepYearly == 0
          && keepWithin == null;
    }

    /**
     * How far back the rules reach when a point is taken every {@code every}: the age of the oldest
     * point they still keep (unbounded for a count of -1).
     */
    public Duration reach(Duration every) {
      Duration r = keepWithin == null ? Duration.ZERO : keepWithin;
      r = max(r, span(keepLast, every, Duration.ZERO));
      r = max(r, span(keepHourly, every, Duration.ofHours(1)));
      r = max(r, span(keepDaily, every, Duration.ofDays(1)));
      r = max(r, span(keepWeekly, every, Duration.ofDays(7)));
      r = max(r, span(keepMonthly, every, Duration.ofDays(30)));
      r = max(r, span(keepYearly, every, Duration.ofDays(365)));
      return r;
    }

    /** How far a rule without a limit ({@code -1}) reaches: longer than any policy's RPO may be. */
    private static final Duration FOREVER = Duration.ofDays(365L * 1000);

    private static Duration span(int count, Duration every, Duration period) {
      if (count < 0) return FOREVER;
      if (count == 0) return Duration.ZERO;
      Duration step = every.compareTo(period) > 0 ? every : period;
      return step.multipliedBy(count);
    }

    private static Duration max(Duration a, Duration b) {
      return a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder();
      add(b, "keep-last", keepLast);
      add(b, "keep-hourly", keepHourly);
      add(b, "keep-daily", keepDaily);
      add(b, "keep-weekly", keepWeekly);
      add(b, "keep-monthly", keepMonthly);
      add(b, "keep-yearly", keepYearly);
      if (keepWithin != null) b.append(b.isEmpty() ? "" : ", ").append("keep-within ").append(Durations.format(keepWithin));
      return b.toString();
    }

    private static void add(StringBuilder b, String k, int v) {
      if (v != 0) b.append(b.isEmpty() ? "" : ", ").append(k).append(' ').append(v);
    }
  }

  /** Every point is copied to repository {@code to} within {@code within} of its capture (the mobility stage). */
  public record CopyRule(String to, Duration within) {
    @Override
    public String toString() {
      return "to " + to + " within " + Durations.format(within);
    }
  }

  /** The classes every policy has; a policy may override any of their settings or add its own classes. */
  static Map<String, ProtectionClass> builtIn() {
    Node.Where w = new Node.Where("built-in", 0, 0);
    Map<String, ProtectionClass> m = new java.util.LinkedHashMap<>();
    for (ProtectionClass c : List.of(new ProtectionClass("ephemeral", Duration.ofDays(1), Duration.ofDays(1),
            new Retention(0, 0, 7, 0, 0, 0, null), Consistency.CRASH, Cadence.every(Duration.ofDays(30)), Cadence.NEVER,
            Cadence.every(Duration.ofDays(7)), List.of(), Set.of(), w),
        new ProtectionClass("standard", Duration.ofDays(1), Duration.ofHours(8),
            new Retention(0, 0, 7, 4, 6, 0, null), Consistency.CRASH, Cadence.every(Duration.ofDays(7)),
            Cadence.every(Duration.ofDays(30)), Cadence.every(Duration.ofDays(7)), List.of(), Set.of(), w),
        new ProtectionClass("critical", Duration.ofHours(1), Duration.ofHours(1),
            new Retention(0, 24, 14, 8, 12, 0, null), Consistency.APPLICATION, Cadence.every(Duration.ofDays(1)),
            Cadence.every(Duration.ofDays(7)), Cadence.every(Duration.ofDays(1)), List.of(), Set.of(), w),
        new ProtectionClass("regulated", Duration.ofHours(4), Duration.ofHours(4),
            new Retention(0, 0, 30, 0, 12, 7, null), Consistency.APPLICATION, Cadence.every(Duration.ofDays(1)),
            Cadence.every(Duration.ofDays(30)), Cadence.every(Duration.ofDays(7)), List.of(), Set.of(), w))) {
      m.put(c.name(), c);
    }
    return m;
  }
}
