package io.cairn.engine.gc;

import com.fasterxml.jackson.annotation.JsonAlias;
import io.cairn.engine.repo.RecordKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * A lease on a repository, stored sealed (kind 'L') at {@code locks/<id>}. Backups, restores,
 * checks and snapshot repairs hold a {@link Kind#SHARED} lease (any number at once, beside
 * maintenance: a prune waits for those that may have read the index before it marked); prune and
 * index repair hold the one
 * {@link Kind#MAINTENANCE} lease. A holder rewrites its lease every third of its time to live; a
 * lease not rewritten for {@code ttlSeconds} is expired and counts as gone, so a crashed process
 * never blocks anyone for long and {@code cairn unlock} is never needed for correctness.
 *
 * @param refreshed when the holder last rewrote it (the holder's clock)
 */
public record Lease(int version, String id, Kind kind, String host, long pid, String username, Instant created,
    Instant refreshed, long ttlSeconds, String program) {

  public static final int VERSION = 1;
  public static final RecordKind<Lease> RECORDS = new RecordKind<>(Leases.PREFIX, 'L', Lease.class);

  public enum Kind {
    @JsonAlias("BACKUP") // written by builds before readers took leases too
    SHARED,
    MAINTENANCE
  }

  public Lease {
    if (ttlSeconds <= 0) throw new IllegalArgumentException("lease time to live must be positive");
  }

  public Instant expires() {
    return refreshed.plus(Duration.ofSeconds(ttlSeconds));
  }

  public boolean expiredAt(Instant now) {
    return !now.isBefore(expires());
  }

  Lease refreshedAt(Instant now) {
    return new Lease(version, id, kind, host, pid, username, created, now, ttlSeconds, program);
  }

  /** "backup lease 1a2b3c4d by root@host pid 42 since ..." for messages. */
  public String describe() {
    return kind.name().toLowerCase(Locale.ROOT) + " lease " + id.substring(0, Math.min(8, id.length())) + " by "
        + username + "@" + host + " pid " + pid + " since " + created;
  }
}
