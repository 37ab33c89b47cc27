package io.cairn.catalog;

import io.cairn.engine.fs.Glob;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** File search: every version of the files matching a glob, across every snapshot the catalog knows. */
final class FileSearch {
  private final Db db;

  FileSearch(Db db) {
    this.db = db;
  }

  /**
   * Every version of every file matching {@code glob} across all snapshots, newest first. A glob
   * without '/' matches file names anywhere; with '/', whole paths ({@code **} crosses folders).
   */
  List<Catalog.FileVersion> find(String glob, String asset, Instant since) {
    String base = glob.contains("/") ? glob.substring(glob.lastIndexOf('/') + 1) : glob;
    boolean wild = base.contains("*") || base.contains("?") || base.contains("[") || base.contains("{") || base.contains("\\");
    Glob full = glob.contains("/") ? Glob.compile(glob.startsWith("/") ? glob : "**/" + glob) : null;
    Glob name = Glob.compile(base);
    Map<String, Object> args = new HashMap<>();
    String match;
    if (!wild) {
      match = "e.name = :name";
      args.put("name", base);
    } else {
      match = "e.name LIKE :name ESCAPE '!'";
      args.put("name", likePattern(base));
    }
    StringBuilder filter = new StringBuilder();
    if (asset != null) {
      filter.append(" AND p.asset = :asset");
      args.put("asset", asset);
    }
    if (since != null) {
      filter.append(" AND p.time_ms >= :since");
      args.put("since", since.toEpochMilli());
    }
    // MATERIALIZED: SQLite 3.54 otherwise runs the walk up as a co-routine, again for every copy it
    // joins (measured: 170 ms instead of 5 ms for one file across 300 snapshots)
    String sql = "WITH RECURSIVE up (tree_no, path, type, size, mtime_ms, content_id, depth) AS MATERIALIZED ("
        + " SELECT e.tree_no, '/' || e.name, e.type, e.size, e.mtime_ms, e.content_id, 0 FROM entries e WHERE " + match
        + " UNION ALL"
        + " SELECT p.tree_no, '/' || p.name || up.path, up.type, up.size, up.mtime_ms, up.content_id, up.depth + 1"
        + " FROM entries p JOIN up ON p.subtree_no = up.tree_no WHERE up.depth < 256)"
        + " SELECT up.path, up.type, up.size, up.mtime_ms, up.content_id, c.snapshot_id, c.repository_id, p.point_key, p.time_ms, p.asset"
        + " FROM up JOIN copies c ON c.root_tree_no = up.tree_no JOIN points p ON p.point_key = c.point_key"
        + " WHERE 1 = 1" + filter + " ORDER BY up.path, p.time_ms DESC, c.repository_id";
    List<Catalog.FileVersion> rows = db.read(h -> h.createQuery(sql).bindMap(args)
        .map((rs, ctx) -> new Catalog.FileVersion(rs.getString(1), rs.getString(2), rs.getLong(3), Instant.ofEpochMilli(rs.getLong(4)),
            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), Instant.ofEpochMilli(rs.getLong(9)), rs.getString(10)))
        .list());
    List<Catalog.FileVersion> out = new ArrayList<>();
    for (Catalog.FileVersion v : rows) {
      String last = v.path().substring(v.path().lastIndexOf('/') + 1);
      if (!name.matches(last)) continue; // LIKE is case-insensitive on SQLite; the glob decides
      if (full != null && !full.matches(v.path())) continue;
      out.add(v);
    }
    return out;
  }

  /** A LIKE pattern (escape '!') matching at least what the glob matches; the glob filters after. */
  static String likePattern(String glob) {
    StringBuilder b = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> b.append('%');
        case '?' -> b.append('_');
        case '%', '_', '!' -> b.append('!').append(c);
        case '[', ']', '{', '}', ',', '\\' -> {
          return "%"; // classes and alternatives: fall back to every name, the glob filters
        }
        default -> b.append(c);
      }
    }
    return b.toString();
  }

}
