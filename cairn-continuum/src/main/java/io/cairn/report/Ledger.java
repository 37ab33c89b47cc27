package io.cairn.report;

import io.cairn.engine.check.CheckRecord;
import io.cairn.engine.evidence.RecoveryRecord;
import io.cairn.engine.repo.RecordStore;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.Consistency;
import io.cairn.engine.snapshot.GroupPoint;
import io.cairn.engine.snapshot.Snapshot;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Everything the repositories hold that compliance is measured from: the points (each asset's
 * snapshots and each group's manifests), the data checks, and the recoveries and drills. Read from
 * the repositories themselves, so a report needs no catalog and says what any machine would say.
 */
public final class Ledger {
  /** A recovery point of an asset or a group, in the repository called {@code repository}. */
  public record Point(String subject, boolean group, String id, Instant time, Consistency consistency, boolean complete, String repository,
      List<String> members) {}

  /** A check of a repository's data: {@code allData} when it read every pack. */
  public record Check(String repository, Instant time, boolean ok, boolean allData) {}

  private final List<Point> points = new ArrayList<>();
  private final List<Check> checks = new ArrayList<>();
  private final List<RecoveryRecord> recoveries = new ArrayList<>();
  private final List<String> repositories = new ArrayList<>();
  private final io.cairn.schedule.Copies.Facts copies = new io.cairn.schedule.Copies.Facts();

  /** Adds what one repository (called {@code name} in the policy) holds. */
  public Ledger add(String name, Repository repo) throws IOException {
    repositories.add(name);
    for (Snapshot s : repo.snapshots()) {
      if (s.asset() == null) continue;
      points.add(new Point(s.asset(), false, s.id().toString(), s.time(), s.consistency(), true, name, List.of()));
    }
    for (RecordStore.Stored<GroupPoint> g : repo.records(GroupPoint.RECORDS).list(RecordStore.SKIP)) {
      GroupPoint m = g.value();
      points.add(new Point(m.group(), true, g.name(), m.time(), m.consistency(), m.complete(), name,
          m.members().stream().map(x -> x.snapshot() == null ? "" : x.snapshot()).toList()));
    }
    for (CheckRecord c : repo.checkRecords()) {
      checks.add(new Check(name, c.time(), c.ok(), c.scope() != null && c.scope().verifiesAllData()));
    }
    for (RecordStore.Stored<RecoveryRecord> r : repo.records(RecoveryRecord.RECORDS).list(RecordStore.SKIP)) recoveries.add(r.value());
    copies.add(name, repo);
    return this;
  }

  /** The points held and the copies recorded, as the copy rules are judged. */
  public io.cairn.schedule.Copies.Facts copies() {
    return copies;
  }

  /** For tests and for callers that gathered the facts elsewhere. */
  public Ledger point(Point p) {
    points.add(p);
    return this;
  }

  public Ledger check(Check c) {
    checks.add(c);
    return this;
  }

  public Ledger recovery(RecoveryRecord r) {
    recoveries.add(r);
    return this;
  }

  /** The points of an asset or a group, oldest first. */
  public List<Point> points(String subject, boolean group) {
    return points.stream().filter(p -> p.subject().equals(subject) && p.group() == group).sorted(Comparator.comparing(Point::time)).toList();
  }

  public List<Check> checks() {
    return List.copyOf(checks);
  }

  /**
   * The recoveries and drills of a group, or of an asset (its own, and its group's that restored it),
   * oldest first.
   */
  public List<RecoveryRecord> recoveries(String subject, boolean group) {
    return recoveries.stream().filter(r -> r.subject().equals(subject) && r.subjectKind().equals(group ? "group" : "asset")
            || !group && r.points().stream().anyMatch(p -> p.asset().equals(subject)))
        .sorted(Comparator.comparing(RecoveryRecord::started)).toList();
  }

  public List<String> repositories() {
    return List.copyOf(repositories);
  }
}
