package io.cairn.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Compares two folder trees: names, types, content, modes, mtimes, symlink targets. */
final class TreeCompare {
  private TreeCompare() {}

  static List<String> compare(Path a, Path b) throws IOException {
    List<String> out = new ArrayList<>();
    walk(a, b, "", out);
    return out;
  }

  private static void walk(Path a, Path b, String rel, List<String> out) throws IOException {
    if (!Files.exists(b, LinkOption.NOFOLLOW_LINKS)) {
      out.add(rel + ": missing");
      return;
    }
    Map<String, Object> x = Files.readAttributes(a, "unix:mode,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
    Map<String, Object> y = Files.readAttributes(b, "unix:mode,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
    if (!x.get("mode").equals(y.get("mode"))) out.add(rel + ": mode differs");
    if (Files.isSymbolicLink(a)) {
      if (!Files.readSymbolicLink(a).equals(Files.readSymbolicLink(b))) out.add(rel + ": link target differs");
      return;
    }
    if (!Files.isDirectory(a, LinkOption.NOFOLLOW_LINKS) && !x.get("lastModifiedTime").equals(y.get("lastModifiedTime"))) {
      out.add(rel + ": mtime differs");
    }
    if (Files.isDirectory(a, LinkOption.NOFOLLOW_LINKS)) {
      List<String> na, nb;
      try (var s = Files.list(a)) {
        na = s.map(p -> p.getFileName().toString()).sorted().toList();
      }
      try (var s = Files.list(b)) {
        nb = s.map(p -> p.getFileName().toString()).sorted().toList();
      }
      if (!na.equals(nb)) out.add(rel + "/: entries differ");
      for (String n : na) walk(a.resolve(n), b.resolve(n), rel + "/" + n, out);
    } else if (Files.isRegularFile(a, LinkOption.NOFOLLOW_LINKS)) {
      if (!x.get("size").equals(y.get("size")) || !sameContent(a, b)) out.add(rel + ": content differs");
    }
  }

  private static boolean sameContent(Path a, Path b) throws IOException {
    try (InputStream ia = Files.newInputStream(a); InputStream ib = Files.newInputStream(b)) {
      byte[] ba = new byte[1 << 16], bb = new byte[1 << 16];
      while (true) {
        int na = ia.readNBytes(ba, 0, ba.length);
        int nb = ib.readNBytes(bb, 0, bb.length);
        if (na != nb || Arrays.mismatch(ba, 0, na, bb, 0, nb) >= 0) return false;
        if (na == 0) return true;
      }
    }
  }
}
