package io.cairn.engine.index;

import io.cairn.engine.BlobId;
import io.cairn.engine.pack.BlobType;
import io.cairn.engine.pack.Compression;
import io.cairn.engine.pack.PackEntry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The in-memory blob index: blob id to (pack, offset, length, raw length, type, compression).
 *
 * <p>Each blob costs exactly 48 bytes, held off the Java object heap in direct buffers: the 32-byte
 * id, a word with pack number (28 bits), type (1 bit) and compression (3 bits), offset, length and
 * raw length. Blobs loaded at open form a <em>sorted run</em>: a counting sort on the id's leading
 * bits then an insertion sort per bucket, looked up by interpolation search (ids are uniformly
 * distributed keyed hashes), so no table slots are wasted. Blobs added during this process go to a
 * small open-addressing table over an append-only run (48 bytes plus 8 bytes of slots each).
 * Pack ids are kept once per pack.
 *
 * <p>Thread-safe: lookups may run beside additions.
 */
public final class MemIndex {
  static final int ENTRY = 48;
  private static final int SEG_SHIFT = 16;
  private static final int SEG_SIZE = 1 << SEG_SHIFT;

  private final List<BlobId> packIds = new ArrayList<>();
  private final Map<BlobId, Integer> packNos = new HashMap<>();
  private Run base = new Run();
  private final Run delta = new Run();
  private int[] slots = new int[1024];
  private int deltaCount;

  /** A location as looked up. */
  public record Location(BlobId pack, PackEntry entry) {}

  /** Segmented off-heap array of 48-byte entries. */
  static final class Run {
    final List<ByteBuffer> segs = new ArrayList<>();
    int size;

    void append(long a, long b, long c, long d, int word, int off, int len, int raw) {
      int seg = size >>> SEG_SHIFT;
      if (seg == segs.size()) segs.add(ByteBuffer.allocateDirect(SEG_SIZE * ENTRY));
      int p = (size & (SEG_SIZE - 1)) * ENTRY;
      ByteBuffer s = segs.get(seg);
      s.putLong(p, a).putLong(p + 8, b).putLong(p + 16, c).putLong(p + 24, d).putInt(p + 32, word).putInt(p + 36, off)
          .putInt(p + 40, len).putInt(p + 44, raw);
      size++;
    }

    ByteBuffer seg(int i) {
      return segs.get(i >>> SEG_SHIFT);
    }

    static int pos(int i) {
      return (i & (SEG_SIZE - 1)) * ENTRY;
    }

    long a(int i) {
      return seg(i).getLong(pos(i));
    }

    int compare(int i, long a, long b, long c, long d) {
      ByteBuffer s = seg(i);
      int p = pos(i);
      int r = Long.compareUnsigned(s.getLong(p), a);
      if (r == 0) r = Long.compareUnsigned(s.getLong(p + 8), b);
      if (r == 0) r = Long.compareUnsigned(s.getLong(p + 16), c);
      if (r == 0) r = Long.compareUnsigned(s.getLong(p + 24), d);
      return r;
    }

    void copyTo(int i, Run dst, int j) {
      ByteBuffer s = seg(i);
      int p = pos(i);
      ByteBuffer t = dst.seg(j);
      int q = pos(j);
      for (int k = 0; k < ENTRY; k += 8) t.putLong(q + k, s.getLong(p + k));
    }

    /** Sizes a run that will not grow (a sorted run): the last segment is allocated exactly. */
    void ensureSize(int n) {
      while (segs.size() * (long) SEG_SIZE < n) {
        long left = n - segs.size() * (long) SEG_SIZE;
        segs.add(ByteBuffer.allocateDirect((int) Math.min(SEG_SIZE, left) * ENTRY));
      }
      size = n;
    }

    long capacityBytes() {
      long b = 0;
      for (ByteBuffer s : segs) b += s.capacity();
      return b;
    }
  }

  public synchronized int packNo(BlobId pack) {
    Integer n = packNos.get(pack);
    if (n == null) {
      n = packIds.size();
      if (n >= (1 << 28)) throw new IllegalStateException("too many packs");
      packIds.add(pack);
      packNos.put(pack, n);
    }
    return n;
  }

  private static int word(int packNo, PackEntry e) {
    return packNo << 4 | e.type().code << 3 | e.compression().code;
  }

  /** Adds entries loaded at open; call {@link #seal()} when all are added. Not for use beside lookups. */
  public void load(BlobId pack, List<PackEntry> entries) {
    int p = packNo(pack);
    for (PackEntry e : entries) {
      BlobId id = e.id();
      base.append(id.a(), id.b(), id.c(), id.d(), word(p, e), e.offset(), e.length(), e.rawLength());
    }
  }

  /** Like {@link #load}, one entry from its parts (see {@link IndexFormat#decodeInto}). */
  public void loadRaw(int packNo, long a, long b, long c, long d, int type, int compression, int off, int len, int raw) {
    base.append(a, b, c, d, packNo << 4 | type << 3 | compression, off, len, raw);
  }

  /** Sorts the loaded entries and drops duplicates (the same blob indexed twice). */
  public synchronized void seal() {
    Run in = base;
    int n = in.size;
    if (n == 0) return;
    int bits = Math.max(1, Math.min(24, 31 - Integer.numberOfLeadingZeros(Math.max(1, n / 4))));
    int[] start = new int[(1 << bits) + 1];
    for (int i = 0; i < n; i++) start[(int) (in.a(i) >>> (64 - bits)) + 1]++;
    for (int i = 1; i < start.length; i++) start[i] += start[i - 1];
    int[] fill = start.clone();
    Run out = new Run();
    out.ensureSize(n);
    for (int i = 0; i < n; i++) in.copyTo(i, out, fill[(int) (in.a(i) >>> (64 - bits))]++);
    in.segs.clear();
    // insertion sort within buckets, through a scratch entry
    Run tmp = new Run();
    tmp.ensureSize(1);
    for (int bkt = 0; bkt < (1 << bits); bkt++) {
      for (int i = start[bkt] + 1; i < start[bkt + 1]; i++) {
        out.copyTo(i, tmp, 0);
        ByteBuffer t = tmp.seg(0);
        long a = t.getLong(0), b = t.getLong(8), c = t.getLong(16), d = t.getLong(24);
        int j = i - 1;
        while (j >= start[bkt] && out.compare(j, a, b, c, d) > 0) {
          out.copyTo(j, out, j + 1);
          j--;
        }
        tmp.copyTo(0, out, j + 1);
      }
    }
    // drop duplicates
    int w = 0;
    for (int i = 0; i < n; i++) {
      if (w > 0) {
        ByteBuffer s = out.seg(i);
        int p = Run.pos(i);
        if (out.compare(w - 1, s.getLong(p), s.getLong(p + 8), s.getLong(p + 16), s.getLong(p + 24)) == 0) continue;
      }
      if (w != i) out.copyTo(i, out, w);
      w++;
    }
    out.size = w;
    base = out;
  }

  private int findBase(long a, long b, long c, long d) {
    Run r = base;
    int lo = 0, hi = r.size - 1;
    int probes = 0;
    while (lo <= hi) {
      int mid;
      if (probes++ < 3) {
        long la = r.a(lo), ha = r.a(hi);
        if (Long.compareUnsigned(a, la) < 0 || Long.compareUnsigned(a, ha) > 0) return -1;
        double span = unsigned(ha) - unsigned(la);
        mid = span <= 0 ? lo : lo + (int) ((unsigned(a) - unsigned(la)) / span * (hi - lo));
        mid = Math.max(lo, Math.min(hi, mid));
      } else {
        mid = (lo + hi) >>> 1;
      }
      int cmp = r.compare(mid, a, b, c, d);
      if (cmp == 0) return mid;
      if (cmp < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private static double unsigned(long v) {
    return (double) (v >>> 1) * 2.0 + (v & 1);
  }

  private int findDelta(long a, long b, long c, long d) {
    int mask = slots.length - 1;
    for (int s = (int) (b ^ (b >>> 32)) & mask; ; s = (s + 1) & mask) {
      int v = slots[s];
      if (v == 0) return -1;
      if (delta.compare(v - 1, a, b, c, d) == 0) return v - 1;
    }
  }

  public synchronized boolean contains(BlobId id) {
    return findBase(id.a(), id.b(), id.c(), id.d()) >= 0 || findDelta(id.a(), id.b(), id.c(), id.d()) >= 0;
  }

  public synchronized Location lookup(BlobId id) {
    int i = findBase(id.a(), id.b(), id.c(), id.d());
    if (i >= 0) return at(base, i, id);
    i = findDelta(id.a(), id.b(), id.c(), id.d());
    return i >= 0 ? at(delta, i, id) : null;
  }

  private Location at(Run r, int i, BlobId id) {
    ByteBuffer s = r.seg(i);
    int p = Run.pos(i);
    int word = s.getInt(p + 32);
    PackEntry e = new PackEntry(id, BlobType.of((word >>> 3) & 1), Compression.of(word & 7), s.getInt(p + 36),
        s.getInt(p + 40), s.getInt(p + 44));
    return new Location(packIds.get(word >>> 4), e);
  }

  /** Adds blobs stored by this process. A blob already indexed is left as is. */
  public synchronized void add(BlobId pack, List<PackEntry> entries) {
    int p = packNo(pack);
    for (PackEntry e : entries) {
      BlobId id = e.id();
      if (findBase(id.a(), id.b(), id.c(), id.d()) >= 0 || findDelta(id.a(), id.b(), id.c(), id.d()) >= 0) continue;
      if ((deltaCount + 1) * 2 > slots.length) rehash(slots.length * 2);
      delta.append(id.a(), id.b(), id.c(), id.d(), word(p, e), e.offset(), e.length(), e.rawLength());
      insertSlot(delta.size);
      deltaCount++;
    }
  }

  private void insertSlot(int ref) {
    int mask = slots.length - 1;
    ByteBuffer sg = delta.seg(ref - 1);
    long b = sg.getLong(Run.pos(ref - 1) + 8);
    int s = (int) (b ^ (b >>> 32)) & mask;
    while (slots[s] != 0) s = (s + 1) & mask;
    slots[s] = ref;
  }

  private void rehash(int n) {
    slots = new int[n];
    for (int i = 1; i <= delta.size; i++) insertSlot(i);
  }

  public synchronized int size() {
    return base.size + deltaCount;
  }

  public synchronized List<BlobId> packs() {
    return List.copyOf(packIds);
  }

  /**
   * Bytes of memory held per indexed blob: allocated entry storage, the delta's slots and the pack
   * table (about 80 bytes per pack) included (reported by {@code cairn stats} and the benchmarks).
   */
  public synchronized double bytesPerBlob() {
    long bytes = base.capacityBytes() + delta.capacityBytes() + slots.length * 4L + packIds.size() * 80L;
    return size() == 0 ? 0 : (double) bytes / size();
  }

  /** Visits every indexed blob. */
  public synchronized void forEach(Consumer<Location> visitor) {
    for (Run r : new Run[] {base, delta}) {
      for (int i = 0; i < r.size; i++) {
        ByteBuffer s = r.seg(i);
        int p = Run.pos(i);
        BlobId id = new BlobId(s.getLong(p), s.getLong(p + 8), s.getLong(p + 16), s.getLong(p + 24));
        visitor.accept(at(r, i, id));
      }
    }
  }
}
