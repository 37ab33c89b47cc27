package io.cairn.recovery;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.fs.Processes;
import io.cairn.engine.tree.Node;
import io.cairn.policy.Source;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One member of a recovery: how its place is provisioned (a folder, a file, a sandbox server or a
 * production target), then how its point is hydrated and reconciled there. {@link #provision} runs
 * at the start, beside the other members' (provisioning overlaps hydration); {@link #recover} runs
 * when the members it comes after are done, and asks for its place only when it needs it.
 */
abstract class Member {
  /** Blocks until the member's place is provisioned; throws what provisioning threw. */
  interface Provisioned {
    Place get() throws IOException;
  }

  /** What every member shares: the run's options and where its sandbox is. */
  record Context(String run, boolean sandbox, boolean replace, Integer port, int workers, Map<String, String> env, Duration toolTimeout,
      Sandboxes sandboxes, SandboxHandle handle) {}

  final String asset;
  final Source source;
  final Hydration hydration;
  final Context ctx;
  /** The member's folder in the sandbox (null when recovering to a target). */
  final Path folder;
  /** The production target ({@code --to}), or null in a sandbox. */
  final String target;

  Member(String asset, Source source, Hydration hydration, Context ctx, Path folder, String target) {
    this.asset = asset;
    this.source = source;
    this.hydration = hydration;
    this.ctx = ctx;
    this.folder = folder;
    this.target = target;
  }

  /** The source type's name (as in the policy). */
  abstract String type();

  /** What the member will write, in words (for the plan). */
  abstract String writes();

  abstract Place provision() throws IOException;

  abstract void recover(Provisioned place, Phases phases) throws IOException;

  /** The sandbox server the member started, if any. */
  Processes.Running server;

  /** Stops what the member started (its folder goes with the sandbox's). */
  void teardown() {
    if (server != null) server.close();
  }

  /** Leaves what the member started running past this process (a sandbox kept with --keep). */
  void detach() {
    if (server != null) server.detach();
  }

  /** Fails when a target folder or file is in the way and --replace was not given. */
  void refuseNonEmpty(Path p) throws IOException {
    if (ctx.replace() || !Files.exists(p)) return;
    if (Files.isDirectory(p)) {
      try (var s = Files.list(p)) {
        if (s.findAny().isEmpty()) return;
      }
    }
    throw new CairnException(ErrorCode.CONFLICT, "asset " + asset + ": target " + p + " is not empty; recover into an empty place, or pass"
        + " --replace to overwrite it");
  }

  /**
   * Runs a tool with a stream on its standard input (a dump into pg_restore, psql, mariadb or a
   * restore command): the stream is read from the repository, verified, and written as it comes, with
   * no copy on disk. The tool's failure is reported with the tail of its standard error.
   */
  String feed(List<String> cmd, Map<String, String> env, Node stream, String what, Duration timeout) throws IOException {
    try (Processes.Running r = Processes.start(cmd, env, timeout, true)) {
      Thread drain = Thread.ofVirtual().name("cairn-recover-out").start(() -> {
        try (InputStream in = r.stdout()) {
          in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException ignored) {
          // the process went away
        }
      });
      IOException writeFailed = null;
      try (OutputStream out = new BufferedOutputStream(r.stdin(), 1 << 20)) {
        hydration.stream(stream, out);
      } catch (CairnException e) {
        r.kill();
        throw e;
      } catch (IOException e) {
        writeFailed = e; // the tool stopped reading: its exit code and error say why
      }
      int code = r.waitFor();
      try {
        drain.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (code != 0 || writeFailed != null) {
        throw new CairnException(ErrorCode.IO, "asset " + asset + ": " + what + " failed (exit code " + code + "): " + tail(r.stderr()));
      }
      return r.stderr();
    }
  }

  static String tail(String s) {
    String t = s == null ? "" : s.strip();
    if (t.isEmpty()) return "no error output";
    String[] lines = t.split("\n");
    List<String> last = new ArrayList<>();
    for (int i = Math.max(0, lines.length - 3); i < lines.length; i++) last.add(lines[i].strip());
    return String.join(" / ", last);
  }

  /** The first readable stream of the point with this name, or any stream when {@code name} is null. */
  Node streamNamed(String name) throws IOException {
    for (Node n : hydration.streams()) if (name == null || n.displayName().equals(name)) return n;
    throw new CairnException(ErrorCode.DATA_DAMAGED, "asset " + asset + ": point " + hydration.snapshot().id().shortHex()
        + " has no stream " + (name == null ? "" : name) + " to recover");
  }
}
