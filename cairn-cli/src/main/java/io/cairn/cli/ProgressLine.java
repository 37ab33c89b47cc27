package io.cairn.cli;

import java.io.PrintWriter;
import java.util.function.Supplier;

/**
 * A one-line status redrawn on a terminal every 250 ms; nothing at all when output is not a terminal.
 */
final class ProgressLine implements AutoCloseable {
  private final Thread thread;
  private final PrintWriter err;
  private volatile boolean done;

  private ProgressLine(PrintWriter err, Supplier<String> line) {
    this.err = err;
    this.thread = Thread.ofPlatform().daemon().name("cairn-progress").start(() -> {
      while (!done) {
        try {
          Thread.sleep(250);
        } catch (InterruptedException e) {
          return;
        }
        if (!done) {
          String s = line.get();
          int w = 110;
          if (s.length() > w) s = s.substring(0, w - 1) + "…";
          err.print("\r\033[K" + s);
          err.flush();
        }
      }
    });
  }

  /** Starts a progress line if stdout and stdin are a terminal and output is for people. */
  static ProgressLine start(GlobalOptions g, PrintWriter err, Supplier<String> line) {
    if (g.json || g.quiet || GlobalOptions.interactiveConsole() == null) return null;
    return new ProgressLine(err, line);
  }

  static String eta(long done, long total, long startedNanos) {
    double secs = (System.nanoTime() - startedNanos) / 1e9;
    if (done <= 0 || total <= done || secs < 1) return "";
    double rest = secs * (total - done) / done;
    return String.format(" ETA %d:%02d", (long) rest / 60, (long) rest % 60);
  }

  static String rate(long bytes, long startedNanos) {
    double secs = Math.max(0.001, (System.nanoTime() - startedNanos) / 1e9);
    return BaseCommand.bytes((long) (bytes / secs)) + "/s";
  }

  @Override
  public void close() {
    done = true;
    thread.interrupt();
    err.print("\r\033[K");
    err.flush();
  }
}
