package io.cairn.engine.retention;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneId;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A calendar span for {@code --keep-within}: years, months and days count on the calendar of a
 * zone, hours are elapsed hours. Written like restic's durations: {@code 2y5m7d3h}, {@code 30d},
 * {@code 12h}; {@code w} (weeks) is accepted too and counts as 7 days.
 */
public record Span(int years, int months, int days, int hours) {
  private static final Pattern FORM = Pattern.compile("(?:(\\d+)y)?(?:(\\d+)m)?(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?");
  private static final String ACCEPTED =
      "a number and a unit per part, units in the order y (years), m (months), w (weeks), d (days), h (hours),"
          + " e.g. 2y5m7d3h, 30d, 12h, 1w";

  public Span {
    if (years < 0 || months < 0 || days < 0 || hours < 0) {
      throw new IllegalArgumentException("a span has no negative parts: " + years + "y" + months + "m" + days + "d" + hours
          + "h");
    }
  }

  /**
   * Parses a span such as {@code 2y5m7d3h}, {@code 30d}, {@code 12h} or {@code 1w}.
   *
   * @throws IllegalArgumentException naming the value and the accepted form when it does not parse
   */
  public static Span parse(String text) {
    Objects.requireNonNull(text, "text");
    Matcher m = FORM.matcher(text);
    if (text.isEmpty() || !m.matches()) {
      throw new IllegalArgumentException("invalid duration \"" + text + "\": use " + ACCEPTED);
    }
    try {
      int weeks = number(m.group(3));
      return new Span(number(m.group(1)), number(m.group(2)), Math.addExact(Math.multiplyExact(weeks, 7),
          number(m.group(4))), number(m.group(5)));
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("invalid duration \"" + text + "\": a number is too large; use " + ACCEPTED, e);
    }
  }

  private static int number(String digits) {
    return digits == null ? 0 : Integer.parseInt(digits);
  }

  /** True when every part is zero, so nothing lies within the span. */
  public boolean isZero() {
    return years == 0 && months == 0 && days == 0 && hours == 0;
  }

  /**
   * The instant this span before {@code instant}, counted on the calendar of {@code zone}: years,
   * months and days move the local date and keep the local time of day (a day across a DST change
   * is 23 or 25 hours; a date that does not exist, such as Feb 29 in a common year, becomes the
   * last day of that month), then hours are subtracted as elapsed time. A span reaching past the
   * supported range gives {@link Instant#MIN}.
   */
  public Instant subtractFrom(Instant instant, ZoneId zone) {
    try {
      return instant.atZone(zone).minus(Period.of(years, months, days)).minusHours(hours).toInstant();
    } catch (DateTimeException | ArithmeticException e) {
      return Instant.MIN;
    }
  }

  /** The canonical form, e.g. {@code 2y5m7d3h} or {@code 30d}; weeks show as days. */
  @Override
  public String toString() {
    if (isZero()) return "0d";
    StringBuilder s = new StringBuilder();
    if (years > 0) s.append(years).append('y');
    if (months > 0) s.append(months).append('m');
    if (days > 0) s.append(days).append('d');
    if (hours > 0) s.append(hours).append('h');
    return s.toString();
  }
}
