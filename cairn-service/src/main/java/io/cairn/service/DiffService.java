package io.cairn.service;

import io.cairn.engine.BlobId;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.engine.tree.Node;
import io.cairn.engine.tree.NodeType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What changed between two snapshots: {@code +} added, {@code -} removed, {@code M} content changed,
 * {@code U} metadata changed, {@code T} type changed. Unchanged folders are skipped by their tree id.
 */
public final class DiffService {
  private final Workspace ws;

  public DiffService(Workspace ws) {
    this.ws = ws;
  }

  public record Change(String change, String path) {}

  public record Outcome(String from, String to, List<Change> changes, long added, long removed, long modified) {}

  /** Two snapshots of one repository: ids, unique prefixes or {@code latest}. */
  public record Request(String repository, String from, String to) {}

  public Outcome run(Request req) throws IOException {
    try (Repository repo = ws.open(req.repository(), Workspace.Use.PLAIN)) {
      Snapshot s1 = repo.resolve(req.from());
      Snapshot s2 = repo.resolve(req.to());
      Walk w = new Walk(repo);
      w.diff(s1.treeId(), s2.treeId(), "");
      return new Outcome(s1.id().toString(), s2.id().toString(), w.changes, w.added, w.removed, w.modified);
    }
  }

  private static final class Walk {
    final Repository repo;
    final List<Change> changes = new ArrayList<>();
    long added;
    long removed;
    long modified;

    Walk(Repository repo) {
      this.repo = repo;
    }

    void diff(BlobId t1, BlobId t2, String prefix) throws IOException {
      if (Objects.equals(t1, t2)) return;
      List<Node> l1 = t1 == null ? List.of() : repo.readTree(t1);
      List<Node> l2 = t2 == null ? List.of() : repo.readTree(t2);
      int i = 0;
      int j = 0;
      while (i < l1.size() || j < l2.size()) {
        int c = i >= l1.size() ? 1 : j >= l2.size() ? -1 : l1.get(i).name().compareTo(l2.get(j).name());
        if (c < 0) {
          gone(l1.get(i++), prefix, "-");
        } else if (c > 0) {
          gone(l2.get(j++), prefix, "+");
        } else {
          Node x = l1.get(i++);
          Node y = l2.get(j++);
          String p = prefix + "/" + y.displayName();
          if (x.type() != y.type()) {
            record("T", p);
            if (x.type() == NodeType.DIR || y.type() == NodeType.DIR) {
              diff(x.type() == NodeType.DIR ? x.subtree() : null, y.type() == NodeType.DIR ? y.subtree() : null, p);
            }
          } else if (x.type() == NodeType.DIR) {
            if (!Objects.equals(x.subtree(), y.subtree())) diff(x.subtree(), y.subtree(), p);
          } else if (!x.content().equals(y.content()) || !Objects.equals(x.linkTarget(), y.linkTarget()) || x.size() != y.size()) {
            record("M", p);
          } else if (x.mode() != y.mode() || x.uid() != y.uid() || x.gid() != y.gid() || x.mtimeNanos() != y.mtimeNanos()
              || !x.xattrs().equals(y.xattrs())) {
            record("U", p);
          }
        }
      }
    }

    void gone(Node n, String prefix, String sign) throws IOException {
      String p = prefix + "/" + n.displayName();
      record(sign, p + (n.type() == NodeType.DIR ? "/" : ""));
      if (n.type() == NodeType.DIR) {
        for (Node c : repo.readTree(n.subtree())) gone(c, p, sign);
      }
    }

    void record(String change, String path) {
      switch (change) {
        case "+" -> added++;
        case "-" -> removed++;
        default -> modified++;
      }
      changes.add(new Change(change, path));
    }
  }
}
