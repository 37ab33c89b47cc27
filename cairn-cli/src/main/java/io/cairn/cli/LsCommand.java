package io.cairn.cli;

import io.cairn.service.SnapshotService;
import java.util.ArrayList;
import java.util.List;
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
    List<SnapshotService.Entry> json = global.json ? new ArrayList<>() : null;
    new SnapshotService(workspace()).ls(new SnapshotService.LsRequest(global.repo(), ref, path, !flat), e -> {
      if (json != null) json.add(e);
      else if (!longFormat) out().println(e.path());
      else out().printf("%s %-8s %-8s %12d %s %s%s%n", modeString(e), e.user() != null ? e.user() : Integer.toString(e.uid()),
          e.group() != null ? e.group() : Integer.toString(e.gid()), e.size(), SnapshotsCommand.TIME.format(e.mtime()), e.path(),
          e.target() != null ? " -> " + e.target() : "");
    });
    if (json != null) printJson(json);
    return 0;
  }

  static String modeString(SnapshotService.Entry n) {
    char t = n.typeLetter();
    int m = n.modeBits();
    StringBuilder b = new StringBuilder().append(t);
    String rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; i++) b.append((m & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
    if ((m & 04000) != 0) b.setCharAt(3, (m & 0100) != 0 ? 's' : 'S');
    if ((m & 02000) != 0) b.setCharAt(6, (m & 010) != 0 ? 's' : 'S');
    if ((m & 01000) != 0) b.setCharAt(9, (m & 01) != 0 ? 't' : 'T');
    return b.toString();
  }
}
