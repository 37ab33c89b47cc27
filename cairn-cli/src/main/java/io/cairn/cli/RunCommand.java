package io.cairn.cli;

import io.cairn.policy.Durations;
import io.cairn.policy.Policy;
import io.cairn.service.RunService;
import io.cairn.service.Times;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "run", description = {"Do what the policy says is due: captures, retention, prune and verification.",
    "",
    "Safe to call from cron every minute: one runner per policy at a time (a second one does nothing and says so), nothing"
        + " runs twice, one target's failure does not stop the others. Exit code 0 when everything done succeeded, 3 when"
        + " something failed (listed).",
    "",
    "Example crontab line:  * * * * *  CAIRN_CONFIG=/etc/cairn/cairn.yaml /opt/cairn/cairn run --due --quiet"})
final class RunCommand extends BaseCommand {
  @Option(names = "--due", required = true, description = "Run what is due now (the only mode so far).")
  boolean due;

  @Option(names = "--at", paramLabel = "TIME", description = "Plan as of TIME instead of now (the work itself is done now).")
  String at;

  @Option(names = "--dry-run", description = "Say what would run; change nothing.")
  boolean dryRun;

  @Option(names = "--host", paramLabel = "NAME", description = "Record this host name on captures (default: this machine's).")
  String host;

  @Override
  public Integer call() throws Exception {
    Policy policy = global.policy();
    Instant when = at == null ? null : Times.instant(at, "--at", ZoneId.systemDefault());
    RunService.Outcome o = new RunService(workspace()).run(new RunService.Request(policy, when, global.repoOrNull(), System.getenv(),
        host, null, dryRun), listener((p, t0) -> String.format("%s, %s", bytes(p.bytesDone()),
        ProgressLine.rate(p.bytesDone(), t0))));
    if (global.json) {
      printJson(o);
    } else if (o.skipped() != null) {
      say("%s", o.skipped());
    } else {
      for (RunService.Action a : o.actions()) {
        say("%-9s %-16s %-6s %s", a.kind(), a.target(), a.ok() ? "ok" : "FAILED", a.detail());
      }
      if (o.actions().isEmpty()) say("nothing is due");
      for (var b : o.breaches()) err().println("cairn: breach: " + b.kind() + " " + b.name() + ": " + b.reason());
    }
    return o.exitCode();
  }

  static String human(Duration d) {
    return d == null ? "-" : Durations.format(Duration.ofSeconds(d.toSeconds()));
  }

  static String time(Instant t) {
    return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault()).format(t);
  }

  static String in(Instant now, Instant t) {
    Duration d = Duration.between(now, t);
    return d.isNegative() ? "now" : "in " + human(d);
  }
}
