package io.cairn.engine.check;

import io.cairn.engine.repo.RecordKind;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.List;

/**
 * Evidence of one {@code cairn check}, stored sealed (kind 'V') at {@code checks/<id>}: when, how
 * (scope), the outcome, and which packs were read and found intact. {@code check --read-data
 * --since-last} skips packs an earlier record lists (packs are immutable and named by their
 * SHA-256, so a verified pack stays verified unless the medium rots: run a full read now and then).
 *
 * @param scope what the check read
 * @param ok whether it found no problem (see {@link #outcome})
 */
public record CheckRecord(int version, String id, Instant time, String host, CheckScope scope, boolean ok, int problems,
    int snapshots, int packsRead, long bytesRead, List<String> packsVerified) {
  public static final int VERSION = 1;
  public static final String PREFIX = "checks/";
  public static final RecordKind<CheckRecord> RECORDS = new RecordKind<>(PREFIX, 'V', CheckRecord.class);

  public CheckRecord {
    packsVerified = packsVerified == null ? List.of() : List.copyOf(packsVerified);
  }

  /** What a check came to. */
  public enum Outcome {
    PASSED,
    FAILED
  }

  @JsonIgnore
  public Outcome outcome() {
    return ok ? Outcome.PASSED : Outcome.FAILED;
  }
}
