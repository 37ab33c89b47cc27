package io.cairn.recovery;

import io.cairn.engine.BlobId;
import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.CorruptObjectException;
import io.cairn.engine.MissingObjectException;
import io.cairn.engine.Progress;
import io.cairn.engine.repo.BlobSource;
import io.cairn.engine.restore.RestoreOptions;
import io.cairn.engine.restore.Restorer;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.engine.tree.Node;
import io.cairn.engine.tree.NodeType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads one point out of its repository for a recovery, every blob verified before its bytes are
 * used: a files point restored into a folder with the engine's parallel restore, a stream (a dump)
 * written to a tool's standard input or a file. A damaged blob fails the hydration naming the files.
 */
final class Hydration {
  private final BlobSource repo;
  private final Snapshot snap;
  private final int threads;
  private final AtomicLong bytes;
  private final Progress progress;

  Hydration(BlobSource repo, Snapshot snap, int threads, AtomicLong bytes, Progress progress) {
    this.repo = repo;
    this.snap = snap;
    this.threads = threads;
    this.bytes = bytes;
    this.progress = progress;
  }

  Snapshot snapshot() {
    return snap;
  }

  /** The streams (files at the top of a stream point), in the order they were captured. */
  List<Node> streams() throws IOException {
    List<Node> out = new ArrayList<>();
    for (Node n : repo.readTree(snap.treeId())) if (n.type() == NodeType.FILE) out.add(n);
    return out;
  }

  /** Restores the whole point into {@code target}; DATA_DAMAGED naming every damaged file. */
  void restoreTree(Path target) throws IOException {
    Restorer r = new Restorer(repo, new RestoreOptions(target, List.of(), List.of(), false, false, threads), progress);
    Restorer.Result res = r.run(snap, "");
    bytes.addAndGet(res.bytes());
    if (!res.damaged().isEmpty()) {
      Map<String, String> d = res.damaged();
      throw new CairnException(ErrorCode.DATA_DAMAGED, "point " + snap.id().shortHex() + " has " + d.size() + " damaged file"
          + (d.size() == 1 ? "" : "s") + ": " + String.join(", ", d.keySet().stream().limit(10).toList()) + (d.size() > 10 ? ", ..." : ""));
    }
  }

  /** Writes one stream to {@code out}; DATA_DAMAGED naming it and how far it was verified when a blob is bad. */
  void stream(Node n, OutputStream out) throws IOException {
    long written = 0;
    for (BlobId id : n.content()) {
      long before = written;
      long[] w = {0};
      try {
        var loc = repo.find(id);
        if (loc == null) throw new MissingObjectException("blob " + id + " (in no copy's index)");
        repo.readBlobStreaming(loc, (pos, b, off, len) -> {
          out.write(b, off, len);
          w[0] += len;
          progress.bytesDone.addAndGet(len);
        });
      } catch (CorruptObjectException | MissingObjectException e) {
        throw new CairnException(ErrorCode.DATA_DAMAGED, "point " + snap.id().shortHex() + " has a damaged file: " + n.displayName()
            + " (damaged after byte " + before + " of " + n.size() + "): " + e.getMessage(), e);
      }
      written += w[0];
      bytes.addAndGet(w[0]);
    }
    if (written != n.size()) {
      throw new CairnException(ErrorCode.DATA_DAMAGED, "point " + snap.id().shortHex() + " has a damaged file: " + n.displayName()
          + " decoded to " + written + " bytes, its size is " + n.size());
    }
  }
}
