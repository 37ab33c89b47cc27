package io.cairn.engine.retention;

import io.cairn.engine.snapshot.Snapshot;
import java.util.List;
import java.util.Objects;

/**
 * What retention decided for one snapshot.
 *
 * @param reasons why it is kept, e.g. {@code "last 3"}, {@code "daily 2026-11-24"}, {@code "weekly
 *     2026-W48"}, {@code "within 30d"}, {@code "tag prod"}, {@code "pinned"}; empty when it is
 *     removed
 */
public record Decision(Snapshot snapshot, boolean keep, List<String> reasons) {
  public Decision {
    Objects.requireNonNull(snapshot, "snapshot");
    reasons = List.copyOf(reasons);
    if (keep == reasons.isEmpty()) {
      throw new IllegalArgumentException(keep ? "a kept snapshot needs a reason" : "a removed snapshot has no reasons");
    }
  }
}
