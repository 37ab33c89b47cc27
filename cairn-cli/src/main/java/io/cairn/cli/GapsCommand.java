package io.cairn.cli;

import io.cairn.report.Gaps;
import io.cairn.service.ReportService;
import picocli.CommandLine.Command;

@Command(name = "gaps", description = {"The gap analysis of the policy against the evidence: each gap with the asset or group, why it"
    + " matters and what to do. Among them: a database captured only crash-consistently, a critical or regulated asset never drilled"
    + " or drilled longer ago than its cadence, an RPO breached, a drill slower than the RTO, a group without a common point, checks"
    + " missing, copies missing, a restore order never exercised.",
    "",
    "Exit code 0 whatever it finds."})
final class GapsCommand extends BaseCommand {
  @Override
  public Integer call() throws Exception {
    ReportService.Outcome o = new ReportService(workspace()).run(new ReportService.Request(global.policy(), null, global.repoOrNull(),
        System.getenv()), listener());
    if (global.json) {
      printJson(o.gaps());
      return 0;
    }
    for (Gaps.Gap g : o.gaps()) {
      say("%-5s %-16s %s", g.severity(), g.subject(), g.kind());
      say("      why:  %s", g.why());
      say("      do:   %s", g.todo());
    }
    if (o.gaps().isEmpty()) say("no gaps: the evidence covers what the policy asks for");
    return 0;
  }
}
