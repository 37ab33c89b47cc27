package io.cairn.capture;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.Progress;
import io.cairn.engine.backup.Backup;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.Consistency;
import io.cairn.engine.snapshot.GroupPoint;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.policy.Asset;
import io.cairn.policy.Group;
import io.cairn.policy.Hook;
import io.cairn.policy.Policy;
import io.cairn.policy.Source;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Captures assets and consistency groups as the policy describes them: hooks before, the source's
 * reading, hooks after (and on error), and the point recorded with its asset, group, consistency
 * and the reason for it, the source's facts and every hook's outcome. A failure never leaves a point
 * that looks good: no snapshot is written for a failed capture, and a group with a failed member is
 * recorded as incomplete.
 *
 * <p>A group's capture is one freeze window: the group's and every member's {@code before} hooks,
 * then the members' captures in parallel (each in its own repository handle), then every member's
 * and the group's {@code after} hooks; its length is recorded in the group's manifest, written last.
 */
public final class Capturer {
  /** Opens the repository an asset's points go to: a new handle per call, closed by the caller. */
  @FunctionalInterface
  public interface Opener {
    Repository open(Asset asset) throws IOException;
  }

  /** Where a capture is, for progress: phases as they end. */
  public interface Events {
    Events NONE = (phase, took) -> {};

    void phase(String name, Duration took);
  }

  /** How one asset's capture went. {@code code} is set when it failed. */
  public record PointOutcome(String asset, String group, String run, String snapshot, Instant time, Consistency consistency,
      String consistencyReason, Map<String, String> facts, List<Snapshot.HookRun> hooks, Snapshot.Stats stats, long durationMillis,
      ErrorCode code, String error, List<String> warnings) {
    public boolean ok() {
      return code == null;
    }
  }

  /** How a group's capture went: its manifest and every member's outcome. */
  public record GroupOutcome(String group, String run, String manifest, Instant time, boolean complete, Consistency consistency,
      String reason, long freezeMillis, List<PointOutcome> members, List<Snapshot.HookRun> hooks, List<String> warnings) {}

  private final Policy policy;
  private final Opener opener;
  private final InstantSource clock;
  private final Map<String, String> env;
  private final String host;
  private final int workers;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param env the environment secrets are resolved from and hooks inherit
   * @param host the host name to record, or null for this machine's
   */
  public Capturer(Policy policy, Opener opener, InstantSource clock, Map<String, String> env, String host, int workers) {
    this.policy = policy;
    this.opener = opener;
    this.clock = clock;
    this.env = Map.copyOf(env);
    this.host = host;
    this.workers = workers;
  }

  private String newRun() {
    byte[] b = new byte[8];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  static Capture of(Asset a) {
    return switch (a.source()) {
      case Source.Files f -> new FilesCapture(f);
      case Source.Command c -> new CommandCapture(c);
      case Source.Postgres p -> new PostgresCapture(a.name(), p);
      case Source.Mariadb m -> new MariadbCapture(a.name(), m);
      case Source.Sqlite s -> new SqliteCapture(a.name(), s);
    };
  }

  /** Captures one asset on its own. */
  public PointOutcome asset(String name, List<String> tags, Progress progress, Events events) {
    Asset a = policy.asset(name);
    String run = newRun();
    HookRunner hooks = new HookRunner(hookEnv(a.name(), null, run));
    Member m = new Member(a, null, run, hooks);
    long t0 = System.nanoTime();
    m.before();
    events.phase("before-hooks", Duration.ofNanos(System.nanoTime() - t0));
    if (m.aborted == null) m.capture(tags, progress, true, events);
    else m.after();
    if (!m.ok()) m.onError();
    return m.outcome();
  }

  /** Captures a consistency group as one point; its manifest is written whatever the outcome. */
  public GroupOutcome group(String name, List<String> tags, Progress progress, Events events) throws IOException {
    Group g = policy.group(name);
    String run = newRun();
    Instant time = clock.instant();
    HookRunner groupHooks = new HookRunner(hookEnv(null, g.name(), run));
    List<Snapshot.HookRun> groupRan = new ArrayList<>();
    List<Member> members = new ArrayList<>();
    for (Group.Member gm : g.members()) {
      Asset a = policy.asset(gm.asset());
      members.add(new Member(a, g.name(), run, new HookRunner(hookEnv(a.name(), g.name(), run))));
    }
    long t0 = System.nanoTime();
    String aborted = null;
    boolean interrupted = false;
    List<String> quiescedBy = new ArrayList<>();
    for (Hook h : g.hooks().before()) {
      HookRunner.Ran r = groupHooks.run(h, "group " + g.name(), "before", Map.of());
      groupRan.add(r.record());
      if (r.aborts()) {
        aborted = r.describe();
        break;
      }
      // a hook that only notifies (quiesce: false) says nothing about consistency, failed or not
      if (!r.ok() && h.quiesce()) for (Member m : members) m.downgrade(r.describe() + " (on-failure: continue)");
      else if (r.ok() && h.quiesce()) quiescedBy.add("group " + g.name() + " before hook '" + h.name() + "'");
    }
    if (aborted == null) {
      for (Member m : members) {
        quiescedBy.forEach(m::quiescedBy);
        m.before();
        if (m.aborted != null) {
          aborted = m.aborted;
          break;
        }
      }
    }
    events.phase("before-hooks", Duration.ofNanos(System.nanoTime() - t0));
    if (aborted == null) {
      long tc = System.nanoTime();
      // each member in its own thread and repository handle: captures are independent of each other
      ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, members.size()), Thread.ofPlatform().name("cairn-member-", 0).factory());
      try {
        List<Future<?>> running = new ArrayList<>();
        for (Member m : members) running.add(pool.submit(() -> m.capture(tags, progress, false, Events.NONE)));
        for (Future<?> f : running) {
          try {
            f.get();
          } catch (ExecutionException e) {
            // a member records every failure of its own; nothing reaches here
          } catch (InterruptedException e) {
            interrupted = true;
            for (Future<?> x : running) x.cancel(true);
            break;
          }
        }
      } finally {
        pool.shutdownNow();
      }
      if (interrupted) {
        // what paused the applications is resumed and the group recorded below, then the interrupt goes on
        for (Member m : members) if (m.snapshot == null) m.fail(ErrorCode.INTERRUPTED, "asset " + m.asset.name() + ": interrupted");
      }
      events.phase("capture", Duration.ofNanos(System.nanoTime() - tc));
    } else {
      for (Member m : members) if (m.aborted == null && m.error == null) m.fail(ErrorCode.HOOK_FAILED, "not captured: " + aborted);
    }
    long ta = System.nanoTime();
    for (Member m : members) m.after();
    for (Hook h : g.hooks().after()) {
      HookRunner.Ran r = groupHooks.run(h, "group " + g.name(), "after", Map.of());
      groupRan.add(r.record());
    }
    boolean complete = members.stream().allMatch(Member::ok);
    if (!complete) {
      for (Member m : members) if (!m.ok()) m.onError();
      for (Hook h : g.hooks().onError()) groupRan.add(groupHooks.run(h, "group " + g.name(), "on-error", Map.of()).record());
    }
    events.phase("after-hooks", Duration.ofNanos(System.nanoTime() - ta));
    long freeze = Duration.ofNanos(System.nanoTime() - t0).toMillis();
    List<PointOutcome> outcomes = members.stream().map(Member::outcome).toList();
    for (Member m : members) {
      for (Snapshot.HookRun h : m.afterRan) groupRan.add(h);
    }
    Consistency consistency = null;
    String reason;
    if (!complete) {
      reason = outcomes.stream().filter(o -> !o.ok()).map(o -> "member " + o.asset() + ": " + o.error()).reduce((x, y) -> x + "; " + y)
          .orElse("a member failed");
    } else {
      List<String> weak = outcomes.stream().filter(o -> o.consistency().compareTo(Consistency.APPLICATION) < 0)
          .map(o -> o.asset() + " (" + o.consistencyReason() + ")").toList();
      consistency = weak.isEmpty() ? Consistency.GROUP : Consistency.CRASH;
      reason = weak.isEmpty() ? "every member application-consistent, captured inside one freeze window of " + freeze + " ms"
          : "captured together, but crash-consistent members: " + String.join("; ", weak);
    }
    List<GroupPoint.Member> listed = new ArrayList<>();
    for (int i = 0; i < outcomes.size(); i++) {
      PointOutcome o = outcomes.get(i);
      listed.add(new GroupPoint.Member(o.asset(), o.snapshot(), o.consistency(), o.error(), g.members().get(i).after()));
    }
    GroupPoint manifest = new GroupPoint(GroupPoint.VERSION, g.name(), run, time, clock.instant(), host(), tags, complete, consistency,
        complete && consistency == Consistency.GROUP ? null : reason, freeze, listed, groupRan);
    String manifestId;
    try (Repository repo = opener.open(members.get(0).asset)) {
      manifestId = repo.records(GroupPoint.RECORDS).putContentAddressed(manifest).toString();
    }
    List<String> warnings = new ArrayList<>();
    for (PointOutcome o : outcomes) warnings.addAll(o.warnings());
    if (interrupted) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("group capture interrupted; its point " + manifestId.substring(0, 8) + " is recorded as incomplete");
    }
    return new GroupOutcome(g.name(), run, manifestId, time, complete, consistency, reason, freeze, outcomes, groupRan, warnings);
  }

  private String host() {
    return host != null ? host : Repository.hostname();
  }

  private Map<String, String> hookEnv(String asset, String group, String run) {
    Map<String, String> e = new LinkedHashMap<>();
    if (asset != null) e.put("CAIRN_ASSET", asset);
    if (group != null) e.put("CAIRN_GROUP", group);
    e.put("CAIRN_POINT", run);
    return e;
  }

  /** One asset's capture, step by step, and what it came to. */
  private final class Member {
    final Asset asset;
    final String group;
    final String run;
    final HookRunner hooks;
    final List<Snapshot.HookRun> ran = new ArrayList<>();
    final List<Snapshot.HookRun> afterRan = new ArrayList<>();
    final List<String> quiesced = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    String downgrade;
    String aborted;
    boolean beforeRan;
    boolean afterDone;
    ErrorCode code;
    String error;
    Snapshot snapshot;
    long started = System.nanoTime();
    long durationMillis;

    Member(Asset asset, String group, String run, HookRunner hooks) {
      this.asset = asset;
      this.group = group;
      this.run = run;
      this.hooks = hooks;
    }

    void quiescedBy(String what) {
      quiesced.add(what);
    }

    void downgrade(String why) {
      if (downgrade == null) downgrade = why;
    }

    void before() {
      beforeRan = true;
      for (Hook h : asset.hooks().before()) {
        HookRunner.Ran r = hooks.run(h, "asset " + asset.name(), "before", Map.of());
        ran.add(r.record());
        if (r.aborts()) {
          aborted = r.describe();
          fail(ErrorCode.HOOK_FAILED, r.describe() + " (on-failure: abort): nothing was captured");
          return;
        }
        if (!r.ok() && h.quiesce()) downgrade(r.describe() + " (on-failure: continue)");
        else if (r.ok() && h.quiesce()) quiesced.add("before hook '" + h.name() + "'");
      }
    }

    void fail(ErrorCode c, String message) {
      if (code == null) {
        code = c;
        error = message;
      }
    }

    boolean ok() {
      return code == null && snapshot != null;
    }

    /** @param withAfter run the after hooks inside the capture, so their outcome is in the snapshot (an asset on its own) */
    void capture(List<String> tags, Progress progress, boolean withAfter, Events events) {
      long t0 = System.nanoTime();
      // the policy's tags of the asset, then the capture's own (--tag), each once
      List<String> pointTags = new ArrayList<>(asset.tags());
      for (String t : tags) if (!pointTags.contains(t)) pointTags.add(t);
      Capture.Context ctx = new Capture.Context(pointTags, host, progress, env, workers);
      try (Opening repo = new Opening(opener, asset)) {
        Backup.Result r = of(asset).run(repo, ctx, s -> {
          events.phase("capture", Duration.ofNanos(System.nanoTime() - t0));
          Consistency c = s.consistency();
          String reason = s.consistencyReason();
          if (downgrade != null) {
            c = Consistency.CRASH;
            reason = downgrade + ", so the point is only crash-consistent";
          } else if (c == Consistency.CRASH && !quiesced.isEmpty() && asset.source() instanceof Source.Files) {
            c = Consistency.APPLICATION;
            reason = String.join(" and ", quiesced) + " quiesced the application before its files were read";
          }
          if (withAfter) {
            long ta = System.nanoTime();
            after();
            events.phase("after-hooks", Duration.ofNanos(System.nanoTime() - ta));
          }
          List<Snapshot.HookRun> all = new ArrayList<>(ran);
          if (withAfter) all.addAll(afterRan);
          return s.toBuilder().asset(asset.name()).group(group).run(run).consistency(c).consistencyReason(reason).hooks(all).build();
        });
        snapshot = r.snapshot();
        Consistency required = policy.effective(asset.name()).consistency().value();
        if (snapshot.consistency().compareTo(required) < 0 && required != Consistency.GROUP) {
          warnings.add("asset " + asset.name() + " requires " + required.label() + " consistency but its point is " + snapshot.consistency().label()
              + ": " + snapshot.consistencyReason());
        }
        if (!snapshot.errors().isEmpty()) {
          warnings.add("asset " + asset.name() + ": " + snapshot.errors().size() + " item(s) could not be read (listed in the point)");
        }
      } catch (CairnException e) {
        fail(e.code(), e.getMessage());
      } catch (java.io.InterruptedIOException e) {
        fail(ErrorCode.INTERRUPTED, "asset " + asset.name() + ": interrupted; nothing was captured");
      } catch (IOException | RuntimeException e) {
        fail(ErrorCode.IO, "asset " + asset.name() + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()) + "; nothing was captured");
      } catch (Throwable e) { // an Error too: the after hooks must still resume what the before hooks paused
        fail(ErrorCode.INTERNAL, "asset " + asset.name() + ": " + e + "; nothing was captured");
      } finally {
        durationMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        if (!afterDone && withAfter) after();
      }
    }

    /** The after hooks, once, whenever the before hooks ran: what they paused is resumed even when the capture failed. */
    void after() {
      if (afterDone || !beforeRan) return;
      afterDone = true;
      for (Hook h : asset.hooks().after()) {
        HookRunner.Ran r = hooks.run(h, "asset " + asset.name(), "after", Map.of());
        afterRan.add(r.record());
        if (!r.ok()) warnings.add(r.describe());
      }
    }

    void onError() {
      for (Hook h : asset.hooks().onError()) {
        HookRunner.Ran r = hooks.run(h, "asset " + asset.name(), "on-error", Map.of());
        afterRan.add(r.record());
      }
    }

    PointOutcome outcome() {
      List<Snapshot.HookRun> all = new ArrayList<>(ran);
      all.addAll(afterRan);
      Snapshot s = snapshot;
      return new PointOutcome(asset.name(), group, run, s == null ? null : s.id().toString(), s == null ? null : s.time(),
          s == null ? null : s.consistency(), s == null ? null : s.consistencyReason(), s == null ? Map.of() : s.source(), all,
          s == null ? null : s.stats(), durationMillis, ok() ? null : code == null ? ErrorCode.IO : code, ok() ? null : error,
          List.copyOf(warnings));
    }
  }
}
