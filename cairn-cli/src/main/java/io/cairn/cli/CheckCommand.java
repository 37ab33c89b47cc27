package io.cairn.cli;

import io.cairn.engine.BlobId;
import io.cairn.engine.CairnException;
import io.cairn.engine.check.CheckRecord;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.check.Checker;
import io.cairn.engine.repo.Repository;
import java.util.LinkedHashMap;
import java.util.Map;
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
    try (Repository repo = openRepo(false, true)) {
      long t0 = System.nanoTime();
      Instant started = repo.clock().instant();
      Checker c = new Checker(repo, Runtime.getRuntime().availableProcessors());
      int skipped = 0;
      if (sinceLast) {
        Set<BlobId> done = new HashSet<>();
        for (CheckRecord rec : repo.checkRecords()) for (String h : rec.packsVerified()) done.add(BlobId.fromHex(h));
        c.skipping(done);
        skipped = done.size();
      }
      ProgressLine line = fraction > 0 ? ProgressLine.start(global, err(), () -> String.format("%d packs read, %s, %s",
          c.packsRead.get(), bytes(c.bytesRead.get()), ProgressLine.rate(c.bytesRead.get(), t0))) : null;
      Checker.Report r;
      try {
        r = c.run(fraction, System.nanoTime());
      } finally {
        if (line != null) line.close();
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      String scope = fraction == 0 ? "structure" : sinceLast ? "read-data since-last" : subset != null ? "read-data-subset " + subset : "read-data";
      byte[] rid = new byte[16];
      new java.security.SecureRandom().nextBytes(rid);
      try {
        repo.saveCheckRecord(new CheckRecord(CheckRecord.VERSION, java.util.HexFormat.of().formatHex(rid), started, Repository.hostname(),
            scope, r.ok(), r.problems().size(), r.snapshots(), r.packsRead(), r.bytesRead(), r.packsVerified()));
      } catch (java.io.IOException e) {
        // evidence only: a read-only repository is still checked
        err().println("cairn: warning: check record not saved (" + Main.describe(e) + "); --since-last will not know this check");
      }
      updateCatalog(repo);
      if (global.json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", r.ok());
        m.put("snapshots", r.snapshots());
        m.put("trees", r.trees());
        m.put("blobReferences", r.blobs());
        m.put("packs", r.packs());
        m.put("packsRead", r.packsRead());
        m.put("packsSkippedAsVerified", sinceLast ? skipped : 0);
        m.put("bytesRead", r.bytesRead());
        m.put("problems", r.problems());
        m.put("affected", r.affected());
        m.put("notices", r.notices());
        m.put("durationMillis", ms);
        printJson(m);
      } else {
        say("checked %d snapshots, %d trees, %d blob references, %d packs%s in %s", r.snapshots(), r.trees(), r.blobs(), r.packs(),
            fraction > 0 ? String.format(" (read %d packs, %s%s)", r.packsRead(), bytes(r.bytesRead()),
                sinceLast ? "; skipped packs verified by earlier checks" : "") : "", seconds(ms));
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
}
