package io.cairn.engine.retention;

import io.cairn.engine.BlobId;
import io.cairn.engine.snapshot.Snapshot;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Decides which snapshots {@code forget} keeps (grandfather-father-son retention, as restic's
 * {@code forget}). Pure: time comes from the injected clock, calendars from the given zone.
 *
 * <p>Snapshots are walked newest to oldest (by time, then by id, so equal times are ordered the
 * same on every run). {@code keepLast} keeps the N newest. Each calendar rule (hourly, daily,
 * weekly, monthly, yearly) keeps a snapshot when its bucket, computed in the zone, differs from the
 * bucket of the last snapshot that rule kept and the rule has budget left; each kept bucket costs
 * one, -1 never runs out. So every rule keeps the newest snapshot of each of its N newest buckets.
 * Buckets: hour is the local date and hour (the repeated hour when clocks fall back is one
 * bucket), day the local date, week the ISO week-based year and week ({@code 2021-01-03} is in
 * {@code 2020-W53}), month and year the local ones. Unlike current restic, the oldest snapshot
 * is not kept additionally when a rule has budget left over.
 *
 * <p>{@code keepWithin} keeps every snapshot taken after {@code now} minus the span (calendar-wise
 * in the zone, see {@link Span#subtractFrom}). Restic counts back from the newest snapshot instead;
 * counting from now makes the rule mean what it says ("what I took in the last 30 days") and does
 * not keep stale snapshots of a source that stopped backing up. {@code keepTags} keeps snapshots
 * carrying any of the tags. A pinned snapshot is kept while its pin lasts. Rules do not interact:
 * a snapshot kept for a tag, a pin or keep-within still counts for the calendar rules, and a
 * snapshot gets one reason per rule that keeps it.
 */
public final class Retention {
  /** Newest first: later time first, then the larger id. */
  static final Comparator<Snapshot> NEWEST_FIRST =
      Comparator.comparing(Snapshot::time).thenComparing(Snapshot::id).reversed();

  private static final Set<String> GROUP_FIELDS = Set.of("host", "paths", "tags");

  private final RetentionPolicy policy;
  private final ZoneId zone;
  private final InstantSource clock;

  /**
   * @param zone the zone whose calendar defines hours, days, weeks, months and years
   * @param clock gives now, for keep-within and pin expiry
   * @throws IllegalArgumentException when the policy is empty: it would remove every snapshot
   */
  public Retention(RetentionPolicy policy, ZoneId zone, InstantSource clock) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.zone = Objects.requireNonNull(zone, "zone");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (policy.isEmpty()) {
      throw new IllegalArgumentException("the retention policy is empty and would remove every snapshot;"
          + " set at least one --keep-* rule");
    }
  }

  /** A calendar rule walking the snapshots: its bucket, the last bucket it kept, and its budget left. */
  private static final class Rule {
    final String name;
    final Function<LocalDateTime, String> bucket;
    int budget;
    String last;

    Rule(String name, int budget, Function<LocalDateTime, String> bucket) {
      this.name = name;
      this.budget = budget;
      this.bucket = bucket;
    }
  }

  /**
   * Decides one group.
   *
   * @param group the snapshots of one group (see {@link #group}), in any order; each needs an id
   *     and a time
   * @param pins pinned snapshots: {@code Optional.empty()} pins for ever, an instant pins until then
   *     (a pin that has expired keeps nothing)
   * @return one decision per snapshot, newest first
   */
  public List<Decision> apply(List<Snapshot> group, Map<BlobId, Optional<Instant>> pins) {
    Objects.requireNonNull(pins, "pins");
    List<Snapshot> sorted = new ArrayList<>(group.size());
    for (Snapshot s : group) {
      Objects.requireNonNull(s.id(), "a snapshot to decide needs an id");
      Objects.requireNonNull(s.time(), () -> "snapshot " + s.id().shortHex() + " has no time");
      sorted.add(s);
    }
    sorted.sort(NEWEST_FIRST);

    Instant now = clock.instant();
    Instant within = policy.keepWithin() == null ? null : policy.keepWithin().subtractFrom(now, zone);
    List<String> tags = policy.keepTags().stream().sorted().toList();
    List<Rule> rules = new ArrayList<>(5);
    addRule(rules, "hourly", policy.keepHourly(), t -> t.toLocalDate() + " " + pad2(t.getHour()) + ":00");
    addRule(rules, "daily", policy.keepDaily(), t -> t.toLocalDate().toString());
    addRule(rules, "weekly", policy.keepWeekly(),
        t -> t.get(IsoFields.WEEK_BASED_YEAR) + "-W" + pad2(t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR)));
    addRule(rules, "monthly", policy.keepMonthly(), t -> t.getYear() + "-" + pad2(t.getMonthValue()));
    addRule(rules, "yearly", policy.keepYearly(), t -> Integer.toString(t.getYear()));
    int keepLast = policy.keepLast();
    String lastReason = "last " + (keepLast < 0 ? "all" : keepLast);

    List<Decision> out = new ArrayList<>(sorted.size());
    for (int i = 0; i < sorted.size(); i++) {
      Snapshot s = sorted.get(i);
      LocalDateTime local = LocalDateTime.ofInstant(s.time(), zone);
      List<String> reasons = new ArrayList<>(2);
      if (keepLast < 0 || i < keepLast) reasons.add(lastReason);
      for (Rule r : rules) {
        if (r.budget == 0) continue;
        String b = r.bucket.apply(local);
        if (b.equals(r.last)) continue;
        r.last = b;
        if (r.budget > 0) r.budget--;
        reasons.add(r.name + " " + b);
      }
      if (within != null && s.time().isAfter(within)) reasons.add("within " + policy.keepWithin());
      for (String tag : tags) {
        if (s.tags().contains(tag)) reasons.add("tag " + tag);
      }
      Optional<Instant> pin = pins.get(s.id());
      if (pin != null) {
        if (pin.isEmpty()) {
          reasons.add("pinned");
        } else if (pin.get().isAfter(now)) {
          reasons.add("pinned until " + pin.get());
        }
      }
      out.add(new Decision(s, !reasons.isEmpty(), reasons));
    }
    return out;
  }

  private static String pad2(int n) {
    return n < 10 ? "0" + n : Integer.toString(n);
  }

  private static void addRule(List<Rule> rules, String name, int count, Function<LocalDateTime, String> bucket) {
    if (count != 0) rules.add(new Rule(name, count, bucket));
  }

  /**
   * Splits snapshots into the groups retention decides separately, as restic's {@code --group-by}.
   *
   * @param by a subset of {@code host}, {@code paths}, {@code tags}; empty puts every snapshot in one
   *     group (keyed by a {@link GroupKey} of nulls). Paths and tags compare as sorted lists; a
   *     missing host groups as {@code ""}
   * @return the groups ordered by {@link GroupKey#toString()}, each listing its snapshots in input
   *     order
   * @throws IllegalArgumentException for an unknown field
   */
  public static Map<GroupKey, List<Snapshot>> group(List<Snapshot> all, Set<String> by) {
    for (String field : by) {
      if (!GROUP_FIELDS.contains(field)) {
        throw new IllegalArgumentException("cannot group by \"" + field + "\": use host, paths and/or tags");
      }
    }
    boolean host = by.contains("host");
    boolean paths = by.contains("paths");
    boolean tags = by.contains("tags");
    Map<GroupKey, List<Snapshot>> groups = new HashMap<>();
    for (Snapshot s : all) {
      GroupKey key = new GroupKey(host ? Objects.requireNonNullElse(s.host(), "") : null, paths ? s.paths() : null,
          tags ? s.tags() : null);
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
    }
    Comparator<List<String>> lists = Comparator.nullsFirst((x, y) -> {
      for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
        int c = x.get(i).compareTo(y.get(i));
        if (c != 0) return c;
      }
      return Integer.compare(x.size(), y.size());
    });
    Comparator<GroupKey> order = Comparator.comparing(GroupKey::toString)
        .thenComparing(GroupKey::host, Comparator.nullsFirst(Comparator.naturalOrder()))
        .thenComparing(GroupKey::paths, lists)
        .thenComparing(GroupKey::tags, lists);
    Map<GroupKey, List<Snapshot>> sorted = new TreeMap<>(order);
    groups.forEach((k, v) -> sorted.put(k, List.copyOf(v)));
    return Collections.unmodifiableMap(new LinkedHashMap<>(sorted));
  }
}
