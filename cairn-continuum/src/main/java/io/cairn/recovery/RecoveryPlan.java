package io.cairn.recovery;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * What a recovery will do, decided before anything is touched (and all that {@code --dry-run}
 * prints): the point(s) chosen, each member's step in the restore order, what each reads and
 * writes, and an estimate of how long it takes from the sizes and the throughput earlier recoveries
 * and drills measured.
 *
 * @param groupPoint the group point's manifest id (a group), else null
 * @param levels the members by restore order: each level's members run in parallel, after the level before
 * @param notes what the choice of point says (a newer incomplete group point passed over, say)
 * @param throughput bytes per second the estimate assumes, and where that figure came from
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RecoveryPlan(String subject, String kind, String repository, String selection, String groupPoint, Instant time,
    List<Step> steps, List<List<String>> levels, String target, long estimateMillis, long throughput, String throughputFrom,
    List<String> notes) {
  public RecoveryPlan {
    steps = List.copyOf(steps);
    levels = levels.stream().map(List::copyOf).toList();
    notes = List.copyOf(notes);
  }

  /** One member's recovery: its point, what it reads and writes, and its estimate. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Step(String asset, String type, String snapshot, Instant time, String consistency, List<String> after, long files,
      long bytes, String reads, String writes, long estimateMillis) {
    public Step {
      after = List.copyOf(after);
    }
  }

  public long bytes() {
    return steps.stream().mapToLong(Step::bytes).sum();
  }
}
