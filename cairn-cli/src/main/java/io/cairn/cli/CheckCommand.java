package io.cairn.cli;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.check.Checker;
import io.cairn.service.CheckService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;


@Command(name = "check", description = {"Verify the repository.",
    "",
    "Always checks structure: snapshots and trees decode, every referenced blob is indexed, every index entry lies in an existing pack. --read-data also reads every pack and verifies every blob against its id. Problems name the pack and blob, then the snapshots and files they affect."})
final class CheckCommand extends BaseCommand {
  @Option(names = "--read-data", description = "Read and verify all data.")
  boolean readData;

  @Option(names = "--read-data-subset", paramLabel = "N%", description = "Read and verify a random N percent of the packs.")
  String subset;

  @Option(names = "--since-last", description = "With --read-data: read only packs that no earlier check verified (every check is recorded in the repository).")
  boolean sinceLast;

  @Override
  public Integer call() throws Exception {
    double fraction = readData ? 1.0 : 0.0;
    if (subset != null) {
      String s = subset.endsWith("%") ? subset.substring(0, subset.length() - 1) : subset;
      try {
        fraction = Double.parseDouble(s) / 100.0;
      } catch (NumberFormatException e) {
        fraction = -1;
      }
      if (fraction <= 0 || fraction > 1) throw new CairnException(ErrorCode.USAGE, "--read-data-subset takes a percentage in (0, 100], like 10%");
    }
    if (sinceLast && !readData) throw new CairnException(ErrorCode.USAGE, "--since-last goes with --read-data");
    CheckService.Request req = new CheckService.Request(global.repo(), fraction, sinceLast);
    CheckService.Outcome r = new CheckService(workspace()).run(req, listener((p, t0) -> String.format("%d packs read, %s, %s",
        p.itemsDone(), bytes(p.bytesDone()), ProgressLine.rate(p.bytesDone(), t0))));
    if (global.json) {
      printJson(r);
    } else {
      say("checked %d snapshots, %d trees, %d blob references, %d packs%s in %s", r.snapshots(), r.trees(), r.blobReferences(),
          r.packs(), fraction > 0 ? String.format(" (read %d packs, %s%s)", r.packsRead(), bytes(r.bytesRead()),
              sinceLast ? "; skipped packs verified by earlier checks" : "") : "", seconds(r.durationMillis()));
      for (Checker.Problem p : r.notices()) err().println("note: " + p.object() + ": " + p.message());
      for (Checker.Problem p : r.problems()) err().println("error: " + p.object() + ": " + p.message());
      for (Checker.Affected a : r.affected()) {
        err().println("affected: snapshot " + a.snapshot().substring(0, 8) + " " + a.path() + " (blob " + a.blob().substring(0, 12) + ")");
      }
      say(r.ok() ? "no errors found" : r.problems().size() + " problem(s) found");
    }
    return r.ok() ? 0 : ErrorCode.DATA_DAMAGED.exitCode();
  }
}
