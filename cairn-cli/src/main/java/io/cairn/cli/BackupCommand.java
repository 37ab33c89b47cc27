package io.cairn.cli;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.backup.Backup;
import io.cairn.engine.backup.BackupOptions;
import io.cairn.engine.backup.BackupProgress;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.Snapshot;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "backup", description = {"Back up files and folders into a new snapshot.",
    "",
    "Files unchanged since the parent snapshot (by default the newest one of this host and these paths) are not read again. Files that cannot be read are listed in the snapshot and make the exit code 3."})
final class BackupCommand extends BaseCommand {
  @Parameters(paramLabel = "PATH", arity = "1..*", description = "Files or folders to back up.")
  List<Path> paths;

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
    BackupOptions opt = new BackupOptions(paths, tags, ex, oneFileSystem, parent, host, 0);
    // no crypto warm-up (Sealer.warmUp): measured on the shared data set, it cost an unchanged
    // re-backup 0.7 s of CPU and gained an initial backup nothing, its chunks being large and many
    try (Repository repo = openRepo()) {
      BackupProgress p = new BackupProgress();
      long t0 = System.nanoTime();
      AtomicLong totalBytes = new AtomicLong(-1);
      ProgressLine line = ProgressLine.start(global, err(), () -> String.format("%d files, %s%s, %s%s%s",
          p.filesDone.get(), bytes(p.bytesDone.get()), totalBytes.get() > 0 ? " of " + bytes(totalBytes.get()) : "",
          ProgressLine.rate(p.bytesDone.get(), t0), ProgressLine.eta(p.bytesDone.get(), totalBytes.get(), t0),
          p.errors.get() > 0 ? ", " + p.errors.get() + " errors" : ""));
      if (line != null) {
        Thread.ofPlatform().daemon().name("cairn-scan").start(() -> totalBytes.set(scan(paths)));
      }
      Backup.Result r;
      try {
        r = new Backup(repo, opt, p).run();
      } finally {
        if (line != null) line.close();
      }
      Snapshot s = r.snapshot();
      updateCatalog(repo);
      if (global.json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("snapshot", s.id().toString());
        m.put("complete", r.complete());
        m.put("parent", s.parent());
        m.put("stats", s.stats());
        m.put("errors", s.errors());
        printJson(m);
      } else {
        Snapshot.Stats st = s.stats();
        for (Snapshot.FileError e : s.errors()) err().println("warning: " + e.path() + ": " + e.error());
        say("files: %d new, %d changed, %d unmodified; %d folders", st.filesNew(), st.filesChanged(), st.filesUnmodified(), st.dirs());
        say("read %s of %s, added %s (%s stored after compression and encryption)", bytes(st.bytesRead()), bytes(st.bytesTotal()),
            bytes(st.bytesAdded()), bytes(st.bytesStored()));
        say("snapshot %s saved in %s%s", s.id().shortHex(), seconds(st.durationMillis()),
            r.complete() ? "" : ", with " + s.errors().size() + " item(s) not backed up (listed above)");
      }
      return r.complete() ? 0 : ErrorCode.PARTIAL.exitCode();
    }
  }

  private static long scan(List<Path> paths) {
    AtomicLong total = new AtomicLong();
    for (Path p : paths) {
      try {
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
            if (a.isRegularFile()) total.addAndGet(a.size());
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            return FileVisitResult.CONTINUE;
          }
        });
      } catch (IOException ignored) {
        // estimates only
      }
    }
    return total.get();
  }
}
