package io.cairn.engine.repo;

import io.cairn.engine.BlobId;
import io.cairn.engine.store.ObjectStore;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Windows on the packs of a remote store: whole packs, or aligned segments of them, fetched with one
 * request each and kept in memory within a byte budget, so that reading the blobs of a pack one by
 * one (a restore in tree order, a backup reading its parent's trees) costs one round trip per window
 * instead of one per blob. Threads that need the same window wait for one fetch. A local store is
 * read directly.
 *
 * <p>Over budget, the least recently used window leaves memory; with a spill folder, it goes to a
 * temporary file there (up to a limit) and is read back from it, not fetched again. A restore in tree
 * order comes back to packs for the blobs of later files (deduplicated data, folders whose packs
 * interleave): with memory alone, it fetched twice what the repository holds (measured on the shared
 * bench data; keeping the windows mostly read already did not help, blobs being read again).
 */
final class PackWindows {
  /** Fetches {@code length} bytes of a pack from {@code offset} (fewer at its end); a whole-pack fetcher ignores both. */
  @FunctionalInterface
  interface Fetcher {
    byte[] fetch(BlobId pack, long offset, int length) throws IOException;
  }

  private record Window(BlobId pack, long index) {}

  /** A window being fetched, fetched, or spilled. */
  private static final class Slot {
    final CompletableFuture<byte[]> data = new CompletableFuture<>();
    // once spilled (guarded by the windows' lock): where in the spill file, and how long
    long spilledAt = -1;
    int length;
  }

  private final Fetcher fetcher;
  private final long budget;
  private final int segment; // 0: whole packs
  private final Path spillDir; // null: never spill
  private final long spillLimit;
  private final LinkedHashMap<Window, Slot> windows = new LinkedHashMap<>(16, 0.75f, true);
  private long held; // guarded by this: bytes of the completed windows in memory
  private FileChannel spill; // guarded by this
  private long spilled; // guarded by this: bytes written to the spill file

  /**
   * Segments of {@code segment} bytes of a store's packs; windows out of memory go to a temporary
   * file in {@code spillDir} (at most {@code spillLimit} bytes in all) rather than away.
   */
  PackWindows(ObjectStore store, long budget, int segment, Path spillDir, long spillLimit) {
    this((pack, offset, length) -> store.get(Repository.packKey(pack), offset, length), budget, segment, spillDir, spillLimit);
  }

  /** Whole packs, from {@code fetcher}, in memory only. */
  PackWindows(Fetcher fetcher, long budget) {
    this(fetcher, budget, 0, null, 0);
  }

  PackWindows(Fetcher fetcher, long budget, int segment, Path spillDir, long spillLimit) {
    this.fetcher = fetcher;
    this.budget = budget;
    this.segment = segment;
    this.spillDir = spillDir;
    this.spillLimit = spillLimit;
  }

  /** Reads {@code len} bytes at {@code off} of a pack into {@code dst}; returns the count (fewer when the pack ends first). */
  int read(BlobId pack, long off, byte[] dst, int dstOff, int len) throws IOException {
    if (segment == 0) return readWindow(new Window(pack, 0), off, dst, dstOff, len);
    int done = 0;
    while (done < len) {
      long at = off + done;
      long index = at / segment;
      long in = at - index * segment;
      int n = readWindow(new Window(pack, index), in, dst, dstOff + done, len - done);
      done += n;
      if (n == 0 || in + n < segment) break; // the pack ended
    }
    return done;
  }

  private int readWindow(Window w, long off, byte[] dst, int dstOff, int len) throws IOException {
    Slot slot;
    boolean fetch = false;
    synchronized (this) {
      slot = windows.get(w);
      if (slot == null) {
        slot = new Slot();
        windows.put(w, slot);
        fetch = true;
      } else if (slot.spilledAt >= 0) {
        if (off >= slot.length) return 0;
        int n = (int) Math.min(len, slot.length - off);
        ByteBuffer b = ByteBuffer.wrap(dst, dstOff, n);
        while (b.hasRemaining()) {
          if (spill.read(b, slot.spilledAt + off + b.position() - dstOff) < 0) throw new IOException("spilled window cut short");
        }
        return n;
      }
    }
    CompletableFuture<byte[]> f = slot.data;
    if (fetch) {
      try {
        byte[] b = fetcher.fetch(w.pack(), w.index() * segment, segment);
        f.complete(b);
        synchronized (this) {
          held += b.length;
          evict(w);
        }
      } catch (IOException | RuntimeException e) {
        f.completeExceptionally(e);
        synchronized (this) {
          windows.remove(w, slot);
        }
        throw e;
      }
    }
    byte[] b;
    try {
      b = f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading pack " + w.pack());
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) throw io;
      if (c instanceof RuntimeException r) throw r;
      throw new UncheckedIOException(new IOException(c));
    }
    if (b == null) return readWindow(w, off, dst, dstOff, len); // spilled meanwhile
    if (off >= b.length) return 0;
    int n = (int) Math.min(len, b.length - off);
    System.arraycopy(b, (int) off, dst, dstOff, n);
    return n;
  }

  /** Frees memory until within budget, least recently used first (see the class comment), never dropping {@code keep}. */
  private void evict(Window keep) throws IOException {
    Iterator<Map.Entry<Window, Slot>> it = windows.entrySet().iterator();
    while (held > budget && it.hasNext()) {
      Map.Entry<Window, Slot> e = it.next();
      Slot s = e.getValue();
      if (e.getKey().equals(keep) || s.spilledAt >= 0 || !s.data.isDone() || s.data.isCompletedExceptionally()) continue;
      byte[] b = s.data.join();
      held -= b.length;
      if (!spill(s, b)) it.remove();
    }
  }

  /** Moves a window from memory into the spill file; false when there is no room. */
  private boolean spill(Slot s, byte[] b) throws IOException {
    if (spillDir == null || spilled + b.length > spillLimit) return false;
    if (spill == null) {
      Path file = Files.createTempFile(spillDir, "cairn-windows-", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      spill = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE);
    }
    ByteBuffer buf = ByteBuffer.wrap(b);
    while (buf.hasRemaining()) spilled += spill.write(buf, spilled);
    s.spilledAt = spilled - b.length;
    s.length = b.length;
    s.data.obtrudeValue(null); // the bytes go; a reader that took the slot before looks again
    return true;
  }

  /** Drops every window and the spill file. */
  synchronized void clear() {
    windows.clear();
    held = 0;
    if (spill != null) {
      try {
        spill.close();
      } catch (IOException ignored) {
        // deleted on close; nothing more to do
      }
      spill = null;
      spilled = 0;
    }
  }
}
