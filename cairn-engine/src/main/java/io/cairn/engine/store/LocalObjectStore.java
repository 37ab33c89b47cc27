package io.cairn.engine.store;

import io.cairn.engine.MissingObjectException;
import io.cairn.engine.fs.IoSlices;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A repository in a local folder. Keys map to relative paths.
 *
 * <p>Write protocol: the bytes go to {@code tmp/<random>}, are fsynced, then the file is renamed
 * to its key's path (atomic on POSIX file systems) and the parent folder is fsynced. A crash
 * leaves at most a stray file under {@code tmp/}, which is never read and is swept later;
 * a partly written object is never visible under its key. {@code ifAbsent} uses a hard link,
 * which fails atomically if the target exists.
 */
public final class LocalObjectStore implements ObjectStore {
  private final Path root;
  private final Path tmp;

  public LocalObjectStore(Path root) {
    this.root = root.toAbsolutePath();
    this.tmp = this.root.resolve("tmp");
  }

  public Path root() {
    return root;
  }

  @Override
  public String location() {
    return root.toString();
  }

  private Path path(String key) {
    if (key.isEmpty() || key.startsWith("/") || key.contains("..")) {
      throw new IllegalArgumentException("bad object key: " + key);
    }
    return root.resolve(key);
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    List<ObjectInfo> out = new ArrayList<>();
    Path dir = prefix.isEmpty() ? root : path(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
    if (!Files.isDirectory(dir)) {
      return out;
    }
    walk(dir, out);
    return out;
  }

  @Override
  public Page listPage(String prefix, String after, int max) throws IOException {
    if (max <= 0) throw new IllegalArgumentException("a page holds at least one object");
    List<ObjectInfo> out = new ArrayList<>();
    Path dir = prefix.isEmpty() ? root : path(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
    if (!Files.isDirectory(dir)) return new Page(List.of(), null);
    boolean more = pageWalk(dir, after, max, out);
    return new Page(out, more ? out.get(out.size() - 1).key() : null);
  }

  /**
   * Adds the objects below {@code dir} whose keys sort after {@code after}, in key order, until
   * {@code max}; true when it stopped with more to come. Folders wholly before {@code after} are not
   * read; memory is one folder's names and the page.
   */
  private boolean pageWalk(Path dir, String after, int max, List<ObjectInfo> out) throws IOException {
    List<Map.Entry<String, Path>> children = new ArrayList<>(); // sort key: the key, and "/" after a folder's
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (p.equals(tmp)) continue;
        String key = root.relativize(p).toString();
        children.add(Map.entry(Files.isDirectory(p) ? key + "/" : key, p));
      }
    } catch (NoSuchFileException gone) {
      return false;
    }
    children.sort(Map.Entry.comparingByKey());
    for (Map.Entry<String, Path> c : children) {
      String key = c.getKey();
      if (key.endsWith("/")) {
        if (after != null && !after.startsWith(key) && key.compareTo(after) < 0) continue; // all of it comes before
        if (pageWalk(c.getValue(), after, max, out)) return true;
        continue;
      }
      if (after != null && key.compareTo(after) <= 0) continue;
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(c.getValue(), BasicFileAttributes.class);
      } catch (NoSuchFileException gone) {
        continue;
      }
      if (out.size() == max) return true;
      out.add(new ObjectInfo(key, a.size(), a.lastModifiedTime().toInstant(), null, null));
    }
    return false;
  }

  private void walk(Path dir, List<ObjectInfo> out) throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (Files.isDirectory(p)) {
          if (!p.equals(tmp)) walk(p, out);
        } else {
          try {
            var a = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class);
            out.add(new ObjectInfo(root.relativize(p).toString(), a.size(), a.lastModifiedTime().toInstant(), null, null));
          } catch (NoSuchFileException gone) {
            // deleted while listing
          }
        }
      }
    } catch (NoSuchFileException gone) {
      // folder removed while listing
    }
  }

  @Override
  public byte[] get(String key) throws IOException {
    try (FileChannel ch = FileChannel.open(path(key), StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE - 16) throw new IOException("object " + key + " is too large to read whole");
      ByteBuffer buf = ByteBuffer.allocate((int) size);
      while (buf.hasRemaining()) {
        if (IoSlices.read(ch, buf, buf.position()) < 0) break;
      }
      return buf.position() == size ? buf.array() : Arrays.copyOf(buf.array(), buf.position());
    } catch (NoSuchFileException e) {
      throw new MissingObjectException(key);
    }
  }

  @Override
  public byte[] get(String key, long offset, int length) throws IOException {
    try (FileChannel ch = FileChannel.open(path(key), StandardOpenOption.READ)) {
      long size = ch.size();
      int n = (int) Math.max(0, Math.min(length, size - offset));
      ByteBuffer buf = ByteBuffer.allocate(n);
      while (buf.hasRemaining()) {
        if (IoSlices.read(ch, buf, offset + buf.position()) < 0) break;
      }
      return buf.array();
    } catch (NoSuchFileException e) {
      throw new MissingObjectException(key);
    }
  }

  /**
   * Ranged reads (a restore reads thousands of blobs from a few packs) keep the last few objects
   * open, per thread: objects are immutable, so a cached channel never reads stale bytes, and one
   * removed meanwhile stays readable until evicted. At most {@value #OPEN_PER_THREAD} per thread.
   */
  private static final int OPEN_PER_THREAD = 8;

  private final Set<Map<String, FileChannel>> caches = ConcurrentHashMap.newKeySet();
  private final ThreadLocal<LinkedHashMap<String, FileChannel>> open = ThreadLocal.withInitial(() -> {
    LinkedHashMap<String, FileChannel> m = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, FileChannel> e) {
          if (size() <= OPEN_PER_THREAD) return false;
          try {
            e.getValue().close();
          } catch (IOException ignored) {
            // read-only channel
          }
          return true;
        }
      };
    caches.add(m);
    return m;
  });

  /** Closes the channels every thread keeps open; call when no read is running. */
  @Override
  public void close() {
    for (Map<String, FileChannel> m : caches) {
      for (FileChannel ch : m.values()) {
        try {
          ch.close();
        } catch (IOException ignored) {
          // read-only channel
        }
      }
    }
  }

  @Override
  public int read(String key, long offset, byte[] dst, int dstOff, int len) throws IOException {
    var cache = open.get();
    FileChannel ch = cache.get(key);
    if (ch == null || !ch.isOpen()) {
      try {
        ch = FileChannel.open(path(key), StandardOpenOption.READ);
      } catch (NoSuchFileException e) {
        throw new MissingObjectException(key);
      }
      cache.put(key, ch);
    }
    ByteBuffer buf = ByteBuffer.wrap(dst, dstOff, len);
    while (buf.hasRemaining()) {
      if (IoSlices.read(ch, buf, offset + buf.position() - dstOff) < 0) break;
    }
    return buf.position() - dstOff;
  }

  @Override
  public boolean put(String key, byte[] data, int off, int len, boolean ifAbsent) throws IOException {
    Path target = path(key);
    if (ifAbsent && Files.exists(target)) {
      return false;
    }
    Files.createDirectories(tmp);
    Path t = tmp.resolve(Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(t, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap(data, off, len);
        while (b.hasRemaining()) IoSlices.write(ch, b, -1);
        ch.force(false);
      }
      return publish(t, target, ifAbsent);
    } finally {
      Files.deleteIfExists(t);
    }
  }

  /**
   * The last step of every write: a complete, fsynced temp file becomes the object under its key,
   * by a hard link (fails atomically if the key exists) or an atomic rename, then the folder is
   * fsynced. Returns false when {@code ifAbsent} and the key existed.
   */
  private boolean publish(Path t, Path target, boolean ifAbsent) throws IOException {
    Path parent = target.getParent();
    if (!Files.isDirectory(parent)) {
      Files.createDirectories(parent);
      fsyncDir(parent.getParent());
    }
    if (ifAbsent) {
      try {
        Files.createLink(target, t);
      } catch (FileAlreadyExistsException e) {
        return false;
      } finally {
        Files.deleteIfExists(t);
      }
    } else {
      try {
        Files.move(t, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the file system of " + root + " cannot rename atomically", e);
      }
    }
    fsyncDir(parent);
    return true;
  }

  @Override
  public PendingObject create() throws IOException {
    Files.createDirectories(tmp);
    Path t = tmp.resolve(Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".pack.tmp");
    FileChannel ch = FileChannel.open(t, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
    return new PendingObject() {
      @Override
      public void write(long pos, byte[] b, int off, int len) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(b, off, len);
        long p = pos;
        while (bb.hasRemaining()) p += IoSlices.write(ch, bb, p);
      }

      @Override
      public int read(long pos, byte[] b, int off, int len) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(b, off, len);
        while (bb.hasRemaining()) {
          if (IoSlices.read(ch, bb, pos + bb.position() - off) < 0) break;
        }
        return bb.position() - off;
      }

      @Override
      public boolean commit(String key, long length) throws IOException {
        ch.truncate(length);
        ch.force(false);
        ch.close();
        return publish(t, path(key), true);
      }

      @Override
      public void close() throws IOException {
        if (ch.isOpen()) ch.close();
        Files.deleteIfExists(t);
      }
    };
  }

  private static void fsyncDir(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException ignored) {
      // some file systems cannot fsync a folder; the rename is still atomic
    }
  }

  @Override
  public int sweepTemp(Instant before) throws IOException {
    if (!Files.isDirectory(tmp)) return 0;
    int n = 0;
    try (var s = Files.list(tmp)) {
      for (Path p : s.toList()) {
        try {
          if (Files.getLastModifiedTime(p).toInstant().isBefore(before) && Files.deleteIfExists(p)) n++;
        } catch (IOException ignored) {
          // gone meanwhile
        }
      }
    }
    return n;
  }

  @Override
  public void delete(String key) throws IOException {
    Files.deleteIfExists(path(key));
  }

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    Path p = path(key);
    try {
      var a = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class);
      return Optional.of(new ObjectInfo(key, a.size(), a.lastModifiedTime().toInstant(), null, null));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }
}
