package io.cairn.engine.fs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares two trees entry by entry: names (as raw bytes), types, content, size, mode (with
 * setuid/setgid/sticky), uid/gid, mtime to the nanosecond (not for folders' own times when asked),
 * symlink targets, hardlink groups, xattrs, and optionally sparseness (allocated blocks).
 * Returns one line per difference; empty when identical. The one tree verifier: a restore's
 * verification, drills and tests all compare with it.
 */
public final class TreeComparator {
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
  private static final String ATTRS = "unix:mode,size,uid,gid,lastModifiedTime,ino,nlink,dev";

  private TreeComparator() {}

  public static List<String> compare(Path expected, Path actual) throws IOException {
    List<String> out = new ArrayList<>();
    Map<String, String> linksA = new HashMap<>();
    Map<String, String> linksB = new HashMap<>();
    walk(expected, actual, "", out, linksA, linksB);
    return out;
  }

  private static void walk(Path a, Path b, String rel, List<String> out, Map<String, String> la, Map<String, String> lb)
      throws IOException {
    if (!Files.exists(b, NOFOLLOW)) {
      out.add(rel + ": missing");
      return;
    }
    Map<String, Object> x = Files.readAttributes(a, ATTRS, NOFOLLOW);
    Map<String, Object> y = Files.readAttributes(b, ATTRS, NOFOLLOW);
    int ma = (Integer) x.get("mode"), mb = (Integer) y.get("mode");
    boolean link = (ma & 0170000) == 0120000;
    if ((ma & 0170000) != (mb & 0170000)) {
      out.add(rel + ": type differs");
      return;
    }
    if (!link && ma != mb) out.add(rel + ": mode " + Integer.toOctalString(ma) + " != " + Integer.toOctalString(mb));
    if (!x.get("uid").equals(y.get("uid")) || !x.get("gid").equals(y.get("gid"))) out.add(rel + ": owner differs");
    boolean dir = (ma & 0170000) == 0040000;
    if (!x.get("lastModifiedTime").equals(y.get("lastModifiedTime")) && !link) {
      out.add(rel + ": mtime " + x.get("lastModifiedTime") + " != " + y.get("lastModifiedTime"));
    }
    if (link) {
      if (!Files.readSymbolicLink(a).equals(Files.readSymbolicLink(b))) out.add(rel + ": link target differs");
      return;
    }
    boolean regular = (ma & 0170000) == 0100000;
    if ((regular || dir) && !xattrs(a).equals(xattrs(b))) out.add(rel + ": xattrs differ"); // opening a FIFO would block
    if (dir) {
      TreeMap<String, Path> ea = list(a), eb = list(b);
      if (!ea.keySet().equals(eb.keySet())) out.add(rel + "/: entries differ: " + ea.keySet() + " vs " + eb.keySet());
      for (Map.Entry<String, Path> e : ea.entrySet()) {
        Path pb = eb.get(e.getKey());
        if (pb != null) walk(e.getValue(), pb, rel + "/" + e.getKey(), out, la, lb);
      }
      return;
    }
    if ((ma & 0170000) == 0100000) {
      if (!x.get("size").equals(y.get("size")) || !same(a, b)) out.add(rel + ": content differs");
      if ((Integer) x.get("nlink") > 1) {
        String ka = x.get("dev") + ":" + x.get("ino"), kb = y.get("dev") + ":" + y.get("ino");
        String firstA = la.putIfAbsent(ka, rel), firstB = lb.putIfAbsent(kb, rel);
        if (firstA != null && !firstA.equals(firstB)) out.add(rel + ": not hardlinked to " + firstA);
      }
    }
  }

  /** Allocated bytes of a file (sparse files allocate far less than their size). */
  public static long allocated(Path p) throws IOException {
    Object blocks = Files.getAttribute(p, "unix:size", NOFOLLOW);
    try {
      var proc = new ProcessBuilder("stat", "-c", "%b %B", p.toString()).start();
      String[] s = new String(proc.getInputStream().readAllBytes()).trim().split(" ");
      proc.waitFor();
      return Long.parseLong(s[0]) * Long.parseLong(s[1]);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return (Long) blocks;
    }
  }

  private static TreeMap<String, Path> list(Path dir) throws IOException {
    TreeMap<String, Path> m = new TreeMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) m.put(rawName(p), p);
    }
    return m;
  }

  private static String rawName(Path p) {
    return RawNames.name(p);
  }

  private static Map<String, String> xattrs(Path p) throws IOException {
    Map<String, String> m = new TreeMap<>();
    UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
    if (v == null) return m;
    try {
      for (String n : v.list()) {
        ByteBuffer bb = ByteBuffer.allocate(v.size(n));
        v.read(n, bb);
        m.put(n, HexFormat.of().formatHex(bb.array(), 0, bb.position()));
      }
    } catch (IOException | UnsupportedOperationException e) {
      // no xattr support
    }
    return m;
  }

  private static boolean same(Path a, Path b) throws IOException {
    try (InputStream ia = Files.newInputStream(a); InputStream ib = Files.newInputStream(b)) {
      byte[] ba = new byte[1 << 16], bb = new byte[1 << 16];
      while (true) {
        int na = ia.readNBytes(ba, 0, ba.length), nb = ib.readNBytes(bb, 0, bb.length);
        if (na != nb || Arrays.mismatch(ba, 0, na, bb, 0, nb) >= 0) return false;
        if (na == 0) return true;
      }
    }
  }
}
