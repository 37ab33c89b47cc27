package io.cairn.cli;

import io.cairn.service.SnapshotService;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "dump", description = {"Write one file of a snapshot to standard output.",
    "",
    "Every blob is verified before its bytes are written. A damaged blob stops the dump with exit 14 and a line naming the"
        + " file and the offset reached; what was written before it is intact. With --json the file still goes to standard"
        + " output, so nothing else is printed there; errors follow --json on standard error.",
    "",
    "Example: cairn dump latest /stdin > db.sql (a snapshot taken with 'cairn backup --stdin --stdin-filename stdin')."})
final class DumpCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "SNAP", description = "Snapshot id, prefix or 'latest'.")
  String ref;

  @Parameters(index = "1", paramLabel = "PATH", description = "The file in the snapshot.")
  String path;

  @picocli.CommandLine.Option(names = "--fallback", paramLabel = "REPO", description = "Another copy of the point to read a blob"
      + " from when --repo lacks it or has it damaged; repeatable. The catalog's other copies of the point are tried too.")
  java.util.List<String> fallbacks = new java.util.ArrayList<>();

  @Override
  public Integer call() throws Exception {
    OutputStream stdout = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 20);
    var d = new SnapshotService(workspace()).dump(new SnapshotService.DumpRequest(global.repo(), ref, path,
        fallbacks.stream().map(global::otherRepository).toList()), stdout);
    for (var f : d.fallbacks()) {
      if (f.servedBy() != null) err().println("cairn: note: blob " + f.blob().substring(0, 12) + " failed in " + f.failedIn() + "; read from " + f.servedBy());
    }
    return 0;
  }
}
