package io.cairn.engine.repo;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import io.cairn.engine.BlobId;
import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.Pool;
import io.cairn.engine.crypto.Sealer;
import io.cairn.engine.fs.IoSlices;
import io.cairn.engine.index.MemIndex;
import io.cairn.engine.pack.BlobType;
import io.cairn.engine.pack.Compression;
import io.cairn.engine.pack.PackEntry;
import io.cairn.engine.pack.PackWriter;
import io.cairn.engine.store.PendingObject;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stores blobs: dedup against the index and against blobs in flight, compress, encrypt into the
 * open pack of the blob's type, and hand full packs to the uploader threads (one for a local store,
 * {@value #REMOTE_UPLOADS} for a remote one).
 *
 * <p>Durability protocol: a pack is stored (atomically) first; only then are its blobs added to
 * the in-memory index and to the next index object; index objects are written every
 * {@value #INDEX_EVERY_PACKS} packs and at {@link #flush()}; the caller writes its snapshot only
 * after {@code flush()} returns. A crash at any point leaves complete packs that an index may not
 * yet name (harmless; reclaimed by prune, re-indexable from their trailers) and never an index entry
 * or snapshot pointing at data that is not stored.
 *
 * <p>Thread-safe: {@link #store} is called from many worker threads; compression and hashing run in
 * the caller's thread, only the append to the pack buffer is serialized.
 */
public final class BlobWriter implements AutoCloseable {
  static final int INDEX_EVERY_PACKS = 16;
  /** ... or every this many blobs (packs of small files hold tens of thousands): index objects stay a few MB. */
  static final int INDEX_MAX_ENTRIES = 65_536;
  private int unindexedEntries; // guarded by unindexed
  private static final int SMALL_SCRATCH = 256 * 1024;

  /** A buffer for compressing and encrypting one blob, and a compression context: borrowed per blob. */
  private static final class Scratch {
    byte[] buf;
    ZstdCompressCtx zstd;

    /**
     * The buffer, of at least {@code n} bytes: it grows in whole MiB to the largest blob met (chunks
     * cluster around the average size, so it is replaced a few times at most and never churns).
     */
    byte[] buffer(int n) {
      if (buf == null || buf.length < n) buf = new byte[n <= SMALL_SCRATCH ? SMALL_SCRATCH : IoSlices.bufferSize(n)];
      return buf;
    }

    void dispose() {
      if (zstd != null) zstd.close();
      zstd = null;
    }
  }

  /** This writer's scratch space, lent to one storing thread at a time; nothing stays on a thread. */
  private final Pool<Scratch> scratches = new Pool<>(Scratch::new, Scratch::dispose, Pool.defaultKeep());

  private final Repository repo;
  private final MemIndex index;
  private final int level;
  private final Set<BlobId> inFlight = ConcurrentHashMap.newKeySet();
  private final Map<BlobType, PackWriter> open = new EnumMap<>(BlobType.class);
  /** Every pack not yet committed, wherever it is (open, sealed, queued): discarded on close. */
  private final Set<PackWriter> live = ConcurrentHashMap.newKeySet();
  private final BlockingQueue<PackWriter> uploads;
  private final Map<BlobId, List<PackEntry>> unindexed = new LinkedHashMap<>();
  /** One uploader for a local store (the disk is the limit); several for a remote one, whose uploads are round trips. */
  private final List<Thread> uploaders = new ArrayList<>();
  static final int REMOTE_UPLOADS = 4;
  private volatile Throwable failure;
  private boolean closed; // guarded by open
  private int pendingUploads;
  private final Object uploadLock = new Object();

  public final AtomicLong blobsAdded = new AtomicLong();
  public final AtomicLong bytesAdded = new AtomicLong();
  public final AtomicLong bytesStored = new AtomicLong();

  public BlobWriter(Repository repo) throws IOException {
    this(repo, repo.index());
  }

  /** A writer that dedups against (and adds what it stores to) the given index. */
  public BlobWriter(Repository repo, MemIndex index) {
    this.repo = repo;
    this.index = index;
    this.level = repo.config().compressionLevel();
    int n = repo.store().capabilities().contains(io.cairn.engine.store.ObjectStore.Capability.REMOTE) ? REMOTE_UPLOADS : 1;
    this.uploads = new ArrayBlockingQueue<>(Math.max(4, n));
    for (int i = 0; i < n; i++) uploaders.add(Thread.ofPlatform().name("cairn-uploader-" + i).daemon().start(this::uploadLoop));
  }

  /** True when the blob is already stored or being stored. */
  public boolean known(BlobId id) {
    return inFlight.contains(id) || index.contains(id);
  }

  /**
   * Stores a blob unless it is already known. Returns true when this call added it.
   * The bytes may be reused by the caller once this returns.
   */
  public boolean store(BlobType type, BlobId id, byte[] data, int off, int len) throws IOException {
    checkFailure();
    if (index.contains(id) || !inFlight.add(id)) return false;
    // one scratch buffer per storing thread: a compressed payload is encrypted in place there, a raw
    // one straight from the caller's bytes into it, so a blob costs no allocation and no extra copy
    Scratch sc = scratches.take();
    try {
      byte[] buf = sc.buffer((int) Math.max(Zstd.compressBound(len), len) + Sealer.BLOB_OVERHEAD);
      byte[] src = data;
      int soff = off;
      int plen = len;
      Compression c = Compression.NONE;
      if (level > 0 && len >= 64) {
        int n = compressor(sc).compressByteArray(buf, 0, buf.length - Sealer.BLOB_OVERHEAD, data, off, len);
        if (n < len - len / 64) { // keep compression only when it saves something worth the CPU on restore
          src = buf;
          soff = 0;
          plen = n;
          c = Compression.ZSTD;
        }
      }
      append(type, id, c, src, soff, plen, len, buf);
      return true;
    } finally {
      scratches.give(sc);
    }
  }

  /**
   * Stores a blob already compressed as {@code c} says ({@code payload[off, off+plen)}, {@code rawLength}
   * bytes when decompressed) unless already known: a copy from a repository that shares blob ids,
   * which read the payload authenticated. Returns true when this call added it.
   */
  public boolean storePayload(BlobType type, BlobId id, Compression c, byte[] payload, int off, int plen, int rawLength)
      throws IOException {
    checkFailure();
    if (index.contains(id) || !inFlight.add(id)) return false;
    Scratch sc = scratches.take();
    try {
      append(type, id, c, payload, off, plen, rawLength, sc.buffer(plen + Sealer.BLOB_OVERHEAD));
      return true;
    } finally {
      scratches.give(sc);
    }
  }

  /**
   * Stores {@code len} zero bytes under {@code id} unless already known, compressed from a small
   * buffer in a stream: a long run of zeros (a sparse file's hole) costs no buffer of its size.
   */
  public boolean storeZeros(BlobId id, int len) throws IOException {
    if (level <= 0) return store(BlobType.DATA, id, new byte[len], 0, len); // stored raw: needs the bytes
    checkFailure();
    if (index.contains(id) || !inFlight.add(id)) return false;
    byte[] zeros = new byte[Math.min(len, 64 * 1024)];
    byte[] buf = new byte[len / 64 + 4096 + Sealer.BLOB_OVERHEAD]; // zeros compress far below 1/64
    ByteBuffer dst = ByteBuffer.wrap(buf, 0, buf.length - Sealer.BLOB_OVERHEAD);
    boolean done;
    try (ZstdCompressCtx z = new ZstdCompressCtx()) {
      z.setLevel(level);
      z.setPledgedSrcSize(len);
      for (int left = len; left > 0; left -= zeros.length) {
        ByteBuffer src = ByteBuffer.wrap(zeros, 0, Math.min(left, zeros.length));
        while (src.hasRemaining()) z.compressByteBufferStream(dst, src, EndDirective.CONTINUE);
      }
      done = z.compressByteBufferStream(dst, ByteBuffer.wrap(zeros, 0, 0), EndDirective.END);
    }
    if (!done) throw new IllegalStateException("zeros did not compress into " + dst.capacity() + " bytes");
    append(BlobType.DATA, id, Compression.ZSTD, buf, 0, dst.position(), len, buf);
    return true;
  }

  /** Puts a blob ready to encrypt ({@code src[soff, soff+plen)}) into the open pack of its type. */
  private void append(BlobType type, BlobId id, Compression c, byte[] src, int soff, int plen, int len, byte[] buf)
      throws IOException {
    PackWriter w;
    PackEntry e;
    synchronized (open) {
      w = open.get(type);
      if (w == null) {
        if (closed) throw new IOException("the blob writer of " + repo.store().location() + " is closed");
        PendingObject po = repo.store().create();
        try {
          w = new PackWriter(repo.sealer(), po, repo.config().packSize());
        } catch (IOException | RuntimeException ex) { // e.g. interrupted while writing the header
          po.close();
          throw ex;
        }
        open.put(type, w);
        live.add(w);
      }
      e = w.reserve(id, type, c, plen, len);
      if (w.isSealed()) open.remove(type);
    }
    boolean complete = w.write(e, src, soff, plen, buf);
    blobsAdded.incrementAndGet();
    bytesAdded.addAndGet(len);
    if (complete) enqueue(w);
  }

  private ZstdCompressCtx compressor(Scratch sc) {
    if (sc.zstd == null) {
      sc.zstd = new ZstdCompressCtx();
      sc.zstd.setLevel(level);
    }
    return sc.zstd;
  }

  private void enqueue(PackWriter p) throws IOException {
    synchronized (uploadLock) {
      pendingUploads++;
    }
    try {
      while (!uploads.offer(p, 100, TimeUnit.MILLISECONDS)) checkFailure();
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while storing a pack");
    }
  }

  private void uploadLoop() {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      failure = e;
      return;
    }
    byte[] buf = new byte[1 << 20];
    while (true) {
      PackWriter p;
      try {
        p = uploads.take();
      } catch (InterruptedException e) {
        return;
      }
      try (var out = p.output()) {
        if (failure == null) {
          long length = p.finish();
          for (long pos = 0; pos < length; ) {
            int n = out.read(pos, buf, 0, (int) Math.min(buf.length, length - pos));
            if (n <= 0) throw new IOException("pack file ended early while hashing it");
            sha.update(buf, 0, n);
            pos += n;
          }
          BlobId packId = BlobId.fromBytes(sha.digest(), 0);
          byte[] trees = null;
          if (repo.store() instanceof io.cairn.engine.store.CachingStore && length <= Integer.MAX_VALUE
              && p.entries().stream().allMatch(e -> e.type() == BlobType.TREE)) {
            // a pack of trees: the next backup reads it for its parent, so it is kept locally as it goes up
            trees = new byte[(int) length];
            for (int pos = 0; pos < length; ) {
              int n = out.read(pos, trees, pos, (int) (length - pos));
              if (n <= 0) throw new IOException("pack file ended early while caching it");
              pos += n;
            }
          }
          out.commit(Repository.packKey(packId), length);
          if (trees != null) ((io.cairn.engine.store.CachingStore) repo.store()).keepPack(Repository.packKey(packId), trees, 0, trees.length);
          live.remove(p);
          bytesStored.addAndGet(length);
          List<PackEntry> entries = p.entries();
          index.add(packId, entries);
          for (PackEntry e : entries) inFlight.remove(e.id());
          Map<BlobId, List<PackEntry>> toWrite = null;
          synchronized (unindexed) {
            unindexed.put(packId, entries);
            unindexedEntries += entries.size();
            if (unindexed.size() >= INDEX_EVERY_PACKS || unindexedEntries >= INDEX_MAX_ENTRIES) {
              toWrite = new LinkedHashMap<>(unindexed);
              unindexed.clear();
              unindexedEntries = 0;
            }
          }
          if (toWrite != null) repo.saveIndex(toWrite);
        }
      } catch (Throwable t) {
        failure = t;
      } finally {
        synchronized (uploadLock) {
          pendingUploads--;
          uploadLock.notifyAll();
        }
      }
    }
  }

  private void checkFailure() throws IOException {
    Throwable f = failure;
    if (f == null) return;
    if (f instanceof IOException io) throw new IOException(io.getMessage(), io);
    if (f instanceof CairnException ce) throw ce;
    throw new CairnException(ErrorCode.INTERNAL, "storing a pack failed: " + f, f);
  }

  /** Finishes open packs, waits until every pack is stored, then writes the index object for them. */
  public void flush() throws IOException {
    List<PackWriter> rest = new ArrayList<>();
    synchronized (open) {
      for (PackWriter w : open.values()) {
        if (w.isEmpty()) {
          w.output().close();
          live.remove(w);
        } else if (w.seal()) {
          rest.add(w);
        }
      }
      open.clear();
    }
    for (PackWriter p : rest) enqueue(p);
    synchronized (uploadLock) {
      while (pendingUploads > 0) {
        try {
          uploadLock.wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while storing packs");
        }
        checkFailure();
      }
    }
    checkFailure();
    Map<BlobId, List<PackEntry>> toWrite;
    synchronized (unindexed) {
      toWrite = new LinkedHashMap<>(unindexed);
      unindexed.clear();
      unindexedEntries = 0;
    }
    if (!toWrite.isEmpty()) repo.saveIndex(toWrite);
  }

  /** Stops the uploader and discards packs never committed (after a failure). */
  @Override
  public void close() {
    for (Thread u : uploaders) u.interrupt();
    try {
      for (Thread u : uploaders) u.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (open) {
      closed = true;
      open.clear();
    }
    uploads.clear();
    for (PackWriter w : live) {
      try {
        w.output().close(); // packs never stored: their temp files go
      } catch (IOException ignored) {
        // a temp file left behind is harmless: never read, safe to delete
      }
    }
    live.clear();
    scratches.close();
  }
}
