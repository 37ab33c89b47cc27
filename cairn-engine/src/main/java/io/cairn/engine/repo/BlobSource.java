package io.cairn.engine.repo;

import io.cairn.engine.BlobId;
import io.cairn.engine.index.MemIndex;
import io.cairn.engine.tree.Node;
import io.cairn.engine.tree.NodeType;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * Where a restore reads blobs from: one repository today; later a chain of sources (another copy of
 * the same point, a cache) that falls back blob by blob. Every blob is verified against its id before
 * its bytes are handed on, whatever the source.
 */
public interface BlobSource {
  /** Receives a blob's plaintext in order, piece by piece. */
  @FunctionalInterface
  interface PlainSink {
    /** {@code b[off, off+len)} is the plaintext at {@code pos} in the blob; the bytes are only valid during the call. */
    void accept(long pos, byte[] b, int off, int len) throws IOException;
  }

  /**
   * Keeps the blobs a long read needs from being deleted until closed (a repository's shared lease, which
   * a prune waits for); null when the source cannot promise that (a repository on read-only media).
   */
  Closeable holdForReading();

  /** Loads what lookups need (a repository's index), so its errors come before anything is written. */
  void prepare() throws IOException;

  /** Where a blob is, or null when this source does not have it. */
  MemIndex.Location find(BlobId id) throws IOException;

  /** Reads, verifies and hands on a blob found with {@link #find}, in pieces, in bounded memory. */
  void readBlobStreaming(MemIndex.Location loc, PlainSink sink) throws IOException;

  /** The decoded tree with this id. */
  List<Node> readTree(BlobId id) throws IOException;

  /** The node at a slash-separated path below a tree; the root itself for "" or "/"; null when there is none. */
  default Node findNode(BlobId root, String path) throws IOException {
    Node cur = new Node("root", NodeType.DIR, 0755, 0, 0, null, null, 0, 0, 0, 0, 1, 0, null, root, null, 0, null);
    for (String part : path.split("/")) {
      if (part.isEmpty()) continue;
      if (cur.type() != NodeType.DIR) return null;
      String want = Node.bytesOf(part);
      Node next = null;
      for (Node n : readTree(cur.subtree())) {
        if (n.name().equals(want)) {
          next = n;
          break;
        }
      }
      if (next == null) return null;
      cur = next;
    }
    return cur;
  }
}
