package io.cairn.service;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.gc.Leases;
import io.cairn.engine.gc.Pruner;
import io.cairn.engine.repo.Repository;
import java.io.IOException;
import java.time.Duration;

/** Reclaims the space of data no snapshot needs, safely beside running backups; the catalog follows. */
public final class PruneService {
  private final Workspace ws;

  public PruneService(Workspace ws) {
    this.ws = ws;
  }

  /**
   * @param maxUnusedPercent repack a pack when more than this share of it is unused (100 never repacks)
   * @param maxWait how long to wait for running backups before leaving deletion to the next prune
   */
  public record Request(String repository, double maxUnusedPercent, Duration maxWait, boolean dryRun) {
    public Request {
      if (!(maxUnusedPercent >= 0 && maxUnusedPercent <= 100)) {
        throw new CairnException(ErrorCode.USAGE, "the unused share must be a percentage from 0 to 100, got " + maxUnusedPercent);
      }
      if (maxWait == null || maxWait.isNegative()) throw new CairnException(ErrorCode.USAGE, "the wait must not be negative");
    }
  }

  public record Outcome(Pruner.Report report, long durationMillis) {}

  public Outcome run(Request req, Listener listener) throws IOException {
    if (!req.dryRun()) ws.requireDeleteRights(req.repository(), "prune");
    Timer timer = new Timer(listener);
    try (Repository repo = ws.open(req.repository(), Workspace.Use.BOTH)) {
      timer.phase("open");
      Pruner.Report r = new Pruner(repo, req.maxUnusedPercent(), req.dryRun(), req.maxWait(), Leases.DEFAULT_TTL).run();
      timer.phase("prune");
      if (!req.dryRun()) ws.updateCatalog(repo, req.repository(), listener);
      return new Outcome(r, timer.elapsedMillis());
    }
  }
}
