package io.cairn.engine.gc;

import io.cairn.engine.BlobId;
import io.cairn.engine.MissingObjectException;
import io.cairn.engine.index.MemIndex;
import io.cairn.engine.repo.RecordStore;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.GroupPoint;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.engine.store.ObjectInfo;
import io.cairn.engine.store.ObjectStore;
import io.cairn.engine.tree.Node;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Keeps an immutable repository's locks in step with its retention: every object the points still
 * present need (their snapshot records and group manifests, the packs holding their blobs, the index
 * objects, the config) is locked until a full lock period from now, when less than half of one is
 * left. Points retention already let go are not extended, so their objects' locks run out and a
 * later forget and prune may remove them. Run after retention, by {@code run --due}.
 */
public final class LockExtender {
  private LockExtender() {}

  /** What an extension did: objects looked at, locks extended, and the new end. */
  public record Result(int objects, int extended, Instant until) {}

  public static Result extend(Repository repo) throws IOException {
    var im = repo.config().immutable();
    if (im == null) return new Result(0, 0, null);
    ObjectStore store = repo.store();
    Instant now = repo.clock().instant();
    Instant until = now.plus(im.period());
    Instant renewBefore = now.plus(im.period().dividedBy(2));
    Set<String> keys = new TreeSet<>();
    keys.add(Repository.CONFIG);
    MemIndex index = repo.index();
    Set<BlobId> packs = new HashSet<>();
    Set<BlobId> seen = new HashSet<>();
    for (Snapshot s : repo.snapshots()) {
      keys.add(Snapshot.RECORDS.prefix() + s.id());
      Deque<BlobId> trees = new ArrayDeque<>();
      trees.push(s.treeId());
      while (!trees.isEmpty()) {
        BlobId t = trees.pop();
        if (!seen.add(t)) continue;
        pack(index, t, packs);
        for (Node n : repo.readTree(t)) {
          if (n.subtree() != null) trees.push(n.subtree());
          for (BlobId c : n.content()) pack(index, c, packs);
        }
      }
    }
    for (BlobId p : packs) keys.add(Repository.packKey(p));
    for (RecordStore.Stored<GroupPoint> g : repo.records(GroupPoint.RECORDS).list(RecordStore.SKIP)) keys.add(GroupPoint.RECORDS.prefix() + g.name());
    for (ObjectInfo o : store.list("index/")) keys.add(o.key());
    int extended = 0;
    for (String k : keys) {
      try {
        var lock = store.lockOf(k);
        if (lock.isPresent() && !lock.get().until().isBefore(renewBefore)) continue;
        store.extendLock(k, new ObjectStore.Lock(im.mode(), until));
        extended++;
      } catch (MissingObjectException gone) {
        // removed meanwhile (an index object a prune replaced)
      }
    }
    return new Result(keys.size(), extended, until);
  }

  private static void pack(MemIndex index, BlobId blob, Set<BlobId> packs) {
    MemIndex.Location loc = index.lookup(blob);
    if (loc != null) packs.add(loc.pack());
  }
}
