package io.cairn.engine.repo;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import io.cairn.engine.BlobId;
import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.index.MemIndex;
import io.cairn.engine.pack.BlobType;
import io.cairn.engine.pack.Compression;
import io.cairn.engine.pack.PackEntry;
import io.cairn.engine.pack.PackWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stores blobs: dedup against the index and against blobs in flight, compress, encrypt into the
 * open pack of the blob's type, and hand full packs to one uploader thread.
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
  static final int INDEX_EVERY_PACKS = 64;
  private static final ThreadLocal<ZstdCompressCtx> ZSTD = new ThreadLocal<>();
  private static final ThreadLocal<byte[]> SCRATCH = new ThreadLocal<>();

  private final Repository repo;
  private final MemIndex index;
  private final int level;
  private final Set<BlobId> inFlight = ConcurrentHashMap.newKeySet();
  private final Map<BlobType, PackWriter> open = new EnumMap<>(BlobType.class);
  private final BlockingQueue<PackWriter.FinishedPack> uploads = new ArrayBlockingQueue<>(2);
  private final BlockingQueue<byte[]> buffers = new ArrayBlockingQueue<>(4);
  private final Map<BlobId, List<PackEntry>> unindexed = new LinkedHashMap<>();
  private final Thread uploader;
  private volatile Throwable failure;
  private int pendingUploads;
  private final Object uploadLock = new Object();

  public final AtomicLong blobsAdded = new AtomicLong();
  public final AtomicLong bytesAdded = new AtomicLong();
  public final AtomicLong bytesStored = new AtomicLong();
  public final AtomicLong packsStored = new AtomicLong();

  public BlobWriter(Repository repo) throws IOException {
    this.repo = repo;
    this.index = repo.index();
    this.level = repo.config().compressionLevel();
    this.uploader = Thread.ofPlatform().name("cairn-uploader").daemon().start(this::uploadLoop);
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
    byte[] payload = data;
    int poff = off;
    int plen = len;
    Compression c = Compression.NONE;
    if (level > 0 && len >= 64) {
      byte[] dst = scratch((int) Zstd.compressBound(len));
      int n = compressor().compressByteArray(dst, 0, dst.length, data, off, len);
      if (n < len - len / 64) { // keep compression only when it saves something worth the CPU on restore
        payload = dst;
        poff = 0;
        plen = n;
        c = Compression.ZSTD;
      }
    }
    PackWriter.FinishedPack full = null;
    synchronized (open) {
      PackWriter w = open.get(type);
      if (w == null) {
        w = new PackWriter(repo.sealer(), repo.config().packSize(), buffers.poll());
        open.put(type, w);
      }
      w.add(id, type, c, payload, poff, plen, len);
      if (w.full()) {
        full = w.finish();
        open.remove(type);
      }
    }
    blobsAdded.incrementAndGet();
    bytesAdded.addAndGet(len);
    if (full != null) enqueue(full);
    return true;
  }

  private ZstdCompressCtx compressor() {
    ZstdCompressCtx z = ZSTD.get();
    if (z == null) {
      z = new ZstdCompressCtx();
      ZSTD.set(z);
    }
    z.setLevel(level);
    return z;
  }

  private static byte[] scratch(int n) {
    byte[] b = SCRATCH.get();
    if (b == null || b.length < n) {
      b = new byte[Math.max(n, 1 << 20)];
      SCRATCH.set(b);
    }
    return b;
  }

  private void enqueue(PackWriter.FinishedPack p) throws IOException {
    synchronized (uploadLock) {
      pendingUploads++;
    }
    try {
      while (!uploads.offer(p, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) checkFailure();
    } catch (InterruptedException e) {
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
    while (true) {
      PackWriter.FinishedPack p;
      try {
        p = uploads.take();
      } catch (InterruptedException e) {
        return;
      }
      try {
        if (failure == null) {
          sha.update(p.bytes(), 0, p.length());
          BlobId packId = BlobId.fromBytes(sha.digest(), 0);
          repo.store().put(Repository.packKey(packId), p.bytes(), 0, p.length(), true);
          bytesStored.addAndGet(p.length());
          packsStored.incrementAndGet();
          index.add(packId, p.entries());
          for (PackEntry e : p.entries()) inFlight.remove(e.id());
          Map<BlobId, List<PackEntry>> toWrite = null;
          synchronized (unindexed) {
            unindexed.put(packId, p.entries());
            if (unindexed.size() >= INDEX_EVERY_PACKS) {
              toWrite = new LinkedHashMap<>(unindexed);
              unindexed.clear();
            }
          }
          if (toWrite != null) repo.saveIndex(toWrite);
          buffers.offer(p.bytes());
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
    List<PackWriter.FinishedPack> rest = new java.util.ArrayList<>();
    synchronized (open) {
      for (PackWriter w : open.values()) if (!w.isEmpty()) rest.add(w.finish());
      open.clear();
    }
    for (PackWriter.FinishedPack p : rest) enqueue(p);
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
    }
    if (!toWrite.isEmpty()) repo.saveIndex(toWrite);
  }

  @Override
  public void close() {
    uploader.interrupt();
  }
}
