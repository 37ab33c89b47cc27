package io.cairn.service;

import io.cairn.engine.gc.Lease;
import io.cairn.engine.gc.Leases;
import io.cairn.engine.repair.IndexRepair;
import io.cairn.engine.repair.SnapshotRepair;
import io.cairn.engine.repo.Repository;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Repairs and lease removal: what an operator does when something went wrong. */
public final class MaintenanceService {
  private final Workspace ws;

  public MaintenanceService(Workspace ws) {
    this.ws = ws;
  }

  /** Rebuilds the index from the pack trailers alone, under the maintenance lease. */
  public IndexRepair.Report repairIndex(String repository, boolean dryRun) throws IOException {
    try (Repository repo = ws.open(repository, Workspace.Use.DECRYPT)) {
      return new IndexRepair(repo, dryRun).run();
    }
  }

  /** The snapshots that refer to missing data, and (unless a dry run) the repaired copy written for each. */
  public record Repaired(boolean dryRun, List<SnapshotRepair.Fixed> repaired) {}

  /** Writes repaired copies of snapshots that refer to missing data; the catalog follows. */
  public Repaired repairSnapshots(String repository, boolean dryRun, Listener listener) throws IOException {
    try (Repository repo = ws.open(repository, Workspace.Use.BOTH)) {
      List<SnapshotRepair.Fixed> fixed = new SnapshotRepair(repo, dryRun).run();
      if (!dryRun && !fixed.isEmpty()) ws.updateCatalog(repo, repository, listener);
      return new Repaired(dryRun, fixed);
    }
  }

  /** A lease that was there, and whether it was removed. */
  public record LeaseState(Lease lease, boolean removed) {}

  /** What unlock did: how many leases went, and every lease it found. */
  public record Unlocked(int removed, List<LeaseState> leases) {}

  /** Removes expired (and unreadable) leases; with {@code all}, live ones too. */
  public Unlocked unlock(String repository, boolean all) throws IOException {
    try (Repository repo = ws.open(repository, Workspace.Use.PLAIN)) {
      Leases leases = new Leases(repo);
      List<Lease> before = leases.list();
      Instant now = ws.clock().instant();
      int removed = all ? leases.removeAll() : leases.removeExpired();
      List<LeaseState> out = new ArrayList<>();
      for (Lease l : before) out.add(new LeaseState(l, all || l.expiredAt(now)));
      return new Unlocked(removed, out);
    }
  }
}
