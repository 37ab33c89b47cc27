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

  @Option(names = "--orphans", description = "Instead: look for orphans and drift: packs no index names, packs the index names"
      + " that are missing, points the catalog lacks, catalog copies whose snapshot is gone, copies of one point whose contents differ.")
  boolean orphans;

  @Option(names = "--repair", description = "With --orphans: mend what is safe to mend (index unindexed packs, rebuild an index"
      + " that names missing packs, sync the catalog); differing copies are only reported.")
  boolean repair;

  @Override
  public Integer call() throws Exception {
    if (repair && !orphans) throw new CairnException(ErrorCode.USAGE, "--repair goes with --orphans");
    if (orphans) return orphans();
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

  private int orphans() throws Exception {
    CheckService.Orphans o = new CheckService(workspace()).orphans(global.repo(), repair, listener());
    if (global.json) {
      printJson(o);
    } else {
      for (String p : o.unindexedPacks()) err().println("orphan: pack " + p.substring(0, 12) + " is named by no index" + (repair ? "" : " (--repair indexes it)"));
      for (String p : o.missingPacks()) err().println("missing: pack " + p.substring(0, 12) + " is named by the index but not stored");
      for (String s : o.missingFromCatalog()) err().println("catalog: snapshot " + s.substring(0, 8) + " is in the repository, not in the catalog");
      for (String s : o.goneFromRepository()) err().println("catalog: snapshot " + s.substring(0, 8) + " is in the catalog, gone from the repository");
      for (var d : o.copyDifferences()) {
        err().println("drift: point " + d.pointKey().substring(0, 10) + ": copy " + d.snapshotId().substring(0, 8) + " here and "
            + d.otherSnapshotId().substring(0, 8) + " in repository " + d.otherRepositoryId().substring(0, 8) + " differ: " + d.difference());
      }
      for (String r : o.repaired()) say("repaired: %s", r);
      if (!o.catalogChecked()) say("the catalog is off: only the repository's packs and index were compared");
      say(o.clean() ? "no orphans or drift found" : (repair ? "found (and mended what is safe): see above" : "found: see above"));
    }
    return o.unresolved() ? ErrorCode.DATA_DAMAGED.exitCode() : 0;
  }
}
