package io.cairn.report;

import io.cairn.engine.evidence.RecoveryRecord;
import io.cairn.engine.snapshot.Consistency;
import io.cairn.policy.Asset;
import io.cairn.policy.Group;
import io.cairn.policy.Policy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

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
      if (!group) {
        copies(policy, e, out);
      }
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

  /** Copies the class asks for (the mobility stage records them; none are recorded yet). */
  private static void copies(Policy policy, Compliance.Entry e, List<Gap> out) {
    var rules = policy.effective(e.subject()).copies().value();
    if (rules.isEmpty() || e.newestPoint() == null) return;
    out.add(new Gap(e.subject(), "copies-missing", Compliance.Status.AMBER, "its class asks for copies (" + String.join(", ",
        rules.stream().map(Object::toString).toList()) + ") and no copy of its points is recorded",
        "copy its points to the repositories named ('cairn copy', the mobility stage)"));
  }
}
