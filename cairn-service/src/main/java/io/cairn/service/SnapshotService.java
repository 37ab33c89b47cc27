package io.cairn.service;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.cairn.engine.Remedy;
import io.cairn.engine.BlobId;
import io.cairn.engine.CairnException;
import io.cairn.engine.CorruptObjectException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.MissingObjectException;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.Consistency;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.engine.tree.Node;
import io.cairn.engine.tree.NodeType;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Questions about the snapshots of one repository: which there are, and what one holds. */
public final class SnapshotService {
  private final Workspace ws;

  public SnapshotService(Workspace ws) {
    this.ws = ws;
  }

  /** A snapshot as surfaces show it. */
  public record Info(String id, Instant time, String host, String username, List<String> paths, List<String> tags, String parent,
      String tree, String asset, String group, String run, Consistency consistency, String consistencyReason,
      Map<String, String> source, List<Snapshot.HookRun> hooks, List<Snapshot.FileError> errors, Snapshot.Stats stats, String program) {
    static Info of(Snapshot s) {
      return new Info(s.id().toString(), s.time(), s.host(), s.username(), s.paths(), s.tags(), s.parent(), s.tree(), s.asset(),
          s.group(), s.run(), s.consistency(), s.consistencyReason(), s.source(), s.hooks(), s.errors(), s.stats(), s.program());
    }
  }

  /** The snapshots of a repository, those with {@code tag} and of {@code host} only when not null. */
  public record ListRequest(String repository, String tag, String host) {}

  /** Every snapshot the request admits, oldest first. */
  public List<Info> list(ListRequest req) throws IOException {
    String tag = req.tag();
    String host = req.host();
    try (Repository repo = ws.open(req.repository(), Workspace.Use.PLAIN)) {
      List<Info> out = new ArrayList<>();
      for (Snapshot s : repo.snapshots()) {
        if (tag != null && !s.tags().contains(tag)) continue;
        if (host != null && !host.equals(s.host())) continue;
        out.add(Info.of(s));
      }
      return out;
    }
  }

  /** One entry of a snapshot's tree; {@code path} and {@code target} read as UTF-8 (names that are not are shown with U+FFFD). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Entry(String path, String type, String mode, int uid, int gid, String user, String group, long size, Instant mtime,
      String target, Integer chunks) {
    /** The permission bits. */
    @JsonIgnore
    public int modeBits() {
      return Integer.parseInt(mode, 8);
    }

    /** The type as {@code ls -l} shows it: d, l, p, c, b, s or - for a file. */
    @JsonIgnore
    public char typeLetter() {
      return switch (type) {
        case "dir" -> 'd';
        case "symlink" -> 'l';
        case "fifo" -> 'p';
        case "chardev" -> 'c';
        case "blockdev" -> 'b';
        case "socket" -> 's';
        default -> '-';
      };
    }
  }

  /** Receives entries one by one, so a listing of any size needs no memory for all of them. */
  @FunctionalInterface
  public interface EntrySink {
    void accept(Entry e) throws IOException;
  }

  /** What to list: {@code path} ("/" for all) of a snapshot, with what is below its folders or not. */
  public record LsRequest(String repository, String snapshot, String path, boolean recursive) {}

  /** Lists a snapshot below a path, depth first in name order; returns the snapshot's id. */
  public String ls(LsRequest req, EntrySink sink) throws IOException {
    String ref = req.snapshot();
    String path = req.path();
    boolean recursive = req.recursive();
    try (Repository repo = ws.open(req.repository(), Workspace.Use.PLAIN)) {
      Snapshot s = repo.resolve(ref);
      Node start = repo.findNode(s.treeId(), path);
      if (start == null) throw new CairnException(ErrorCode.NOT_FOUND, "snapshot " + s.id().shortHex() + " has no path " + path);
      String base = path.equals("/") ? "" : ("/" + path.replaceAll("^/+|/+$", ""));
      if (start.type() == NodeType.DIR) list(repo, start, base, recursive, sink);
      else sink.accept(entry(start, base));
      return s.id().toString();
    }
  }

  /** What {@link #dump} wrote. */
  public record Dumped(String snapshot, String path, long bytes, List<io.cairn.engine.evidence.Served> served,
      List<io.cairn.engine.evidence.Fallback> fallbacks) {}

  /**
   * Writes one file of a snapshot to {@code out}, every blob authenticated before its bytes are written
   * and checked against its id at its end. A damaged or missing blob stops the dump with DATA_DAMAGED
   * naming the file and the offset up to which every byte was verified. Holds a shared lease, so a
   * prune running meanwhile does not delete what the dump still reads.
   */
  public record DumpRequest(String repository, String snapshot, String path, List<String> fallbacks) {
    public DumpRequest {
      fallbacks = fallbacks == null ? List.of() : List.copyOf(fallbacks);
    }
  }

  @SuppressWarnings("try") // the read lease is held for the body's duration, never referenced
  public Dumped dump(DumpRequest req, OutputStream out) throws IOException {
    String ref = req.snapshot();
    String path = req.path();
    try (Repository repo = ws.open(req.repository(), Workspace.Use.DECRYPT); var held = repo.holdForReading()) {
      Snapshot s = repo.resolve(ref);
      try (io.cairn.engine.repo.FallbackSource source = Fallbacks.of(ws, repo, req.repository(), s, req.fallbacks())) {
        Node n = source.findNode(s.treeId(), path);
        if (n == null) throw new CairnException(ErrorCode.NOT_FOUND, "snapshot " + s.id().shortHex() + " has no path " + path);
        if (n.type() != NodeType.FILE) {
          throw new CairnException(ErrorCode.USAGE, path + " in snapshot " + s.id().shortHex() + " is a " + n.type().label
              + ", not a file; dump writes one file", Remedy.RESTORE_FOLDER);
        }
        long[] written = {0};
        for (BlobId id : n.content()) {
          long verified = written[0]; // every byte before this blob's was verified against its blob's id
          try {
            var loc = source.find(id);
            if (loc == null) throw new MissingObjectException("blob " + id + " (in no copy's index)");
            source.readBlobStreaming(loc, (pos, b, off, len) -> {
              out.write(b, off, len);
              written[0] += len;
            });
          } catch (CorruptObjectException | MissingObjectException e) {
            out.flush();
            throw new CairnException(ErrorCode.DATA_DAMAGED, "file " + path + " of snapshot " + s.id().shortHex()
                + " is damaged after byte " + verified + " of " + n.size() + " (the bytes before it were verified): "
                + e.getMessage(), Remedy.CHECK_READ_DATA, e);
          }
        }
        out.flush();
        if (written[0] != n.size()) {
          throw new CairnException(ErrorCode.DATA_DAMAGED, "file " + path + " of snapshot " + s.id().shortHex() + " decoded to "
              + written[0] + " bytes, its size is " + n.size());
        }
        return new Dumped(s.id().toString(), path, written[0], source.served(), source.fallbacks());
      }
    }
  }

  private void list(Repository repo, Node dir, String prefix, boolean recursive, EntrySink sink) throws IOException {
    for (Node n : repo.readTree(dir.subtree())) {
      String p = prefix + "/" + n.displayName();
      sink.accept(entry(n, p));
      if (n.type() == NodeType.DIR && recursive) list(repo, n, p, true, sink);
    }
  }

  private static Entry entry(Node n, String p) {
    return new Entry(p, n.type().label, String.format("%04o", n.mode()), n.uid(), n.gid(), n.user(), n.group(), n.size(),
        Instant.ofEpochSecond(0, n.mtimeNanos()), n.type() == NodeType.SYMLINK ? Node.display(n.linkTarget()) : null,
        n.type() == NodeType.FILE ? n.content().size() : null);
  }
}
