package io.cairn.cli;

import io.cairn.engine.BlobId;
import io.cairn.engine.index.MemIndex;
import io.cairn.engine.pack.BlobType;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.engine.store.ObjectInfo;
import io.cairn.engine.tree.Node;
import io.cairn.engine.tree.NodeType;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "stats", description = {"Show repository statistics, or the restore size of one snapshot.",
    "",
    "Without SNAP: snapshots, packs, blobs, stored and raw sizes, the dedup and compression ratios, and the index's memory per blob. With SNAP: files, folders and bytes it restores."})
final class StatsCommand extends BaseCommand {
  @Parameters(arity = "0..1", paramLabel = "SNAP") String ref;

  @Override
  public Integer call() throws Exception {
    try (Repository repo = openRepo()) {
      Map<String, Object> m = new LinkedHashMap<>();
      if (ref != null) {
        Snapshot s = repo.resolve(ref);
        long[] c = new long[3];
        walk(repo, s.treeId(), c);
        m.put("snapshot", s.id().toString());
        m.put("files", c[0]);
        m.put("dirs", c[1]);
        m.put("restoreBytes", c[2]);
        if (global.json) printJson(m);
        else say("snapshot %s: %d files, %d folders, %s to restore", s.id().shortHex(), c[0], c[1], bytes(c[2]));
        return 0;
      }
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
      long packBytes = 0;
      List<ObjectInfo> packs = repo.store().list("data/");
      for (ObjectInfo o : packs) packBytes += o.size();
      long logical = 0;
      for (Snapshot s : snaps) if (s.stats() != null) logical += s.stats().bytesTotal();
      m.put("snapshots", snaps.size());
      m.put("packs", packs.size());
      m.put("packBytes", packBytes);
      m.put("dataBlobs", raw[0]);
      m.put("dataBytesRaw", raw[1]);
      m.put("treeBlobs", raw[2]);
      m.put("treeBytesRaw", raw[3]);
      m.put("logicalBytesAllSnapshots", logical);
      m.put("indexBytesPerBlob", idx.bytesPerBlob());
      if (global.json) {
        printJson(m);
      } else {
        say("snapshots:            %d", snaps.size());
        say("packs:                %d (%s)", packs.size(), bytes(packBytes));
        say("blobs:                %d data (%s raw), %d tree (%s raw)", raw[0], bytes(raw[1]), raw[2], bytes(raw[3]));
        say("all snapshots hold:   %s; stored as %s (%.1fx less)", bytes(logical), bytes(packBytes),
            packBytes == 0 ? 0.0 : (double) logical / packBytes);
        say("index memory:         %.1f bytes per blob", idx.bytesPerBlob());
      }
      return 0;
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
