package io.cairn.engine.repair;

import io.cairn.engine.BlobId;
import io.cairn.engine.CorruptObjectException;
import io.cairn.engine.MissingObjectException;
import io.cairn.engine.gc.Leases;
import io.cairn.engine.pack.PackEntry;
import io.cairn.engine.repo.IndexBatch;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.store.ObjectInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Rebuilds the index from the packs' trailers alone (docs/repository-format.md: every pack lists
 * its blobs). Under the maintenance lease: reads every pack's trailer (a ranged read of its end),
 * writes new index objects, then deletes the index objects that existed before. Index objects that
 * backups write meanwhile are left alone. A crash leaves old and new objects side by side
 * (duplicate entries are harmless), never a pack without an index entry that was there before.
 */
public final class IndexRepair {
  /** What the repair found and wrote. */
  public record Report(int packs, long blobs, int indexObjectsWritten, int indexObjectsRemoved, List<String> unreadable,
      boolean dryRun) {}

  private final Repository repo;
  private final boolean dryRun;

  public IndexRepair(Repository repo, boolean dryRun) {
    this.repo = repo;
    this.dryRun = dryRun;
  }

  public Report run() throws IOException {
    try (Leases.Held lease = new Leases(repo).acquireMaintenance(Leases.DEFAULT_TTL)) {
      List<String> old = new ArrayList<>();
      for (ObjectInfo o : repo.store().list("index/")) old.add(o.key());
      List<String> unreadable = new ArrayList<>();
      IndexBatch batch = new IndexBatch(repo, dryRun);
      long[] counts = new long[2]; // packs, blobs
      repo.store().forEach("data/", o -> { // page by page: memory is the batch, whatever the number of packs
        BlobId pack;
        try {
          pack = Repository.packIdOf(o.key());
        } catch (IllegalArgumentException e) {
          return;
        }
        List<PackEntry> entries;
        try {
          entries = repo.readPackTrailer(pack);
        } catch (CorruptObjectException e) {
          unreadable.add(o.key() + ": " + e.getMessage());
          return;
        } catch (MissingObjectException e) {
          return;
        }
        counts[0]++;
        counts[1] += entries.size();
        batch.add(pack, entries);
      });
      int packs = (int) counts[0];
      long blobs = counts[1];
      Set<String> fresh = batch.finish();
      if (!dryRun) {
        lease.ensureValid();
        int removed = IndexBatch.replace(repo, old, fresh);
        repo.forgetIndex();
        return new Report(packs, blobs, batch.objects(), removed, unreadable, false);
      }
      return new Report(packs, blobs, batch.objects(), 0, unreadable, true);
    }
  }
}
