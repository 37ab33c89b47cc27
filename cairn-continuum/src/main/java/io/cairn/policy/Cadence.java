package io.cairn.policy;

import java.time.Duration;

/**
 * How often something is due: every {@code interval}, or never. Written as {@code hourly},
 * {@code daily}, {@code weekly}, {@code monthly} (30 days), {@code never} or a duration ({@code 6h}).
 */
public record Cadence(Duration interval) {
  public static final Cadence NEVER = new Cadence(null);

  public static Cadence every(Duration d) {
    return new Cadence(d);
  }

  public boolean never() {
    return interval == null;
  }

  @Override
  public String toString() {
    if (interval == null) return "never";
    if (interval.equals(Duration.ofHours(1))) return "hourly";
    if (interval.equals(Duration.ofDays(1))) return "daily";
    if (interval.equals(Duration.ofDays(7))) return "weekly";
    if (interval.equals(Duration.ofDays(30))) return "monthly";
    return Durations.format(interval);
  }
}
