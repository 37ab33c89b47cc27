package io.cairn.catalog;

import io.cairn.engine.BlobId;
import io.cairn.engine.check.CheckRecord;
import io.cairn.engine.repo.RecordStore;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.GroupPoint;
import io.cairn.engine.snapshot.Pin;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.engine.tree.Node;
import io.cairn.engine.tree.NodeType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Keeping the catalog true to the repositories: sync (ingest new snapshots and their trees once each,
 * drop forgotten ones, refresh pins and evidence), drift, and clearing for a rebuild.
 */
final class CatalogSync {
  private final Db db;

  CatalogSync(Db db) {
    this.db = db;
  }

  /**
   * Brings the catalog up to date with one repository: new snapshots are ingested (their trees
   * only when not yet indexed), forgotten ones removed, pins and check records refreshed.
   */
  Catalog.SyncReport sync(Repository repo, String location) throws IOException {
    long t0 = System.nanoTime();
    String rid = repo.config().id();
    List<Snapshot> snaps = repo.snapshots();
    Map<BlobId, Pin> pins = repo.pins();
    List<CheckRecord> checks = repo.checkRecords();
    List<RecordStore.Stored<GroupPoint>> groups = repo.records(GroupPoint.RECORDS).list(RecordStore.SKIP);
    List<RecordStore.Stored<io.cairn.engine.evidence.RecoveryRecord>> recoveries =
        repo.records(io.cairn.engine.evidence.RecoveryRecord.RECORDS).list(RecordStore.SKIP);
    List<RecordStore.Stored<io.cairn.engine.evidence.CopyRecord>> copyRuns =
        repo.records(io.cairn.engine.evidence.CopyRecord.RECORDS).list(RecordStore.SKIP);
    Instant now = db.clock.instant();
    Set<String> present = new HashSet<>();
    for (Snapshot s : snaps) present.add(s.id().toString());
    Set<String> known = new HashSet<>(db.read(h -> h.createQuery("SELECT snapshot_id FROM copies WHERE repository_id = :r")
        .bind("r", rid).mapTo(String.class).list()));
    int[] counts = new int[3];
    long[] files = new long[1];
    db.tx(h -> {
      int n = h.createUpdate("UPDATE repositories SET location = :l WHERE id = :r").bind("l", location).bind("r", rid).execute();
      if (n == 0) {
        h.createUpdate("INSERT INTO repositories (id, location, added_ms, snapshot_count) VALUES (:r, :l, :t, 0)"
                + " ON CONFLICT (id) DO NOTHING")
            .bind("r", rid).bind("l", location).bind("t", now.toEpochMilli()).execute();
      }
      return null;
    });
    TreeIngest trees = new TreeIngest(repo, rid);
    for (Snapshot s : snaps) {
      if (known.contains(s.id().toString())) continue;
      // one transaction per snapshot: a sync stopped part-way keeps what it finished
      db.tx(h -> {
        trees.beginAttempt(); // a retried transaction starts from what the catalog really holds
        ingestSnapshot(h, trees, rid, s, now);
        return null;
      });
      trees.committed();
      counts[0]++;
    }
    files[0] = trees.files;
    db.tx(h -> {
      counts[1] = 0; // counted again if the transaction is tried again
      for (String gone : known) {
        if (present.contains(gone)) continue;
        removeCopy(h, rid, gone);
        counts[1]++;
      }
      h.createUpdate("UPDATE copies SET pinned = 0, pinned_until_ms = NULL WHERE repository_id = :r").bind("r", rid).execute();
      for (Pin p : pins.values()) {
        h.createUpdate("UPDATE copies SET pinned = 1, pinned_until_ms = :u WHERE repository_id = :r AND snapshot_id = :s")
            .bind("u", p.until() == null ? null : p.until().toEpochMilli()).bind("r", rid).bind("s", p.snapshot()).execute();
      }
      counts[2] = Evidence.addChecks(h, rid, checks);
      syncGroupPoints(h, rid, groups);
      Evidence.syncRecoveries(h, rid, recoveries);
      Evidence.syncCopies(h, rid, copyRuns);
      h.createUpdate("UPDATE repositories SET last_sync_ms = :t, last_sync_status = 'ok', snapshot_count = :n WHERE id = :r")
          .bind("t", now.toEpochMilli()).bind("n", snaps.size()).bind("r", rid).execute();
      Audit.record(h, now, "catalog.sync", rid, "{\"added\":" + counts[0] + ",\"removed\":" + counts[1] + "}");
      return null;
    });
    refreshStatistics(trees.files > 10_000 || counts[0] > 100);
    return new Catalog.SyncReport(rid, location, snaps.size(), counts[0], counts[1], files[0], trees.treesAdded, counts[2],
        (System.nanoTime() - t0) / 1_000_000);
  }

  /**
   * Keeps the planner's statistics true to the tables. PostgreSQL plans the recursive {@code find}
   * query as a scan without fresh ones after a large ingest (autovacuum would catch up only
   * later), so it analyzes after one. SQLite's {@code PRAGMA optimize} analyzes only the tables
   * whose size changed much since their last analysis, sampling a bounded number of rows, so it
   * runs after every sync: statistics taken when {@code copies} had one row made every points
   * query scan it per point (measured: 48 ms instead of 2 ms for 586 of 100,000 points).
   */
  private void refreshStatistics(boolean large) {
    try {
      if (db.store.kind() == CatalogStore.Kind.POSTGRESQL) {
        if (large) db.jdbi.useHandle(h -> h.execute("ANALYZE"));
      } else {
        db.jdbi.useHandle(h -> {
          h.execute("PRAGMA analysis_limit = 1000");
          h.execute("PRAGMA optimize = 0x10002"); // every table, not only those this connection used
        });
      }
    } catch (JdbiException e) {
      // statistics are an optimization
    }
  }

  /** Makes the repository's group points those its manifests say: new ones added, forgotten ones removed. */
  private static void syncGroupPoints(Handle h, String rid, List<RecordStore.Stored<GroupPoint>> groups) {
    Set<String> present = new HashSet<>();
    for (RecordStore.Stored<GroupPoint> g : groups) present.add(g.name());
    for (String known : h.createQuery("SELECT manifest_id FROM group_points WHERE repository_id = :r").bind("r", rid).mapTo(String.class).list()) {
      if (present.contains(known)) continue;
      h.createUpdate("DELETE FROM group_members WHERE repository_id = :r AND manifest_id = :m").bind("r", rid).bind("m", known).execute();
      h.createUpdate("DELETE FROM group_points WHERE repository_id = :r AND manifest_id = :m").bind("r", rid).bind("m", known).execute();
    }
    for (RecordStore.Stored<GroupPoint> stored : groups) {
      GroupPoint g = stored.value();
      int added = h.createUpdate("INSERT INTO group_points (repository_id, manifest_id, grp, run, time_ms, complete, consistency, reason,"
              + " freeze_ms, tags, hooks) VALUES (:r, :m, :g, :run, :t, :c, :cons, :reason, :f, :tags, :hooks)"
              + " ON CONFLICT (repository_id, manifest_id) DO NOTHING")
          .bind("r", rid).bind("m", stored.name()).bind("g", g.group()).bind("run", g.run()).bind("t", g.time().toEpochMilli())
          .bind("c", g.complete() ? 1 : 0).bind("cons", g.consistency() == null ? null : g.consistency().label()).bind("reason", g.reason())
          .bind("f", g.freezeMillis()).bind("tags", Db.json(g.tags())).bind("hooks", g.hooks() == null ? null : Db.json(g.hooks()))
          .execute();
      if (added == 0) continue;
      int pos = 0;
      for (GroupPoint.Member m : g.members()) {
        h.createUpdate("INSERT INTO group_members (repository_id, manifest_id, asset, position, snapshot_id, consistency, error,"
                + " restore_after) VALUES (:r, :m, :a, :p, :s, :c, :e, :after) ON CONFLICT DO NOTHING")
            .bind("r", rid).bind("m", stored.name()).bind("a", m.asset()).bind("p", pos++).bind("s", m.snapshot())
            .bind("c", m.consistency() == null ? null : m.consistency().label()).bind("e", m.error()).bind("after", Db.json(m.after()))
            .execute();
      }
    }
  }

  /** Labels a repository: its role (primary, copy, archive) and storage tier; null leaves one as is. */
  void label(String repositoryId, String role, String tier) {
    db.tx(h -> {
      if (role != null) h.createUpdate("UPDATE repositories SET role = :v WHERE id = :r").bind("v", role).bind("r", repositoryId).execute();
      if (tier != null) h.createUpdate("UPDATE repositories SET tier = :v WHERE id = :r").bind("v", tier).bind("r", repositoryId).execute();
      return null;
    });
  }

  /** Records that a repository could not be synchronized (it stays in the catalog as it was). */
  void syncFailed(String repositoryId, String error) {
    db.tx(h -> h.createUpdate("UPDATE repositories SET last_sync_status = :e WHERE id = :r").bind("e", error).bind("r", repositoryId)
        .execute());
  }

  private void ingestSnapshot(Handle h, TreeIngest trees, String rid, Snapshot s, Instant now) {
    String key = pointKey(s);
    List<String> paths = new ArrayList<>(s.paths());
    Collections.sort(paths);
    String asset = s.asset() != null ? s.asset() : s.host() + ":" + String.join(",", paths);
    // insert-or-ignore throughout: two syncs of copies of one point (or of one repository) may race
    int added = h.createUpdate("INSERT INTO points (point_key, time_ms, host, username, paths, asset, grp, consistency, size_bytes,"
            + " file_count, first_seen_ms, run, consistency_reason, source, hooks) VALUES (:k, :t, :host, :user, :paths, :asset, :grp, :c,"
            + " :size, :files, :now, :run, :reason, :source, :hooks) ON CONFLICT (point_key) DO NOTHING")
        .bind("run", s.run()).bind("reason", s.consistencyReason()).bind("source", s.source() == null ? null : Db.json(s.source()))
        .bind("hooks", s.hooks() == null ? null : Db.json(s.hooks()))
        .bind("k", key).bind("t", s.time().toEpochMilli()).bind("host", s.host()).bind("user", s.username())
        .bind("paths", Db.json(paths)).bind("asset", asset).bind("grp", s.group()).bind("c", s.consistency().label())
        .bind("size", s.stats() == null ? 0 : s.stats().bytesTotal()).bind("files", s.stats() == null ? 0 : s.stats().files())
        .bind("now", now.toEpochMilli()).execute();
    if (added > 0) {
      PreparedBatch tags = h.prepareBatch("INSERT INTO point_tags (point_key, tag) VALUES (:k, :tag) ON CONFLICT DO NOTHING");
      for (String t : new TreeSet<>(s.tags())) tags.bind("k", key).bind("tag", t).add();
      if (tags.size() > 0) tags.execute();
    }
    Long root = trees.ingest(h, s.treeId());
    h.createUpdate("INSERT INTO copies (repository_id, snapshot_id, point_key, root_tree_no, parent_snapshot, original_snapshot, tags,"
            + " errors, pinned, ingested_ms) VALUES (:r, :s, :k, :root, :parent, :orig, :tags, :errors, 0, :now)"
            + " ON CONFLICT (repository_id, snapshot_id) DO NOTHING")
        .bind("r", rid).bind("s", s.id().toString()).bind("k", key).bind("root", root).bind("parent", s.parent())
        .bind("orig", s.original()).bind("tags", Db.json(s.tags())).bind("errors", s.errors().size()).bind("now", now.toEpochMilli())
        .execute();
  }

  private static void removeCopy(Handle h, String rid, String snapshot) {
    String key = h.createQuery("SELECT point_key FROM copies WHERE repository_id = :r AND snapshot_id = :s").bind("r", rid)
        .bind("s", snapshot).mapTo(String.class).findOne().orElse(null);
    h.createUpdate("DELETE FROM copies WHERE repository_id = :r AND snapshot_id = :s").bind("r", rid).bind("s", snapshot).execute();
    if (key == null) return;
    // the point goes with its last copy; a sync adding a copy of it beside this one keeps it (or, when
    // this delete comes first, fails on the foreign key and is tried again, inserting the point anew)
    String noCopy = " AND NOT EXISTS (SELECT 1 FROM copies WHERE point_key = :k)";
    h.createUpdate("DELETE FROM point_tags WHERE point_key = :k" + noCopy).bind("k", key).execute();
    h.createUpdate("DELETE FROM points WHERE point_key = :k" + noCopy).bind("k", key).execute();
  }

  /** The logical identity of a capture: the same in every repository that holds a copy. */
  static String pointKey(Snapshot s) {
    List<String> paths = new ArrayList<>(s.paths());
    Collections.sort(paths);
    String basis = s.time() + "\n" + s.host() + "\n" + s.username() + "\n" + String.join("\u0000", paths) + "\n" + s.asset() + "\n"
        + s.group();
    return HexFormat.of().formatHex(Db.sha256(basis.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
  }

  /** Indexes trees of one repository, each once. */
  private static final class TreeIngest {
    private final Repository repo;
    private final String rid;
    private final Map<BlobId, Long> known = new HashMap<>();
    long files;
    int treesAdded;

    /** Trees added to {@code known} by the transaction now running, and the counters before it. */
    private final List<BlobId> attempt = new ArrayList<>();
    private long filesBefore;
    private int treesBefore;
    private boolean open;

    TreeIngest(Repository repo, String rid) {
      this.repo = repo;
      this.rid = rid;
    }

    /** Starts a transaction's work, first undoing what an attempt rolled back had cached. */
    void beginAttempt() {
      if (open) {
        for (BlobId t : attempt) known.remove(t);
        files = filesBefore;
        treesAdded = treesBefore;
      }
      attempt.clear();
      filesBefore = files;
      treesBefore = treesAdded;
      open = true;
    }

    void committed() {
      attempt.clear();
      open = false;
    }

    private void remember(BlobId tree, Long no) {
      if (known.put(tree, no) == null) attempt.add(tree);
    }

    Long ingest(Handle h, BlobId tree) {
      Long no = known.get(tree);
      if (no != null) return no;
      no = h.createQuery("SELECT tree_no FROM trees WHERE repository_id = :r AND tree_id = :t").bind("r", rid)
          .bind("t", tree.toString()).mapTo(Long.class).findOne().orElse(null);
      if (no != null) {
        remember(tree, no);
        return no;
      }
      List<Node> nodes;
      try {
        nodes = repo.readTree(tree);
      } catch (IOException | RuntimeException e) {
        return null; // damaged or missing: the copy is catalogued without a file index below here
      }
      Long[] subs = new Long[nodes.size()];
      for (int i = 0; i < nodes.size(); i++) {
        if (nodes.get(i).type() == NodeType.DIR) subs[i] = ingest(h, nodes.get(i).subtree());
      }
      no = h.createQuery("INSERT INTO trees (repository_id, tree_id) VALUES (:r, :t) ON CONFLICT (repository_id, tree_id) DO NOTHING"
          + " RETURNING tree_no").bind("r", rid).bind("t", tree.toString()).mapTo(Long.class).findOne().orElse(null);
      if (no == null) { // indexed by a sync beside this one meanwhile, entries and all (its transaction committed)
        no = h.createQuery("SELECT tree_no FROM trees WHERE repository_id = :r AND tree_id = :t").bind("r", rid)
            .bind("t", tree.toString()).mapTo(Long.class).one();
        remember(tree, no);
        return no;
      }
      PreparedBatch b = h.prepareBatch("INSERT INTO entries (tree_no, name, type, size, mtime_ms, content_id, subtree_no)"
          + " VALUES (:tree, :name, :type, :size, :mtime, :content, :sub)");
      Set<String> names = new HashSet<>();
      for (int i = 0; i < nodes.size(); i++) {
        Node n = nodes.get(i);
        String name = n.displayName();
        if (!names.add(name)) name = name + "\uFFFD" + i; // two byte-names that display alike
        b.bind("tree", no).bind("name", name).bind("type", n.type().label).bind("size", n.size())
            .bind("mtime", Math.floorDiv(n.mtimeNanos(), 1_000_000L)).bind("content", n.type() == NodeType.FILE ? contentId(n) : null)
            .bind("sub", subs[i]).add();
        if (n.type() == NodeType.FILE) files++;
      }
      if (b.size() > 0) b.execute();
      treesAdded++;
      remember(tree, no);
      return no;
    }

    private static String contentId(Node n) {
      byte[] all = new byte[n.content().size() * 32];
      for (int i = 0; i < n.content().size(); i++) n.content().get(i).writeTo(all, i * 32);
      return HexFormat.of().formatHex(Db.sha256(all), 0, 8);
    }
  }

  /** Compares the catalog's copies of one repository with its snapshots; changes nothing. */
  Catalog.Drift verify(Repository repo, String location) throws IOException {
    String rid = repo.config().id();
    Map<String, Snapshot> inRepo = new HashMap<>();
    for (Snapshot s : repo.snapshots()) inRepo.put(s.id().toString(), s);
    Map<String, String[]> inCat = new HashMap<>();
    db.read(h -> h.createQuery("SELECT c.snapshot_id, c.point_key, c.tags FROM copies c WHERE c.repository_id = :r").bind("r", rid)
        .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}).list())
        .forEach(r -> inCat.put(r[0], r));
    List<String> gone = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<String> differ = new ArrayList<>();
    for (String id : inCat.keySet()) if (!inRepo.containsKey(id)) gone.add(id);
    for (Map.Entry<String, Snapshot> e : inRepo.entrySet()) {
      String[] c = inCat.get(e.getKey());
      if (c == null) {
        missing.add(e.getKey());
      } else if (!c[1].equals(pointKey(e.getValue())) || !Db.jsonList(c[2]).equals(e.getValue().tags())) {
        differ.add(e.getKey());
      }
    }
    Collections.sort(gone);
    Collections.sort(missing);
    Collections.sort(differ);
    return new Catalog.Drift(rid, location, gone, missing, differ);
  }

  /**
   * Empties what {@link #sync} derives from repositories (keeping the schema and the list of known
   * repositories); sync then refills it, recovery and drill evidence included.
   */
  void clear() {
    db.tx(h -> {
      for (String t : List.of("copy_points", "copy_runs", "evidence_points", "evidence", "group_members", "group_points", "point_tags", "copies", "points", "entries", "trees", "verifications")) {
        h.createUpdate("DELETE FROM " + t).execute();
      }
      Audit.record(h, db.clock.instant(), "catalog.clear", db.store.location(), null);
      return null;
    });
  }

}
