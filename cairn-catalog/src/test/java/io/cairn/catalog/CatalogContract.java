package io.cairn.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.backup.Backup;
import io.cairn.engine.backup.BackupOptions;
import io.cairn.engine.check.CheckRecord;
import io.cairn.engine.check.CheckScope;
import io.cairn.engine.chunk.ChunkerParams;
import io.cairn.engine.crypto.KeyFile;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.Pin;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.engine.store.LocalObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog's behaviour, run against each backend (SQLite file, real PostgreSQL server). */
abstract class CatalogContract {
  static final char[] PW = "pw".toCharArray();
  @TempDir Path tmp;
  final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-03-01T10:00:00Z"));
  final InstantSource clock = () -> now.get();
  Path src;

  /** A fresh, empty catalog target (a path or a JDBC URL). */
  abstract String newCatalog() throws Exception;

  @BeforeEach
  void source() throws Exception {
    src = tmp.resolve("src");
    Files.createDirectories(src.resolve("etc/nginx"));
    Files.writeString(src.resolve("etc/nginx/nginx.conf"), "worker_processes 1;\n");
    Files.writeString(src.resolve("etc/hosts"), "127.0.0.1 localhost\n");
    Files.createDirectories(src.resolve("var/data"));
    for (int i = 0; i < 50; i++) Files.writeString(src.resolve("var/data/file" + i + ".txt"), "data " + i + "\n");
  }

  Repository newRepo(String name) throws Exception {
    return Repository.init(new LocalObjectStore(tmp.resolve(name)), PW, new ChunkerParams(4096, 16384, 65536), 131072, 3,
        KeyFile.KdfParams.TESTING, clock);
  }

  Snapshot backup(Repository r, List<String> tags) throws Exception {
    Snapshot s = new Backup(r, new BackupOptions(List.of(src), tags, List.of(), false, null, "web1", 2), null).run().snapshot();
    now.set(now.get().plus(Duration.ofHours(1)));
    return s;
  }

  Catalog catalog(String target) {
    return Catalog.open(target, clock);
  }

  @Test
  void sync_ingestsEverySnapshot_thenOnlyWhatIsNew_andForgetRemovesThePoint() throws Exception {
    String target = newCatalog();
    Repository repo = newRepo("r1");
    Snapshot a = backup(repo, List.of("daily"));
    Snapshot b = backup(repo, List.of());
    try (Catalog c = catalog(target)) {
      Catalog.SyncReport first = c.sync(repo, "/r1");
      assertThat(first.added()).isEqualTo(2);
      assertThat(first.filesIndexed()).isEqualTo(52);
      assertThat(c.points(query())).hasSize(2);
      Catalog.SyncReport again = c.sync(repo, "/r1");
      assertThat(again.added()).isZero();
      assertThat(again.filesIndexed()).isZero();
      repo.forgetSnapshot(a.id());
      Catalog.SyncReport afterForget = c.sync(repo, "/r1");
      assertThat(afterForget.removed()).isEqualTo(1);
      assertThat(c.points(query())).extracting(Catalog.PointRow::time).containsExactly(b.time().truncatedTo(ChronoUnit.MILLIS));
    }
  }

  @Test
  void syncsRacing_onOneCatalog_bothSucceed_andEveryRowIsThereOnce() throws Exception {
    String target = newCatalog();
    Repository repo = newRepo("r1");
    for (int i = 0; i < 6; i++) backup(repo, List.of("t" + i));
    Repository copy = newRepo("r2"); // the same points in a second repository: the same point rows, other copies
    for (int i = 0; i < 3; i++) backup(copy, List.of());
    catalog(target).close(); // created and migrated once, as a first command would
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 4; t++) {
      Repository r = t % 2 == 0 ? repo : copy;
      String loc = t % 2 == 0 ? "/r1" : "/r2";
      threads.add(Thread.ofPlatform().start(() -> {
        try (Catalog c = catalog(target)) { // each its own catalog, as separate processes would have
          c.sync(r, loc);
        } catch (Throwable e) {
          failures.add(e);
        }
      }));
    }
    for (Thread th : threads) th.join();
    assertThat(failures).isEmpty();
    try (Catalog c = catalog(target)) {
      assertThat(c.points(query())).hasSize(9);
      assertThat(c.repositories()).hasSize(2).allSatisfy(r -> assertThat(r.lastSyncStatus()).isEqualTo("ok"));
      assertThat(c.sync(repo, "/r1").added()).isZero();
      assertThat(c.find("nginx.conf", null, null)).hasSize(9);
    }
  }

  @Test
  void fileIndex_ofAnUnchangedTree_isStoredOnce_andFindShowsWhereAFileChanged() throws Exception {
    String target = newCatalog();
    Repository repo = newRepo("r1");
    backup(repo, List.of());
    try (Catalog c = catalog(target)) {
      c.sync(repo, "/r1");
      long trees = count(target, "trees");
      backup(repo, List.of()); // unchanged below src; the folders above it may have new mtimes
      Catalog.SyncReport r = c.sync(repo, "/r1");
      assertThat(r.treesIndexed()).isLessThanOrEqualTo(src.getNameCount() + 1);
      assertThat(count(target, "trees")).isLessThanOrEqualTo(trees + src.getNameCount() + 1);
      assertThat(countWhere(target, "entries", "name = 'file7.txt'")).isEqualTo(1);
      assertThat(countWhere(target, "entries", "name = 'nginx.conf'")).isEqualTo(1);

      Files.writeString(src.resolve("etc/nginx/nginx.conf"), "worker_processes 4;\n");
      backup(repo, List.of());
      c.sync(repo, "/r1");
      List<Catalog.FileVersion> v = c.find("nginx.conf", null, null);
      assertThat(v).hasSize(3);
      assertThat(v).allSatisfy(f -> assertThat(f.path()).isEqualTo(src.resolve("etc/nginx/nginx.conf").toString()));
      assertThat(v.get(0).contentId()).isNotEqualTo(v.get(1).contentId());
      assertThat(v.get(1).contentId()).isEqualTo(v.get(2).contentId());
      assertThat(c.find("**/etc/nginx/*.conf", null, null)).hasSize(3);
      assertThat(c.find("*.conf", null, v.get(0).time())).hasSize(1);
      assertThat(c.find("NGINX.CONF", null, null)).isEmpty();
      assertThat(c.find("file1?.txt", null, null)).hasSize(30);
    }
  }

  @Test
  void points_filterByTagHostTimeAndConsistency_andAsOfGivesTheNewestPerAsset() throws Exception {
    String target = newCatalog();
    Repository repo = newRepo("r1");
    Snapshot a = backup(repo, List.of("weekly"));
    Snapshot b = backup(repo, List.of("daily"));
    Snapshot c2 = backup(repo, List.of("daily"));
    try (Catalog c = catalog(target)) {
      c.sync(repo, "/r1");
      assertThat(c.points(new Catalog.PointQuery(null, null, null, "daily", null, null, null, false, 0))).hasSize(2);
      assertThat(c.points(new Catalog.PointQuery(null, null, "web1", null, "crash", null, null, false, 0))).hasSize(3);
      assertThat(c.points(new Catalog.PointQuery(null, null, "web2", null, null, null, null, false, 0))).isEmpty();
      assertThat(c.points(new Catalog.PointQuery(null, null, null, null, "application", null, null, false, 0))).isEmpty();
      assertThat(c.points(new Catalog.PointQuery(null, null, null, null, null, b.time(), null, false, 0))).hasSize(2);
      assertThat(c.points(new Catalog.PointQuery(null, null, null, null, null, null, b.time(), false, 1))).hasSize(1);
      List<Catalog.PointRow> asOf = c.asOf(b.time().plusSeconds(60), query());
      assertThat(asOf).singleElement().satisfies(p -> {
        assertThat(p.time()).isEqualTo(b.time().truncatedTo(ChronoUnit.MILLIS));
        assertThat(p.tags()).containsExactly("daily");
        assertThat(p.asset()).isEqualTo("web1:" + src);
      });
      assertThat(c.asOf(a.time().minusSeconds(1), query())).isEmpty();
      assertThat(c2).isNotNull();
    }
  }

  @Test
  void verifiedAndPinned_comeFromCheckRecordsAndPins() throws Exception {
    String target = newCatalog();
    Repository repo = newRepo("r1");
    Snapshot a = backup(repo, List.of());
    repo.savePin(new Pin(Pin.VERSION, a.id().toString(), null, now.get(), "audit"));
    repo.saveCheckRecord(new CheckRecord(CheckRecord.VERSION, "c1", now.get().minusSeconds(60), "web1", CheckScope.READ_DATA, true, 0, 1, 3,
        1000, List.of()));
    Snapshot b = backup(repo, List.of());
    try (Catalog c = catalog(target)) {
      c.sync(repo, "/r1");
      List<Catalog.PointRow> all = c.points(query());
      assertThat(all).hasSize(2);
      assertThat(all.get(1).verified()).isTrue();
      assertThat(all.get(1).pinned()).isTrue();
      assertThat(all.get(0).verified()).isFalse();
      assertThat(c.points(new Catalog.PointQuery(null, null, null, null, null, null, null, true, 0))).hasSize(1);
      Catalog.PointDetail d = c.show(b.id().toString().substring(0, 10));
      assertThat(d.copies()).singleElement().satisfies(cp -> assertThat(cp.snapshotId()).isEqualTo(b.id().toString()));
      assertThat(c.show(a.id().toString().substring(0, 10)).checks()).hasSize(1);
      assertThatThrownBy(() -> c.show("ffffffffffffffff")).isInstanceOf(CairnException.class)
          .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
    }
  }

  @Test
  void aPointInTwoRepositories_isOnePointWithTwoCopies() throws Exception {
    String target = newCatalog();
    Repository one = newRepo("r1");
    Repository two = newRepo("r2");
    Instant t = now.get();
    backup(one, List.of());
    now.set(t); // the same capture, copied: same time, host and paths
    backup(two, List.of());
    try (Catalog c = catalog(target)) {
      c.sync(one, "/r1");
      c.sync(two, "/r2");
      assertThat(c.points(query())).singleElement().satisfies(p -> assertThat(p.copies()).isEqualTo(2));
      assertThat(c.show(c.points(query()).get(0).pointKey()).copies()).extracting(Catalog.CopyRow::location).containsExactly("/r1", "/r2");
      assertThat(c.repositories()).hasSize(2);
    }
  }

  @Test
  void rebuild_fromTheRepositoriesAlone_reproducesEveryRow() throws Exception {
    String target = newCatalog();
    Repository repo = newRepo("r1");
    backup(repo, List.of("a"));
    Files.writeString(src.resolve("etc/hosts"), "changed\n");
    Snapshot b = backup(repo, List.of("b"));
    repo.savePin(new Pin(Pin.VERSION, b.id().toString(), now.get().plus(Duration.ofDays(3)), now.get(), null));
    repo.saveCheckRecord(new CheckRecord(CheckRecord.VERSION, "c1", now.get(), "web1", CheckScope.READ_DATA, true, 0, 2, 3, 1000, List.of()));
    Map<String, List<String>> before;
    try (Catalog c = catalog(target)) {
      c.sync(repo, "/r1");
      before = dump(target);
      c.clear();
      assertThat(c.points(query())).isEmpty();
      c.sync(repo, "/r1");
    }
    assertThat(dump(target)).isEqualTo(before);
  }

  @Test
  void rebuild_afterTheCatalogIsDeleted_reproducesEveryRowFromTwoRepositories() throws Exception {
    Repository r1 = newRepo("r1");
    Repository r2 = newRepo("r2");
    backup(r1, List.of("daily"));
    Files.writeString(src.resolve("etc/hosts"), "changed again\n");
    Snapshot b = backup(r1, List.of("daily", "db"));
    backup(r2, List.of("offsite"));
    r1.savePin(new Pin(Pin.VERSION, b.id().toString(), null, now.get(), "legal hold"));
    r2.saveCheckRecord(new CheckRecord(CheckRecord.VERSION, "c2", now.get(), "web1", CheckScope.READ_DATA, true, 0, 1, 2, 500, List.of()));
    String lost = newCatalog();
    try (Catalog c = catalog(lost)) {
      c.sync(r1, "/r1");
      c.sync(r2, "/r2");
    }
    Map<String, List<String>> before = dump(lost);
    assertThat(before.get("copies")).hasSize(3);
    assertThat(before.get("repositories")).hasSize(2);
    String fresh = newCatalog(); // the old one is gone: nothing but the repositories to go by
    try (Catalog c = catalog(fresh)) {
      assertThat(c.points(query())).isEmpty();
      c.sync(r1, "/r1");
      c.sync(r2, "/r2");
    }
    assertThat(dump(fresh)).isEqualTo(before);
  }

  @Test
  void verify_reportsPointsGoneFromTheRepository_andSnapshotsMissingFromTheCatalog() throws Exception {
    String target = newCatalog();
    Repository repo = newRepo("r1");
    Snapshot a = backup(repo, List.of());
    try (Catalog c = catalog(target)) {
      c.sync(repo, "/r1");
      assertThat(c.verify(repo, "/r1").clean()).isTrue();
      repo.forgetSnapshot(a.id());
      Snapshot b = backup(repo, List.of());
      Catalog.Drift d = c.verify(repo, "/r1");
      assertThat(d.goneFromRepository()).containsExactly(a.id().toString());
      assertThat(d.missingFromCatalog()).containsExactly(b.id().toString());
      c.sync(repo, "/r1");
      assertThat(c.verify(repo, "/r1").clean()).isTrue();
    }
  }

  @Test
  void aCatalogFromANewerCairn_isRefusedWithItsVersion() throws Exception {
    String target = newCatalog();
    try (Catalog c = catalog(target)) {
      Jdbi.create(c.store().dataSource()).useHandle(h -> h.execute("INSERT INTO flyway_schema_history (installed_rank, version,"
          + " description, type, script, checksum, installed_by, installed_on, execution_time, success) VALUES (99, '7', 'future',"
          + " 'SQL', 'V7__future.sql', 0, 'x', CURRENT_TIMESTAMP, 0, " + (c.store().kind() == CatalogStore.Kind.SQLITE ? "1" : "true") + ")"));
    }
    assertThatThrownBy(() -> catalog(target)).isInstanceOf(CairnException.class)
        .hasMessageContaining("schema version 7")
        .satisfies(e -> assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.UNSUPPORTED_FORMAT));
  }

  static Catalog.PointQuery query() {
    return new Catalog.PointQuery(null, null, null, null, null, null, null, false, 0);
  }

  static long count(String target, String table) {
    return Jdbi.create(CatalogStore.open(target).dataSource()).withHandle(h -> h.createQuery("SELECT count(*) FROM " + table)
        .mapTo(Long.class).one());
  }

  static long countWhere(String target, String table, String where) {
    return Jdbi.create(CatalogStore.open(target).dataSource()).withHandle(h -> h.createQuery("SELECT count(*) FROM " + table
        + " WHERE " + where).mapTo(Long.class).one());
  }

  /** Every row that matters, with generated numbers replaced by what they stand for. */
  static Map<String, List<String>> dump(String target) {
    Jdbi j = Jdbi.create(CatalogStore.open(target).dataSource());
    Map<String, List<String>> out = new TreeMap<>();
    j.useHandle(h -> {
      out.put("points", h.createQuery("SELECT point_key, time_ms, host, username, paths, asset, grp, consistency, size_bytes, file_count"
          + " FROM points ORDER BY point_key").map((rs, ctx) -> row(rs)).list());
      out.put("point_tags", h.createQuery("SELECT point_key, tag FROM point_tags ORDER BY point_key, tag").map((rs, ctx) -> row(rs)).list());
      out.put("copies", h.createQuery("SELECT c.repository_id, c.snapshot_id, c.point_key, t.tree_id, c.parent_snapshot, c.original_snapshot,"
          + " c.tags, c.errors, c.pinned, c.pinned_until_ms FROM copies c LEFT JOIN trees t ON t.tree_no = c.root_tree_no"
          + " ORDER BY c.snapshot_id").map((rs, ctx) -> row(rs)).list());
      out.put("entries", h.createQuery("SELECT t.tree_id, e.name, e.type, e.size, e.mtime_ms, e.content_id, s.tree_id FROM entries e"
          + " JOIN trees t ON t.tree_no = e.tree_no LEFT JOIN trees s ON s.tree_no = e.subtree_no ORDER BY t.tree_id, e.name")
          .map((rs, ctx) -> row(rs)).list());
      out.put("verifications", h.createQuery("SELECT id, repository_id, kind, scope, time_ms, host, ok, problems, packs_read, bytes_read"
          + " FROM verifications ORDER BY id").map((rs, ctx) -> row(rs)).list());
      out.put("repositories", h.createQuery("SELECT id, location, role, tier, snapshot_count FROM repositories ORDER BY id")
          .map((rs, ctx) -> row(rs)).list());
    });
    return out;
  }

  private static String row(ResultSet rs) throws SQLException {
    List<String> cells = new ArrayList<>();
    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) cells.add(String.valueOf(rs.getObject(i)));
    return String.join("|", cells);
  }
}
