package io.cairn.service;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.engine.tree.Node;
import io.cairn.engine.tree.NodeType;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Questions about the snapshots of one repository: which there are, and what one holds. */
public final class SnapshotService {
  private final Workspace ws;

  public SnapshotService(Workspace ws) {
    this.ws = ws;
  }

  /** A snapshot as surfaces show it. */
  public record Info(String id, Instant time, String host, String username, List<String> paths, List<String> tags, String parent,
      String tree, String consistency, List<Snapshot.FileError> errors, Snapshot.Stats stats, String program) {
    static Info of(Snapshot s) {
      return new Info(s.id().toString(), s.time(), s.host(), s.username(), s.paths(), s.tags(), s.parent(), s.tree(),
          s.consistency(), s.errors(), s.stats(), s.program());
    }
  }

  /** Every snapshot, oldest first; {@code tag} and {@code host} filter when not null. */
  public List<Info> list(String repository, String tag, String host) throws IOException {
    try (Repository repo = ws.open(repository, Workspace.Use.PLAIN)) {
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

  /** Lists a snapshot below {@code path} ("/" for all), depth first in name order; returns the snapshot's id. */
  public String ls(String repository, String ref, String path, boolean recursive, EntrySink sink) throws IOException {
    try (Repository repo = ws.open(repository, Workspace.Use.PLAIN)) {
      Snapshot s = repo.resolve(ref);
      Node start = repo.findNode(s.treeId(), path);
      if (start == null) throw new CairnException(ErrorCode.NOT_FOUND, "snapshot " + s.id().shortHex() + " has no path " + path);
      String base = path.equals("/") ? "" : ("/" + path.replaceAll("^/+|/+$", ""));
      if (start.type() == NodeType.DIR) list(repo, start, base, recursive, sink);
      else sink.accept(entry(start, base));
      return s.id().toString();
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
