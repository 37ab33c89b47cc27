package io.cairn.engine.store;

import java.io.IOException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A store that passes every call, the optional ones included (capabilities, locks, storage class,
 * batch delete, purge), to another; a wrapper overrides what it changes ({@link CachingStore}, and
 * the tests' fault injectors). A new method of {@link ObjectStore} is forwarded here once, so no
 * wrapper hides what the store under it can do.
 */
public class ForwardingObjectStore implements ObjectStore {
  protected final ObjectStore inner;

  public ForwardingObjectStore(ObjectStore inner) {
    this.inner = inner;
  }

  /** The store under this one. */
  public ObjectStore inner() {
    return inner;
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
  public Page listPage(String prefix, String after, int max) throws IOException {
    return inner.listPage(prefix, after, max);
  }

  @Override
  public void forEach(String prefix, Visitor visitor) throws IOException {
    inner.forEach(prefix, visitor);
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
  public int sweepTemp(Instant before) throws IOException {
    return inner.sweepTemp(before);
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
  public void deleteAll(Collection<String> keys) throws IOException {
    inner.deleteAll(keys);
  }

  @Override
  public void purge(Collection<String> keys) throws IOException {
    inner.purge(keys);
  }

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    return inner.stat(key);
  }

  @Override
  public Set<Capability> capabilities() {
    return inner.capabilities();
  }

  @Override
  public void packStorageClass(String storageClass) {
    inner.packStorageClass(storageClass);
  }

  @Override
  public void lockNewObjects(Function<String, Lock> locks) {
    inner.lockNewObjects(locks);
  }

  @Override
  public Optional<Lock> lockOf(String key) throws IOException {
    return inner.lockOf(key);
  }

  @Override
  public void extendLock(String key, Lock lock) throws IOException {
    inner.extendLock(key, lock);
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }
}
