package io.cairn.engine.fs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The one way Cairn runs an external command (pg_dump, a hook, a command source, mkfifo): its
 * standard output streamed to the caller or collected, a timeout enforced, the tail of its standard
 * error kept (bounded) for the error message, and nothing left behind. The command runs in a process
 * group of its own ({@code setsid}, where the system has it), and the whole group is killed on
 * timeout, failure or close, so a shell's background children and grandchildren that were reparented
 * when their parent exited go too.
 */
public final class Processes {
  private Processes() {}

  /** What is kept of standard error: its last bytes. */
  static final int STDERR_TAIL = 64 * 1024;
  private static final Path SETSID = Path.of("/usr/bin/setsid");
  /** By its path: a job run from cron or systemd may have no PATH. */
  private static final String KILL = Files.isExecutable(Path.of("/bin/kill")) ? "/bin/kill" : "kill";

  /** The result of a finished command. */
  public record Result(int exitCode, String stdout, String stderr) {}

  /**
   * Runs a command to its end, collecting its output (for commands whose output is small). Like
   * every command, whatever it leaves running is killed: at its end, or at the deadline when a
   * leftover holds its output open.
   */
  public static Result run(List<String> command, Duration timeout) throws IOException {
    return run(command, Map.of(), timeout);
  }

  /** Like {@link #run(List, Duration)}, with {@code env} added to the environment (a password, say). */
  public static Result run(List<String> command, Map<String, String> env, Duration timeout) throws IOException {
    try (Running r = start(command, env, timeout)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (InputStream in = r.stdout()) {
        in.transferTo(out);
      }
      int code = r.waitFor();
      return new Result(code, out.toString(StandardCharsets.UTF_8), r.stderr());
    }
  }

  /**
   * Starts a command whose standard output the caller reads from {@link Running#stdout()} (to stream
   * it), with {@code env} added to the environment and standard input empty. The timeout runs from now:
   * when it passes, the process group is killed, which ends the output the caller reads.
   */
  public static Running start(List<String> command, Map<String, String> env, Duration timeout) throws IOException {
    return start(command, env, timeout, false);
  }

  /**
   * Like {@link #start(List, Map, Duration)}; with {@code pipeStdin} the caller writes the command's
   * standard input through {@link Running#stdin()} (a dump fed to a restore tool) and closes it.
   */
  public static Running start(List<String> command, Map<String, String> env, Duration timeout, boolean pipeStdin) throws IOException {
    if (find(command.get(0)).isEmpty()) {
      throw new IOException("cannot run " + command.get(0) + ": not found (is it installed and on PATH?)");
    }
    List<String> cmd = new ArrayList<>();
    boolean group = Files.isExecutable(SETSID);
    if (group) cmd.addAll(List.of(SETSID.toString(), "--wait"));
    cmd.addAll(command);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    if (!pipeStdin) pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    pb.environment().putAll(env);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new IOException("cannot run " + command.get(0) + ": " + e.getMessage() + " (is it installed and on PATH?)", e);
    }
    return new Running(p, command.get(0), group, timeout);
  }

  /**
   * Where a program is: {@code name} itself when it holds a '/', else the first executable of that
   * name in PATH (or, when PATH is unset as under cron, the usual system folders).
   */
  public static java.util.Optional<Path> find(String name) {
    if (name.contains("/")) return Files.isExecutable(Path.of(name)) ? java.util.Optional.of(Path.of(name)) : java.util.Optional.empty();
    String path = System.getenv("PATH");
    for (String dir : (path == null || path.isBlank() ? "/usr/local/bin:/usr/bin:/bin" : path).split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) return java.util.Optional.of(Path.of(dir, name));
    }
    return java.util.Optional.empty();
  }

  /**
   * The program a shell command line runs, for records and messages: its first word after any
   * leading {@code NAME=VALUE} assignments (which may hold a secret), without its folder; never its
   * arguments.
   */
  public static String programOf(String commandLine) {
    for (String w : commandLine.strip().split("\\s+")) {
      if (w.matches("[A-Za-z_][A-Za-z0-9_]*=.*")) continue;
      int slash = w.lastIndexOf('/');
      return slash >= 0 && slash < w.length() - 1 ? w.substring(slash + 1) : w;
    }
    return "(empty)";
  }

  /**
   * A started command. Close it in any case: whatever of its process group still runs then is killed.
   * Processes it left running after it exited (a shell's background children, which may hold its
   * output open) are killed at the deadline at the latest.
   */
  public static final class Running implements AutoCloseable {
    private final Process process;
    private final String name;
    private final boolean group;
    private final Duration timeout;
    private final Tail stderr = new Tail(STDERR_TAIL);
    private final Thread stderrReader;
    private final Thread watchdog;
    private volatile boolean timedOut;
    private volatile boolean detached;
    /** Kills the group if the JVM exits first (Ctrl-C, SIGTERM from systemd) while it runs: a hook in a session of its own would outlive it. */
    private final Thread onExit;

    private Running(Process process, String name, boolean group, Duration timeout) {
      this.process = process;
      this.name = name;
      this.group = group;
      this.timeout = timeout;
      this.stderrReader = Thread.ofVirtual().name("cairn-stderr-" + process.pid()).start(() -> stderr.drain(process.getErrorStream()));
      long deadline = System.nanoTime() + timeout.toNanos();
      this.watchdog = Thread.ofPlatform().daemon().name("cairn-timeout-" + process.pid()).start(() -> {
        try {
          if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            timedOut = true;
            kill();
            return;
          }
          // the command ended; what it left running in its group goes at the deadline (or at close)
          long rest = deadline - System.nanoTime();
          if (rest > 0) TimeUnit.NANOSECONDS.sleep(rest);
          kill();
        } catch (InterruptedException e) {
          // closed before the deadline
        }
      });
      this.onExit = Thread.ofPlatform().name("cairn-exit-kill-" + process.pid()).unstarted(this::kill);
      try {
        Runtime.getRuntime().addShutdownHook(onExit);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is already exiting; close() still kills
      }
    }

    /** The command's standard input (when started with {@code pipeStdin}; else already at its end). */
    public java.io.OutputStream stdin() {
      return process.getOutputStream();
    }

    /** Whether the command (its first process) still runs. */
    public boolean alive() {
      return process.isAlive();
    }

    /**
     * Lets the command outlive this JVM (a sandbox server kept with {@code --keep}): no deadline, no
     * kill when the JVM exits. Its process group id is {@link #pid()}, for whoever stops it later.
     */
    public void detach() {
      watchdog.interrupt();
      detached = true;
      try {
        Runtime.getRuntime().removeShutdownHook(onExit);
      } catch (IllegalStateException shuttingDown) {
        // too late: the JVM is exiting and the hook runs
      }
    }

    /** The command's standard output. */
    public InputStream stdout() {
      return process.getInputStream();
    }

    public long pid() {
      return process.pid();
    }

    /**
     * Waits for the command to end (within its timeout) and returns its exit code; an
     * {@link IOException} naming the command when the timeout passed and it was killed.
     */
    public int waitFor() throws IOException {
      try {
        int code = process.waitFor();
        stderrReader.join(TimeUnit.SECONDS.toMillis(5));
        if (timedOut) {
          throw new IOException(name + " did not finish within " + seconds(timeout) + " and was stopped (with every process it started)");
        }
        return code;
      } catch (InterruptedException e) {
        kill();
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while running " + name);
      }
    }

    /** The last {@value #STDERR_TAIL} bytes of standard error, as text. */
    public String stderr() {
      return stderr.text();
    }

    /** Kills the command's process group (or, without {@code setsid}, it and its descendants). */
    public void kill() {
      if (group && (process.isAlive() || groupAlive(process.pid()))) {
        // the group id is the command's pid (setsid made it a session leader); -9 -- -PGID signals all of it
        try {
          new ProcessBuilder(KILL, "-KILL", "--", "-" + process.pid()).redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
          // fall back to what the JDK can reach
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }

    @Override
    public void close() {
      if (detached) return;
      watchdog.interrupt();
      kill();
      try {
        Runtime.getRuntime().removeShutdownHook(onExit);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs (or ran) anyway
      }
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Whether any process is left in the process group {@code pgid} (read from /proc: starting
   * {@code kill} costs 20-50 ms, which every small tool's run paid; true when /proc cannot say).
   */
  public static boolean groupAlive(long pgid) {
    Path proc = Path.of("/proc");
    if (!Files.isDirectory(proc)) return true;
    try (var s = Files.newDirectoryStream(proc, "[0-9]*")) {
      for (Path p : s) {
        try {
          String stat = Files.readString(p.resolve("stat"));
          // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so count from the last ')'
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 4);
          if (Long.parseLong(f[2]) == pgid) return true;
        } catch (IOException | RuntimeException gone) {
          // exited meanwhile, or not readable
        }
      }
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  /**
   * Kills what is left of process group {@code pgid} (a command started by an earlier run, found in a
   * registry), waiting up to {@code wait} for it to go; true when nothing of it is left.
   */
  public static boolean killGroup(long pgid, Duration wait) {
    if (pgid <= 1 || !groupAlive(pgid)) return true;
    try {
      new ProcessBuilder(KILL, "-KILL", "--", "-" + pgid).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start().waitFor(5, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + wait.toNanos();
      while (groupAlive(pgid) && System.nanoTime() < deadline) TimeUnit.MILLISECONDS.sleep(20);
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !groupAlive(pgid);
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  /** Keeps the last bytes of a stream, however long it runs (a command's standard error, a hook's output). */
  public static final class Tail {
    private final byte[] ring;
    private long total; // guarded by this

    public Tail(int bytes) {
      ring = new byte[bytes];
    }

    /** Reads the stream to its end (or until it fails: the process went away), keeping its last bytes. */
    public void drain(InputStream in) {
      byte[] buf = new byte[8192];
      try (in) {
        for (int n; (n = in.read(buf)) > 0; ) add(buf, n);
      } catch (IOException ignored) {
        // the process went away
      }
    }

    private synchronized void add(byte[] b, int n) {
      for (int i = 0; i < n; i++) ring[(int) ((total + i) % ring.length)] = b[i];
      total += n;
    }

    /** What was kept, as text: "..." first when the stream was longer. */
    public synchronized String text() {
      int len = (int) Math.min(total, ring.length);
      byte[] out = new byte[len];
      long start = total - len;
      for (int i = 0; i < len; i++) out[i] = ring[(int) ((start + i) % ring.length)];
      return (total > len ? "..." : "") + new String(out, StandardCharsets.UTF_8).strip();
    }
  }
}
