package io.cairn.cli;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/** Points in time on the command line: an instant (2026-11-25T10:00:00Z), or a local date or date-time. */
final class TimeArg {
  private TimeArg() {}

  static Instant parse(String s, String flag, ZoneId zone) {
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException ignored) {
      // next form
    }
    try {
      return LocalDateTime.parse(s.replace(' ', 'T')).atZone(zone).toInstant();
    } catch (DateTimeParseException ignored) {
      // next form
    }
    try {
      return LocalDate.parse(s).atStartOfDay(zone).toInstant();
    } catch (DateTimeParseException ignored) {
      // falls through
    }
    throw new CairnException(ErrorCode.USAGE, flag + " takes a time like 2026-12-31, 2026-12-31T18:00 (local) or"
        + " 2026-12-31T17:00:00Z; got '" + s + "'");
  }
}
