package io.cairn.cli;

import io.cairn.report.Gaps;
import io.cairn.service.QuickstartService;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "quickstart", description = {"Run the whole continuum on a sample application, with embedded defaults, in under a minute.",
    "",
    "In a fresh folder: a sample web site and its SQLite shop database; a policy (cairn.yaml) with both as a consistency group and"
        + " checks; an encrypted repository; a capture and a second one (dedup); a simulated bad deployment that corrupts both, captured"
        + " and tagged; 'recover --as-of' the moment before it, showing the data back; a drill into a sandbox with its checks; a data"
        + " check; the compliance report (also as report.html) and the gaps. Nothing outside the folder is touched."})
final class QuickstartCommand extends BaseCommand {
  @Option(names = "--dir", paramLabel = "DIR", description = "Folder to work in (default: ${DEFAULT-VALUE}); made anew on every run.", defaultValue = "cairn-quickstart")
  Path dir;

  @Option(names = "--size-mb", paramLabel = "MB", description = "Approximate size of the sample site's files (default: ${DEFAULT-VALUE}).", defaultValue = "64")
  int sizeMb;

  /** The launcher's training run of its start-up cache: also exercises the clients of object stores. */
  @Option(names = "--train", hidden = true)
  boolean train;

  @Override
  public Integer call() throws Exception {
    if (train) new io.cairn.service.StoreFactory().warmUp();
    QuickstartService.Outcome o = new QuickstartService().run(new QuickstartService.Request(dir, sizeMb), new QuickstartService.Steps() {
      @Override
      public void step(String title) {
        say("%s", title);
        out().flush();
      }

      @Override
      public void detail(String line) {
        say("    %s", line);
      }
    });
    if (global.json) {
      printJson(o);
      return 0;
    }
    say("");
    say("done: the data from before the bad deployment is back, a drill proved the point restorable, and the report says how you stand.");
    say("Try next (the policy is %s):", o.policy());
    say("  export CAIRN_CONFIG=%s", o.policy());
    say("  ./cairn plan;  ./cairn points --group shop --catalog %s", o.catalog());
    say("  ./cairn recover shop --tag bad-deploy --dry-run;  ./cairn drill shop-db --pick random");
    say("  ./cairn evidence --catalog %s;  ./cairn report --html %s;  ./cairn gaps", o.catalog(), o.html());
    for (Gaps.Gap g : o.gaps()) if (g.kind().equals("never-drilled")) say("  ./cairn drill %s", g.subject());
    return 0;
  }
}
