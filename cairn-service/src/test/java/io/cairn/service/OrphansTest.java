package io.cairn.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * check --orphans: packs no index names, packs the index names that are gone, points the catalog
 * lacks, catalog copies whose snapshot is gone, and two copies of one point that differ; --repair
 * mends the first four and only reports the last.
 */
class OrphansTest {
  @TempDir Path tmp;
  Workspace ws;
  String repo;
  Path data;

  @BeforeEach
  void setUp() throws Exception {
    ws = new Workspace(new Workspace.Settings(tmp.resolve("catalog.db").toString(), 0), Clock.systemUTC(), l -> "pw".toCharArray(),
        new StoreFactory());
    repo = tmp.resolve("repo").toString();
    new InitService(ws).run(new InitService.Request(repo, 4096, 16384, 65536, 131072, 3, new KeyService.Kdf(64, 1)), "pw"::toCharArray);
    data = Files.createDirectories(tmp.resolve("data"));
    for (int i = 0; i < 6; i++) Files.writeString(data.resolve("f" + i), ("data " + i + "\n").repeat(4000));
  }

  private void backup(Workspace w) throws Exception {
    new BackupService(w).run(new BackupService.Request(repo, List.of(data), List.of(), List.of(), false, null, "h", false), Listener.NONE);
  }

  private CheckService.Orphans orphans(boolean repair) throws Exception {
    return new CheckService(ws).orphans(repo, repair, Listener.NONE);
  }

  private static List<Path> files(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  @Test
  void cleanRepository_hasNoOrphans() throws Exception {
    backup(ws);
    assertThat(orphans(false).clean()).isTrue();
    assertThat(orphans(false).unresolved()).isFalse();
  }

  @Test
  void unindexedPacks_areReported_andRepairIndexesThem() throws Exception {
    backup(ws);
    for (Path p : files(Path.of(repo, "index"))) Files.delete(p); // as a backup stopped before its index leaves them
    CheckService.Orphans o = orphans(false);
    assertThat(o.unindexedPacks()).isNotEmpty();
    assertThat(o.unresolved()).as("found, not mended").isTrue();
    CheckService.Orphans fixed = orphans(true);
    assertThat(fixed.repaired()).anyMatch(r -> r.startsWith("indexed"));
    assertThat(fixed.unresolved()).as("found and mended").isFalse();
    assertThat(orphans(false).clean()).isTrue();
    assertThat(new CheckService(ws).run(new CheckService.Request(repo, 1.0, false), Listener.NONE).ok()).isTrue();
  }

  @Test
  void missingPack_isReported_andRepairRebuildsTheIndexWithoutIt() throws Exception {
    backup(ws);
    Path pack = files(Path.of(repo, "data")).get(0);
    Files.delete(pack);
    CheckService.Orphans o = orphans(false);
    assertThat(o.missingPacks()).containsExactly(pack.getFileName().toString());
    orphans(true);
    assertThat(orphans(false).missingPacks()).isEmpty();
  }

  @Test
  void catalogDrift_pointsMissingOrGone_areReported_andRepairSyncs() throws Exception {
    backup(new Workspace(new Workspace.Settings(null, 0), Clock.systemUTC(), l -> "pw".toCharArray(), new StoreFactory()));
    CheckService.Orphans o = orphans(false);
    assertThat(o.missingFromCatalog()).hasSize(1);
    orphans(true);
    assertThat(orphans(false).missingFromCatalog()).isEmpty();
    for (Path p : files(Path.of(repo, "snapshots"))) Files.delete(p); // gone by hand
    assertThat(orphans(false).goneFromRepository()).hasSize(1);
    orphans(true);
    assertThat(orphans(false).clean()).isTrue();
  }

  @Test
  void twoCopiesOfOnePointThatDiffer_areReported_notRepaired() throws Exception {
    backup(ws);
    String other = tmp.resolve("other").toString();
    new InitService(ws).runFrom(InitService.Request.defaults(other, new KeyService.Kdf(64, 1)), repo, "pw"::toCharArray);
    new CopyService(ws).run(new CopyService.Request(repo, other, List.of(), null, null, false, "h"), Listener.NONE);
    assertThat(orphans(false).copyDifferences()).as("a faithful copy").isEmpty();

    // the other repository gets a snapshot of the same point (time, host, user, paths) with other contents
    Files.writeString(data.resolve("f0"), "tampered");
    try (Repository r = ws.open(other, Workspace.Use.BOTH); Repository src = ws.open(repo, Workspace.Use.PLAIN)) {
      Snapshot orig = src.snapshots().get(0);
      Snapshot changed = new io.cairn.engine.backup.Backup(r, new io.cairn.engine.backup.BackupOptions(List.of(data), List.of(), List.of(),
          false, null, "h", 2), null).run().snapshot();
      r.forgetSnapshot(changed.id());
      r.forgetSnapshot(orig.id());
      r.saveSnapshot(orig.toBuilder().tree(changed.treeId()).build());
      ws.catalog().sync(r, ws.stores().canonical(other));
    }
    CheckService.Orphans o = orphans(true);
    assertThat(o.copyDifferences()).singleElement().satisfies(d -> assertThat(d.difference()).contains("f0"));
    assertThat(o.unresolved()).as("differing copies stay wrong, whatever --repair did").isTrue();
    assertThat(orphans(false).copyDifferences()).as("only reported, never mended").hasSize(1);
  }
}
