package io.cairn.cli;

import io.cairn.engine.ErrorCode;
import io.cairn.service.RestoreService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;


@Command(name = "restore", description = {"Restore a snapshot, or a path in it, into a folder.",
    "",
    "SNAP is an id, a unique id prefix or 'latest'; SNAP:PATH restores only PATH. Files land at TARGET/<path in the snapshot>; with SNAP:PATH, a folder's contents land directly in TARGET (a file lands as TARGET/<its name>). Every blob is verified before it is written. An interrupted restore resumes when run again with the same snapshot and target. Damaged data does not stop the restore: the affected files are listed and the exit code is 14."})
final class RestoreCommand extends BaseCommand {
  @Parameters(paramLabel = "SNAP[:PATH]", description = "What to restore.")
  String what;

  @Option(names = {"-t", "--target"}, required = true, paramLabel = "DIR", description = "Folder to restore into (new or empty).")
  Path target;

  @Option(names = {"-i", "--include"}, paramLabel = "GLOB", description = "Restore only matching paths (repeatable).")
  List<String> includes = new ArrayList<>();

  @Option(names = {"-e", "--exclude"}, paramLabel = "GLOB", description = "Skip matching paths (repeatable).")
  List<String> excludes = new ArrayList<>();

  @Option(names = {"-n", "--dry-run"}, description = "Show what would be restored; write nothing.")
  boolean dryRun;

  @Option(names = "--threads", paramLabel = "N", description = "Threads that read blobs and write files (default: the number of processors, at least 2).")
  int threads;

  @Option(names = "--overwrite", description = "Restore into a non-empty target, replacing what is in the way.")
  boolean overwrite;

  @Option(names = "--fallback", paramLabel = "REPO", description = "Another copy of the point (a location or a repository of the"
      + " policy) to read a blob from when --repo lacks it or has it damaged; repeatable. The catalog's other copies of the point"
      + " are tried too.")
  List<String> fallbacks = new java.util.ArrayList<>();

  @Override
  public Integer call() throws Exception {
    int colon = what.indexOf(':');
    String ref = colon < 0 ? what : what.substring(0, colon);
    String sub = colon < 0 ? "" : what.substring(colon + 1);
    RestoreService.Request req = new RestoreService.Request(global.repo(), ref, sub, target, includes, excludes, dryRun, overwrite,
        threads, fallbacks.stream().map(global::otherRepository).toList());
    RestoreService.Outcome res = new RestoreService(workspace()).run(req, listener((p, t0) -> {
      return String.format("%d of %d files, %s of %s, %s%s", p.itemsDone(), p.itemsTotal(), bytes(p.bytesDone()),
          bytes(p.bytesTotal()), ProgressLine.rate(p.bytesDone(), t0), ProgressLine.eta(p.bytesDone(), p.bytesTotal(), t0));
    }));
    if (global.json) {
      printJson(res);
    } else {
      for (String w : res.warnings()) err().println("warning: " + w);
      for (Map.Entry<String, String> d : res.damaged().entrySet()) err().println("damaged: " + d.getKey() + ": " + d.getValue());
      say("%s %d files (%s), %d folders, %d other items from snapshot %s into %s%s", dryRun ? "would restore" : "restored",
          res.files(), bytes(res.bytes()), res.dirs(), res.others(), res.snapshot().substring(0, 8), res.target(),
          dryRun ? "" : " in " + seconds(res.durationMillis()));
      for (var f : res.fallbacks()) {
        if (f.servedBy() != null) err().println("note: blob " + f.blob().substring(0, 12) + " failed in " + f.failedIn() + " (" + f.error() + "); read from " + f.servedBy());
      }
      if (res.served().size() > 1) {
        say("served by %s", String.join(", ", res.served().stream().map(x -> x.repository() + ": " + x.blobs() + " blobs").toList()));
      }
      if (res.skippedComplete() > 0) say("%d files were already complete and were skipped", res.skippedComplete());
      if (!res.damaged().isEmpty()) say("%d file(s) could not be restored intact (listed above); everything else was", res.damaged().size());
    }
    return res.intact() ? 0 : ErrorCode.DATA_DAMAGED.exitCode();
  }
}
