package io.cairn.testkit;

import io.cairn.engine.store.ObjectInfo;
import io.cairn.engine.store.ObjectStore;
import io.cairn.engine.store.PendingObject;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A store that passes every call to another; tests override the calls they watch or break. */
public class ForwardingObjectStore implements ObjectStore {
  protected final ObjectStore inner;

  public ForwardingObjectStore(ObjectStore inner) {
    this.inner = inner;
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
    return inner.put(key, data, off, len, ifAbsent);
  }

  @Override
  public PendingObject create() throws IOException {
    return inner.create();
  }

  @Override
  public void delete(String key) throws IOException {
    inner.delete(key);
  }

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    return inner.stat(key);
  }

  @Override
  public int sweepTemp(Instant before) throws IOException {
    return inner.sweepTemp(before);
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }
}
