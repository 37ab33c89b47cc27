package io.cairn.engine.backup;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * Exclude patterns, glob syntax. A pattern without a slash matches a file or folder name anywhere
 * ({@code *.tmp}, {@code node_modules}); one with a slash matches the absolute path
 * ({@code /home/*}{@code /.cache}; a relative one such as {@code build/out} matches at any depth).
 */
final class Excludes {
  private final List<PathMatcher> names = new ArrayList<>();
  private final List<PathMatcher> paths = new ArrayList<>();

  Excludes(List<String> patterns) {
    for (String p : patterns) {
      String t = p.strip();
      if (t.isEmpty()) continue;
      if (t.endsWith("/") && t.length() > 1) t = t.substring(0, t.length() - 1);
      try {
        if (t.indexOf('/') < 0) {
          names.add(FileSystems.getDefault().getPathMatcher("glob:" + t));
        } else {
          paths.add(FileSystems.getDefault().getPathMatcher("glob:" + (t.startsWith("/") ? t : "**/" + t)));
        }
      } catch (IllegalArgumentException e) {
        throw new io.cairn.engine.CairnException(io.cairn.engine.ErrorCode.USAGE, "bad exclude pattern '" + p + "': " + e.getMessage());
      }
    }
  }

  boolean excluded(Path abs) {
    if (!names.isEmpty()) {
      Path n = abs.getFileName();
      for (PathMatcher m : names) if (n != null && m.matches(n)) return true;
    }
    for (PathMatcher m : paths) if (m.matches(abs)) return true;
    return false;
  }
}
