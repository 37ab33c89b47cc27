package io.cairn.bench;

import io.cairn.catalog.Catalog;
import io.cairn.catalog.CatalogStore;
import io.cairn.engine.BlobId;
import io.cairn.engine.chunk.ChunkerParams;
import io.cairn.engine.crypto.KeyFile;
import io.cairn.engine.pack.BlobType;
import io.cairn.engine.repo.BlobWriter;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.engine.store.LocalObjectStore;
import io.cairn.engine.tree.Node;
import io.cairn.engine.tree.NodeType;
import io.cairn.engine.tree.TreeCodec;
import io.cairn.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Catalog speed on SQLite and PostgreSQL (docs/benchmarks.md, "Catalog"): a repository holding
 * one snapshot of a synthetic tree of N files (1,000 per folder; real tree blobs, file contents not
 * stored), then S-1 more snapshots that each change one file. Measures ingest of the first
 * snapshot (files/s), ingest of the others (ms each), catalog size per further snapshot, {@code find}
 * of one path across all S snapshots, and a filtered points query over P points (inserted directly).
 *
 * <pre>java -cp cairn-bench/target/benchmarks.jar io.cairn.bench.CatalogBench [N] [S] [P] [sqlite|postgresql|both]</pre>
 */
public final class CatalogBench {
  private CatalogBench() {}

  public static void main(String[] args) throws Exception {
    int files = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int snaps = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int points = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
    String which = args.length > 3 ? args[3] : "both";
    Path work = Files.createTempDirectory("cairn-catalog-bench-");
    try {
      long t0 = System.nanoTime();
      Repository repo = Repository.init(new LocalObjectStore(work.resolve("repo")), "bench".toCharArray(),
          ChunkerParams.DEFAULT, 16 << 20, 3, KeyFile.KdfParams.TESTING, Clock.systemUTC());
      List<Snapshot> all = build(repo, files, snaps);
      List<Snapshot> same = unchanged(repo, all.get(all.size() - 1), UNCHANGED);
      System.err.printf("built a repository with %d snapshots of %,d files in %.1f s%n", all.size(), files, (System.nanoTime() - t0) / 1e9);
      List<String> rows = new ArrayList<>();
      if (!which.equals("postgresql")) rows.add(run("SQLite", work.resolve("catalog.db").toString(), repo, all, same, files, points));
      if (!which.equals("sqlite")) {
        try (PostgresServer pg = PostgresServer.start()) {
          rows.add(run("PostgreSQL", pg.newDatabase("bench"), repo, all, same, files, points));
        }
      }
      System.out.println("| backend | ingest first snapshot | files/s | ingest each later snapshot | catalog size | size per later snapshot"
          + " | size per snapshot of the unchanged tree | find one path across " + snaps + " snapshots"
          + " | filtered points query over " + points + " points |");
      System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
      rows.forEach(System.out::println);
    } finally {
      if (Boolean.getBoolean("cairn.bench.keep")) {
        System.err.println("kept " + work + " (the repository and the SQLite catalog)");
        return;
      }
      try (var s = Files.walk(work)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
      }
    }
  }

  /** How many snapshots of the unchanged tree measure what one costs (enough to see past page granularity). */
  static final int UNCHANGED = 200;

  /** {@code n} more snapshots of {@code last}'s tree, unchanged, an hour apart after it. */
  static List<Snapshot> unchanged(Repository repo, Snapshot last, int n) throws Exception {
    List<Snapshot> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      Snapshot snap = Snapshot.builder().time(last.time().plus(Duration.ofHours(i))).host(last.host()).username(last.username())
          .paths(last.paths()).tree(last.treeId()).stats(last.stats()).program("bench").build();
      out.add(snap.withId(repo.saveSnapshot(snap)));
    }
    return out;
  }

  /** Snapshot 1 of the whole tree, then one per changed file. */
  static List<Snapshot> build(Repository repo, int files, int snaps) throws Exception {
    int dirs = (files + 999) / 1000;
    BlobId content = new BlobId(1, 2, 3, 4);
    List<Snapshot> out = new ArrayList<>();
    try (BlobWriter w = new BlobWriter(repo)) {
      BlobId[] dirTrees = new BlobId[dirs];
      for (int d = 0; d < dirs; d++) dirTrees[d] = dirTree(repo, w, d, Math.min(1000, files - d * 1000), content, -1);
      Instant t = Instant.parse("2026-01-01T00:00:00Z");
      for (int s = 0; s < snaps; s++) {
        if (s > 0) {
          int d = (s * 7) % dirs;
          dirTrees[d] = dirTree(repo, w, d, Math.min(1000, files - d * 1000), content, s);
        }
        List<Node> top = new ArrayList<>(dirs);
        for (int d = 0; d < dirs; d++) top.add(dir(String.format("d%05d", d), dirTrees[d]));
        BlobId bench = put(repo, w, top);
        BlobId root = put(repo, w, List.of(dir("bench", bench)));
        w.flush();
        Snapshot snap = Snapshot.builder().time(t.plus(Duration.ofHours(s))).host("bench-host").username("bench")
            .paths(List.of("/bench")).tree(root).stats(new Snapshot.Stats(files, dirs + 1, 0, 0, 0, 0, files * 2048L, 0, 0, 0, 0, 0))
            .program("bench").build();
        out.add(snap.withId(repo.saveSnapshot(snap)));
      }
    }
    return out;
  }

  static BlobId dirTree(Repository repo, BlobWriter w, int d, int n, BlobId content, int changedIn) throws Exception {
    List<Node> nodes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long g = d * 1000L + i;
      BlobId c = i == 0 && changedIn >= 0 ? new BlobId(changedIn, 9, 9, 9) : content;
      nodes.add(new Node(String.format("f%07d.txt", g), NodeType.FILE, 0644, 0, 0, "root", "root", 1_700_000_000_000_000_000L + g,
          1_700_000_000_000_000_000L, g, 1, 1, 2048, List.of(c), null, null, 0, null));
    }
    return put(repo, w, nodes);
  }

  static Node dir(String name, BlobId tree) {
    return new Node(name, NodeType.DIR, 0755, 0, 0, "root", "root", 1_700_000_000_000_000_000L, 1_700_000_000_000_000_000L, 1, 1, 2, 0,
        null, tree, null, 0, null);
  }

  static BlobId put(Repository repo, BlobWriter w, List<Node> nodes) throws Exception {
    byte[] t = TreeCodec.encode(nodes);
    BlobId id = repo.sealer().masterKey().id(t, 0, t.length);
    w.store(BlobType.TREE, id, t, 0, t.length);
    return id;
  }

  static String run(String name, String target, Repository repo, List<Snapshot> all, List<Snapshot> same, int files, int points)
      throws Exception {
    // hide all but the first snapshot, ingest it, then the rest, then the unchanged ones
    Path snapsDir = ((LocalObjectStore) repo.store()).root().resolve("snapshots");
    Path aside = snapsDir.resolveSibling("snapshots-aside");
    Files.createDirectories(aside);
    List<Snapshot> hidden = new ArrayList<>(all.subList(1, all.size()));
    hidden.addAll(same);
    for (Snapshot s : hidden) Files.move(snapsDir.resolve(s.id().toString()), aside.resolve(s.id().toString()));
    double first;
    double perLater;
    long sizeAfterFirst;
    long sizeAfterAll;
    try (Catalog c = Catalog.open(target, Clock.systemUTC())) {
      long t0 = System.nanoTime();
      c.sync(repo, "/bench-repo");
      first = (System.nanoTime() - t0) / 1e9;
      sizeAfterFirst = size(c.store());
      for (Snapshot s : all.subList(1, all.size())) Files.move(aside.resolve(s.id().toString()), snapsDir.resolve(s.id().toString()));
      t0 = System.nanoTime();
      c.sync(repo, "/bench-repo");
      perLater = (System.nanoTime() - t0) / 1e6 / Math.max(1, all.size() - 1);
      sizeAfterAll = size(c.store());
      String probe = String.format("f%07d.txt", 500);
      double findMs = median(() -> {
        List<Catalog.FileVersion> v = c.find(probe, null, null);
        if (v.size() != all.size()) throw new IllegalStateException("find returned " + v.size());
      });
      for (Snapshot s : same) Files.move(aside.resolve(s.id().toString()), snapsDir.resolve(s.id().toString()));
      c.sync(repo, "/bench-repo");
      double perUnchanged = (size(c.store()) - sizeAfterAll) / 1e3 / same.size();
      insertPoints(c.store(), points);
      if (c.store().kind() == CatalogStore.Kind.SQLITE) { // statistics, as a sync refreshes them after its ingest
        Jdbi.create(c.store().dataSource()).useHandle(h -> h.execute("PRAGMA optimize = 0x10002"));
      } else {
        Jdbi.create(c.store().dataSource()).useHandle(h -> h.execute("ANALYZE"));
      }
      Catalog.PointQuery q = new Catalog.PointQuery("asset-17", null, null, null, null, Instant.parse("2026-06-01T00:00:00Z"), null,
          false, 0);
      double pointsMs = median(() -> {
        if (c.points(q).isEmpty()) throw new IllegalStateException("no points");
      });
      return String.format("| %s | %.1f s | %,.0f | %.0f ms | %.1f MB | %.1f KB | %.2f KB | %.1f ms | %.1f ms |", name, first, files / first,
          perLater, sizeAfterAll / 1e6, (sizeAfterAll - sizeAfterFirst) / 1e3 / Math.max(1, all.size() - 1), perUnchanged, findMs, pointsMs);
    }
  }

  interface Op {
    void run() throws Exception;
  }

  static double median(Op op) throws Exception {
    for (int i = 0; i < 5; i++) op.run();
    double[] t = new double[21];
    for (int i = 0; i < t.length; i++) {
      long t0 = System.nanoTime();
      op.run();
      t[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(t);
    return t[t.length / 2];
  }

  static long size(CatalogStore s) throws Exception {
    if (s.kind() == CatalogStore.Kind.SQLITE) {
      Jdbi.create(s.dataSource()).useHandle(h -> h.execute("PRAGMA wal_checkpoint(TRUNCATE)"));
      return Files.size(Path.of(s.location()));
    }
    return Jdbi.create(s.dataSource()).withHandle(h -> h.createQuery("SELECT pg_database_size(current_database())").mapTo(Long.class).one());
  }

  /** P synthetic points (100 assets, 10 hosts, a tag on every tenth) spread over 2026. */
  static void insertPoints(CatalogStore s, int n) {
    Jdbi.create(s.dataSource()).useTransaction(h -> {
      PreparedBatch b = h.prepareBatch("INSERT INTO points (point_key, time_ms, host, username, paths, asset, grp, consistency, size_bytes,"
          + " file_count, first_seen_ms) VALUES (:k, :t, :h, 'u', '[\"/x\"]', :a, NULL, 'crash', 1, 1, 0)");
      PreparedBatch tags = h.prepareBatch("INSERT INTO point_tags (point_key, tag) VALUES (:k, 'monthly')");
      long start = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
      for (int i = 0; i < n; i++) {
        String k = String.format("synthetic%023d", i);
        b.bindMap(Map.of("k", k, "t", start + (long) i * (365L * 86_400_000L / n), "h", "host-" + (i % 10), "a", "asset-" + (i % 100))).add();
        if (i % 10 == 0) tags.bind("k", k).add();
        if (b.size() >= 5000) {
          b.execute();
          if (tags.size() > 0) tags.execute(); // tags only after their points
        }
      }
      if (b.size() > 0) b.execute();
      if (tags.size() > 0) tags.execute();
    });
  }
}
