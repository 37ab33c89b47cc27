package io.cairn.engine.check;

import io.cairn.engine.BlobId;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.store.ObjectInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a repository's listing and its index disagree on: packs no index object names (left by a
 * backup stopped before it wrote its index, or written by one running now), and packs an index object
 * names that are not there (deleted by hand, lost by the store). Packs a garbage plan is deleting are
 * neither.
 */
public final class Orphans {
  private Orphans() {}

  /** The packs, by id, that no index names and that the index names but are missing. */
  public record Found(List<String> unindexedPacks, List<String> missingPacks) {
    public boolean clean() {
      return unindexedPacks.isEmpty() && missingPacks.isEmpty();
    }
  }

  public static Found find(Repository repo) throws IOException {
    repo.forgetIndex();
    Set<BlobId> doomed = repo.doomedPacks();
    Set<BlobId> indexed = new HashSet<>(repo.index().packs());
    Set<BlobId> stored = new HashSet<>();
    List<String> unindexed = new ArrayList<>();
    repo.store().forEach("data/", o -> {
      BlobId p;
      try {
        p = Repository.packIdOf(o.key());
      } catch (IllegalArgumentException notAPack) {
        return;
      }
      stored.add(p);
      if (!indexed.contains(p) && !doomed.contains(p)) unindexed.add(p.toString());
    });
    List<String> missing = new ArrayList<>();
    for (BlobId p : indexed) if (!stored.contains(p) && !doomed.contains(p)) missing.add(p.toString());
    unindexed.sort(null);
    missing.sort(null);
    return new Found(unindexed, missing);
  }
}
