package io.cairn.engine.restore;

import io.cairn.engine.BlobId;
import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.Json;
import io.cairn.engine.Progress;
import io.cairn.engine.Zeros;
import io.cairn.engine.fs.Glob;
import io.cairn.engine.fs.IoSlices;
import io.cairn.engine.fs.PosixFs;
import io.cairn.engine.fs.RawNames;
import io.cairn.engine.index.MemIndex;
import io.cairn.engine.repo.BlobSource;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.engine.tree.Node;
import io.cairn.engine.tree.NodeType;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Restores a snapshot (or a path in it) into a target folder.
 *
 * <p>The tree is walked on the caller's thread, which creates folders, symlinks, special files and
 * empty regular files (so hardlinks can be made at once); file contents are written by a bounded
 * pool, large files split into ranges written in parallel at their offsets, smaller ones handed
 * over several to a task. Every blob is verified
 * against its id before it is written; an all-zero blob is not written but left as a hole, so sparse
 * files stay sparse. A blob that occurs again (a copied file, a repeated region) is copied in the
 * kernel from where it was first written and verified, instead of being read, decrypted,
 * decompressed and verified once more (see {@link #copyAgain}). A file's metadata (and mtime
 * last) is applied when its last range is written; folders' metadata last, deepest first.
 *
 * <p>Resumable: a marker {@value #MARKER} in the target names the snapshot while a restore runs.
 * A re-run finds it and skips every file whose size and mtime already match (mtime is set only after
 * a file's content is complete and verified). A blob that is damaged or missing does not stop the
 * restore: every other file is restored and the affected files are listed.
 */
public final class Restorer {
  public static final String MARKER = ".cairn-restore-in-progress";
  private static final int RANGE_CHUNKS = 8;
  /** Blobs of at least this size, once written whole (no holes), are remembered for {@link #copyAgain}. */
  private static final int COPY_MIN = 64 * 1024;
  /** At most this many (10-20 MB with their paths), whatever the restore's size; later ones are decoded each time. */
  private static final int COPY_MAX_ENTRIES = 65_536;
  /** Files of one blob range restored together, up to this many or this many bytes: one task, not one each. */
  private static final int BATCH_FILES = 32;
  private static final long BATCH_BYTES = 4L << 20;
  private static final int SPARSE_BLOCK = 64 * 1024;

  // what it restores, from where, and how
  private final BlobSource source;
  private final RestoreOptions opt;
  private final List<Glob> includes = new ArrayList<>();
  private final List<Glob> excludes = new ArrayList<>();

  // what it learns on the way (filled by the walk and the workers)
  private final Map<String, Path> hardlinks = new HashMap<>();
  private final List<Map.Entry<Path, Node>> dirs = new ArrayList<>();
  private final List<Map.Entry<Path, Path>> links = new ArrayList<>();
  private final Set<BlobId> zeroBlobs = ConcurrentHashMap.newKeySet();
  private final Map<BlobId, Written> written = new ConcurrentHashMap<>();
  private final Map<String, String> damaged = new ConcurrentHashMap<>();
  private final List<String> warnings = Collections.synchronizedList(new ArrayList<>());

  // counters: files and bytes so far and in all, read by whoever watches (see {@link Progress})
  private final Progress progress;
  private final AtomicLong filesSkipped = new AtomicLong();
  /** Blobs copied from where this restore had already written them, instead of decoded again. */
  private final AtomicLong blobsCopied = new AtomicLong();
  private final AtomicLong dirCount = new AtomicLong();
  private final AtomicLong otherCount = new AtomicLong();

  // the run's state (one run per Restorer)
  private ExecutorService pool;
  private Semaphore inflight;
  private volatile Throwable failure;
  /** True when the target was new or empty: nothing can be in the way, so no path is checked first. */
  private boolean fresh;
  /** The mode of a file this restore creates in a fresh target, -1 when not known (see {@link #prepareTarget}). */
  private int newFileMode = -1;
  private List<OneRange> batch = new ArrayList<>();
  private long batchBytes;

  /** Where a blob's bytes were first written and verified. */
  record Written(Path file, long offset) {}

  /**
   * The outcome. {@code damaged} maps each file that could not be restored fully to the reason;
   * {@code warnings} lists what was skipped on purpose (device nodes when not root, sockets).
   */
  public record Result(long files, long dirs, long others, long bytes, long skippedComplete, Map<String, String> damaged,
      List<String> warnings, boolean dryRun) {}

  public Restorer(BlobSource source, RestoreOptions opt, Progress progress) {
    this.source = source;
    this.progress = progress == null ? new Progress() : progress;
    this.opt = opt;
    for (String g : opt.includes()) includes.add(matcher(g));
    for (String g : opt.excludes()) excludes.add(matcher(g));
  }

  /** How many blobs were copied from a file this restore had written, instead of decoded again. */
  public long blobsCopied() {
    return blobsCopied.get();
  }

  private static Glob matcher(String glob) {
    String g = glob.startsWith("/") ? glob : "**/" + glob;
    if (g.endsWith("/")) g = g.substring(0, g.length() - 1);
    try {
      return Glob.compile(g);
    } catch (IllegalArgumentException e) {
      throw new CairnException(ErrorCode.USAGE, "bad pattern '" + glob + "': " + e.getMessage());
    }
  }

  /** Restores {@code subpath} ("" or "/" for all) of a snapshot. */
  @SuppressWarnings("try") // the lease is held, not used
  public Result run(Snapshot snap, String subpath) throws IOException {
    // a shared lease: a prune that marks meanwhile waits before deleting packs this restore reads
    try (var held = source.holdForReading()) {
      return runLeased(snap, subpath); // (null on read-only media: nothing to close)
    }
  }

  private Result runLeased(Snapshot snap, String subpath) throws IOException {
    source.prepare(); // the index loaded (and its errors reported) before anything is written
    Node start = source.findNode(snap.treeId(), subpath == null ? "" : subpath);
    if (start == null) {
      throw new CairnException(ErrorCode.NOT_FOUND, "snapshot " + snap.id().shortHex() + " has no path " + subpath);
    }
    Path target = opt.target().toAbsolutePath().normalize();
    if (!opt.dryRun()) prepareTarget(target, snap);
    pool = Executors.newFixedThreadPool(opt.threads(), Thread.ofPlatform().name("cairn-restore-", 0).factory());
    inflight = new Semaphore(opt.threads() * 4);
    List<String> parts = subpath == null ? List.of() : Arrays.stream(subpath.split("/")).filter(x -> !x.isEmpty()).toList();
    String base = parts.isEmpty() ? "" : "/" + String.join("/", parts.stream().map(Node::bytesOf).toList());
    try {
      if (start.type() == NodeType.DIR) {
        // like restic's SNAP:PATH, a folder's contents land directly in the target
        walk(start.subtree(), target, base, includes.isEmpty());
      } else {
        restoreNode(start, target, base, true);
      }
      flushBatch();
      inflight.acquire(opt.threads() * 4); // wait for all file work
      inflight.release(opt.threads() * 4);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("restore interrupted");
    } finally {
      pool.shutdownNow();
    }
    Throwable f = failure;
    if (f instanceof IOException io) throw io;
    if (f instanceof RuntimeException re) throw re;
    if (f != null) throw new CairnException(ErrorCode.INTERNAL, "restore failed: " + f, f);
    if (!opt.dryRun()) {
      for (Map.Entry<Path, Path> l : links) {
        if (!fresh) deleteIfPresent(l.getKey());
        Files.createLink(l.getKey(), l.getValue());
        progress.itemsDone.incrementAndGet();
      }
      for (int i = dirs.size() - 1; i >= 0; i--) {
        Map.Entry<Path, Node> d = dirs.get(i);
        try {
          PosixFs.applyMetadata(d.getKey(), d.getValue());
        } catch (IOException e) {
          warnings.add(d.getKey() + ": metadata not fully restored: " + e.getMessage());
        }
      }
      Files.deleteIfExists(target.resolve(MARKER));
    }
    return new Result(progress.itemsTotal.get(), dirCount.get(), otherCount.get(), progress.bytesTotal.get(), filesSkipped.get(),
        new TreeMap<>(damaged), List.copyOf(warnings), opt.dryRun());
  }


  private void prepareTarget(Path target, Snapshot snap) throws IOException {
    Path marker = target.resolve(MARKER);
    fresh = true;
    if (Files.isDirectory(target)) {
      boolean empty;
      try (var s = Files.list(target)) {
        // a fresh file system's lost+found does not make a target "not empty"
        empty = s.noneMatch(c -> !c.getFileName().toString().equals("lost+found"));
      }
      fresh = empty;
      if (!empty && !opt.overwrite()) {
        boolean resume = false;
        if (Files.exists(marker)) {
          Map<?, ?> m = Json.MAPPER.readValue(Files.readAllBytes(marker), Map.class);
          resume = snap.id().toString().equals(m.get("snapshot"));
        }
        if (!resume) {
          throw new CairnException(ErrorCode.CONFLICT, "restore target " + target
              + " is not empty; choose an empty or new folder, or pass --overwrite to restore over what is there");
        }
      }
    } else if (Files.exists(target)) {
      throw new CairnException(ErrorCode.CONFLICT, "restore target " + target + " exists and is not a folder");
    } else {
      Files.createDirectories(target);
    }
    Files.write(marker, Json.MAPPER.writeValueAsBytes(Map.of("snapshot", snap.id().toString())));
    if (fresh) {
      // the permission bits every file created here starts with (0666 less the umask, or what a
      // default ACL gives): a file restored with these needs no chmod
      try {
        newFileMode = (Integer) Files.getAttribute(marker, "unix:mode") & 07777;
      } catch (IOException | RuntimeException e) {
        newFileMode = -1;
      }
    }
  }


  private boolean excluded(String snapPath) {
    if (excludes.isEmpty()) return false;
    String p = Node.display(snapPath);
    for (Glob m : excludes) if (m.matches(p)) return true;
    return false;
  }

  private boolean includedWhole(String snapPath) {
    if (includes.isEmpty()) return true;
    String p = Node.display(snapPath);
    for (Glob m : includes) if (m.matches(p)) return true;
    return false;
  }

  private void checkFailure() throws IOException {
    Throwable f = failure;
    if (f == null) return;
    if (f instanceof IOException io) throw io;
    if (f instanceof RuntimeException re) throw re;
    throw new CairnException(ErrorCode.INTERNAL, "restore failed: " + f, f);
  }

  private void restoreNode(Node n, Path dir, String snapPath, boolean parentIncluded) throws IOException, InterruptedException {
    if (excluded(snapPath)) return;
    boolean whole = parentIncluded || includedWhole(snapPath);
    Path p = RawNames.child(dir, n.name());
    switch (n.type()) {
      case DIR -> {
        dirCount.incrementAndGet();
        if (!opt.dryRun()) {
          if (fresh) {
            Files.createDirectory(p);
          } else if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            deleteIfPresent(p);
            Files.createDirectory(p);
          }
          dirs.add(Map.entry(p, n));
        }
        walk(n.subtree(), p, snapPath, whole);
      }
      case FILE -> {
        if (!whole) return;
        restoreFile(n, p, snapPath);
      }
      case SYMLINK -> {
        if (!whole) return;
        otherCount.incrementAndGet();
        if (opt.dryRun()) return;
        if (!fresh) deleteIfPresent(p);
        Files.createSymbolicLink(p, RawNames.path(p.getFileSystem(), n.linkTarget()));
        applyQuietly(p, n);
      }
      case FIFO, CHAR_DEVICE, BLOCK_DEVICE -> {
        if (!whole) return;
        otherCount.incrementAndGet();
        if (opt.dryRun()) return;
        deleteIfPresent(p);
        try {
          if (PosixFs.makeSpecial(p, n)) {
            applyQuietly(p, n);
          } else {
            warnings.add(Node.display(snapPath) + ": device node not created (needs root)");
          }
        } catch (IOException e) {
          warnings.add(Node.display(snapPath) + ": not created: " + e.getMessage());
        }
      }
      case SOCKET -> warnings.add(Node.display(snapPath) + ": socket not restored (sockets are made by the programs that use them)");
    }
  }

  private void walk(BlobId tree, Path dir, String snapPath, boolean included) throws IOException, InterruptedException {
    List<Node> nodes;
    try {
      nodes = source.readTree(tree);
    } catch (IOException e) {
      damaged.put(Node.display(snapPath), "folder listing lost: " + e.getMessage());
      return;
    }
    for (Node n : nodes) {
      restoreNode(n, dir, snapPath + "/" + n.name(), included);
      checkFailure();
    }
  }

  private void applyQuietly(Path p, Node n) {
    try {
      PosixFs.applyMetadata(p, n);
    } catch (IOException e) {
      warnings.add(p + ": metadata not fully restored: " + e.getMessage());
    }
  }

  private static void deleteIfPresent(Path p) throws IOException {
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      try (var s = Files.walk(p)) {
        for (Path q : s.sorted(Collections.reverseOrder()).toList()) Files.delete(q);
      }
    } else {
      Files.deleteIfExists(p);
    }
  }

  private void restoreFile(Node n, Path p, String snapPath) throws IOException, InterruptedException {
    progress.itemsTotal.incrementAndGet();
    progress.bytesTotal.addAndGet(n.size());
    if (opt.dryRun()) return;
    String linkKey = n.links() > 1 ? n.device() + ":" + n.inode() : null;
    if (linkKey != null) {
      Path first = hardlinks.get(linkKey);
      if (first != null) {
        links.add(Map.entry(p, first)); // made once every file is written
        return;
      }
      hardlinks.put(linkKey, p);
    }
    if (fresh) {
      // nothing in the way
    } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      var a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (a.size() == n.size() && PosixFs.nanos(a.lastModifiedTime()) == n.mtimeNanos()) {
        filesSkipped.incrementAndGet();
        progress.itemsDone.incrementAndGet();
        progress.bytesDone.addAndGet(n.size());
        return;
      }
    } else {
      deleteIfPresent(p);
    }
    // each blob is looked up once: for its length (so its offset) and then to read it
    List<BlobId> content = n.content();
    MemIndex.Location[] found = new MemIndex.Location[content.size()];
    long[] offsets = new long[content.size() + 1];
    int count = 0;
    for (; count < content.size(); count++) {
      MemIndex.Location loc = source.find(content.get(count)); // the index, or a pack a waiting prune hides
      if (loc == null) {
        // the length of a missing blob is unknown, so nothing after it can be placed: restore the part before it
        damaged.put(Node.display(snapPath), "blob " + content.get(count) + " is missing from the repository; the file is cut short there");
        break;
      }
      found[count] = loc;
      offsets[count + 1] = offsets[count] + loc.entry().rawLength();
    }
    final MemIndex.Location[] locs = count == found.length ? found : Arrays.copyOf(found, count);
    final long[] offs = offsets;
    int ranges = Math.max(1, (locs.length + RANGE_CHUNKS - 1) / RANGE_CHUNKS);
    if (ranges == 1) {
      // a file of one range goes with others in one task: one hand-off to the pool for many small files
      batch.add(new OneRange(n, p, snapPath, locs, offs));
      batchBytes += n.size();
      if (batch.size() >= BATCH_FILES || batchBytes >= BATCH_BYTES) flushBatch();
      return;
    }
    // several writers: make the file first, each range then opens it for writing
    Files.newByteChannel(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING).close();
    AtomicInteger left = new AtomicInteger(ranges);
    for (int r = 0; r < ranges; r++) {
      int from = r * RANGE_CHUNKS;
      int to = Math.min(locs.length, from + RANGE_CHUNKS);
      inflight.acquire();
      pool.execute(() -> {
        try {
          try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            writeRange(ch, p, snapPath, locs, offs, from, to);
            if (left.decrementAndGet() != 0) return;
            extendToSize(ch, n);
          }
          finishFile(n, p, snapPath);
        } catch (Throwable t) {
          if (failure == null) failure = t;
        } finally {
          inflight.release();
        }
      });
    }
  }

  /**
   * Files of one range are handed to the pool this many at a time, or fewer once they add up to
   * {@link #BATCH_BYTES} (so a larger one goes with few others, or alone).
   */

  private record OneRange(Node n, Path p, String snapPath, MemIndex.Location[] locs, long[] offs) {}


  /** Hands the files of one range collected so far to the pool as one task (walk thread only). */
  private void flushBatch() throws InterruptedException {
    if (batch.isEmpty()) return;
    List<OneRange> files = batch;
    batch = new ArrayList<>();
    batchBytes = 0;
    inflight.acquire();
    pool.execute(() -> {
      try {
        for (OneRange f : files) {
          try (FileChannel ch = FileChannel.open(f.p(), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
            if (!writeRange(ch, f.p(), f.snapPath(), f.locs(), f.offs(), 0, f.locs().length)) extendToSize(ch, f.n());
          }
          finishFile(f.n(), f.p(), f.snapPath());
        }
      } catch (Throwable t) {
        if (failure == null) failure = t;
      } finally {
        inflight.release();
      }
    });
  }

  /** A file ending in a hole is extended to its size by its last byte. */
  private static void extendToSize(FileChannel ch, Node n) throws IOException {
    if (n.size() > 0 && ch.size() < n.size()) ch.write(ByteBuffer.wrap(new byte[1]), n.size() - 1);
  }


  /**
   * Writes blobs {@code [from, to)} of a file at their offsets; true when the last of them was written
   * to its last byte (no hole at the end), so the file reaches its size without being extended.
   */
  private boolean writeRange(FileChannel ch, Path p, String snapPath, MemIndex.Location[] locs, long[] offsets, int from,
      int to) throws IOException {
    boolean endWritten = false;
    for (int i = from; i < to; i++) {
      endWritten = false;
      BlobId id = locs[i].entry().id();
      long len = offsets[i + 1] - offsets[i];
      if (zeroBlobs.contains(id)) {
        progress.bytesDone.addAndGet(len);
        continue;
      }
      long at = offsets[i];
      if (len >= COPY_MIN) {
        Written w = written.get(id);
        if (w != null && copyAgain(w, ch, at, len)) {
          blobsCopied.incrementAndGet();
          progress.bytesDone.addAndGet(len);
          endWritten = true; // the first copy was written whole
          continue;
        }
      }
      long[] dense = {0};
      try {
        // in pieces: a large blob is written as it is decompressed, never held whole
        source.readBlobStreaming(locs[i], (pos, b, off, n) -> {
          try {
            dense[0] += writeSparse(ch, b, off, n, at + pos);
          } catch (IOException e) {
            throw new UncheckedIOException(e); // the target's failure, not the blob's
          }
        });
      } catch (UncheckedIOException e) {
        throw e.getCause();
      } catch (IOException e) {
        damaged.put(Node.display(snapPath), e.getMessage());
        continue;
      }
      if (dense[0] == 0 && len >= 4096) {
        zeroBlobs.add(id);
      } else if (dense[0] == len && len >= COPY_MIN && written.size() < COPY_MAX_ENTRIES) {
        written.putIfAbsent(id, new Written(p, at)); // only now: its bytes are all written and verified
      }
      endWritten = dense[0] == len;
      progress.bytesDone.addAndGet(len);
    }
    return endWritten;
  }

  /**
   * Copies a blob from where this restore already wrote it, in the kernel ({@code copy_file_range},
   * a shared extent on file systems that can), so it is not read, decrypted, decompressed and
   * verified again. False when that cannot be done (the first copy is not readable, say, as a
   * non-root user restoring a file of mode 0200): the caller then decodes the blob as usual.
   */
  static boolean copyAgain(Written w, FileChannel to, long at, long len) {
    try (FileChannel from = FileChannel.open(w.file(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      to.position(at);
      for (long done = 0; done < len; ) {
        long n = from.transferTo(w.offset() + done, len - done, to);
        if (n <= 0) return false;
        done += n;
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Writes {@code buf[off, off+len)} at {@code pos}, leaving runs of zero blocks as holes (the file
   * is new or truncated); returns how many bytes it wrote (0 when all were zeros).
   */
  private static long writeSparse(FileChannel ch, byte[] buf, int off, int len, long pos) throws IOException {
    long wrote = 0;
    int i = 0;
    while (i < len) {
      int n = Math.min(SPARSE_BLOCK, len - i);
      if (Zeros.isZero(buf, off + i, n)) {
        i += n;
        continue;
      }
      int j = i + n;
      while (j < len) {
        int m = Math.min(SPARSE_BLOCK, len - j);
        if (Zeros.isZero(buf, off + j, m)) break;
        j += m;
      }
      ByteBuffer b = ByteBuffer.wrap(buf, off + i, j - i);
      long at = pos + i;
      while (b.hasRemaining()) at += IoSlices.write(ch, b, at);
      wrote += j - i;
      i = j;
    }
    return wrote;
  }

  private void finishFile(Node n, Path p, String snapPath) {
    if (damaged.containsKey(Node.display(snapPath))) {
      // no metadata (above all no mtime) on a damaged file, so a later restore does not take it as complete
      progress.itemsDone.incrementAndGet();
      return;
    }
    try {
      // in a fresh target every file is new, made with newFileMode; elsewhere it may be an old one kept
      PosixFs.applyMetadata(p, n, fresh ? newFileMode : -1);
    } catch (IOException e) {
      warnings.add(p + ": metadata not fully restored: " + e.getMessage());
    }
    progress.itemsDone.incrementAndGet();
  }
}
