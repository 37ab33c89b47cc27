package io.cairn.engine.store;

import io.cairn.engine.MissingObjectException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** An in-memory store for unit tests of the engine. Atomic and durable trivially. */
public final class MemoryObjectStore implements ObjectStore {
  private final Map<String, byte[]> objects = new ConcurrentSkipListMap<>();

  @Override
  public String location() {
    return "memory";
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    List<ObjectInfo> out = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : objects.entrySet()) {
      if (e.getKey().startsWith(prefix)) out.add(new ObjectInfo(e.getKey(), e.getValue().length));
    }
    return out;
  }

  @Override
  public byte[] get(String key) throws IOException {
    byte[] b = objects.get(key);
    if (b == null) throw new MissingObjectException(key);
    return b.clone();
  }

  @Override
  public byte[] get(String key, long offset, int length) throws IOException {
    byte[] b = objects.get(key);
    if (b == null) throw new MissingObjectException(key);
    int from = (int) Math.min(offset, b.length);
    return Arrays.copyOfRange(b, from, (int) Math.min(b.length, (long) from + length));
  }

  @Override
  public boolean put(String key, byte[] data, int off, int len, boolean ifAbsent) {
    byte[] copy = Arrays.copyOfRange(data, off, off + len);
    if (ifAbsent) return objects.putIfAbsent(key, copy) == null;
    objects.put(key, copy);
    return true;
  }

  /** For tests: replaces an object's bytes in place, as bit rot would. */
  public void corrupt(String key, int offset) {
    objects.get(key)[offset] ^= 0x01;
  }

  @Override
  public void delete(String key) {
    objects.remove(key);
  }

  @Override
  public Optional<ObjectInfo> stat(String key) {
    byte[] b = objects.get(key);
    return b == null ? Optional.empty() : Optional.of(new ObjectInfo(key, b.length));
  }
}
