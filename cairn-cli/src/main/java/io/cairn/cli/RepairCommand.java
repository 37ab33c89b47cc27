package io.cairn.cli;

import io.cairn.engine.ErrorCode;
import io.cairn.engine.repair.IndexRepair;
import io.cairn.engine.repair.SnapshotRepair;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.service.MaintenanceService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;


@Command(name = "repair", description = {"Rebuild the index from the packs, or write repaired copies of damaged snapshots.",
    "",
    "Run 'cairn check' first; it says which repair is needed."},
    subcommands = {RepairCommand.Index.class, RepairCommand.Snapshots.class})
final class RepairCommand extends BaseCommand {
  @Override
  public Integer call() {
    spec.commandLine().usage(out());
    return ErrorCode.USAGE.exitCode();
  }

  @Command(name = "index", description = {"Rebuild the index from the pack trailers alone.",
      "",
      "Reads every pack's trailer (not its data), writes new index objects, then removes the old ones. Takes the"
          + " maintenance lease; backups may run meanwhile. Packs whose trailer cannot be read are named and left out."})
  static final class Index extends BaseCommand {
    @Option(names = {"-n", "--dry-run"}, description = "Read the trailers and report; write nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
      IndexRepair.Report r = new MaintenanceService(workspace()).repairIndex(global.repo(), dryRun);
      if (global.json) {
        printJson(r);
      } else {
        for (String u : r.unreadable()) err().println("error: " + u);
        say("%s %d blobs in %d packs into %d index object(s)%s", dryRun ? "would index" : "indexed", r.blobs(), r.packs(),
            r.indexObjectsWritten(), dryRun ? "" : "; removed " + r.indexObjectsRemoved() + " old one(s)");
      }
      return r.unreadable().isEmpty() ? 0 : ErrorCode.DATA_DAMAGED.exitCode();
    }
  }

  @Command(name = "snapshots", description = {"Write repaired copies of snapshots that refer to missing data.",
      "",
      "In a copy, a file is cut at its first missing blob and a folder whose listing is lost becomes empty; every such"
          + " path is listed in the copy's errors. Copies are tagged 'repaired' and name their original, which is kept"
          + " until you forget it. Run 'cairn repair index' first so that everything still stored is found."})
  static final class Snapshots extends BaseCommand {
    @Option(names = {"-n", "--dry-run"}, description = "Show what would be repaired; write nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
      MaintenanceService.Repaired r = new MaintenanceService(workspace()).repairSnapshots(global.repo(), dryRun, listener());
      if (global.json) {
        printJson(r);
      } else {
        for (SnapshotRepair.Fixed f : r.repaired()) {
          say("snapshot %s: %d damaged path(s)%s", f.original().substring(0, 8), f.damage().size(),
              f.repaired() == null ? "" : "; repaired copy " + f.repaired().substring(0, 8));
          for (Snapshot.FileError e : f.damage()) say("  %s: %s", e.path(), e.error());
        }
        say("%s %d snapshot(s)%s", dryRun ? "would repair" : "repaired", r.repaired().size(),
            r.repaired().isEmpty() || dryRun ? "" : "; the originals stay until 'cairn forget'");
      }
      return 0;
    }
  }
}
