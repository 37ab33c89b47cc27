package io.cairn.cli;

import io.cairn.recovery.Recoverer;
import io.cairn.recovery.Selection;
import io.cairn.service.RecoverService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "drill", description = {"Drill an asset or a group: recover a point into a sandbox, run its checks, tear the sandbox down"
    + " and record the evidence, passed or failed. A drill never touches a production target.",
    "",
    "--pick latest (default), oldest, random (weighted towards points never drilled; what 'cairn run --due' uses) or a point's id.",
    "Exit codes: 0 the drill passed; 19 a check failed; 14 the point's data is damaged; 16 the sandbox did not start or a tool is"
        + " missing; 17 no point to drill. Every failure is recorded as a failed drill with its reason."})
final class DrillCommand extends BaseCommand {
  @Parameters(paramLabel = "ASSET|GROUP", description = "What to drill.")
  String subject;

  @Option(names = "--pick", paramLabel = "latest|oldest|random|ID", description = "Which point to drill (default: latest).")
  String pick = "latest";

  @Option(names = "--keep", description = "Leave the sandbox running after a passed drill ('cairn sandbox rm ID' removes it).")
  boolean keep;

  @Option(names = "--sandbox-dir", paramLabel = "DIR", description = "Where sandboxes live (default: $CAIRN_SANDBOX_DIR, else /var/tmp/cairn-sandboxes-USER).")
  java.nio.file.Path sandboxDir;

  @Option(names = "--seed", paramLabel = "N", hidden = true, description = "Seed of the random pick (for reproducing one).")
  Long seed;

  @Override
  public Integer call() throws Exception {
    RecoverService.Outcome o = new RecoverService(workspace()).run(new RecoverService.Request(global.policy(), subject, Selection.pick(pick), false,
        new Recoverer.Options("drill", true, null, false, keep, false, null, null), global.repoOrNull(), System.getenv(), null, sandboxDir, seed,
        global.repoFlag()),
        listener((p, t0) -> String.format("%s, %s", bytes(p.bytesDone()), ProgressLine.rate(p.bytesDone(), t0))));
    return RecoverCommand.render(this, o);
  }

}
