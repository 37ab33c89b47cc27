package io.cairn.policy;

import java.time.Duration;

/**
 * A check a recovery or drill runs against the restored copy (the next stage); validated now, so a
 * policy's checks are known good before the first drill. Each has a timeout.
 */
public sealed interface Check {
  Duration timeout();

  /** A query against the restored database, and the text its first column of its first row must be. */
  record Sql(String sql, String expect, String database, Duration timeout) implements Check {}

  /** A URL that must answer with {@code status} and, when set, contain {@code contains}. */
  record Http(String url, int status, String contains, Duration timeout) implements Check {}

  /** A command ({@code sh -c}) that must exit with {@code exit}. */
  record Command(String run, int exit, Duration timeout) implements Check {}

  /** A file that must exist and, when set, have this SHA-256. */
  record File(String path, String sha256, Duration timeout) implements Check {}
}
