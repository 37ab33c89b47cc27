package io.cairn.cli;

import io.cairn.engine.Remedy;
import io.cairn.service.JsonOutput;
import io.cairn.service.Listener;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * The CLI's listener: a progress line on a terminal while a long step runs, warnings on stderr, and
 * phase timings with {@code --debug}.
 */
final class CliListener implements Listener {
  private final GlobalOptions global;
  private final PrintWriter err;
  private final Format format;
  private ProgressLine line;

  CliListener(GlobalOptions global, PrintWriter err, Format format) {
    this.global = global;
    this.err = err;
    this.format = format;
  }

  /** Without a progress line. */
  CliListener(GlobalOptions global, PrintWriter err) {
    this(global, err, null);
  }

  /** Renders the progress line from the counters and when the step started ({@link System#nanoTime}). */
  @FunctionalInterface
  interface Format {
    String line(Progress p, long startedNanos);
  }

  @Override
  public synchronized void started(String operation, Progress progress) {
    long t0 = System.nanoTime();
    if (format != null && line == null) line = ProgressLine.start(global, err, () -> format.line(progress, t0));
  }

  @Override
  public synchronized void finished(String operation) {
    if (line != null) line.close();
    line = null;
  }

  @Override
  public void phase(String name, Duration took) {
    if (global.debug) {
      synchronized (err) {
        err.println("cairn: phase " + name + ": " + took.toMillis() + " ms");
      }
    }
  }

  /** A warning: one line, or with {@code --json} one JSON object {@code {"warning": {message, remedy}}}. */
  @Override
  public void warning(String message, Remedy remedy) {
    synchronized (err) {
      String what = remedy == null ? null : Remedies.text(remedy);
      err.println(global.json ? JsonOutput.warning(message, what) : "cairn: warning: " + message + (what == null ? "" : "; " + what));
      err.flush();
    }
  }
}
