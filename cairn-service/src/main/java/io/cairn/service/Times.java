package io.cairn.service;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.retention.Span;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * Times as people write them, on the command line and (to come) in the policy file: one parser for
 * moments, durations and calendar spans. Every failure names what was being read, the value, and the
 * forms accepted ({@link ErrorCode#USAGE}).
 */
public final class Times {
  private Times() {}


  /**
   * A moment: an instant ({@code 2026-12-31T17:00:00Z}), or a local date and time
   * ({@code 2026-12-31T18:00}, also with a space) or date ({@code 2026-12-31}, its start) in {@code zone}.
   */
  public static Instant instant(String text, String what, ZoneId zone) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException ignored) {
      // next form
    }
    try {
      return LocalDateTime.parse(text.replace(' ', 'T')).atZone(zone).toInstant();
    } catch (DateTimeParseException ignored) {
      // next form
    }
    try {
      return LocalDate.parse(text).atStartOfDay(zone).toInstant();
    } catch (DateTimeParseException ignored) {
      // falls through
    }
    throw new CairnException(ErrorCode.USAGE, what + " takes a time like 2026-12-31, 2026-12-31T18:00 (local) or"
        + " 2026-12-31T17:00:00Z; got '" + text + "'");
  }

  /**
   * An exact length of time: numbers with w, d, h, m (minutes) or s, combined ({@code 90s}, {@code 15m},
   * {@code 1h30m}, {@code 7d}), or ISO-8601 ({@code PT10M}); never negative.
   */
  public static Duration duration(String text, String what) {
    Duration d = io.cairn.policy.Durations.parse(text); // the one parser: flags and the policy read durations alike
    if (d != null) return d;
    throw new CairnException(ErrorCode.USAGE, what + " takes a duration like 90s, 15m, 1h30m, 7d or PT10M; got '" + text + "'");
  }

  /** A calendar span, as restic writes {@code --keep-within}: {@code 2y5m7d3h} (m: months), {@code 30d}, {@code 1w}. */
  public static Span span(String text, String what) {
    try {
      return Span.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CairnException(ErrorCode.USAGE, what + ": " + e.getMessage());
    }
  }

  /** A time zone by name ({@code Europe/Berlin}, {@code UTC}); null for this machine's. */
  public static ZoneId zone(String name, String what) {
    try {
      return name == null ? ZoneId.systemDefault() : ZoneId.of(name);
    } catch (DateTimeException e) {
      throw new CairnException(ErrorCode.USAGE, what + ": unknown zone '" + name + "' (use a name like Europe/Berlin or UTC)");
    }
  }
}
