package io.cairn.engine.index;

import io.cairn.engine.BlobId;
import io.cairn.engine.CorruptObjectException;
import io.cairn.engine.pack.BlobType;
import io.cairn.engine.pack.Compression;
import io.cairn.engine.pack.PackEntry;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Index object, plaintext format version 1 (sealed as kind 'I'; docs/repository-format.md, "Index"):
 * <pre>
 *   supersedes count (4) | count x index id (32)      -- index objects this one replaces (compaction)
 *   pack count (4) | per pack: pack id (32) | blob count (4) | blob count x entry
 *   entry = type (1) | compression (1) | id (32) | offset (4) | length (4) | raw length (4)
 * </pre>
 * Index objects are immutable; a backup writes new ones after the packs they describe are stored.
 */
public final class IndexFormat {
  private IndexFormat() {}

  /** One pack's entries in an index object. */
  public record PackBlobs(BlobId pack, List<PackEntry> entries) {}

  public static byte[] encode(List<BlobId> supersedes, Map<BlobId, List<PackEntry>> packs) {
    int n = 8 + supersedes.size() * 32;
    for (List<PackEntry> l : packs.values()) n += 36 + l.size() * 46;
    ByteBuffer b = ByteBuffer.allocate(n);
    byte[] id = new byte[32];
    b.putInt(supersedes.size());
    for (BlobId s : supersedes) {
      s.writeTo(id, 0);
      b.put(id);
    }
    b.putInt(packs.size());
    for (Map.Entry<BlobId, List<PackEntry>> p : packs.entrySet()) {
      p.getKey().writeTo(id, 0);
      b.put(id).putInt(p.getValue().size());
      for (PackEntry e : p.getValue()) {
        e.id().writeTo(id, 0);
        b.put((byte) e.type().code).put((byte) e.compression().code).put(id).putInt(e.offset()).putInt(e.length())
            .putInt(e.rawLength());
      }
    }
    return b.array();
  }

  /**
   * Decodes an index object straight into an index, without an object per entry (an index of
   * millions of blobs would otherwise leave hundreds of megabytes of garbage at every open).
   * Entries of packs in {@code exclude} are skipped.
   */
  public static void decodeInto(String name, byte[] buf, int off, int len, MemIndex idx, Set<BlobId> exclude)
      throws CorruptObjectException {
    try {
      ByteBuffer b = ByteBuffer.wrap(buf, off, len).slice();
      int plainLength = len;
      byte[] id = new byte[32];
      int s = b.getInt();
      if (s < 0 || s > plainLength / 32) throw new CorruptObjectException(name, "bad supersedes count");
      b.position(b.position() + s * 32);
      int np = b.getInt();
      if (np < 0 || np > plainLength / 36) throw new CorruptObjectException(name, "bad pack count");
      for (int i = 0; i < np; i++) {
        b.get(id);
        BlobId pack = BlobId.fromBytes(id, 0);
        int nb = b.getInt();
        if (nb < 0 || nb > b.remaining() / 46) throw new CorruptObjectException(name, "bad blob count");
        if (exclude.contains(pack)) {
          b.position(b.position() + nb * 46);
          continue;
        }
        int packNo = idx.packNo(pack);
        for (int j = 0; j < nb; j++) {
          int t = BlobType.of(b.get()).code;
          int c = Compression.of(b.get()).code;
          long x0 = b.getLong(), x1 = b.getLong(), x2 = b.getLong(), x3 = b.getLong();
          idx.loadRaw(packNo, x0, x1, x2, x3, t, c, b.getInt(), b.getInt(), b.getInt());
        }
      }
      if (b.hasRemaining()) throw new CorruptObjectException(name, "trailing bytes");
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new CorruptObjectException(name, "index object is truncated or malformed", e);
    }
  }

  public static List<PackBlobs> decode(String name, byte[] plain) throws CorruptObjectException {
    try {
      ByteBuffer b = ByteBuffer.wrap(plain);
      byte[] id = new byte[32];
      int s = b.getInt();
      if (s < 0 || s > plain.length / 32) throw new CorruptObjectException(name, "bad supersedes count");
      b.position(b.position() + s * 32);
      int np = b.getInt();
      if (np < 0 || np > plain.length / 36) throw new CorruptObjectException(name, "bad pack count");
      List<PackBlobs> out = new ArrayList<>(np);
      for (int i = 0; i < np; i++) {
        b.get(id);
        BlobId pack = BlobId.fromBytes(id, 0);
        int nb = b.getInt();
        if (nb < 0 || nb > b.remaining() / 46) throw new CorruptObjectException(name, "bad blob count");
        List<PackEntry> entries = new ArrayList<>(nb);
        for (int j = 0; j < nb; j++) {
          BlobType t = BlobType.of(b.get());
          Compression c = Compression.of(b.get());
          b.get(id);
          entries.add(new PackEntry(BlobId.fromBytes(id, 0), t, c, b.getInt(), b.getInt(), b.getInt()));
        }
        out.add(new PackBlobs(pack, entries));
      }
      if (b.hasRemaining()) throw new CorruptObjectException(name, "trailing bytes");
      return out;
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new CorruptObjectException(name, "index object is truncated or malformed", e);
    }
  }
}
