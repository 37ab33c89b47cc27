package io.cairn.engine.store;

import java.io.Closeable;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Where a repository's objects live: a flat namespace of immutable objects named by keys such as
 * {@code data/3f/3f9c...}. Implementations: {@link LocalObjectStore} (a folder),
 * {@link MemoryObjectStore} (tests); others (S3 in cairn-store-s3) come through {@link StoreProvider}.
 *
 * <p>Contract, relied on by the engine's crash safety: {@link #put} is atomic (readers see the
 * whole object or none of it) and durable when it returns; objects are never modified in place.
 */
public interface ObjectStore extends Closeable {
  /** A human-readable location, used in messages. */
  String location();

  /**
   * Keys under {@code prefix} (for example {@code "snapshots/"}), in no particular order, all at once:
   * for prefixes that hold few objects. Listings that can be long (packs) go page by page with
   * {@link #forEach} or {@link #listPage}.
   */
  List<ObjectInfo> list(String prefix) throws IOException;

  /** One page of a listing: objects in key order, and the key the next page starts after (null after the last page). */
  record Page(List<ObjectInfo> objects, String next) {}

  /** Objects a page of {@link #forEach} holds. */
  int PAGE = 1000;

  /**
   * At most {@code max} objects under {@code prefix} whose keys sort after {@code after} (null: from
   * the first), in key order: a listing in pieces whose memory is one page whatever the number of
   * objects. This default lists everything and cuts, for stores that are small by nature (memory).
   */
  default Page listPage(String prefix, String after, int max) throws IOException {
    List<ObjectInfo> all = new java.util.ArrayList<>();
    for (ObjectInfo o : list(prefix)) if (after == null || o.key().compareTo(after) > 0) all.add(o);
    all.sort(java.util.Comparator.comparing(ObjectInfo::key));
    if (all.size() <= max) return new Page(List.copyOf(all), null);
    return new Page(List.copyOf(all.subList(0, max)), all.get(max - 1).key());
  }

  /** What {@link #forEach} calls for each object. */
  @FunctionalInterface
  interface Visitor {
    void visit(ObjectInfo o) throws IOException;
  }

  /** Visits every object under {@code prefix} in key order, {@value #PAGE} at a time (see {@link #listPage}). */
  default void forEach(String prefix, Visitor visitor) throws IOException {
    String after = null;
    do {
      Page p = listPage(prefix, after, PAGE);
      for (ObjectInfo o : p.objects()) visitor.visit(o);
      if (p.next() != null && after != null && p.next().compareTo(after) <= 0) {
        throw new IOException("the listing of " + prefix + " in " + location() + " does not advance past " + after
            + " (a store that ignores where a page starts)");
      }
      after = p.next();
    } while (after != null);
  }

  /** The whole object; {@link io.cairn.engine.MissingObjectException} when absent. */
  byte[] get(String key) throws IOException;

  /** {@code length} bytes from {@code offset}; fewer only if the object ends first. */
  byte[] get(String key, long offset, int length) throws IOException;

  /** Reads {@code len} bytes from {@code offset} into {@code dst}; returns the count read. */
  default int read(String key, long offset, byte[] dst, int dstOff, int len) throws IOException {
    byte[] b = get(key, offset, len);
    System.arraycopy(b, 0, dst, dstOff, b.length);
    return b.length;
  }

  /**
   * Stores an object atomically and durably. With {@code ifAbsent}, an existing object is left
   * alone and false returned; otherwise an existing object is replaced.
   */
  boolean put(String key, byte[] data, int off, int len, boolean ifAbsent) throws IOException;

  default boolean put(String key, byte[] data) throws IOException {
    return put(key, data, 0, data.length, false);
  }

  /**
   * Removes what writes cut short by a crash left behind (temp files, unfinished uploads) that is
   * older than {@code before}; younger leftovers may belong to a write running now. Returns how many
   * went. Stores whose writes leave nothing behind keep the default.
   */
  default int sweepTemp(Instant before) throws IOException {
    return 0;
  }

  /**
   * Starts an object written piece by piece and named at the end. The default buffers it in memory
   * and stores it with {@link #put}; stores that can stream (a local folder) override it.
   */
  default PendingObject create() throws IOException {
    ObjectStore self = this;
    return new PendingObject() {
      private byte[] buf = new byte[1 << 16];

      @Override
      public synchronized void write(long pos, byte[] b, int off, int len) {
        int end = Math.toIntExact(pos + len);
        if (end > buf.length) buf = Arrays.copyOf(buf, Math.max(end, buf.length * 2));
        System.arraycopy(b, off, buf, (int) pos, len);
      }

      @Override
      public synchronized int read(long pos, byte[] b, int off, int len) {
        System.arraycopy(buf, (int) pos, b, off, len);
        return len;
      }

      @Override
      public synchronized boolean commit(String key, long length) throws IOException {
        return self.put(key, buf, 0, Math.toIntExact(length), true);
      }

      @Override
      public void close() {
        buf = null;
      }
    };
  }

  /** Removes an object; removing an absent one is not an error. */
  void delete(String key) throws IOException;

  /**
   * Removes many objects (a prune's packs); absent ones are not an error. Object stores override it
   * with their batch call (S3 deletes up to 1,000 keys per request); the default removes them one by
   * one. On failure some may be gone and the rest not: callers delete only what is garbage.
   */
  default void deleteAll(java.util.Collection<String> keys) throws IOException {
    for (String k : keys) delete(k);
  }

  Optional<ObjectInfo> stat(String key) throws IOException;

  /** What a store can do beyond the contract above. */
  enum Capability {
    /** Every request is a network round trip: readers fetch whole packs, writers keep several uploads in flight. */
    REMOTE,
    /**
     * Objects can be written with a retention lock that nobody, the store's owner included, can lift
     * or shorten before its time (S3 object lock, COMPLIANCE mode; GOVERNANCE lets the privileged
     * bypass it); the store keeps old versions, and {@link #purge} removes them.
     */
    OBJECT_LOCK
  }

  /** This store's capabilities; none by default (a local folder). */
  default java.util.Set<Capability> capabilities() {
    return java.util.Set.of();
  }

  /** A retention lock: no version of the object can be deleted or overwritten before {@code until}. */
  record Lock(Mode mode, Instant until) {
    public enum Mode {
      /** Users with the bypass permission may lift it. */
      GOVERNANCE,
      /** Nobody may lift or shorten it, the account's root included. */
      COMPLIANCE
    }
  }

  /**
   * From now on, every object written whose key {@code locks} maps to a lock is written with it
   * (objects it maps to null are written unlocked). Only for a store with {@link Capability#OBJECT_LOCK}.
   */
  default void lockNewObjects(java.util.function.Function<String, Lock> locks) {
    throw new UnsupportedOperationException(location() + " cannot lock objects");
  }

  /**
   * Packs ({@code data/}) written from now on go to this storage class (an archive's, such as S3's
   * GLACIER or DEEP_ARCHIVE); everything else stays in the default class, so listing and opening the
   * repository stay quick. USAGE for a store without storage classes.
   */
  default void packStorageClass(String storageClass) {
    throw new io.cairn.engine.CairnException(io.cairn.engine.ErrorCode.USAGE, location() + " has no storage classes (only object storage has)");
  }

  /** The lock of an object's current version; empty when it has none (or the store cannot lock). */
  default Optional<Lock> lockOf(String key) throws IOException {
    return Optional.empty();
  }

  /** Extends an object's lock (never shortens a COMPLIANCE one; the store refuses that). */
  default void extendLock(String key, Lock lock) throws IOException {
    throw new UnsupportedOperationException(location() + " cannot lock objects");
  }

  /**
   * Removes objects for good: on a store that keeps versions, every version of each (a locked version
   * fails the call, naming it and its lock); elsewhere the same as {@link #deleteAll}.
   */
  default void purge(java.util.Collection<String> keys) throws IOException {
    deleteAll(keys);
  }

  @Override
  default void close() throws IOException {}
}
