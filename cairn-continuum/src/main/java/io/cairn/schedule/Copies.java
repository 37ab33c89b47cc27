package io.cairn.schedule;

import io.cairn.engine.evidence.CopyRecord;
import io.cairn.engine.repo.RecordStore;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.GroupPoint;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.policy.Asset;
import io.cairn.policy.Group;
import io.cairn.policy.Policy;
import io.cairn.policy.ProtectionClass;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The copies the policy's copy rules ask for and the repositories do not hold yet: every point of an
 * asset (and every group point of a group) in its repository is owed to each repository its class's
 * rules name, due {@code within} of its capture. A point is copied when a passed copy record in the
 * destination names it (by the source repository's id and the point's id there). Pure logic over
 * facts read from the repositories, so the planner, {@code run --due} and the gap analysis agree.
 */
public final class Copies {
  private Copies() {}

  /** A point that must be copied to {@code to}; {@code overdue} once {@code dueBy} has passed. */
  public record Owed(String subject, String kind, String from, String to, String point, Instant time, Instant dueBy, boolean overdue) {}

  /** What the repositories hold that copy rules are judged by. */
  public static final class Facts {
    /** A point in a repository: an asset's snapshot or a group's manifest. */
    public record Held(String repository, String subject, boolean group, String id, Instant time) {}

    final List<Held> held = new ArrayList<>();
    final Map<String, String> ids = new HashMap<>();
    /** Per destination name: "sourceRepositoryId/pointId" of every point a passed copy record names. */
    final Map<String, Set<String>> landed = new HashMap<>();

    /** Adds what one repository, called {@code name} in the policy, holds. */
    public void add(String name, Repository repo) throws IOException {
      ids.put(name, repo.config().id());
      for (Snapshot s : repo.snapshots()) if (s.asset() != null) held.add(new Held(name, s.asset(), false, s.id().toString(), s.time()));
      for (RecordStore.Stored<GroupPoint> g : repo.records(GroupPoint.RECORDS).list(RecordStore.SKIP)) {
        held.add(new Held(name, g.value().group(), true, g.name(), g.value().time()));
      }
      Set<String> in = landed.computeIfAbsent(name, k -> new HashSet<>());
      for (RecordStore.Stored<CopyRecord> r : repo.records(CopyRecord.RECORDS).list(RecordStore.SKIP)) {
        CopyRecord c = r.value();
        if (!c.passed()) continue;
        for (CopyRecord.Point p : c.points()) in.add(c.source() + "/" + p.sourceSnapshot());
        for (CopyRecord.GroupCopy g : c.groupPoints()) in.add(c.source() + "/" + g.sourceManifest());
      }
    }

    /** For tests: a point held. */
    public Facts held(Held h) {
      held.add(h);
      return this;
    }

    /** For tests: a repository's id and the points copied into it. */
    public Facts repository(String name, String id, Set<String> copiedIn) {
      ids.put(name, id);
      landed.computeIfAbsent(name, k -> new HashSet<>()).addAll(copiedIn);
      return this;
    }
  }

  /** Every copy owed at {@code now}, oldest point first. */
  public static List<Owed> owed(Policy p, Facts f, Instant now, String fallbackRepository) {
    List<Owed> out = new ArrayList<>();
    for (Asset a : p.assets().values()) {
      String from = Planner.repositoryName(p, a, fallbackRepository);
      owe(out, f, a.name(), false, from, p.effective(a.name()).copies().value(), now);
    }
    for (Group g : p.groups().values()) {
      String from = Planner.repositoryName(p, p.asset(g.assets().get(0)), fallbackRepository);
      owe(out, f, g.name(), true, from, p.effectiveGroup(g.name()).copies().value(), now);
    }
    out.sort(java.util.Comparator.comparing(Owed::time));
    return out;
  }

  private static void owe(List<Owed> out, Facts f, String subject, boolean group, String from, List<ProtectionClass.CopyRule> rules,
      Instant now) {
    if (from == null || rules.isEmpty()) return;
    String fromId = f.ids.get(from);
    for (ProtectionClass.CopyRule rule : rules) {
      if (rule.to().equals(from)) continue;
      Set<String> in = f.landed.getOrDefault(rule.to(), Set.of());
      for (Facts.Held h : f.held) {
        if (!h.repository().equals(from) || !h.subject().equals(subject) || h.group() != group) continue;
        if (fromId != null && in.contains(fromId + "/" + h.id())) continue;
        Instant dueBy = h.time().plus(rule.within());
        out.add(new Owed(subject, group ? "group" : "asset", from, rule.to(), h.id(), h.time(), dueBy, now.isAfter(dueBy)));
      }
    }
  }

  /** How late an owed copy is at {@code now} (zero when it is not yet due). */
  public static Duration late(Owed o, Instant now) {
    return o.overdue() ? Duration.between(o.dueBy(), now) : Duration.ZERO;
  }
}
