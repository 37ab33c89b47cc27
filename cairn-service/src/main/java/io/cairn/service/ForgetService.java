package io.cairn.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.cairn.engine.Remedy;
import io.cairn.engine.BlobId;
import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.gc.Leases;
import io.cairn.engine.gc.Pruner;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.retention.Decision;
import io.cairn.engine.retention.GroupKey;
import io.cairn.engine.retention.Retention;
import io.cairn.engine.retention.RetentionPolicy;
import io.cairn.engine.snapshot.Pin;
import io.cairn.engine.snapshot.Snapshot;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Forgets snapshots, named or by a retention policy (pins always hold), then optionally prunes;
 * the catalog follows.
 */
public final class ForgetService {
  private final Workspace ws;

  public ForgetService(Workspace ws) {
    this.ws = ws;
  }

  /**
   * Either {@code snapshots} or a non-empty {@code policy}, never both: forget never removes everything.
   *
   * @param groupBy the fields whose values group snapshots for the policy: host, paths, tags; empty for one group
   */
  public record Request(String repository, List<String> snapshots, RetentionPolicy policy, Set<String> groupBy, ZoneId zone,
      boolean dryRun, boolean prune) {
    public Request {
      snapshots = snapshots == null ? List.of() : List.copyOf(snapshots);
      groupBy = groupBy == null ? Set.of() : Set.copyOf(groupBy);
      zone = zone == null ? ZoneId.systemDefault() : zone;
      try {
        Retention.group(List.of(), groupBy);
      } catch (IllegalArgumentException e) {
        throw new CairnException(ErrorCode.USAGE, e.getMessage());
      }
      boolean noPolicy = policy == null || policy.isEmpty();
      if (snapshots.isEmpty() == noPolicy) {
        throw new CairnException(ErrorCode.USAGE, snapshots.isEmpty()
            ? "nothing to forget: give snapshot ids or at least one --keep-* rule (forget never removes everything)"
            : "give either snapshot ids or --keep-* rules, not both");
      }
    }
  }

  /** One snapshot and what became of it; {@code group} is null when snapshots were named. */
  public record Row(@JsonInclude(JsonInclude.Include.NON_NULL) String group, String id, Instant time, String host, List<String> paths, List<String> tags, boolean keep,
      List<String> reasons) {}

  /** A group of the policy and how many it keeps and removes. */
  public record Group(String group, long keep, long remove) {}

  public record Outcome(boolean dryRun, List<Group> groups, List<Row> snapshots, List<String> removed,
      @JsonInclude(JsonInclude.Include.NON_NULL) Pruner.Report prune) {}

  public Outcome run(Request req, Listener listener) throws IOException {
    Timer timer = new Timer(listener);
    if (!req.dryRun()) ws.requireDeleteRights(req.repository(), "forget");
    try (Repository repo = ws.open(req.repository(), req.prune() ? Workspace.Use.BOTH : Workspace.Use.PLAIN)) {
      timer.phase("open");
      Instant now = ws.clock().instant();
      Map<BlobId, Pin> pins = repo.pins();
      List<Row> rows = new ArrayList<>();
      List<Group> groups = new ArrayList<>();
      List<Snapshot> remove = new ArrayList<>();
      if (!req.snapshots().isEmpty()) {
        for (String ref : req.snapshots()) {
          Snapshot s = repo.resolve(ref);
          Pin p = pins.get(s.id());
          if (p != null && p.holdsAt(now)) {
            throw new CairnException(ErrorCode.CONFLICT, "snapshot " + s.id().shortHex() + " is pinned"
                + (p.until() == null ? "" : " until " + p.until()), Remedy.UNPIN);
          }
          Instant until = repo.lockedUntil(Snapshot.RECORDS.prefix() + s.id());
          if (until != null) {
            throw new CairnException(ErrorCode.LOCKED, "snapshot " + s.id().shortHex() + " is locked until " + until
                + " (the repository is immutable); it can be forgotten after that");
          }
          remove.add(s);
          rows.add(row(null, s, false, List.of()));
        }
      } else {
        Map<BlobId, Optional<Instant>> pinMap = new HashMap<>();
        for (Map.Entry<BlobId, Pin> e : pins.entrySet()) pinMap.put(e.getKey(), Optional.ofNullable(e.getValue().until()));
        Retention r = new Retention(req.policy(), req.zone(), ws.clock());
        for (Map.Entry<GroupKey, List<Snapshot>> g : Retention.group(repo.snapshots(), req.groupBy()).entrySet()) {
          List<Decision> ds = r.apply(g.getValue(), pinMap);
          String key = g.getKey().toString();
          groups.add(new Group(key, ds.stream().filter(Decision::keep).count(), ds.stream().filter(d -> !d.keep()).count()));
          for (Decision d : ds) {
            Instant until = d.keep() ? null : repo.lockedUntil(Snapshot.RECORDS.prefix() + d.snapshot().id());
            if (until != null) { // retention would let it go; its object lock does not yet
              rows.add(row(key, d.snapshot(), true, List.of("locked until " + until)));
              continue;
            }
            rows.add(row(key, d.snapshot(), d.keep(), d.reasons()));
            if (!d.keep()) remove.add(d.snapshot());
          }
        }
      }
      timer.phase("decide");
      if (!req.dryRun()) for (Snapshot s : remove) repo.forgetSnapshot(s.id());
      timer.phase("forget");
      boolean pruning = req.prune() && !req.dryRun() && !remove.isEmpty();
      // synced once, after the prune when there is one: the prune changes nothing the catalog holds
      // that the forget did not, so a second sync would only read the repository again
      if (!req.dryRun() && !remove.isEmpty() && !pruning) ws.updateCatalog(repo, req.repository(), listener);
      Pruner.Report pr = null;
      if (pruning) {
        try {
          pr = new Pruner(repo, 5, false, Duration.ofHours(1), Leases.DEFAULT_TTL).run();
          timer.phase("prune");
        } finally {
          ws.updateCatalog(repo, req.repository(), listener); // the forget is recorded even when the prune fails
        }
      }
      return new Outcome(req.dryRun(), groups, rows, remove.stream().map(s -> s.id().toString()).toList(), pr);
    }
  }

  private static Row row(String group, Snapshot s, boolean keep, List<String> reasons) {
    return new Row(group, s.id().toString(), s.time(), s.host(), s.paths(), s.tags(), keep, reasons);
  }
}
