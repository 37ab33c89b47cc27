package io.cairn.capture;

import io.cairn.engine.backup.StreamCapture;
import io.cairn.engine.fs.Processes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A command's standard output as a channel that starts the command on its first read, so that of
 * several dumps captured one after another only the one being read runs. Its verdict ({@link #ended})
 * is its exit code, with the tail of its standard error in the error. Closing it stops the command
 * and whatever it started.
 */
class LazyProcess implements ReadableByteChannel {
  private final List<String> command;
  private final Map<String, String> env;
  private final Duration timeout;
  private final String what;
  private Processes.Running running;
  private ReadableByteChannel out;
  private boolean closed;

  LazyProcess(List<String> command, Map<String, String> env, Duration timeout, String what) {
    this.command = List.copyOf(command);
    this.env = Map.copyOf(env);
    this.timeout = timeout;
    this.what = what;
  }

  /** Called just before the command starts (to take a database snapshot for it, say). */
  protected void beforeStart() throws IOException {}

  /** Called once the command succeeded. */
  protected void afterSuccess() throws IOException {}

  /** The command as it runs: may be changed by {@link #beforeStart}. */
  protected List<String> command() {
    return command;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    start();
    return out.read(dst);
  }

  /**
   * Starts the command now, before the first read: its own start (a dump's catalog queries) then
   * overlaps the repository's preparation; it waits on its full pipe until it is read.
   */
  void start() throws IOException {
    if (out != null) return;
    beforeStart();
    running = Processes.start(command(), env, timeout);
    out = io.cairn.engine.fs.StreamChannel.of(running.stdout());
  }

  /** The producer's verdict for {@link StreamCapture}: throws when the command failed. */
  StreamCapture.Ended ended() {
    return () -> {
      if (running == null) throw new IOException(what + " produced nothing");
      int code = running.waitFor();
      if (code != 0) {
        String err = running.stderr();
        throw new IOException(what + " exited with " + code + (err.isEmpty() ? "" : ": " + err));
      }
      afterSuccess();
    };
  }

  @Override
  public boolean isOpen() {
    return !closed;
  }

  @Override
  public void close() {
    closed = true;
    if (running != null) running.close();
  }
}
