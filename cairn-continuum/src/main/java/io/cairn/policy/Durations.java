package io.cairn.policy;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in a policy: {@code 30s}, {@code 15m}, {@code 1h30m}, {@code 2d}, {@code 1w}. */
public final class Durations {
  private Durations() {}

  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w)");

  /** The duration, or null when the text is not one. */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) return null;
    String t = text.strip();
    if (t.startsWith("P") || t.startsWith("p")) {
      try {
        Duration d = Duration.parse(t.toUpperCase(java.util.Locale.ROOT));
        return d.isNegative() ? null : d;
      } catch (RuntimeException e) {
        return null;
      }
    }
    Matcher m = PART.matcher(t);
    Duration d = Duration.ZERO;
    int at = 0;
    while (at < t.length()) {
      if (!m.find(at) || m.start() != at) return null;
      long n;
      try {
        n = Long.parseLong(m.group(1));
      } catch (NumberFormatException e) {
        return null;
      }
      try {
        d = d.plus(switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          case "d" -> Duration.ofDays(n);
          default -> Duration.ofDays(Math.multiplyExact(7, n));
        });
      } catch (ArithmeticException tooLong) {
        return null;
      }
      at = m.end();
    }
    return d;
  }

  /** The shortest form this parser reads back: {@code 1h30m}, {@code 2d}, {@code 45s}. */
  public static String format(Duration d) {
    if (d.isZero()) return "0s";
    StringBuilder b = new StringBuilder();
    long s = d.toSeconds();
    long days = s / 86400;
    if (days > 0 && days % 7 == 0 && s % 86400 == 0) return days / 7 + "w";
    if (days > 0) b.append(days).append('d');
    s %= 86400;
    if (s / 3600 > 0) b.append(s / 3600).append('h');
    s %= 3600;
    if (s / 60 > 0) b.append(s / 60).append('m');
    if (s % 60 > 0) b.append(s % 60).append('s');
    if (d.toMillisPart() > 0 && d.toSeconds() == 0) b.append(d.toMillis()).append("ms");
    return b.toString();
  }
}
