package io.cairn.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.engine.backup.Backup;
import io.cairn.engine.backup.BackupOptions;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.engine.store.LocalObjectStore;
import io.cairn.engine.store.ObjectStore;
import io.cairn.engine.fs.TreeComparator;
import io.cairn.engine.store.ForwardingObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local cache of a remote repository: after a backup, opening the repository and backing up
 * unchanged data fetches no index object, snapshot or tree pack from the store again; a damaged cache
 * file is fetched again; a listing drops the cache files of objects gone from the store.
 */
class CachingStoreTest {
  @TempDir Path tmp;

  /** A folder that says it is remote, counting the reads of each kind of object. */
  static final class Remote extends ForwardingObjectStore {
    final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();

    Remote(ObjectStore inner) {
      super(inner);
    }

    private void count(String key) {
      reads.computeIfAbsent(key.substring(0, key.indexOf('/') + 1), k -> new AtomicInteger()).incrementAndGet();
    }

    int reads(String prefix) {
      AtomicInteger n = reads.get(prefix);
      return n == null ? 0 : n.get();
    }

    @Override
    public byte[] get(String key) throws IOException {
      count(key);
      return inner.get(key);
    }

    @Override
    public byte[] get(String key, long offset, int length) throws IOException {
      count(key);
      return inner.get(key, offset, length);
    }

    @Override
    public int read(String key, long offset, byte[] dst, int dstOff, int len) throws IOException {
      count(key);
      return inner.read(key, offset, dst, dstOff, len);
    }

    @Override
    public Set<Capability> capabilities() {
      return Set.of(Capability.REMOTE);
    }
  }

  private Path data() throws IOException {
    Path d = Files.createDirectories(tmp.resolve("data/sub"));
    for (int i = 0; i < 10; i++) Files.writeString(d.resolve("f" + i), ("cache " + i + "\n").repeat(2000));
    return tmp.resolve("data");
  }

  private static Snapshot backup(Repository r, Path src, String parent) throws IOException {
    return new Backup(r, new BackupOptions(List.of(src), List.of(), List.of(), false, parent, "h", 2), null).run().snapshot();
  }

  @Test
  void unchangedBackup_afterABackup_readsNoIndexSnapshotOrTreePackFromTheStore() throws Exception {
    Path repoDir = tmp.resolve("repo");
    Path cache = tmp.resolve("cache");
    Path src = data();
    Repos.init(new LocalObjectStore(repoDir)).close();
    Snapshot first;
    try (Repository r = Repository.open(new Remote(new LocalObjectStore(repoDir)), Repos.PASSWORD, Clock.systemUTC(), () -> {}, cache)) {
      first = backup(r, src, null);
    }
    Remote remote = new Remote(new LocalObjectStore(repoDir));
    try (Repository r = Repository.open(remote, Repos.PASSWORD, Clock.systemUTC(), () -> {}, cache)) {
      Snapshot again = backup(r, src, first.id().toString());
      Path out = tmp.resolve("out");
      Repos.restore(r, again, out);
      assertThat(TreeComparator.compare(src, Repos.restored(out, src))).isEmpty();
    }
    assertThat(remote.reads("index/")).as("index objects").isZero();
    assertThat(remote.reads("snapshots/")).as("snapshots").isZero();
    // the restore read the data packs; the trees came from the cache
    try (Repository r = Repository.open(new Remote(new LocalObjectStore(repoDir)), Repos.PASSWORD, Clock.systemUTC(), () -> {}, cache)) {
      Remote counting = (Remote) ((io.cairn.engine.store.CachingStore) r.store()).inner();
      r.readTree(first.treeId());
      assertThat(counting.reads("data/")).as("tree packs").isZero();
    }
  }

  @Test
  void damagedCacheFile_isFetchedAgain_andAListingDropsWhatIsGone() throws Exception {
    Path repoDir = tmp.resolve("repo");
    Path cache = tmp.resolve("cache");
    Repos.init(new LocalObjectStore(repoDir)).close();
    try (Repository r = Repository.open(new Remote(new LocalObjectStore(repoDir)), Repos.PASSWORD, Clock.systemUTC(), () -> {}, cache)) {
      backup(r, data(), null);
    }
    List<Path> cached;
    try (Stream<Path> s = Files.walk(cache)) {
      cached = s.filter(p -> Files.isRegularFile(p) && p.toString().contains("/snapshots/")).toList();
    }
    assertThat(cached).hasSize(1);
    byte[] b = Files.readAllBytes(cached.get(0));
    b[3] ^= 1;
    Files.write(cached.get(0), b);
    Remote remote = new Remote(new LocalObjectStore(repoDir));
    try (Repository r = Repository.open(remote, Repos.PASSWORD, Clock.systemUTC(), () -> {}, cache)) {
      assertThat(r.snapshots()).hasSize(1);
      assertThat(remote.reads("snapshots/")).as("fetched again").isEqualTo(1);
      Snapshot s = r.snapshots().get(0);
      new LocalObjectStore(repoDir).delete(Snapshot.RECORDS.prefix() + s.id()); // gone behind the cache's back
      assertThat(r.snapshots()).isEmpty();
    }
    assertThat(cached.get(0)).doesNotExist();
  }
}
