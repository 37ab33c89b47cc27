package io.cairn.recovery;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.Progress;
import io.cairn.engine.evidence.RecoveryRecord;
import io.cairn.engine.fs.Processes;
import io.cairn.engine.repo.RecordStore;
import io.cairn.engine.repo.FallbackSource;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.GroupPoint;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.policy.Asset;
import io.cairn.policy.Check;
import io.cairn.policy.Group;
import io.cairn.policy.Hook;
import io.cairn.policy.Policy;
import io.cairn.policy.Source;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Recovers an asset or a consistency group: chooses the point(s) ({@link #plan}), then runs the plan
 * ({@link #run}) — provision every member's place at once, hydrate and reconcile each member when the
 * members it comes after are done (independent members in parallel), validate with the asset's and
 * the group's checks, cut over (a production target, when asked), tear the sandbox down — timing
 * every phase on the injected clock, and records it all as evidence in the repository the points came
 * from, whatever the outcome.
 */
public final class Recoverer {
  /** Assumed when no earlier recovery has measured one. */
  static final long DEFAULT_THROUGHPUT = 100L << 20;

  private final Policy policy;
  private final InstantSource clock;
  private final Map<String, String> env;
  private final int workers;
  private final String host;
  private final Sandboxes sandboxes;
  private final Random random;

  public Recoverer(Policy policy, InstantSource clock, Map<String, String> env, int workers, String host, Sandboxes sandboxes, Random random) {
    this.policy = policy;
    this.clock = clock;
    this.env = Map.copyOf(env);
    this.workers = Math.max(1, workers);
    this.host = host;
    this.sandboxes = sandboxes;
    this.random = random;
  }

  /**
   * How a plan runs.
   *
   * @param targets with {@code sandbox} false: each member's production target ({@code --to}), by asset
   * @param port a sandbox server's port (null: a free one)
   * @param kind {@code recover} or {@code drill}
   */
  public record Options(String kind, boolean sandbox, Map<String, String> targets, boolean replace, boolean keep, boolean cutover, Integer port,
      Duration toolTimeout) {
    public Options {
      targets = targets == null ? Map.of() : Map.copyOf(targets);
      if (toolTimeout == null) toolTimeout = Duration.ofHours(6);
      if (!sandbox && keep) throw new CairnException(ErrorCode.USAGE, "--keep keeps a sandbox; it needs --sandbox");
      if (sandbox && cutover) throw new CairnException(ErrorCode.USAGE, "--cutover needs --to: a sandbox is never cut over to");
      if ("drill".equals(kind) && !sandbox) throw new CairnException(ErrorCode.USAGE, "a drill never touches a production target: it recovers into a sandbox");
    }
  }

  /** Who hears of each phase and check as it ends. */
  public interface Events {
    default void phase(RecoveryRecord.Phase p) {}

    default void check(RecoveryRecord.CheckRun c) {}

    default void started(Progress progress) {}
  }

  /**
   * How a recovery ended: its evidence (also written to the repository, as {@code evidenceId}), the
   * places it restored to (a kept sandbox's, to connect to), and, when it failed, the error code.
   */
  public record Result(RecoveryPlan plan, RecoveryRecord record, String evidenceId, List<Place> places, Sandboxes.Entry kept, ErrorCode code,
      String evidenceError) {
    public boolean passed() {
      return record.passed();
    }
  }

  // ---------------------------------------------------------------- planning

  /** A chosen point: the group point (or null) and each member's snapshot with the members it comes after. */
  private record Chosen(String groupPoint, Instant time, Map<String, Snapshot> members, Map<String, List<String>> after, List<String> notes) {}

  /** Decides what a recovery of {@code subject} from {@code repo} would do, touching nothing. */
  public RecoveryPlan plan(String subject, Repository repo, String repoName, Selection sel, Options o) throws IOException {
    boolean group = policy.groups().containsKey(subject);
    if (!group) policy.asset(subject); // names the assets and groups when unknown
    List<RecoveryRecord> history = evidence(repo);
    Chosen c = group ? chooseGroup(subject, repo, sel, history) : chooseAsset(subject, repo, sel, history);
    List<List<String>> levels = levels(c.after());
    long[] thr = throughput(history);
    List<RecoveryPlan.Step> steps = new ArrayList<>();
    Map<String, Long> est = new HashMap<>();
    for (List<String> level : levels) {
      for (String a : level) {
        Snapshot s = c.members().get(a);
        Member m = memberWith(a, s, new Hydration(null, s, workers, new AtomicLong(), new Progress()), o, null, null);
        long bytes = s.stats() == null ? 0 : s.stats().bytesTotal();
        long files = s.stats() == null ? 0 : s.stats().files();
        long e = provisionEstimate(m.type(), history) + bytes * 1000 / Math.max(1, thr[0]);
        est.put(a, e);
        String reads = "point " + s.id().shortHex() + " of " + repoName + " (" + files + " file" + (files == 1 ? "" : "s") + ", " + bytes + " bytes)";
        steps.add(new RecoveryPlan.Step(a, m.type(), s.id().toString(), s.time(), s.consistency() == null ? null : s.consistency().label(),
            c.after().getOrDefault(a, List.of()), files, bytes, reads, m.writes(), e));
      }
    }
    long total = 0;
    for (List<String> level : levels) total += level.stream().mapToLong(est::get).max().orElse(0);
    String target = o.sandbox() ? "sandbox" : String.join(", ", o.targets().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    return new RecoveryPlan(subject, group ? "group" : "asset", repoName, sel.describe(), c.groupPoint(), c.time(), steps, levels, target, total,
        thr[0], thr[1] == 0 ? "assumed: no earlier recovery or drill measured one" : "measured by the last " + thr[1] + " recoveries and drills",
        c.notes());
  }

  private List<RecoveryRecord> evidence(Repository repo) throws IOException {
    return repo.records(RecoveryRecord.RECORDS).list(RecordStore.SKIP).stream().map(RecordStore.Stored::value)
        .sorted(Comparator.comparing(RecoveryRecord::started)).toList();
  }

  /** Bytes per second hydrated by the newest passed recoveries (up to 10), and how many there were. */
  static long[] throughput(List<RecoveryRecord> history) {
    long bytes = 0;
    long millis = 0;
    int n = 0;
    for (int i = history.size() - 1; i >= 0 && n < 10; i--) {
      RecoveryRecord r = history.get(i);
      if (!r.passed() || r.bytes() <= 0) continue;
      Instant start = null;
      Instant end = null;
      for (RecoveryRecord.Phase p : r.phases()) {
        if (!p.name().equals("hydrate") && !p.name().equals("reconcile")) continue;
        if (start == null || p.start().isBefore(start)) start = p.start();
        if (end == null || p.end().isAfter(end)) end = p.end();
      }
      if (start == null) continue;
      bytes += r.bytes();
      millis += Math.max(1, Duration.between(start, end).toMillis());
      n++;
    }
    if (n == 0) return new long[] {DEFAULT_THROUGHPUT, 0};
    return new long[] {Math.max(1, bytes * 1000 / millis), n};
  }

  private static long provisionEstimate(String type, List<RecoveryRecord> history) {
    long last = -1;
    for (RecoveryRecord r : history) {
      for (RecoveryRecord.Phase p : r.phases()) {
        if (p.name().equals("provision") && p.ok() && p.detail() != null && p.detail().startsWith(type)) last = p.millis();
      }
    }
    if (last >= 0) return last;
    return switch (type) {
      case "postgres" -> 3000;
      case "mariadb", "mysql" -> 5000;
      default -> 0;
    };
  }

  private Chosen chooseAsset(String asset, Repository repo, Selection sel, List<RecoveryRecord> history) throws IOException {
    List<Snapshot> all = repo.snapshots().stream().filter(s -> asset.equals(s.asset())).sorted(Comparator.comparing(Snapshot::time)).toList();
    if (all.isEmpty()) throw new CairnException(ErrorCode.NOT_FOUND, "asset " + asset + " has no points in its repository; capture it first ('cairn capture " + asset + "')");
    List<Snapshot> cands = all;
    if (sel.asOf() != null) {
      cands = all.stream().filter(s -> !s.time().isAfter(sel.asOf())).toList();
      if (cands.isEmpty()) {
        throw new CairnException(ErrorCode.NOT_FOUND, "asset " + asset + " has no point at or before " + sel.asOf() + "; the oldest is "
            + all.get(0).id().shortHex() + " at " + all.get(0).time());
      }
    } else if (sel.tag() != null) {
      cands = all.stream().filter(s -> s.tags().contains(sel.tag())).toList();
      if (cands.isEmpty()) {
        Set<String> tags = new java.util.TreeSet<>();
        all.forEach(s -> tags.addAll(s.tags()));
        throw new CairnException(ErrorCode.NOT_FOUND, "no point of asset " + asset + " is tagged " + sel.tag() + " (tags in use: "
            + (tags.isEmpty() ? "none" : String.join(", ", tags)) + ")");
      }
    } else if (sel.point() != null) {
      cands = all.stream().filter(s -> s.id().toString().startsWith(sel.point())).toList();
      if (cands.isEmpty()) {
        throw new CairnException(ErrorCode.NOT_FOUND, "asset " + asset + " has no point " + sel.point() + "; its newest is "
            + all.get(all.size() - 1).id().shortHex() + " at " + all.get(all.size() - 1).time());
      }
      if (cands.size() > 1) throw new CairnException(ErrorCode.USAGE, "point " + sel.point() + " is ambiguous: give more of its id");
    }
    Set<String> drilled = new HashSet<>();
    for (RecoveryRecord r : history) r.points().forEach(p -> drilled.add(p.snapshot()));
    Snapshot s = pick(cands, sel.pick(), x -> drilled.contains(x.id().toString()));
    Map<String, Snapshot> m = new LinkedHashMap<>();
    m.put(asset, s);
    return new Chosen(null, s.time(), m, Map.of(asset, List.of()), List.of());
  }

  private <T> T pick(List<T> oldestFirst, Selection.Pick pick, java.util.function.Predicate<T> drilled) {
    return switch (pick) {
      case LATEST -> oldestFirst.get(oldestFirst.size() - 1);
      case OLDEST -> oldestFirst.get(0);
      case RANDOM -> {
        int total = 0;
        int[] w = new int[oldestFirst.size()];
        for (int i = 0; i < w.length; i++) total += w[i] = drilled.test(oldestFirst.get(i)) ? 1 : 4;
        int r = random.nextInt(total);
        int i = 0;
        while (r >= w[i]) r -= w[i++];
        yield oldestFirst.get(i);
      }
    };
  }

  private Chosen chooseGroup(String group, Repository repo, Selection sel, List<RecoveryRecord> history) throws IOException {
    List<RecordStore.Stored<GroupPoint>> all = repo.records(GroupPoint.RECORDS).list(RecordStore.SKIP).stream()
        .filter(g -> group.equals(g.value().group())).sorted(Comparator.comparing(g -> g.value().time())).toList();
    if (all.isEmpty()) throw new CairnException(ErrorCode.NOT_FOUND, "group " + group + " has no group points; capture it first ('cairn capture " + group + "')");
    List<RecordStore.Stored<GroupPoint>> cands = all;
    if (sel.asOf() != null) {
      cands = all.stream().filter(g -> !g.value().time().isAfter(sel.asOf())).toList();
      if (cands.isEmpty()) {
        throw new CairnException(ErrorCode.NOT_FOUND, "group " + group + " has no point at or before " + sel.asOf() + "; the oldest is "
            + all.get(0).name().substring(0, 8) + " at " + all.get(0).value().time());
      }
    } else if (sel.tag() != null) {
      cands = all.stream().filter(g -> g.value().tags().contains(sel.tag())).toList();
      if (cands.isEmpty()) throw new CairnException(ErrorCode.NOT_FOUND, "no group point of " + group + " is tagged " + sel.tag());
    } else if (sel.point() != null) {
      cands = all.stream().filter(g -> g.name().startsWith(sel.point())).toList();
      if (cands.isEmpty()) throw new CairnException(ErrorCode.NOT_FOUND, "group " + group + " has no group point " + sel.point());
    }
    List<String> notes = new ArrayList<>();
    List<RecordStore.Stored<GroupPoint>> complete = cands.stream().filter(g -> g.value().complete()).toList();
    RecordStore.Stored<GroupPoint> newest = cands.get(cands.size() - 1);
    if (complete.isEmpty()) {
      RecordStore.Stored<GroupPoint> anyComplete = all.stream().filter(g -> g.value().complete()).reduce((a, b) -> b).orElse(null);
      throw new CairnException(ErrorCode.NOT_FOUND, "group point " + newest.name().substring(0, 8) + " of " + group + " is incomplete ("
          + newest.value().reason() + ") and is never offered as consistent; " + (anyComplete == null ? "the group has no complete point"
          : "the newest complete one is " + anyComplete.name().substring(0, 8) + " at " + anyComplete.value().time()));
    }
    if (!newest.value().complete() && sel.pick() == Selection.Pick.LATEST) {
      RecordStore.Stored<GroupPoint> c = complete.get(complete.size() - 1);
      notes.add("the newest group point " + newest.name().substring(0, 8) + " (" + newest.value().time() + ") is incomplete ("
          + newest.value().reason() + "); using the newest complete one, " + c.name().substring(0, 8) + " at " + c.value().time());
    }
    Set<String> drilled = new HashSet<>();
    for (RecoveryRecord r : history) if (r.groupPoint() != null) drilled.add(r.groupPoint());
    RecordStore.Stored<GroupPoint> g = pick(complete, sel.pick(), x -> drilled.contains(x.name()));
    Map<String, Snapshot> members = new LinkedHashMap<>();
    Map<String, List<String>> after = new LinkedHashMap<>();
    for (GroupPoint.Member m : g.value().members()) {
      members.put(m.asset(), repo.resolve(m.snapshot()));
      after.put(m.asset(), m.after());
    }
    return new Chosen(g.name(), g.value().time(), members, after, notes);
  }

  /** The members by restore order: each level holds the members whose predecessors are all in earlier levels. */
  static List<List<String>> levels(Map<String, List<String>> after) {
    List<List<String>> out = new ArrayList<>();
    Set<String> placed = new HashSet<>();
    while (placed.size() < after.size()) {
      List<String> level = new ArrayList<>();
      for (var e : after.entrySet()) {
        if (placed.contains(e.getKey())) continue;
        if (e.getValue().stream().allMatch(a -> placed.contains(a) || !after.containsKey(a))) level.add(e.getKey());
      }
      if (level.isEmpty()) throw new CairnException(ErrorCode.CONFIG, "the restore order has a cycle among " + after.keySet());
      placed.addAll(level);
      out.add(level);
    }
    return out;
  }

  /** The evidence of a recovery or drill that could not start because no point fits the request. */
  public RecoveryRecord refused(String subject, Options o, String reason) {
    Instant t = clock.instant();
    return new RecoveryRecord(RecoveryRecord.VERSION, java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 16), o.kind(), subject,
        policy.groups().containsKey(subject) ? "group" : "asset", null, List.of(), o.sandbox() ? "sandbox" : "target", o.sandbox(), host, t, t,
        RecoveryRecord.FAILED, reason, List.of(), List.of(), 0);
  }

  // ---------------------------------------------------------------- running

  /** Runs a plan made by {@link #plan} against the same repository; the evidence is written to it whatever the outcome. */
  public Result run(RecoveryPlan plan, Repository repo, Options o, Events events) throws IOException {
    try (FallbackSource only = new FallbackSource(repo, plan.repository(), List.of())) {
      return run(plan, repo, only, o, events);
    }
  }

  /**
   * Runs a plan, reading blobs through {@code source}: {@code repo} first, and other copies of the
   * points where it fails a blob; the evidence (written to {@code repo}) says which copy served what.
   */
  public Result run(RecoveryPlan plan, Repository repo, FallbackSource source, Options o, Events events) throws IOException {
    String run = java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    Instant started = clock.instant();
    Phases phases = new Phases(clock, events::phase);
    List<RecoveryRecord.CheckRun> checks = new ArrayList<>();
    Map<String, Place> places = new LinkedHashMap<>();
    Map<String, Member> members = new LinkedHashMap<>();
    AtomicLong bytes = new AtomicLong();
    Progress progress = new Progress();
    events.started(progress);
    SandboxHandle handle = null;
    ErrorCode code = null;
    String reason = null;
    Sandboxes.Entry kept = null;
    Thread onExit = null;
    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    try {
      if (!o.sandbox()) {
        for (RecoveryPlan.Step s : plan.steps()) {
          if (!o.targets().containsKey(s.asset())) {
            throw new CairnException(ErrorCode.USAGE, "no target for member " + s.asset() + ": pass --to " + (plan.steps().size() == 1
                ? "TARGET" : s.asset() + "=TARGET") + ", or --sandbox");
          }
        }
      }
      Path box = null;
      if (o.sandbox()) {
        handle = new SandboxHandle(sandboxes, sandboxes.create(run, plan.subject(), run, started));
        box = sandboxes.folder(run);
        SandboxHandle h = handle;
        onExit = Thread.ofPlatform().name("cairn-sandbox-teardown").unstarted(() -> {
          try {
            if (!h.entry().kept()) sandboxes.remove(h.entry());
          } catch (IOException | RuntimeException ignored) {
            // the next run's sweep removes it
          }
        });
        Runtime.getRuntime().addShutdownHook(onExit);
      }
      Member.Context ctx = new Member.Context(run, o.sandbox(), o.replace(), o.port(), workers, env, o.toolTimeout(), sandboxes, handle);
      for (RecoveryPlan.Step s : plan.steps()) {
        Snapshot snap = repo.resolve(s.snapshot());
        Hydration hy = new Hydration(source, snap, workers, bytes, progress);
        Member m = memberWith(s.asset(), snap, hy, o, box == null ? null : box.resolve(s.asset()), ctx);
        members.put(s.asset(), m);
      }
      // provisioning overlaps hydration: every member's place is made at once
      Map<String, CompletableFuture<Place>> provisioned = new LinkedHashMap<>();
      for (Member m : members.values()) {
        provisioned.put(m.asset, CompletableFuture.supplyAsync(() -> {
          Phases.Timed t = phases.start("provision", m.asset);
          try {
            Place p = m.provision();
            synchronized (places) {
              places.put(m.asset, p);
            }
            t.ok(m.type() + (p.port() != null ? " on " + p.host() + ":" + p.port() : p.folder() != null ? " in " + p.folder() : ""));
            return p;
          } catch (IOException e) {
            t.failed(e.getMessage());
            throw new CompletionException(e);
          } catch (RuntimeException e) {
            t.failed(e.getMessage());
            throw e;
          }
        }, pool));
      }
      Map<String, CompletableFuture<Void>> done = new LinkedHashMap<>();
      for (List<String> level : plan.levels()) {
        for (String a : level) {
          Member m = members.get(a);
          List<CompletableFuture<Void>> deps = plan.steps().stream().filter(s -> s.asset().equals(a)).findFirst().orElseThrow().after().stream()
              .map(done::get).filter(java.util.Objects::nonNull).toList();
          CompletableFuture<Void> before = CompletableFuture.allOf(deps.toArray(CompletableFuture[]::new));
          done.put(a, before.thenRunAsync(() -> {
            try {
              m.recover(() -> waitFor(provisioned.get(a)), phases);
            } catch (IOException e) {
              throw new CompletionException(e);
            }
          }, pool));
        }
      }
      Throwable failure = null;
      String failedAsset = null;
      for (var e : done.entrySet()) {
        try {
          e.getValue().get();
        } catch (ExecutionException ex) {
          Throwable cause = unwrap(ex);
          if (failure == null) { // the first in restore order: a member after it failed because of it
            failure = cause;
            failedAsset = e.getKey();
          }
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("recovery interrupted");
        }
      }
      for (var p : provisioned.values()) {
        try {
          p.get();
        } catch (ExecutionException ex) {
          if (failure == null) failure = unwrap(ex);
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("recovery interrupted");
        }
      }
      if (failure != null) {
        code = failure instanceof CairnException ce ? ce.code() : failure instanceof InterruptedIOException ? ErrorCode.INTERRUPTED : ErrorCode.IO;
        reason = (failedAsset != null && !(failure.getMessage() + "").contains(failedAsset) ? failedAsset + ": " : "") + failure.getMessage();
      } else {
        String failedCheck = validate(plan, places, phases, checks, events);
        if (failedCheck != null) {
          code = ErrorCode.CHECK_FAILED;
          reason = failedCheck;
        }
        if (code == null && !o.sandbox() && o.cutover()) {
          String err = cutover(plan, phases, places);
          if (err != null) {
            code = ErrorCode.HOOK_FAILED;
            reason = err;
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      code = e instanceof CairnException ce ? ce.code() : e instanceof InterruptedIOException ? ErrorCode.INTERRUPTED : ErrorCode.IO;
      reason = e.getMessage();
    } finally {
      pool.shutdownNow();
      if (handle != null) {
        if (o.keep() && code == null) {
          for (Member m : members.values()) m.detach();
          handle.keep();
          kept = handle.entry();
        } else {
          Phases.Timed t = phases.start("teardown", null);
          for (Member m : members.values()) m.teardown();
          try {
            sandboxes.remove(handle.entry());
            t.ok("every process stopped, " + sandboxes.folder(handle.entry().id()) + " removed");
          } catch (IOException | RuntimeException e) {
            t.failed(e.getMessage());
            if (code == null) {
              code = ErrorCode.IO;
              reason = "teardown: " + e.getMessage();
            }
          }
        }
      } else {
        for (Member m : members.values()) m.teardown();
      }
      if (onExit != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException exiting) {
          // the hook removes the sandbox
        }
      }
    }
    List<RecoveryRecord.PointUsed> used = plan.steps().stream()
        .map(s -> new RecoveryRecord.PointUsed(s.asset(), s.snapshot(), s.time(), plan.repository())).toList();
    String target = o.sandbox() ? "sandbox" : plan.target();
    RecoveryRecord rec = new RecoveryRecord(RecoveryRecord.VERSION, run, o.kind(), plan.subject(), plan.kind(), plan.groupPoint(), used, target,
        o.sandbox(), host, started, clock.instant(), code == null ? RecoveryRecord.PASSED : RecoveryRecord.FAILED, reason, phases.all(), checks,
        bytes.get(), source.served().size() > 1 ? source.served() : null, source.fallbacks());
    String id = null;
    String evidenceError = null;
    try {
      id = repo.records(RecoveryRecord.RECORDS).putContentAddressed(rec).toString();
    } catch (IOException | RuntimeException e) {
      evidenceError = e.getMessage();
    }
    return new Result(plan, rec, id, List.copyOf(places.values()), kept, code, evidenceError);
  }

  /** Runs the members' and the group's checks; the first failure's description (and how many more), or null when all passed. */
  private String validate(RecoveryPlan plan, Map<String, Place> places, Phases phases, List<RecoveryRecord.CheckRun> checks, Events events) {
    Phases.Timed v = phases.start("validate", null);
    CheckRunner runner = new CheckRunner(clock, env, places);
    List<String> failed = new ArrayList<>();
    for (RecoveryPlan.Step s : plan.steps()) {
      Asset a = policy.assets().get(s.asset());
      if (a == null) continue;
      for (Check c : a.checks()) {
        RecoveryRecord.CheckRun r = runner.run(s.asset(), c, places.get(s.asset()));
        checks.add(r);
        events.check(r);
        if (!r.ok()) failed.add(r.kind() + " check " + r.name() + " of " + s.asset() + ": " + r.output());
      }
    }
    Group g = policy.groups().get(plan.subject());
    if (g != null) {
      Place only = places.size() == 1 ? places.values().iterator().next() : null;
      for (Check c : g.checks()) {
        RecoveryRecord.CheckRun r = runner.run(g.name(), c, only);
        checks.add(r);
        events.check(r);
        if (!r.ok()) failed.add(r.kind() + " check " + r.name() + " of group " + g.name() + ": " + r.output());
      }
    }
    if (failed.isEmpty()) {
      v.ok(checks.size() + " check" + (checks.size() == 1 ? "" : "s") + " passed");
      return null;
    }
    v.failed(failed.size() + " of " + checks.size() + " checks failed");
    return failed.get(0) + (failed.size() > 1 ? " (and " + (failed.size() - 1) + " more)" : "");
  }

  private Member memberWith(String asset, Snapshot s, Hydration h, Options o, Path folder, Member.Context ctx) {
    Asset a = policy.assets().get(asset);
    Source src = a == null ? null : a.source();
    String type = s.source() != null && s.source().get("type") != null ? s.source().get("type") : src == null ? "files" : src.type();
    String target = o.sandbox() ? null : o.targets().get(asset);
    if (!o.sandbox() && src == null && !type.equals("files") && !type.equals("sqlite")) {
      throw new CairnException(ErrorCode.CONFIG, "asset " + asset + " is not in the policy: its connection settings are needed to recover to " + target);
    }
    return switch (type) {
      case "postgres" -> new PostgresMember(asset, src, h, ctx, folder, target);
      case "mariadb", "mysql" -> new MariadbMember(asset, src, h, ctx, folder, target);
      case "sqlite" -> new SqliteMember(asset, src, h, ctx, folder, target);
      case "command" -> new CommandMember(asset, src, h, ctx, folder, target);
      default -> new FilesMember(asset, src, h, ctx, folder, target);
    };
  }

  private static Place waitFor(CompletableFuture<Place> f) throws IOException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      Throwable c = unwrap(e);
      if (c instanceof IOException io) throw io;
      if (c instanceof RuntimeException r) throw r;
      throw new IOException(c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while provisioning");
    }
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) t = t.getCause();
    return t;
  }

  /** Runs the group's and the members' cutover hooks; the first failure's description, or null. */
  private String cutover(RecoveryPlan plan, Phases phases, Map<String, Place> places) {
    List<Hook> hooks = new ArrayList<>();
    for (RecoveryPlan.Step s : plan.steps()) {
      Asset a = policy.assets().get(s.asset());
      if (a != null) hooks.addAll(a.hooks().cutover());
    }
    Group g = policy.groups().get(plan.subject());
    if (g != null) hooks.addAll(g.hooks().cutover());
    if (hooks.isEmpty()) return null;
    Phases.Timed t = phases.start("cutover", null);
    Map<String, String> e = CheckRunner.environment(env,
        new CheckRunner(clock, env, places).variables(places.size() == 1 ? places.values().iterator().next() : null));
    e.put("CAIRN_PHASE", "cutover");
    e.put(g != null ? "CAIRN_GROUP" : "CAIRN_ASSET", plan.subject());
    for (Hook h : hooks) {
      try {
        Processes.Result r = Processes.run(List.of("/bin/sh", "-c", h.run()), e, h.timeout());
        if (r.exitCode() != 0) {
          String err = "cutover hook " + h.name() + " exited with " + r.exitCode() + ": " + Member.tail(r.stderr());
          t.failed(err);
          return err;
        }
      } catch (IOException ex) {
        t.failed(ex.getMessage());
        return "cutover hook " + h.name() + ": " + ex.getMessage();
      }
    }
    t.ok(hooks.size() + " hook" + (hooks.size() == 1 ? "" : "s") + " ran");
    return null;
  }
}
