package io.cairn.cli;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.engine.tree.Node;
import io.cairn.engine.tree.NodeType;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ls", description = "List the files in a snapshot, below PATH if given.")
final class LsCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "SNAP", description = "Snapshot id, prefix or 'latest'.")
  String ref;

  @Parameters(index = "1", arity = "0..1", paramLabel = "PATH", description = "Folder or file in the snapshot (default: all).")
  String path = "/";

  @Option(names = {"-l", "--long"}, description = "Show mode, owner, size and time.")
  boolean longFormat;

  @Option(names = "--no-recursive", description = "Only the entries directly in PATH.")
  boolean flat;

  @Override
  public Integer call() throws Exception {
    try (Repository repo = openRepo()) {
      Snapshot s = repo.resolve(ref);
      Node start = repo.findNode(s.treeId(), path);
      if (start == null) throw new CairnException(ErrorCode.NOT_FOUND, "snapshot " + s.id().shortHex() + " has no path " + path);
      String base = path.equals("/") ? "" : ("/" + path.replaceAll("^/+|/+$", ""));
      List<Map<String, Object>> json = global.json ? new ArrayList<>() : null;
      if (start.type() == NodeType.DIR) {
        list(repo, start, base, json, 0);
      } else {
        emit(start, base, json);
      }
      if (json != null) printJson(json);
      return 0;
    }
  }

  private void list(Repository repo, Node dir, String prefix, List<Map<String, Object>> json, int depth) throws IOException {
    for (Node n : repo.readTree(dir.subtree())) {
      String p = prefix + "/" + n.displayName();
      emit(n, p, json);
      if (n.type() == NodeType.DIR && !flat) list(repo, n, p, json, depth + 1);
    }
  }

  private void emit(Node n, String p, List<Map<String, Object>> json) {
    if (json != null) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("path", p);
      m.put("type", n.type().label);
      m.put("mode", String.format("%04o", n.mode()));
      m.put("uid", n.uid());
      m.put("gid", n.gid());
      m.put("user", n.user());
      m.put("group", n.group());
      m.put("size", n.size());
      m.put("mtime", Instant.ofEpochSecond(0, n.mtimeNanos()).toString());
      if (n.type() == NodeType.SYMLINK) m.put("target", Node.display(n.linkTarget()));
      if (n.type() == NodeType.FILE) m.put("chunks", n.content().size());
      json.add(m);
      return;
    }
    if (!longFormat) {
      out().println(p);
      return;
    }
    out().printf("%s %-8s %-8s %12d %s %s%s%n", modeString(n), n.user() != null ? n.user() : Integer.toString(n.uid()),
        n.group() != null ? n.group() : Integer.toString(n.gid()), n.size(),
        SnapshotsCommand.TIME.format(Instant.ofEpochSecond(0, n.mtimeNanos())), p,
        n.type() == NodeType.SYMLINK ? " -> " + Node.display(n.linkTarget()) : "");
  }

  static String modeString(Node n) {
    char t = switch (n.type()) {
      case DIR -> 'd';
      case SYMLINK -> 'l';
      case FIFO -> 'p';
      case CHAR_DEVICE -> 'c';
      case BLOCK_DEVICE -> 'b';
      case SOCKET -> 's';
      default -> '-';
    };
    int m = n.mode();
    StringBuilder b = new StringBuilder().append(t);
    String rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; i++) b.append((m & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
    if ((m & 04000) != 0) b.setCharAt(3, (m & 0100) != 0 ? 's' : 'S');
    if ((m & 02000) != 0) b.setCharAt(6, (m & 010) != 0 ? 's' : 'S');
    if ((m & 01000) != 0) b.setCharAt(9, (m & 01) != 0 ? 't' : 'T');
    return b.toString();
  }
}
