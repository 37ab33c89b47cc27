package io.cairn.service;

import io.cairn.engine.BlobId;
import io.cairn.engine.index.MemIndex;
import io.cairn.engine.pack.BlobType;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.engine.store.ObjectInfo;
import io.cairn.engine.tree.Node;
import io.cairn.engine.tree.NodeType;
import java.io.IOException;
import java.util.List;

/** Sizes: of a whole repository (dedup and compression), or what one snapshot restores. */
public final class StatsService {
  private final Workspace ws;

  public StatsService(Workspace ws) {
    this.ws = ws;
  }

  public record RepositoryStats(int snapshots, int packs, long packBytes, long dataBlobs, long dataBytesRaw, long treeBlobs,
      long treeBytesRaw, long logicalBytesAllSnapshots, double indexBytesPerBlob) {}

  public record SnapshotStats(String snapshot, long files, long dirs, long restoreBytes) {}

  public RepositoryStats repository(String repository) throws IOException {
    try (Repository repo = ws.open(repository, Workspace.Use.PLAIN)) {
      List<Snapshot> snaps = repo.snapshots();
      MemIndex idx = repo.index();
      long[] raw = new long[4];
      idx.forEach(l -> {
        if (l.entry().type() == BlobType.DATA) {
          raw[0]++;
          raw[1] += l.entry().rawLength();
        } else {
          raw[2]++;
          raw[3] += l.entry().rawLength();
        }
      });
      long[] packs = new long[2]; // count, bytes
      repo.store().forEach("data/", o -> {
        packs[0]++;
        packs[1] += o.size();
      });
      long packBytes = packs[1];
      long logical = 0;
      for (Snapshot s : snaps) if (s.stats() != null) logical += s.stats().bytesTotal();
      return new RepositoryStats(snaps.size(), (int) packs[0], packBytes, raw[0], raw[1], raw[2], raw[3], logical, idx.bytesPerBlob());
    }
  }

  public SnapshotStats snapshot(String repository, String ref) throws IOException {
    try (Repository repo = ws.open(repository, Workspace.Use.PLAIN)) {
      Snapshot s = repo.resolve(ref);
      long[] c = new long[3];
      walk(repo, s.treeId(), c);
      return new SnapshotStats(s.id().toString(), c[0], c[1], c[2]);
    }
  }

  private static void walk(Repository repo, BlobId tree, long[] c) throws IOException {
    for (Node n : repo.readTree(tree)) {
      if (n.type() == NodeType.DIR) {
        c[1]++;
        walk(repo, n.subtree(), c);
      } else if (n.type() == NodeType.FILE) {
        c[0]++;
        c[2] += n.size();
      }
    }
  }
}
