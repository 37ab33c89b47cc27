package io.cairn.engine.retention;

import java.util.Set;

/**
 * Which snapshots {@code forget} keeps. Each count is a rule: 0 turns it off, -1 keeps without
 * limit, N keeps at most N snapshots (the newest of N distinct hours, days, ISO weeks, months or
 * years; or the N newest for {@code keepLast}). A snapshot is kept when any rule keeps it.
 *
 * @param keepWithin keep every snapshot younger than this span, counted back from now; null (or a
 *     zero span, which is normalised to null) turns the rule off
 * @param keepTags keep every snapshot that carries any of these tags
 */
public record RetentionPolicy(int keepLast, int keepHourly, int keepDaily, int keepWeekly, int keepMonthly,
    int keepYearly, Span keepWithin, Set<String> keepTags) {

  public RetentionPolicy {
    check("--keep-last", keepLast);
    check("--keep-hourly", keepHourly);
    check("--keep-daily", keepDaily);
    check("--keep-weekly", keepWeekly);
    check("--keep-monthly", keepMonthly);
    check("--keep-yearly", keepYearly);
    if (keepWithin != null && keepWithin.isZero()) keepWithin = null;
    keepTags = keepTags == null ? Set.of() : Set.copyOf(keepTags);
    for (String tag : keepTags) {
      if (tag.isBlank()) throw new IllegalArgumentException("--keep-tag must not be empty");
    }
  }

  private static void check(String flag, int count) {
    if (count < -1) throw new IllegalArgumentException(flag + " must be >= -1 (-1 keeps all), got " + count);
  }

  /**
   * True when no rule is set. Applying such a policy would remove every snapshot, so {@code forget}
   * must refuse to run instead; {@link Retention} rejects it.
   */
  public boolean isEmpty() {
    return keepLast == 0 && keepHourly == 0 && keepDaily == 0 && keepWeekly == 0 && keepMonthly == 0 && keepYearly == 0
        && keepWithin == null && keepTags.isEmpty();
  }
}
