package io.cairn.schedule;

import io.cairn.engine.BlobId;
import io.cairn.engine.repo.RecordStore;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.retention.Decision;
import io.cairn.engine.retention.Retention;
import io.cairn.engine.retention.RetentionPolicy;
import io.cairn.engine.retention.Span;
import io.cairn.engine.snapshot.GroupPoint;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.policy.ProtectionClass;
import java.io.IOException;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applies a class's retention to the points of one asset or one consistency group, with the
 * engine's GFS rules. A group's points are kept or forgotten as a unit: the rules decide on the
 * group points (complete ones; an incomplete one goes once a newer complete one is kept), and a
 * forgotten group point takes its member snapshots with it. Pins hold as everywhere.
 */
public final class Retire {
  private Retire() {}

  /** What retention did: the snapshots and group points it forgot, and how many it kept. */
  public record Result(String target, int kept, List<String> forgotten) {}

  static RetentionPolicy rules(ProtectionClass.Retention r) {
    return new RetentionPolicy(r.keepLast(), r.keepHourly(), r.keepDaily(), r.keepWeekly(), r.keepMonthly(), r.keepYearly(),
        r.keepWithin() == null ? null : span(r.keepWithin()), null);
  }

  /** The engine counts keep-within in whole days and hours: a part of an hour rounds up (keeps more, never less). */
  private static Span span(java.time.Duration d) {
    long hours = d.toHours() + (d.minusHours(d.toHours()).isZero() ? 0 : 1);
    return new Span(0, 0, (int) (hours / 24), (int) (hours % 24));
  }

  /** Forgets an asset's own points (those not taken as part of a group) that its retention no longer keeps. */
  public static Result asset(Repository repo, String asset, ProtectionClass.Retention r, ZoneId zone, InstantSource clock, boolean dryRun)
      throws IOException {
    List<Snapshot> mine = new ArrayList<>();
    for (Snapshot s : repo.snapshots()) if (asset.equals(s.asset()) && s.group() == null) mine.add(s);
    List<Decision> ds = new Retention(rules(r), zone, clock).apply(mine, pins(repo));
    List<String> gone = new ArrayList<>();
    int kept = 0;
    for (Decision d : ds) {
      if (d.keep()) {
        kept++;
      } else {
        if (!dryRun) repo.forgetSnapshot(d.snapshot().id());
        gone.add(d.snapshot().id().toString());
      }
    }
    return new Result(asset, kept, gone);
  }

  /** Forgets the group points of a group (manifest and members) its retention no longer keeps. */
  public static Result group(Repository repo, String group, ProtectionClass.Retention r, ZoneId zone, InstantSource clock, boolean dryRun)
      throws IOException {
    Map<BlobId, RecordStore.Stored<GroupPoint>> byId = new HashMap<>();
    List<Snapshot> proxies = new ArrayList<>();
    List<RecordStore.Stored<GroupPoint>> incomplete = new ArrayList<>();
    for (RecordStore.Stored<GroupPoint> g : repo.records(GroupPoint.RECORDS).list(RecordStore.SKIP)) {
      if (!group.equals(g.value().group())) continue;
      if (!g.value().complete()) {
        incomplete.add(g);
        continue;
      }
      // the rules decide on snapshots; a group point is presented as one, under its manifest's id
      BlobId id = BlobId.fromHex(g.name());
      byId.put(id, g);
      proxies.add(Snapshot.builder().time(g.value().time()).host(g.value().host()).tags(g.value().tags()).tree(id).build().withId(id));
    }
    Map<BlobId, Optional<java.time.Instant>> pins = new HashMap<>();
    Map<BlobId, Optional<java.time.Instant>> snapshotPins = pins(repo);
    for (var e : byId.entrySet()) {
      for (GroupPoint.Member m : e.getValue().value().members()) {
        if (m.snapshot() != null && snapshotPins.containsKey(BlobId.fromHex(m.snapshot()))) {
          pins.put(e.getKey(), snapshotPins.get(BlobId.fromHex(m.snapshot()))); // a pinned member keeps its whole group point
        }
      }
    }
    List<String> gone = new ArrayList<>();
    int kept = 0;
    java.time.Instant newestKept = null;
    if (!proxies.isEmpty()) {
      for (Decision d : new Retention(rules(r), zone, clock).apply(proxies, pins)) {
        RecordStore.Stored<GroupPoint> g = byId.get(d.snapshot().id());
        if (d.keep()) {
          kept++;
          if (newestKept == null || g.value().time().isAfter(newestKept)) newestKept = g.value().time();
        } else {
          drop(repo, g, dryRun, gone);
        }
      }
    }
    for (RecordStore.Stored<GroupPoint> g : incomplete) {
      if (newestKept != null && g.value().time().isBefore(newestKept)) drop(repo, g, dryRun, gone);
      else kept++;
    }
    return new Result(group, kept, gone);
  }

  private static void drop(Repository repo, RecordStore.Stored<GroupPoint> g, boolean dryRun, List<String> gone) throws IOException {
    // members first, the manifest last: a run killed between them leaves a manifest whose members are gone, retried next time
    for (GroupPoint.Member m : g.value().members()) {
      if (m.snapshot() == null) continue;
      if (!dryRun) {
        try {
          repo.forgetSnapshot(BlobId.fromHex(m.snapshot()));
        } catch (java.nio.file.NoSuchFileException alreadyGone) {
          // forgotten by an earlier, interrupted run
        }
      }
      gone.add(m.snapshot());
    }
    if (!dryRun) repo.records(GroupPoint.RECORDS).delete(g.name());
    gone.add("group point " + g.name());
  }

  private static Map<BlobId, Optional<java.time.Instant>> pins(Repository repo) throws IOException {
    Map<BlobId, Optional<java.time.Instant>> out = new HashMap<>();
    for (var e : repo.pins().entrySet()) out.put(e.getKey(), Optional.ofNullable(e.getValue().until()));
    return out;
  }

}
