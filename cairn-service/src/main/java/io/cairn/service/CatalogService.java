package io.cairn.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.cairn.catalog.Catalog;
import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.repo.Repository;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps the catalog true (sync, rebuild, verify) and answers its questions (points, one point, file
 * versions). Nothing here writes to a repository: the catalog is derived from them.
 */
public final class CatalogService {
  private final Workspace ws;

  public CatalogService(Workspace ws) {
    this.ws = ws;
  }

  /** What became of one repository: a sync report or the reason it was skipped. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Synced(String location, boolean ok, String error, Catalog.SyncReport report) {}

  /** The drift of one repository, or the reason it could not be verified. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Verified(String location, boolean ok, String error, Catalog.Drift drift) {
    public boolean clean() {
      return ok && drift.clean();
    }
  }

  /**
   * The repositories to visit: those named (absolute), then, with {@code known}, every one the
   * catalog knows.
   */
  private List<String> targets(Catalog c, List<String> named, boolean known) {
    Set<String> out = new LinkedHashSet<>();
    for (String n : named) out.add(ws.stores().canonical(n));
    if (known) for (Catalog.RepositoryRow r : c.repositories()) out.add(r.location());
    if (out.isEmpty()) throw new CairnException(ErrorCode.USAGE, "no repositories: pass --repo PATH (the catalog knows none yet)");
    return new ArrayList<>(out);
  }

  /**
   * What to bring the catalog up to date with: the named repositories and, when none is named or
   * {@code includeKnown}, every one it knows. {@code role} and {@code tier} label the one named repository.
   *
   * @param repositories the repositories named (by location); may be empty
   * @param includeKnown also every repository the catalog knows (always when none is named)
   * @param role, tier labels for the one repository named; null leaves them as they are
   */
  public record SyncRequest(List<String> repositories, boolean includeKnown, String role, String tier) {
    public SyncRequest {
      repositories = List.copyOf(repositories);
    }
  }

  public List<Synced> sync(SyncRequest req, Listener listener) {
    List<String> named = req.repositories();
    boolean known = req.includeKnown();
    String role = req.role();
    String tier = req.tier();
    if ((role != null || tier != null) && named.size() != 1) {
      throw new CairnException(ErrorCode.USAGE, "--role and --tier label the repository given with --repo");
    }
    Catalog c = ws.catalog();
    List<Synced> out = syncAll(c, targets(c, named, known || named.isEmpty()), listener);
    if (role != null || tier != null) {
      String loc = ws.stores().canonical(named.get(0));
      for (Catalog.RepositoryRow r : c.repositories()) if (r.location().equals(loc)) c.label(r.id(), role, tier);
    }
    return out;
  }

  /** Empties the catalog (or creates it) and synchronizes the named repositories and every one it knew. */
  public List<Synced> rebuild(List<String> named, Listener listener) {
    Catalog c = ws.catalog();
    List<String> t = targets(c, named, true);
    c.clear();
    return syncAll(c, t, listener);
  }

  private List<Synced> syncAll(Catalog c, List<String> targets, Listener listener) {
    List<Synced> out = new ArrayList<>();
    for (String t : targets) {
      long t0 = System.nanoTime();
      try (Repository repo = ws.open(t, Workspace.Use.PLAIN)) {
        out.add(new Synced(t, true, null, c.sync(repo, t)));
      } catch (IOException | RuntimeException e) {
        String why = Failures.describe(e);
        out.add(new Synced(t, false, why, null));
        for (Catalog.RepositoryRow r : c.repositories()) if (r.location().equals(t)) c.syncFailed(r.id(), why);
      }
      listener.phase("sync " + t, Duration.ofNanos(System.nanoTime() - t0));
    }
    return out;
  }

  /** The repositories to compare with the catalog: those named and, with {@code includeKnown} (or none named), all it knows. */
  public record VerifyRequest(List<String> repositories, boolean includeKnown) {
    public VerifyRequest {
      repositories = List.copyOf(repositories);
    }
  }

  public List<Verified> verify(VerifyRequest req) {
    List<String> named = req.repositories();
    boolean known = req.includeKnown();
    Catalog c = ws.catalog();
    List<Verified> out = new ArrayList<>();
    for (String t : targets(c, named, known || named.isEmpty())) {
      try (Repository repo = ws.open(t, Workspace.Use.PLAIN)) {
        out.add(new Verified(t, true, null, c.verify(repo, t)));
      } catch (IOException | RuntimeException e) {
        out.add(new Verified(t, false, Failures.describe(e), null));
      }
    }
    return out;
  }

  /** The repositories the catalog knows, and where the catalog is. */
  public record Repositories(String catalog, List<Catalog.RepositoryRow> repositories) {}

  public Repositories repositories() {
    Catalog c = ws.catalog();
    return new Repositories(c.store().location(), c.repositories());
  }

  /** Points matching {@code query}; with {@code asOf}, the newest point of each asset at or before it. */
  public record PointsRequest(Catalog.PointQuery query, Instant asOf) {}

  public List<Catalog.PointRow> points(PointsRequest req) {
    Catalog c = ws.catalog();
    return req.asOf() == null ? c.points(req.query()) : c.asOf(req.asOf(), req.query());
  }

  /** A group's points (every group's when null), newest first, incomplete ones marked. */
  public List<Catalog.GroupPointRow> groupPoints(String group, int limit) {
    return ws.catalog().groupPoints(group, limit);
  }

  public Catalog.PointDetail show(String ref) {
    Catalog c = ws.catalog();
    return c.show(ref);
  }

  /** Every version of the files matching {@code glob}, optionally of one asset and since a time (nulls: any). */
  public record FindRequest(String glob, String asset, Instant since) {}

  public List<Catalog.FileVersion> find(FindRequest req) {
    Catalog c = ws.catalog();
    return c.find(req.glob(), req.asset(), req.since());
  }
}
