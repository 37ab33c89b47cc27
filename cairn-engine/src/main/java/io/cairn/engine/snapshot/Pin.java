package io.cairn.engine.snapshot;

import io.cairn.engine.repo.RecordKind;
import java.time.Instant;

/**
 * Keeps a snapshot from being forgotten, forever ({@code until} null) or until a time. Stored
 * sealed (kind 'N') at {@code pins/<snapshot id>}, apart from the snapshot, whose id (a hash of its
 * content) must not change when it is pinned.
 */
public record Pin(int version, String snapshot, Instant until, Instant created, String reason) {
  public static final int VERSION = 1;
  public static final String PREFIX = "pins/";
  public static final RecordKind<Pin> RECORDS = new RecordKind<>(PREFIX, 'N', Pin.class);

  /** Whether the pin still holds at {@code now}. */
  public boolean holdsAt(Instant now) {
    return until == null || until.isAfter(now);
  }
}
