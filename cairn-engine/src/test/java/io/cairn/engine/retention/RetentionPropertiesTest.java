package io.cairn.engine.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.engine.BlobId;
import io.cairn.engine.snapshot.Snapshot;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class RetentionPropertiesTest {
  static final List<ZoneId> ZONES = List.of(ZoneOffset.UTC, ZoneId.of("Europe/Berlin"), ZoneId.of("America/New_York"),
      ZoneId.of("Australia/Lord_Howe"), ZoneId.of("Asia/Kolkata"));
  static final String[] RULES = {"hourly ", "daily ", "weekly ", "monthly ", "yearly "};
  static final Instant START = Instant.parse("2024-01-01T00:00:00Z");

  /** Up to 40 snapshots over about three years, dense in places and with equal times now and then. */
  static List<Snapshot> snapshots(Random r) {
    int n = r.nextInt(41);
    List<Snapshot> out = new ArrayList<>(n);
    long span = r.nextBoolean() ? 3L * 365 * 86_400 : 3L * 86_400;
    for (int i = 0; i < n; i++) {
      Instant t = i > 0 && r.nextInt(8) == 0 ? out.get(r.nextInt(i)).time() : START.plusSeconds(r.nextLong(span));
      BlobId id = new BlobId(r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong());
      List<String> tags = r.nextInt(4) == 0 ? List.of("prod") : List.of();
      out.add(Snaps.snap(id, t, "host", List.of("/data"), tags));
    }
    return out;
  }

  static int count(Random r) {
    return new int[] {-1, 0, 0, 1, 2, 3, 5}[r.nextInt(7)];
  }

  static RetentionPolicy policy(Random r) {
    while (true) {
      RetentionPolicy p = new RetentionPolicy(count(r), count(r), count(r), count(r), count(r), count(r),
          r.nextInt(4) == 0 ? new Span(0, 0, r.nextInt(30), r.nextInt(24)) : null,
          r.nextInt(4) == 0 ? Set.of("prod") : Set.of());
      if (!p.isEmpty()) return p;
    }
  }

  static int[] counts(RetentionPolicy p) {
    return new int[] {p.keepHourly(), p.keepDaily(), p.keepWeekly(), p.keepMonthly(), p.keepYearly()};
  }

  @Property(tries = 300)
  void apply_keepsWhatEachRulePromises_andIsDeterministic(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed) {
    Random r = new Random(seed);
    List<Snapshot> snaps = snapshots(r);
    RetentionPolicy p = policy(r);
    ZoneId zone = ZONES.get(r.nextInt(ZONES.size()));
    Retention retention = new Retention(p, zone, InstantSource.fixed(START.plusSeconds(4L * 365 * 86_400)));
    List<Decision> ds = retention.apply(snaps, Map.of());

    // One decision per snapshot, newest first.
    List<Snapshot> expectedOrder = new ArrayList<>(snaps);
    expectedOrder.sort(Comparator.comparing(Snapshot::time).thenComparing(Snapshot::id).reversed());
    assertThat(ds).extracting(Decision::snapshot).containsExactlyElementsOf(expectedOrder);

    // (a) every one of the keep-last N newest is kept.
    int last = p.keepLast() < 0 ? ds.size() : Math.min(p.keepLast(), ds.size());
    for (int i = 0; i < last; i++) assertThat(ds.get(i).keep()).isTrue();

    // (b) a calendar rule with count N keeps at most N snapshots.
    int[] counts = counts(p);
    for (int k = 0; k < RULES.length; k++) {
      String rule = RULES[k];
      long kept = ds.stream().filter(d -> d.reasons().stream().anyMatch(x -> x.startsWith(rule))).count();
      if (counts[k] == 0) {
        assertThat(kept).isZero();
      } else if (counts[k] > 0) {
        assertThat(kept).isLessThanOrEqualTo(counts[k]);
      }
    }

    // (c) the newest snapshot is kept when any count rule is on.
    boolean anyCount = p.keepLast() != 0 || Arrays.stream(counts).anyMatch(c -> c != 0);
    if (anyCount && !ds.isEmpty()) assertThat(ds.get(0).keep()).isTrue();

    // (d) shuffling the input changes nothing.
    List<Snapshot> shuffled = new ArrayList<>(snaps);
    Collections.shuffle(shuffled, r);
    assertThat(retention.apply(shuffled, Map.of())).isEqualTo(ds);
  }

  @Property(tries = 200)
  void keepDaily_inUtc_keepsExactlyTheNewestSnapshotOfEachOfTheNNewestDays(
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed) {
    Random r = new Random(seed);
    List<Snapshot> snaps = snapshots(r);
    int n = 1 + r.nextInt(6);
    Retention retention = new Retention(new RetentionPolicy(0, 0, n, 0, 0, 0, null, null), ZoneOffset.UTC,
        InstantSource.fixed(START));
    // The model: newest snapshot per UTC date, for the n latest dates.
    TreeMap<LocalDate, Snapshot> newestPerDay = new TreeMap<>(Comparator.reverseOrder());
    Comparator<Snapshot> order = Comparator.comparing(Snapshot::time).thenComparing(Snapshot::id);
    for (Snapshot s : snaps) {
      newestPerDay.merge(LocalDate.ofInstant(s.time(), ZoneOffset.UTC), s, (a, b) -> order.compare(a, b) >= 0 ? a : b);
    }
    Set<Snapshot> expected = new HashSet<>(newestPerDay.values().stream().limit(n).toList());
    Set<Snapshot> kept = new HashSet<>(retention.apply(snaps, Map.of()).stream().filter(Decision::keep)
        .map(Decision::snapshot).toList());
    assertThat(kept).isEqualTo(expected);
  }
}
