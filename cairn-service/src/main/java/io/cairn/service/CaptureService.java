package io.cairn.service;

import io.cairn.capture.Capturer;
import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.Progress;
import io.cairn.engine.repo.Repository;
import io.cairn.policy.Asset;
import io.cairn.policy.Policy;
import io.cairn.policy.RepositoryEntry;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Captures an asset or a consistency group as the policy describes it (hooks, source, group
 * manifest), then brings the catalog up to date with the repositories written to.
 */
public final class CaptureService {
  private final Workspace ws;

  public CaptureService(Workspace ws) {
    this.ws = ws;
  }

  /**
   * @param target an asset's or a group's name
   * @param fallbackRepository where points go when the policy names no repository for an asset (the CLI's --repo); may be null
   * @param env the environment the policy's secret references are resolved from (and hooks inherit)
   */
  public record Request(Policy policy, String target, List<String> tags, String fallbackRepository, Map<String, String> env, String host) {
    public Request {
      tags = tags == null ? List.of() : List.copyOf(tags);
      env = env == null ? Map.of() : Map.copyOf(env);
    }
  }

  /**
   * The points a capture made: one for an asset, every member's for a group (with the group's
   * manifest); {@code code} is null when everything succeeded, else the documented error code.
   */
  public record Outcome(String target, String kind, List<Capturer.PointOutcome> points, Capturer.GroupOutcome group, ErrorCode code,
      String error, List<String> warnings, long durationMillis) {
    public boolean ok() {
      return code == null;
    }

    public int exitCode() {
      return code == null ? 0 : code.exitCode();
    }
  }

  public Outcome run(Request req, Listener listener) throws IOException {
    long t0 = System.nanoTime();
    Policy p = req.policy();
    Progress progress = new Progress();
    Capturer capturer = new Capturer(p, a -> open(p, a, req), ws.clock(), req.env(), req.host(), ws.settings().workers());
    Capturer.Events events = listener::phase;
    listener.started("capture", Listener.Progress.of(progress));
    Outcome out;
    try {
      if (p.groups().containsKey(req.target())) {
        Capturer.GroupOutcome g = capturer.group(req.target(), req.tags(), progress, events);
        ErrorCode code = null;
        String error = null;
        if (!g.complete()) {
          // a hook that aborted says so; any other failed member makes the group point incomplete
          boolean hook = g.members().stream().anyMatch(m -> m.code() == ErrorCode.HOOK_FAILED);
          code = hook && g.members().stream().noneMatch(Capturer.PointOutcome::ok) ? ErrorCode.HOOK_FAILED : ErrorCode.PARTIAL;
          error = "group " + g.group() + " is incomplete (" + g.reason() + "); its point is recorded as incomplete and never offered as consistent";
        }
        out = new Outcome(req.target(), "group", g.members(), g, code, error, g.warnings(), 0);
      } else {
        Capturer.PointOutcome o = capturer.asset(req.target(), req.tags(), progress, events);
        out = new Outcome(req.target(), "asset", List.of(o), null, o.code(), o.error(), o.warnings(), 0);
      }
    } finally {
      listener.finished("capture");
    }
    for (String w : out.warnings()) listener.warning(w, null);
    syncCatalog(p, req, out, listener);
    return new Outcome(out.target(), out.kind(), out.points(), out.group(), out.code(), out.error(), out.warnings(),
        Duration.ofNanos(System.nanoTime() - t0).toMillis());
  }

  private void syncCatalog(Policy p, Request req, Outcome out, Listener listener) {
    if (ws.settings().catalog() == null) return;
    Set<String> locations = new LinkedHashSet<>();
    // only where something was written: a point, or a group's manifest (written even when incomplete)
    for (Capturer.PointOutcome o : out.points()) if (o.ok() || out.group() != null) locations.add(location(p, p.asset(o.asset()), req));
    for (String loc : locations) {
      try (Repository repo = PolicyService.within(ws, p, req.env()).open(loc, Workspace.Use.PLAIN)) {
        ws.updateCatalog(repo, loc, listener);
      } catch (IOException | RuntimeException e) {
        listener.warning("catalog not updated (" + Failures.describe(e) + ")", io.cairn.engine.Remedy.CATALOG_SYNC);
      }
    }
  }

  /** Where an asset's points go: its repository in the policy, else the fallback. */
  static String location(Policy p, Asset a, Request req) {
    return location(p, a, req.fallbackRepository());
  }

  /** Where an asset's points go: its repository in the policy, else {@code fallback} (the CLI's --repo). */
  static String location(Policy p, Asset a, String fallback) {
    return p.repositoryOf(a).map(RepositoryEntry::location).orElseGet(() -> {
      if (fallback == null) {
        throw new CairnException(ErrorCode.USAGE, "asset " + a.name() + " has no repository: name one in the policy's repositories, or pass --repo");
      }
      return fallback;
    });
  }

  private Repository open(Policy p, Asset a, Request req) throws IOException {
    return PolicyService.within(ws, p, req.env()).open(location(p, a, req), Workspace.Use.PLAIN);
  }
}
