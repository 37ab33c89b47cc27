package io.cairn.schedule;

import io.cairn.engine.check.CheckRecord;
import io.cairn.engine.repo.MaintenanceRecord;
import io.cairn.engine.repo.RecordStore;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.Consistency;
import io.cairn.engine.snapshot.GroupPoint;
import io.cairn.engine.snapshot.Snapshot;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * What the repositories say has happened, as the planner needs it: each asset's and group's newest
 * point (its time, consistency and how long its capture took), and each repository's last full data
 * check and last prune, and when each asset or group was last drilled. Read from the repositories themselves (snapshots, group manifests, check and
 * maintenance records), so any machine running the policy sees the same history.
 */
public record History(Map<String, Point> assets, Map<String, Point> groups, Map<String, Repo> repositories, Map<String, Instant> drills,
    Copies.Facts copies) {
  /** The newest point of an asset or group. */
  public record Point(Instant time, Consistency consistency, Duration took, boolean complete, String id) {}

  /** A repository's last data verification and prune (null: never). */
  public record Repo(Instant lastVerified, Instant lastPruned) {}

  public static History empty() {
    return new History(new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>(), new Copies.Facts());
  }

  /** Adds what one repository (called {@code name} in the policy, or its location) holds. */
  public History add(String name, Repository repo) throws IOException {
    for (Snapshot s : repo.snapshots()) {
      if (s.asset() == null) continue;
      Duration took = s.stats() == null ? Duration.ZERO : Duration.ofMillis(s.stats().durationMillis());
      Point p = new Point(s.time(), s.consistency(), took, true, s.id().toString());
      assets.merge(s.asset(), p, History::newer);
    }
    for (RecordStore.Stored<GroupPoint> g : repo.records(GroupPoint.RECORDS).list(RecordStore.SKIP)) {
      GroupPoint m = g.value();
      Duration took = m.ended() == null ? Duration.ZERO : Duration.between(m.time(), m.ended());
      // an incomplete group point counts for nothing: it is never offered as consistent
      if (m.complete()) groups.merge(m.group(), new Point(m.time(), m.consistency(), took, true, g.name()), History::newer);
    }
    Instant verified = null;
    for (CheckRecord c : repo.checkRecords()) {
      if (c.ok() && c.scope() != null && c.scope().verifiesAllData() && (verified == null || c.time().isAfter(verified))) verified = c.time();
    }
    Instant pruned = null;
    for (RecordStore.Stored<MaintenanceRecord> r : repo.records(MaintenanceRecord.RECORDS).list(RecordStore.SKIP)) {
      MaintenanceRecord m = r.value();
      if (m.kind().equals("prune") && m.ok() && (pruned == null || m.time().isAfter(pruned))) pruned = m.time();
    }
    repositories.put(name, new Repo(verified, pruned));
    for (RecordStore.Stored<io.cairn.engine.evidence.RecoveryRecord> r : repo.records(io.cairn.engine.evidence.RecoveryRecord.RECORDS)
        .list(RecordStore.SKIP)) {
      var rec = r.value();
      if (!rec.sandbox() || rec.finished() == null) continue; // a drill is a recovery into a sandbox, passed or failed
      drills.merge(rec.subject(), rec.finished(), (a, b) -> a.isAfter(b) ? a : b);
    }
    copies.add(name, repo);
    return this;
  }

  private static Point newer(Point a, Point b) {
    return a.time().isAfter(b.time()) ? a : b;
  }
}
