package io.cairn.cli;

import io.cairn.engine.ErrorCode;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.restore.RestoreOptions;
import io.cairn.engine.restore.Restorer;
import io.cairn.engine.snapshot.Snapshot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

  @Override
  public Integer call() throws Exception {
    int colon = what.indexOf(':');
    String ref = colon < 0 ? what : what.substring(0, colon);
    String sub = colon < 0 ? "" : what.substring(colon + 1);
    try (Repository repo = openRepo(false, true)) {
      Snapshot s = repo.resolve(ref);
      Restorer r = new Restorer(repo, new RestoreOptions(target, includes, excludes, dryRun, overwrite, threads));
      long t0 = System.nanoTime();
      ProgressLine line = dryRun ? null : ProgressLine.start(global, err(), () -> String.format("%d of %d files, %s of %s, %s%s",
          r.filesDone.get(), r.filesTotal.get(), bytes(r.bytesDone.get()), bytes(r.bytesTotal.get()),
          ProgressLine.rate(r.bytesDone.get(), t0), ProgressLine.eta(r.bytesDone.get(), r.bytesTotal.get(), t0)));
      Restorer.Result res;
      try {
        res = r.run(s, sub);
      } finally {
        if (line != null) line.close();
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      if (global.json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("snapshot", s.id().toString());
        m.put("target", target.toAbsolutePath().toString());
        m.put("dryRun", dryRun);
        m.put("files", res.files());
        m.put("dirs", res.dirs());
        m.put("others", res.others());
        m.put("bytes", res.bytes());
        m.put("skippedComplete", res.skippedComplete());
        m.put("damaged", res.damaged());
        m.put("warnings", res.warnings());
        m.put("durationMillis", ms);
        printJson(m);
      } else {
        for (String w : res.warnings()) err().println("warning: " + w);
        for (Map.Entry<String, String> d : res.damaged().entrySet()) err().println("damaged: " + d.getKey() + ": " + d.getValue());
        say("%s %d files (%s), %d folders, %d other items from snapshot %s into %s%s", dryRun ? "would restore" : "restored",
            res.files(), bytes(res.bytes()), res.dirs(), res.others(), s.id().shortHex(), target.toAbsolutePath(),
            dryRun ? "" : " in " + seconds(ms));
        if (res.skippedComplete() > 0) say("%d files were already complete and were skipped", res.skippedComplete());
        if (!res.damaged().isEmpty()) say("%d file(s) could not be restored intact (listed above); everything else was", res.damaged().size());
      }
      return res.damaged().isEmpty() ? 0 : ErrorCode.DATA_DAMAGED.exitCode();
    }
  }
}
