package io.cairn.cli;

import io.cairn.schedule.Planner;
import io.cairn.service.PlanService;
import io.cairn.service.Times;
import java.time.Instant;
import java.time.ZoneId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "plan", description = {"What the policy asks for now: every asset's and group's newest point against its RPO, breaches,"
    + " when the next capture is due, and when verification and prune are due per repository.",
    "",
    "Read-only. 'cairn run --due' does what this shows as due."})
final class PlanCommand extends BaseCommand {
  @Option(names = "--at", paramLabel = "TIME", description = "Plan as of TIME instead of now (2027-01-31T18:00, or an instant ending in Z).")
  String at;

  @Override
  public Integer call() throws Exception {
    Instant when = at == null ? null : Times.instant(at, "--at", ZoneId.systemDefault());
    Planner.Plan plan = new PlanService(workspace()).run(new PlanService.Request(global.policy(), when, global.repoOrNull(),
        System.getenv()), listener());
    if (global.json) {
      printJson(plan);
      return 0;
    }
    say("%-16s %-6s %-10s %-8s %-20s %-12s %-10s %s", "TARGET", "KIND", "CLASS", "RPO", "NEWEST", "CONSISTENCY", "DUE", "STATE");
    for (Planner.Target t : plan.targets()) {
      String due = t.capturedWith() != null ? "(" + t.capturedWith() + ")" : t.due() ? "now" : RunCommand.in(plan.at(), t.dueAt());
      say("%-16s %-6s %-10s %-8s %-20s %-12s %-10s %s", t.name(), t.kind(), t.className(), RunCommand.human(t.rpo()),
          t.newest() == null ? "-" : RunCommand.time(t.newest()), t.consistency() == null ? "-" : t.consistency().label(), due,
          (t.breach() ? "BREACH: " : "ok: ") + t.reason());
    }
    for (Planner.Repo r : plan.repositories()) {
      say("repository %s: verify %s (last %s, %s), prune %s (last %s, %s)", r.name(), r.verify(),
          r.lastVerified() == null ? "never" : RunCommand.time(r.lastVerified()), r.verifyDueAt() == null ? "never due"
              : r.verifyDue() ? "due now" : "due " + RunCommand.in(plan.at(), r.verifyDueAt()),
          r.prune(), r.lastPruned() == null ? "never" : RunCommand.time(r.lastPruned()), r.pruneDueAt() == null ? "never due"
              : r.pruneDue() ? "due now" : "due " + RunCommand.in(plan.at(), r.pruneDueAt()));
    }
    for (Planner.DrillDue d : plan.drills()) {
      say("drill %s %s: %s (last %s, %s)", d.kind(), d.target(), d.cadence(), d.last() == null ? "never" : RunCommand.time(d.last()),
          d.due() ? "due now" : d.dueAt() == null ? "never due" : "due " + RunCommand.in(plan.at(), d.dueAt()));
    }
    java.util.Map<String, java.util.List<io.cairn.schedule.Copies.Owed>> copies = new java.util.LinkedHashMap<>();
    for (var o : plan.copies()) copies.computeIfAbsent(o.kind() + " " + o.subject() + " to " + o.to(), k -> new java.util.ArrayList<>()).add(o);
    for (var c : copies.entrySet()) {
      long late = c.getValue().stream().filter(io.cairn.schedule.Copies.Owed::overdue).count();
      var next = c.getValue().stream().filter(o -> !o.overdue()).map(io.cairn.schedule.Copies.Owed::dueBy).min(Instant::compareTo);
      say("copy %s: %d point(s) pending%s%s", c.getKey(), c.getValue().size(), late > 0 ? ", " + late + " OVERDUE (oldest by "
              + RunCommand.human(io.cairn.schedule.Copies.late(c.getValue().get(0), plan.at())) + ")" : "",
          next.map(t -> ", next deadline " + RunCommand.in(plan.at(), t)).orElse(""));
    }
    java.util.Map<String, Long> moves = new java.util.LinkedHashMap<>();
    for (var m : plan.tiering()) moves.merge(m.subject() + " to " + m.to(), 1L, Long::sum);
    moves.forEach((k, n) -> say("tier %s: %d point(s) older than the tiering rule, to move now", k, n));
    for (Planner.RetentionDue r : plan.retention()) {
      if (r.kept() + r.wouldForget() > 0) {
        say("retention of %s (%s): keeps %d point(s)%s", r.target(), r.rules(), r.kept(),
            r.wouldForget() == 0 ? "" : ", would forget " + r.wouldForget() + " snapshot(s) after the next capture");
      }
    }
    for (String w : plan.warnings()) err().println("cairn: warning: " + w);
    return 0;
  }
}
