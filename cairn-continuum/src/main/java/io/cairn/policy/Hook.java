package io.cairn.policy;

import java.time.Duration;
import java.util.List;

/**
 * A command run around a capture ({@code sh -c RUN}), with a timeout and what to do when it fails
 * or outlives it: {@code abort} (nothing is captured), {@code continue} (the capture goes on, and the
 * point is recorded as crash-consistent with the reason) or {@code retry N} (run up to N more times,
 * then abort). A {@code before} hook that succeeds quiesces the application unless
 * {@code quiesce: false} says it only notifies.
 */
public record Hook(String run, Duration timeout, OnFailure onFailure, int retries, boolean quiesce, Node.Where where) {
  public enum OnFailure {
    ABORT,
    CONTINUE
  }

  /**
   * The hooks of an asset or a group, each phase in the order written. {@code cutover} hooks run at
   * the end of a recovery to a production target asked to cut over (never in a sandbox): they point
   * the application at the restored data.
   */
  public record Hooks(List<Hook> before, List<Hook> after, List<Hook> onError, List<Hook> cutover) {
    public static final Hooks NONE = new Hooks(List.of(), List.of(), List.of(), List.of());

    public Hooks {
      before = List.copyOf(before);
      after = List.copyOf(after);
      onError = List.copyOf(onError);
      cutover = cutover == null ? List.of() : List.copyOf(cutover);
    }

    public boolean isEmpty() {
      return before.isEmpty() && after.isEmpty() && onError.isEmpty() && cutover.isEmpty();
    }
  }

  /** The hook's name in records and output: its command's first word, never its arguments (they may hold a secret). */
  public String name() {
    return io.cairn.engine.fs.Processes.programOf(run);
  }
}
