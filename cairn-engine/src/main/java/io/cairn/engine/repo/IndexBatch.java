package io.cairn.engine.repo;

import io.cairn.engine.BlobId;
import io.cairn.engine.pack.PackEntry;
import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes index objects for packs given one at a time, about {@value #ENTRIES} entries each (whole
 * packs, so an object may hold more), as {@code prune} and {@code repair index} rewrite the index.
 * Index objects are named by their content: {@link #written()} tells which keys the new index
 * has, so replacing the old objects never deletes one that was rewritten identically.
 */
public final class IndexBatch {
  static final int ENTRIES = 50_000;

  private final Repository repo;
  private final boolean dryRun;
  private final Set<String> written = new HashSet<>();
  private Map<BlobId, List<PackEntry>> batch = new LinkedHashMap<>();
  private int entries;
  private int objects;

  /** With {@code dryRun}, objects are counted, not written. */
  public IndexBatch(Repository repo, boolean dryRun) {
    this.repo = repo;
    this.dryRun = dryRun;
  }

  public void add(BlobId pack, List<PackEntry> packEntries) throws IOException {
    batch.put(pack, packEntries);
    entries += packEntries.size();
    if (entries >= ENTRIES) flush();
  }

  public void addAll(Map<BlobId, List<PackEntry>> packs) throws IOException {
    for (Map.Entry<BlobId, List<PackEntry>> e : packs.entrySet()) add(e.getKey(), e.getValue());
  }

  /** Writes what is pending; returns the keys of every object this batch wrote. */
  public Set<String> finish() throws IOException {
    flush();
    return written();
  }

  public Set<String> written() {
    return Set.copyOf(written);
  }

  public int objects() {
    return objects;
  }

  private void flush() throws IOException {
    if (batch.isEmpty()) return;
    if (!dryRun) written.add("index/" + repo.saveIndex(batch));
    objects++;
    batch = new LinkedHashMap<>();
    entries = 0;
  }

  /**
   * Deletes the index objects in {@code old} that the new index does not consist of; returns how
   * many. Call after the new objects are written (the new index first, then the old one goes).
   */
  public static int replace(Repository repo, Iterable<String> old, Set<String> kept) throws IOException {
    int n = 0;
    for (String k : old) {
      if (kept.contains(k)) continue; // named by content: rewritten identically, so it stays
      repo.store().delete(k);
      n++;
    }
    return n;
  }
}
