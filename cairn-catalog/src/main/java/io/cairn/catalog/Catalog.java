package io.cairn.catalog;

import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.Snapshot;
import java.io.IOException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

/**
 * The catalog: a derived, disposable SQL index of every recovery point in every repository Cairn
 * knows (docs/catalog.md). Everything in it comes from repositories, so {@link #rebuild} can always
 * recreate it; nothing here ever writes to a repository.
 *
 * <p>A point is logical: its key hashes the snapshot's time, host, user, paths, asset and group,
 * so the same capture copied into several repositories is one point with several copies. The file
 * index stores each tree of a repository once ({@code trees}, {@code entries}); a snapshot whose
 * trees are already indexed costs one copy row.
 *
 * <p>This class is the catalog's API and its value types; the work is split by concern: {@link CatalogSync}
 * (sync, drift, clear), {@link PointQueries}, {@link FileSearch}, {@link Evidence} and {@link Audit}.
 */
public final class Catalog implements AutoCloseable {
  private final Db db;
  private final CatalogSync sync;
  private final PointQueries points;
  private final FileSearch files;

  public Catalog(CatalogStore store, InstantSource clock) {
    this.db = new Db(store, clock);
    this.sync = new CatalogSync(db);
    this.points = new PointQueries(db);
    this.files = new FileSearch(db);
  }

  public static Catalog open(String target, InstantSource clock) {
    return new Catalog(CatalogStore.open(target), clock);
  }

  public CatalogStore store() {
    return db.store;
  }

  // ------------------------------------------------------------------ keeping it true

  /** What one sync changed. */
  public record SyncReport(String repository, String location, int snapshots, int added, int removed, long filesIndexed,
      int treesIndexed, int verificationsAdded, long millis) {}

  /**
   * Brings the catalog up to date with one repository: new snapshots are ingested (their trees
   * only when not yet indexed), forgotten ones removed, pins and check records refreshed.
   */
  public SyncReport sync(Repository repo, String location) throws IOException {
    return sync.sync(repo, location);
  }

  /** Labels a repository: its role (primary, copy, archive) and storage tier; null leaves one as is. */
  public void label(String repositoryId, String role, String tier) {
    sync.label(repositoryId, role, tier);
  }

  /** Records that a repository could not be synchronized (it stays in the catalog as it was). */
  public void syncFailed(String repositoryId, String error) {
    sync.syncFailed(repositoryId, error);
  }

  /** The logical identity of a capture: the same in every repository that holds a copy. */
  public static String pointKey(Snapshot s) {
    return CatalogSync.pointKey(s);
  }

  /** Drift between the catalog and one repository. */
  public record Drift(String repositoryId, String location, List<String> goneFromRepository, List<String> missingFromCatalog,
      List<String> differing) {
    public boolean clean() {
      return goneFromRepository.isEmpty() && missingFromCatalog.isEmpty() && differing.isEmpty();
    }
  }

  /** Compares the catalog's copies of one repository with its snapshots; changes nothing. */
  public Drift verify(Repository repo, String location) throws IOException {
    return sync.verify(repo, location);
  }

  /** Two copies of one point whose contents differ: where, and the first difference found. */
  public record CopyDifference(String pointKey, String repositoryId, String snapshotId, String otherRepositoryId, String otherSnapshotId,
      String difference) {}

  /**
   * The copies of points held by {@code repositoryId} whose contents differ from another repository's
   * copy of the same point, by the file index: names, types, sizes and modification times, folder by
   * folder (not the bytes: {@code check --read-data} verifies those). At most {@code maxNodes} entries
   * are compared per pair.
   */
  public List<CopyDifference> copyDifferences(String repositoryId, int maxNodes) {
    return db.read(h -> {
      List<CopyDifference> out = new java.util.ArrayList<>();
      var pairs = h.createQuery("SELECT a.point_key, a.snapshot_id, a.root_tree_no, b.repository_id, b.snapshot_id, b.root_tree_no"
              + " FROM copies a JOIN copies b ON b.point_key = a.point_key AND b.repository_id <> a.repository_id"
              + " WHERE a.repository_id = :r ORDER BY a.point_key, b.repository_id")
          .bind("r", repositoryId).map((rs, ctx) -> new Object[] {rs.getString(1), rs.getString(2), rs.getObject(3), rs.getString(4),
              rs.getString(5), rs.getObject(6)}).list();
      for (Object[] p : pairs) {
        if (p[2] == null || p[5] == null) continue;
        String diff = compareTrees(h, ((Number) p[2]).longValue(), ((Number) p[5]).longValue(), "", new int[] {maxNodes});
        if (diff != null) out.add(new CopyDifference((String) p[0], repositoryId, (String) p[1], (String) p[3], (String) p[4], diff));
      }
      return out;
    });
  }

  private static String compareTrees(org.jdbi.v3.core.Handle h, long a, long b, String path, int[] budget) {
    var q = "SELECT name, type, size, mtime_ms, subtree_no FROM entries WHERE tree_no = :t ORDER BY name";
    List<Object[]> ea = h.createQuery(q).bind("t", a).map((rs, ctx) -> new Object[] {rs.getString(1), rs.getString(2), rs.getLong(3),
        rs.getLong(4), rs.getObject(5)}).list();
    List<Object[]> eb = h.createQuery(q).bind("t", b).map((rs, ctx) -> new Object[] {rs.getString(1), rs.getString(2), rs.getLong(3),
        rs.getLong(4), rs.getObject(5)}).list();
    budget[0] -= ea.size();
    if (ea.size() != eb.size()) return (path.isEmpty() ? "/" : path) + " holds " + ea.size() + " entries in one copy, " + eb.size() + " in the other";
    for (int i = 0; i < ea.size(); i++) {
      Object[] x = ea.get(i);
      Object[] y = eb.get(i);
      String p = path + "/" + x[0];
      if (!x[0].equals(y[0])) return (path.isEmpty() ? "/" : path) + ": " + x[0] + " in one copy, " + y[0] + " in the other";
      boolean dir = "dir".equals(x[1]) && "dir".equals(y[1]); // a folder is compared by what it holds, not its own times
      if (!x[1].equals(y[1]) || !dir && (!x[2].equals(y[2]) || !x[3].equals(y[3]))) {
        return p + " differs (" + x[1] + ", " + x[2] + " bytes in one copy; " + y[1] + ", " + y[2] + " bytes in the other)";
      }
      if (x[4] != null && y[4] != null && budget[0] > 0) {
        String d = compareTrees(h, ((Number) x[4]).longValue(), ((Number) y[4]).longValue(), p, budget);
        if (d != null) return d;
      }
    }
    return null;
  }

  /**
   * Empties what {@link #sync} derives from repositories (keeping the schema and the list of known
   * repositories); sync then refills it, recovery and drill evidence included.
   */
  public void clear() {
    sync.clear();
  }

  /** A repository the catalog knows. */
  public record RepositoryRow(String id, String location, String role, String tier, Instant added, Instant lastSync, String lastSyncStatus,
      int snapshots) {}

  public List<RepositoryRow> repositories() {
    return db.read(h -> h.createQuery("SELECT id, location, role, tier, added_ms, last_sync_ms, last_sync_status, snapshot_count"
            + " FROM repositories ORDER BY location")
        .map((rs, ctx) -> new RepositoryRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
            Instant.ofEpochMilli(rs.getLong(5)), rs.getObject(6) == null ? null : Instant.ofEpochMilli(rs.getLong(6)), rs.getString(7),
            rs.getInt(8)))
        .list());
  }

  // ------------------------------------------------------------------ questions

  /** One recovery point as the catalog knows it; {@code copies} counts repositories holding it. */
  public record PointRow(String pointKey, Instant time, String host, String username, List<String> paths, String asset,
      String group, String consistency, long sizeBytes, long fileCount, List<String> tags, int copies, boolean verified,
      boolean pinned) {}

  /** Filters of {@code cairn points}; nulls are "any". */
  public record PointQuery(String asset, String group, String host, String tag, String consistency, Instant since,
      Instant until, boolean verifiedOnly, int limit) {}

  /**
   * A copy of a point: one snapshot holding it in one repository. {@code copiedFrom} and
   * {@code verified} are set when a verified copy (a passed copy record) brought it there: the source
   * repository's id and when the copy ended; both null for the point's first home.
   */
  public record CopyRow(String repositoryId, String location, String snapshotId, String parent, String original, List<String> tags,
      int errors, boolean pinned, Instant pinnedUntil, Instant ingested, String copiedFrom, Instant verified) {}

  /** A verification record. */
  public record VerificationRow(String id, String repositoryId, String kind, String scope, Instant time, String host, boolean ok,
      int problems, int packsRead, long bytesRead) {}

  /** Everything known about one point. */
  public record PointDetail(PointRow point, CaptureFacts capture, List<CopyRow> copies, List<VerificationRow> checks) {}

  /**
   * How a point was captured: its run, why it has its consistency, the source's facts and the hooks'
   * outcomes (each hook as the repository records it).
   */
  public record CaptureFacts(String run, String consistencyReason, Map<String, String> source, List<Map<String, Object>> hooks) {}

  /** A consistency group's point and its members, in the group's order. */
  public record GroupPointRow(String repositoryId, String manifestId, String group, String run, Instant time, boolean complete,
      String consistency, String reason, long freezeMillis, List<String> tags, List<GroupMemberRow> members) {}

  /** A member of a group point: its snapshot (null when it failed) and the members it is restored after. */
  public record GroupMemberRow(String asset, String snapshotId, String consistency, String error, List<String> after) {}

  /** The group points of a group (every group when null), newest first; incomplete ones included, marked so. */
  /**
   * One recovery or drill: who, what, when, how it ended and why, the points it used (by asset) and
   * its whole record as JSON (phases and checks).
   */
  public record EvidenceRow(String id, String repositoryId, String kind, String subject, String subjectKind, String groupPoint,
      Instant started, Instant finished, String outcome, String reason, boolean sandbox, long bytes, Map<String, String> points,
      String details) {}

  /** Recoveries and drills of {@code subject} (an asset's include its groups' that restored it; all when null), newest first. */
  public List<EvidenceRow> evidence(String subject, int limit) {
    return db.read(h -> Evidence.recoveries(h, subject, limit));
  }

  public List<GroupPointRow> groupPoints(String group, int limit) {
    return points.groupPoints(group, limit);
  }

  /** Points matching the filters, newest first. */
  public List<PointRow> points(PointQuery q) {
    return points.points(q);
  }

  /** For each asset, the newest point at or before {@code time} among those the filters admit. */
  public List<PointRow> asOf(Instant time, PointQuery q) {
    return points.asOf(time, q);
  }

  /** The point whose key, or one of whose snapshot ids, starts with {@code ref}. */
  public PointDetail show(String ref) {
    return points.show(ref);
  }

  /** One version of one file in one snapshot. */
  public record FileVersion(String path, String type, long size, Instant mtime, String contentId, String snapshotId,
      String repositoryId, String pointKey, Instant time, String asset) {}

  /**
   * Every version of every file matching {@code glob} across all snapshots, newest first. A glob
   * without '/' matches file names anywhere; with '/', whole paths ({@code **} crosses folders).
   */
  public List<FileVersion> find(String glob, String asset, Instant since) {
    return files.find(glob, asset, since);
  }

  @Override
  public void close() {
    db.store.close();
  }
}
