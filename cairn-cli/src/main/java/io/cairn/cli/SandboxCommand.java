package io.cairn.cli;

import io.cairn.recovery.Sandboxes;
import io.cairn.service.RecoverService;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "sandbox", description = {"List and remove recovery sandboxes: those kept with 'recover --sandbox --keep', and any a killed"
    + " recovery left (the next recover or drill removes those by itself).",
    "",
    "Sandboxes live in $CAIRN_SANDBOX_DIR, else /var/tmp/cairn-sandboxes-USER."},
    subcommands = {SandboxCommand.ListCmd.class, SandboxCommand.Rm.class})
final class SandboxCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "list", description = {"List the sandboxes: id, what was recovered, when, whether kept, and how to connect."})
  static final class ListCmd extends BaseCommand {
    @picocli.CommandLine.Option(names = "--sandbox-dir", paramLabel = "DIR", description = "Where sandboxes live (default: $CAIRN_SANDBOX_DIR, else /var/tmp/cairn-sandboxes-USER).")
    java.nio.file.Path sandboxDir;

    @Override
    public Integer call() throws Exception {
      List<Sandboxes.Entry> all = RecoverService.sandboxes(sandboxDir, System.getenv());
      if (global.json) {
        printJson(all);
        return 0;
      }
      for (Sandboxes.Entry e : all) {
        String state = e.kept() ? "kept" : Sandboxes.ownerAlive(e) ? "in use (pid " + e.owner() + ")" : "left by an unfinished run";
        say("%s  %-16s %s  %s", e.id(), e.subject() == null ? "?" : e.subject(), e.created() == null ? "-" : RunCommand.time(e.created()), state);
        for (Sandboxes.Service s : e.services()) say("    %s: %s", s.asset(), s.connect());
      }
      if (all.isEmpty()) say("no sandboxes");
      return 0;
    }
  }

  @Command(name = "rm", description = {"Stop a sandbox's servers and remove its folder."})
  static final class Rm extends BaseCommand {
    @Parameters(paramLabel = "ID", description = "The sandbox (a unique prefix of its id).")
    String id;

    @picocli.CommandLine.Option(names = "--sandbox-dir", paramLabel = "DIR", description = "Where sandboxes live (default: $CAIRN_SANDBOX_DIR, else /var/tmp/cairn-sandboxes-USER).")
    java.nio.file.Path sandboxDir;

    @Override
    public Integer call() throws Exception {
      Sandboxes.Entry e = RecoverService.removeSandbox(sandboxDir, System.getenv(), id);
      if (global.json) printJson(e);
      else say("sandbox %s removed", e.id());
      return 0;
    }
  }
}
