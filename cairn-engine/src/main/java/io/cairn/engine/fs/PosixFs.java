package io.cairn.engine.fs;

import io.cairn.engine.tree.Node;
import io.cairn.engine.tree.NodeType;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * POSIX metadata through the JDK's "unix" attribute view: read into {@link Node}s on backup,
 * applied to restored files. FIFOs and device nodes are created with mkfifo/mknod.
 */
public final class PosixFs {
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
  private static final String ATTRS = "unix:mode,ino,dev,rdev,nlink,uid,gid,ctime,size,lastModifiedTime";
  private static final boolean ROOT = uid() == 0;

  private static int uid() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException | RuntimeException e) {
      return "root".equals(System.getProperty("user.name")) ? 0 : -1;
    }
  }
  /** This process's {@code uid} or {@code gid} (its files' owner), 0 when it cannot be read. */
  public static int processId(String which) {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:" + which);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private final Map<Integer, String> users = new ConcurrentHashMap<>();
  private final Map<Integer, String> groups = new ConcurrentHashMap<>();

  public static boolean isRoot() {
    return ROOT;
  }

  /** Reads a path's metadata (not following symlinks) into a node without content. */
  public Node stat(Path p, String byteName) throws IOException {
    return stat(p, byteName, null);
  }

  /**
   * Like {@link #stat(Path, String)}; when {@code same} is an earlier node of this path with the same
   * ctime, inode and device, its xattrs are taken instead of read (any xattr change updates ctime),
   * which saves an open, a listxattr and a close per unchanged file.
   */
  public Node stat(Path p, String byteName, Node same) throws IOException {
    int rawMode, uid, gid, nlink;
    long ino, dev, rdev0, size0, mtime, ctime;
    Object raw = RawStat.OK ? Files.readAttributes(p, PosixFileAttributes.class, NOFOLLOW) : null;
    if (raw != null && RawStat.TYPE.isInstance(raw)) {
      // the JDK's own stat result, read field by field: no attribute map, no boxing, no FileTime
      rawMode = (int) RawStat.MODE.get(raw);
      uid = (int) RawStat.UID.get(raw);
      gid = (int) RawStat.GID.get(raw);
      nlink = (int) RawStat.NLINK.get(raw);
      ino = (long) RawStat.INO.get(raw);
      dev = (long) RawStat.DEV.get(raw);
      rdev0 = (long) RawStat.RDEV.get(raw);
      size0 = (long) RawStat.SIZE.get(raw);
      mtime = (long) RawStat.MTIME_SEC.get(raw) * 1_000_000_000L + (long) RawStat.MTIME_NSEC.get(raw);
      ctime = (long) RawStat.CTIME_SEC.get(raw) * 1_000_000_000L + (long) RawStat.CTIME_NSEC.get(raw);
    } else {
      Map<String, Object> a = Files.readAttributes(p, ATTRS, NOFOLLOW);
      rawMode = (Integer) a.get("mode");
      uid = (Integer) a.get("uid");
      gid = (Integer) a.get("gid");
      nlink = (Integer) a.get("nlink");
      ino = (Long) a.get("ino");
      dev = (Long) a.get("dev");
      rdev0 = (Long) a.get("rdev");
      size0 = (Long) a.get("size");
      mtime = nanos((FileTime) a.get("lastModifiedTime"));
      ctime = nanos((FileTime) a.get("ctime"));
    }
    NodeType type = typeOf(rawMode);
    String user = users.computeIfAbsent(uid, u -> ownerName(p, true));
    String group = groups.computeIfAbsent(gid, g -> ownerName(p, false));
    long size = type == NodeType.FILE ? size0 : 0;
    String target = null;
    if (type == NodeType.SYMLINK) target = RawNames.bytesOf(Files.readSymbolicLink(p));
    boolean reuse = same != null && same.type() == type && same.ctimeNanos() == ctime && same.inode() == ino && same.device() == dev;
    SortedMap<String, String> xattrs = (type == NodeType.FILE || type == NodeType.DIR) ? (reuse ? same.xattrs() : readXattrs(p)) : null;
    long rdev = (type == NodeType.CHAR_DEVICE || type == NodeType.BLOCK_DEVICE) ? rdev0 : 0;
    return new Node(byteName, type, rawMode & 07777, uid, gid, user, group, mtime, ctime, ino, dev, nlink, size, null, null, target,
        rdev, xattrs);
  }

  /**
   * A path's size and modification time (nanoseconds), not following symlinks: one {@code lstat}, for
   * telling whether a file changed while it was read. {@link #stat} also lists the file's xattrs,
   * which costs an open, a listxattr and a close more per file.
   */
  public static long[] sizeAndMtime(Path p) throws IOException {
    Object raw = Files.readAttributes(p, PosixFileAttributes.class, NOFOLLOW);
    if (RawStat.OK && RawStat.TYPE.isInstance(raw)) {
      return new long[] {(long) RawStat.SIZE.get(raw),
          (long) RawStat.MTIME_SEC.get(raw) * 1_000_000_000L + (long) RawStat.MTIME_NSEC.get(raw)};
    }
    var a = (PosixFileAttributes) raw;
    return new long[] {a.size(), nanos(a.lastModifiedTime())};
  }

  /**
   * Field access to {@code sun.nio.fs.UnixFileAttributes} (needs {@code --add-opens
   * java.base/sun.nio.fs}, which the launcher and the tests pass); without it, stat goes through
   * the "unix:*" attribute map, which allocates a map, boxes and times per file.
   */
  private static final class RawStat {
    static final boolean OK;
    static final Class<?> TYPE;
    static final VarHandle MODE, UID, GID, NLINK, INO, DEV, RDEV, SIZE, MTIME_SEC, MTIME_NSEC, CTIME_SEC, CTIME_NSEC;

    static {
      Class<?> t = null;
      VarHandle[] h = new VarHandle[12];
      boolean ok;
      try {
        t = Class.forName("sun.nio.fs.UnixFileAttributes");
        MethodHandles.Lookup l = MethodHandles.privateLookupIn(t, MethodHandles.lookup());
        String[] names = {"st_mode", "st_uid", "st_gid", "st_nlink", "st_ino", "st_dev", "st_rdev", "st_size", "st_mtime_sec",
            "st_mtime_nsec", "st_ctime_sec", "st_ctime_nsec"};
        Class<?>[] types = {int.class, int.class, int.class, int.class, long.class, long.class, long.class, long.class, long.class,
            long.class, long.class, long.class};
        for (int i = 0; i < names.length; i++) h[i] = l.findVarHandle(t, names[i], types[i]);
        ok = true;
      } catch (ReflectiveOperationException | RuntimeException e) {
        ok = false;
      }
      OK = ok;
      TYPE = t;
      MODE = h[0];
      UID = h[1];
      GID = h[2];
      NLINK = h[3];
      INO = h[4];
      DEV = h[5];
      RDEV = h[6];
      SIZE = h[7];
      MTIME_SEC = h[8];
      MTIME_NSEC = h[9];
      CTIME_SEC = h[10];
      CTIME_NSEC = h[11];
    }
  }

  private static String ownerName(Path p, boolean user) {
    try {
      if (user) return Files.getOwner(p, NOFOLLOW).getName();
      return Files.readAttributes(p, PosixFileAttributes.class, NOFOLLOW).group().getName();
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }

  static NodeType typeOf(int mode) {
    return switch (mode & 0170000) {
      case 0100000 -> NodeType.FILE;
      case 0040000 -> NodeType.DIR;
      case 0120000 -> NodeType.SYMLINK;
      case 0010000 -> NodeType.FIFO;
      case 0020000 -> NodeType.CHAR_DEVICE;
      case 0060000 -> NodeType.BLOCK_DEVICE;
      case 0140000 -> NodeType.SOCKET;
      default -> throw new IllegalArgumentException("unknown file type in mode " + Integer.toOctalString(mode));
    };
  }

  public static long nanos(FileTime t) {
    Instant i = t.toInstant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  public static FileTime fileTime(long nanos) {
    return FileTime.from(Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)));
  }

  /** User-namespace extended attributes (names without the "user." prefix), as byte strings. */
  static SortedMap<String, String> readXattrs(Path p) {
    UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class, NOFOLLOW);
    if (v == null) return null;
    try {
      List<String> names = v.list();
      if (names.isEmpty()) return null;
      TreeMap<String, String> out = new TreeMap<>();
      for (String n : names) {
        ByteBuffer b = ByteBuffer.allocate(v.size(n));
        v.read(n, b);
        out.put(Node.bytesOf(n), new String(b.array(), 0, b.position(), StandardCharsets.ISO_8859_1));
      }
      return out;
    } catch (IOException | UnsupportedOperationException e) {
      return null; // file system without xattr support
    }
  }

  /** Creates a FIFO or device node. Device nodes need root; returns false when skipped for that reason. */
  public static boolean makeSpecial(Path p, Node n) throws IOException {
    List<String> cmd;
    String mode = Integer.toOctalString(n.mode() & 07777);
    Path tmp = p.resolveSibling(".cairn-special-" + Long.toHexString(System.nanoTime()));
    switch (n.type()) {
      case FIFO -> cmd = List.of("mkfifo", "-m", mode, tmp.toString());
      case CHAR_DEVICE, BLOCK_DEVICE -> {
        if (!ROOT) return false;
        long r = n.rdev();
        long major = ((r >>> 8) & 0xfff) | ((r >>> 32) & ~0xfffL);
        long minor = (r & 0xff) | ((r >>> 12) & ~0xffL);
        cmd = List.of("mknod", "-m", mode, tmp.toString(), n.type() == NodeType.CHAR_DEVICE ? "c" : "b",
            Long.toString(major), Long.toString(minor));
      }
      default -> throw new IllegalArgumentException("not a special file: " + n.type());
    }
    Processes.Result r = Processes.run(cmd, Duration.ofSeconds(30));
    if (r.exitCode() != 0) throw new IOException(cmd.get(0) + " failed for " + p + ": " + r.stderr());
    Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING);
    return true;
  }

  /**
   * Applies owner (when root), mode, xattrs and mtime, in that order (chown clears setuid bits,
   * and every later change would touch mtime).
   */
  public static void applyMetadata(Path p, Node n) throws IOException {
    applyMetadata(p, n, -1);
  }

  /**
   * As {@link #applyMetadata(Path, Node)}, for a file whose permission bits are known to be
   * {@code modeNow} (-1: not known): the mode is then set only if it differs, which saves a restore
   * one {@code chmod} per file that already has its mode from being created.
   */
  public static void applyMetadata(Path p, Node n, int modeNow) throws IOException {
    boolean link = n.type() == NodeType.SYMLINK;
    if (ROOT && (n.uid() != 0 || n.gid() != 0)) { // a file root creates is root's already
      Files.setAttribute(p, "unix:uid", n.uid(), NOFOLLOW);
      Files.setAttribute(p, "unix:gid", n.gid(), NOFOLLOW);
    }
    if (!link) {
      if ((n.mode() & 07777) != modeNow) Files.setAttribute(p, "unix:mode", n.mode() & 07777);
      if (!n.xattrs().isEmpty()) {
        UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
        for (Map.Entry<String, String> x : n.xattrs().entrySet()) {
          v.write(Node.display(x.getKey()), ByteBuffer.wrap(x.getValue().getBytes(StandardCharsets.ISO_8859_1)));
        }
      }
    }
    if (n.type() == NodeType.FIFO || n.type() == NodeType.CHAR_DEVICE || n.type() == NodeType.BLOCK_DEVICE) {
      // the JDK sets times through an open file, and opening a FIFO blocks (a device may act): use touch
      long ns = n.mtimeNanos();
      String stamp = "@" + Math.floorDiv(ns, 1_000_000_000L) + "." + String.format("%09d", Math.floorMod(ns, 1_000_000_000L));
      Processes.Result r = Processes.run(List.of("touch", "-h", "-m", "-d", stamp, p.toString()), Duration.ofSeconds(30));
      if (r.exitCode() != 0) throw new IOException("touch failed for " + p + ": " + r.stderr());
      return;
    }
    if (Utimens.set(p, n.mtimeNanos())) return;
    BasicFileAttributeView bv = Files.getFileAttributeView(p, BasicFileAttributeView.class, NOFOLLOW);
    try {
      bv.setTimes(fileTime(n.mtimeNanos()), null, null);
    } catch (IOException e) {
      if (!link) throw e; // some systems cannot set a symlink's times
    }
  }

  /**
   * One {@code utimensat(AT_FDCWD, path, {mtime, mtime}, AT_SYMLINK_NOFOLLOW)} through the JDK's
   * own native dispatcher (needs {@code --add-opens java.base/sun.nio.fs}). The public API opens
   * the file, stats it for the access time, sets both and closes it: four system calls per
   * restored file instead of one. Access time is set to the modification time. Returns false when
   * the fast way is unavailable or fails, so the caller takes the public one.
   */
  private static final class Utimens {
    private static final MethodHandle UTIMENSAT;
    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;

    static {
      MethodHandle h = null;
      try {
        Class<?> d = Class.forName("sun.nio.fs.UnixNativeDispatcher");
        Class<?> up = Class.forName("sun.nio.fs.UnixPath");
        MethodHandles.Lookup l = MethodHandles.privateLookupIn(d, MethodHandles.lookup());
        h = l.findStatic(d, "utimensat", MethodType.methodType(void.class, int.class, up, long.class, long.class, int.class))
            .asType(MethodType.methodType(void.class, int.class, Path.class, long.class, long.class, int.class));
      } catch (ReflectiveOperationException | RuntimeException e) {
        h = null;
      }
      UTIMENSAT = h;
    }

    static boolean set(Path p, long mtimeNanos) {
      if (UTIMENSAT == null || !p.getClass().getName().equals("sun.nio.fs.UnixPath")) return false;
      try {
        UTIMENSAT.invokeExact(AT_FDCWD, p, mtimeNanos, mtimeNanos, AT_SYMLINK_NOFOLLOW);
        return true;
      } catch (Throwable t) {
        return false; // an UnixException (checked, not declared here) or anything else: the public way decides
      }
    }
  }
}
