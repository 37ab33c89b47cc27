package io.cairn.testkit;

import io.cairn.engine.store.ObjectStore;
import io.cairn.engine.store.PendingObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps a store and fails its N-th write point as a crash would. A write point is a change to the
 * store: a put, the commit of a streamed object, or a delete. At the failing point the change does
 * not happen, and every later change fails too (the process is "dead"). Reads keep working so a
 * test can then reopen and check. {@link #writes()} counts write points and {@link #points()} names
 * them in order, so a test can count them with {@code failAt = 0} and then loop N over all of them.
 *
 * <p>Points are counted in the order the calls arrive, so a loop over them is only repeatable when
 * the code under test changes the store from one thread at a time, in a fixed order (a lease
 * refresher thread writes on its own timer: give leases a time to live far longer than the run).
 */
public final class FaultyObjectStore extends io.cairn.engine.store.ForwardingObjectStore {
  private final int failAt;
  private final AtomicInteger writes = new AtomicInteger();
  private final List<String> points = Collections.synchronizedList(new ArrayList<>());

  /** @param failAt the 1-based write point that fails; 0 never fails (to count write points) */
  public FaultyObjectStore(ObjectStore inner, int failAt) {
    super(inner);
    this.failAt = failAt;
  }

  /** Write points reached so far, the failing one included. */
  public int writes() {
    return writes.get();
  }

  /** What each write point reached so far was ("put config", "delete data/3f/3f9c..."), in order. */
  public List<String> points() {
    synchronized (points) {
      return List.copyOf(points);
    }
  }

  private void point(String what) throws IOException {
    int n;
    synchronized (points) {
      n = writes.incrementAndGet();
      points.add(what);
    }
    if (failAt > 0 && n >= failAt) throw new IOException("injected crash at write point " + n + " (" + what + ")");
  }

  @Override
  public boolean put(String key, byte[] data, int off, int len, boolean ifAbsent) throws IOException {
    point("put " + key);
    return inner.put(key, data, off, len, ifAbsent);
  }

  @Override
  public PendingObject create() throws IOException {
    PendingObject p = inner.create();
    return new PendingObject() {
      @Override
      public void write(long pos, byte[] b, int off, int len) throws IOException {
        p.write(pos, b, off, len);
      }

      @Override
      public int read(long pos, byte[] b, int off, int len) throws IOException {
        return p.read(pos, b, off, len);
      }

      @Override
      public boolean commit(String key, long length) throws IOException {
        point("commit " + key);
        return p.commit(key, length);
      }

      @Override
      public void close() throws IOException {
        p.close();
      }
    };
  }

  @Override
  public void delete(String key) throws IOException {
    point("delete " + key);
    inner.delete(key);
  }

  /** One write point per key, as a crash may come between any two of a batch's deletes. */
  @Override
  public void deleteAll(java.util.Collection<String> keys) throws IOException {
    for (String k : keys) delete(k);
  }

  @Override
  public void purge(java.util.Collection<String> keys) throws IOException {
    for (String k : keys) {
      point("purge " + k);
      inner.purge(java.util.List.of(k));
    }
  }
}
