package io.cairn.engine.backup;

import io.cairn.engine.BlobId;
import io.cairn.engine.Progress;
import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.chunk.ChunkReader;
import io.cairn.engine.chunk.FastCdc;
import io.cairn.engine.fs.IoSlices;
import io.cairn.engine.fs.PosixFs;
import io.cairn.engine.fs.RawNames;
import io.cairn.engine.gc.Leases;
import io.cairn.engine.index.MemIndex;
import io.cairn.engine.pack.BlobType;
import io.cairn.engine.repo.BlobWriter;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.Consistency;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.engine.tree.Node;
import io.cairn.engine.tree.NodeType;
import io.cairn.engine.tree.TreeCodec;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One backup, read top to bottom as the pipeline it is:
 * <pre>
 *   walk (caller thread) ─▶ files queue ─▶ read + chunk (reader thread) ─▶ chunk queue
 *     ─▶ hash, dedup, compress, encrypt into packs (worker threads) ─▶ upload (BlobWriter)
 *     ─▶ trees, bottom-up as each directory completes ─▶ index ─▶ snapshot
 * </pre>
 * Files of one chunk at most take a shorter way: a small-files queue to a few more readers, each of
 * which hashes, compresses and encrypts what it read itself.
 * Both queues are bounded, so memory stays bounded whatever the size of a file or tree: at most a
 * few chunks per worker, the open directories of the walk, and the open packs.
 *
 * <p>A file unchanged since the parent snapshot (same type, size, mtime, ctime, inode and device,
 * all its blobs still indexed) is not read again. A directory's tree is encoded and stored as soon
 * as its last entry is complete, so unchanged subtrees hash to the tree id already stored.
 */
public final class Backup {
  private static final Object EOF = new Object();
  private final Repository repo;
  private final BackupOptions opt;
  private final Progress progress;
  private final FastCdc cdc;
  private final PosixFs fs = new PosixFs();
  private final Excludes excludes;
  private final List<Snapshot.FileError> errors = Collections.synchronizedList(new ArrayList<>());
  private final Map<Integer, BlobId> zeroIds = new ConcurrentHashMap<>();
  private final BlockingQueue<Object> files = new ArrayBlockingQueue<>(128);
  /**
   * Files of at most one chunk go to their own readers: opening, reading and closing many small
   * files is latency, not bandwidth, so several readers overlap it (restic reads two files at once).
   */
  private final BlockingQueue<Object> smallFiles = new ArrayBlockingQueue<>(256);
  private static final int SMALL_READERS = Math.max(1, Integer.getInteger("cairn.small-readers", 3)); // measured: 3
  private final AtomicInteger readersLeft = new AtomicInteger(1 + SMALL_READERS);
  private final BlockingQueue<Object> chunks;
  private MemIndex index;
  private BlobWriter writer;
  private volatile Throwable failure;
  private final CountDownLatch rootDone = new CountDownLatch(1);
  private volatile BlobId rootTree;
  private Finisher finisher = Finisher.NONE;

  private final AtomicLong nFiles = new AtomicLong();
  private final AtomicLong nDirs = new AtomicLong();
  private final AtomicLong nOthers = new AtomicLong();
  private final AtomicLong nNew = new AtomicLong();
  private final AtomicLong nChanged = new AtomicLong();
  private final AtomicLong nUnmodified = new AtomicLong();
  private final AtomicLong bytesTotal = new AtomicLong();

  public Backup(Repository repo, BackupOptions opt, Progress progress) {
    this.repo = repo;
    this.opt = opt;
    this.progress = progress == null ? new Progress() : progress;
    this.cdc = repo.chunker();
    this.excludes = new Excludes(opt.excludes());
    this.chunks = new ArrayBlockingQueue<>(opt.workers() + 1);
  }

  /** The outcome: the saved snapshot, with the per-file errors it lists. */
  public record Result(Snapshot snapshot) {
    public boolean complete() {
      return snapshot.errors().isEmpty();
    }
  }

  /** Completes the snapshot before it is saved (see {@link Finisher}); returns this. */
  public Backup finishWith(Finisher f) {
    this.finisher = f;
    return this;
  }

  public Result run() throws IOException {
    long started = System.nanoTime();
    Instant time = repo.clock().instant();
    List<Path> sources = new ArrayList<>();
    for (Path p : opt.paths()) {
      Path abs = p.toAbsolutePath().normalize();
      if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
        throw new CairnException(ErrorCode.NOT_FOUND, "source path " + abs + " does not exist");
      }
      // folders above a source are recorded by their real path (a symlinked parent is followed);
      // the source itself is taken as it is (a symlink given as a source is saved as a symlink)
      if (abs.getParent() != null) abs = abs.getParent().toRealPath().resolve(abs.getFileName());
      sources.add(abs);
    }
    String host = opt.host() != null ? opt.host() : Repository.hostname();
    List<String> paths = sources.stream().map(Path::toString).sorted().distinct().toList();
    // the lease comes before the index is read: a prune that marks after this waits for it
    try (Leases.Held lease = new Leases(repo).acquireShared(opt.leaseTtl())) {
      Snapshot s = finisher.finish(capture(started, time, host, paths, sources));
      lease.ensureValid(); // a lapsed lease means a prune may have removed what this backup reused
      BlobId id = repo.saveSnapshot(s);
      return new Result(s.withId(id));
    }
  }

  private Snapshot capture(long started, Instant time, String host, List<String> paths, List<Path> sources) throws IOException {
    Snapshot parent = findParent(host, paths);
    index = repo.index();
    // what an interrupted backup stored is reused, and its stray temp files go
    repo.adoptUnindexedPacks();
    repo.sweepTemp(Duration.ofHours(24));
    writer = new BlobWriter(repo);
    List<Thread> threads = new ArrayList<>();
    try {
      threads.add(Thread.ofPlatform().name("cairn-reader").start(() -> readLoop(files)));
      for (int i = 0; i < SMALL_READERS; i++) {
        threads.add(Thread.ofPlatform().name("cairn-small-reader-" + i).start(() -> readLoop(smallFiles)));
      }
      for (int i = 0; i < opt.workers(); i++) threads.add(Thread.ofPlatform().name("cairn-worker-" + i).start(this::workLoop));
      DirJob root = new DirJob(null, -1, null, "/");
      walkVirtual(root, Path.of("/"), buildTrie(sources), parent == null ? null : parent.treeId());
      checkFailure();
      while (!files.offer(EOF, 100, TimeUnit.MILLISECONDS)) checkFailure();
      while (!smallFiles.offer(EOF, 100, TimeUnit.MILLISECONDS)) checkFailure();
      while (!rootDone.await(100, TimeUnit.MILLISECONDS)) checkFailure();
      checkFailure();
      writer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("backup interrupted");
    } finally {
      // stop every thread before the writer discards what was not stored, so none starts a new pack
      for (Thread t : threads) t.interrupt();
      try {
        for (Thread t : threads) t.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      writer.close();
    }
    List<Snapshot.FileError> errs = new ArrayList<>(errors);
    errs.sort((a, b) -> a.path().compareTo(b.path()));
    Snapshot.Stats stats = new Snapshot.Stats(nFiles.get(), nDirs.get(), nOthers.get(), nNew.get(), nChanged.get(),
        nUnmodified.get(), bytesTotal.get(), progress.bytesRead.get(), writer.blobsAdded.get(), writer.bytesAdded.get(),
        writer.bytesStored.get(), (System.nanoTime() - started) / 1_000_000);
    Snapshot s = Snapshot.builder().time(time).host(host).username(System.getProperty("user.name")).paths(paths).tags(opt.tags())
        .parent(parent == null ? null : parent.id().toString()).tree(rootTree).consistency(Consistency.CRASH).errors(errs)
        .stats(stats).program("cairn " + version()).build();
    return s;
  }

  static String version() {
    String v = Backup.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  private Snapshot findParent(String host, List<String> paths) throws IOException {
    if (opt.parent() != null) return repo.resolve(opt.parent());
    Snapshot best = null;
    for (Snapshot s : repo.snapshots()) {
      if (s.host().equals(host) && s.paths().equals(paths)) best = s;
    }
    return best;
  }

  private void checkFailure() throws IOException {
    Throwable f = failure;
    if (f == null) return;
    if (f instanceof IOException io) throw io;
    if (f instanceof RuntimeException re) throw re;
    throw new CairnException(ErrorCode.INTERNAL, "backup failed: " + f, f);
  }

  private void fail(Throwable t) {
    if (failure == null) failure = t;
    rootDone.countDown();
  }

  // ---------------------------------------------------------------- walk

  /** The source paths as a tree of names; a null value marks a source itself. */
  private static TreeMap<String, Object> buildTrie(List<Path> sources) {
    TreeMap<String, Object> root = new TreeMap<>();
    for (Path s : sources) {
      TreeMap<String, Object> cur = root;
      int n = s.getNameCount();
      for (int i = 0; i < n; i++) {
        String name = RawNames.name(s.getRoot().resolve(s.subpath(0, i + 1)));
        if (i == n - 1) {
          cur.put(name, null);
        } else {
          Object next = cur.get(name);
          if (next == null && cur.containsKey(name)) break; // a parent folder is itself a source
          if (next == null) {
            next = new TreeMap<String, Object>();
            cur.put(name, next);
          }
          @SuppressWarnings("unchecked")
          TreeMap<String, Object> t = (TreeMap<String, Object>) next;
          cur = t;
        }
      }
    }
    return root;
  }

  /** Walks the folders above the sources, which hold only the way to the sources. */
  @SuppressWarnings("unchecked")
  private void walkVirtual(DirJob job, Path dir, TreeMap<String, Object> trie, BlobId parentTree)
      throws IOException, InterruptedException {
    List<Node> prev;
    try {
      prev = parentTree == null ? List.of() : repo.readTree(parentTree);
    } catch (IOException e) {
      // as in walkDir: a parent tree that cannot be read (damaged, or in a pack a running prune's
      // garbage plan hides) only costs re-reading the files below it
      prev = List.of();
    }
    List<String> names = new ArrayList<>(trie.keySet());
    job.init(names.size());
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      Path p = RawNames.child(dir, name);
      Object sub = trie.get(name);
      Node prevNode = find(prev, name);
      if (sub == null) {
        entry(job, i, p, name, prevNode, -1);
      } else {
        Node self;
        try {
          self = fs.stat(p, name);
        } catch (IOException e) {
          throw new CairnException(ErrorCode.IO, "cannot read " + p + ": " + e.getMessage(), e);
        }
        DirJob child = new DirJob(job, i, self, p.toString());
        nDirs.incrementAndGet();
        walkVirtual(child, p, (TreeMap<String, Object>) sub,
            prevNode != null && prevNode.type() == NodeType.DIR ? prevNode.subtree() : null);
      }
    }
    job.childDone();
  }

  private static Node find(List<Node> sorted, String name) {
    int lo = 0, hi = sorted.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = sorted.get(mid).name().compareTo(name);
      if (c == 0) return sorted.get(mid);
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return null;
  }

  /** One entry: a folder is walked now; a file is queued for reading unless unchanged. */
  private void entry(DirJob job, int slot, Path p, String name, Node prev, long rootDev) throws IOException, InterruptedException {
    checkFailure();
    if (rootDev != -1 && excludes.excluded(p)) { // a source named on the command line is never excluded
      job.childDone();
      return;
    }
    Node n;
    try {
      n = fs.stat(p, name, prev);
    } catch (NoSuchFileException e) {
      error(p, "vanished before it could be read");
      job.childDone();
      return;
    } catch (IOException | RuntimeException e) {
      error(p, "cannot read metadata: " + e.getMessage());
      job.childDone();
      return;
    }
    switch (n.type()) {
      case DIR -> {
        nDirs.incrementAndGet();
        DirJob child = new DirJob(job, slot, n, p.toString());
        long dev = rootDev == -1 ? n.device() : rootDev;
        if (opt.oneFileSystem() && n.device() != dev) {
          child.init(0);
          child.childDone(); // a mount point: recorded, not entered
          return;
        }
        // one walker, depth first: measured, a pool of walkers cost 10-40% more CPU on initial
        // backups (2 cores) for a few percent on unchanged ones
        walkDir(child, p, prev != null && prev.type() == NodeType.DIR ? prev.subtree() : null, dev);
      }
      case FILE -> {
        nFiles.incrementAndGet();
        bytesTotal.addAndGet(n.size());
        if (prev != null && unchanged(prev, n)) {
          nUnmodified.incrementAndGet();
          progress.itemsDone.incrementAndGet();
          progress.bytesDone.addAndGet(n.size());
          job.set(slot, n.withContent(prev.content()));
          return;
        }
        (prev == null ? nNew : nChanged).incrementAndGet();
        FileJob fj = new FileJob(job, slot, n, p);
        BlockingQueue<Object> q = n.size() <= cdc.params().min() ? smallFiles : files;
        while (!q.offer(fj, 100, TimeUnit.MILLISECONDS)) checkFailure();
      }
      default -> {
        nOthers.incrementAndGet();
        job.set(slot, n);
      }
    }
  }

  private boolean unchanged(Node prev, Node n) {
    if (prev.type() != NodeType.FILE || prev.size() != n.size() || prev.mtimeNanos() != n.mtimeNanos()
        || prev.ctimeNanos() != n.ctimeNanos() || prev.inode() != n.inode() || prev.device() != n.device()) {
      return false;
    }
    for (BlobId id : prev.content()) if (!writer.known(id)) return false;
    return true;
  }

  private void walkDir(DirJob job, Path dir, BlobId parentTree, long rootDev) throws IOException, InterruptedException {
    List<Path> children = new ArrayList<>();
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path c : ds) children.add(c);
    } catch (IOException e) {
      error(dir, "cannot list folder: " + e.getMessage());
    }
    Integer[] order = new Integer[children.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
      names.add(RawNames.name(children.get(i)));
    }
    Arrays.sort(order, (x, y) -> names.get(x).compareTo(names.get(y)));
    List<Node> prev;
    try {
      prev = parentTree == null ? List.of() : repo.readTree(parentTree);
    } catch (IOException e) {
      prev = List.of(); // a damaged parent only costs re-reading
    }
    job.init(order.length);
    for (int i = 0; i < order.length; i++) {
      String name = names.get(order[i]);
      entry(job, i, children.get(order[i]), name, find(prev, name), rootDev);
    }
    job.childDone();
  }

  private void error(Path p, String message) {
    errors.add(new Snapshot.FileError(p.toString(), message));
    progress.errors.incrementAndGet();
  }

  // ---------------------------------------------------------------- trees

  /** A folder being built: its entries complete in any order, the last one stores its tree. */
  private final class DirJob {
    final DirJob parent;
    final int slot;
    final Node self;
    final String path;
    Node[] nodes;
    final AtomicInteger pending = new AtomicInteger(1);

    DirJob(DirJob parent, int slot, Node self, String path) {
      this.parent = parent;
      this.slot = slot;
      this.self = self;
      this.path = path;
    }

    void init(int entries) {
      nodes = new Node[entries];
      pending.addAndGet(entries);
    }

    void set(int i, Node n) {
      nodes[i] = n;
      childDone();
    }

    void childDone() {
      if (pending.decrementAndGet() != 0) return;
      try {
        List<Node> list = new ArrayList<>(nodes.length);
        for (Node n : nodes) if (n != null) list.add(n);
        byte[] tree = TreeCodec.encode(list);
        BlobId id = repo.sealer().masterKey().id(tree, 0, tree.length);
        writer.store(BlobType.TREE, id, tree, 0, tree.length);
        nodes = null;
        if (parent == null) {
          rootTree = id;
          rootDone.countDown();
        } else {
          parent.set(slot, self.withSubtree(id));
        }
      } catch (Throwable t) {
        fail(t);
      }
    }
  }

  /** A file being read: its chunks are hashed and stored in any order, the last one completes it. */
  private final class FileJob {
    final DirJob dir;
    final int slot;
    final Node meta;
    final Path path;
    final List<BlobId> ids = new ArrayList<>();
    final AtomicInteger pending = new AtomicInteger(1);
    volatile long size;
    volatile boolean dropped;

    FileJob(DirJob dir, int slot, Node meta, Path path) {
      this.dir = dir;
      this.slot = slot;
      this.meta = meta;
      this.path = path;
    }

    synchronized int addChunk() {
      ids.add(null);
      pending.incrementAndGet();
      return ids.size() - 1;
    }

    synchronized void setChunk(int i, BlobId id) {
      ids.set(i, id);
    }

    void chunkDone() {
      if (pending.decrementAndGet() != 0) return;
      progress.itemsDone.incrementAndGet();
      if (dropped) {
        dir.childDone();
        return;
      }
      List<BlobId> content;
      synchronized (this) {
        content = List.copyOf(ids);
      }
      Node n = meta.withContent(content);
      if (size != meta.size()) {
        n = new Node(n.name(), n.type(), n.mode(), n.uid(), n.gid(), n.user(), n.group(), n.mtimeNanos(), n.ctimeNanos(),
            n.inode(), n.device(), n.links(), size, content, null, null, 0, n.xattrs());
      }
      dir.set(slot, n);
    }
  }

  /** A chunk on its way to a worker; {@code data} is null for a run of zeros (not copied). */
  private record Chunk(FileJob file, int index, byte[] data, int len) {}

  /**
   * Chunk buffers, recycled: the reader takes one per chunk and the worker gives it back, so the
   * number of buffers (and so memory) is fixed whatever the data, and the heap sees no churn of
   * megabyte-sized arrays. They hold {@link ChunkReader#pooledSize} bytes; the rare larger chunk
   * takes the one buffer of the maximum chunk size (made when first needed), so such chunks wait for
   * each other rather than cost memory.
   */
  private final BlockingQueue<byte[]> freeBuffers = new ArrayBlockingQueue<>(64);
  private final AtomicInteger buffersMade = new AtomicInteger();
  private final BlockingQueue<byte[]> largeBuffer = new ArrayBlockingQueue<>(1);
  private final AtomicInteger largeMade = new AtomicInteger();

  private final ChunkReader.Buffers chunkBuffers = new ChunkReader.Buffers() {
    @Override
    public byte[] take() throws InterruptedException {
      int limit = opt.workers() + 1;
      byte[] b = freeBuffers.poll();
      while (b == null) {
        if (buffersMade.get() < limit) {
          buffersMade.incrementAndGet();
          return new byte[ChunkReader.pooledSize(cdc.params())];
        }
        b = freeBuffers.poll(100, TimeUnit.MILLISECONDS);
        if (b == null && failure != null) throw new InterruptedException("backup failed");
      }
      return b;
    }

    @Override
    public byte[] takeLarge() throws InterruptedException {
      if (largeMade.compareAndSet(0, 1)) return new byte[cdc.params().max()];
      byte[] b;
      while ((b = largeBuffer.poll(100, TimeUnit.MILLISECONDS)) == null) {
        if (failure != null) throw new InterruptedException("backup failed");
      }
      return b;
    }

    @Override
    public void give(byte[] b) {
      if (b.length == ChunkReader.pooledSize(cdc.params())) freeBuffers.offer(b);
      else largeBuffer.offer(b);
    }
  };

  /**
   * Buffers of small files (at most one chunk), pooled apart from the chunk buffers so the extra
   * readers cost a few small buffers, not more chunk-sized ones.
   */
  private final BlockingQueue<byte[]> smallBuffers = new ArrayBlockingQueue<>(64);
  private final AtomicInteger smallMade = new AtomicInteger();

  /** Room for a small file's bytes, in whole pages: not rounded up to a MiB. */
  private int smallSize() {
    return (cdc.params().min() + 4095) & ~4095;
  }

  private byte[] takeSmallBuffer() throws InterruptedException {
    byte[] b = smallBuffers.poll();
    while (b == null) {
      // each reader holds one at most, from reading a small file until it is stored
      if (smallMade.getAndIncrement() < SMALL_READERS + 1) return new byte[smallSize()];
      smallMade.decrementAndGet();
      b = smallBuffers.poll(100, TimeUnit.MILLISECONDS);
      if (b == null && failure != null) throw new InterruptedException("backup failed");
    }
    return b;
  }

  // ---------------------------------------------------------------- read and chunk

  private void readLoop(BlockingQueue<Object> queue) {
    try {
      while (true) {
        Object o = queue.take();
        if (o == EOF) {
          queue.put(EOF); // for the next reader of this queue
          break;
        }
        readFile((FileJob) o);
      }
      if (readersLeft.decrementAndGet() > 0) return; // the last reader to finish ends the workers
      for (int i = 0; i < opt.workers(); i++) {
        while (!chunks.offer(EOF, 100, TimeUnit.MILLISECONDS)) if (failure != null) return;
      }
    } catch (InterruptedException e) {
      // stopped
    } catch (Throwable t) {
      fail(t);
    }
  }

  private void readFile(FileJob f) throws InterruptedException {
    long total = 0;
    byte[] small = null; // a small file's bytes, stored by this thread once the file is closed
    try (FileChannel ch = FileChannel.open(f.path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      int min = cdc.params().min();
      long expected = f.meta.size();
      if (expected <= min) {
        // small file: one chunk, read straight into a pooled array
        int n = 0;
        if (expected > 0) {
          small = takeSmallBuffer();
          // the expected bytes, without a last read to meet the end: a file that grew meanwhile has
          // a new size (and mtime), which the lstat below sees
          ByteBuffer bb = ByteBuffer.wrap(small, 0, (int) expected);
          while (bb.hasRemaining() && IoSlices.read(ch, bb) >= 0) {}
          n = bb.position();
        }
        total = n;
      } else {
        total = ChunkReader.read(cdc, chunkBuffers, ch, new ChunkReader.Sink() {
          @Override
          public void chunk(byte[] data, int len) throws InterruptedException {
            progress.bytesDone.addAndGet(len);
            submit(f, data, len);
          }

          @Override
          public void read(int n) {
            progress.bytesRead.addAndGet(n);
          }
        });
      }
    } catch (NoSuchFileException e) {
      error(f.path, "vanished before it could be read");
      f.dropped = true;
    } catch (AccessDeniedException e) {
      error(f.path, "permission denied; not backed up");
      f.dropped = true;
    } catch (IOException e) {
      error(f.path, "read failed: " + e.getMessage() + "; not backed up");
      f.dropped = true;
    }
    if (small != null) {
      try {
        if (!f.dropped && total > 0) storeSmall(f, small, (int) total);
      } finally {
        smallBuffers.offer(small);
      }
    }
    if (!f.dropped) {
      try {
        long[] now = PosixFs.sizeAndMtime(f.path);
        if (now[0] != f.meta.size() || now[1] != f.meta.mtimeNanos()) {
          error(f.path, "changed while being read; the saved copy may mix old and new content");
        }
      } catch (IOException e) {
        error(f.path, "vanished while being read; the saved copy is what was read");
      }
      f.size = total;
    }
    f.chunkDone();
  }

  /**
   * Hashes and stores a small file's one chunk on the reading thread: no hand-off to a worker and
   * back (a queue, a wake-up and a buffer returned across threads per file), which in a tree of
   * many small files cost more than the work itself. A failure to store fails the backup.
   */
  private void storeSmall(FileJob f, byte[] data, int len) throws InterruptedException {
    int idx = f.addChunk();
    progress.bytesDone.addAndGet(len);
    progress.bytesRead.addAndGet(len);
    BlobId id = repo.sealer().masterKey().id(data, 0, len);
    try {
      writer.store(BlobType.DATA, id, data, 0, len);
    } catch (IOException e) {
      fail(e); // the repository's failure, not the file's
      throw new InterruptedException("backup failed");
    }
    f.setChunk(idx, id);
    f.chunkDone();
  }

  private void submit(FileJob f, byte[] data, int len) throws InterruptedException {
    int idx = f.addChunk();
    while (!chunks.offer(new Chunk(f, idx, data, len), 100, TimeUnit.MILLISECONDS)) {
      if (failure != null) throw new InterruptedException("backup failed");
    }
  }

  // ---------------------------------------------------------------- hash, dedup, compress, encrypt

  private void workLoop() {
    try {
      while (true) {
        Object o = chunks.take();
        if (o == EOF) return;
        Chunk c = (Chunk) o;
        byte[] d = c.data();
        BlobId id;
        if (d == null) {
          id = zeroIds.computeIfAbsent(c.len(), len -> repo.sealer().masterKey().idOfZeros(len));
          if (!writer.known(id)) writer.storeZeros(id, c.len());
        } else {
          id = repo.sealer().masterKey().id(d, 0, c.len());
          writer.store(BlobType.DATA, id, d, 0, c.len());
          chunkBuffers.give(d);
        }
        c.file().setChunk(c.index(), id);
        c.file().chunkDone();
      }
    } catch (InterruptedException e) {
      // stopped
    } catch (Throwable t) {
      fail(t);
    }
  }

}
