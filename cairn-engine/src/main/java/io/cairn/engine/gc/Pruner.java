package io.cairn.engine.gc;

import io.cairn.engine.Remedy;
import io.cairn.engine.BlobId;
import io.cairn.engine.CairnException;
import io.cairn.engine.CorruptObjectException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.MissingObjectException;
import io.cairn.engine.index.IndexFormat;
import io.cairn.engine.index.MemIndex;
import io.cairn.engine.pack.PackEntry;
import io.cairn.engine.pack.PackFormat;
import io.cairn.engine.repo.BlobWriter;
import io.cairn.engine.repo.GarbagePlan;
import io.cairn.engine.repo.IndexBatch;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.engine.store.ObjectInfo;
import io.cairn.engine.tree.Node;
import io.cairn.engine.tree.NodeType;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Garbage collection that is safe beside running backups (docs/repository-format.md, "Garbage
 * collection"). Under the maintenance lease, a prune
 * <ol>
 *   <li>finishes earlier plans whose waited-for backups are gone ({@link #sweep});
 *   <li><b>marks</b>: walks every snapshot, finds packs with nothing in use (deleted) and packs
 *       whose unused share exceeds the threshold (their used blobs are copied into new packs and
 *       indexed first), and packs no index names that no running backup can own;
 *   <li>stores a {@link GarbagePlan} naming those packs, then lists the backup leases: every backup
 *       that could have read the old index is among them (a backup writes its lease before it reads
 *       plans and index), and is waited for;
 *   <li>rewrites the index without the doomed packs and deletes the index objects it replaced;
 *   <li>once the waited-for leases are gone (or expired), <b>re-checks</b> against the snapshots
 *       of that moment, keeps (and re-indexes) any doomed pack holding a blob some snapshot still
 *       needs and that no other pack holds, deletes the rest, then the plan.
 * </ol>
 * A crash at any step leaves a valid repository: until the plan is gone its packs are invisible but
 * present, and the next prune resumes from the plan.
 */
public final class Pruner {
  /** What prune did or, with a dry run, would do. */
  public record Report(int snapshots, long blobsUsed, int packsTotal, long bytesTotal, int packsDeleted, int packsRepacked,
      int orphansDeleted, long bytesFreed, long blobsRepacked, long bytesRepacked, int indexObjectsWritten,
      int indexObjectsDeleted, int plansSwept, int plansPending, int packsKept, boolean dryRun, int packsLocked, Instant lockedUntil) {}

  private final Repository repo;
  private final double maxUnused;
  private final boolean dryRun;
  private final Duration maxWait;
  private final Duration ttl;

  /**
   * @param maxUnusedPercent repack a pack when more than this share of it is unused (0-100)
   * @param maxWait how long to wait for running backups before leaving the deletion to the next prune
   */
  public Pruner(Repository repo, double maxUnusedPercent, boolean dryRun, Duration maxWait, Duration leaseTtl) {
    if (maxUnusedPercent < 0 || maxUnusedPercent > 100) throw new IllegalArgumentException("--max-unused must be 0-100%");
    this.repo = repo;
    this.maxUnused = maxUnusedPercent / 100.0;
    this.dryRun = dryRun;
    this.maxWait = maxWait;
    this.ttl = leaseTtl;
  }

  private int packsDeleted, packsRepacked, orphansDeleted, indexWritten, indexDeleted, plansSwept, packsKept, packsLocked;
  /** The earliest time a pack this prune left because of its lock can go. */
  private Instant lockedUntil;
  private long bytesFreed, blobsRepacked, bytesRepacked;

  public Report run() throws IOException {
    Leases leases = new Leases(repo);
    try (Leases.Held lease = leases.acquireMaintenance(ttl)) {
      if (!dryRun) {
        leases.removeExpired();
        for (GarbagePlan p : repo.garbagePlans()) {
          if (ready(finalized(p), leases)) {
            leases.removeExpired(); // a holder whose clock lags finds its lease gone and commits nothing
            sweep(p, lease);
          }
        }
      }
      Report r = mark(lease, leases);
      if (!dryRun) {
        Instant deadline = repo.clock().instant().plus(maxWait);
        for (GarbagePlan p : repo.garbagePlans()) {
          GarbagePlan fp = finalized(p);
          while (!ready(fp, leases) && repo.clock().instant().isBefore(deadline)) pause();
          if (ready(fp, leases)) {
            leases.removeExpired();
            sweep(fp, lease);
          }
        }
      }
      int pending = dryRun ? 0 : repo.garbagePlans().size();
      return new Report(r.snapshots, r.blobsUsed, r.packsTotal, r.bytesTotal, packsDeleted, packsRepacked, orphansDeleted,
          bytesFreed, blobsRepacked, bytesRepacked, indexWritten, indexDeleted, plansSwept, pending, packsKept, dryRun, packsLocked,
          lockedUntil);
    }
  }

  private static void pause() throws IOException {
    try {
      Thread.sleep(250);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("prune interrupted while waiting for running backups");
    }
  }

  /** A provisional plan gets the backup leases listed now, after it is stored (the handshake). */
  private GarbagePlan finalized(GarbagePlan p) throws IOException {
    if (p.waitFor() != null) return p;
    List<String> ids = new ArrayList<>();
    for (Lease l : new Leases(repo).list()) if (l.kind() == Lease.Kind.SHARED) ids.add(l.id());
    GarbagePlan f = p.withWaitFor(ids);
    repo.saveGarbagePlan(f);
    return f;
  }

  private boolean ready(GarbagePlan p, Leases leases) throws IOException {
    Set<String> live = new HashSet<>();
    for (Lease l : leases.live()) live.add(l.id());
    for (String id : p.waitFor()) if (live.contains(id)) return false;
    return true;
  }

  // ------------------------------------------------------------------ mark

  private Report mark(Leases.Held lease, Leases leases) throws IOException {
    Set<BlobId> doomedBefore = repo.doomedPacks();
    // snapshots first, then the index: a backup writes its index objects before its snapshot, so an
    // index read after the listing has every blob of every snapshot listed. The other order let a
    // backup finishing between the two reads look like damage (seen once in ConcurrentBackupPruneTest).
    List<Snapshot> snaps = repo.snapshots();
    List<String> indexKeys = new ArrayList<>();
    MemIndex index = repo.loadIndex(doomedBefore, indexKeys);
    // strict unless an earlier plan still hides packs (a snapshot may need one: its sweep keeps it)
    Set<BlobId> used = usedBlobs(snaps, index, doomedBefore.isEmpty());
    Map<BlobId, Long> packSizes = new HashMap<>();
    repo.store().forEach("data/", o -> {
      try {
        packSizes.put(Repository.packIdOf(o.key()), o.size());
      } catch (IllegalArgumentException ignored) {
        // not a pack
      }
    });
    Map<BlobId, List<PackEntry>> byPack = new HashMap<>();
    index.forEach(l -> byPack.computeIfAbsent(l.pack(), k -> new ArrayList<>()).add(l.entry()));
    long bytesTotal = 0;
    for (long s : packSizes.values()) bytesTotal += s;

    List<BlobId> delete = new ArrayList<>();
    List<BlobId> repack = new ArrayList<>();
    for (Map.Entry<BlobId, List<PackEntry>> e : byPack.entrySet()) {
      Long size = packSizes.get(e.getKey());
      if (size == null) continue; // check reports it
      long usedBytes = 0;
      for (PackEntry pe : e.getValue()) if (used.contains(pe.id())) usedBytes += pe.length();
      // what the pack holds besides blobs: header, footer and the trailer's entry per indexed blob
      long payload = size - PackFormat.HEADER - PackFormat.FOOTER - 20 - (long) PackFormat.ENTRY * e.getValue().size();
      if (usedBytes == 0) delete.add(e.getKey());
      else if (payload > 0 && 1.0 - (double) usedBytes / payload > maxUnused) repack.add(e.getKey());
    }
    // packs no index names: a crashed backup's, or a running backup's not yet indexed. Index objects
    // written since the index was read are read now, and orphans are taken only when no other
    // lease is live after the listing (a backup writes its lease before its first pack).
    Set<BlobId> known = new HashSet<>(byPack.keySet());
    known.addAll(doomedBefore);
    for (ObjectInfo o : repo.store().list("index/")) {
      if (indexKeys.contains(o.key())) continue;
      try {
        for (IndexFormat.PackBlobs pb : repo.readIndexObject(o.key())) known.add(pb.pack());
      } catch (MissingObjectException gone) {
        // replaced meanwhile
      }
    }
    List<BlobId> orphans = new ArrayList<>();
    boolean alone = leases.live().stream().allMatch(l -> l.id().equals(lease.lease().id()));
    if (alone) for (BlobId p : packSizes.keySet()) if (!known.contains(p)) orphans.add(p);

    if (repo.immutable()) {
      // a locked pack cannot go before its time: neither deleted nor repacked (repacking would free nothing)
      for (List<BlobId> l : List.of(delete, repack, orphans)) {
        for (java.util.Iterator<BlobId> it = l.iterator(); it.hasNext(); ) {
          Instant until = repo.lockedUntil(Repository.packKey(it.next()));
          if (until == null) continue;
          it.remove();
          packsLocked++;
          if (lockedUntil == null || until.isBefore(lockedUntil)) lockedUntil = until;
        }
      }
    }
    Report summary = new Report(snaps.size(), used.size(), packSizes.size(), bytesTotal, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, dryRun, 0, null);
    for (BlobId p : delete) bytesFreed += packSizes.get(p);
    for (BlobId p : orphans) bytesFreed += packSizes.get(p);
    packsDeleted = delete.size();
    orphansDeleted = orphans.size();
    packsRepacked = repack.size();
    if (dryRun) {
      for (BlobId p : repack) {
        long kept = 0;
        for (PackEntry pe : byPack.get(p)) {
          if (used.contains(pe.id())) {
            blobsRepacked++;
            kept += pe.rawLength();
          }
        }
        bytesRepacked += kept;
        bytesFreed += packSizes.get(p);
      }
      return summary;
    }
    if (delete.isEmpty() && repack.isEmpty() && orphans.isEmpty()) return summary;

    // copy what is still used out of the packs to repack (new packs and their index come first)
    if (!repack.isEmpty()) {
      MemIndex fresh = new MemIndex();
      try (BlobWriter w = new BlobWriter(repo, fresh)) {
        for (BlobId p : repack) {
          for (PackEntry pe : byPack.get(p)) {
            if (!used.contains(pe.id())) continue;
            byte[] data = repo.readBlob(pe.id());
            w.store(pe.type(), pe.id(), data, 0, data.length);
            blobsRepacked++;
            bytesRepacked += data.length;
          }
          bytesFreed += packSizes.get(p);
        }
        w.flush();
      }
    }
    Set<BlobId> doomed = new HashSet<>(delete);
    doomed.addAll(repack);
    doomed.addAll(orphans);
    byte[] rid = new byte[16];
    ThreadLocalRandom.current().nextBytes(rid);
    List<String> hex = doomed.stream().map(BlobId::toString).sorted().toList();
    GarbagePlan plan = new GarbagePlan(GarbagePlan.VERSION, HexFormat.of().formatHex(rid), repo.clock().instant(), hex, null);
    lease.ensureValid();
    repo.saveGarbagePlan(plan);
    finalized(plan);
    // the index without the doomed packs replaces the objects read at the start
    Map<BlobId, List<PackEntry>> keep = new TreeMap<>();
    for (Map.Entry<BlobId, List<PackEntry>> e : byPack.entrySet()) {
      if (!doomed.contains(e.getKey())) keep.put(e.getKey(), e.getValue());
    }
    indexDeleted += IndexBatch.replace(repo, indexKeys, writeIndex(keep));
    repo.forgetIndex();
    return summary;
  }

  /** Writes index objects for the given packs; returns their keys. */
  private Set<String> writeIndex(Map<BlobId, List<PackEntry>> packs) throws IOException {
    IndexBatch b = new IndexBatch(repo, false);
    b.addAll(packs);
    Set<String> written = b.finish();
    indexWritten += b.objects();
    return written;
  }

  /**
   * Every blob the snapshots reach. With {@code strict}, a referenced blob missing from the index
   * stops the prune (deleting around damage would make it worse).
   */
  private Set<BlobId> usedBlobs(List<Snapshot> snaps, MemIndex index, boolean strict) throws IOException {
    Set<BlobId> used = new HashSet<>();
    for (Snapshot s : snaps) walk(s.treeId(), used, index, strict, s);
    return used;
  }

  private void walk(BlobId tree, Set<BlobId> used, MemIndex index, boolean strict, Snapshot s) throws IOException {
    if (!used.add(tree)) return;
    if (strict && !index.contains(tree)) throw damaged(s, "tree " + tree);
    for (Node n : repo.readTree(tree)) { // also reads trees only a hidden pack holds (Repository#hiddenLocation)
      if (n.type() == NodeType.DIR) {
        walk(n.subtree(), used, index, strict, s);
      } else if (n.type() == NodeType.FILE) {
        for (BlobId id : n.content()) {
          if (used.add(id) && strict && !index.contains(id)) throw damaged(s, "blob " + id);
        }
      }
    }
  }

  private CairnException damaged(Snapshot s, String what) {
    return new CairnException(ErrorCode.DATA_DAMAGED, "snapshot " + s.id().shortHex() + " refers to " + what
        + ", which no index lists; prune stops rather than delete around damage", Remedy.CHECK_THEN_REPAIR);
  }

  // ------------------------------------------------------------------ sweep

  /** Re-checks a plan against the snapshots of now, deletes what nothing needs, then the plan. */
  private void sweep(GarbagePlan plan, Leases.Held lease) throws IOException {
    Set<BlobId> doomed = new HashSet<>();
    for (String h : plan.packs()) doomed.add(BlobId.fromHex(h));
    // what is available outside the doomed packs (other plans' packs count as unavailable)
    Set<BlobId> excluded = new HashSet<>(repo.doomedPacks());
    excluded.addAll(doomed);
    MemIndex live = repo.loadIndex(excluded, new ArrayList<>());
    Set<BlobId> used = usedBlobs(repo.snapshots(), live, false);
    Map<BlobId, List<PackEntry>> resurrect = new TreeMap<>();
    List<BlobId> gone = new ArrayList<>();
    for (BlobId p : doomed) {
      List<PackEntry> entries;
      try {
        entries = repo.readPackTrailer(p);
      } catch (MissingObjectException e) {
        gone.add(p); // deleted by an earlier, interrupted sweep
        continue;
      } catch (CorruptObjectException e) {
        gone.add(p); // unreadable: nothing can be recovered from it anyway
        continue;
      }
      boolean needed = false;
      for (PackEntry e : entries) {
        if (used.contains(e.id()) && !live.contains(e.id())) {
          needed = true;
          break;
        }
      }
      if (needed) resurrect.put(p, entries);
      else gone.add(p);
    }
    lease.ensureValid();
    if (!resurrect.isEmpty()) {
      writeIndex(resurrect);
      packsKept += resurrect.size();
    }
    Set<BlobId> deleted = new HashSet<>(gone);
    // in an immutable repository every version goes (the packs' locks ran out: they were checked when planned)
    if (repo.immutable()) repo.store().purge(gone.stream().map(Repository::packKey).toList());
    else repo.store().deleteAll(gone.stream().map(Repository::packKey).toList());
    // index objects written meanwhile (an adopting backup) may still name deleted packs
    for (ObjectInfo o : repo.store().list("index/")) {
      List<IndexFormat.PackBlobs> pbs;
      try {
        pbs = repo.readIndexObject(o.key());
      } catch (MissingObjectException e) {
        continue;
      }
      if (pbs.stream().noneMatch(pb -> deleted.contains(pb.pack()))) continue;
      Map<BlobId, List<PackEntry>> rest = new TreeMap<>();
      for (IndexFormat.PackBlobs pb : pbs) if (!deleted.contains(pb.pack())) rest.put(pb.pack(), pb.entries());
      if (!rest.isEmpty() && writeIndex(rest).contains(o.key())) continue;
      repo.store().delete(o.key());
      indexDeleted++;
    }
    repo.store().delete(GarbagePlan.PREFIX + plan.id());
    plansSwept++;
    repo.forgetIndex();
  }

}
