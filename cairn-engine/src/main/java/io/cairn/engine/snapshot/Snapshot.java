package io.cairn.engine.snapshot;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.cairn.engine.BlobId;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A recovery point: the root tree of a capture and the facts about it. Stored sealed (kind 'S') at
 * {@code snapshots/<id>}, where id is the keyed hash of the JSON. Fields later stages fill
 * ({@code asset}, {@code group}, {@code source}) are already part of format version 1.
 *
 * @param consistency {@code crash} for plain files; {@code application} and {@code group} come with
 *     application-aware capture
 * @param errors what could not be captured, per path; never silently dropped
 * @param original for a snapshot written by {@code cairn repair snapshots}, the id of the damaged
 *     snapshot it replaces (kept until forgotten); null otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Snapshot(
    int version,
    @JsonIgnore BlobId id,
    Instant time,
    String host,
    String username,
    List<String> paths,
    List<String> tags,
    String parent,
    String tree,
    String consistency,
    String asset,
    String group,
    Map<String, String> source,
    List<FileError> errors,
    Stats stats,
    String program,
    String original) {

  public static final int VERSION = 1;

  public Snapshot {
    paths = paths == null ? List.of() : List.copyOf(paths);
    tags = tags == null ? List.of() : List.copyOf(tags);
    errors = errors == null ? List.of() : List.copyOf(errors);
  }

  public Snapshot withId(BlobId newId) {
    return new Snapshot(version, newId, time, host, username, paths, tags, parent, tree, consistency, asset, group, source,
        errors, stats, program, original);
  }

  /** A copy with another tree, tags, error list and {@code original} (what repair writes). */
  public Snapshot repaired(BlobId newTree, List<String> newTags, List<FileError> newErrors, BlobId originalId) {
    return new Snapshot(version, null, time, host, username, paths, newTags, parent, newTree.toString(), consistency, asset,
        group, source, newErrors, stats, program, originalId.toString());
  }

  @JsonIgnore
  public BlobId treeId() {
    return BlobId.fromHex(tree);
  }

  /** A path that could not be captured, and why. */
  public record FileError(String path, String error) {}

  /** What a backup saw and what it added. */
  public record Stats(
      long files,
      long dirs,
      long others,
      long filesNew,
      long filesChanged,
      long filesUnmodified,
      long bytesTotal,
      long bytesRead,
      long blobsAdded,
      long bytesAdded,
      long bytesStored,
      long durationMillis) {}
}
