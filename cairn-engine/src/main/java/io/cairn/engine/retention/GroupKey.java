package io.cairn.engine.retention;

import java.util.ArrayList;
import java.util.List;

/**
 * What the snapshots of one retention group share. Parts not grouped by are null; paths and tags
 * are sorted, so their order in a snapshot does not matter.
 */
public record GroupKey(String host, List<String> paths, List<String> tags) {
  public GroupKey {
    paths = paths == null ? null : paths.stream().sorted().toList();
    tags = tags == null ? null : tags.stream().sorted().toList();
  }

  /** Like {@code host=a paths=[/x] tags=[daily]}, naming only the parts grouped by; empty for one group. */
  @Override
  public String toString() {
    List<String> parts = new ArrayList<>(3);
    if (host != null) parts.add("host=" + host);
    if (paths != null) parts.add("paths=" + paths);
    if (tags != null) parts.add("tags=" + tags);
    return String.join(" ", parts);
  }
}
