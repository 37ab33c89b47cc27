package io.cairn.engine.repo;

import io.cairn.engine.Remedy;
import io.cairn.engine.BlobId;
import io.cairn.engine.CairnException;
import io.cairn.engine.CorruptObjectException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.Json;
import io.cairn.engine.MissingObjectException;
import io.cairn.engine.Pool;
import io.cairn.engine.UnsupportedFormatVersionException;
import io.cairn.engine.check.CheckRecord;
import io.cairn.engine.chunk.ChunkerParams;
import io.cairn.engine.chunk.FastCdc;
import io.cairn.engine.crypto.KeyFile;
import io.cairn.engine.crypto.MasterKey;
import io.cairn.engine.crypto.Sealer;
import io.cairn.engine.gc.Leases;
import io.cairn.engine.index.IndexFormat;
import io.cairn.engine.index.MemIndex;
import io.cairn.engine.pack.PackEntry;
import io.cairn.engine.pack.PackFormat;
import io.cairn.engine.snapshot.Pin;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.engine.store.ObjectInfo;
import io.cairn.engine.store.ObjectStore;
import io.cairn.engine.tree.Node;
import io.cairn.engine.tree.TreeCodec;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An open repository: the store, its key, its settings and (loaded on first use) its index.
 *
 * <p>Object layout (docs/repository-format.md): {@code config}, {@code keys/<id>},
 * {@code data/<2 hex>/<pack id>}, {@code index/<id>}, {@code snapshots/<id>}. A repository plus
 * one of its passwords is all it takes to list and restore everything in it.
 *
 * <p>The parts live apart: key slots and opening in {@link KeySlots}; every kind of typed record
 * (snapshots, pins, check records, garbage plans, leases) in one {@link RecordStore}; blob decoding
 * in {@link BlobReader}s borrowed from here; this class is a {@link BlobSource} for restores.
 */
public final class Repository implements Closeable, BlobSource {
  public static final String CONFIG = "config";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ObjectStore store;
  private final RepoConfig config;
  private final Sealer sealer;
  private final FastCdc chunker;
  private final InstantSource clock;
  private volatile MemIndex index;
  private final Map<BlobId, byte[]> packKeys = new ConcurrentHashMap<>();
  /**
   * Recently read trees, bounded by their nodes (not their number: a folder of 1,000 files is a
   * thousand nodes), so a walk of a million-file tree does not keep a quarter of it in memory.
   */
  private static final int TREE_CACHE_NODES = 4_096;
  private int treeCacheNodes; // guarded by treeCache
  private final Map<BlobId, List<Node>> treeCache = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<BlobId, List<Node>> e) {
      if (treeCacheNodes <= TREE_CACHE_NODES || size() <= 1) return false;
      treeCacheNodes -= e.getValue().size();
      return true;
    }
  };
  private final Pool<BlobReader> readers = new Pool<>(() -> new BlobReader(this), BlobReader::dispose, Pool.defaultKeep());

  /** Windows on the packs of a remote store, kept for the blob reads that follow (null for a local store). */
  private final PackWindows windows;
  /** The byte budget of {@link #windows} in memory: eight windows (more go to a temporary file). */
  static final long WINDOW_BUDGET = 64L << 20;
  /** The windows' size: segments of packs (see {@link PackWindows}). */
  static final int WINDOW_SEGMENT = 8 << 20;
  /** At most this much of windows read out of order goes to a temporary file, not away (see {@link PackWindows}). */
  static final long WINDOW_SPILL = 2L << 30;

  private String keySlot;
  private Runnable afterBulkGarbage = NO_COLLECTION;

  private Repository(ObjectStore store, RepoConfig config, MasterKey key, InstantSource clock) {
    this.store = store;
    this.config = config;
    this.sealer = new Sealer(key, RANDOM);
    this.chunker = new FastCdc(config.chunker(), key.chunkerSeed());
    this.clock = clock;
    this.windows = store.capabilities().contains(ObjectStore.Capability.REMOTE)
        ? new PackWindows(store, Math.max(WINDOW_BUDGET, 2L * config.packSize()), WINDOW_SEGMENT,
            java.nio.file.Path.of(System.getProperty("java.io.tmpdir")), WINDOW_SPILL) : null;
    this.treeWindows = store instanceof io.cairn.engine.store.CachingStore cs ? new PackWindows(pack -> {
      String k = packKey(pack);
      byte[] b = cs.cachedPack(k);
      if (b == null) {
        b = cs.get(k);
        cs.keepPack(k, b, 0, b.length);
      }
      return b;
    }, Math.max(WINDOW_BUDGET / 2, 2L * config.packSize())) : null;
    if (config.storageClass() != null) store.packStorageClass(config.storageClass());
    RepoConfig.Immutability im = config.immutable();
    if (im != null) {
      requireLocking(store);
      store.lockNewObjects(k -> lockedKind(k) ? new ObjectStore.Lock(im.mode(), clock.instant().plus(im.period())) : null);
    }
  }

  private static void requireLocking(ObjectStore store) {
    if (!store.capabilities().contains(ObjectStore.Capability.OBJECT_LOCK)) {
      throw new CairnException(ErrorCode.USAGE, store.location() + " cannot lock objects, so it cannot hold an immutable repository:"
          + " an S3 bucket needs object lock enabled when it is created (a folder cannot enforce it at all)");
    }
  }

  /**
   * Whether objects under this key are locked in an immutable repository: everything written once
   * (config, packs, index objects, snapshots, group manifests, check, maintenance, evidence and copy
   * records); not the mutable control objects (key slots, leases, garbage plans, pins), which are
   * rewritten or removed in normal operation.
   */
  public static boolean lockedKind(String key) {
    if (key.equals(CONFIG)) return true;
    for (String p : LOCKED_PREFIXES) if (key.startsWith(p)) return true;
    return false;
  }

  private static final List<String> LOCKED_PREFIXES = List.of("data/", "index/", "snapshots/", "groups/", "checks/", "maintenance/",
      "evidence/", "copies/");

  /** Whether this repository locks what it writes (made immutable at init). */
  public boolean immutable() {
    return config.immutable() != null;
  }

  /**
   * Until when an object of this immutable repository is locked (null when it is not, or no longer);
   * always null for an ordinary repository.
   */
  public Instant lockedUntil(String key) throws IOException {
    if (!immutable()) return null;
    var l = store.lockOf(key);
    return l.isPresent() && l.get().until().isAfter(clock.instant()) ? l.get().until() : null;
  }

  /** Reads part of a pack: from the store, or for a remote store from the whole pack fetched once. */
  int readPack(BlobId pack, long offset, byte[] dst, int dstOff, int len) throws IOException {
    if (windows == null) return store.read(packKey(pack), offset, dst, dstOff, len);
    return windows.read(pack, offset, dst, dstOff, len);
  }

  /** Reads part of a pack that holds trees: from the local cache when there is one (kept there whole on first read). */
  int readTreePack(BlobId pack, long offset, byte[] dst, int dstOff, int len) throws IOException {
    if (treeWindows == null) return readPack(pack, offset, dst, dstOff, len);
    return treeWindows.read(pack, offset, dst, dstOff, len);
  }

  /**
   * Tree packs of a cached remote repository, in memory once read (from the local cache, else from the
   * store and then kept in the cache): a walk of many trees reads each pack file once, not per tree.
   */
  private final PackWindows treeWindows;

  /** Creates a repository in an empty location. */
  public static Repository init(ObjectStore store, char[] password, ChunkerParams chunker, int packSize, int level,
      KeyFile.KdfParams kdf, InstantSource clock) throws IOException {
    return init(store, password, MasterKey.generate(RANDOM), chunker, packSize, level, kdf, clock, null);
  }

  /**
   * Creates an immutable repository (see {@link RepoConfig.Immutability}); {@code store} must be able
   * to lock objects, else CONFIG says why. Null {@code immutable} makes an ordinary one.
   */
  public static Repository init(ObjectStore store, char[] password, ChunkerParams chunker, int packSize, int level,
      KeyFile.KdfParams kdf, InstantSource clock, RepoConfig.Immutability immutable) throws IOException {
    return init(store, password, MasterKey.generate(RANDOM), chunker, packSize, level, kdf, clock, immutable);
  }

  /**
   * Creates a repository that shares {@code source}'s chunking parameters, blob-id key and chunker
   * seed, with its own encryption key: a copy between the two keeps every blob's id, so it copies
   * only what is missing and a blob can be read from either.
   */
  public static Repository initSharingIds(ObjectStore store, char[] password, Repository source, KeyFile.KdfParams kdf,
      InstantSource clock) throws IOException {
    return init(store, password, source, null, 0, 0, kdf, clock, new Extras(null, null));
  }

  /** Whether blobs keep their ids between this repository and {@code other} (see {@link #initSharingIds}). */
  public boolean sharesIdsWith(Repository other) {
    return sealer.masterKey().sharesIdsWith(other.sealer.masterKey()) && config.chunker().equals(other.config.chunker());
  }

  private static Repository init(ObjectStore store, char[] password, MasterKey key, ChunkerParams chunker, int packSize, int level,
      KeyFile.KdfParams kdf, InstantSource clock, RepoConfig.Immutability immutable) throws IOException {
    return init(store, password, key, chunker, packSize, level, kdf, clock, immutable, null);
  }

  /** The settings a new repository can have beyond its chunking: its lock and its packs' storage class (both may be null). */
  public record Extras(RepoConfig.Immutability immutable, String storageClass) {}

  /** Creates a repository with {@link Extras}; sharing {@code source}'s blob ids when it is not null. */
  public static Repository init(ObjectStore store, char[] password, Repository source, ChunkerParams chunker, int packSize, int level,
      KeyFile.KdfParams kdf, InstantSource clock, Extras extras) throws IOException {
    MasterKey key = source == null ? MasterKey.generate(RANDOM) : source.sealer.masterKey().sharingIds(RANDOM);
    if (source != null) {
      chunker = source.config.chunker();
      packSize = source.config.packSize();
      level = source.config.compressionLevel();
    }
    return init(store, password, key, chunker, packSize, level, kdf, clock, extras.immutable(), extras.storageClass());
  }

  private static Repository init(ObjectStore store, char[] password, MasterKey key, ChunkerParams chunker, int packSize, int level,
      KeyFile.KdfParams kdf, InstantSource clock, RepoConfig.Immutability immutable, String storageClass) throws IOException {
    if (storageClass != null) store.packStorageClass(storageClass);
    if (immutable != null) requireLocking(store);
    Sealer.warmUp();
    KeySlots slots = new KeySlots(store);
    if (store.stat(CONFIG).isPresent() || !slots.isEmpty()) {
      throw new CairnException(ErrorCode.CONFLICT, "a repository already exists at " + store.location());
    }
    Instant now = clock.instant();
    byte[] rid = new byte[16];
    RANDOM.nextBytes(rid);
    RepoConfig cfg = new RepoConfig(RepoConfig.VERSION, HexFormat.of().formatHex(rid), now, chunker, packSize, level, immutable,
        storageClass);
    Sealer s = new Sealer(key, RANDOM);
    // key first, then config: a location without config is not (yet) a repository
    slots.add(key, password, kdf, now);
    Repository r = new Repository(store, cfg, key, clock); // locks new objects from here on when immutable
    byte[] sealed = s.seal('C', Json.MAPPER.writeValueAsBytes(cfg));
    store.put(CONFIG, sealed, 0, sealed.length, false);
    return r;
  }

  /** Opens a repository: checks the config's format, then tries each key slot. */
  public static Repository open(ObjectStore store, char[] password, InstantSource clock) throws IOException {
    return open(store, password, clock, NO_COLLECTION);
  }

  private static final Runnable NO_COLLECTION = () -> {};

  /**
   * Like {@link #open(ObjectStore, char[], InstantSource)}; {@code afterBulkGarbage} runs when a step
   * left much garbage behind (the key derivation, loading a large index). A short-lived command
   * passes {@code System::gc}, so the rest of its work reuses that memory instead of growing the heap
   * (peak RSS); a long-running process, whose other jobs a full collection would stop, passes
   * nothing. The library itself never asks for a collection.
   */
  public static Repository open(ObjectStore store, char[] password, InstantSource clock, Runnable afterBulkGarbage)
      throws IOException {
    return open(store, password, clock, afterBulkGarbage, null);
  }

  /**
   * Like {@link #open(ObjectStore, char[], InstantSource, Runnable)}; a repository in a remote store
   * then keeps its index objects, snapshots, group manifests and tree packs in a local cache under
   * {@code cacheRoot}/<repository id> ({@link io.cairn.engine.store.CachingStore}); null for none.
   */
  public static Repository open(ObjectStore store, char[] password, InstantSource clock, Runnable afterBulkGarbage, java.nio.file.Path cacheRoot)
      throws IOException {
    byte[] sealedConfig;
    try {
      sealedConfig = store.get(CONFIG);
    } catch (MissingObjectException e) {
      throw new CairnException(ErrorCode.REPOSITORY_NOT_FOUND, "no repository at " + store.location()
          + " (no config object)", Remedy.CHECK_LOCATION_OR_INIT);
    }
    if (sealedConfig.length >= 7 && Arrays.equals(sealedConfig, 0, 5, Sealer.MAGIC, 0, 5) && sealedConfig[6] != Sealer.VERSION) {
      throw new UnsupportedFormatVersionException("repository " + store.location(), "format", sealedConfig[6] & 0xff,
          Sealer.VERSION);
    }
    MasterKey key;
    String slot;
    boolean recovery = io.cairn.engine.crypto.RecoveryKey.looksLike(password);
    if (recovery) {
      key = io.cairn.engine.crypto.RecoveryKey.parse(password).key();
      slot = "recovery key";
    } else {
      KeySlots.Opened opened = new KeySlots(store).open(password);
      key = opened.key();
      slot = opened.slot();
      // the key derivation leaves tens of megabytes of garbage in the old generation
      afterBulkGarbage.run();
    }
    Sealer s = new Sealer(key, RANDOM);
    byte[] plain;
    try {
      plain = s.open(CONFIG, 'C', sealedConfig);
    } catch (CorruptObjectException e) {
      if (recovery) {
        throw new CairnException(ErrorCode.WRONG_PASSWORD, "the recovery key does not open repository " + store.location()
            + " (it is another repository's, or the config is damaged)");
      }
      throw new CairnException(ErrorCode.DATA_DAMAGED, "the config of repository " + store.location() + " is damaged: "
          + e.getMessage(), e);
    }
    RepoConfig cfg = Json.MAPPER.readValue(plain, RepoConfig.class);
    if (recovery && !io.cairn.engine.crypto.RecoveryKey.parse(password).repositoryId().equals(cfg.id())) {
      throw new CairnException(ErrorCode.WRONG_PASSWORD, "the recovery key names repository "
          + io.cairn.engine.crypto.RecoveryKey.parse(password).repositoryId() + ", not " + cfg.id() + " at " + store.location());
    }
    if (cfg.version() != RepoConfig.VERSION) {
      throw new UnsupportedFormatVersionException("repository " + store.location(), "format", cfg.version(), RepoConfig.VERSION);
    }
    ObjectStore used = cacheRoot != null && store.capabilities().contains(ObjectStore.Capability.REMOTE)
        ? new io.cairn.engine.store.CachingStore(store, cacheRoot.resolve(cfg.id())) : store;
    Repository r = new Repository(used, cfg, key, clock);
    r.keySlot = slot;
    r.afterBulkGarbage = afterBulkGarbage;
    return r;
  }

  /** The key slots (see {@link KeySlots}). */
  public List<KeySlots.Slot> keySlots() throws IOException {
    return new KeySlots(store).list();
  }

  /** Adds a key slot that opens this repository with {@code password}; returns its id. */
  public String addKey(char[] password, KeyFile.KdfParams kdf) throws IOException {
    return new KeySlots(store).add(sealer.masterKey(), password, kdf, clock.instant());
  }

  /** Removes a key slot; the last one cannot go. */
  public void removeKey(String id) throws IOException {
    new KeySlots(store).remove(id);
  }

  /** This repository's recovery key (see {@link io.cairn.engine.crypto.RecoveryKey}): opens it without a password. */
  public String recoveryKey() {
    return io.cairn.engine.crypto.RecoveryKey.format(config.id(), sealer.masterKey());
  }

  /** The id of the key slot that opened this repository ("recovery key" when that opened it; null right after init). */
  public String keySlot() {
    return keySlot;
  }

  public ObjectStore store() {
    return store;
  }

  public RepoConfig config() {
    return config;
  }

  public Sealer sealer() {
    return sealer;
  }

  public FastCdc chunker() {
    return chunker;
  }

  public InstantSource clock() {
    return clock;
  }

  public static String packKey(BlobId pack) {
    String h = pack.toString();
    return "data/" + h.substring(0, 2) + "/" + h;
  }

  public static BlobId packIdOf(String key) {
    return BlobId.fromHex(key.substring(key.lastIndexOf('/') + 1));
  }

  /** This machine's name as recorded in snapshots: $HOSTNAME, else the resolver's name. */
  public static String hostname() {
    String h = System.getenv("HOSTNAME");
    if (h != null && !h.isBlank()) return h;
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  /** The index, loaded from every index object on first use. */
  public MemIndex index() throws IOException {
    MemIndex i = index;
    if (i == null) {
      synchronized (this) {
        if (index == null) index = loadIndex();
        i = index;
      }
    }
    return i;
  }

  /** Drops the loaded index; the next {@link #index()} reads the index objects again. */
  public synchronized void forgetIndex() {
    index = null;
    hidden = null;
    if (windows != null) windows.clear();
    if (treeWindows != null) treeWindows.clear();
  }

  private MemIndex loadIndex() throws IOException {
    MemIndex idx = loadIndex(doomedPacks(), new ArrayList<>());
    // reading index objects leaves their bytes (megabytes each, allocated straight in the old
    // generation) and the sort's first copy (off-heap) behind
    if (idx.size() > 100_000) afterBulkGarbage.run();
    return idx;
  }

  /**
   * Loads every index object, skipping entries of the packs in {@code exclude}; the keys of the
   * objects read are added to {@code keysRead}.
   */
  public MemIndex loadIndex(Set<BlobId> exclude, List<String> keysRead) throws IOException {
    MemIndex idx = new MemIndex();
    // two buffers reused for every object: index objects can be tens of megabytes, and arrays that
    // large go straight to the old generation, where they would pile up until a full collection
    byte[] sealed = new byte[0];
    byte[] plain = new byte[0];
    for (ObjectInfo o : store.list("index/")) {
      try {
        long size = o.size();
        if (size > Integer.MAX_VALUE - 64) throw new CorruptObjectException(o.key(), "index object is too large");
        if (sealed.length < size) {
          sealed = new byte[(int) size];
          plain = new byte[(int) size];
        }
        int got = store.read(o.key(), 0, sealed, 0, (int) size);
        if (got != size) throw new CorruptObjectException(o.key(), "index object changed size while read");
        int n = sealer.openInto(o.key(), 'I', sealed, got, plain);
        IndexFormat.decodeInto(o.key(), plain, 0, n, idx, exclude);
        keysRead.add(o.key());
      } catch (CorruptObjectException e) {
        throw new CairnException(ErrorCode.DATA_DAMAGED, "index object " + o.key() + " is damaged: " + e.getMessage(), Remedy.REPAIR_INDEX, e);
      } catch (MissingObjectException e) {
        continue; // removed while listing
      }
    }
    idx.seal();
    return idx;
  }

  /** The packs listed by one index object. */
  public List<IndexFormat.PackBlobs> readIndexObject(String key) throws IOException {
    try {
      return IndexFormat.decode(key, sealer.open(key, 'I', store.get(key)));
    } catch (CorruptObjectException e) {
      throw new CairnException(ErrorCode.DATA_DAMAGED, "index object " + key + " is damaged: " + e.getMessage(), Remedy.REPAIR_INDEX, e);
    }
  }

  /** The records of one kind in this repository. */
  public <T> RecordStore<T> records(RecordKind<T> kind) {
    return new RecordStore<>(store, sealer, kind);
  }

  /** Every garbage plan of an unfinished prune (see {@link GarbagePlan}). */
  public List<GarbagePlan> garbagePlans() throws IOException {
    List<GarbagePlan> out = new ArrayList<>();
    for (var r : records(GarbagePlan.RECORDS).list((key, e) -> {
      throw new CairnException(ErrorCode.DATA_DAMAGED, "garbage plan " + key + " is damaged: " + e.getMessage(), Remedy.REMOVE_GARBAGE_PLAN, e);
    })) {
      out.add(r.value());
    }
    out.sort(Comparator.comparing(GarbagePlan::created).thenComparing(GarbagePlan::id));
    return out;
  }

  /** Stores (or replaces) a garbage plan. */
  public void saveGarbagePlan(GarbagePlan plan) throws IOException {
    records(GarbagePlan.RECORDS).put(plan.id(), plan, false);
  }

  /** The packs some garbage plan is about to delete. */
  public Set<BlobId> doomedPacks() throws IOException {
    Set<BlobId> out = new HashSet<>();
    for (GarbagePlan p : garbagePlans()) for (String h : p.packs()) out.add(BlobId.fromHex(h));
    return out;
  }

  /**
   * Indexes packs that no index object names (left by a backup that was stopped before writing
   * its index, or just stored by a backup running beside this one), from their trailers, and writes
   * an index object for them, so their blobs are reused instead of stored again. A pack whose
   * trailer cannot be read is left alone (check reports it). Returns the number of packs adopted.
   */
  public int adoptUnindexedPacks() throws IOException {
    MemIndex idx = index();
    Set<BlobId> known = new HashSet<>(idx.packs());
    known.addAll(doomedPacks()); // never bring back what a prune is deleting
    Map<BlobId, List<PackEntry>> adopted = new LinkedHashMap<>();
    store.forEach("data/", o -> {
      BlobId pack;
      try {
        pack = packIdOf(o.key());
      } catch (IllegalArgumentException e) {
        return;
      }
      if (known.contains(pack)) return;
      try {
        adopted.put(pack, readPackTrailer(pack)); // the pack's end only, not the whole pack
      } catch (CorruptObjectException | MissingObjectException e) {
        // damaged or gone: not adopted
      }
    });
    if (adopted.isEmpty()) return 0;
    saveIndex(adopted);
    for (Map.Entry<BlobId, List<PackEntry>> e : adopted.entrySet()) idx.add(e.getKey(), e.getValue());
    return adopted.size();
  }

  /**
   * Removes files in {@code tmp/} older than {@code age}: temp files of writes that a crash cut
   * short. Young ones may belong to a backup running now and are left alone.
   */
  public int sweepTemp(Duration age) throws IOException {
    return store.sweepTemp(clock.instant().minus(age));
  }

  /** Stores an index object describing packs already stored. */
  public BlobId saveIndex(Map<BlobId, List<PackEntry>> packs) throws IOException {
    byte[] plain = IndexFormat.encode(List.of(), packs);
    byte[] sealed = sealer.seal('I', plain);
    BlobId id = sealer.masterKey().id(plain, 0, plain.length);
    store.put("index/" + id, sealed, 0, sealed.length, true);
    return id;
  }

  /**
   * A pack's entries from its trailer, read from its end (header, footer and trailer only; the
   * blobs are not read). {@link MissingObjectException} when the pack is gone,
   * {@link CorruptObjectException} when the trailer cannot be read.
   */
  public List<PackEntry> readPackTrailer(BlobId pack) throws IOException {
    String key = packKey(pack);
    long size = store.stat(key).orElseThrow(() -> new MissingObjectException(key)).size();
    byte[] salt = PackFormat.readHeader(key, store.get(key, 0, PackFormat.HEADER));
    int toff = PackFormat.trailerOffset(key, store.get(key, size - PackFormat.FOOTER, PackFormat.FOOTER), size);
    byte[] t = store.get(key, toff, (int) (size - PackFormat.FOOTER - toff));
    return PackFormat.openTrailer(key, sealer, salt, t, 0, toff, t.length);
  }

  /** The pack key of a pack, read from its header once. */
  public byte[] packKeyOf(BlobId pack) throws IOException {
    byte[] k = packKeys.get(pack);
    if (k == null) {
      String key = packKey(pack);
      byte[] header;
      if (treeWindows != null && ((io.cairn.engine.store.CachingStore) store).has(key)) {
        header = new byte[PackFormat.HEADER]; // a cached tree pack: read (and checked) once, whole, for its trees too
        if (treeWindows.read(pack, 0, header, 0, PackFormat.HEADER) != PackFormat.HEADER) header = store.get(key, 0, PackFormat.HEADER);
      } else {
        header = store.get(key, 0, PackFormat.HEADER);
      }
      k = sealer.packKey(PackFormat.readHeader(key, header));
      packKeys.put(pack, k);
    }
    return k;
  }

  /**
   * Borrows a reader: its buffers and decompression contexts are the repository's, lent to one user
   * at a time and given back by {@link BlobReader#close}, so no thread keeps them after this
   * repository is closed.
   */
  public BlobReader reader() {
    return readers.take().lend();
  }

  void giveBack(BlobReader r) {
    readers.give(r);
  }

  /** Reads, decrypts, decompresses and verifies a blob. */
  public byte[] readBlob(BlobId id) throws IOException {
    try (BlobReader r = reader()) {
      return r.read(locate(id));
    }
  }

  /** Hands a blob's plaintext to {@code sink} in pieces ({@link BlobReader#decodeStreaming}). */
  public void readBlobStreaming(BlobId id, PlainSink sink) throws IOException {
    readBlobStreaming(locate(id), sink);
  }

  /** {@link #readBlobStreaming(BlobId, PlainSink)} of a blob already looked up with {@link #find}. */
  @Override
  public void readBlobStreaming(MemIndex.Location loc, PlainSink sink) throws IOException {
    try (BlobReader r = reader()) {
      r.readStreaming(loc, sink);
    }
  }

  /** Where a blob is stored: the index, else a pack a waiting prune hides; null when neither has it. */
  @Override
  public MemIndex.Location find(BlobId id) throws IOException {
    MemIndex.Location loc = index().lookup(id);
    return loc != null ? loc : hiddenLocation(id);
  }

  private MemIndex.Location locate(BlobId id) throws IOException {
    MemIndex.Location loc = find(id);
    if (loc == null) throw new MissingObjectException("blob " + id + " (not in the index)");
    return loc;
  }

  private volatile Map<BlobId, MemIndex.Location> hidden;

  /**
   * Where a blob is when only a pack that a garbage plan hides holds it. A backup that read the
   * index before the plan existed may have reused it; until the prune's re-check keeps that pack
   * (and indexes it again), reads find the blob here, so restore and check work in that window
   * too. Never used for dedup: new backups must not come to depend on hidden packs. The hidden
   * packs' trailers are read on the first miss only.
   */
  public MemIndex.Location hiddenLocation(BlobId id) throws IOException {
    Map<BlobId, MemIndex.Location> m = hidden;
    if (m == null) {
      m = new HashMap<>();
      for (BlobId p : doomedPacks()) {
        try {
          for (PackEntry e : readPackTrailer(p)) m.putIfAbsent(e.id(), new MemIndex.Location(p, e));
        } catch (MissingObjectException | CorruptObjectException gone) {
          // deleted by an interrupted sweep, or unreadable: holds nothing to read
        }
      }
      hidden = m;
    }
    return m.get(id);
  }

  @Override
  public List<Node> readTree(BlobId id) throws IOException {
    synchronized (treeCache) {
      List<Node> t = treeCache.get(id);
      if (t != null) return t;
    }
    List<Node> t = TreeCodec.decode("tree " + id, readBlob(id));
    synchronized (treeCache) {
      if (treeCache.put(id, t) == null) treeCacheNodes += t.size();
    }
    return t;
  }

  public BlobId saveSnapshot(Snapshot s) throws IOException {
    return records(Snapshot.RECORDS).putContentAddressed(s);
  }

  public Snapshot loadSnapshot(BlobId id) throws IOException {
    return checked(id.toString(), records(Snapshot.RECORDS).get(id.toString()));
  }

  private Snapshot checked(String name, Snapshot s) throws IOException {
    if (s.version() != Snapshot.VERSION) {
      throw new UnsupportedFormatVersionException(Snapshot.RECORDS.prefix() + name, "snapshot format", s.version(), Snapshot.VERSION);
    }
    return s.withId(BlobId.fromHex(name));
  }

  /** Every pin, by snapshot id (expired ones included; see {@link Pin#holdsAt}). */
  public Map<BlobId, Pin> pins() throws IOException {
    Map<BlobId, Pin> out = new LinkedHashMap<>();
    for (var r : records(Pin.RECORDS).list((key, e) -> {
      throw new CairnException(ErrorCode.DATA_DAMAGED, "pin " + key + " is damaged: " + e.getMessage(), Remedy.PIN_AGAIN, e);
    })) {
      out.put(BlobId.fromHex(r.value().snapshot()), r.value());
    }
    return out;
  }

  public void savePin(Pin pin) throws IOException {
    records(Pin.RECORDS).put(pin.snapshot(), pin, false);
  }

  public void removePin(BlobId snapshot) throws IOException {
    records(Pin.RECORDS).delete(snapshot.toString());
  }

  /** Stores the record of a check (see {@link CheckRecord}). */
  public void saveCheckRecord(CheckRecord r) throws IOException {
    records(CheckRecord.RECORDS).put(r.id(), r, true);
  }

  /** Every check record, oldest first; a damaged one is skipped (it is only evidence). */
  public List<CheckRecord> checkRecords() throws IOException {
    List<CheckRecord> out = new ArrayList<>();
    for (var r : records(CheckRecord.RECORDS).list(RecordStore.SKIP)) out.add(r.value());
    out.sort(Comparator.comparing(CheckRecord::time).thenComparing(CheckRecord::id));
    return out;
  }

  /**
   * Forgets a snapshot: removes its object (its data stays until prune). In an immutable repository a
   * snapshot whose lock has not run out is refused (LOCKED, saying until when); once it has, its
   * object is removed for good, every version.
   */
  public void forgetSnapshot(BlobId id) throws IOException {
    if (immutable()) {
      String key = Snapshot.RECORDS.prefix() + id;
      Instant until = lockedUntil(key);
      if (until != null) {
        throw new CairnException(ErrorCode.LOCKED, "snapshot " + id.shortHex() + " is locked until " + until + " (object lock, "
            + config.immutable().mode().name().toLowerCase(java.util.Locale.ROOT) + "); it can be forgotten after that");
      }
      store.purge(List.of(key));
      return;
    }
    records(Snapshot.RECORDS).delete(id.toString());
  }

  /** Every snapshot, oldest first. A damaged snapshot object is reported, not skipped silently. */
  public List<Snapshot> snapshots() throws IOException {
    List<Snapshot> out = new ArrayList<>();
    for (var r : records(Snapshot.RECORDS).list((key, e) -> {
      throw new CairnException(ErrorCode.DATA_DAMAGED, "snapshot object " + key + " is damaged: " + e.getMessage(), e);
    })) {
      BlobId id;
      try {
        id = BlobId.fromHex(r.name());
      } catch (IllegalArgumentException e) {
        throw new CairnException(ErrorCode.DATA_DAMAGED, "snapshot object " + Snapshot.RECORDS.prefix() + r.name()
            + " is damaged: its name is not an id", e);
      }
      out.add(checked(id.toString(), r.value()));
    }
    out.sort(Comparator.comparing(Snapshot::time).thenComparing(s -> s.id().toString()));
    return out;
  }

  /** Resolves an id, a unique id prefix, or "latest" (optionally among snapshots of given paths/host). */
  public Snapshot resolve(String ref) throws IOException {
    List<Snapshot> all = snapshots();
    if (ref.equals("latest")) {
      if (all.isEmpty()) throw new CairnException(ErrorCode.NOT_FOUND, "repository " + store.location() + " has no snapshots yet");
      return all.get(all.size() - 1);
    }
    if (!ref.matches("[0-9a-f]{1,64}")) {
      throw new CairnException(ErrorCode.USAGE, "'" + ref + "' is not a snapshot id, id prefix or 'latest'");
    }
    List<Snapshot> m = all.stream().filter(s -> s.id().toString().startsWith(ref)).toList();
    if (m.isEmpty()) throw new CairnException(ErrorCode.NOT_FOUND, "no snapshot " + ref + " in " + store.location());
    if (m.size() > 1) throw new CairnException(ErrorCode.USAGE, "snapshot prefix " + ref + " is ambiguous (" + m.size() + " match); give more digits");
    return m.get(0);
  }

  /** A shared lease: a prune that marks meanwhile waits before deleting packs a reader needs. */
  @Override
  public Closeable holdForReading() {
    return new Leases(this).tryAcquireShared(Leases.DEFAULT_TTL);
  }

  /** Loads the index. */
  @Override
  public void prepare() throws IOException {
    index();
  }

  @Override
  public void close() throws IOException {
    readers.close();
    if (windows != null) windows.clear(); // and the spill file with them: a long-running process closes many repositories
    if (treeWindows != null) treeWindows.clear();
    store.close();
  }
}
