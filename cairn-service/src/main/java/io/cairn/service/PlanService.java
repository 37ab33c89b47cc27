package io.cairn.service;

import io.cairn.engine.repo.Repository;
import io.cairn.policy.Asset;
import io.cairn.policy.Policy;
import io.cairn.policy.RepositoryEntry;
import io.cairn.schedule.History;
import io.cairn.schedule.Planner;
import io.cairn.schedule.Retire;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What is due and what is in breach: for every asset and group, its newest point against its RPO
 * and when the next capture is due; for every repository, when verification and prune are due. The
 * history comes from the repositories (snapshots, group manifests, check and maintenance records).
 */
public final class PlanService {
  private final Workspace ws;

  public PlanService(Workspace ws) {
    this.ws = ws;
  }

  /**
   * @param at the instant to plan for (null: now, from the workspace's clock)
   * @param fallbackRepository where assets go that the policy gives no repository (the CLI's --repo); may be null
   */
  public record Request(Policy policy, Instant at, String fallbackRepository, Map<String, String> env) {
    public Request {
      env = env == null ? Map.of() : Map.copyOf(env);
    }
  }

  public Planner.Plan run(Request req, Listener listener) throws IOException {
    Instant at = req.at() != null ? req.at() : ws.clock().instant();
    Planner.Plan plan = Planner.plan(req.policy(), history(req.policy(), req.fallbackRepository(), req.env(), listener), at,
        req.fallbackRepository());
    return plan.withRetention(retention(req, plan, listener));
  }

  /** What each target's retention would forget now: a dry run of it, per repository. */
  private List<Planner.RetentionDue> retention(Request req, Planner.Plan plan, Listener listener) {
    Policy p = req.policy();
    Workspace w = PolicyService.within(ws, p, req.env());
    List<Planner.RetentionDue> out = new java.util.ArrayList<>();
    Map<String, List<Planner.Target>> byRepo = new LinkedHashMap<>();
    for (Planner.Target t : plan.targets()) {
      if (t.capturedWith() == null && t.repository() != null) byRepo.computeIfAbsent(t.repository(), k -> new java.util.ArrayList<>()).add(t);
    }
    for (var e : byRepo.entrySet()) {
      try (Repository repo = w.open(location(p, e.getKey()), Workspace.Use.PLAIN)) {
        for (Planner.Target t : e.getValue()) {
          var rules = t.kind().equals("group") ? p.effectiveGroup(t.name()).retention().value() : p.effective(t.name()).retention().value();
          Retire.Result r = t.kind().equals("group")
              ? Retire.group(repo, t.name(), rules, java.time.ZoneId.systemDefault(), ws.clock(), true)
              : Retire.asset(repo, t.name(), rules, java.time.ZoneId.systemDefault(), ws.clock(), true);
          out.add(new Planner.RetentionDue(t.name(), rules.toString(), r.kept(), (int) r.forgotten().stream()
              .filter(x -> !x.startsWith("group point ")).count()));
        }
      } catch (IOException | RuntimeException ex) {
        // the history read already warned about a repository it could not open
      }
    }
    return out;
  }

  /** The repositories the policy's copy rules name (of assets and of groups). */
  static java.util.Set<String> copyTargets(Policy p) {
    java.util.Set<String> out = new java.util.LinkedHashSet<>();
    for (Asset a : p.assets().values()) for (var r : p.effective(a.name()).copies().value()) out.add(r.to());
    for (var g : p.groups().values()) for (var r : p.effectiveGroup(g.name()).copies().value()) out.add(r.to());
    for (var c : p.classes().values()) for (var t : c.tiering()) out.add(t.to()); // what landed in an archive counts as moved
    return out;
  }

  /** The repositories the policy's assets use, by the name the planner files them under, with their locations. */
  static Map<String, String> repositories(Policy p, String fallback) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Asset a : p.assets().values()) {
      var entry = p.repositoryOf(a);
      if (entry.isPresent()) out.put(entry.get().name(), entry.get().location());
      else if (fallback != null) out.put(fallback, fallback);
    }
    return out;
  }

  /** The history of every repository the policy uses; one that cannot be read is a warning and an empty history. */
  History history(Policy p, String fallback, Map<String, String> env, Listener listener) throws IOException {
    History h = History.empty();
    Workspace w = PolicyService.within(ws, p, env);
    Map<String, String> held = repositories(p, fallback);
    for (var e : held.entrySet()) {
      try (Repository repo = w.open(e.getValue(), Workspace.Use.PLAIN)) {
        h.add(e.getKey(), repo);
      } catch (IOException | RuntimeException ex) {
        listener.warning("repository " + e.getKey() + " not read (" + Failures.describe(ex) + "): it is planned as if empty", null);
      }
    }
    for (String to : copyTargets(p)) {
      if (held.containsKey(to)) continue;
      try (Repository repo = w.open(location(p, to), Workspace.Use.PLAIN)) {
        h.copies().add(to, repo); // what landed there; its points are the primary's, not new ones
      } catch (IOException | RuntimeException ex) {
        listener.warning("copy destination " + to + " not read (" + Failures.describe(ex) + "): every copy to it is planned as owed", null);
      }
    }
    return h;
  }

  /** The location of a repository the planner names. */
  static String location(Policy p, String name) {
    RepositoryEntry e = p.repositories().get(name);
    return e != null ? e.location() : name;
  }
}
