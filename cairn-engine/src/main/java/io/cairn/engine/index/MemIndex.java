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
 * <p>Held off the Java object heap in direct buffers. Blobs loaded at open form a <em>sorted
 * run</em> of 46 bytes per blob: the id less its first 16 bits, a word with pack number (28 bits),
 * type (1 bit) and compression (3 bits), offset, length and raw length. The first 16 bits of every
 * id are given by a fan-out table of 65,537 ints (256 KiB, whatever the size), which also narrows
 * each lookup to the run's stretch of ids with those bits, searched by interpolation (ids are
 * uniformly distributed keyed hashes). The run is made by a counting sort on the ids' leading bits
 * then an insertion sort per bucket, so no table slots are wasted. Blobs added during this process
 * go to a small open-addressing table over an append-only run (48 bytes plus 8 bytes of slots
 * each). Pack ids are kept once per pack.
 *
 * <p>Thread-safe: lookups may run beside additions.
 */
public final class MemIndex {
  static final int ENTRY = 48;
  /** Bytes of an entry of the sorted run: its id's first {@value #FAN_BITS} bits are implied. */
  static final int SORTED = 46;
  private static final int FAN_BITS = 16;
  private static final int SEG_SHIFT = 16;
  private static final int SEG_SIZE = 1 << SEG_SHIFT;

  private final List<BlobId> packIds = new ArrayList<>();
  private final Map<BlobId, Integer> packNos = new HashMap<>();
  /** Entries loaded but not yet sorted into {@link #base} (until {@link #seal()}). */
  private final Run loading = new Run();
  private Sorted base = new Sorted();
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

    long capacityBytes() {
      long b = 0;
      for (ByteBuffer s : segs) b += s.capacity();
      return b;
    }
  }

  /**
   * The sorted run: segmented off-heap entries of {@value #SORTED} bytes, {@code b, c, d} of the id
   * (at 0, 8, 16), the low 48 bits of {@code a} (an int and a short, at 24 and 28), then word,
   * offset, length and raw length (at 30, 34, 38, 42); {@code fan[k]} is the index of the first entry
   * whose id's first 16 bits are at least {@code k}.
   */
  static final class Sorted {
    final List<ByteBuffer> segs = new ArrayList<>();
    final int[] fan = new int[(1 << FAN_BITS) + 1];
    int size;

    ByteBuffer seg(int i) {
      return segs.get(i >>> SEG_SHIFT);
    }

    static int pos(int i) {
      return (i & (SEG_SIZE - 1)) * SORTED;
    }

    long low(int i) { // the low 48 bits of the id's first word
      ByteBuffer s = seg(i);
      int p = pos(i);
      return (s.getInt(p + 24) & 0xffffffffL) << 16 | (s.getShort(p + 28) & 0xffff);
    }

    /** Compares entry i with an id whose first 16 bits are entry i's, given the rest: low 48 bits, b, c, d. */
    int compare(int i, long low, long b, long c, long d) {
      ByteBuffer s = seg(i);
      int p = pos(i);
      int r = Long.compare(low(i), low); // both below 2^48
      if (r == 0) r = Long.compareUnsigned(s.getLong(p), b);
      if (r == 0) r = Long.compareUnsigned(s.getLong(p + 8), c);
      if (r == 0) r = Long.compareUnsigned(s.getLong(p + 16), d);
      return r;
    }

    /** Entry j of this run from entry i of a loading run. */
    void putFrom(Run src, int i, int j) {
      ByteBuffer s = src.seg(i);
      int p = Run.pos(i);
      ByteBuffer t = seg(j);
      int q = pos(j);
      long a = s.getLong(p);
      t.putLong(q, s.getLong(p + 8)).putLong(q + 8, s.getLong(p + 16)).putLong(q + 16, s.getLong(p + 24))
          .putInt(q + 24, (int) (a >>> 16)).putShort(q + 28, (short) a).putInt(q + 30, s.getInt(p + 32))
          .putInt(q + 34, s.getInt(p + 36)).putInt(q + 38, s.getInt(p + 40)).putInt(q + 42, s.getInt(p + 44));
    }

    void copyTo(int i, Sorted dst, int j) {
      ByteBuffer s = seg(i);
      int p = pos(i);
      ByteBuffer t = dst.seg(j);
      int q = pos(j);
      for (int k = 0; k < 40; k += 8) t.putLong(q + k, s.getLong(p + k));
      t.putInt(q + 40, s.getInt(p + 40)).putShort(q + 44, s.getShort(p + 44));
    }

    /** The id's first word of entry i, whose first 16 bits are {@code k}. */
    long a(int i, int k) {
      return (long) k << 48 | low(i);
    }

    /** Appends every entry to a loading run (to sort them again together with more). */
    void appendTo(Run dst) {
      for (int k = 0; k < (1 << FAN_BITS); k++) {
        for (int i = fan[k]; i < fan[k + 1]; i++) {
          ByteBuffer s = seg(i);
          int p = pos(i);
          dst.append(a(i, k), s.getLong(p), s.getLong(p + 8), s.getLong(p + 16), s.getInt(p + 30), s.getInt(p + 34),
              s.getInt(p + 38), s.getInt(p + 42));
        }
      }
    }

    /** Sizes a run that will not grow: the last segment is allocated exactly. */
    void ensureSize(int n) {
      while (segs.size() * (long) SEG_SIZE < n) {
        long left = n - segs.size() * (long) SEG_SIZE;
        segs.add(ByteBuffer.allocateDirect((int) Math.min(SEG_SIZE, left) * SORTED));
      }
      size = n;
    }

    long capacityBytes() {
      long b = fan.length * 4L;
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
      loading.append(id.a(), id.b(), id.c(), id.d(), word(p, e), e.offset(), e.length(), e.rawLength());
    }
  }

  /** Like {@link #load}, one entry from its parts (see {@link IndexFormat#decodeInto}). */
  public void loadRaw(int packNo, long a, long b, long c, long d, int type, int compression, int off, int len, int raw) {
    loading.append(a, b, c, d, packNo << 4 | type << 3 | compression, off, len, raw);
  }

  /** Sorts the loaded entries (with those sorted before, if any) and drops duplicates (the same blob indexed twice). */
  public synchronized void seal() {
    Run in = loading;
    if (in.size == 0) return;
    if (base.size > 0) base.appendTo(in); // loaded again after a seal: sort all together
    int n = in.size;
    // buckets of about four entries, and never coarser than the fan-out, so that all entries of a
    // bucket share the id's first 16 bits and compare by the rest
    int bits = Math.max(FAN_BITS, Math.min(24, 31 - Integer.numberOfLeadingZeros(Math.max(1, n / 4))));
    int[] start = new int[(1 << bits) + 1];
    for (int i = 0; i < n; i++) start[(int) (in.a(i) >>> (64 - bits)) + 1]++;
    for (int i = 1; i < start.length; i++) start[i] += start[i - 1];
    int[] fill = start.clone();
    Sorted out = new Sorted();
    out.ensureSize(n);
    for (int i = 0; i < n; i++) out.putFrom(in, i, fill[(int) (in.a(i) >>> (64 - bits))]++);
    in.segs.clear();
    in.size = 0;
    // insertion sort within buckets, through a scratch entry
    Sorted tmp = new Sorted();
    tmp.ensureSize(1);
    ByteBuffer t = tmp.seg(0);
    for (int bkt = 0; bkt < (1 << bits); bkt++) {
      for (int i = start[bkt] + 1; i < start[bkt + 1]; i++) {
        out.copyTo(i, tmp, 0);
        long low = tmp.low(0), b = t.getLong(0), c = t.getLong(8), d = t.getLong(16);
        int j = i - 1;
        while (j >= start[bkt] && out.compare(j, low, b, c, d) > 0) {
          out.copyTo(j, out, j + 1);
          j--;
        }
        tmp.copyTo(0, out, j + 1);
      }
    }
    // drop duplicates (equal ids are in one bucket, side by side) and fill the fan-out table
    int w = 0;
    int perFan = bits - FAN_BITS;
    for (int bkt = 0; bkt < (1 << bits); bkt++) {
      if ((bkt & ((1 << perFan) - 1)) == 0) out.fan[bkt >>> perFan] = w;
      int first = w;
      for (int i = start[bkt]; i < start[bkt + 1]; i++) {
        if (w > first) {
          ByteBuffer s = out.seg(i);
          int p = Sorted.pos(i);
          if (out.compare(w - 1, out.low(i), s.getLong(p), s.getLong(p + 8), s.getLong(p + 16)) == 0) continue;
        }
        if (w != i) out.copyTo(i, out, w);
        w++;
      }
    }
    out.fan[1 << FAN_BITS] = w;
    out.size = w;
    base = out;
  }

  private int findBase(long a, long b, long c, long d) {
    Sorted r = base;
    if (r.size == 0) return -1;
    int k = (int) (a >>> (64 - FAN_BITS));
    long low = a & ((1L << (64 - FAN_BITS)) - 1);
    int lo = r.fan[k], hi = r.fan[k + 1] - 1;
    int probes = 0;
    while (lo <= hi) {
      int mid;
      if (probes++ < 2) {
        long la = r.low(lo), ha = r.low(hi);
        if (low < la || low > ha) return -1;
        double span = ha - la;
        mid = span <= 0 ? lo : lo + (int) ((low - la) / span * (hi - lo));
        mid = Math.max(lo, Math.min(hi, mid));
      } else {
        mid = (lo + hi) >>> 1;
      }
      int cmp = r.compare(mid, low, b, c, d);
      if (cmp == 0) return mid;
      if (cmp < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
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
    if (i >= 0) return atBase(i, id);
    i = findDelta(id.a(), id.b(), id.c(), id.d());
    return i >= 0 ? at(delta, i, id) : null;
  }

  private Location atBase(int i, BlobId id) {
    ByteBuffer s = base.seg(i);
    int p = Sorted.pos(i);
    return location(id, s.getInt(p + 30), s.getInt(p + 34), s.getInt(p + 38), s.getInt(p + 42));
  }

  private Location location(BlobId id, int word, int off, int len, int raw) {
    return new Location(packIds.get(word >>> 4), new PackEntry(id, BlobType.of((word >>> 3) & 1), Compression.of(word & 7), off, len, raw));
  }

  private Location at(Run r, int i, BlobId id) {
    ByteBuffer s = r.seg(i);
    int p = Run.pos(i);
    return location(id, s.getInt(p + 32), s.getInt(p + 36), s.getInt(p + 40), s.getInt(p + 44));
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
    return base.size + loading.size + deltaCount;
  }

  public synchronized List<BlobId> packs() {
    return List.copyOf(packIds);
  }

  /**
   * Bytes of memory held per indexed blob: allocated entry storage, the fan-out table, the delta's
   * slots and the pack table (about 80 bytes per pack) included (reported by {@code cairn stats} and
   * the benchmarks).
   */
  public synchronized double bytesPerBlob() {
    long bytes = base.capacityBytes() + loading.capacityBytes() + delta.capacityBytes() + slots.length * 4L
        + packIds.size() * 80L;
    return size() == 0 ? 0 : (double) bytes / size();
  }

  /** Visits every indexed blob. */
  public synchronized void forEach(Consumer<Location> visitor) {
    for (int k = 0; k < (1 << FAN_BITS); k++) {
      for (int i = base.fan[k]; i < base.fan[k + 1]; i++) {
        ByteBuffer s = base.seg(i);
        int p = Sorted.pos(i);
        visitor.accept(atBase(i, new BlobId(base.a(i, k), s.getLong(p), s.getLong(p + 8), s.getLong(p + 16))));
      }
    }
    for (Run r : new Run[] {loading, delta}) {
      for (int i = 0; i < r.size; i++) {
        ByteBuffer s = r.seg(i);
        int p = Run.pos(i);
        BlobId id = new BlobId(s.getLong(p), s.getLong(p + 8), s.getLong(p + 16), s.getLong(p + 24));
        visitor.accept(at(r, i, id));
      }
    }
  }
}
