package io.cairn.cli;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.fs.RawNames;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.service.BackupService;
import io.cairn.service.Times;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;


@Command(name = "backup", description = {"Back up files and folders (or, with --stdin, standard input) into a new snapshot.",
    "",
    "Files unchanged since the parent snapshot (by default the newest one of this host and these paths) are not read again. Files that cannot be read are listed in the snapshot and make the exit code 3."})
final class BackupCommand extends BaseCommand {
  @Parameters(paramLabel = "PATH", arity = "0..*", description = "Files or folders to back up (with --stdin-from-command: the command and its arguments, after --).")
  List<String> paths = new ArrayList<>();

  @Option(names = "--stdin", description = "Back up what standard input holds, as the file /NAME of the snapshot (see --stdin-filename); no PATH then.")
  boolean stdin;

  @Option(names = "--stdin-filename", paramLabel = "NAME", defaultValue = "stdin",
      description = "The file name standard input (or the command's output) gets in the snapshot (default: ${DEFAULT-VALUE}).")
  String stdinFilename;

  @Option(names = "--stdin-from-command", description = "Back up the standard output of the command given after --, as --stdin does standard"
      + " input: no snapshot is written when the command exits with an error (its standard error is shown).")
  boolean fromCommand;

  @Option(names = "--command-timeout", paramLabel = "DURATION", defaultValue = "24h",
      description = "Stop the command (and everything it started) when it runs longer (default: ${DEFAULT-VALUE}).")
  String commandTimeout;

  @Option(names = "--tag", paramLabel = "TAG", description = "Tag the snapshot (repeatable).")
  List<String> tags = new ArrayList<>();

  @Option(names = {"-e", "--exclude"}, paramLabel = "GLOB", description = "Exclude matching paths (repeatable). A pattern without '/' matches names anywhere.")
  List<String> excludes = new ArrayList<>();

  @Option(names = "--exclude-file", paramLabel = "FILE", description = "Read exclude patterns from FILE, one per line; '#' starts a comment.")
  List<Path> excludeFiles = new ArrayList<>();

  @Option(names = {"-x", "--one-file-system"}, description = "Do not cross into other file systems (mount points are recorded, not entered).")
  boolean oneFileSystem;

  @Option(names = "--parent", paramLabel = "SNAP", description = "Compare with this snapshot instead of the newest one of this host and paths.")
  String parent;

  @Option(names = "--host", paramLabel = "NAME", description = "Record this host name instead of the machine's.")
  String host;

  @Override
  public Integer call() throws Exception {
    List<String> ex = new ArrayList<>(excludes);
    for (Path f : excludeFiles) {
      try {
        for (String line : Files.readAllLines(f)) {
          String t = line.strip();
          if (!t.isEmpty() && !t.startsWith("#")) ex.add(t);
        }
      } catch (IOException e) {
        throw new CairnException(ErrorCode.USAGE, "cannot read exclude file " + f + ": " + Main.describe(e));
      }
    }
    if (stdin && fromCommand) throw new CairnException(ErrorCode.USAGE, "give --stdin or --stdin-from-command, not both");
    if (stdin && !paths.isEmpty()) throw new CairnException(ErrorCode.USAGE, "--stdin backs up standard input alone; give no PATH");
    if (!stdin && paths.isEmpty()) {
      throw new CairnException(ErrorCode.USAGE, fromCommand ? "--stdin-from-command needs the command, after --"
          : "nothing to back up: give at least one path, or --stdin");
    }
    BackupService service = new BackupService(workspace());
    BackupService.Outcome r;
    if (fromCommand) {
      r = service.run(new BackupService.CommandRequest(global.repo(), paths, stdinFilename, tags, host,
          Times.duration(commandTimeout, "--command-timeout")), listener((p, t0) -> String.format("%s, %s", bytes(p.bytesDone()),
          ProgressLine.rate(p.bytesDone(), t0))));
    } else if (stdin) {
      BackupService.Stream in = new BackupService.Stream(stdinFilename, new java.io.FileInputStream(java.io.FileDescriptor.in).getChannel());
      r = service.run(new BackupService.StreamRequest(global.repo(), List.of(in), tags, host),
          listener((p, t0) -> String.format("%s, %s", bytes(p.bytesDone()), ProgressLine.rate(p.bytesDone(), t0))));
    } else {
      BackupService.Request req = new BackupService.Request(global.repo(), paths.stream().map(RawNames::of).toList(), tags, ex,
          oneFileSystem, parent, host, !global.json && !global.quiet);
      r = service.run(req, listener((p, t0) -> String.format("%d files, %s%s, %s%s%s", p.itemsDone(), bytes(p.bytesDone()),
          p.bytesTotal() > 0 ? " of " + bytes(p.bytesTotal()) : "", ProgressLine.rate(p.bytesDone(), t0),
          ProgressLine.eta(p.bytesDone(), p.bytesTotal(), t0), p.errors() > 0 ? ", " + p.errors() + " errors" : "")));
    }
    if (global.json) {
      printJson(r);
    } else {
      Snapshot.Stats st = r.stats();
      for (Snapshot.FileError e : r.errors()) err().println("warning: " + e.path() + ": " + e.error());
      say("files: %d new, %d changed, %d unmodified; %d folders", st.filesNew(), st.filesChanged(), st.filesUnmodified(), st.dirs());
      say("read %s of %s, added %s (%s stored after compression and encryption)", bytes(st.bytesRead()), bytes(st.bytesTotal()),
          bytes(st.bytesAdded()), bytes(st.bytesStored()));
      say("snapshot %s saved in %s%s", r.snapshot().substring(0, 8), seconds(st.durationMillis()),
          r.complete() ? "" : ", with " + r.errors().size() + " item(s) not backed up (listed above)");
    }
    return r.complete() ? 0 : ErrorCode.PARTIAL.exitCode();
  }
}
