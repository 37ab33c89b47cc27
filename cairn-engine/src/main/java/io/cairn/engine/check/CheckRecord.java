package io.cairn.engine.check;

import java.time.Instant;
import java.util.List;

/**
 * Evidence of one {@code cairn check}, stored sealed (kind 'V') at {@code checks/<id>}: when, how
 * (scope), the outcome, and which packs were read and found intact. {@code check --read-data
 * --since-last} skips packs an earlier record lists (packs are immutable and named by their
 * SHA-256, so a verified pack stays verified unless the medium rots: run a full read now and then).
 *
 * @param scope {@code structure}, {@code read-data}, {@code read-data-subset 10%} or {@code read-data since-last}
 */
public record CheckRecord(int version, String id, Instant time, String host, String scope, boolean ok, int problems,
    int snapshots, int packsRead, long bytesRead, List<String> packsVerified) {
  public static final int VERSION = 1;
  public static final String PREFIX = "checks/";

  public CheckRecord {
    packsVerified = packsVerified == null ? List.of() : List.copyOf(packsVerified);
  }
}
