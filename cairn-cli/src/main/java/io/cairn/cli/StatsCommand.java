package io.cairn.cli;

import io.cairn.service.StatsService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;


@Command(name = "stats", description = {"Show repository statistics, or the restore size of one snapshot.",
    "",
    "Without SNAP: snapshots, packs, blobs, stored and raw sizes, the dedup and compression ratios, and the index's memory per blob. With SNAP: files, folders and bytes it restores."})
final class StatsCommand extends BaseCommand {
  @Parameters(arity = "0..1", paramLabel = "SNAP") String ref;

  @Override
  public Integer call() throws Exception {
    StatsService stats = new StatsService(workspace());
    if (ref != null) {
      StatsService.SnapshotStats s = stats.snapshot(global.repo(), ref);
      if (global.json) printJson(s);
      else say("snapshot %s: %d files, %d folders, %s to restore", s.snapshot().substring(0, 8), s.files(), s.dirs(), bytes(s.restoreBytes()));
      return 0;
    }
    StatsService.RepositoryStats r = stats.repository(global.repo());
    if (global.json) {
      printJson(r);
    } else {
      say("snapshots:            %d", r.snapshots());
      say("packs:                %d (%s)", r.packs(), bytes(r.packBytes()));
      say("blobs:                %d data (%s raw), %d tree (%s raw)", r.dataBlobs(), bytes(r.dataBytesRaw()), r.treeBlobs(),
          bytes(r.treeBytesRaw()));
      say("all snapshots hold:   %s; stored as %s (%.1fx less)", bytes(r.logicalBytesAllSnapshots()), bytes(r.packBytes()),
          r.packBytes() == 0 ? 0.0 : (double) r.logicalBytesAllSnapshots() / r.packBytes());
      say("index memory:         %.1f bytes per blob", r.indexBytesPerBlob());
    }
    return 0;
  }
}
