package io.cairn.engine.repo;

import java.time.Instant;

/**
 * Evidence that scheduled maintenance ran on this repository: stored sealed (kind 'R') at
 * {@code maintenance/<id>} (the keyed hash of the JSON). {@code cairn run --due} writes one after each
 * prune it runs, so the next run (on any machine) knows when the last one was.
 *
 * @param kind {@code prune}
 * @param ok whether it finished without an error
 * @param detail what it did, in words (packs removed, bytes freed) or its error
 */
public record MaintenanceRecord(int version, String kind, Instant time, String host, boolean ok, String detail) {
  public static final int VERSION = 1;
  public static final RecordKind<MaintenanceRecord> RECORDS = new RecordKind<>("maintenance/", 'R', MaintenanceRecord.class);
}
