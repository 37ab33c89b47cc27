package io.cairn.engine.evidence;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.cairn.engine.repo.RecordKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Evidence of one recovery or drill: which points it used, each phase with its start and length,
 * each check with its result and output, and how it ended. Stored sealed (kind 'E') at
 * {@code evidence/<id>} (the keyed hash of the JSON) in the repository the points came from, written
 * once when the recovery ends, whatever the outcome, so a catalog rebuilt from the repositories has
 * every drill; a recovery killed before it could write its record leaves none (its sandbox is
 * removed by the next run).
 *
 * @param kind {@code recover} or {@code drill}
 * @param subject the asset or group recovered
 * @param groupPoint the group point's manifest id (a group's recovery), else null
 * @param target where it was recovered to: {@code sandbox} or the production target named
 * @param outcome {@code passed} or {@code failed}
 * @param reason why it failed, in words (null when it passed)
 * @param bytes how many bytes were hydrated
 * @param sources what each copy served when more than the first was needed (absent otherwise)
 * @param fallbacks each blob one copy failed and which copy served it instead (absent when none)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RecoveryRecord(int version, String run, String kind, String subject, String subjectKind, String groupPoint,
    List<PointUsed> points, String target, boolean sandbox, String host, Instant started, Instant finished, String outcome,
    String reason, List<Phase> phases, List<CheckRun> checks, long bytes, List<io.cairn.engine.evidence.Served> sources,
    List<io.cairn.engine.evidence.Fallback> fallbacks) {
  public static final int VERSION = 1;
  public static final RecordKind<RecoveryRecord> RECORDS = new RecordKind<>("evidence/", 'E', RecoveryRecord.class);
  public static final String PASSED = "passed";
  public static final String FAILED = "failed";

  public RecoveryRecord {
    points = points == null ? List.of() : List.copyOf(points);
    phases = phases == null ? List.of() : List.copyOf(phases);
    checks = checks == null ? List.of() : List.copyOf(checks);
    sources = sources == null || sources.isEmpty() ? null : List.copyOf(sources);
    fallbacks = fallbacks == null || fallbacks.isEmpty() ? null : List.copyOf(fallbacks);
  }

  /** The same record without the copies it read (the recoveries of issue 13 had none). */
  public RecoveryRecord(int version, String run, String kind, String subject, String subjectKind, String groupPoint, List<PointUsed> points,
      String target, boolean sandbox, String host, Instant started, Instant finished, String outcome, String reason, List<Phase> phases,
      List<CheckRun> checks, long bytes) {
    this(version, run, kind, subject, subjectKind, groupPoint, points, target, sandbox, host, started, finished, outcome, reason, phases,
        checks, bytes, null, null);
  }

  /** A point the recovery read: the asset's snapshot, its time, and the repository it came from. */
  public record PointUsed(String asset, String snapshot, Instant time, String repository) {}

  /**
   * One phase of one member (or of the whole recovery, when {@code asset} is null): provision,
   * hydrate, reconcile, validate, cutover or teardown.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Phase(String name, String asset, Instant start, long millis, boolean ok, String detail) {
    @JsonIgnore
    public Instant end() {
      return start.plusMillis(millis);
    }
  }

  /** One check: whose (an asset or the group), its kind and name, result, length and output (a bounded tail). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record CheckRun(String owner, String kind, String name, boolean ok, long millis, String output) {}

  @JsonIgnore
  public boolean passed() {
    return PASSED.equals(outcome);
  }

  @JsonIgnore
  public Duration duration() {
    return finished == null ? Duration.ZERO : Duration.between(started, finished);
  }
}
