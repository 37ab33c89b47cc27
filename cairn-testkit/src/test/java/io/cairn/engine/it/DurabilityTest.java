package io.cairn.engine.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.engine.BlobId;
import io.cairn.engine.check.Checker;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.restore.Restorer;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.engine.store.LocalObjectStore;
import io.cairn.engine.store.ObjectInfo;
import io.cairn.testkit.FaultyObjectStore;
import io.cairn.engine.fs.TreeComparator;
import io.cairn.testkit.TreeGenerator;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crashes at every write point, and bit rot: the repository stays valid and damage is named. */
class DurabilityTest {
  @TempDir Path tmp;

  @Test
  void backup_crashedAtEveryWritePoint_leavesAValidRepository_andTheNextBackupSucceeds() throws Exception {
    Path src = tmp.resolve("src");
    new TreeGenerator(42, 400_000).generate(src, 60);
    // count the write points of one backup into a repository that already holds a snapshot
    Path seedRepo = tmp.resolve("seed");
    Repository first = Repos.init(new LocalObjectStore(seedRepo));
    Path half = tmp.resolve("half");
    new TreeGenerator(7, 100_000).generate(half, 20);
    Repos.backup(first, half);
    FaultyObjectStore counting = new FaultyObjectStore(new LocalObjectStore(seedRepo), 0);
    Repos.backup(Repos.open(counting), src);
    int points = counting.writes();
    assertThat(points).isGreaterThan(5);
    // packs fill in the order worker threads finish, so a run may have a point more or less than
    // the counted one: go on until a run gets through, which must be near the count
    for (int n = 1; ; n++) {
      Path repoDir = tmp.resolve("r" + n);
      Repository base = Repos.init(new LocalObjectStore(repoDir));
      Snapshot kept = Repos.backup(base, half);
      boolean crashed = false;
      try {
        Repos.backup(Repos.open(new FaultyObjectStore(new LocalObjectStore(repoDir), n)), src);
      } catch (IOException e) {
        crashed = true;
      }
      if (!crashed) {
        assertThat(n).as("write points reached (counted %d)", points).isGreaterThanOrEqualTo(points - 2);
        break;
      }
      Repository reopened = Repos.open(new LocalObjectStore(repoDir));
      Checker.Report rep = new Checker(reopened, 2).run(1.0, n);
      assertThat(rep.problems()).as("check after a crash at write point %d", n).isEmpty();
      assertThat(reopened.snapshots()).extracting(Snapshot::id).contains(kept.id());
      assertThat(Files.list(repoDir.resolve("tmp")).toList()).as("no temp files left by the failed write").isEmpty();
      Snapshot again = Repos.backup(reopened, src);
      Path out = tmp.resolve("out" + n);
      Repos.restore(Repos.open(new LocalObjectStore(repoDir)), again, out);
      assertThat(TreeComparator.compare(src, Repos.restored(out, src))).isEmpty();
      delete(repoDir);
      delete(out);
    }
  }

  @Test
  void restore_withCorruptBlob_namesAffectedFiles_andRestoresTheRest() throws Exception {
    Path src = tmp.resolve("src");
    Files.createDirectories(src);
    byte[] a = new byte[300_000], b = new byte[300_000];
    new Random(1).nextBytes(a);
    new Random(2).nextBytes(b);
    Files.write(src.resolve("a.bin"), a);
    Files.write(src.resolve("b.bin"), b);
    Path repoDir = tmp.resolve("repo");
    Repository repo = Repos.init(new LocalObjectStore(repoDir));
    Snapshot s = Repos.backup(repo, src);
    // flip one byte inside the first blob of a.bin
    Repository r2 = Repos.open(new LocalObjectStore(repoDir));
    BlobId first = r2.findNode(s.treeId(), src + "/a.bin").content().get(0);
    var loc = r2.index().lookup(first);
    Path pack = repoDir.resolve(Repository.packKey(loc.pack()));
    try (RandomAccessFile f = new RandomAccessFile(pack.toFile(), "rw")) {
      f.seek(loc.entry().offset() + 100);
      int v = f.read();
      f.seek(loc.entry().offset() + 100);
      f.write(v ^ 0x40);
    }
    Checker.Report rep = new Checker(Repos.open(new LocalObjectStore(repoDir)), 2).run(1.0, 1);
    assertThat(rep.problems()).anySatisfy(p -> assertThat(p.object()).contains(loc.pack().toString()).contains(first.toString()));
    assertThat(rep.affected()).extracting(Checker.Affected::path).containsExactly(src + "/a.bin");
    Path out = tmp.resolve("out");
    Restorer.Result res = Repos.restore(Repos.open(new LocalObjectStore(repoDir)), s, out);
    assertThat(res.damaged()).containsOnlyKeys(src + "/a.bin");
    assertThat(Files.readAllBytes(Repos.restored(out, src).resolve("b.bin"))).isEqualTo(b);
  }

  @Test
  void interruptedBackup_leftoverPacks_areHarmless_andTheNextBackupReusesThem() throws Exception {
    Path src = tmp.resolve("src");
    new TreeGenerator(9, 400_000).generate(src, 40);
    Path repoDir = tmp.resolve("repo");
    Repos.init(new LocalObjectStore(repoDir));
    FaultyObjectStore counting = new FaultyObjectStore(new LocalObjectStore(repoDir), 0);
    Repos.backup(Repos.open(counting), src);
    Path repo2 = tmp.resolve("repo2");
    Repos.init(new LocalObjectStore(repo2));
    // crash after some packs are stored but before the first index object names them
    int early = Math.min(10, counting.writes() - 1);
    assertThatThrownBy(() -> Repos.backup(Repos.open(new FaultyObjectStore(new LocalObjectStore(repo2), early)), src))
        .isInstanceOf(IOException.class);
    Repository r = Repos.open(new LocalObjectStore(repo2));
    assertThat(r.snapshots()).isEmpty();
    List<ObjectInfo> packs = r.store().list("data/");
    assertThat(packs).isNotEmpty();
    Checker.Report before = new Checker(r, 2).run(1.0, 1);
    assertThat(before.problems()).isEmpty();
    assertThat(before.notices()).as("packs stored but not yet indexed").isNotEmpty();
    long unindexed = before.notices().size();
    // the next backup adopts what the stopped one stored instead of storing it again
    Snapshot s = Repos.backup(Repos.open(new LocalObjectStore(repo2)), src);
    assertThat(s.stats().bytesAdded()).as("bytes stored again")
        .isLessThanOrEqualTo(s.stats().bytesTotal() - unindexed * 100_000);
    Checker.Report after = new Checker(Repos.open(new LocalObjectStore(repo2)), 2).run(1.0, 1);
    assertThat(after.problems()).isEmpty();
    assertThat(after.notices()).as("no pack left unindexed").isEmpty();
  }

  private static void delete(Path p) throws IOException {
    if (!Files.exists(p)) return;
    try (var w = Files.walk(p)) {
      for (Path q : w.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
    }
  }
}
