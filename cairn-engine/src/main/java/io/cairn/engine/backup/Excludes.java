package io.cairn.engine.backup;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.fs.Glob;
import io.cairn.engine.fs.RawNames;
import io.cairn.engine.tree.Node;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Exclude patterns, glob syntax. A pattern without a slash matches a file or folder name anywhere
 * ({@code *.tmp}, {@code node_modules}); one with a slash matches the absolute path
 * ({@code /home/*}{@code /.cache}; a relative one such as {@code build/out} matches at any depth).
 */
final class Excludes {
  private final List<Glob> names = new ArrayList<>();
  private final List<Glob> paths = new ArrayList<>();

  Excludes(List<String> patterns) {
    for (String p : patterns) {
      String t = p.strip();
      if (t.isEmpty()) continue;
      if (t.endsWith("/") && t.length() > 1) t = t.substring(0, t.length() - 1);
      try {
        if (t.indexOf('/') < 0) {
          names.add(Glob.compile(t));
        } else {
          paths.add(Glob.compile(t.startsWith("/") ? t : "**/" + t));
        }
      } catch (IllegalArgumentException e) {
        throw new CairnException(ErrorCode.USAGE, "bad exclude pattern '" + p + "': " + e.getMessage());
      }
    }
  }

  /** Whether a path is excluded; matched as its name reads in UTF-8, whatever the locale. */
  boolean excluded(Path abs) {
    if (names.isEmpty() && paths.isEmpty()) return false;
    String path = Node.display(RawNames.bytesOf(abs));
    String name = path.substring(path.lastIndexOf('/') + 1);
    for (Glob m : names) if (m.matches(name)) return true;
    for (Glob m : paths) if (m.matches(path)) return true;
    return false;
  }
}
