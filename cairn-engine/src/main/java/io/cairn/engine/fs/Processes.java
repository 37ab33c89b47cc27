package io.cairn.engine.fs;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external command: output captured, a timeout enforced, stderr kept for the error message,
 * and the child (with its descendants) killed on timeout or interrupt so none is left behind.
 */
public final class Processes {
  private Processes() {}

  /** The result of a finished command. */
  public record Result(int exitCode, String stdout, String stderr) {}

  public static Result run(List<String> command, Duration timeout) throws IOException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    } catch (IOException e) {
      throw new IOException("cannot run " + command.get(0) + ": " + e.getMessage() + " (is it installed and on PATH?)", e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread o = Thread.ofVirtual().start(() -> drain(p.getInputStream(), out));
    Thread e = Thread.ofVirtual().start(() -> drain(p.getErrorStream(), err));
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill(p);
        throw new IOException(command.get(0) + " did not finish within " + timeout.toSeconds() + " s and was stopped");
      }
      o.join();
      e.join();
    } catch (InterruptedException ie) {
      kill(p);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while running " + command.get(0));
    }
    return new Result(p.exitValue(), out.toString(), err.toString().strip());
  }

  private static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  private static void drain(InputStream in, ByteArrayOutputStream sink) {
    try (in) {
      in.transferTo(sink);
    } catch (IOException ignored) {
      // the process went away
    }
  }
}
