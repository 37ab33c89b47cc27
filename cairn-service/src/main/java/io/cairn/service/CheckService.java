package io.cairn.service;

import io.cairn.engine.BlobId;
import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.check.CheckRecord;
import io.cairn.engine.check.CheckScope;
import io.cairn.engine.check.Checker;
import io.cairn.engine.repo.Repository;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Verifies a repository's structure and, as asked, its data; then stores the check's record in the
 * repository (the evidence the catalog derives "verified" from) and brings the catalog up to date.
 */
public final class CheckService {
  private final Workspace ws;
  private final SecureRandom random = new SecureRandom();

  public CheckService(Workspace ws) {
    this.ws = ws;
  }

  /**
   * @param readFraction the share of packs to read and verify: 0 (structure only) to 1 (all data)
   * @param sinceLast with a read, skip packs an earlier check record lists as verified
   */
  public record Request(String repository, double readFraction, boolean sinceLast) {
    public Request {
      if (!(readFraction >= 0 && readFraction <= 1)) {
        throw new CairnException(ErrorCode.USAGE, "the share of data to read must be in [0, 1], like 0.1 for 10%");
      }
      if (sinceLast && readFraction == 0) throw new CairnException(ErrorCode.USAGE, "--since-last goes with --read-data");
    }

    /** What the check reads. */
    public CheckScope scope() {
      return readFraction == 0 ? CheckScope.STRUCTURE : sinceLast ? CheckScope.READ_DATA_SINCE_LAST
          : readFraction < 1 ? CheckScope.READ_DATA_SUBSET : CheckScope.READ_DATA;
    }
  }

  /**
   * @param recorded whether the check's record was stored in the repository (not in a read-only one)
   */
  public record Outcome(boolean ok, int snapshots, long trees, long blobReferences, int packs, int packsRead,
      int packsSkippedAsVerified, long bytesRead, List<Checker.Problem> problems, List<Checker.Affected> affected,
      List<Checker.Problem> notices, String record, boolean recorded, long durationMillis) {}

  /**
   * What {@code check --orphans} found, and (with {@code --repair}) did: packs no index names, packs
   * the index names that are missing, points in the repository the catalog lacks, catalog copies
   * whose snapshot is gone from it, and copies of one point in two repositories whose contents differ.
   *
   * @param repaired what was repaired, in words (unindexed packs adopted, the index rebuilt, the catalog synced)
   * @param catalogChecked false when the catalog is off (only the repository was looked at)
   */
  public record Orphans(String repository, List<String> unindexedPacks, List<String> missingPacks, List<String> missingFromCatalog,
      List<String> goneFromRepository, List<io.cairn.catalog.Catalog.CopyDifference> copyDifferences, boolean catalogChecked,
      List<String> repaired, long durationMillis) {
    public boolean clean() {
      return unindexedPacks.isEmpty() && missingPacks.isEmpty() && missingFromCatalog.isEmpty() && goneFromRepository.isEmpty()
          && copyDifferences.isEmpty();
    }

    /**
     * Whether something found is still wrong after the run (the check's verdict, exit 13 at the CLI):
     * copies whose contents differ (never mended), or anything found when nothing was mended.
     */
    public boolean unresolved() {
      return !copyDifferences.isEmpty() || repaired.isEmpty() && !clean();
    }
  }

  /** Nodes of the file index compared per pair of copies of one point. */
  static final int MAX_COMPARED = 200_000;

  /**
   * Looks for orphans and drift between the repository, its index and the catalog; with {@code repair},
   * mends what is safe to mend: adopts unindexed packs (their trailers name their blobs), rebuilds the
   * index when it names missing packs, and brings the catalog up to date. Differing copies are only
   * reported: which one is right is for a data check ({@code check --read-data}) on each to say.
   */
  public Orphans orphans(String repository, boolean repair, Listener listener) throws IOException {
    Timer timer = new Timer(listener);
    try (Repository repo = ws.open(repository, Workspace.Use.PLAIN)) {
      io.cairn.engine.check.Orphans.Found f = io.cairn.engine.check.Orphans.find(repo);
      timer.phase("packs");
      List<String> missingFromCatalog = List.of();
      List<String> gone = List.of();
      List<io.cairn.catalog.Catalog.CopyDifference> diffs = List.of();
      boolean catalog = ws.settings().catalog() != null;
      if (catalog) {
        var drift = ws.catalog().verify(repo, ws.stores().canonical(repository));
        missingFromCatalog = drift.missingFromCatalog();
        gone = drift.goneFromRepository();
        diffs = ws.catalog().copyDifferences(repo.config().id(), MAX_COMPARED);
        timer.phase("catalog");
      }
      List<String> repaired = new java.util.ArrayList<>();
      if (repair) {
        if (!f.unindexedPacks().isEmpty()) {
          int n = repo.adoptUnindexedPacks();
          repaired.add("indexed " + n + " pack(s) no index named, from their trailers");
        }
        if (!f.missingPacks().isEmpty()) {
          ws.requireDeleteRights(repository, "repairing the index");
          var r = new io.cairn.engine.repair.IndexRepair(repo, false).run();
          repaired.add("rebuilt the index from the " + r.packs() + " pack(s) present (" + f.missingPacks().size()
              + " missing pack(s) no longer listed; 'cairn check' names the snapshots that needed them)");
        }
        if (catalog && (!missingFromCatalog.isEmpty() || !gone.isEmpty())) {
          ws.catalog().sync(repo, ws.stores().canonical(repository));
          repaired.add("synced the catalog: " + missingFromCatalog.size() + " point(s) added, " + gone.size() + " removed");
        }
        timer.phase("repair");
      }
      return new Orphans(repository, f.unindexedPacks(), f.missingPacks(), missingFromCatalog, gone, diffs, catalog, repaired,
          timer.elapsedMillis());
    }
  }

  public Outcome run(Request req, Listener listener) throws IOException {
    Timer timer = new Timer(listener);
    try (Repository repo = ws.open(req.repository(), Workspace.Use.DECRYPT)) {
      timer.phase("open");
      Instant started = ws.clock().instant();
      Checker c = new Checker(repo, ws.settings().threads() > 0 ? ws.settings().threads() : Runtime.getRuntime().availableProcessors());
      int skipped = 0;
      if (req.sinceLast()) {
        Set<BlobId> done = new HashSet<>();
        for (CheckRecord rec : repo.checkRecords()) for (String h : rec.packsVerified()) done.add(BlobId.fromHex(h));
        c.skipping(done);
        skipped = done.size();
      }
      if (req.readFraction() > 0) {
        listener.started("check", Listener.Progress.of(c.packsRead::get, () -> -1, c.bytesRead::get, () -> -1, () -> 0));
      }
      Checker.Report r;
      try {
        r = c.run(req.readFraction(), System.nanoTime());
      } finally {
        if (req.readFraction() > 0) listener.finished("check");
      }
      timer.phase("check");
      byte[] rid = new byte[16];
      random.nextBytes(rid);
      String id = HexFormat.of().formatHex(rid);
      boolean recorded = true;
      try {
        repo.saveCheckRecord(new CheckRecord(CheckRecord.VERSION, id, started, Repository.hostname(), req.scope(), r.ok(),
            r.problems().size(), r.snapshots(), r.packsRead(), r.bytesRead(), r.packsVerified()));
      } catch (IOException e) {
        // evidence only: a read-only repository is still checked
        recorded = false;
        listener.warning("check record not saved (" + Failures.describe(e) + "); a check --since-last will not know this one", null);
      }
      ws.updateCatalog(repo, req.repository(), listener);
      return new Outcome(r.ok(), r.snapshots(), r.trees(), r.blobs(), r.packs(), r.packsRead(), req.sinceLast() ? skipped : 0,
          r.bytesRead(), r.problems(), r.affected(), r.notices(), id, recorded, timer.elapsedMillis());
    }
  }
}
