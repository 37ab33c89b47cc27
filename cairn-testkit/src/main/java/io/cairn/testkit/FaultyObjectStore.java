package io.cairn.testkit;

import io.cairn.engine.store.ObjectInfo;
import io.cairn.engine.store.ObjectStore;
import io.cairn.engine.store.PendingObject;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps a store and fails its N-th write point (a put, or the commit of a streamed object) as a
 * crash would: the write does not happen, and every later write fails too (the process is "dead").
 * Reads keep working so a test can then reopen and check. {@link #writes()} counts write points,
 * so a test can loop N over all of them.
 */
public final class FaultyObjectStore implements ObjectStore {
  private final ObjectStore inner;
  private final int failAt;
  private final AtomicInteger writes = new AtomicInteger();

  /** @param failAt the 1-based write point that fails; 0 never fails (to count write points) */
  public FaultyObjectStore(ObjectStore inner, int failAt) {
    this.inner = inner;
    this.failAt = failAt;
  }

  public int writes() {
    return writes.get();
  }

  private void point(String what) throws IOException {
    int n = writes.incrementAndGet();
    if (failAt > 0 && n >= failAt) throw new IOException("injected crash at write point " + n + " (" + what + ")");
  }

  @Override
  public String location() {
    return inner.location();
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    return inner.list(prefix);
  }

  @Override
  public byte[] get(String key) throws IOException {
    return inner.get(key);
  }

  @Override
  public byte[] get(String key, long offset, int length) throws IOException {
    return inner.get(key, offset, length);
  }

  @Override
  public int read(String key, long offset, byte[] dst, int dstOff, int len) throws IOException {
    return inner.read(key, offset, dst, dstOff, len);
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

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    return inner.stat(key);
  }
}
