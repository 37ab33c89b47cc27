package io.cairn.engine.repo;

import io.cairn.engine.BlobId;
import io.cairn.engine.store.ObjectStore;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Whole packs of a remote store, fetched with one request each and kept in memory (least recently
 * used first out, within a byte budget), so that reading the blobs of a pack one by one (a restore
 * in tree order, a backup reading its parent's trees) costs one round trip per pack instead of one
 * per blob. Threads that need the same pack wait for one fetch. A local store is read directly.
 */
final class PackWindows {
  /** Fetches a whole pack. */
  @FunctionalInterface
  interface Fetcher {
    byte[] fetch(BlobId pack) throws IOException;
  }

  private final Fetcher fetcher;
  private final long budget;
  private final LinkedHashMap<BlobId, CompletableFuture<byte[]>> packs = new LinkedHashMap<>(16, 0.75f, true);
  private long held; // guarded by this: bytes of the completed packs kept

  PackWindows(ObjectStore store, long budget) {
    this(pack -> store.get(Repository.packKey(pack)), budget);
  }

  PackWindows(Fetcher fetcher, long budget) {
    this.fetcher = fetcher;
    this.budget = budget;
  }

  /** Reads {@code len} bytes at {@code off} of a pack into {@code dst}; returns the count (fewer when the pack ends first). */
  int read(BlobId pack, long off, byte[] dst, int dstOff, int len) throws IOException {
    CompletableFuture<byte[]> f;
    boolean fetch = false;
    synchronized (this) {
      f = packs.get(pack);
      if (f == null) {
        f = new CompletableFuture<>();
        packs.put(pack, f);
        fetch = true;
      }
    }
    if (fetch) {
      try {
        byte[] b = fetcher.fetch(pack);
        f.complete(b);
        synchronized (this) {
          held += b.length;
          evict(pack);
        }
      } catch (IOException | RuntimeException e) {
        f.completeExceptionally(e);
        synchronized (this) {
          packs.remove(pack, f);
        }
        throw e;
      }
    }
    byte[] b;
    try {
      b = f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading pack " + pack);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) throw io;
      if (c instanceof RuntimeException r) throw r;
      throw new UncheckedIOException(new IOException(c));
    }
    if (off >= b.length) return 0;
    int n = (int) Math.min(len, b.length - off);
    System.arraycopy(b, (int) off, dst, dstOff, n);
    return n;
  }

  /** Drops the least recently used completed packs until within budget, never {@code keep}. */
  private void evict(BlobId keep) {
    Iterator<Map.Entry<BlobId, CompletableFuture<byte[]>>> it = packs.entrySet().iterator();
    while (held > budget && it.hasNext()) {
      Map.Entry<BlobId, CompletableFuture<byte[]>> e = it.next();
      if (e.getKey().equals(keep) || !e.getValue().isDone() || e.getValue().isCompletedExceptionally()) continue;
      held -= e.getValue().join().length;
      it.remove();
    }
  }

  synchronized void clear() {
    packs.clear();
    held = 0;
  }
}
