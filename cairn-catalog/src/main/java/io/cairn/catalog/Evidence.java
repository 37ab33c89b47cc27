package io.cairn.catalog;

import io.cairn.engine.Json;
import io.cairn.engine.evidence.CopyRecord;
import io.cairn.engine.evidence.RecoveryRecord;
import io.cairn.engine.repo.RecordStore;
import java.util.Map;
import com.fasterxml.jackson.core.JacksonException;

import io.cairn.engine.check.CheckRecord;
import io.cairn.engine.check.CheckScope;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Evidence: the records of checks (and, to come, restores, drills and copies) that repositories hold,
 * and what the catalog derives from them. A point is verified when a passing check whose scope
 * verifies all data ran on a repository holding a copy of it, at or after the point's time, or when
 * a recovery or drill that used it passed.
 */
final class Evidence {
  private Evidence() {}

  /** The check scopes whose passing record verifies a point (SQL literals), from the typed scope. */
  static final String ALL_DATA_SCOPES = String.join(", ", CheckScope.allDataLabels().stream().map(l -> "'" + l + "'").toList());

  /** SQL (FROM and WHERE): the passing all-data checks of the repositories holding point {@code p}, at or after its time. */
  static final String VERIFYING_CHECKS = "FROM copies c JOIN verifications v ON v.repository_id = c.repository_id"
      + " WHERE c.point_key = p.point_key AND v.ok = 1 AND v.scope IN (" + ALL_DATA_SCOPES + ") AND v.time_ms >= p.time_ms";

  /** SQL (FROM and WHERE): the passed recoveries and drills that used point {@code p}. */
  static final String VERIFYING_RECOVERIES = "FROM evidence_points ep JOIN evidence e ON e.id = ep.evidence_id"
      + " WHERE ep.point_key = p.point_key AND e.outcome = 'passed'";

  /** Adds the check records of a repository the catalog does not have yet; returns how many. */
  static int addChecks(Handle h, String rid, List<CheckRecord> checks) {
    Set<String> have = new HashSet<>(h.createQuery("SELECT id FROM verifications WHERE repository_id = :r").bind("r", rid)
        .mapTo(String.class).list());
    int n = 0;
    for (CheckRecord c : checks) {
      if (have.contains(c.id())) continue;
      h.createUpdate("INSERT INTO verifications (id, repository_id, kind, scope, time_ms, host, ok, problems, packs_read, bytes_read)"
              + " VALUES (:id, :r, 'check', :scope, :t, :host, :ok, :p, :pr, :br) ON CONFLICT (id) DO NOTHING")
          .bind("id", c.id()).bind("r", rid).bind("scope", c.scope().label()).bind("t", c.time().toEpochMilli()).bind("host", c.host())
          .bind("ok", c.ok() ? 1 : 0).bind("p", c.problems()).bind("pr", c.packsRead()).bind("br", c.bytesRead()).execute();
      n++;
    }
    return n;
  }

  /** The checks of the repositories holding a point, since the point's time, newest first. */
  static List<Catalog.VerificationRow> since(Handle h, String pointKey, Instant time) {
    return h.createQuery("SELECT v.id, v.repository_id, v.kind, v.scope, v.time_ms, v.host, v.ok, v.problems,"
            + " v.packs_read, v.bytes_read FROM verifications v WHERE v.repository_id IN"
            + " (SELECT repository_id FROM copies WHERE point_key = :k) AND v.time_ms >= :t ORDER BY v.time_ms DESC")
        .bind("k", pointKey).bind("t", time.toEpochMilli())
        .map((rs, ctx) -> new Catalog.VerificationRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
            Instant.ofEpochMilli(rs.getLong(5)), rs.getString(6), rs.getInt(7) == 1, rs.getInt(8), rs.getInt(9), rs.getLong(10)))
        .list();
  }

  /** Makes the catalog's recovery evidence of a repository what its records say (records are only added, save by hand). */
  static void syncRecoveries(Handle h, String rid, List<RecordStore.Stored<RecoveryRecord>> records) {
    Set<String> present = new HashSet<>();
    for (RecordStore.Stored<RecoveryRecord> r : records) present.add(r.name());
    Set<String> have = new HashSet<>(h.createQuery("SELECT id FROM evidence WHERE repository_id = :r").bind("r", rid).mapTo(String.class).list());
    for (String gone : have) {
      if (present.contains(gone)) continue;
      h.createUpdate("DELETE FROM evidence_points WHERE evidence_id = :i").bind("i", gone).execute();
      h.createUpdate("DELETE FROM evidence WHERE id = :i").bind("i", gone).execute();
    }
    for (RecordStore.Stored<RecoveryRecord> stored : records) {
      if (have.contains(stored.name())) continue;
      RecoveryRecord r = stored.value();
      String first = r.points().isEmpty() ? null : r.points().get(0).snapshot();
      h.createUpdate("INSERT INTO evidence (id, kind, point_key, repository_id, snapshot_id, started_ms, finished_ms, outcome, details,"
              + " subject, subject_kind, group_point, sandbox, reason, bytes) VALUES (:id, :k, (SELECT point_key FROM copies WHERE"
              + " repository_id = :r AND snapshot_id = :s), :r, :s, :st, :fi, :o, :d, :su, :sk, :g, :sb, :re, :b) ON CONFLICT (id) DO NOTHING")
          .bind("id", stored.name()).bind("k", r.kind()).bind("r", rid).bind("s", first).bind("st", r.started().toEpochMilli())
          .bind("fi", r.finished() == null ? null : r.finished().toEpochMilli()).bind("o", r.outcome()).bind("d", json(r))
          .bind("su", r.subject()).bind("sk", r.subjectKind()).bind("g", r.groupPoint()).bind("sb", r.sandbox() ? 1 : 0).bind("re", r.reason())
          .bind("b", r.bytes()).execute();
      for (RecoveryRecord.PointUsed p : r.points()) {
        h.createUpdate("INSERT INTO evidence_points (evidence_id, asset, snapshot_id, point_key) VALUES (:i, :a, :s, (SELECT point_key FROM"
                + " copies WHERE repository_id = :r AND snapshot_id = :s)) ON CONFLICT DO NOTHING")
            .bind("i", stored.name()).bind("a", p.asset()).bind("s", p.snapshot()).bind("r", rid).execute();
      }
    }
  }

  /** Makes the catalog's copy runs into a repository what its copy records say. */
  static void syncCopies(Handle h, String rid, List<RecordStore.Stored<CopyRecord>> records) {
    Set<String> present = new HashSet<>();
    for (RecordStore.Stored<CopyRecord> r : records) present.add(r.name());
    Set<String> have = new HashSet<>(h.createQuery("SELECT id FROM copy_runs WHERE repository_id = :r").bind("r", rid).mapTo(String.class).list());
    for (String gone : have) {
      if (present.contains(gone)) continue;
      h.createUpdate("DELETE FROM copy_points WHERE copy_id = :i").bind("i", gone).execute();
      h.createUpdate("DELETE FROM copy_runs WHERE id = :i").bind("i", gone).execute();
    }
    for (RecordStore.Stored<CopyRecord> stored : records) {
      if (have.contains(stored.name())) continue;
      CopyRecord r = stored.value();
      h.createUpdate("INSERT INTO copy_runs (id, repository_id, source_repository, source_location, started_ms, finished_ms, outcome,"
              + " reason, same_ids, blobs_written, bytes_written, blobs_verified) VALUES (:id, :r, :sr, :sl, :st, :fi, :o, :re, :same, :bw,"
              + " :bb, :bv) ON CONFLICT (id) DO NOTHING")
          .bind("id", stored.name()).bind("r", rid).bind("sr", r.source()).bind("sl", r.sourceLocation())
          .bind("st", r.started().toEpochMilli()).bind("fi", r.finished() == null ? null : r.finished().toEpochMilli())
          .bind("o", r.outcome()).bind("re", r.reason()).bind("same", r.sameIds() ? 1 : 0).bind("bw", r.blobsWritten())
          .bind("bb", r.bytesWritten()).bind("bv", r.blobsVerified()).execute();
      for (CopyRecord.Point p : r.points()) {
        if (p.snapshot() == null) continue;
        h.createUpdate("INSERT INTO copy_points (copy_id, snapshot_id, source_snapshot, asset) VALUES (:i, :s, :ss, :a)"
                + " ON CONFLICT DO NOTHING")
            .bind("i", stored.name()).bind("s", p.snapshot()).bind("ss", p.sourceSnapshot()).bind("a", p.asset()).execute();
      }
    }
  }

  private static String json(RecoveryRecord r) {
    try {
      return Json.MAPPER.writeValueAsString(r);
    } catch (JacksonException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<Catalog.EvidenceRow> recoveries(Handle h, String subject, int limit) {
    List<Catalog.EvidenceRow> rows = h.createQuery("SELECT id, repository_id, kind, subject, subject_kind, group_point, started_ms, finished_ms,"
            + " outcome, reason, sandbox, bytes, details FROM evidence WHERE subject IS NOT NULL"
            + (subject == null ? "" : " AND (subject = :s OR id IN (SELECT evidence_id FROM evidence_points WHERE asset = :s))")
            + " ORDER BY started_ms DESC LIMIT :l")
        .bind("s", subject).bind("l", limit <= 0 ? Integer.MAX_VALUE : limit)
        .map((rs, ctx) -> new Catalog.EvidenceRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
            rs.getString(6), Instant.ofEpochMilli(rs.getLong(7)), rs.getObject(8) == null ? null : Instant.ofEpochMilli(rs.getLong(8)),
            rs.getString(9), rs.getString(10), rs.getInt(11) == 1, rs.getLong(12), new java.util.LinkedHashMap<>(), rs.getString(13)))
        .list();
    for (Catalog.EvidenceRow r : rows) {
      h.createQuery("SELECT asset, snapshot_id FROM evidence_points WHERE evidence_id = :i ORDER BY asset").bind("i", r.id())
          .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2))).list().forEach(e -> r.points().put(e.getKey(), e.getValue()));
    }
    return rows;
  }
}
