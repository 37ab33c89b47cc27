package io.cairn.cli;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.gc.Pruner;
import io.cairn.service.PruneService;
import io.cairn.service.Times;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;


@Command(name = "prune", description = {"Reclaim the space of data no snapshot needs.",
    "",
    "Deletes packs nothing uses and repacks packs whose unused share exceeds --max-unused. Safe beside running backups:"
        + " prune takes the maintenance lease (one prune at a time; backups never wait for it), marks the packs in a"
        + " garbage plan that makes them invisible to new backups, waits until every backup that was running when it"
        + " marked has finished, re-checks against the snapshots of that moment, and only then deletes. A backup that"
        + " outlives --max-wait leaves the deletion to the next prune. Killed at any point, prune leaves a valid"
        + " repository; the next prune finishes the job.",
    "",
    "Run 'cairn forget' first to choose which snapshots go."})
final class PruneCommand extends BaseCommand {
  @Option(names = "--max-unused", paramLabel = "P%", defaultValue = "5%",
      description = "Repack a pack when more than P percent of it is unused (default: ${DEFAULT-VALUE}; 100% never repacks).")
  String maxUnused;

  @Option(names = "--max-wait", paramLabel = "DURATION", defaultValue = "PT1H",
      description = "How long to wait for running backups before leaving deletion to the next prune (90s, 10m, 1h30m, or ISO-8601 like PT10M; default 1h).")
  String maxWait;

  @Option(names = {"-n", "--dry-run"}, description = "Show what would be deleted and repacked; change nothing.")
  boolean dryRun;

  @Override
  public Integer call() throws Exception {
    double p = percent(maxUnused, "--max-unused");
    Duration wait = Times.duration(maxWait, "--max-wait");
    PruneService.Outcome o = new PruneService(workspace()).run(new PruneService.Request(global.repo(), p, wait, dryRun), listener());
    Pruner.Report r = o.report();
    if (global.json) {
      printJson(r);
    } else {
      say("%d snapshots use %d blobs in %d packs (%s)", r.snapshots(), r.blobsUsed(), r.packsTotal(), bytes(r.bytesTotal()));
      String verb = dryRun ? "would " : "";
      say("%sdelete %d unused pack(s) and %d pack(s) no index names, %srepack %d pack(s) (%d blobs, %s still used); %sfree about %s",
          verb, r.packsDeleted(), r.orphansDeleted(), verb, r.packsRepacked(), r.blobsRepacked(), bytes(r.bytesRepacked()),
          verb, bytes(r.bytesFreed()));
      if (!dryRun) {
        if (r.packsKept() > 0) say("kept %d pack(s) a backup came to need meanwhile", r.packsKept());
        if (r.packsLocked() > 0) say("left %d pack(s) whose object lock has not run out (the first runs out %s); prune again after that",
            r.packsLocked(), r.lockedUntil());
        if (r.plansPending() > 0) {
          say("%d garbage plan(s) still wait for running backups; the next prune deletes their packs", r.plansPending());
        }
        say("done in %s", seconds(o.durationMillis()));
      }
    }
    return 0;
  }

  static double percent(String s, String flag) {
    String v = s.endsWith("%") ? s.substring(0, s.length() - 1) : s;
    try {
      double d = Double.parseDouble(v);
      if (d >= 0 && d <= 100) return d;
    } catch (NumberFormatException ignored) {
      // falls through
    }
    throw new CairnException(ErrorCode.USAGE, flag + " takes a percentage from 0 to 100, like 5%; got '" + s + "'");
  }
}
