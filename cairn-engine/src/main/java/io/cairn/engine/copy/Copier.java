package io.cairn.engine.copy;

import io.cairn.engine.BlobId;
import io.cairn.engine.CairnException;
import io.cairn.engine.CorruptObjectException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.MissingObjectException;
import io.cairn.engine.gc.Leases;
import io.cairn.engine.index.MemIndex;
import io.cairn.engine.pack.BlobType;
import io.cairn.engine.repo.BlobWriter;
import io.cairn.engine.repo.RecordStore;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.GroupPoint;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.engine.tree.Node;
import io.cairn.engine.tree.TreeCodec;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies points (snapshots and group points) from one repository into another: only the blobs the
 * destination lacks, re-encrypted with its key; then it reads back from the destination everything
 * it wrote (the index objects, reloaded, and every blob, decrypted and hashed against its id) and
 * only then writes the snapshot records, so a destination never holds a copied point whose data did
 * not verify.
 *
 * <p>Between repositories that share their blob-id key ({@link Repository#initSharingIds}) every blob
 * keeps its id: trees are copied as they are and the snapshot keeps its id. Between unrelated ones
 * each data blob is read and identified again under the destination's key (its chunk boundaries
 * kept), every tree re-encoded with the new ids, and the snapshot gets a new id: every blob of every
 * point is read from the source each time, which is slower.
 *
 * <p>Memory: the set of blobs written (for the read-back) and of trees visited in one run, plus, for
 * unrelated repositories, a map from source to destination id per blob: about 150 bytes a blob, so a
 * million blobs (a terabyte of 1 MiB chunks) cost some 150 MB. Blobs in flight are bounded by twice
 * the worker count.
 *
 * <p>Nothing is written to the source except, where it can be, a shared lease that keeps a prune
 * there from deleting what the copy reads; a source the copier cannot write (read-only credentials,
 * the pull of an isolated site) is copied from without one.
 */
public final class Copier {
  private final Repository src;
  private final Repository dst;
  private final boolean sameIds;
  private final int threads;

  public final AtomicLong blobsWritten = new AtomicLong();
  public final AtomicLong bytesWritten = new AtomicLong();
  public final AtomicLong blobsPresent = new AtomicLong();
  public final AtomicLong blobsVerified = new AtomicLong();
  public final AtomicLong bytesVerified = new AtomicLong();
  private volatile long bytesStored;

  public Copier(Repository src, Repository dst, int threads) {
    if (threads < 1) throw new IllegalArgumentException("threads must be at least 1: " + threads);
    this.src = src;
    this.dst = dst;
    this.sameIds = src.sharesIdsWith(dst);
    // each transfer with a remote store is mostly waiting for a round trip: more of them at once
    boolean remote = src.store().capabilities().contains(io.cairn.engine.store.ObjectStore.Capability.REMOTE)
        || dst.store().capabilities().contains(io.cairn.engine.store.ObjectStore.Capability.REMOTE);
    this.threads = remote ? Math.max(threads, REMOTE_THREADS) : threads;
  }

  /** Transfers in flight at once when either repository is remote. */
  static final int REMOTE_THREADS = 8;

  /** Whether the two repositories share their blob-id key (see {@link Repository#initSharingIds}). */
  public boolean sameIds() {
    return sameIds;
  }

  /** Bytes stored in the destination's packs by this copy (compressed and encrypted). */
  public long bytesStored() {
    return bytesStored;
  }

  /** A snapshot copied: as it is in the source, as it is now in the destination, and whether it was there already. */
  public record Copied(Snapshot source, Snapshot copy, boolean existed) {}

  /** A group point copied: its manifest id in the source and in the destination. */
  public record GroupCopied(GroupPoint point, String sourceManifest, String manifest) {}

  /** What a copy did; every snapshot and group point in it is in the destination and verified. */
  public record Result(List<Copied> snapshots, List<GroupCopied> groups) {}

  /**
   * Copies {@code snapshots} and {@code groups} (each group point's member snapshots with it, whether
   * listed or not). Fails (and writes no snapshot record) when a blob cannot be read from the source
   * or does not read back from the destination as it was written.
   */
  public Result copy(List<Snapshot> snapshots, List<RecordStore.Stored<GroupPoint>> groups) throws IOException {
    Map<BlobId, Snapshot> todo = new LinkedHashMap<>();
    for (Snapshot s : snapshots) todo.put(s.id(), s);
    for (RecordStore.Stored<GroupPoint> g : groups) {
      for (GroupPoint.Member m : g.value().members()) {
        if (!m.ok()) continue;
        BlobId id = BlobId.fromHex(m.snapshot());
        if (!todo.containsKey(id)) todo.put(id, src.loadSnapshot(id));
      }
    }
    try (Closeable srcLease = src.holdForReading(); Leases.Held dstLease = new Leases(dst).acquireShared(Leases.DEFAULT_TTL)) {
      MemIndex dstIndex = dst.index();
      Map<BlobId, BlobId> trees = new HashMap<>(); // source tree -> destination tree (identity when sameIds)
      Set<BlobId> written = ConcurrentHashMap.newKeySet();
      Set<BlobId> present = new HashSet<>();
      Map<BlobId, BlobId> newRoots = new LinkedHashMap<>();
      ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("cairn-copy-", 0).daemon().factory());
      long storedBefore;
      try (BlobWriter writer = new BlobWriter(dst, dstIndex)) {
        storedBefore = writer.bytesStored.get();
        Transfer t = new Transfer(pool, writer, dstIndex, written, present);
        for (Snapshot s : todo.values()) {
          BlobId root = s.treeId();
          newRoots.put(s.id(), sameIds ? walkSame(root, t, trees) : mapTree(root, t, trees, new HashMap<>()));
        }
        t.drain();
        writer.flush();
        bytesStored = writer.bytesStored.get() - storedBefore;
      } finally {
        pool.shutdownNow();
      }
      verify(written, present);
      dstLease.ensureValid(); // a prune that found our lease gone may have removed what we counted as present
      List<Copied> out = new ArrayList<>();
      Map<BlobId, BlobId> snapshotIds = new HashMap<>();
      for (Snapshot s : todo.values()) {
        Snapshot c = sameIds ? s : s.toBuilder().tree(newRoots.get(s.id())).parent(null).build();
        boolean existed = dst.store().stat(Snapshot.RECORDS.prefix() + s.id()).isPresent() && sameIds;
        BlobId id = dst.saveSnapshot(c);
        if (sameIds && !id.equals(s.id())) {
          throw new CairnException(ErrorCode.INTERNAL, "snapshot " + s.id() + " got id " + id + " in the copy; the repositories do not"
              + " share their id key after all");
        }
        Snapshot back = readBack(id);
        if (!back.treeId().equals(newRoots.get(s.id()))) {
          throw new CairnException(ErrorCode.DATA_DAMAGED, "snapshot " + id + " read back from " + dst.store().location()
              + " names another tree than was written");
        }
        snapshotIds.put(s.id(), id);
        out.add(new Copied(s, back, existed));
      }
      List<GroupCopied> gs = new ArrayList<>();
      for (RecordStore.Stored<GroupPoint> g : groups) {
        GroupPoint p = g.value();
        List<GroupPoint.Member> members = new ArrayList<>();
        for (GroupPoint.Member m : p.members()) {
          String id = m.ok() ? snapshotIds.get(BlobId.fromHex(m.snapshot())).toString() : m.snapshot();
          members.add(new GroupPoint.Member(m.asset(), id, m.consistency(), m.error(), m.after()));
        }
        GroupPoint c = new GroupPoint(p.version(), p.group(), p.run(), p.time(), p.ended(), p.host(), p.tags(), p.complete(),
            p.consistency(), p.reason(), p.freezeMillis(), members, p.hooks());
        BlobId id = dst.records(GroupPoint.RECORDS).putContentAddressed(c);
        dst.records(GroupPoint.RECORDS).get(id.toString()); // read back: fails if it does not open
        gs.add(new GroupCopied(c, g.name(), id.toString()));
      }
      return new Result(out, gs);
    }
  }

  private Snapshot readBack(BlobId id) throws IOException {
    try {
      return dst.loadSnapshot(id);
    } catch (CorruptObjectException | MissingObjectException e) {
      throw new CairnException(ErrorCode.DATA_DAMAGED, "snapshot " + id + " did not read back from " + dst.store().location() + ": "
          + e.getMessage(), e);
    }
  }

  /** Blobs moved from the source to the destination by a pool of workers, a bounded number in flight. */
  private final class Transfer {
    final ExecutorService pool;
    final BlobWriter writer;
    final MemIndex dstIndex;
    final Set<BlobId> written;
    final Set<BlobId> present;
    final Semaphore slots = new Semaphore(threads * 2);
    final List<Future<?>> pending = new ArrayList<>();

    Transfer(ExecutorService pool, BlobWriter writer, MemIndex dstIndex, Set<BlobId> written, Set<BlobId> present) {
      this.pool = pool;
      this.writer = writer;
      this.dstIndex = dstIndex;
      this.written = written;
      this.present = present;
    }

    /** Copies a blob the destination lacks under the same id (sameIds); counts one it has. */
    void need(BlobId id, BlobType type) throws IOException {
      if (written.contains(id) || present.contains(id)) return;
      if (dstIndex.contains(id)) {
        present.add(id);
        blobsPresent.incrementAndGet();
        return;
      }
      written.add(id);
      submit(() -> {
        // the payload as stored (authenticated, still compressed): no decompressing, hashing and compressing again
        MemIndex.Location loc = src.find(id);
        if (loc == null) throw new CairnException(ErrorCode.DATA_DAMAGED, "blob " + id + " is not in the index of "
            + src.store().location() + "; nothing was recorded as copied");
        byte[] payload;
        try (var r = src.reader()) {
          payload = r.readPayload(loc);
        } catch (CorruptObjectException | MissingObjectException e) {
          throw new CairnException(ErrorCode.DATA_DAMAGED, "blob " + id + " cannot be read from " + src.store().location() + ": "
              + e.getMessage() + "; nothing was recorded as copied", e);
        }
        writer.storePayload(type, id, loc.entry().compression(), payload, 0, payload.length, loc.entry().rawLength());
        blobsWritten.incrementAndGet();
        bytesWritten.addAndGet(loc.entry().rawLength());
        return id;
      });
    }

    /** Runs a task on the pool once a slot is free; its failure surfaces at the next call or at {@link #drain}. */
    Future<BlobId> submit(java.util.concurrent.Callable<BlobId> task) throws IOException {
      try {
        slots.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while copying");
      }
      Future<BlobId> f = pool.submit(() -> {
        try {
          return task.call();
        } finally {
          slots.release();
        }
      });
      pending.add(f);
      if (pending.size() > 4096) reap();
      return f;
    }

    private void reap() throws IOException {
      List<Future<?>> keep = new ArrayList<>();
      for (Future<?> f : pending) {
        if (f.isDone()) get(f);
        else keep.add(f);
      }
      pending.clear();
      pending.addAll(keep);
    }

    void drain() throws IOException {
      for (Future<?> f : pending) get(f);
      pending.clear();
    }
  }

  private static <T> T get(Future<T> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while copying");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) throw io;
      if (c instanceof UncheckedIOException u) throw u.getCause();
      if (c instanceof RuntimeException r) throw r;
      if (c instanceof Error err) throw err;
      throw new IOException(c);
    }
  }

  /** A blob's verified plaintext from the source; a damaged or missing one names itself. */
  private byte[] readSource(BlobId id) throws IOException {
    try {
      return src.readBlob(id);
    } catch (CorruptObjectException | MissingObjectException e) {
      throw new CairnException(ErrorCode.DATA_DAMAGED, "blob " + id + " cannot be read from " + src.store().location() + ": "
          + e.getMessage() + "; nothing was recorded as copied", e);
    }
  }

  private List<Node> readSourceTree(BlobId id) throws IOException {
    try {
      return src.readTree(id);
    } catch (CorruptObjectException | MissingObjectException e) {
      throw new CairnException(ErrorCode.DATA_DAMAGED, "tree " + id + " cannot be read from " + src.store().location() + ": "
          + e.getMessage() + "; nothing was recorded as copied", e);
    }
  }

  /** Visits every tree below {@code root} once per run, copying the blobs the destination lacks; ids stay. */
  private BlobId walkSame(BlobId root, Transfer t, Map<BlobId, BlobId> visited) throws IOException {
    Deque<BlobId> stack = new ArrayDeque<>();
    stack.push(root);
    while (!stack.isEmpty()) {
      BlobId tree = stack.pop();
      if (visited.putIfAbsent(tree, tree) != null) continue;
      for (Node n : readSourceTree(tree)) {
        if (n.subtree() != null) stack.push(n.subtree());
        for (BlobId c : n.content()) t.need(c, BlobType.DATA);
      }
      t.need(tree, BlobType.TREE);
    }
    return root;
  }

  /**
   * Re-identifies a tree for a destination with another id key: each data blob read, hashed with the
   * destination's key and stored; the tree re-encoded with the new ids. Returns the new tree's id.
   */
  private BlobId mapTree(BlobId tree, Transfer t, Map<BlobId, BlobId> trees, Map<BlobId, Future<BlobId>> data) throws IOException {
    BlobId done = trees.get(tree);
    if (done != null) return done;
    List<Node> nodes = readSourceTree(tree);
    for (Node n : nodes) {
      for (BlobId c : n.content()) {
        if (!data.containsKey(c)) data.put(c, t.submit(() -> storeMapped(readSource(c), BlobType.DATA, t)));
      }
    }
    List<Node> out = new ArrayList<>(nodes.size());
    for (Node n : nodes) {
      Node m = n;
      if (n.subtree() != null) m = m.withSubtree(mapTree(n.subtree(), t, trees, data));
      if (!n.content().isEmpty()) {
        List<BlobId> ids = new ArrayList<>(n.content().size());
        for (BlobId c : n.content()) ids.add(get(data.get(c)));
        m = m.withContent(ids);
      }
      out.add(m);
    }
    byte[] plain = TreeCodec.encode(out);
    BlobId id = storeMapped(plain, BlobType.TREE, t);
    trees.put(tree, id);
    return id;
  }

  private BlobId storeMapped(byte[] plain, BlobType type, Transfer t) throws IOException {
    BlobId id = dst.sealer().masterKey().id(plain, 0, plain.length);
    synchronized (t.present) {
      if (t.present.contains(id) || t.written.contains(id)) return id;
      if (t.dstIndex.contains(id)) {
        t.present.add(id);
        blobsPresent.incrementAndGet();
        return id;
      }
      t.written.add(id);
    }
    t.writer.store(type, id, plain, 0, plain.length);
    blobsWritten.incrementAndGet();
    bytesWritten.addAndGet(plain.length);
    return id;
  }

  /**
   * Reloads the destination's index from its objects and reads back every blob written: each must be
   * listed and decrypt to its id; each blob counted as present must be listed.
   */
  private void verify(Set<BlobId> written, Set<BlobId> present) throws IOException {
    dst.forgetIndex();
    MemIndex idx = dst.index();
    for (BlobId id : present) {
      if (!idx.contains(id)) {
        throw new CairnException(ErrorCode.DATA_DAMAGED, "blob " + id + " left the index of " + dst.store().location()
            + " during the copy (a prune?); nothing was recorded as copied");
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("cairn-verify-", 0).daemon().factory());
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (BlobId id : written) {
        fs.add(pool.submit(() -> {
          MemIndex.Location loc = idx.lookup(id);
          if (loc == null) {
            throw new CairnException(ErrorCode.DATA_DAMAGED, "blob " + id + " was written to " + dst.store().location()
                + " but no index object lists it; nothing was recorded as copied");
          }
          long[] n = {0};
          try {
            dst.readBlobStreaming(loc, (pos, b, off, len) -> n[0] += len);
          } catch (CorruptObjectException | MissingObjectException e) {
            throw new CairnException(ErrorCode.DATA_DAMAGED, "blob " + id + " did not read back from " + dst.store().location()
                + " as written: " + e.getMessage() + "; nothing was recorded as copied", e);
          }
          blobsVerified.incrementAndGet();
          bytesVerified.addAndGet(n[0]);
          return null;
        }));
      }
      for (Future<?> f : fs) get(f);
    } finally {
      pool.shutdownNow();
    }
  }
}
