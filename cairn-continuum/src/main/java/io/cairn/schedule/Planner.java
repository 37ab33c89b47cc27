package io.cairn.schedule;

import io.cairn.engine.snapshot.Consistency;
import io.cairn.policy.Asset;
import io.cairn.policy.Cadence;
import io.cairn.policy.Group;
import io.cairn.policy.Policy;
import io.cairn.policy.RepositoryEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What is due, and what is in breach, at a given instant: pure logic over the policy and the
 * history, so it is tested against any clock. A capture is due when the newest point would be older
 * than the RPO by the time a capture as long as the last one ends (at once when there is none); an
 * asset in a consistency group is captured with its group. Verification and prune are due per
 * repository, on the shortest cadence of the assets whose points it holds.
 */
public final class Planner {
  private Planner() {}

  /**
   * One asset or group: its newest point, its age against its RPO, when its next capture is due.
   *
   * @param capturedWith the group an asset is captured with ({@code run --due} captures the group), else null
   * @param breach the newest point is older than the RPO (or there is none)
   */
  public record Target(String name, String kind, String className, Duration rpo, Instant newest, Consistency consistency,
      Duration age, Instant dueAt, boolean due, boolean breach, String capturedWith, String repository, String reason) {}

  /** A repository's verification and prune schedule. */
  public record Repo(String name, Cadence verify, Instant lastVerified, Instant verifyDueAt, boolean verifyDue, Cadence prune,
      Instant lastPruned, Instant pruneDueAt, boolean pruneDue) {}

  /**
   * A drill the policy asks for: each group, and each asset outside groups (a group's drill restores
   * its members), every {@code cadence}; {@code run --due} drills a random point, weighted towards
   * points never drilled.
   */
  public record DrillDue(String target, String kind, Cadence cadence, Instant last, Instant dueAt, boolean due) {}

  /**
   * What retention would do now to a target captured on its own (an asset outside groups, or a
   * group): {@code run --due} applies it after the target's next capture.
   */
  public record RetentionDue(String target, String rules, int kept, int wouldForget) {}

  /**
   * @param retention what each target's retention would forget now (filled by whoever can read the repositories)
   * @param warnings objectives the history shows cannot be met (a capture that takes longer than the RPO)
   */
  public record Plan(Instant at, List<Target> targets, List<Repo> repositories, List<RetentionDue> retention, List<DrillDue> drills,
      List<Copies.Owed> copies, List<Tiers.Move> tiering, List<String> warnings) {
    public Plan withRetention(List<RetentionDue> r) {
      return new Plan(at, targets, repositories, List.copyOf(r), drills, copies, tiering, warnings);
    }

    /** The copies that are overdue: their point is older than the rule's {@code within}. */
    public List<Copies.Owed> overdueCopies() {
      return copies.stream().filter(Copies.Owed::overdue).toList();
    }

    public List<DrillDue> dueDrills() {
      return drills.stream().filter(DrillDue::due).toList();
    }

    public List<Target> dueCaptures() {
      return targets.stream().filter(t -> t.due() && t.capturedWith() == null).toList();
    }

    public List<Target> breaches() {
      return targets.stream().filter(Target::breach).toList();
    }
  }

  /** The name the planner files a repository under: its policy name, else the fallback location. */
  public static String repositoryName(Policy p, Asset a, String fallback) {
    return p.repositoryOf(a).map(RepositoryEntry::name).orElse(fallback);
  }

  public static Plan plan(Policy p, History h, Instant now, String fallbackRepository) {
    List<Target> targets = new ArrayList<>();
    for (Group g : p.groups().values()) {
      Policy.Effective e = p.effectiveGroup(g.name());
      History.Point newest = h.groups().get(g.name());
      targets.add(target(g.name(), "group", e, newest, now, null, repositoryName(p, p.asset(g.assets().get(0)), fallbackRepository)));
    }
    for (Asset a : p.assets().values()) {
      Policy.Effective e = p.effective(a.name());
      List<Group> groups = p.groupsOf(a.name());
      targets.add(target(a.name(), "asset", e, h.assets().get(a.name()), now, groups.isEmpty() ? null : groups.get(0).name(),
          repositoryName(p, a, fallbackRepository)));
    }
    Map<String, Cadence> verify = new LinkedHashMap<>();
    Map<String, Cadence> prune = new LinkedHashMap<>();
    for (Asset a : p.assets().values()) {
      String repo = repositoryName(p, a, fallbackRepository);
      if (repo == null) continue;
      Policy.Effective e = p.effective(a.name());
      verify.merge(repo, e.verify().value(), Planner::shorter);
      prune.merge(repo, e.prune().value(), Planner::shorter);
    }
    for (Group g : p.groups().values()) { // a group's own class may ask for more than its members'
      String repo = repositoryName(p, p.asset(g.assets().get(0)), fallbackRepository);
      if (repo == null) continue;
      Policy.Effective e = p.effectiveGroup(g.name());
      verify.merge(repo, e.verify().value(), Planner::shorter);
      prune.merge(repo, e.prune().value(), Planner::shorter);
    }
    List<Repo> repos = new ArrayList<>();
    for (String name : verify.keySet()) {
      History.Repo r = h.repositories().getOrDefault(name, new History.Repo(null, null));
      Cadence v = verify.get(name);
      Cadence pr = prune.get(name);
      Instant vDue = dueAt(v, r.lastVerified(), now);
      Instant pDue = dueAt(pr, r.lastPruned(), now);
      repos.add(new Repo(name, v, r.lastVerified(), vDue, vDue != null && !vDue.isAfter(now), pr, r.lastPruned(), pDue,
          pDue != null && !pDue.isAfter(now)));
    }
    List<String> warnings = new ArrayList<>();
    for (Group g : p.groups().values()) took(warnings, "group " + g.name(), p.effectiveGroup(g.name()).rpo().value(), h.groups().get(g.name()));
    for (Asset a : p.assets().values()) if (p.groupsOf(a.name()).isEmpty()) took(warnings, "asset " + a.name(), p.effective(a.name()).rpo().value(), h.assets().get(a.name()));
    List<DrillDue> drills = new ArrayList<>();
    for (Group g : p.groups().values()) drills.add(drill(g.name(), "group", p.effectiveGroup(g.name()).drill().value(), h, now));
    for (Asset a : p.assets().values()) {
      if (p.groupsOf(a.name()).isEmpty()) drills.add(drill(a.name(), "asset", p.effective(a.name()).drill().value(), h, now));
    }
    drills.removeIf(d -> d.cadence().never());
    for (Copies.Owed o : Copies.owed(p, h.copies(), now, fallbackRepository)) {
      if (o.overdue()) {
        warnings.add(o.kind() + " " + o.subject() + ": point " + o.point().substring(0, 8) + " of " + o.time() + " is not copied to " + o.to()
            + ", " + human(Copies.late(o, now)) + " past the copy rule's deadline");
        break; // one line says it; plan lists them all
      }
    }
    return new Plan(now, targets, repos, List.of(), drills, Copies.owed(p, h.copies(), now, fallbackRepository),
        Tiers.due(p, h.copies(), now, fallbackRepository), warnings);
  }

  private static DrillDue drill(String name, String kind, Cadence c, History h, Instant now) {
    Instant last = h.drills().get(name);
    Instant due = dueAt(c, last, now);
    // nothing to drill before the first point
    boolean has = kind.equals("group") ? h.groups().containsKey(name) : h.assets().containsKey(name);
    return new DrillDue(name, kind, c, last, due, has && due != null && !due.isAfter(now));
  }

  private static void took(List<String> warnings, String what, Duration rpo, History.Point newest) {
    if (newest != null && newest.took().compareTo(rpo) > 0) {
      warnings.add(what + ": its last capture took " + human(newest.took()) + ", longer than its RPO of " + human(rpo)
          + ", so the RPO cannot be met; make the capture faster or the RPO longer");
    }
  }

  private static Instant dueAt(Cadence c, Instant last, Instant now) {
    if (c.never()) return null;
    return last == null ? now : last.plus(c.interval());
  }

  private static Cadence shorter(Cadence a, Cadence b) {
    if (a.never()) return b;
    if (b.never()) return a;
    return a.interval().compareTo(b.interval()) <= 0 ? a : b;
  }

  private static Target target(String name, String kind, Policy.Effective e, History.Point newest, Instant now, String capturedWith,
      String repository) {
    Duration rpo = e.rpo().value();
    if (newest == null) {
      return new Target(name, kind, e.className(), rpo, null, null, null, now, true, true, capturedWith, repository, "no point yet");
    }
    Duration age = Duration.between(newest.time(), now);
    if (age.isNegative()) age = Duration.ZERO;
    // start early enough that the new point exists before the newest one is older than the RPO
    Duration lead = newest.took().compareTo(rpo) < 0 ? newest.took() : Duration.ZERO;
    Instant dueAt = newest.time().plus(rpo).minus(lead);
    boolean breach = age.compareTo(rpo) > 0;
    String reason = breach ? "newest point is " + human(age) + " old, over the RPO of " + human(rpo) + " by " + human(age.minus(rpo))
        : "newest point is " + human(age) + " old (RPO " + human(rpo) + ")";
    return new Target(name, kind, e.className(), rpo, newest.time(), newest.consistency(), age, dueAt, !dueAt.isAfter(now), breach,
        capturedWith, repository, reason);
  }

  static String human(Duration d) {
    return io.cairn.policy.Durations.format(Duration.ofSeconds(d.toSeconds()));
  }
}
