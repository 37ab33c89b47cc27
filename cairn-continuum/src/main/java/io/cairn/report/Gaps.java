package io.cairn.report;

import io.cairn.engine.evidence.RecoveryRecord;
import io.cairn.engine.snapshot.Consistency;
import io.cairn.policy.Asset;
import io.cairn.policy.Group;
import io.cairn.policy.Policy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import io.cairn.schedule.Copies;

/**
 * The gap analysis: where the policy asks for more than the evidence shows, each gap with the asset
 * or group, why it matters and what to do about it.
 */
public final class Gaps {
  private Gaps() {}

  /**
   * One gap.
   *
   * @param kind a stable name for scripts: crash-only-database, never-drilled, drill-overdue, rpo-breached, drill-slower-than-rto,
   *     drill-failed, no-group-point, no-checks, copies-missing, restore-order-not-exercised
   */
  public record Gap(String subject, String kind, Compliance.Status severity, String why, String todo) {}

  public static List<Gap> find(Policy policy, Ledger ledger, Compliance.Report report) {
    List<Gap> out = new ArrayList<>();
    Instant at = report.at();
    List<String> repos = ledger.repositories();
    List<Copies.Owed> owed = Copies.owed(policy, ledger.copies(), at, repos.size() == 1 ? repos.get(0) : null);
    for (Compliance.Entry e : report.entries()) {
      boolean group = e.kind().equals("group");
      String cls = e.className();
      boolean important = "critical".equals(cls) || "regulated".equals(cls);
      if (!group) {
        Asset a = policy.asset(e.subject());
        List<Ledger.Point> pts = ledger.points(e.subject(), false).stream().filter(p -> !p.time().isAfter(at)).toList();
        if (Compliance.database(a.source()) && !pts.isEmpty() && pts.stream().allMatch(p -> p.consistency() == Consistency.CRASH)) {
          out.add(new Gap(e.subject(), "crash-only-database", Compliance.Status.AMBER,
              "a database captured only crash-consistently may not start, or may lose committed transactions, when restored",
              "capture it with its database source (postgres, mariadb, sqlite) or a quiescing before hook"));
        }
        boolean drilled = !ledger.recoveries(e.subject(), false).isEmpty() || policy.groupsOf(e.subject()).stream()
            .anyMatch(g -> !ledger.recoveries(g.name(), true).isEmpty());
        boolean checks = !a.checks().isEmpty() || policy.groupsOf(e.subject()).stream().anyMatch(g -> !g.checks().isEmpty());
        if (drilled && !checks) {
          out.add(new Gap(e.subject(), "no-checks", Compliance.Status.AMBER,
              "it is drilled, but no check looks at what was restored: a drill then proves only that the data could be read",
              "add checks to the asset in the policy (sql, http, command or file)"));
        }
      }
      if (e.lastDrill() == null && important && !e.drill().never()) {
        out.add(new Gap(e.subject(), "never-drilled", Compliance.Status.AMBER, "a " + cls + " " + e.kind()
            + " that was never drilled has no demonstrated RTO: nobody knows whether or how fast it can be restored",
            "run 'cairn drill " + e.subject() + "' (and 'cairn run --due' on a schedule)"));
      } else if (e.lastDrill() != null && !e.drill().never() && e.lastDrillAge().compareTo(e.drill().interval()) > 0) {
        out.add(new Gap(e.subject(), "drill-overdue", Compliance.Status.AMBER, "the last drill is " + Compliance.human(e.lastDrillAge())
            + " old; the class asks for one " + Compliance.often(e.drill()), "run 'cairn drill " + e.subject() + "', or schedule 'cairn run --due'"));
      }
      if (e.lastDrill() != null && !RecoveryRecord.PASSED.equals(e.lastDrill().outcome())) {
        out.add(new Gap(e.subject(), "drill-failed", Compliance.Status.RED, "the last drill failed: " + e.lastDrill().reason(),
            "fix the cause, then drill again ('cairn evidence " + e.subject() + "' has the details)"));
      }
      if (e.newestPoint() == null || e.achievedRpo() == null || e.achievedRpo().compareTo(e.rpo()) > 0) {
        out.add(new Gap(e.subject(), "rpo-breached", Compliance.Status.RED, e.newestPoint() == null ? "it has no recovery point at all"
            : e.achievedRpo() == null ? "no point of it is verified (by a data check or a passed drill): its achieved RPO is unknown"
            : "its newest verified point is " + Compliance.human(e.achievedRpo()) + " old; the RPO is " + Compliance.human(e.rpo()),
            e.newestPoint() == null ? "capture it ('cairn capture " + e.subject() + "' or 'cairn run --due')"
                : "capture it more often, and verify (cairn check --read-data) or drill its points"));
      }
      if (e.lastDrillRto() != null && e.lastDrillRto().compareTo(e.rto()) > 0) {
        out.add(new Gap(e.subject(), "drill-slower-than-rto", Compliance.Status.RED, "the last passed drill took "
            + Compliance.human(e.lastDrillRto()) + ", longer than the RTO of " + Compliance.human(e.rto()),
            "see which phase is slow ('cairn evidence " + e.subject() + "'), or agree a longer RTO"));
      }
      copies(e, owed, at, out);
      if (group) {
        Group g = policy.group(e.subject());
        if (ledger.points(g.name(), true).stream().noneMatch(Ledger.Point::complete)) {
          out.add(new Gap(g.name(), "no-group-point", Compliance.Status.RED,
              "its members have no common (complete) group point: they cannot be restored to one consistent moment",
              "capture the group as a whole ('cairn capture " + g.name() + "')"));
        }
        boolean ordered = g.members().stream().anyMatch(m -> !m.after().isEmpty());
        boolean exercised = ledger.recoveries(g.name(), true).stream().anyMatch(RecoveryRecord::passed);
        if (ordered && !exercised) {
          out.add(new Gap(g.name(), "restore-order-not-exercised", Compliance.Status.AMBER,
              "its restore order has never been exercised by a passed recovery or drill of the whole group",
              "run 'cairn drill " + g.name() + "'"));
        }
      }
    }
    return out;
  }

  /** Points older than their copy rule's deadline without a verified copy where the rule says. */
  private static void copies(Compliance.Entry e, List<Copies.Owed> owed, Instant at, List<Gap> out) {
    Map<String, List<Copies.Owed>> late = new TreeMap<>();
    for (Copies.Owed o : owed) {
      if (o.overdue() && o.subject().equals(e.subject()) && o.kind().equals(e.kind())) late.computeIfAbsent(o.to(), k -> new ArrayList<>()).add(o);
    }
    for (var m : late.entrySet()) {
      Copies.Owed oldest = m.getValue().get(0);
      out.add(new Gap(e.subject(), "copies-missing", Compliance.Status.AMBER, m.getValue().size() + " point(s) have no verified copy in "
          + m.getKey() + " although the copy rule's deadline passed (the oldest, " + oldest.point().substring(0, 8) + " of " + oldest.time()
          + ", by " + Compliance.human(Copies.late(oldest, at)) + "): a loss of " + oldest.from() + " would lose them",
          "run 'cairn run --due' (or 'cairn copy --repo " + oldest.from() + " --to " + m.getKey() + "'), and schedule it"));
    }
  }
}
