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
      if (d.keep() || repo.lockedUntil(Snapshot.RECORDS.prefix() + d.snapshot().id()) != null) {
        kept++; // kept by retention, or by its object lock (an immutable repository) until it runs out
      } else {
        if (!dryRun) repo.forgetSnapshot(d.snapshot().id());
        gone.add(d.snapshot().id().toString());
      }
    }
    return new Result(asset, kept, gone);
  }

  /** How many incomplete group points are kept at most (the newest), whatever else retention keeps. */
  static final int INCOMPLETE_KEPT = 3;

  /**
   * Forgets the group points of a group (manifest and members) its retention no longer keeps. The
   * rules decide on complete points; a member's pin keeps its whole point (the latest of its members'
   * pins decides). An incomplete point goes once a newer complete one is kept, or when it is not
   * among the {@value #INCOMPLETE_KEPT} newest incomplete ones (a member failing for days at every
   * run would otherwise pile them up), unless a pin holds it. Member snapshots of a capture whose
   * manifest was never written (the capture was killed) are incomplete points too.
   */
  public static Result group(Repository repo, String group, ProtectionClass.Retention r, ZoneId zone, InstantSource clock, boolean dryRun)
      throws IOException {
    java.time.Instant now = clock.instant();
    Map<BlobId, Optional<java.time.Instant>> snapshotPins = pins(repo);
    Map<BlobId, RecordStore.Stored<GroupPoint>> byId = new HashMap<>();
    Map<BlobId, Optional<java.time.Instant>> pins = new HashMap<>();
    List<Snapshot> proxies = new ArrayList<>();
    List<Unit> incomplete = new ArrayList<>();
    java.util.Set<String> runs = new java.util.HashSet<>();
    for (RecordStore.Stored<GroupPoint> g : repo.records(GroupPoint.RECORDS).list(RecordStore.SKIP)) {
      if (!group.equals(g.value().group())) continue;
      runs.add(g.value().run());
      List<String> members = g.value().members().stream().map(GroupPoint.Member::snapshot).filter(java.util.Objects::nonNull).toList();
      Optional<java.time.Instant> pin = pinOf(members, snapshotPins);
      if (!g.value().complete()) {
        incomplete.add(new Unit(g.value().time(), members, g, pin));
        continue;
      }
      // the rules decide on snapshots; a group point is presented as one, under its manifest's id
      BlobId id = BlobId.fromHex(g.name());
      byId.put(id, g);
      if (pin != null) pins.put(id, pin);
      proxies.add(Snapshot.builder().time(g.value().time()).host(g.value().host()).tags(g.value().tags()).tree(id).build().withId(id));
    }
    Map<String, List<Snapshot>> orphans = new HashMap<>();
    for (Snapshot s : repo.snapshots()) {
      if (group.equals(s.group()) && s.run() != null && !runs.contains(s.run())) orphans.computeIfAbsent(s.run(), k -> new ArrayList<>()).add(s);
    }
    for (List<Snapshot> o : orphans.values()) {
      List<String> members = o.stream().map(x -> x.id().toString()).toList();
      java.time.Instant t = o.stream().map(Snapshot::time).min(java.util.Comparator.naturalOrder()).orElseThrow();
      incomplete.add(new Unit(t, members, null, pinOf(members, snapshotPins)));
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
          drop(repo, new Unit(g.value().time(), g.value().members().stream().map(GroupPoint.Member::snapshot)
              .filter(java.util.Objects::nonNull).toList(), g, null), dryRun, gone);
        }
      }
    }
    incomplete.sort(java.util.Comparator.comparing(Unit::time).reversed());
    int newer = 0;
    for (Unit u : incomplete) {
      boolean pinned = u.pin() != null && u.pin().map(until -> until.isAfter(now)).orElse(true);
      boolean superseded = newestKept != null && u.time().isBefore(newestKept);
      if (!pinned && (superseded || newer >= INCOMPLETE_KEPT)) {
        drop(repo, u, dryRun, gone);
      } else {
        kept++;
        newer++;
      }
    }
    return new Result(group, kept, gone);
  }

  /** A group point to keep or drop whole: its member snapshots and its manifest (null for an orphaned capture). */
  private record Unit(java.time.Instant time, List<String> members, RecordStore.Stored<GroupPoint> manifest,
      Optional<java.time.Instant> pin) {}

  /**
   * The pin that holds a group point: the latest of its members' (empty, for ever, wins); null when
   * no member is pinned.
   */
  private static Optional<java.time.Instant> pinOf(List<String> members, Map<BlobId, Optional<java.time.Instant>> pins) {
    Optional<java.time.Instant> best = null;
    for (String m : members) {
      Optional<java.time.Instant> p = pins.get(BlobId.fromHex(m));
      if (p == null) continue;
      if (best == null || p.isEmpty() || best.isPresent() && p.get().isAfter(best.get())) best = p;
      if (best.isEmpty()) break;
    }
    return best;
  }

  private static void drop(Repository repo, Unit u, boolean dryRun, List<String> gone) throws IOException {
    // an immutable repository's group point goes whole or not at all: not while any part is locked
    for (String m : u.members()) if (m != null && repo.lockedUntil(Snapshot.RECORDS.prefix() + m) != null) return;
    if (u.manifest() != null && repo.lockedUntil(GroupPoint.RECORDS.prefix() + u.manifest().name()) != null) return;
    // members first, the manifest last: a run killed between them leaves a manifest whose members are
    // gone (dropped again next time), never members counted as a point no manifest lists
    for (String m : u.members()) {
      if (!dryRun) {
        try {
          repo.forgetSnapshot(BlobId.fromHex(m));
        } catch (java.nio.file.NoSuchFileException alreadyGone) {
          // forgotten by an earlier, interrupted run
        }
      }
      gone.add(m);
    }
    if (u.manifest() != null) {
      if (!dryRun && repo.immutable()) repo.store().purge(List.of(GroupPoint.RECORDS.prefix() + u.manifest().name()));
      else if (!dryRun) repo.records(GroupPoint.RECORDS).delete(u.manifest().name());
      gone.add("group point " + u.manifest().name());
    }
  }

  private static Map<BlobId, Optional<java.time.Instant>> pins(Repository repo) throws IOException {
    Map<BlobId, Optional<java.time.Instant>> out = new HashMap<>();
    for (var e : repo.pins().entrySet()) out.put(e.getKey(), Optional.ofNullable(e.getValue().until()));
    return out;
  }

}
