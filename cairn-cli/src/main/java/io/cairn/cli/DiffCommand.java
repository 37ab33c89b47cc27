package io.cairn.cli;

import io.cairn.service.DiffService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;


@Command(name = "diff", description = {"Show what changed between two snapshots.",
    "",
    "+ added, - removed, M content changed, U metadata changed, T type changed. Unchanged folders are skipped by their tree id without being read."})
final class DiffCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "SNAP1") String a;
  @Parameters(index = "1", paramLabel = "SNAP2") String b;

  @Override
  public Integer call() throws Exception {
    DiffService.Outcome r = new DiffService(workspace()).run(new DiffService.Request(global.repo(), a, b));
    if (global.json) {
      printJson(r);
    } else {
      for (DiffService.Change c : r.changes()) out().println(c.change() + "  " + c.path());
      say("%d added, %d removed, %d modified", r.added(), r.removed(), r.modified());
    }
    return 0;
  }
}
