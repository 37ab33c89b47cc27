package io.cairn.service;

import io.cairn.catalog.Catalog;
import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.Remedy;
import io.cairn.engine.crypto.Sealer;
import io.cairn.engine.repo.Repository;
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Map;

/**
 * The composition root every service works in: validated settings, the clock, where passwords come
 * from, the catalog and the store factory. One workspace serves any number of concurrent jobs: each
 * use case opens the repositories it needs and closes them; the catalog (and its connection pool) is
 * opened on first use and shared until {@link #close} — a command's one use, or a server's life.
 */
public final class Workspace implements AutoCloseable {
  private final Settings settings;
  private final InstantSource clock;
  private final Secrets secrets;
  private final StoreFactory stores;
  private final Runnable afterBulkGarbage;
  private final Workspace parent;
  /** Locations whose credentials here may add but not delete (see {@link #appendOnly}). */
  private java.util.function.Predicate<String> appendOnly = l -> false;
  private Catalog catalog; // guarded by this
  private boolean closed; // guarded by this

  /**
   * @param catalog the catalog: an SQLite file or a {@code jdbc:postgresql:} URL; null when off
   * @param threads worker threads for bulk work (restore, check); 0 for the number of processors
   */
  public record Settings(String catalog, int threads, java.nio.file.Path cache) {
    public Settings {
      if (threads < 0) throw new IllegalArgumentException("threads must not be negative: " + threads);
      if (catalog != null && catalog.isBlank()) catalog = null;
    }

    /** Settings without a local cache for remote repositories. */
    public Settings(String catalog, int threads) {
      this(catalog, threads, null);
    }

    /**
     * Where the local cache of remote repositories lives, from an environment: {@code CAIRN_CACHE_DIR},
     * else {@code $XDG_CACHE_HOME/cairn}, else {@code ~/.cache/cairn}; null when {@code CAIRN_CACHE=off}.
     */
    public static java.nio.file.Path cacheDir(Map<String, String> env, java.nio.file.Path home) {
      if ("off".equals(env.get("CAIRN_CACHE"))) return null;
      String d = env.get("CAIRN_CACHE_DIR");
      if (d != null && !d.isBlank()) return java.nio.file.Path.of(d);
      String xdg = env.get("XDG_CACHE_HOME");
      return (xdg != null && !xdg.isBlank() ? java.nio.file.Path.of(xdg) : home.resolve(".cache")).resolve("cairn");
    }

    public int workers() {
      return threads > 0 ? threads : Math.max(2, Runtime.getRuntime().availableProcessors());
    }
  }

  /** A workspace for a long-running process: nothing here asks for a garbage collection. */
  public Workspace(Settings settings, InstantSource clock, Secrets secrets, StoreFactory stores) {
    this(settings, clock, secrets, stores, () -> {});
  }

  /**
   * @param afterBulkGarbage run when opening a repository or loading its index left much garbage: a
   *     short-lived command passes {@code System::gc} to keep its peak memory down; a server does not
   */
  public Workspace(Settings settings, InstantSource clock, Secrets secrets, StoreFactory stores, Runnable afterBulkGarbage) {
    this(settings, clock, secrets, stores, afterBulkGarbage, null);
  }

  private Workspace(Settings settings, InstantSource clock, Secrets secrets, StoreFactory stores, Runnable afterBulkGarbage,
      Workspace parent) {
    this.parent = parent;
    this.settings = settings;
    this.clock = clock;
    this.secrets = secrets;
    this.stores = stores;
    this.afterBulkGarbage = afterBulkGarbage;
  }

  public Settings settings() {
    return settings;
  }

  public InstantSource clock() {
    return clock;
  }

  public StoreFactory stores() {
    return stores;
  }

  public Secrets secrets() {
    return secrets;
  }

  /** What a command is about to do with the repository's crypto, to warm it up while the password is stretched. */
  public enum Use {
    /** Reads metadata, or writes little. */
    PLAIN,
    /** Decrypts in bulk (restore, check). */
    DECRYPT,
    /** Encrypts and decrypts in bulk (prune's repacking). */
    BOTH
  }

  /** Opens the repository at a location with the password {@link Secrets} gives for it. */
  public Repository open(String location, Use use) throws IOException {
    if (use != Use.PLAIN) Sealer.warmUp(use == Use.BOTH, true);
    char[] pw = secrets.password(location); // first: a password that cannot be had leaves no store open
    var store = stores.open(location);
    try {
      return Repository.open(store, pw, clock, afterBulkGarbage, settings.cache());
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    } finally {
      Arrays.fill(pw, '\0');
    }
  }

  /**
   * The catalog, opened on first use and shared by every use case until {@link #close}; callers do not
   * close it. Fails when it is off (for use cases that are about the catalog).
   */
  public synchronized Catalog catalog() {
    if (parent != null) return parent.catalog();
    if (settings.catalog() == null) {
      throw new CairnException(ErrorCode.USAGE, "the catalog is off", Remedy.NAME_CATALOG);
    }
    if (closed) throw new IllegalStateException("workspace closed");
    if (catalog == null) catalog = Catalog.open(settings.catalog(), clock);
    return catalog;
  }

  /**
   * This workspace with passwords from {@code first} (a policy's references), falling back to this
   * one's; it shares this workspace's catalog and is closed with it.
   */
  public Workspace withSecrets(Secrets first) {
    return new Workspace(settings, clock, first, stores, afterBulkGarbage, this);
  }

  /** This workspace, opening stores with {@code stores} (a policy's endpoints and credentials); it shares this one's catalog. */
  public Workspace withStores(StoreFactory stores) {
    return new Workspace(settings, clock, secrets, stores, afterBulkGarbage, this);
  }

  /**
   * Whether this workspace's credentials for a location may only add (a bucket policy or a user
   * without delete rights): forget and prune then refuse before they try, naming what they need.
   */
  public boolean appendOnly(String location) {
    return appendOnly.test(location) || parent != null && parent.appendOnly(location);
  }

  /** This workspace, with {@code locations} (also) append-only; it shares this one's catalog. */
  public Workspace withAppendOnly(java.util.function.Predicate<String> locations) {
    Workspace w = new Workspace(settings, clock, secrets, stores, afterBulkGarbage, this);
    w.appendOnly = locations;
    return w;
  }

  /** Fails, naming the use case, when the credentials for {@code location} may not delete. */
  void requireDeleteRights(String location, String what) {
    if (appendOnly(location)) {
      throw new CairnException(ErrorCode.LOCKED, what + " is refused: the credentials for " + location + " are append-only here (they"
          + " may add points, copy and check, not delete); run it where the privileged credentials are");
    }
  }

  /** Closes the catalog (its connection pool), if it was opened. */
  @Override
  public synchronized void close() {
    closed = true;
    if (catalog != null) catalog.close();
    catalog = null;
  }

  /**
   * Brings the catalog up to date with a repository a use case changed. Never fails the use case:
   * the catalog is derived, and a failure is a warning to the listener naming the way to catch up.
   */
  public void updateCatalog(Repository repo, String location, Listener listener) {
    if (settings.catalog() == null) return;
    long t0 = System.nanoTime();
    try {
      catalog().sync(repo, stores.canonical(location));
    } catch (IOException | RuntimeException | LinkageError e) {
      listener.warning("catalog not updated (" + Failures.describe(e) + ")", Remedy.CATALOG_SYNC);
    }
    listener.phase("catalog", Duration.ofNanos(System.nanoTime() - t0));
  }
}
