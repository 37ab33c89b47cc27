package io.cairn.engine.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.engine.BlobId;
import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.check.Checker;
import io.cairn.engine.copy.Copier;
import io.cairn.engine.crypto.KeyFile;
import io.cairn.engine.fs.TreeComparator;
import io.cairn.engine.repo.RecordStore;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.Consistency;
import io.cairn.engine.snapshot.GroupPoint;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.engine.store.LocalObjectStore;
import io.cairn.engine.store.ObjectInfo;
import io.cairn.engine.store.ObjectStore;
import io.cairn.engine.store.PendingObject;
import io.cairn.engine.store.ForwardingObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Copies between repositories: incremental between repositories that share their id key, by
 * re-identifying blobs between unrelated ones, group points whole, from a source that cannot be
 * written, and never recorded when the source or the read-back fails.
 */
class CopierTest {
  @TempDir Path tmp;

  @Test
  void copy_toRepositorySharingIds_keepsIds_andSecondCopyWritesOnlyWhatChanged() throws Exception {
    Path data = source("data", 30);
    try (Repository src = Repos.init(new LocalObjectStore(tmp.resolve("src")));
        Repository dst = Repository.initSharingIds(new LocalObjectStore(tmp.resolve("dst")), "other".toCharArray(), src,
            KeyFile.KdfParams.TESTING, Clock.systemUTC())) {
      Snapshot s1 = Repos.backup(src, data);
      Copier c1 = new Copier(src, dst, 2);
      assertThat(c1.sameIds()).isTrue();
      Copier.Result r1 = c1.copy(List.of(s1), List.of());
      assertThat(r1.snapshots().get(0).copy().id()).isEqualTo(s1.id());
      long total = c1.blobsWritten.get();
      assertThat(total).isGreaterThan(30);
      assertThat(c1.blobsVerified.get()).isEqualTo(total);

      Files.writeString(data.resolve("f3"), "changed");
      Snapshot s2 = Repos.backup(src, data);
      Copier c2 = new Copier(src, dst, 2);
      c2.copy(List.of(s2), List.of());
      // the changed file's blob and the trees from its folder up to the root: a handful, not the whole point again
      assertThat(c2.blobsWritten.get()).isBetween(2L, 12L);
      assertThat(c2.blobsPresent.get()).isGreaterThan(total * 3 / 4);
      // the destination's own encryption: its objects do not open with the source's password
      assertThatThrownBy(() -> Repos.open(new LocalObjectStore(tmp.resolve("dst")))).isInstanceOf(CairnException.class)
          .extracting(e -> ((CairnException) e).code()).isEqualTo(ErrorCode.WRONG_PASSWORD);
      assertRestoresAs(dst, s2, data);
      assertThat(new Checker(dst, 2).run(1.0, System.nanoTime()).ok()).isTrue();
    }
  }

  @Test
  void copy_betweenUnrelatedRepositories_reidentifiesBlobs_andRestoresTheSame() throws Exception {
    Path data = source("data", 20);
    try (Repository src = Repos.init(new LocalObjectStore(tmp.resolve("src")));
        Repository dst = Repos.init(new LocalObjectStore(tmp.resolve("dst")))) {
      Snapshot s = Repos.backup(src, data);
      Copier c = new Copier(src, dst, 2);
      assertThat(c.sameIds()).isFalse();
      Copier.Copied copied = c.copy(List.of(s), List.of()).snapshots().get(0);
      assertThat(copied.copy().id()).isNotEqualTo(s.id());
      assertThat(copied.copy().time()).isEqualTo(s.time());
      assertThat(copied.copy().paths()).isEqualTo(s.paths());
      assertThat(dst.index().contains(s.treeId())).isFalse(); // the tree has a new id here
      assertRestoresAs(dst, copied.copy(), data);
    }
  }

  @Test
  void copy_ofGroupPoint_copiesItsMembersAndManifestWhole() throws Exception {
    Path a = source("a", 5);
    Path b = source("b", 5);
    try (Repository src = Repos.init(new LocalObjectStore(tmp.resolve("src")));
        Repository dst = Repository.initSharingIds(new LocalObjectStore(tmp.resolve("dst")), "x".toCharArray(), src,
            KeyFile.KdfParams.TESTING, Clock.systemUTC())) {
      Snapshot sa = Repos.backup(src, a);
      Snapshot sb = Repos.backup(src, b);
      GroupPoint gp = new GroupPoint(GroupPoint.VERSION, "shop", "run1", Instant.now(), Instant.now(), "h", List.of(), true,
          Consistency.GROUP, null, 5, List.of(new GroupPoint.Member("a", sa.id().toString(), Consistency.CRASH, null, List.of()),
              new GroupPoint.Member("b", sb.id().toString(), Consistency.CRASH, null, List.of("a"))), null);
      BlobId manifest = src.records(GroupPoint.RECORDS).putContentAddressed(gp);
      Copier.Result r = new Copier(src, dst, 2).copy(List.of(), List.of(new RecordStore.Stored<>(manifest.toString(), gp)));
      assertThat(r.snapshots()).extracting(c -> c.copy().id()).containsExactlyInAnyOrder(sa.id(), sb.id());
      assertThat(r.groups().get(0).manifest()).isEqualTo(manifest.toString());
      assertThat(dst.records(GroupPoint.RECORDS).get(manifest.toString()).members()).hasSize(2);
      assertRestoresAs(dst, sb, b);
    }
  }

  @Test
  void copy_fromSourceThatCannotBeWritten_pullsWithoutWritingToIt() throws Exception {
    Path data = source("data", 10);
    Path srcDir = tmp.resolve("src");
    try (Repository w = Repos.init(new LocalObjectStore(srcDir))) {
      Repos.backup(w, data);
    }
    Set<String> before = keys(new LocalObjectStore(srcDir));
    try (Repository src = Repos.open(new ReadOnly(new LocalObjectStore(srcDir)));
        Repository dst = Repository.initSharingIds(new LocalObjectStore(tmp.resolve("dst")), "x".toCharArray(), src,
            KeyFile.KdfParams.TESTING, Clock.systemUTC())) {
      Snapshot s = src.snapshots().get(0);
      new Copier(src, dst, 2).copy(List.of(s), List.of());
      assertRestoresAs(dst, s, data);
    }
    assertThat(keys(new LocalObjectStore(srcDir))).isEqualTo(before);
  }

  @Test
  void copy_withDamagedSourceBlob_failsNamingIt_andWritesNoSnapshot() throws Exception {
    Path data = source("data", 10);
    Path srcDir = tmp.resolve("src");
    try (Repository src = Repos.init(new LocalObjectStore(srcDir));
        Repository dst = Repository.initSharingIds(new LocalObjectStore(tmp.resolve("dst")), "x".toCharArray(), src,
            KeyFile.KdfParams.TESTING, Clock.systemUTC())) {
      Snapshot s = Repos.backup(src, data);
      Path pack;
      try (var files = Files.walk(srcDir.resolve("data"))) {
        pack = files.filter(Files::isRegularFile).findFirst().orElseThrow();
      }
      byte[] b = Files.readAllBytes(pack);
      b[100] ^= 1; // inside the first blob
      Files.write(pack, b);
      assertThatThrownBy(() -> new Copier(src, dst, 2).copy(List.of(s), List.of())).isInstanceOf(CairnException.class)
          .hasMessageContaining("cannot be read from").extracting(e -> ((CairnException) e).code()).isEqualTo(ErrorCode.DATA_DAMAGED);
      assertThat(dst.snapshots()).isEmpty();
    }
  }

  @Test
  void copy_whoseWritesDoNotReadBack_isNotCompleted_andWritesNoSnapshot() throws Exception {
    Path data = source("data", 10);
    try (Repository src = Repos.init(new LocalObjectStore(tmp.resolve("src")))) {
      Snapshot s = Repos.backup(src, data);
      Path dstDir = tmp.resolve("dst");
      try (Repository made = Repository.initSharingIds(new LocalObjectStore(dstDir), Repos.PASSWORD, src, KeyFile.KdfParams.TESTING,
          Clock.systemUTC())) {
        // nothing to do here: made to share ids, reopened below through a store that garbles what it reads back
      }
      try (Repository dst = Repos.open(new GarblingPacks(new LocalObjectStore(dstDir)))) {
        Copier c = new Copier(src, dst, 2);
        assertThatThrownBy(() -> c.copy(List.of(s), List.of())).isInstanceOf(CairnException.class)
            .hasMessageContaining("did not read back").extracting(e -> ((CairnException) e).code()).isEqualTo(ErrorCode.DATA_DAMAGED);
        assertThat(dst.snapshots()).isEmpty();
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  private void assertRestoresAs(Repository repo, Snapshot s, Path data) throws IOException {
    Path out = Files.createTempDirectory(tmp, "out");
    Repos.restore(repo, repo.loadSnapshot(s.id()), out);
    assertThat(TreeComparator.compare(data, Repos.restored(out, data))).isEmpty();
  }

  private Path source(String name, int files) throws IOException {
    Path d = Files.createDirectories(tmp.resolve(name));
    Random r = new Random(name.hashCode());
    for (int i = 0; i < files; i++) {
      byte[] b = new byte[20_000 + r.nextInt(40_000)];
      r.nextBytes(b);
      Files.write(d.resolve("f" + i), b);
    }
    Files.createDirectories(d.resolve("sub"));
    Files.writeString(d.resolve("sub/note"), name);
    return d;
  }

  private static Set<String> keys(ObjectStore s) throws IOException {
    Set<String> out = new TreeSet<>();
    for (ObjectInfo o : s.list("")) out.add(o.key() + ":" + o.size());
    return out;
  }

  /** A store that refuses every change, as read-only credentials do. */
  private static final class ReadOnly extends ForwardingObjectStore {
    ReadOnly(ObjectStore inner) {
      super(inner);
    }

    @Override
    public boolean put(String key, byte[] data, int off, int len, boolean ifAbsent) throws IOException {
      throw new IOException("access denied: read-only (" + key + ")");
    }

    @Override
    public PendingObject create() throws IOException {
      throw new IOException("access denied: read-only");
    }

    @Override
    public void delete(String key) throws IOException {
      throw new IOException("access denied: read-only (" + key + ")");
    }
  }

  /** A store whose packs read back with one byte flipped (a disk or server that corrupts what it stored). */
  private static final class GarblingPacks extends ForwardingObjectStore {
    GarblingPacks(ObjectStore inner) {
      super(inner);
    }

    @Override
    public byte[] get(String key, long offset, int length) throws IOException {
      byte[] b = inner.get(key, offset, length);
      if (key.startsWith("data/") && length > 200 && b.length > 100) b[b.length / 2] ^= 1;
      return b;
    }

    @Override
    public int read(String key, long offset, byte[] dst, int dstOff, int len) throws IOException {
      int n = inner.read(key, offset, dst, dstOff, len);
      if (key.startsWith("data/") && len > 200 && n > 100) dst[dstOff + n / 2] ^= 1;
      return n;
    }
  }
}
