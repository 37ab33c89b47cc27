package io.cairn.engine.snapshot;

import io.cairn.engine.repo.RecordKind;
import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.cairn.engine.BlobId;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A recovery point: the root tree of a capture and the facts about it. Stored sealed (kind 'S') at
 * {@code snapshots/<id>}, where id is the keyed hash of the JSON. Fields later stages fill
 * ({@code asset}, {@code group}, {@code source}) are already part of format version 1.
 *
 * @param consistency {@code crash} for plain files; {@code application} and {@code group} come with
 *     application-aware capture
 * @param extra fields this version does not know (written by a newer one): kept, so a snapshot read
 *     and rewritten here (by {@code repair snapshots}) loses nothing
 * @param errors what could not be captured, per path; never silently dropped
 * @param consistencyReason why it has that level, in words (which hook quiesced it, whose snapshot a dump read)
 * @param hooks the hooks run around the capture, with their outcomes (null when none ran)
 * @param run the id of the capture run that made this point (hooks saw it as CAIRN_POINT); the members of a
 *     consistency group's capture share it with the group's {@link GroupPoint}
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
    Consistency consistency,
    String asset,
    String group,
    Map<String, String> source,
    List<FileError> errors,
    Stats stats,
    String program,
    String original,
    String consistencyReason,
    List<HookRun> hooks,
    String run,
    @JsonAnySetter @JsonAnyGetter Map<String, Object> extra) {

  public static final int VERSION = 1;
  public static final RecordKind<Snapshot> RECORDS = new RecordKind<>("snapshots/", 'S', Snapshot.class);

  public Snapshot {
    paths = paths == null ? List.of() : List.copyOf(paths);
    tags = tags == null ? List.of() : List.copyOf(tags);
    errors = errors == null ? List.of() : List.copyOf(errors);
    hooks = hooks == null || hooks.isEmpty() ? null : List.copyOf(hooks);
    extra = extra == null ? new LinkedHashMap<>() : extra;
  }

  /** A builder for a new snapshot (format {@link #VERSION}, consistency crash unless set). */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from this snapshot, its unknown fields included. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.version = version;
    b.time = time;
    b.host = host;
    b.username = username;
    b.paths = paths;
    b.tags = tags;
    b.parent = parent;
    b.tree = tree;
    b.consistency = consistency;
    b.asset = asset;
    b.group = group;
    b.source = source;
    b.errors = errors;
    b.stats = stats;
    b.program = program;
    b.original = original;
    b.consistencyReason = consistencyReason;
    b.hooks = hooks;
    b.run = run;
    b.extra = new LinkedHashMap<>(extra);
    return b;
  }

  /** Builds snapshots without a constructor of seventeen positional arguments. */
  public static final class Builder {
    private int version = VERSION;
    private Instant time;
    private String host;
    private String username;
    private List<String> paths = List.of();
    private List<String> tags = List.of();
    private String parent;
    private String tree;
    private Consistency consistency = Consistency.CRASH;
    private String asset;
    private String group;
    private Map<String, String> source;
    private List<FileError> errors = List.of();
    private Stats stats;
    private String program;
    private String original;
    private String consistencyReason;
    private List<HookRun> hooks;
    private String run;
    private Map<String, Object> extra = new LinkedHashMap<>();

    private Builder() {}

    public Builder time(Instant v) {
      time = v;
      return this;
    }

    public Builder host(String v) {
      host = v;
      return this;
    }

    public Builder username(String v) {
      username = v;
      return this;
    }

    public Builder paths(List<String> v) {
      paths = v;
      return this;
    }

    public Builder tags(List<String> v) {
      tags = v;
      return this;
    }

    public Builder parent(String v) {
      parent = v;
      return this;
    }

    public Builder tree(BlobId v) {
      tree = v == null ? null : v.toString();
      return this;
    }

    public Builder consistency(Consistency v) {
      consistency = v;
      return this;
    }

    public Builder asset(String v) {
      asset = v;
      return this;
    }

    public Builder group(String v) {
      group = v;
      return this;
    }

    public Builder source(Map<String, String> v) {
      source = v;
      return this;
    }

    public Builder errors(List<FileError> v) {
      errors = v;
      return this;
    }

    public Builder stats(Stats v) {
      stats = v;
      return this;
    }

    public Builder program(String v) {
      program = v;
      return this;
    }

    public Builder original(BlobId v) {
      original = v == null ? null : v.toString();
      return this;
    }

    /** Why the point has its consistency level (a hook quiesced it, a database's own snapshot, ...). */
    public Builder consistencyReason(String v) {
      consistencyReason = v;
      return this;
    }

    public Builder hooks(List<HookRun> v) {
      hooks = v;
      return this;
    }

    /** The id of the capture run (shared by a consistency group's members and its manifest). */
    public Builder run(String v) {
      run = v;
      return this;
    }

    /** The snapshot, without an id (the repository gives it one when it is saved). */
    public Snapshot build() {
      if (time == null || host == null || tree == null || consistency == null) {
        throw new IllegalStateException("a snapshot needs a time, a host, a tree and a consistency level");
      }
      return new Snapshot(version, null, time, host, username, paths, tags, parent, tree, consistency, asset, group, source, errors,
          stats, program, original, consistencyReason, hooks, run, extra);
    }
  }

  public Snapshot withId(BlobId newId) {
    return new Snapshot(version, newId, time, host, username, paths, tags, parent, tree, consistency, asset, group, source,
        errors, stats, program, original, consistencyReason, hooks, run, extra);
  }

  /** A copy with another tree, tags, error list and {@code original} (what repair writes); unknown fields kept. */
  public Snapshot repaired(BlobId newTree, List<String> newTags, List<FileError> newErrors, BlobId originalId) {
    return toBuilder().tree(newTree).tags(newTags).errors(newErrors).original(originalId).build();
  }

  @JsonIgnore
  public BlobId treeId() {
    return BlobId.fromHex(tree);
  }

  /** A path that could not be captured, and why. */
  public record FileError(String path, String error) {}

  /**
   * A hook run around a capture: where it belongs ({@code asset} or {@code group}), its phase
   * ({@code before}, {@code after}, {@code on-error}), how it went and the tail of its output. The
   * command line itself is not recorded: it may hold a secret.
   *
   * @param outcome {@code ok}, {@code failed} (exit code not 0) or {@code timeout}
   * @param attempts how many times it ran ({@code retry N} runs it up to N+1 times)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record HookRun(String scope, String name, String phase, String outcome, Integer exitCode, long durationMillis,
      int attempts, String output) {}

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
