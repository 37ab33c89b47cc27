package io.cairn.engine.check;

import com.fasterxml.jackson.core.JacksonException;
import io.cairn.engine.BlobId;
import io.cairn.engine.CairnException;
import io.cairn.engine.CorruptObjectException;
import io.cairn.engine.MissingObjectException;
import io.cairn.engine.gc.Leases;
import io.cairn.engine.index.MemIndex;
import io.cairn.engine.pack.BlobType;
import io.cairn.engine.pack.PackEntry;
import io.cairn.engine.pack.PackFormat;
import io.cairn.engine.repo.BlobReader;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.engine.store.ObjectInfo;
import io.cairn.engine.tree.Node;
import io.cairn.engine.tree.NodeType;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Verifies a repository.
 *
 * <p>Structure (always): every snapshot decodes, every tree reachable from a snapshot decodes,
 * every blob a tree references is indexed with the right type, and every index entry lies inside
 * a pack that exists. With data reading: every pack (or a random subset) is read whole, its
 * SHA-256 compared with its name, its trailer compared with the index, and every blob decrypted,
 * decompressed and compared with its id. Each problem names the pack and blob; the snapshots and
 * files that a damaged or missing blob affects are then named too.
 */
public final class Checker {
  private final Repository repo;
  private final int threads;
  private final List<Problem> problems = Collections.synchronizedList(new ArrayList<>());
  private final List<Problem> notices = Collections.synchronizedList(new ArrayList<>());
  private final Set<BlobId> badBlobs = ConcurrentHashMap.newKeySet();
  public final AtomicLong packsRead = new AtomicLong();
  public final AtomicLong bytesRead = new AtomicLong();

  /** One finding: {@code object} names the pack, blob, index or snapshot. */
  public record Problem(String object, String message) {}

  /** A snapshot file that a problem affects. */
  public record Affected(String snapshot, String path, String blob) {}

  /**
   * The outcome. {@code problems} are damage; {@code notices} are harmless findings (packs left
   * unindexed by an interrupted backup, which prune reclaims).
   */
  public record Report(int snapshots, long trees, long blobs, int packs, int packsRead, long bytesRead, List<Problem> problems,
      List<Affected> affected, List<Problem> notices, List<String> packsVerified) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  private Set<BlobId> skip = Set.of();
  private final Set<BlobId> read = ConcurrentHashMap.newKeySet();

  public Checker(Repository repo, int threads) {
    this.repo = repo;
    this.threads = Math.max(1, threads);
  }

  /** Packs not to read again (verified by an earlier check); their structure is still checked. */
  public Checker skipping(Set<BlobId> verified) {
    this.skip = Set.copyOf(verified);
    return this;
  }

  /** @param readFraction 0 for structure only, 1 for every pack, in between for a random subset */
  @SuppressWarnings("try") // the lease is held, not used
  public Report run(double readFraction, long seed) throws IOException {
    try (var lease = new Leases(repo).tryAcquireShared(Leases.DEFAULT_TTL)) {
      return runLeased(readFraction, seed); // (a null lease, on read-only media, is simply not closed)
    }
  }

  private Report runLeased(double readFraction, long seed) throws IOException {
    List<Snapshot> snaps = new ArrayList<>();
    for (ObjectInfo o : repo.store().list("snapshots/")) {
      try {
        snaps.add(repo.loadSnapshot(BlobId.fromHex(o.key().substring("snapshots/".length()))));
      } catch (CorruptObjectException | IllegalArgumentException | CairnException
          | JacksonException e) {
        problems.add(new Problem(o.key(), "snapshot cannot be read: " + e.getMessage()));
      }
    }
    MemIndex index;
    try {
      index = repo.index();
    } catch (RuntimeException e) {
      problems.add(new Problem("index", e.getMessage()));
      return new Report(snaps.size(), 0, 0, 0, 0, 0, List.copyOf(problems), List.of(), List.copyOf(notices), List.of());
    }
    Map<BlobId, Long> packSizes = new HashMap<>();
    repo.store().forEach("data/", o -> {
      try {
        packSizes.put(Repository.packIdOf(o.key()), o.size());
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(o.key(), "stray object in data/ (not a pack name)"));
      }
    });
    // index entries inside existing packs
    Map<BlobId, List<PackEntry>> byPack = new HashMap<>();
    index.forEach(loc -> byPack.computeIfAbsent(loc.pack(), k -> new ArrayList<>()).add(loc.entry()));
    for (Map.Entry<BlobId, List<PackEntry>> e : byPack.entrySet()) {
      Long size = packSizes.get(e.getKey());
      if (size == null) {
        problems.add(new Problem("pack " + e.getKey(), "is missing but the index lists " + e.getValue().size() + " blob(s) in it"));
        for (PackEntry pe : e.getValue()) badBlobs.add(pe.id());
        continue;
      }
      for (PackEntry pe : e.getValue()) {
        if ((long) pe.offset() + pe.length() > size - PackFormat.FOOTER) {
          problems.add(new Problem("pack " + e.getKey() + " blob " + pe.id(), "index entry points past the end of the pack"));
          badBlobs.add(pe.id());
        }
      }
    }
    Set<BlobId> doomed = repo.doomedPacks();
    for (BlobId p : packSizes.keySet()) {
      if (!byPack.containsKey(p)) {
        notices.add(new Problem("pack " + p, doomed.contains(p)
            ? "awaits deletion by a prune that waits for running backups (the next prune finishes it)"
            : "is not in any index (left by an interrupted backup; harmless, reclaimed by prune)"));
      }
    }
    // trees
    long[] counts = new long[2];
    Set<BlobId> seenTrees = new HashSet<>();
    for (Snapshot s : snaps) {
      walkTree(s.treeId(), "snapshot " + s.id().shortHex() + " /", index, seenTrees, counts);
    }
    // data
    int toRead = 0;
    if (readFraction > 0) {
      List<BlobId> packs = new ArrayList<>(byPack.keySet());
      packs.removeIf(p -> !packSizes.containsKey(p));
      for (BlobId p : packSizes.keySet()) if (!byPack.containsKey(p)) packs.add(p); // orphans are read too
      packs.removeAll(skip);
      Collections.sort(packs);
      Collections.shuffle(packs, new Random(seed));
      toRead = readFraction >= 1 ? packs.size() : (int) Math.ceil(packs.size() * readFraction);
      ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("cairn-check-", 0).factory());
      try {
        List<Future<?>> fs = new ArrayList<>();
        for (BlobId p : packs.subList(0, toRead)) fs.add(pool.submit(() -> {
          readPack(p, byPack.get(p));
          return null;
        }));
        for (Future<?> f : fs) f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("check interrupted");
      } catch (ExecutionException e) {
        if (e.getCause() instanceof IOException io) throw io;
        throw new IllegalStateException(e.getCause());
      } finally {
        pool.shutdownNow();
      }
    }
    List<Affected> affected = badBlobs.isEmpty() ? List.of() : affected(snaps);
    List<Problem> sorted = new ArrayList<>(problems);
    sorted.sort((a, b) -> a.object().compareTo(b.object()));
    List<String> verified = new ArrayList<>();
    for (BlobId p : read) {
      String name = "pack " + p;
      if (sorted.stream().noneMatch(x -> x.object().startsWith(name))) verified.add(p.toString());
    }
    Collections.sort(verified);
    return new Report(snaps.size(), counts[0], counts[1], packSizes.size(), toRead, bytesRead.get(), sorted, affected,
        List.copyOf(notices), verified);
  }

  private void walkTree(BlobId tree, String where, MemIndex index, Set<BlobId> seen, long[] counts) throws IOException {
    if (!seen.add(tree)) return;
    counts[0]++;
    MemIndex.Location loc = index.lookup(tree);
    if (loc == null && (loc = repo.hiddenLocation(tree)) != null) {
      notices.add(new Problem("tree " + tree, "is held only by a pack an unfinished prune is about to delete; that prune's"
          + " re-check keeps the pack (" + where + ")"));
    }
    if (loc == null) {
      problems.add(new Problem("tree " + tree, "is missing from the index (" + where + ")"));
      badBlobs.add(tree);
      return;
    }
    if (loc.entry().type() != BlobType.TREE) {
      problems.add(new Problem("tree " + tree, "is indexed as a " + loc.entry().type() + " blob (" + where + ")"));
    }
    List<Node> nodes;
    try {
      nodes = repo.readTree(tree);
    } catch (IOException | RuntimeException e) {
      problems.add(new Problem("pack " + loc.pack() + " tree " + tree, "cannot be read: " + e.getMessage() + " (" + where + ")"));
      badBlobs.add(tree);
      return;
    }
    for (Node n : nodes) {
      if (n.type() == NodeType.DIR) {
        walkTree(n.subtree(), where + n.displayName() + "/", index, seen, counts);
      } else if (n.type() == NodeType.FILE) {
        for (BlobId id : n.content()) {
          counts[1]++;
          MemIndex.Location l = index.lookup(id);
          if (l == null && (l = repo.hiddenLocation(id)) != null) {
            notices.add(new Problem("blob " + id, "is held only by a pack an unfinished prune is about to delete; that prune's"
                + " re-check keeps the pack (" + where + n.displayName() + ")"));
          }
          if (l == null) {
            if (badBlobs.add(id)) problems.add(new Problem("blob " + id, "is missing from the index (" + where + n.displayName() + ")"));
          } else if (l.entry().type() != BlobType.DATA) {
            problems.add(new Problem("blob " + id, "is indexed as a " + l.entry().type() + " blob"));
          }
        }
      }
    }
  }

  /**
   * Reads one pack front to back, a blob at a time (memory: the largest blob, not the pack):
   * the trailer first (from the footer), then every blob in offset order, hashing everything read
   * so the pack's SHA-256 is checked in the same pass.
   */
  private void readPack(BlobId pack, List<PackEntry> indexed) throws IOException {
    String key = Repository.packKey(pack);
    long size;
    Map<BlobId, PackEntry> trailer = new TreeMap<>();
    try {
      size = repo.store().stat(key).orElseThrow(() -> new MissingObjectException(key)).size();
      repo.packKeyOf(pack); // a bad header (magic, version) makes every blob unreadable
      try {
        for (PackEntry e : repo.readPackTrailer(pack)) trailer.put(e.id(), e);
      } catch (CorruptObjectException e) {
        problems.add(new Problem("pack " + pack, "trailer unreadable: " + e.getMessage()));
      }
    } catch (MissingObjectException e) {
      problems.add(new Problem("pack " + pack, "disappeared while checking"));
      return;
    } catch (CorruptObjectException e) {
      problems.add(new Problem("pack " + pack, e.getMessage()));
      if (indexed != null) for (PackEntry pe : indexed) badBlobs.add(pe.id());
      return;
    }
    packsRead.incrementAndGet();
    read.add(pack);
    boolean orphan = indexed == null;
    List<PackEntry> toRead = orphan ? new ArrayList<>(trailer.values()) : new ArrayList<>(indexed);
    if (!orphan && !trailer.isEmpty()) {
      for (PackEntry e : indexed) {
        PackEntry t = trailer.get(e.id());
        if (t == null || t.offset() != e.offset() || t.length() != e.length()) {
          problems.add(new Problem("pack " + pack + " blob " + e.id(), "index entry does not match the pack trailer"));
        }
      }
    }
    toRead.sort(Comparator.comparingInt(PackEntry::offset));
    MessageDigest sha = sha256();
    try (BlobReader reader = repo.reader()) {
      long pos = 0;
      for (PackEntry e : toRead) {
        long end = (long) e.offset() + e.length();
        if (end > size - PackFormat.FOOTER) {
          badBlobs.add(e.id());
          continue;
        }
        boolean inOrder = e.offset() >= pos;
        if (inOrder) pos = hashRange(reader, key, sha, pos, e.offset());
        byte[] buf = reader.buffer(e.length());
        int n = repo.store().read(key, e.offset(), buf, 0, e.length());
        bytesRead.addAndGet(n);
        if (inOrder) {
          sha.update(buf, 0, n);
          pos = end;
        }
        try {
          if (n != e.length()) throw new CorruptObjectException("pack " + pack + " blob " + e.id(), "pack is truncated");
          reader.decodeStreaming(pack, e, buf, (at, b, off, len) -> {}); // verified: decrypted, decompressed, id
        } catch (CorruptObjectException ex) {
          if (orphan) {
            notices.add(new Problem("pack " + pack + " blob " + e.id(), "unreferenced and damaged: " + ex.getMessage()));
            continue;
          }
          badBlobs.add(e.id());
          problems.add(new Problem("pack " + pack + " blob " + e.id(), ex.getMessage().replace("pack " + pack + " blob " + e.id() + ": ", "")));
        }
      }
      hashRange(reader, key, sha, pos, size);
    }
    if (!BlobId.fromBytes(sha.digest(), 0).equals(pack)) {
      problems.add(new Problem("pack " + pack, "content does not match its name (bit rot or tampering)"));
    }
  }

  /** Feeds {@code [from, to)} of an object to the digest in slices; returns {@code to}. */
  private long hashRange(BlobReader reader, String key, MessageDigest sha, long from, long to) throws IOException {
    byte[] buf = reader.buffer((int) Math.min(to - from, 1 << 20));
    for (long p = from; p < to; ) {
      int n = repo.store().read(key, p, buf, 0, (int) Math.min(buf.length, to - p));
      if (n <= 0) break;
      bytesRead.addAndGet(n);
      sha.update(buf, 0, n);
      p += n;
    }
    return to;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every snapshot file and folder that refers to a damaged or missing blob. */
  private List<Affected> affected(List<Snapshot> snaps) {
    List<Affected> out = new ArrayList<>();
    Map<BlobId, List<String[]>> memo = new HashMap<>();
    for (Snapshot s : snaps) {
      for (String[] hit : affectedIn(s.treeId(), "", memo)) out.add(new Affected(s.id().toString(), hit[0], hit[1]));
    }
    return out;
  }

  private List<String[]> affectedIn(BlobId tree, String prefix, Map<BlobId, List<String[]>> memo) {
    List<String[]> cached = memo.get(tree);
    if (cached != null) return prefixed(cached, prefix);
    List<String[]> hits = new ArrayList<>();
    if (badBlobs.contains(tree)) {
      hits.add(new String[] {"/", tree.toString()});
    } else {
      try {
        for (Node n : repo.readTree(tree)) {
          String path = "/" + n.displayName();
          if (n.type() == NodeType.DIR) {
            for (String[] h : affectedIn(n.subtree(), "", memo)) hits.add(new String[] {path + (h[0].equals("/") ? "/" : h[0]), h[1]});
          } else if (n.type() == NodeType.FILE) {
            for (BlobId id : n.content()) {
              if (badBlobs.contains(id)) {
                hits.add(new String[] {path, id.toString()});
                break;
              }
            }
          }
        }
      } catch (IOException | RuntimeException e) {
        hits.add(new String[] {"/", tree.toString()});
      }
    }
    memo.put(tree, hits);
    return prefixed(hits, prefix);
  }

  private static List<String[]> prefixed(List<String[]> hits, String prefix) {
    if (prefix.isEmpty()) return hits;
    List<String[]> out = new ArrayList<>(hits.size());
    for (String[] h : hits) out.add(new String[] {prefix + h[0], h[1]});
    return out;
  }
}
