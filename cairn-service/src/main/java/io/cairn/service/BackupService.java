package io.cairn.service;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.Progress;
import io.cairn.engine.backup.Backup;
import io.cairn.engine.backup.BackupOptions;
import io.cairn.engine.backup.StreamCapture;
import io.cairn.engine.fs.Processes;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.Snapshot;
import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** Backs files and folders up into a new snapshot, then brings the catalog up to date. */
public final class BackupService {
  private final Workspace ws;

  public BackupService(Workspace ws) {
    this.ws = ws;
  }

  /**
   * @param parent a snapshot to compare with, or null for the newest one of this host and paths
   * @param host the host name to record, or null for this machine's
   * @param estimate walk the sources beside the backup to report a total for progress
   */
  public record Request(String repository, List<Path> paths, List<String> tags, List<String> excludes, boolean oneFileSystem,
      String parent, String host, boolean estimate) {
    public Request {
      paths = List.copyOf(paths);
      tags = tags == null ? List.of() : List.copyOf(tags);
      excludes = excludes == null ? List.of() : List.copyOf(excludes);
    }
  }

  /** The snapshot written; {@code complete} is false when some items could not be read (listed in {@code errors}). */
  public record Outcome(String snapshot, boolean complete, String parent, Snapshot.Stats stats, List<Snapshot.FileError> errors,
      long durationMillis) {}

  /** A stream to capture as the file {@code /NAME} of the snapshot (standard input, a dump, a command's output). */
  public record Stream(String name, ReadableByteChannel channel) {}

  /** Streams to capture into one snapshot; each is read to its end, in order. */
  public record StreamRequest(String repository, List<Stream> streams, List<String> tags, String host) {
    public StreamRequest {
      streams = List.copyOf(streams);
      tags = tags == null ? List.of() : List.copyOf(tags);
    }
  }

  /**
   * A command whose standard output is captured as the file {@code /NAME} (restic's
   * {@code --stdin-from-command}): its exit code decides whether a snapshot is written; its standard
   * error (the tail) is in the error when it fails; it is stopped, with everything it started, when
   * it outlives {@code timeout}.
   */
  public record CommandRequest(String repository, List<String> command, String filename, List<String> tags, String host,
      Duration timeout) {
    public CommandRequest {
      command = List.copyOf(command);
      if (command.isEmpty()) throw new CairnException(ErrorCode.USAGE, "no command to capture the output of");
      tags = tags == null ? List.of() : List.copyOf(tags);
      if (timeout == null || timeout.isNegative() || timeout.isZero()) timeout = Duration.ofDays(1);
    }
  }

  /** Captures a command's output into a new snapshot; no snapshot when the command fails. */
  public Outcome run(CommandRequest req, Listener listener) throws IOException {
    long t0 = System.nanoTime();
    try (Processes.Running cmd = Processes.start(req.command(), Map.of(), req.timeout())) {
      String program = Path.of(req.command().get(0)).getFileName().toString();
      StreamCapture.Ended ended = () -> {
        int code = cmd.waitFor();
        if (code != 0) {
          String err = cmd.stderr();
          throw new CairnException(ErrorCode.IO, "command " + program + " exited with " + code + (err.isEmpty() ? "" : ": " + err)
              + "; no snapshot was written");
        }
      };
      // the program's name only: a command line may hold a secret, and a record never does
      Map<String, String> source = new LinkedHashMap<>();
      source.put("type", "command");
      source.put("program", program);
      Stream out = new Stream(req.filename(), io.cairn.engine.fs.StreamChannel.of(cmd.stdout()));
      return run(new StreamRequest(req.repository(), List.of(out), req.tags(), req.host()), listener, ended, source);
    } finally {
      listener.phase("command", Duration.ofNanos(System.nanoTime() - t0));
    }
  }

  /** Captures streams without a temporary file, in bounded memory, then brings the catalog up to date. */
  public Outcome run(StreamRequest req, Listener listener) throws IOException {
    return run(req, listener, null, Map.of("type", "stream"));
  }

  private Outcome run(StreamRequest req, Listener listener, StreamCapture.Ended ended, Map<String, String> source)
      throws IOException {
    Timer timer = new Timer(listener);
    List<StreamCapture.NamedStream> streams = req.streams().stream()
        .map(s -> new StreamCapture.NamedStream(s.name(), s.channel(), ended)).toList();
    try (Repository repo = ws.open(req.repository(), Workspace.Use.PLAIN)) {
      timer.phase("open");
      Progress p = new Progress();
      p.itemsTotal.set(req.streams().size());
      listener.started("backup", Listener.Progress.of(p));
      Backup.Result r;
      try {
        r = new StreamCapture(repo, req.tags(), req.host(), p).run(streams, source);
      } finally {
        listener.finished("backup");
      }
      timer.phase("backup");
      ws.updateCatalog(repo, req.repository(), listener);
      Snapshot s = r.snapshot();
      return new Outcome(s.id().toString(), r.complete(), s.parent(), s.stats(), s.errors(), timer.elapsedMillis());
    }
  }

  public Outcome run(Request req, Listener listener) throws IOException {
    BackupOptions opt = new BackupOptions(req.paths(), req.tags(), req.excludes(), req.oneFileSystem(), req.parent(), req.host(), 0);
    Timer timer = new Timer(listener);
    // no crypto warm-up: measured on the shared data set, it cost an unchanged re-backup 0.7 s of
    // CPU and gained an initial backup nothing, its chunks being large and many
    try (Repository repo = ws.open(req.repository(), Workspace.Use.PLAIN)) {
      timer.phase("open");
      Progress p = new Progress();
      AtomicBoolean done = new AtomicBoolean();
      if (req.estimate()) {
        Thread.ofPlatform().daemon().name("cairn-scan").start(() -> p.bytesTotal.set(scan(req.paths(), done)));
      }
      listener.started("backup", Listener.Progress.of(p));
      Backup.Result r;
      try {
        r = new Backup(repo, opt, p).run();
      } finally {
        done.set(true); // the estimate's walk stops with the backup
        listener.finished("backup");
      }
      timer.phase("backup");
      ws.updateCatalog(repo, req.repository(), listener);
      Snapshot s = r.snapshot();
      return new Outcome(s.id().toString(), r.complete(), s.parent(), s.stats(), s.errors(), timer.elapsedMillis());
    }
  }

  /** The bytes of regular files below the sources: an estimate for progress, never an error. */
  private static long scan(List<Path> paths, AtomicBoolean done) {
    AtomicLong total = new AtomicLong();
    for (Path p : paths) {
      try {
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
            if (a.isRegularFile()) total.addAndGet(a.size());
            return done.get() ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
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
