package io.cairn.cli;

import io.cairn.catalog.Catalog;
import io.cairn.service.EvidenceService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "evidence", description = {"List the recoveries and drills of an asset (its own and its groups' that restored it) or a"
    + " group (all when none is named), newest first:"
    + " when, the point(s), the outcome and why, each phase's time.",
    "",
    "Read from the catalog, which derives it from the repositories' evidence records ('cairn catalog rebuild' keeps it)."})
final class EvidenceCommand extends BaseCommand {
  @Parameters(paramLabel = "ASSET|GROUP", arity = "0..1", description = "Whose evidence.")
  String subject;

  @Option(names = "--limit", paramLabel = "N", description = "At most N records (default 20).")
  int limit = 20;

  @Override
  public Integer call() throws Exception {
    var rows = new EvidenceService(workspace()).list(new EvidenceService.Request(subject, limit), listener());
    if (global.json) {
      printJson(rows);
      return 0;
    }
    for (EvidenceService.Item e : rows) {
      Catalog.EvidenceRow r = e.row();
      say("%s %-7s %-16s %s %-6s %7s %s%s", r.id().substring(0, 8), r.kind(), r.subject(), RunCommand.time(r.started()),
          r.outcome().toUpperCase(java.util.Locale.ROOT), r.finished() == null ? "-" : seconds(r.finished().toEpochMilli() - r.started().toEpochMilli()),
          r.sandbox() ? "sandbox" : "target", r.reason() == null ? "" : ": " + r.reason());
      say("    points: %s", String.join(", ", r.points().entrySet().stream().map(x -> x.getKey() + " " + x.getValue().substring(0, 8)).toList()));
      if (!e.phases().isEmpty()) say("    phases: %s", e.phases());
    }
    if (rows.isEmpty()) say("no recoveries or drills recorded%s", subject == null ? "" : " for " + subject);
    return 0;
  }
}
