package io.cairn.catalog;

import io.cairn.engine.Remedy;
import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;

/** The questions about points: which there are (filtered, as of a time), and everything about one. */
final class PointQueries {
  private final Db db;

  PointQueries(Db db) {
    this.db = db;
  }

  private static final String POINT_COLUMNS = "p.point_key, p.time_ms, p.host, p.username, p.paths, p.asset, p.grp, p.consistency,"
      + " p.size_bytes, p.file_count,"
      + " (SELECT count(*) FROM copies c WHERE c.point_key = p.point_key) AS ncopies,"
      + " (SELECT count(*) " + Evidence.VERIFYING_CHECKS + ") + (SELECT count(*) " + Evidence.VERIFYING_RECOVERIES + ") AS nverified,"
      + " (SELECT count(*) FROM copies c WHERE c.point_key = p.point_key AND c.pinned = 1"
      + "   AND (c.pinned_until_ms IS NULL OR c.pinned_until_ms > :now)) AS npinned";

  private static String where(Catalog.PointQuery q, Map<String, Object> args) {
    StringBuilder w = new StringBuilder(" WHERE 1 = 1");
    if (q.asset() != null) {
      w.append(" AND p.asset = :asset");
      args.put("asset", q.asset());
    }
    if (q.group() != null) {
      w.append(" AND p.grp = :grp");
      args.put("grp", q.group());
    }
    if (q.host() != null) {
      w.append(" AND p.host = :host");
      args.put("host", q.host());
    }
    if (q.consistency() != null) {
      w.append(" AND p.consistency = :cons");
      args.put("cons", q.consistency());
    }
    if (q.since() != null) {
      w.append(" AND p.time_ms >= :since");
      args.put("since", q.since().toEpochMilli());
    }
    if (q.until() != null) {
      w.append(" AND p.time_ms <= :until");
      args.put("until", q.until().toEpochMilli());
    }
    if (q.tag() != null) {
      w.append(" AND EXISTS (SELECT 1 FROM point_tags t WHERE t.point_key = p.point_key AND t.tag = :tag)");
      args.put("tag", q.tag());
    }
    if (q.verifiedOnly()) {
      w.append(" AND (EXISTS (SELECT 1 " + Evidence.VERIFYING_CHECKS + ") OR EXISTS (SELECT 1 " + Evidence.VERIFYING_RECOVERIES + "))");
    }
    return w.toString();
  }

  /** Points matching the filters, newest first. */
  List<Catalog.PointRow> points(Catalog.PointQuery q) {
    Map<String, Object> args = new HashMap<>();
    String sql = "SELECT " + POINT_COLUMNS + " FROM points p" + where(q, args) + " ORDER BY p.time_ms DESC, p.point_key"
        + (q.limit() > 0 ? " LIMIT " + q.limit() : "");
    args.put("now", db.clock.instant().toEpochMilli());
    return db.read(h -> withTags(h, h.createQuery(sql).bindMap(args).map((rs, ctx) -> row(rs)).list()));
  }

  /** For each asset, the newest point at or before {@code time} among those the filters admit. */
  List<Catalog.PointRow> asOf(Instant time, Catalog.PointQuery q) {
    Catalog.PointQuery bounded = new Catalog.PointQuery(q.asset(), q.group(), q.host(), q.tag(), q.consistency(), q.since(),
        q.until() != null && q.until().isBefore(time) ? q.until() : time, q.verifiedOnly(), 0);
    Map<String, Catalog.PointRow> newest = new TreeMap<>();
    for (Catalog.PointRow r : points(bounded)) newest.putIfAbsent(r.asset(), r); // newest first
    return List.copyOf(newest.values());
  }

  private static Catalog.PointRow row(ResultSet rs) throws SQLException {
    return new Catalog.PointRow(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4), Db.jsonList(rs.getString(5)),
        rs.getString(6), rs.getString(7), rs.getString(8), rs.getLong(9), rs.getLong(10), List.of(), rs.getInt(11), rs.getInt(12) > 0,
        rs.getInt(13) > 0);
  }

  private static List<Catalog.PointRow> withTags(Handle h, List<Catalog.PointRow> rows) {
    if (rows.isEmpty()) return rows;
    Map<String, List<String>> tags = new HashMap<>();
    List<String> keys = rows.stream().map(Catalog.PointRow::pointKey).toList();
    for (int i = 0; i < keys.size(); i += 500) {
      List<String> part = keys.subList(i, Math.min(keys.size(), i + 500));
      h.createQuery("SELECT point_key, tag FROM point_tags WHERE point_key IN (<keys>) ORDER BY tag").bindList("keys", part)
          .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)})
          .forEach(kv -> tags.computeIfAbsent(kv[0], k -> new ArrayList<>()).add(kv[1]));
    }
    List<Catalog.PointRow> out = new ArrayList<>(rows.size());
    for (Catalog.PointRow r : rows) {
      out.add(new Catalog.PointRow(r.pointKey(), r.time(), r.host(), r.username(), r.paths(), r.asset(), r.group(), r.consistency(),
          r.sizeBytes(), r.fileCount(), tags.getOrDefault(r.pointKey(), List.of()), r.copies(), r.verified(), r.pinned()));
    }
    return out;
  }

  /** The point whose key, or one of whose snapshot ids, starts with {@code ref}. */
  Catalog.PointDetail show(String ref) {
    return db.read(h -> {
      List<String> keys = h.createQuery("SELECT DISTINCT point_key FROM copies WHERE point_key LIKE :r OR snapshot_id LIKE :r")
          .bind("r", ref.toLowerCase(Locale.ROOT) + "%").mapTo(String.class).list();
      if (keys.isEmpty()) {
        throw new CairnException(ErrorCode.NOT_FOUND, "no point or snapshot " + ref + " in the catalog "
            + db.store.location(), Remedy.CATALOG_SYNC);
      }
      if (keys.size() > 1) {
        throw new CairnException(ErrorCode.USAGE, ref + " matches " + keys.size() + " points; give more digits");
      }
      String key = keys.get(0);
      List<Catalog.PointRow> found = withTags(h, h.createQuery("SELECT " + POINT_COLUMNS + " FROM points p WHERE p.point_key = :k")
          .bind("k", key).bind("now", db.clock.instant().toEpochMilli()).map((rs, ctx) -> row(rs)).list());
      if (found.isEmpty()) { // removed by a sync between the two queries
        throw new CairnException(ErrorCode.NOT_FOUND, "no point or snapshot " + ref + " in the catalog " + db.store.location(),
            Remedy.CATALOG_SYNC);
      }
      Catalog.PointRow p = found.get(0);
      List<Catalog.CopyRow> copies = h.createQuery("SELECT c.repository_id, r.location, c.snapshot_id, c.parent_snapshot, c.original_snapshot,"
              + " c.tags, c.errors, c.pinned, c.pinned_until_ms, c.ingested_ms, cr.source_repository, cr.finished_ms FROM copies c"
              + " JOIN repositories r ON r.id = c.repository_id LEFT JOIN copy_runs cr ON cr.id = (SELECT MAX(x.id) FROM copy_runs x"
              + " JOIN copy_points y ON y.copy_id = x.id WHERE x.repository_id = c.repository_id AND y.snapshot_id = c.snapshot_id"
              + " AND x.outcome = 'passed' AND x.finished_ms = (SELECT MIN(x2.finished_ms) FROM copy_runs x2 JOIN copy_points y2"
              + " ON y2.copy_id = x2.id WHERE x2.repository_id = c.repository_id AND y2.snapshot_id = c.snapshot_id AND x2.outcome = 'passed'))"
              + " WHERE c.point_key = :k ORDER BY r.location")
          .bind("k", key)
          .map((rs, ctx) -> new Catalog.CopyRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
              Db.jsonList(rs.getString(6)), rs.getInt(7), rs.getInt(8) == 1, rs.getObject(9) == null ? null : Instant.ofEpochMilli(rs.getLong(9)),
              Instant.ofEpochMilli(rs.getLong(10)), rs.getString(11), rs.getObject(12) == null ? null : Instant.ofEpochMilli(rs.getLong(12))))
          .list();
      List<Catalog.VerificationRow> checks = Evidence.since(h, key, p.time());
      Catalog.CaptureFacts capture = h.createQuery("SELECT run, consistency_reason, source, hooks FROM points WHERE point_key = :k")
          .bind("k", key).map((rs, ctx) -> new Catalog.CaptureFacts(rs.getString(1), rs.getString(2), Db.jsonMap(rs.getString(3)),
              Db.jsonObjects(rs.getString(4)))).findFirst().orElse(null);
      return new Catalog.PointDetail(p, capture, copies, checks);
    });
  }

  List<Catalog.GroupPointRow> groupPoints(String group, int limit) {
    return db.read(h -> {
      var q = h.createQuery("SELECT repository_id, manifest_id, grp, run, time_ms, complete, consistency, reason, freeze_ms, tags"
              + " FROM group_points" + (group == null ? "" : " WHERE grp = :g") + " ORDER BY time_ms DESC, manifest_id"
              + (limit > 0 ? " LIMIT " + limit : ""));
      if (group != null) q.bind("g", group);
      List<Catalog.GroupPointRow> rows = q.map((rs, ctx) -> new Catalog.GroupPointRow(rs.getString(1), rs.getString(2), rs.getString(3),
          rs.getString(4), Instant.ofEpochMilli(rs.getLong(5)), rs.getInt(6) == 1, rs.getString(7), rs.getString(8), rs.getLong(9),
          Db.jsonList(rs.getString(10)), List.of())).list();
      List<Catalog.GroupPointRow> out = new ArrayList<>();
      for (Catalog.GroupPointRow r : rows) {
        List<Catalog.GroupMemberRow> members = h.createQuery("SELECT asset, snapshot_id, consistency, error, restore_after FROM group_members"
                + " WHERE repository_id = :r AND manifest_id = :m ORDER BY position")
            .bind("r", r.repositoryId()).bind("m", r.manifestId())
            .map((rs, ctx) -> new Catalog.GroupMemberRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                Db.jsonList(rs.getString(5)))).list();
        out.add(new Catalog.GroupPointRow(r.repositoryId(), r.manifestId(), r.group(), r.run(), r.time(), r.complete(), r.consistency(),
            r.reason(), r.freezeMillis(), r.tags(), members));
      }
      return out;
    });
  }
}
