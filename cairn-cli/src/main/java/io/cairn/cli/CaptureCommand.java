package io.cairn.cli;

import io.cairn.capture.Capturer;
import io.cairn.service.CaptureService;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "capture", description = {"Capture an asset or a consistency group of the policy now, hooks and all.",
    "",
    "An asset: its before hooks, its source (files, a PostgreSQL, MariaDB or SQLite database, a command's output), its after hooks;"
        + " the point records the consistency it reached and why, the source's facts and every hook's outcome.",
    "A group: every before hook, then the members' captures in parallel, then every after hook, in one measured freeze window;"
        + " a group manifest lists the member points. A failed member leaves the group point incomplete (exit code 3), never consistent.",
    "A before hook that fails with on-failure abort captures nothing (exit code 18)."})
final class CaptureCommand extends BaseCommand {
  @Parameters(paramLabel = "ASSET|GROUP", description = "What to capture.")
  String target;

  @Option(names = "--tag", paramLabel = "TAG", description = "Tag the point(s) (repeatable), e.g. --tag pre-deploy-2.1.")
  List<String> tags = new ArrayList<>();

  @Option(names = "--host", paramLabel = "NAME", description = "Record this host name (default: this machine's).")
  String host;

  @Override
  public Integer call() throws Exception {
    CaptureService.Outcome o = new CaptureService(workspace()).run(new CaptureService.Request(global.policy(), target, tags,
        global.repoOrNull(), System.getenv(), host), listener((p, t0) -> String.format("%s, %s", bytes(p.bytesDone()),
        ProgressLine.rate(p.bytesDone(), t0))));
    if (global.json) {
      printJson(o);
    } else {
      for (Capturer.PointOutcome p : o.points()) {
        if (p.ok()) {
          say("%s: point %s, %s (%s), %s in %s", p.asset(), p.snapshot().substring(0, 8), p.consistency().label(), p.consistencyReason(),
              bytes(p.stats().bytesTotal()), seconds(p.durationMillis()));
        } else {
          say("%s: FAILED: %s", p.asset(), p.error());
        }
      }
      if (o.group() != null) {
        Capturer.GroupOutcome g = o.group();
        say("group %s: %s point %s, freeze window %s%s", g.group(), g.complete() ? "complete" : "INCOMPLETE", g.manifest().substring(0, 8),
            seconds(g.freezeMillis()), g.consistency() == null ? "" : ", " + g.consistency().label());
      }
    }
    if (!o.ok()) err().println("cairn: " + o.error());
    return o.exitCode();
  }
}
