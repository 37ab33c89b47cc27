package io.cairn.engine.store;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A local cache in front of a remote store for the objects every command reads again and that never
 * change under their name: index objects, snapshots and group manifests (named by the keyed hash of
 * their content), and the packs that hold only trees (named by the SHA-256 of their bytes), which a
 * backup reads for its parent and writes here as it uploads them. An unchanged backup or a listing
 * then reads them from the local disk, as restic's cache does.
 *
 * <p>Each cache file ends with the SHA-256 of the object's bytes: a file that does not match (a
 * damaged disk, a write cut short) is deleted and the object fetched again. A listing of a cached
 * prefix removes the cache files of objects no longer in the store. Everything else passes through.
 * The cache holds ciphertext only (objects as stored), in a folder private to its user.
 */
public final class CachingStore extends ForwardingObjectStore {
  private static final List<String> CACHED = List.of("index/", "snapshots/", "groups/");
  private final Path dir;

  /** @param dir this repository's cache folder (made on first use, mode 700) */
  public CachingStore(ObjectStore inner, Path dir) {
    super(inner);
    this.dir = dir;
  }

  private static boolean cached(String key) {
    for (String p : CACHED) if (key.startsWith(p)) return true;
    return false;
  }

  private Path file(String key) {
    return dir.resolve(key);
  }

  /** The cached bytes of an object, or null when absent or damaged (a damaged file is removed). */
  private byte[] read(String key) {
    Path f = file(key);
    try {
      byte[] b = Files.readAllBytes(f);
      if (b.length >= 32) {
        byte[] body = Arrays.copyOf(b, b.length - 32);
        if (MessageDigest.isEqual(sha256(body), Arrays.copyOfRange(b, b.length - 32, b.length))) return body;
      }
      Files.deleteIfExists(f);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      return null; // unreadable: fetched from the store instead
    }
    return null;
  }

  /** Keeps an object's bytes in the cache; failing to is never an error (the store has them). */
  private void keep(String key, byte[] body, int off, int len) {
    try {
      Path f = file(key);
      Files.createDirectories(f.getParent());
      if (!Files.exists(dir.resolve(".private"))) {
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Files.createFile(dir.resolve(".private"));
      }
      Path tmp = f.resolveSibling(f.getFileName() + "." + ProcessHandle.current().pid() + "." + Thread.currentThread().threadId() + ".tmp");
      byte[] part = off == 0 && len == body.length ? body : Arrays.copyOfRange(body, off, off + len);
      byte[] all = Arrays.copyOf(part, len + 32);
      System.arraycopy(sha256(part), 0, all, len, 32);
      Files.write(tmp, all);
      try {
        Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | RuntimeException e) {
      // a cache that cannot be written only costs the next read a round trip
    }
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** A tree pack's bytes from the cache, or null; see {@link #keepPack}. */
  public byte[] cachedPack(String key) {
    return read(key);
  }

  /** Whether an object has a cache file (not whether it is intact: reading it checks that). */
  public boolean has(String key) {
    return Files.isRegularFile(file(key));
  }

  /** Keeps a pack that holds only trees (written by a backup, or read whole for its trees). */
  public void keepPack(String key, byte[] bytes, int off, int len) {
    keep(key, bytes, off, len);
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    List<ObjectInfo> out = inner.list(prefix);
    if (cached(prefix) || prefix.equals("data/")) prune(prefix, out);
    return out;
  }

  /**
   * Visits page by page, and prunes like {@link #list}: the cache's own keys under the prefix (few:
   * tree packs, index objects) are what it remembers, not the listing.
   */
  @Override
  public void forEach(String prefix, Visitor visitor) throws IOException {
    if (!cached(prefix) && !prefix.equals("data/")) {
      inner.forEach(prefix, visitor);
      return;
    }
    Set<String> gone = cachedKeys(prefix);
    inner.forEach(prefix, o -> {
      gone.remove(o.key());
      visitor.visit(o);
    });
    try {
      for (String key : gone) Files.deleteIfExists(file(key));
    } catch (IOException e) {
      // left for the next listing: the cache never fails what it serves
    }
  }

  /** Removes the cache files under a prefix whose objects the listing no longer has. */
  private void prune(String prefix, List<ObjectInfo> listed) {
    Set<String> gone = cachedKeys(prefix);
    for (ObjectInfo o : listed) gone.remove(o.key());
    try {
      for (String key : gone) Files.deleteIfExists(file(key));
    } catch (IOException e) {
      // left for the next listing
    }
  }

  /** The keys of the cache files under a prefix. */
  private Set<String> cachedKeys(String prefix) {
    Set<String> keys = new HashSet<>();
    Path base = dir.resolve(prefix);
    if (!Files.isDirectory(base)) return keys;
    try (Stream<Path> s = Files.walk(base)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) keys.add(dir.relativize(f).toString());
    } catch (IOException e) {
      // what could be read
    }
    return keys;
  }

  @Override
  public byte[] get(String key) throws IOException {
    if (!cached(key)) return inner.get(key);
    byte[] b = read(key);
    if (b != null) return b;
    b = inner.get(key);
    keep(key, b, 0, b.length);
    return b;
  }

  @Override
  public byte[] get(String key, long offset, int length) throws IOException {
    if (cached(key)) {
      byte[] all = get(key);
      if (offset >= all.length) return new byte[0];
      return Arrays.copyOfRange(all, (int) offset, (int) Math.min(all.length, offset + length));
    }
    return inner.get(key, offset, length);
  }

  @Override
  public int read(String key, long offset, byte[] dst, int dstOff, int len) throws IOException {
    if (cached(key)) {
      byte[] b = get(key, offset, len);
      System.arraycopy(b, 0, dst, dstOff, b.length);
      return b.length;
    }
    return inner.read(key, offset, dst, dstOff, len);
  }

  @Override
  public boolean put(String key, byte[] data, int off, int len, boolean ifAbsent) throws IOException {
    boolean done = inner.put(key, data, off, len, ifAbsent);
    if (done && cached(key)) keep(key, data, off, len);
    return done;
  }

  @Override
  public void delete(String key) throws IOException {
    inner.delete(key);
    drop(key);
  }

  @Override
  public void deleteAll(Collection<String> keys) throws IOException {
    inner.deleteAll(keys);
    for (String k : keys) drop(k);
  }

  @Override
  public void purge(Collection<String> keys) throws IOException {
    inner.purge(keys);
    for (String k : keys) drop(k);
  }

  private void drop(String key) {
    try {
      Files.deleteIfExists(file(key));
    } catch (IOException e) {
      // the next listing removes it
    }
  }

}
