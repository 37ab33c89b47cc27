package io.cairn.engine.repair;

import io.cairn.engine.BlobId;
import io.cairn.engine.gc.Leases;
import io.cairn.engine.index.MemIndex;
import io.cairn.engine.pack.BlobType;
import io.cairn.engine.repo.BlobWriter;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.engine.tree.Node;
import io.cairn.engine.tree.NodeType;
import io.cairn.engine.tree.TreeCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes repaired copies of snapshots that reference data the index does not have (after
 * {@code repair index}, whatever is still missing is lost). In a copy, a file is cut at its first
 * missing blob (what precedes it is intact), and a folder whose tree is missing becomes an empty
 * folder; each such path is named in the copy's error list. The copy carries the tag
 * {@value #TAG} and, in {@code original}, the id of the damaged snapshot, which stays until it is
 * forgotten. Snapshots that need nothing are left alone.
 */
public final class SnapshotRepair {
  public static final String TAG = "repaired";

  /** One repaired snapshot: the damaged original, the copy (null on a dry run), what changed. */
  public record Fixed(String original, String repaired, List<Snapshot.FileError> damage) {}

  private final Repository repo;
  private final boolean dryRun;
  private final Map<BlobId, Result> memo = new HashMap<>();
  private MemIndex index;
  private BlobWriter writer;

  /** A tree after repair: its (possibly new) id and the damage below it, paths relative to it. */
  private record Result(BlobId tree, List<Snapshot.FileError> damage) {}

  public SnapshotRepair(Repository repo, boolean dryRun) {
    this.repo = repo;
    this.dryRun = dryRun;
  }

  public List<Fixed> run() throws IOException {
    // writes like a backup: the same shared lease, so a prune neither takes its new packs for
    // orphans nor deletes what it reads
    try (Leases.Held lease = new Leases(repo).acquireShared(Leases.DEFAULT_TTL)) {
      List<Fixed> out = runLeased(lease);
      return out;
    }
  }

  private List<Fixed> runLeased(Leases.Held lease) throws IOException {
    index = repo.index();
    List<Fixed> out = new ArrayList<>();
    writer = dryRun ? null : new BlobWriter(repo);
    try {
      List<Snapshot> fixedLater = new ArrayList<>();
      List<Result> results = new ArrayList<>();
      for (Snapshot s : repo.snapshots()) {
        Result r = repairTree(s.treeId(), "/");
        if (r.damage().isEmpty()) continue;
        fixedLater.add(s);
        results.add(r);
      }
      if (writer != null) writer.flush(); // trees stored and indexed before any snapshot names them
      for (int i = 0; i < fixedLater.size(); i++) {
        Snapshot s = fixedLater.get(i);
        Result r = results.get(i);
        List<Snapshot.FileError> errs = new ArrayList<>(s.errors());
        errs.addAll(r.damage());
        List<String> tags = new ArrayList<>(s.tags());
        if (!tags.contains(TAG)) tags.add(TAG);
        String newId = null;
        if (!dryRun) lease.ensureValid();
        if (!dryRun) newId = repo.saveSnapshot(s.repaired(r.tree(), tags, errs, s.id())).toString();
        out.add(new Fixed(s.id().toString(), newId, r.damage()));
      }
    } finally {
      if (writer != null) writer.close();
    }
    return out;
  }

  private Result repairTree(BlobId tree, String path) throws IOException {
    Result cached = memo.get(tree);
    if (cached != null) return prefixed(cached, path);
    List<Node> nodes;
    List<Snapshot.FileError> damage = new ArrayList<>();
    try {
      if (!index.contains(tree) && repo.hiddenLocation(tree) == null) throw new IOException("tree " + tree.shortHex() + " is missing");
      nodes = repo.readTree(tree);
    } catch (IOException | RuntimeException e) {
      damage.add(new Snapshot.FileError("", "folder content lost (" + e.getMessage() + "); restored as an empty folder"));
      Result r = new Result(store(List.of()), damage);
      memo.put(tree, r);
      return prefixed(r, path);
    }
    List<Node> out = new ArrayList<>(nodes.size());
    boolean changed = false;
    for (Node n : nodes) {
      Node m = n;
      String name = n.displayName();
      if (n.type() == NodeType.DIR) {
        Result sub = repairTree(n.subtree(), "");
        if (!sub.tree().equals(n.subtree())) {
          m = n.withSubtree(sub.tree());
          for (Snapshot.FileError e : sub.damage()) damage.add(new Snapshot.FileError("/" + name + e.path(), e.error()));
        }
      } else if (n.type() == NodeType.FILE) {
        int cut = -1;
        long kept = 0;
        for (int i = 0; i < n.content().size(); i++) {
          MemIndex.Location l = index.lookup(n.content().get(i));
          if (l == null) l = repo.hiddenLocation(n.content().get(i)); // not lost: a waiting prune keeps its pack
          if (l == null) {
            cut = i;
            break;
          }
          kept += l.entry().rawLength();
        }
        if (cut >= 0) {
          damage.add(new Snapshot.FileError("/" + name, "data missing from blob " + (cut + 1) + " of " + n.content().size()
              + " (" + n.content().get(cut).shortHex() + "); cut from " + n.size() + " to " + kept + " bytes"));
          m = new Node(n.name(), n.type(), n.mode(), n.uid(), n.gid(), n.user(), n.group(), n.mtimeNanos(), n.ctimeNanos(),
              n.inode(), n.device(), n.links(), kept, n.content().subList(0, cut), null, null, 0, n.xattrs());
        }
      }
      changed |= m != n;
      out.add(m);
    }
    Result r = new Result(changed ? store(out) : tree, damage);
    memo.put(tree, r);
    return prefixed(r, path);
  }

  private BlobId store(List<Node> nodes) throws IOException {
    byte[] t = TreeCodec.encode(nodes);
    BlobId id = repo.sealer().masterKey().id(t, 0, t.length);
    if (writer != null) writer.store(BlobType.TREE, id, t, 0, t.length);
    return id;
  }

  private static Result prefixed(Result r, String path) {
    if (path.isEmpty() || path.equals("/")) {
      if (path.isEmpty()) return r;
      List<Snapshot.FileError> d = new ArrayList<>();
      for (Snapshot.FileError e : r.damage()) d.add(new Snapshot.FileError(e.path().isEmpty() ? "/" : e.path(), e.error()));
      return new Result(r.tree(), d);
    }
    return r;
  }
}
