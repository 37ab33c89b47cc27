package io.cairn.capture;

import io.cairn.engine.fs.Processes;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.policy.Hook;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs hooks ({@code sh -c RUN}) through {@link Processes}: each with its timeout (the hook and
 * everything it started are killed when it passes), its retries, and the tail of its output kept for
 * the point's record. The hook learns what it is run for from {@code CAIRN_ASSET}, {@code CAIRN_GROUP},
 * {@code CAIRN_PHASE}, {@code CAIRN_RUN} and, once known, {@code CAIRN_POINT}.
 */
public final class HookRunner {
  /** What is kept of a hook's output, standard output and error together: its end. */
  static final int OUTPUT_TAIL = 4096;

  private final Map<String, String> env;

  /** @param env variables every hook gets besides the process's own (CAIRN_RUN, CAIRN_GROUP, ...) */
  public HookRunner(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** How a hook went, and whether its policy lets the capture go on. */
  public record Ran(Hook hook, Snapshot.HookRun record) {
    public boolean ok() {
      return record.outcome().equals("ok");
    }

    /** Failed, and its policy is abort (retries included): the capture must not go on. */
    public boolean aborts() {
      return !ok() && hook.onFailure() == Hook.OnFailure.ABORT;
    }

    /** One line for an error or a consistency reason. */
    public String describe() {
      Snapshot.HookRun r = record;
      String how = switch (r.outcome()) {
        case "ok" -> "succeeded";
        case "timeout" -> "did not finish within " + io.cairn.policy.Durations.format(hook.timeout()) + " and was stopped with everything it started";
        default -> r.exitCode() == null ? "could not be run" : "exited with " + r.exitCode();
      };
      String tail = r.outcome().equals("ok") || r.output() == null || r.output().isBlank() ? "" : ": " + lastLine(r.output());
      return r.phase() + " hook '" + r.name() + "' of " + r.scope() + " " + how + (r.attempts() > 1 ? " (" + r.attempts() + " attempts)" : "") + tail;
    }
  }

  /**
   * Runs a hook, again up to its retries while it fails.
   *
   * @param scope {@code asset NAME} or {@code group NAME}
   */
  public Ran run(Hook hook, String scope, String phase, Map<String, String> more) {
    Map<String, String> e = new java.util.HashMap<>(env);
    e.putAll(more);
    e.put("CAIRN_PHASE", phase);
    long t0 = System.nanoTime();
    String outcome = "failed";
    Integer code = null;
    String output = "";
    int attempts = 0;
    while (attempts <= hook.retries()) {
      attempts++;
      try (Processes.Running p = Processes.start(List.of("/bin/sh", "-c", hook.run()), e, hook.timeout())) {
        Processes.Tail out = new Processes.Tail(OUTPUT_TAIL);
        out.drain(p.stdout());
        try {
          code = p.waitFor();
          outcome = code == 0 ? "ok" : "failed";
        } catch (IOException timeout) {
          outcome = "timeout";
          code = null;
        }
        String err = p.stderr();
        output = join(out.text(), err);
      } catch (IOException ex) {
        outcome = "failed";
        output = String.valueOf(ex.getMessage());
      }
      if (outcome.equals("ok")) break;
    }
    Snapshot.HookRun r = new Snapshot.HookRun(scope, hook.name(), phase, outcome, code, Duration.ofNanos(System.nanoTime() - t0).toMillis(),
        attempts, output.isEmpty() ? null : output);
    return new Ran(hook, r);
  }

  private static String join(String out, String err) {
    String s = out.isEmpty() ? err : err.isEmpty() ? out : out + "\n" + err;
    return s.length() <= OUTPUT_TAIL ? s : "..." + s.substring(s.length() - OUTPUT_TAIL);
  }

  private static String lastLine(String s) {
    String t = s.strip();
    int nl = t.lastIndexOf('\n');
    return nl < 0 ? t : t.substring(nl + 1);
  }
}
