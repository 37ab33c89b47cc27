package io.cairn.service;

import io.cairn.engine.ErrorCode;
import io.cairn.engine.repo.MaintenanceRecord;
import io.cairn.engine.repo.Repository;
import io.cairn.policy.Policy;
import io.cairn.schedule.Copies;
import io.cairn.schedule.Planner;
import io.cairn.schedule.Retire;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Does everything that is due: captures (groups whole, assets on their own), then each captured
 * target's retention, then the copies the copy rules ask for (the new points included), then prune
 * and verification where their cadence says, then drills. Safe to call from cron
 * every minute: one runner at a time per policy (a file lock; a second runner does nothing and says
 * so), the plan is made after the lock is held (so nothing runs twice), and one target's failure
 * does not stop the others. The daemon to come calls the same service.
 */
public final class RunService {
  private final Workspace ws;

  public RunService(Workspace ws) {
    this.ws = ws;
  }

  /**
   * @param at plan as if it were this instant (null: now)
   * @param lock the file that keeps two runners of this policy apart; null for {@link #defaultLock}
   * @param dryRun plan and say what would run, change nothing
   */
  public record Request(Policy policy, Instant at, String fallbackRepository, Map<String, String> env, String host, Path lock,
      boolean dryRun) {
    public Request {
      env = env == null ? Map.of() : Map.copyOf(env);
      if (lock == null) lock = defaultLock(policy, env);
    }
  }

  /**
   * One lock per policy file, in the user's state folder: {@code $XDG_STATE_HOME/cairn}, else
   * {@code ~/.local/state/cairn}, named by a hash of the policy's absolute path.
   */
  public static Path defaultLock(Policy p, Map<String, String> env) {
    String state = env.get("XDG_STATE_HOME");
    Path base = state != null && !state.isBlank() ? Path.of(state) : Path.of(System.getProperty("user.home"), ".local", "state");
    try {
      byte[] h = java.security.MessageDigest.getInstance("SHA-256")
          .digest(Path.of(p.file()).toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
      return base.resolve("cairn").resolve("run-" + java.util.HexFormat.of().formatHex(h, 0, 8) + ".lock");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** One thing done (or tried): a capture, a retention, a prune or a verification. */
  public record Action(String kind, String target, boolean ok, String detail, ErrorCode code, long durationMillis) {}

  /**
   * @param skipped why nothing was done (another runner holds the lock), else null
   */
  public record Outcome(Instant at, String skipped, List<Action> actions, List<Planner.Target> breaches, int exitCode) {}

  public Outcome run(Request req, Listener listener) throws IOException {
    Files.createDirectories(req.lock().toAbsolutePath().getParent());
    try (FileChannel ch = FileChannel.open(req.lock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = tryLock(ch)) {
      Instant at = req.at() != null ? req.at() : ws.clock().instant();
      if (lock == null) {
        return new Outcome(at, "another 'cairn run --due' of this policy is running (lock " + req.lock() + "); nothing was done", List.of(),
            List.of(), 0);
      }
      ch.truncate(0).write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
      return due(req, at, listener);
    }
  }

  /** The lock, or null when another runner holds it: another process, or another thread of this one (a daemon's). */
  private static FileLock tryLock(FileChannel ch) throws IOException {
    try {
      return ch.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException heldHere) {
      return null;
    }
  }

  private Outcome due(Request req, Instant at, Listener listener) throws IOException {
    Policy p = req.policy();
    Planner.Plan plan = new PlanService(ws).run(new PlanService.Request(p, at, req.fallbackRepository(), req.env()), listener);
    List<Action> actions = new ArrayList<>();
    Workspace w = PolicyService.within(ws, p, req.env());
    for (Planner.Target t : plan.dueCaptures()) {
      if (req.dryRun()) {
        actions.add(new Action("capture", t.name(), true, "would capture (" + t.reason() + ")", null, 0));
        continue;
      }
      long t0 = System.nanoTime();
      CaptureService.Outcome o;
      try {
        o = new CaptureService(ws).run(new CaptureService.Request(p, t.name(), List.of(), req.fallbackRepository(), req.env(), req.host()),
            listener);
      } catch (IOException | RuntimeException e) {
        actions.add(failed("capture", t.name(), e, t0));
        continue;
      }
      String detail = o.ok() ? o.points().stream().map(x -> x.asset() + " " + x.snapshot().substring(0, 8) + " " + x.consistency().label())
          .reduce((a, b) -> a + ", " + b).orElse("") : o.error();
      actions.add(new Action("capture", t.name(), o.ok(), detail, o.code(), millis(t0)));
      if (o.ok() || o.group() != null) actions.add(retention(w, p, t, req, listener));
    }
    boolean captured = actions.stream().anyMatch(a -> a.kind().equals("capture") && a.ok());
    List<Copies.Owed> owed = captured && !req.dryRun()
        ? new PlanService(ws).run(new PlanService.Request(p, at, req.fallbackRepository(), req.env()), Listener.NONE).copies()
        : plan.copies();
    copies(w, p, owed, req, actions, listener);
    List<io.cairn.schedule.Tiers.Move> moves = req.dryRun() ? plan.tiering()
        : new PlanService(ws).run(new PlanService.Request(p, at, req.fallbackRepository(), req.env()), Listener.NONE).tiering();
    tiers(w, p, moves, req, actions, listener);
    locks(w, p, req, at, actions);
    for (Planner.Repo r : plan.repositories()) {
      String location = PlanService.location(p, r.name());
      if (r.pruneDue() && w.appendOnly(location)) {
        actions.add(new Action("prune", r.name(), true, "left to the privileged credentials (append-only here)", null, 0));
      } else if (r.pruneDue()) {
        if (req.dryRun()) {
          actions.add(new Action("prune", r.name(), true, "would prune (last: " + (r.lastPruned() == null ? "never" : r.lastPruned()) + ")", null, 0));
        } else {
          actions.add(prune(w, r.name(), location, listener));
        }
      }
      if (r.verifyDue()) {
        if (req.dryRun()) {
          actions.add(new Action("verify", r.name(), true, "would check --read-data --since-last (last: "
              + (r.lastVerified() == null ? "never" : r.lastVerified()) + ")", null, 0));
          continue;
        }
        long t0 = System.nanoTime();
        try {
          CheckService.Outcome c = new CheckService(w).run(new CheckService.Request(location, 1.0, true), listener);
          actions.add(new Action("verify", r.name(), c.ok(), c.ok() ? "read " + c.packsRead() + " new pack(s); no problem"
              : "problems found: run 'cairn check --read-data' on it", c.ok() ? null : ErrorCode.DATA_DAMAGED, millis(t0)));
        } catch (IOException | RuntimeException e) {
          actions.add(failed("verify", r.name(), e, t0));
        }
      }
    }
    for (Planner.DrillDue d : plan.dueDrills()) {
      if (req.dryRun()) {
        actions.add(new Action("drill", d.target(), true, "would drill a random point (last drill: " + (d.last() == null ? "never" : d.last())
            + ")", null, 0));
        continue;
      }
      long t0 = System.nanoTime();
      try {
        RecoverService.Outcome o = new RecoverService(ws).run(new RecoverService.Request(p, d.target(),
            new io.cairn.recovery.Selection(null, null, null, io.cairn.recovery.Selection.Pick.RANDOM), false,
            new io.cairn.recovery.Recoverer.Options("drill", true, null, false, false, false, null, null), req.fallbackRepository(), req.env(),
            req.host(), null, null), listener);
        actions.add(new Action("drill", d.target(), o.ok(), o.ok() ? "passed: point(s) " + String.join(", ", o.plan().steps().stream()
            .map(x -> x.asset() + " " + x.snapshot().substring(0, 8)).toList()) + " in " + o.evidence().duration().toMillis() + " ms"
            : o.error(), o.code(), millis(t0)));
      } catch (IOException | RuntimeException e) {
        actions.add(failed("drill", d.target(), e, t0));
      }
    }
    boolean allOk = actions.stream().allMatch(Action::ok);
    Planner.Plan after = req.dryRun() ? plan : new PlanService(ws).run(new PlanService.Request(p, at, req.fallbackRepository(), req.env()),
        Listener.NONE);
    return new Outcome(at, null, actions, after.breaches(), allOk ? 0 : ErrorCode.PARTIAL.exitCode());
  }

  /** Copies what the copy rules ask for: one copy per asset (its points) or group (its group points) and destination. */
  private void copies(Workspace w, Policy p, List<Copies.Owed> owed, Request req, List<Action> actions, Listener listener) {
    Map<List<String>, List<Copies.Owed>> jobs = new LinkedHashMap<>();
    for (Copies.Owed o : owed) jobs.computeIfAbsent(List.of(o.kind(), o.subject(), o.from(), o.to()), k -> new ArrayList<>()).add(o);
    for (var job : jobs.entrySet()) {
      Copies.Owed first = job.getValue().get(0);
      String target = first.subject() + " to " + first.to();
      long late = job.getValue().stream().filter(Copies.Owed::overdue).count();
      if (req.dryRun()) {
        actions.add(new Action("copy", target, true, "would copy " + job.getValue().size() + " point(s)" + (late > 0 ? ", " + late
            + " overdue" : ""), null, 0));
        continue;
      }
      long t0 = System.nanoTime();
      boolean group = first.kind().equals("group");
      try {
        CopyService.Outcome o = new CopyService(w).run(new CopyService.Request(PlanService.location(p, first.from()),
            PlanService.location(p, first.to()), group ? List.of() : job.getValue().stream().map(Copies.Owed::point).toList(), null,
            group ? first.subject() : null, false, req.host()), listener);
        actions.add(new Action("copy", target, true, "copied and verified " + (o.points().size() + o.groups().size()) + " point(s): "
            + o.blobsWritten() + " blob(s) written, " + o.blobsPresent() + " already there", null, millis(t0)));
      } catch (IOException | RuntimeException e) {
        actions.add(failed("copy", target, e, t0));
      }
    }
  }

  /**
   * Moves the points the tiering rules say are due: a verified copy to the archive (unless one is
   * recorded there already), then a forget from where they were, only of points a passed copy record
   * in the archive names; a pinned point stays. One action per asset and archive.
   */
  private void tiers(Workspace w, Policy p, List<io.cairn.schedule.Tiers.Move> moves, Request req, List<Action> actions,
      Listener listener) {
    Map<List<String>, List<io.cairn.schedule.Tiers.Move>> jobs = new LinkedHashMap<>();
    for (var m : moves) jobs.computeIfAbsent(List.of(m.subject(), m.from(), m.to()), k -> new ArrayList<>()).add(m);
    for (var job : jobs.entrySet()) {
      var first = job.getValue().get(0);
      String target = first.subject() + " to " + first.to();
      if (req.dryRun()) {
        actions.add(new Action("tier", target, true, "would move " + job.getValue().size() + " point(s) older than the tiering rule", null, 0));
        continue;
      }
      long t0 = System.nanoTime();
      String from = PlanService.location(p, first.from());
      String to = PlanService.location(p, first.to());
      try {
        List<String> toCopy = job.getValue().stream().filter(m -> !m.copied()).map(io.cairn.schedule.Tiers.Move::point).toList();
        if (!toCopy.isEmpty()) {
          new CopyService(w).run(new CopyService.Request(from, to, toCopy, null, null, false, req.host()), listener);
        }
        w.requireDeleteRights(from, "moving points to " + first.to());
        int forgotten = 0;
        int pinned = 0;
        try (Repository src = w.open(from, Workspace.Use.PLAIN); Repository dst = w.open(to, Workspace.Use.PLAIN)) {
          java.util.Set<String> verified = CopyService.verifiedCopies(dst, src.config().id());
          var pins = src.pins();
          for (var m : job.getValue()) {
            io.cairn.engine.BlobId id = io.cairn.engine.BlobId.fromHex(m.point());
            if (!verified.contains(m.point())) continue; // never forget what the archive does not verifiably hold
            var pin = pins.get(id);
            if (pin != null && pin.holdsAt(ws.clock().instant())) {
              pinned++;
              continue;
            }
            src.forgetSnapshot(id);
            forgotten++;
          }
          ws.updateCatalog(src, from, listener);
          ws.updateCatalog(dst, to, listener);
        }
        actions.add(new Action("tier", target, true, "moved " + forgotten + " point(s) to " + first.to() + " (copied, verified, then forgotten"
            + " from " + first.from() + ")" + (pinned > 0 ? "; " + pinned + " pinned point(s) stay" : ""), null, millis(t0)));
      } catch (IOException | RuntimeException e) {
        actions.add(failed("tier", target, e, t0));
      }
    }
  }

  /**
   * Extends the object locks of each immutable repository of the policy, after retention: the points
   * still kept stay locked a full lock period ahead. At most every quarter of the lock period per
   * repository (a maintenance record of kind {@code lock} says when it last ran).
   */
  private void locks(Workspace w, Policy p, Request req, Instant at, List<Action> actions) {
    for (var e : p.repositories().values()) {
      long t0 = System.nanoTime();
      Repository opened;
      try {
        opened = w.open(e.location(), Workspace.Use.PLAIN);
      } catch (IOException | RuntimeException ex) {
        continue; // not there (yet), or not reachable: the captures, copies and checks that need it say so
      }
      try (Repository repo = opened) {
        if (!repo.immutable()) continue;
        Instant last = null;
        for (var r : repo.records(MaintenanceRecord.RECORDS).list(io.cairn.engine.repo.RecordStore.SKIP)) {
          if (r.value().kind().equals("lock") && r.value().ok() && (last == null || r.value().time().isAfter(last))) last = r.value().time();
        }
        Duration every = repo.config().immutable().period().dividedBy(4);
        if (last != null && last.plus(every).isAfter(at)) continue;
        if (req.dryRun()) {
          actions.add(new Action("lock", e.name(), true, "would extend the object locks of the points retention keeps", null, 0));
          continue;
        }
        io.cairn.engine.gc.LockExtender.Result r = io.cairn.engine.gc.LockExtender.extend(repo);
        String detail = "extended " + r.extended() + " of " + r.objects() + " object locks to " + r.until();
        repo.records(MaintenanceRecord.RECORDS).putContentAddressed(new MaintenanceRecord(MaintenanceRecord.VERSION, "lock",
            ws.clock().instant(), Repository.hostname(), true, detail));
        actions.add(new Action("lock", e.name(), true, detail, null, millis(t0)));
      } catch (IOException | RuntimeException ex) {
        actions.add(failed("lock", e.name(), ex, t0));
      }
    }
  }

  private Action retention(Workspace w, Policy p, Planner.Target t, Request req, Listener listener) {
    long t0 = System.nanoTime();
    String location = PlanService.location(p, t.repository());
    if (w.appendOnly(location)) {
      return new Action("retention", t.name(), true, "left to the privileged credentials (" + t.repository() + " is append-only here)", null, 0);
    }
    try (Repository repo = w.open(location, Workspace.Use.PLAIN)) {
      Retire.Result r = t.kind().equals("group")
          ? Retire.group(repo, t.name(), p.effectiveGroup(t.name()).retention().value(), ZoneId.systemDefault(), ws.clock(), false)
          : Retire.asset(repo, t.name(), p.effective(t.name()).retention().value(), ZoneId.systemDefault(), ws.clock(), false);
      if (!r.forgotten().isEmpty()) ws.updateCatalog(repo, location, listener);
      return new Action("retention", t.name(), true, "kept " + r.kept() + ", forgot " + r.forgotten().size(), null, millis(t0));
    } catch (IOException | RuntimeException e) {
      return failed("retention", t.name(), e, t0);
    }
  }

  private Action prune(Workspace w, String name, String location, Listener listener) {
    long t0 = System.nanoTime();
    boolean ok = false;
    String detail;
    ErrorCode code = null;
    try {
      PruneService.Outcome o = new PruneService(w).run(new PruneService.Request(location, 5, Duration.ofHours(1), false), listener);
      ok = true;
      detail = "prune done in " + o.durationMillis() + " ms";
    } catch (IOException | RuntimeException e) {
      Failures.Failure f = Failures.of(e, r -> null);
      detail = f.message();
      code = f.code();
    }
    try (Repository repo = w.open(location, Workspace.Use.PLAIN)) {
      repo.records(MaintenanceRecord.RECORDS).putContentAddressed(new MaintenanceRecord(MaintenanceRecord.VERSION, "prune",
          ws.clock().instant(), io.cairn.engine.repo.Repository.hostname(), ok, detail));
    } catch (IOException | RuntimeException e) {
      listener.warning("the prune of " + name + " was not recorded (" + Failures.describe(e) + "): the next run prunes again", null);
    }
    return new Action("prune", name, ok, detail, code, millis(t0));
  }

  private static Action failed(String kind, String target, Exception e, long t0) {
    Failures.Failure f = Failures.of(e, r -> null);
    return new Action(kind, target, false, f.message(), f.code(), millis(t0));
  }

  private static long millis(long t0) {
    return Duration.ofNanos(System.nanoTime() - t0).toMillis();
  }
}
