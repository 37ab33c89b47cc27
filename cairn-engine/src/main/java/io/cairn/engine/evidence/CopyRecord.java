package io.cairn.engine.evidence;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.cairn.engine.repo.RecordKind;
import java.time.Instant;
import java.util.List;

/**
 * Evidence of one copy of points from another repository into this one: which points, from where,
 * what was written, what was read back and verified, and how it ended. Stored sealed (kind 'Y') at
 * {@code copies/<run>} in the destination repository, written once when the copy ends, whatever the
 * outcome. A copy counts as verified ({@code outcome: passed}) only when every blob it wrote was read
 * back from the destination and matched its id, every other blob its points need was found in the
 * destination's index, and the snapshot records were written and read back.
 *
 * @param source the source repository's id; {@code sourceLocation} where it was seen from
 * @param sameIds whether the two repositories share their blob-id key (blobs kept their ids), else
 *     every blob was read and identified again
 * @param points one entry per point copied (a group point's members each have one)
 * @param groupPoints the group points copied whole: source manifest id and the destination's
 * @param blobsWritten blobs the destination lacked, written by this copy; {@code bytesWritten} their plaintext
 * @param blobsVerified blobs read back from the destination after writing
 * @param blobsPresent blobs the points need that the destination already had
 * @param outcome {@code passed} (verified) or {@code failed}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CopyRecord(int version, String run, String host, Instant started, Instant finished, String source,
    String sourceLocation, boolean sameIds, List<Point> points, List<GroupCopy> groupPoints, long blobsWritten, long bytesWritten,
    long bytesStored, long blobsVerified, long blobsPresent, String outcome, String reason) {
  public static final int VERSION = 1;
  public static final RecordKind<CopyRecord> RECORDS = new RecordKind<>("copies/", 'Y', CopyRecord.class);
  public static final String PASSED = "passed";
  public static final String FAILED = "failed";

  public CopyRecord {
    points = points == null ? List.of() : List.copyOf(points);
    groupPoints = groupPoints == null ? List.of() : List.copyOf(groupPoints);
  }

  /**
   * One point: its asset (null for a plain backup), its time, its snapshot in the source and the
   * snapshot that holds it here (the same id when {@code sameIds}).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Point(String asset, Instant time, String sourceSnapshot, String snapshot) {}

  /** A group point copied whole: its manifest in the source and here. */
  public record GroupCopy(String group, String sourceManifest, String manifest) {}

  @JsonIgnore
  public boolean passed() {
    return PASSED.equals(outcome);
  }
}
