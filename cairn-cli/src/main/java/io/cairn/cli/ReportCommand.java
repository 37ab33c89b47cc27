package io.cairn.cli;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.report.Compliance;
import io.cairn.service.ReportService;
import io.cairn.service.Times;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "report", description = {"Compliance from evidence, per asset and group: RPO objective against achieved (the age of the newest"
    + " verified point), RTO objective against demonstrated (the last passed drill, and the 95th percentile of recent ones per phase),"
    + " the last drill's result and age, the newest point's consistency; green, amber or red, each with its reason.",
    "",
    "--html FILE writes a self-contained page (no external scripts, fonts or images) with charts of achieved RPO and drill durations.",
    "Exit code 0 whatever the colours (a report is not a check); 'cairn gaps' lists what to do."})
final class ReportCommand extends BaseCommand {
  @Option(names = "--at", paramLabel = "TIME", description = "Report as of TIME instead of now.")
  String at;

  @Option(names = "--html", paramLabel = "FILE", description = "Also write the report as HTML to FILE.")
  Path html;

  @Override
  public Integer call() throws Exception {
    Instant when = at == null ? null : Times.instant(at, "--at", ZoneId.systemDefault());
    ReportService.Outcome o = new ReportService(workspace()).run(new ReportService.Request(global.policy(), when, global.repoOrNull(),
        System.getenv()), listener());
    if (html != null) write(html, ReportService.html(o));
    if (global.json) {
      printJson(o);
      return 0;
    }
    say("compliance as of %s: %s", RunCommand.time(o.report().at()), o.report().worst());
    say("%-16s %-6s %-6s %-8s %-9s %-8s %-9s %-22s %s", "SUBJECT", "KIND", "STATUS", "RPO", "ACHIEVED", "RTO", "SHOWN", "LAST DRILL", "REASON");
    for (Compliance.Entry e : o.report().entries()) {
      String drill = e.lastDrill() == null ? "never" : e.lastDrill().outcome() + " " + Compliance.human(e.lastDrillAge()) + " ago";
      say("%-16s %-6s %-6s %-8s %-9s %-8s %-9s %-22s %s", e.subject(), e.kind(), e.status(), Compliance.human(e.rpo()),
          Compliance.human(e.achievedRpo()), Compliance.human(e.rto()), Compliance.human(e.lastDrillRto()), drill, e.reasons().get(0));
      for (int i = 1; i < e.reasons().size(); i++) say("%-16s %s", "", e.reasons().get(i));
    }
    if (html != null) say("HTML report written to %s", html);
    if (!o.gaps().isEmpty()) say("%d gap(s): 'cairn gaps' says what to do", o.gaps().size());
    return 0;
  }

  static void write(Path file, String text) {
    Path tmp = file.toAbsolutePath().resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // nothing more to do
      }
      throw new CairnException(ErrorCode.IO, "cannot write the HTML report to " + file + ": " + e.getMessage(), e);
    }
  }
}
