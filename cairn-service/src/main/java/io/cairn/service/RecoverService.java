package io.cairn.service;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.evidence.RecoveryRecord;
import io.cairn.engine.repo.Repository;
import io.cairn.policy.Policy;
import io.cairn.recovery.Place;
import io.cairn.recovery.Recoverer;
import io.cairn.recovery.RecoveryPlan;
import io.cairn.recovery.Sandboxes;
import io.cairn.recovery.Selection;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Recovers an asset or a consistency group of the policy (or drills it: a recovery into a sandbox,
 * always): sweeps the sandboxes earlier runs left, plans, and, unless it is a dry run, runs the plan
 * and brings the catalog up to date with the evidence it wrote.
 */
public final class RecoverService {
  private final Workspace ws;

  public RecoverService(Workspace ws) {
    this.ws = ws;
  }

  /**
   * @param fallbackRepository where an asset's points are when the policy names no repository (the CLI's --repo)
   * @param sandboxRoot where sandboxes live (null: {@link Sandboxes#defaultRoot})
   * @param seed the random pick's seed (null: a random one)
   * @param repository read the points from this repository (a copy: the isolated site of a ransomware
   *     drill) instead of the one the policy keeps them in; null for the policy's
   */
  public record Request(Policy policy, String subject, Selection selection, boolean dryRun, Recoverer.Options options,
      String fallbackRepository, Map<String, String> env, String host, Path sandboxRoot, Long seed, String repository) {
    public Request {
      env = env == null ? Map.of() : Map.copyOf(env);
      if (selection == null) selection = Selection.latest();
    }

    /** A request that reads the points where the policy keeps them. */
    public Request(Policy policy, String subject, Selection selection, boolean dryRun, Recoverer.Options options, String fallbackRepository,
        Map<String, String> env, String host, Path sandboxRoot, Long seed) {
      this(policy, subject, selection, dryRun, options, fallbackRepository, env, host, sandboxRoot, seed, null);
    }
  }

  /**
   * The plan, and (unless a dry run) how the recovery went: its evidence (null when it could not
   * start), the places restored to, a kept sandbox, the sandboxes of earlier runs removed first.
   */
  public record Outcome(String kind, RecoveryPlan plan, boolean dryRun, RecoveryRecord evidence, String evidenceId, List<Place> places,
      Sandboxes.Entry kept, List<String> swept, ErrorCode code, String error, List<String> warnings) {
    public boolean ok() {
      return code == null;
    }

    public int exitCode() {
      return code == null ? 0 : code.exitCode();
    }
  }

  public Outcome run(Request req, Listener listener) throws IOException {
    Policy p = req.policy();
    Sandboxes boxes = new Sandboxes(req.sandboxRoot() != null ? req.sandboxRoot() : Sandboxes.defaultRoot(req.env()));
    List<String> swept = boxes.sweep();
    for (String s : swept) listener.warning("removed sandbox " + s + ", left by a recovery that did not finish", null);
    String location = req.repository() != null ? req.repository() : location(p, req.subject(), req.fallbackRepository());
    String repoName = repositoryName(p, location);
    Random random = req.seed() == null ? new Random() : new Random(req.seed());
    Recoverer rec = new Recoverer(p, ws.clock(), req.env(), ws.settings().workers(), req.host() == null ? Repository.hostname() : req.host(),
        boxes, random);
    Timer timer = new Timer(listener);
    try (Repository repo = PolicyService.within(ws, p, req.env()).open(location, Workspace.Use.DECRYPT)) {
      timer.phase("open");
      RecoveryPlan plan;
      try {
        plan = rec.plan(req.subject(), repo, repoName, req.selection(), req.options());
      } catch (CairnException e) {
        // no point fits the request: a drill or recovery that could not start is evidence too (never for a dry run)
        if (req.dryRun() || e.code() == ErrorCode.CONFIG || e.code() == ErrorCode.USAGE) throw e;
        RecoveryRecord refused = rec.refused(req.subject(), req.options(), e.getMessage());
        try {
          repo.records(RecoveryRecord.RECORDS).putContentAddressed(refused);
          syncCatalog(repo, location, listener);
        } catch (IOException | RuntimeException w) {
          listener.warning("the evidence could not be written to " + repoName + ": " + w.getMessage(), null);
        }
        throw e;
      }
      timer.phase("plan");
      if (req.dryRun()) return new Outcome(req.options().kind(), plan, true, null, null, List.of(), null, swept, null, null, plan.notes());
      for (String n : plan.notes()) listener.warning(n, null);
      Recoverer.Result r;
      // a blob this repository lacks or has damaged is read from another copy: the policy's other repositories, the catalog's copies
      List<String> others = p.repositories().values().stream().map(e -> e.location()).filter(l -> !l.equals(location)).toList();
      try (io.cairn.engine.repo.FallbackSource source = Fallbacks.of(PolicyService.within(ws, p, req.env()), repo, location,
          plan.steps().stream().map(RecoveryPlan.Step::snapshot).toList(), others)) {
        r = rec.run(plan, repo, source, req.options(), new Recoverer.Events() {
          @Override
          public void phase(RecoveryRecord.Phase ph) {
            listener.phase(ph.name() + (ph.asset() == null ? "" : " " + ph.asset()) + (ph.ok() ? "" : " (failed)"), Duration.ofMillis(ph.millis()));
          }

          @Override
          public void started(io.cairn.engine.Progress progress) {
            listener.started(req.options().kind(), Listener.Progress.of(progress));
          }
        });
      } finally {
        listener.finished(req.options().kind());
      }
      if (r.evidenceError() != null) listener.warning("the evidence could not be written to " + repoName + ": " + r.evidenceError(), null);
      syncCatalog(repo, location, listener);
      return new Outcome(req.options().kind(), plan, false, r.record(), r.evidenceId(), r.places(), r.kept(), swept, r.code(),
          r.code() == null ? null : req.options().kind() + " of " + req.subject() + " failed: " + r.record().reason(), plan.notes());
    }
  }

  private void syncCatalog(Repository repo, String location, Listener listener) {
    if (ws.settings().catalog() == null) return;
    try {
      ws.updateCatalog(repo, location, listener);
    } catch (RuntimeException e) {
      listener.warning("catalog not updated (" + Failures.describe(e) + ")", io.cairn.engine.Remedy.CATALOG_SYNC);
    }
  }

  /** A repository's name in the policy, else its location. */
  static String repositoryName(Policy p, String location) {
    return p.repositories().values().stream().filter(r -> r.location().equals(location)).map(r -> r.name()).findFirst().orElse(location);
  }

  /** The repository an asset's or a group's points are in (a group's members share one). */
  static String location(Policy p, String subject, String fallback) {
    String asset = p.groups().containsKey(subject) ? p.group(subject).assets().get(0) : p.asset(subject).name();
    return CaptureService.location(p, p.asset(asset), fallback);
  }

  /** Lists the sandboxes (kept ones, and any an unfinished run left). */
  public static List<Sandboxes.Entry> sandboxes(Path root, Map<String, String> env) throws IOException {
    return new Sandboxes(root != null ? root : Sandboxes.defaultRoot(env)).list();
  }

  /** Stops and removes a sandbox. */
  public static Sandboxes.Entry removeSandbox(Path root, Map<String, String> env, String id) throws IOException {
    if (id == null || id.isBlank()) throw new CairnException(ErrorCode.USAGE, "name the sandbox to remove ('cairn sandbox list' shows them)");
    return new Sandboxes(root != null ? root : Sandboxes.defaultRoot(env)).remove(id);
  }
}
