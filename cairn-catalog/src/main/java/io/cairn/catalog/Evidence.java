package io.cairn.catalog;

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
 * verifies all data ran on a repository holding a copy of it, at or after the point's time.
 */
final class Evidence {
  private Evidence() {}

  /** The check scopes whose passing record verifies a point (SQL literals), from the typed scope. */
  static final String ALL_DATA_SCOPES = String.join(", ", CheckScope.allDataLabels().stream().map(l -> "'" + l + "'").toList());

  /** SQL (FROM and WHERE): the passing all-data checks of the repositories holding point {@code p}, at or after its time. */
  static final String VERIFYING_CHECKS = "FROM copies c JOIN verifications v ON v.repository_id = c.repository_id"
      + " WHERE c.point_key = p.point_key AND v.ok = 1 AND v.scope IN (" + ALL_DATA_SCOPES + ") AND v.time_ms >= p.time_ms";

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
}
