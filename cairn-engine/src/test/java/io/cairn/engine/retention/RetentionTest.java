package io.cairn.engine.retention;

import static io.cairn.engine.retention.Snaps.id;
import static io.cairn.engine.retention.Snaps.policy;
import static io.cairn.engine.retention.Snaps.snap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.cairn.engine.BlobId;
import io.cairn.engine.snapshot.Snapshot;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetentionTest {
  static final ZoneId UTC = ZoneOffset.UTC;
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  static final InstantSource NOW = InstantSource.fixed(Instant.parse("2026-12-01T00:00:00Z"));

  static List<Decision> apply(RetentionPolicy policy, ZoneId zone, Snapshot... snaps) {
    return new Retention(policy, zone, NOW).apply(List.of(snaps), Map.of());
  }

  /** The reasons of each decision, newest first; an empty list for a removed snapshot. */
  static List<List<String>> reasons(List<Decision> ds) {
    return ds.stream().map(Decision::reasons).toList();
  }

  @Test
  void apply_ordersDecisionsNewestFirst_whateverTheInputOrder() {
    Snapshot a = snap(1, "2026-11-20T10:00:00Z");
    Snapshot b = snap(2, "2026-11-22T10:00:00Z");
    Snapshot c = snap(3, "2026-11-21T10:00:00Z");
    List<Decision> ds = apply(policy(-1, 0, 0, 0, 0, 0), UTC, a, b, c);
    assertThat(ds).extracting(Decision::snapshot).containsExactly(b, c, a);
  }

  @Test
  void apply_withAnEmptyGroup_decidesNothing() {
    assertThat(new Retention(policy(1, 0, 0, 0, 0, 0), UTC, NOW).apply(List.of(), Map.of())).isEmpty();
  }

  @Test
  void keepLast_keepsTheNNewest_andRemovesTheRest() {
    List<Decision> ds = apply(policy(3, 0, 0, 0, 0, 0), UTC, snap(1, "2026-11-20T10:00:00Z"),
        snap(2, "2026-11-21T10:00:00Z"), snap(3, "2026-11-22T10:00:00Z"), snap(4, "2026-11-23T10:00:00Z"),
        snap(5, "2026-11-24T10:00:00Z"));
    assertThat(ds).extracting(d -> d.snapshot().id(), Decision::keep).containsExactly(tuple(id(5), true),
        tuple(id(4), true), tuple(id(3), true), tuple(id(2), false), tuple(id(1), false));
    assertThat(ds.get(0).reasons()).containsExactly("last 3");
    assertThat(ds.get(3).reasons()).isEmpty();
  }

  @Test
  void keepLast_withEqualTimes_ordersByIdSoTheResultDoesNotDependOnInputOrder() {
    Snapshot low = snap(1, "2026-11-24T10:00:00Z");
    Snapshot high = snap(2, "2026-11-24T10:00:00Z");
    Retention r = new Retention(policy(1, 0, 0, 0, 0, 0), UTC, NOW);
    List<Decision> one = r.apply(List.of(low, high), Map.of());
    List<Decision> other = r.apply(List.of(high, low), Map.of());
    assertThat(one).isEqualTo(other);
    assertThat(one).extracting(Decision::snapshot, Decision::keep).containsExactly(tuple(high, true), tuple(low, false));
  }

  @Test
  void keepDaily_withTwoSnapshotsOnOneDay_keepsTheNewestOfThatDay() {
    List<Decision> ds = apply(policy(0, 0, 7, 0, 0, 0), UTC, snap(1, "2026-11-24T09:00:00Z"),
        snap(2, "2026-11-24T18:00:00Z"), snap(3, "2026-11-23T12:00:00Z"));
    assertThat(ds).extracting(d -> d.snapshot().id()).containsExactly(id(2), id(1), id(3));
    assertThat(reasons(ds)).containsExactly(List.of("daily 2026-11-24"), List.of(), List.of("daily 2026-11-23"));
  }

  @Test
  void keepDaily_spendsItsBudgetPerDay_keepingTheNewestOfTheNNewestDays() {
    List<Snapshot> snaps = new ArrayList<>();
    for (int day = 20; day <= 24; day++) {
      snaps.add(snap(day * 10L, "2026-11-" + day + "T08:00:00Z"));
      snaps.add(snap(day * 10L + 1, "2026-11-" + day + "T20:00:00Z"));
    }
    List<Decision> ds = new Retention(policy(0, 0, 3, 0, 0, 0), UTC, NOW).apply(snaps, Map.of());
    assertThat(ds.stream().filter(Decision::keep).map(d -> d.snapshot().id()))
        .containsExactly(id(241), id(231), id(221));
    assertThat(ds.stream().filter(Decision::keep).map(Decision::reasons))
        .containsExactly(List.of("daily 2026-11-24"), List.of("daily 2026-11-23"), List.of("daily 2026-11-22"));
  }

  @Test
  void keepDaily_skipsDaysWithoutSnapshots_andCountsOnlyDaysThatHaveOne() {
    List<Decision> ds = apply(policy(0, 0, 2, 0, 0, 0), UTC, snap(1, "2026-11-24T09:00:00Z"),
        snap(2, "2026-11-10T09:00:00Z"), snap(3, "2026-11-01T09:00:00Z"));
    assertThat(reasons(ds)).containsExactly(List.of("daily 2026-11-24"), List.of("daily 2026-11-10"), List.of());
  }

  @Test
  void reasons_nameTheBucketOfEachCalendarRule() {
    List<Decision> ds = apply(policy(0, 1, 1, 1, 1, 1), UTC, snap(1, "2026-11-24T13:45:00Z"));
    assertThat(ds.get(0).reasons()).containsExactly("hourly 2026-11-24 13:00", "daily 2026-11-24", "weekly 2026-W48",
        "monthly 2026-11", "yearly 2026");
  }

  @Test
  void keepHourly_keepsTheNewestOfEachHour() {
    List<Decision> ds = apply(policy(0, 2, 0, 0, 0, 0), UTC, snap(1, "2026-11-24T13:05:00Z"),
        snap(2, "2026-11-24T13:55:00Z"), snap(3, "2026-11-24T12:59:59Z"), snap(4, "2026-11-24T11:00:00Z"));
    assertThat(reasons(ds)).containsExactly(List.of("hourly 2026-11-24 13:00"), List.of(),
        List.of("hourly 2026-11-24 12:00"), List.of());
  }

  @Test
  void keepWeekly_acrossAYearBoundary_bucketsByIsoWeek() {
    // 2020 has 53 ISO weeks: Mon 2020-12-28 .. Sun 2021-01-03 is 2020-W53; Mon 2021-01-04 starts 2021-W01.
    List<Decision> ds = apply(policy(0, 0, 0, -1, 0, 0), UTC, snap(1, "2020-12-28T12:00:00Z"),
        snap(2, "2020-12-31T12:00:00Z"), snap(3, "2021-01-03T12:00:00Z"), snap(4, "2021-01-04T12:00:00Z"),
        snap(5, "2021-01-10T12:00:00Z"), snap(6, "2021-01-11T12:00:00Z"));
    assertThat(ds).extracting(d -> d.snapshot().id()).containsExactly(id(6), id(5), id(4), id(3), id(2), id(1));
    assertThat(reasons(ds)).containsExactly(List.of("weekly 2021-W02"), List.of("weekly 2021-W01"), List.of(),
        List.of("weekly 2020-W53"), List.of(), List.of());
  }

  @Test
  void keepWeekly_namesTheWeekBasedYear_notTheCalendarYear() {
    // 2022-01-01 (a Saturday) belongs to 2021-W52; 2026-12-31 (a Thursday) to 2026-W53; 2024-12-30 to 2025-W01.
    assertThat(apply(policy(0, 0, 0, 1, 0, 0), UTC, snap(1, "2022-01-01T12:00:00Z")).get(0).reasons())
        .containsExactly("weekly 2021-W52");
    assertThat(apply(policy(0, 0, 0, 1, 0, 0), UTC, snap(1, "2026-12-31T12:00:00Z")).get(0).reasons())
        .containsExactly("weekly 2026-W53");
    assertThat(apply(policy(0, 0, 0, 1, 0, 0), UTC, snap(1, "2024-12-30T12:00:00Z")).get(0).reasons())
        .containsExactly("weekly 2025-W01");
  }

  @Test
  void calendarRules_onALeapDay_bucketFeb29AsItsOwnDayInFebruary() {
    List<Decision> ds = apply(policy(0, 0, -1, 0, -1, -1), UTC, snap(1, "2023-02-28T12:00:00Z"),
        snap(2, "2024-02-28T12:00:00Z"), snap(3, "2024-02-29T12:00:00Z"), snap(4, "2024-03-01T12:00:00Z"));
    assertThat(reasons(ds)).containsExactly(List.of("daily 2024-03-01", "monthly 2024-03", "yearly 2024"),
        List.of("daily 2024-02-29", "monthly 2024-02"), List.of("daily 2024-02-28"),
        List.of("daily 2023-02-28", "monthly 2023-02", "yearly 2023"));
  }

  @Test
  void keepWithin_oneYearFrom2025Feb28_keepsTheLeapDay() {
    RetentionPolicy p = new RetentionPolicy(0, 0, 0, 0, 0, 0, Span.parse("1y"), null);
    Retention r = new Retention(p, UTC, InstantSource.fixed(Instant.parse("2025-02-28T12:00:00Z")));
    List<Decision> ds = r.apply(List.of(snap(1, "2024-02-29T00:00:00Z"), snap(2, "2024-02-28T12:00:00Z"),
        snap(3, "2024-02-28T11:59:59Z")), Map.of());
    // The cutoff is 2024-02-28T12:00:00Z, exclusive.
    assertThat(reasons(ds)).containsExactly(List.of("within 1y"), List.of(), List.of());
  }

  @Test
  void keepWithin_oneYearFrom2025Mar01_dropsTheLeapDay() {
    RetentionPolicy p = new RetentionPolicy(0, 0, 0, 0, 0, 0, Span.parse("1y"), null);
    Retention r = new Retention(p, UTC, InstantSource.fixed(Instant.parse("2025-03-01T12:00:00Z")));
    List<Decision> ds = r.apply(List.of(snap(1, "2024-03-01T13:00:00Z"), snap(2, "2024-02-29T23:00:00Z")), Map.of());
    assertThat(reasons(ds)).containsExactly(List.of("within 1y"), List.of());
  }

  @Test
  void keepWithin_countsBackFromNow_notFromTheNewestSnapshot() {
    RetentionPolicy p = new RetentionPolicy(0, 0, 0, 0, 0, 0, Span.parse("30d"), null);
    // now is 2026-12-01: the cutoff is 2026-11-01T00:00Z, so a source that stopped in October keeps nothing by this rule.
    List<Decision> ds = new Retention(p, UTC, NOW).apply(List.of(snap(1, "2026-11-02T00:00:00Z"),
        snap(2, "2026-10-30T00:00:00Z"), snap(3, "2026-10-29T00:00:00Z")), Map.of());
    assertThat(reasons(ds)).containsExactly(List.of("within 30d"), List.of(), List.of());
  }

  @Test
  void keepDaily_inBerlinOnTheSpringForwardDay_bucketsTheWhole23HourLocalDayTogether() {
    // 2026-03-29 in Berlin runs from 2026-03-28T23:00Z to 2026-03-29T22:00Z (23 hours).
    List<Decision> ds = apply(policy(0, 0, -1, 0, 0, 0), BERLIN,
        snap(1, "2026-03-28T22:30:00Z"), // 23:30 CET on the 28th
        snap(2, "2026-03-28T23:30:00Z"), // 00:30 CET on the 29th
        snap(3, "2026-03-29T21:30:00Z"), // 23:30 CEST on the 29th
        snap(4, "2026-03-29T22:30:00Z")); // 00:30 CEST on the 30th
    assertThat(reasons(ds)).containsExactly(List.of("daily 2026-03-30"), List.of("daily 2026-03-29"), List.of(),
        List.of("daily 2026-03-28"));
  }

  @Test
  void keepHourly_inBerlinOnTheFallBackDay_treatsTheRepeatedHourAsOneBucket() {
    List<Decision> ds = apply(policy(0, -1, 0, 0, 0, 0), BERLIN,
        snap(1, "2026-10-24T23:50:00Z"), // 01:50 CEST
        snap(2, "2026-10-25T00:30:00Z"), // 02:30 CEST
        snap(3, "2026-10-25T01:30:00Z"), // 02:30 CET, an hour later
        snap(4, "2026-10-25T02:10:00Z")); // 03:10 CET
    assertThat(reasons(ds)).containsExactly(List.of("hourly 2026-10-25 03:00"), List.of("hourly 2026-10-25 02:00"),
        List.of(), List.of("hourly 2026-10-25 01:00"));
  }

  @Test
  void keepWithin_oneDayAcrossSpringForward_isA23HourCalendarDay() {
    RetentionPolicy p = new RetentionPolicy(0, 0, 0, 0, 0, 0, Span.parse("1d"), null);
    // now 2026-03-30T01:00 CEST; one calendar day back is 2026-03-29T01:00 CET = 2026-03-29T00:00Z, 23 hours earlier.
    Retention r = new Retention(p, BERLIN, InstantSource.fixed(Instant.parse("2026-03-29T23:00:00Z")));
    List<Decision> ds = r.apply(List.of(snap(1, "2026-03-29T00:30:00Z"), snap(2, "2026-03-28T23:30:00Z")), Map.of());
    assertThat(reasons(ds)).containsExactly(List.of("within 1d"), List.of()); // the second is only 23.5 hours old
  }

  @Test
  void keepWithin_oneDayAcrossFallBack_isA25HourCalendarDay() {
    RetentionPolicy p = new RetentionPolicy(0, 0, 0, 0, 0, 0, Span.parse("1d"), null);
    // now 2026-10-26T01:00 CET; one calendar day back is 2026-10-25T01:00 CEST = 2026-10-24T23:00Z, 25 hours earlier.
    Retention r = new Retention(p, BERLIN, InstantSource.fixed(Instant.parse("2026-10-26T00:00:00Z")));
    List<Decision> ds = r.apply(List.of(snap(1, "2026-10-24T23:30:00Z"), snap(2, "2026-10-24T22:30:00Z")), Map.of());
    assertThat(reasons(ds)).containsExactly(List.of("within 1d"), List.of()); // the first is 24.5 hours old
  }

  @Test
  void keepLastAndKeepDaily_onTheSameSnapshot_showBothReasons() {
    List<Decision> ds = apply(policy(2, 0, 2, 0, 0, 0), UTC, snap(1, "2026-11-24T18:00:00Z"),
        snap(2, "2026-11-24T09:00:00Z"), snap(3, "2026-11-23T12:00:00Z"), snap(4, "2026-11-22T12:00:00Z"));
    assertThat(reasons(ds)).containsExactly(List.of("last 2", "daily 2026-11-24"), List.of("last 2"),
        List.of("daily 2026-11-23"), List.of());
  }

  @Test
  void unlimitedCounts_keepEverySnapshotOrEveryBucket() {
    Snapshot[] snaps = {snap(1, "2024-01-15T00:00:00Z"), snap(2, "2025-06-01T00:00:00Z"), snap(3, "2025-06-20T00:00:00Z"),
        snap(4, "2026-11-24T00:00:00Z")};
    assertThat(apply(policy(-1, 0, 0, 0, 0, 0), UTC, snaps)).allSatisfy(d -> assertThat(d.reasons()).containsExactly(
        "last all"));
    assertThat(reasons(apply(policy(0, 0, 0, 0, -1, 0), UTC, snaps))).containsExactly(List.of("monthly 2026-11"),
        List.of("monthly 2025-06"), List.of(), List.of("monthly 2024-01"));
  }

  @Test
  void pins_keepForeverAndUntilAFutureInstant_butNotOnceExpired() {
    Snapshot forever = snap(1, "2020-01-01T00:00:00Z");
    Snapshot future = snap(2, "2020-01-02T00:00:00Z");
    Snapshot expired = snap(3, "2020-01-03T00:00:00Z");
    Snapshot expiringNow = snap(4, "2020-01-04T00:00:00Z");
    Snapshot newest = snap(5, "2026-11-30T00:00:00Z");
    Map<BlobId, Optional<Instant>> pins = Map.of(forever.id(), Optional.empty(), future.id(),
        Optional.of(Instant.parse("2027-01-01T00:00:00Z")), expired.id(), Optional.of(Instant.parse("2026-11-01T00:00:00Z")),
        expiringNow.id(), Optional.of(NOW.instant()));
    List<Decision> ds = new Retention(policy(1, 0, 0, 0, 0, 0), UTC, NOW).apply(
        List.of(forever, future, expired, expiringNow, newest), pins);
    assertThat(reasons(ds)).containsExactly(List.of("last 1"), List.of(), List.of(),
        List.of("pinned until 2027-01-01T00:00:00Z"), List.of("pinned"));
  }

  @Test
  void pins_doNotSpendTheBudgetOfOtherRules() {
    Snapshot pinned = snap(1, "2026-11-24T00:00:00Z");
    Snapshot older = snap(2, "2026-11-23T00:00:00Z");
    List<Decision> ds = new Retention(policy(0, 0, 2, 0, 0, 0), UTC, NOW).apply(List.of(pinned, older),
        Map.of(pinned.id(), Optional.empty()));
    assertThat(reasons(ds)).containsExactly(List.of("daily 2026-11-24", "pinned"), List.of("daily 2026-11-23"));
  }

  @Test
  void keepTag_keepsSnapshotsCarryingAnyOfTheTags_withOneReasonPerTag() {
    RetentionPolicy p = new RetentionPolicy(0, 0, 0, 0, 0, 0, null, Set.of("prod", "audit"));
    List<Decision> ds = new Retention(p, UTC, NOW).apply(List.of(snap(1, "2026-11-24T00:00:00Z", "prod", "audit"),
        snap(2, "2026-11-23T00:00:00Z", "dev"), snap(3, "2026-11-22T00:00:00Z", "prod"),
        snap(4, "2026-11-21T00:00:00Z")), Map.of());
    assertThat(reasons(ds)).containsExactly(List.of("tag audit", "tag prod"), List.of(), List.of("tag prod"), List.of());
  }

  @Test
  void newRetention_withAnEmptyPolicy_refusesBecauseItWouldRemoveEverything() {
    assertThatThrownBy(() -> new Retention(policy(0, 0, 0, 0, 0, 0), UTC, NOW))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
  }

  @Test
  void group_withNoFields_putsEverySnapshotInOneGroup() {
    List<Snapshot> all = List.of(snap(id(1), Instant.EPOCH, "a", List.of("/x"), List.of()),
        snap(id(2), Instant.EPOCH, "b", List.of("/y"), List.of("t")));
    Map<GroupKey, List<Snapshot>> g = Retention.group(all, Set.of());
    assertThat(g).containsOnlyKeys(new GroupKey(null, null, null));
    assertThat(g.get(new GroupKey(null, null, null))).isEqualTo(all);
    assertThat(new GroupKey(null, null, null)).hasToString("");
  }

  @Test
  void group_byHostAndPaths_comparesPathsAsSortedLists_andOrdersGroupsByName() {
    Snapshot b1 = snap(id(1), Instant.EPOCH, "b", List.of("/y", "/x"), List.of("t1"));
    Snapshot a1 = snap(id(2), Instant.EPOCH, "a", List.of("/x"), List.of());
    Snapshot b2 = snap(id(3), Instant.EPOCH, "b", List.of("/x", "/y"), List.of("t2"));
    Snapshot a2 = snap(id(4), Instant.EPOCH, "a", List.of("/z"), List.of());
    Map<GroupKey, List<Snapshot>> g = Retention.group(List.of(b1, a1, b2, a2), Set.of("host", "paths"));
    assertThat(g.keySet()).extracting(GroupKey::toString).containsExactly("host=a paths=[/x]", "host=a paths=[/z]",
        "host=b paths=[/x, /y]");
    assertThat(g.get(new GroupKey("b", List.of("/y", "/x"), null))).containsExactly(b1, b2);
  }

  @Test
  void group_byTags_comparesTagsAsSets() {
    Snapshot s1 = snap(id(1), Instant.EPOCH, "a", List.of("/x"), List.of("weekly", "db"));
    Snapshot s2 = snap(id(2), Instant.EPOCH, "b", List.of("/y"), List.of("db", "weekly"));
    Snapshot s3 = snap(id(3), Instant.EPOCH, "a", List.of("/x"), List.of());
    Map<GroupKey, List<Snapshot>> g = Retention.group(List.of(s1, s2, s3), Set.of("tags"));
    assertThat(g.keySet()).extracting(GroupKey::toString).containsExactly("tags=[]", "tags=[db, weekly]");
    assertThat(g.get(new GroupKey(null, null, List.of("db", "weekly")))).containsExactly(s1, s2);
  }

  @Test
  void group_byAllFields_separatesEveryDifference() {
    Snapshot s1 = snap(id(1), Instant.EPOCH, "a", List.of("/x"), List.of("t"));
    Snapshot s2 = snap(id(2), Instant.EPOCH, "a", List.of("/x"), List.of());
    Snapshot s3 = snap(id(3), Instant.EPOCH, "a", List.of("/y"), List.of("t"));
    Snapshot s4 = snap(id(4), Instant.EPOCH, "a", List.of("/x"), List.of("t"));
    Map<GroupKey, List<Snapshot>> g = Retention.group(List.of(s1, s2, s3, s4), Set.of("host", "paths", "tags"));
    assertThat(g.keySet()).extracting(GroupKey::toString).containsExactly("host=a paths=[/x] tags=[]",
        "host=a paths=[/x] tags=[t]", "host=a paths=[/y] tags=[t]");
    assertThat(g.get(new GroupKey("a", List.of("/x"), List.of("t")))).containsExactly(s1, s4);
  }

  @Test
  void group_byAnUnknownField_isRejected() {
    assertThatThrownBy(() -> Retention.group(List.of(), Set.of("user"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"user\"").hasMessageContaining("host, paths");
  }

  @Test
  void apply_isUnaffectedByShufflingTheGroup() {
    List<Snapshot> snaps = new ArrayList<>();
    for (int i = 0; i < 30; i++) snaps.add(snap(i, Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i * 37_000L).toString()));
    Retention r = new Retention(policy(2, 3, 4, 2, 2, 1), BERLIN, NOW);
    List<Decision> expected = r.apply(snaps, Map.of());
    Collections.shuffle(snaps, new Random(7));
    assertThat(r.apply(snaps, Map.of())).isEqualTo(expected);
  }
}
