package io.cairn.engine.snapshot;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.cairn.engine.repo.RecordKind;
import java.time.Instant;
import java.util.List;

/**
 * The manifest of a consistency group's capture: every member's point, taken inside one freeze
 * window, and whether the group as a whole is consistent. Stored sealed (kind 'M') at
 * {@code groups/<id>}, where id is the keyed hash of the JSON; written last, after every member's
 * snapshot (which names the manifest's {@code run} in its {@code groupRun}). A group point whose
 * manifest says {@code complete: false} is never offered as consistent; a member snapshot without a
 * manifest (a capture killed before it was written) belongs to no group point.
 *
 * @param run the capture's run id, shared with the member snapshots
 * @param consistency {@code group} when complete, else null
 * @param reason why the group point is incomplete (null when complete)
 * @param freezeMillis from the start of the first {@code before} hook to the end of the last {@code after} hook
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GroupPoint(int version, String group, String run, Instant time, Instant ended, String host, List<String> tags,
    boolean complete, Consistency consistency, String reason, long freezeMillis, List<Member> members,
    List<Snapshot.HookRun> hooks) {
  public static final int VERSION = 1;
  public static final RecordKind<GroupPoint> RECORDS = new RecordKind<>("groups/", 'M', GroupPoint.class);

  public GroupPoint {
    tags = tags == null ? List.of() : List.copyOf(tags);
    members = members == null ? List.of() : List.copyOf(members);
    hooks = hooks == null || hooks.isEmpty() ? null : List.copyOf(hooks);
  }

  /**
   * One member: its asset, its snapshot (null when its capture failed), the consistency it achieved
   * and, when it failed, why.
   *
   * @param after the members it must be restored after (the group's restore order)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Member(String asset, String snapshot, Consistency consistency, String error, List<String> after) {
    public Member {
      after = after == null ? List.of() : List.copyOf(after);
    }

    @JsonIgnore
    public boolean ok() {
      return snapshot != null && error == null;
    }
  }
}
