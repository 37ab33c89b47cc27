package io.cairn.service;

import io.cairn.engine.repo.Repository;
import io.cairn.policy.Policy;
import io.cairn.report.Compliance;
import io.cairn.report.Gaps;
import io.cairn.report.Html;
import io.cairn.report.Ledger;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compliance from evidence: reads every repository the policy's assets use (points, data checks,
 * recoveries and drills), measures achieved RPO and demonstrated RTO per asset and group at a moment
 * (now, or {@code at}), and finds the gaps between the policy and the evidence.
 */
public final class ReportService {
  private final Workspace ws;

  public ReportService(Workspace ws) {
    this.ws = ws;
  }

  /** @param at the moment to report as of (null: now, from the workspace's clock) */
  public record Request(Policy policy, Instant at, String fallbackRepository, Map<String, String> env) {
    public Request {
      env = env == null ? Map.of() : Map.copyOf(env);
    }
  }

  /** The report and the gaps, with the repositories read. */
  public record Outcome(Compliance.Report report, List<Gaps.Gap> gaps, List<String> repositories) {
    public int exitCode() {
      return 0;
    }
  }

  public Outcome run(Request req, Listener listener) throws IOException {
    Policy p = req.policy();
    Instant at = req.at() != null ? req.at() : ws.clock().instant();
    Ledger ledger = new Ledger();
    Set<String> locations = new LinkedHashSet<>();
    for (String asset : p.assets().keySet()) locations.add(RecoverService.location(p, asset, req.fallbackRepository()));
    Workspace within = PolicyService.within(ws, p, req.env());
    Timer timer = new Timer(listener);
    for (String loc : locations) {
      String name = RecoverService.repositoryName(p, loc);
      try (Repository repo = within.open(loc, Workspace.Use.PLAIN)) {
        ledger.add(name, repo);
      }
      timer.phase("read " + name);
    }
    for (String to : PlanService.copyTargets(p)) {
      String loc = PlanService.location(p, to);
      if (locations.contains(loc)) continue;
      try (Repository repo = within.open(loc, Workspace.Use.PLAIN)) {
        ledger.copies().add(to, repo); // what landed there, for the copy rules
      } catch (IOException | RuntimeException ex) {
        listener.warning("copy destination " + to + " not read (" + Failures.describe(ex) + "): its copies count as missing", null);
      }
    }
    Compliance.Report report = Compliance.assess(p, ledger, at);
    List<Gaps.Gap> gaps = Gaps.find(p, ledger, report);
    timer.phase("assess");
    return new Outcome(report, gaps, List.copyOf(ledger.repositories()));
  }

  /** The report as one self-contained HTML page. */
  public static String html(Outcome o) {
    return Html.render(o.report(), o.gaps());
  }
}
