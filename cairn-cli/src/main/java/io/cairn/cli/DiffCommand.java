package io.cairn.cli;

import io.cairn.engine.BlobId;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.engine.tree.Node;
import io.cairn.engine.tree.NodeType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "diff", description = {"Show what changed between two snapshots.",
    "",
    "+ added, - removed, M content changed, U metadata changed, T type changed. Unchanged folders are skipped by their tree id without being read."})
final class DiffCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "SNAP1") String a;
  @Parameters(index = "1", paramLabel = "SNAP2") String b;

  private final List<Map<String, Object>> changes = new ArrayList<>();
  private long added;
  private long removed;
  private long modified;

  @Override
  public Integer call() throws Exception {
    try (Repository repo = openRepo()) {
      Snapshot s1 = repo.resolve(a);
      Snapshot s2 = repo.resolve(b);
      diff(repo, s1.treeId(), s2.treeId(), "");
      if (global.json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", s1.id().toString());
        m.put("to", s2.id().toString());
        m.put("changes", changes);
        m.put("added", added);
        m.put("removed", removed);
        m.put("modified", modified);
        printJson(m);
      } else {
        for (Map<String, Object> c : changes) out().println(c.get("change") + "  " + c.get("path"));
        say("%d added, %d removed, %d modified", added, removed, modified);
      }
      return 0;
    }
  }

  private void diff(Repository repo, BlobId t1, BlobId t2, String prefix) throws IOException {
    if (Objects.equals(t1, t2)) return;
    List<Node> l1 = t1 == null ? List.of() : repo.readTree(t1);
    List<Node> l2 = t2 == null ? List.of() : repo.readTree(t2);
    int i = 0, j = 0;
    while (i < l1.size() || j < l2.size()) {
      int c = i >= l1.size() ? 1 : j >= l2.size() ? -1 : l1.get(i).name().compareTo(l2.get(j).name());
      if (c < 0) {
        gone(repo, l1.get(i++), prefix, "-");
      } else if (c > 0) {
        gone(repo, l2.get(j++), prefix, "+");
      } else {
        Node x = l1.get(i++), y = l2.get(j++);
        String p = prefix + "/" + y.displayName();
        if (x.type() != y.type()) {
          record("T", p);
          if (x.type() == NodeType.DIR || y.type() == NodeType.DIR) {
            diff(repo, x.type() == NodeType.DIR ? x.subtree() : null, y.type() == NodeType.DIR ? y.subtree() : null, p);
          }
        } else if (x.type() == NodeType.DIR) {
          if (!Objects.equals(x.subtree(), y.subtree())) diff(repo, x.subtree(), y.subtree(), p);
        } else if (!x.content().equals(y.content()) || !Objects.equals(x.linkTarget(), y.linkTarget()) || x.size() != y.size()) {
          record("M", p);
        } else if (x.mode() != y.mode() || x.uid() != y.uid() || x.gid() != y.gid() || x.mtimeNanos() != y.mtimeNanos()
            || !x.xattrs().equals(y.xattrs())) {
          record("U", p);
        }
      }
    }
  }

  private void gone(Repository repo, Node n, String prefix, String sign) throws IOException {
    String p = prefix + "/" + n.displayName();
    record(sign, p + (n.type() == NodeType.DIR ? "/" : ""));
    if (n.type() == NodeType.DIR) {
      for (Node c : repo.readTree(n.subtree())) gone(repo, c, p, sign);
    }
  }

  private void record(String change, String path) {
    switch (change) {
      case "+" -> added++;
      case "-" -> removed++;
      default -> modified++;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("change", change);
    m.put("path", path);
    changes.add(m);
  }
}
