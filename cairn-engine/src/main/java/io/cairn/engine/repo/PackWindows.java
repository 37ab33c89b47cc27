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
  /** Fetches a whole pack. */
  @FunctionalInterface
  interface Fetcher {
    byte[] fetch(BlobId pack) throws IOException;
  }

  /** Reads a pack's bytes from {@code offset} into all of {@code into}; returns the count (fewer at its end). */
  @FunctionalInterface
  interface RangeFetcher {
    int fetch(BlobId pack, long offset, byte[] into) throws IOException;
  }

  /** A window's bytes: the first {@code length} of {@code bytes} (a segment's array is reused once the window is gone). */
  private record Bytes(byte[] bytes, int length) {}

  private record Window(BlobId pack, long index) {}

  /** A window being fetched, fetched, or spilled. */
  private static final class Slot {
    final CompletableFuture<Bytes> data = new CompletableFuture<>();
    // guarded by the windows' lock: readers copying from its bytes now (it stays while any is), and
    // once spilled, where in the spill file and how long
    int readers;
    long spilledAt = -1;
    int length;
  }

  private final Fetcher fetcher; // whole packs
  private final RangeFetcher ranges; // segments
  /** Arrays of windows that are gone, for the next fetches (guarded by this): a restore allocated an 8 MiB array per window, old-generation garbage that cost it 13 full collections. */
  private final java.util.ArrayDeque<byte[]> free = new java.util.ArrayDeque<>();
  private final long budget;
  private final int segment; // 0: whole packs
  private final Path spillDir; // null: never spill
  private final long spillLimit;
  private final LinkedHashMap<Window, Slot> windows = new LinkedHashMap<>(16, 0.75f, true);
  private long held; // guarded by this: bytes of the completed windows in memory
  private FileChannel spill; // guarded by this
  private long spilled; // guarded by this: bytes written to the spill file
  private boolean spillOff; // guarded by this: writing it failed (a full disk): no more spilling until cleared

  /**
   * Segments of {@code segment} bytes of a store's packs; windows out of memory go to a temporary
   * file in {@code spillDir} (at most {@code spillLimit} bytes in all) rather than away.
   */
  PackWindows(ObjectStore store, long budget, int segment, Path spillDir, long spillLimit) {
    this((pack, offset, into) -> store.read(Repository.packKey(pack), offset, into, 0, into.length), budget, segment, spillDir,
        spillLimit);
  }

  /** Whole packs, from {@code fetcher}, in memory only. */
  PackWindows(Fetcher fetcher, long budget) {
    this.fetcher = fetcher;
    this.ranges = null;
    this.budget = budget;
    this.segment = 0;
    this.spillDir = null;
    this.spillLimit = 0;
  }

  PackWindows(RangeFetcher ranges, long budget, int segment, Path spillDir, long spillLimit) {
    if (segment <= 0) throw new IllegalArgumentException("segments need a size");
    this.fetcher = null;
    this.ranges = ranges;
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
      }
      if (slot.spilledAt >= 0) {
        if (off >= slot.length) return 0;
        int n = (int) Math.min(len, slot.length - off);
        ByteBuffer b = ByteBuffer.wrap(dst, dstOff, n);
        try {
          while (b.hasRemaining()) {
            if (spill.read(b, slot.spilledAt + off + b.position() - dstOff) < 0) throw new IOException("spilled window cut short");
          }
          return n;
        } catch (IOException e) {
          // an interrupt closes the channel; a disk may fail: the spilled windows are fetched again
          dropSpill();
          slot = new Slot();
          windows.put(w, slot);
          fetch = true;
        }
      }
      slot.readers++; // its bytes stay until this read has copied them
    }
    try {
      CompletableFuture<Bytes> f = slot.data;
      if (fetch) {
        try {
          Bytes b = fetch(w);
          f.complete(b);
          synchronized (this) {
            if (windows.get(w) == slot) { // not cleared meanwhile
              held += b.bytes().length;
              evict(w);
            }
          }
        } catch (Throwable e) { // an Error too: readers waiting for this window must not wait for ever
          f.completeExceptionally(e);
          synchronized (this) {
            windows.remove(w, slot);
          }
          throw e;
        }
      }
      Bytes b;
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
      if (off >= b.length()) return 0;
      int n = (int) Math.min(len, b.length() - off);
      System.arraycopy(b.bytes(), (int) off, dst, dstOff, n);
      return n;
    } finally {
      synchronized (this) {
        slot.readers--;
      }
    }
  }

  /** Fetches a window: a whole pack, or a segment into an array of a window that is gone. */
  private Bytes fetch(Window w) throws IOException {
    if (segment == 0) {
      byte[] b = fetcher.fetch(w.pack());
      return new Bytes(b, b.length);
    }
    byte[] into;
    synchronized (this) {
      into = free.poll();
    }
    if (into == null) into = new byte[segment];
    try {
      return new Bytes(into, ranges.fetch(w.pack(), w.index() * segment, into));
    } catch (Throwable e) {
      recycle(into);
      throw e;
    }
  }

  /** Keeps a segment's array for a later fetch, as many as the budget holds. */
  private synchronized void recycle(byte[] b) {
    if (segment > 0 && b.length == segment && (long) free.size() * segment < budget) free.push(b);
  }

  /** Frees memory until within budget, least recently used first (see the class comment), never dropping {@code keep}. */
  private void evict(Window keep) {
    boolean spillFailed = false;
    Iterator<Map.Entry<Window, Slot>> it = windows.entrySet().iterator();
    while (held > budget && it.hasNext()) {
      Map.Entry<Window, Slot> e = it.next();
      Slot s = e.getValue();
      if (e.getKey().equals(keep) || s.readers > 0 || s.spilledAt >= 0 || !s.data.isDone() || s.data.isCompletedExceptionally()) continue;
      Bytes b = s.data.join();
      held -= b.bytes().length;
      boolean spilled = false;
      if (!spillFailed && !spillOff) {
        try {
          spilled = spill(s, b);
        } catch (IOException full) {
          spillFailed = true; // a full or failing disk: windows are dropped (and fetched again) from now on
        }
      }
      if (!spilled) it.remove();
      recycle(b.bytes());
    }
    if (spillFailed) {
      dropSpill();
      spillOff = true;
    }
  }

  /** Moves a window from memory into the spill file; false when there is no room. */
  private boolean spill(Slot s, Bytes bytes) throws IOException {
    if (spillDir == null || spilled + bytes.length() > spillLimit) return false;
    if (spill == null) {
      Path file = Files.createTempFile(spillDir, "cairn-windows-", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      spill = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE);
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes.bytes(), 0, bytes.length());
    long at = spilled;
    while (buf.hasRemaining()) at += spill.write(buf, at);
    spilled = at;
    s.spilledAt = spilled - bytes.length();
    s.length = bytes.length();
    s.data.obtrudeValue(new Bytes(new byte[0], 0)); // the array goes back to the pool; no reader holds it (readers == 0)
    return true;
  }

  /** Forgets the spilled windows and the spill file (they are fetched again when needed); caller holds the lock. */
  private void dropSpill() {
    windows.values().removeIf(s -> s.spilledAt >= 0);
    if (spill != null) {
      try {
        spill.close();
      } catch (IOException ignored) {
        // deleted on close
      }
    }
    spill = null;
    spilled = 0;
  }

  /** Drops every window and the spill file. */
  synchronized void clear() {
    dropSpill();
    windows.clear();
    free.clear();
    held = 0;
    spillOff = false;
  }
}
