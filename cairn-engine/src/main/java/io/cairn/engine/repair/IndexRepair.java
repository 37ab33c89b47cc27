package io.cairn.engine.repair;

import io.cairn.engine.BlobId;
import io.cairn.engine.CorruptObjectException;
import io.cairn.engine.MissingObjectException;
import io.cairn.engine.gc.Leases;
import io.cairn.engine.pack.PackEntry;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.store.ObjectInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

  private static final int ENTRIES_PER_OBJECT = 50_000;

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
      java.util.Set<String> fresh = new java.util.HashSet<>();
      Map<BlobId, List<PackEntry>> batch = new LinkedHashMap<>();
      int packs = 0;
      int written = 0;
      long blobs = 0;
      int inBatch = 0;
      for (ObjectInfo o : repo.store().list("data/")) {
        BlobId pack;
        try {
          pack = Repository.packIdOf(o.key());
        } catch (IllegalArgumentException e) {
          continue;
        }
        List<PackEntry> entries;
        try {
          entries = repo.readPackTrailer(pack);
        } catch (CorruptObjectException e) {
          unreadable.add(o.key() + ": " + e.getMessage());
          continue;
        } catch (MissingObjectException e) {
          continue;
        }
        packs++;
        blobs += entries.size();
        batch.put(pack, entries);
        inBatch += entries.size();
        if (inBatch >= ENTRIES_PER_OBJECT) {
          if (!dryRun) fresh.add("index/" + repo.saveIndex(batch));
          written++;
          batch = new LinkedHashMap<>();
          inBatch = 0;
        }
      }
      if (!batch.isEmpty()) {
        if (!dryRun) fresh.add("index/" + repo.saveIndex(batch));
        written++;
      }
      if (!dryRun) {
        lease.ensureValid();
        int removed = 0;
        for (String k : old) {
          if (fresh.contains(k)) continue; // named by its content: rewritten identically, so it stays
          repo.store().delete(k);
          removed++;
        }
        repo.forgetIndex();
        return new Report(packs, blobs, written, removed, unreadable, false);
      }
      return new Report(packs, blobs, written, 0, unreadable, true);
    }
  }
}
