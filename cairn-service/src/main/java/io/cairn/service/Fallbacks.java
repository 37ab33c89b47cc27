package io.cairn.service;

import io.cairn.catalog.Catalog;
import io.cairn.engine.repo.FallbackSource;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The other copies a restore may read a blob from when the repository it reads fails it: the
 * locations the request names, then every other repository the catalog knows to hold the same point.
 * Found and opened only on the first failure, with the workspace's secrets.
 */
final class Fallbacks {
  private Fallbacks() {}

  static FallbackSource of(Workspace ws, Repository repo, String location, Snapshot s, List<String> named) {
    return of(ws, repo, location, List.of(s.id().toString()), named);
  }

  /** For the points {@code snapshots} (ids in {@code repo}): the named copies, then the catalog's. */
  static FallbackSource of(Workspace ws, Repository repo, String location, List<String> snapshots, List<String> named) {
    String here = ws.stores().canonical(location);
    return new FallbackSource(repo, location, () -> {
      Set<String> where = new LinkedHashSet<>(named);
      if (ws.settings().catalog() != null) {
        for (String id : snapshots) {
          try {
            Catalog.PointDetail d = ws.catalog().show(id);
            for (Catalog.CopyRow c : d.copies()) where.add(c.location());
          } catch (RuntimeException e) {
            // no catalog, or it does not know the point: only the named copies
          }
        }
      }
      List<FallbackSource.Candidate> out = new ArrayList<>();
      for (String loc : where) {
        if (ws.stores().canonical(loc).equals(here)) continue;
        out.add(new FallbackSource.Candidate(loc, () -> ws.open(loc, Workspace.Use.DECRYPT)));
      }
      return out;
    });
  }
}
