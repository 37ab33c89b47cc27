package io.cairn.engine.gc;

import io.cairn.engine.Remedy;
import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.repo.RecordStore;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.store.ObjectInfo;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Takes, refreshes, lists and removes {@link Lease}s. Protocol (docs/repository-format.md,
 * "Leases"): a holder writes its lease, then acts; it rewrites the lease every third of the time to
 * live from one named daemon thread; before it publishes anything that depends on what it read at
 * the start (a backup's snapshot), it checks that its lease never lapsed, and gives up otherwise.
 * The maintenance lease is exclusive: after writing its own, a prune lists the leases and backs off
 * if any other live maintenance lease exists.
 */
public final class Leases {
  public static final String PREFIX = "locks/";
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);

  private final Repository repo;

  public Leases(Repository repo) {
    this.repo = repo;
  }

  /** Every lease in the repository, live or expired; a lease that cannot be read is skipped. */
  public List<Lease> list() throws IOException {
    List<Lease> out = new ArrayList<>();
    // a damaged lease protects nothing: it is treated as expired (and removed by unlock)
    for (var r : repo.records(Lease.RECORDS).list(RecordStore.SKIP)) out.add(r.value());
    out.sort(Comparator.comparing(Lease::created).thenComparing(Lease::id));
    return out;
  }

  /** The leases not expired at the repository clock's now. */
  public List<Lease> live() throws IOException {
    Instant now = repo.clock().instant();
    return list().stream().filter(l -> !l.expiredAt(now)).toList();
  }

  /**
   * Removes expired leases (and unreadable ones); returns how many. Only a lease read and found
   * expired (or unreadable) goes: one written meanwhile, by a backup starting now, is left alone.
   */
  public int removeExpired() throws IOException {
    Instant now = repo.clock().instant();
    int n = 0;
    RecordStore<Lease> leases = repo.records(Lease.RECORDS);
    List<String> doomed = new ArrayList<>();
    for (var r : leases.list((key, e) -> doomed.add(key.substring(PREFIX.length())))) { // a damaged lease protects nothing
      if (r.value().expiredAt(now)) doomed.add(r.name());
    }
    for (String name : doomed) {
      leases.delete(name);
      n++;
    }
    return n;
  }

  /** Removes every lease, live or not (the operator's {@code cairn unlock --all}); returns how many. */
  public int removeAll() throws IOException {
    int n = 0;
    for (ObjectInfo o : repo.store().list(PREFIX)) {
      repo.store().delete(o.key());
      n++;
    }
    return n;
  }

  /** Takes a shared lease (backups, restores, checks: anything that relies on the index it read). */
  public Held acquireShared(Duration ttl) throws IOException {
    return write(Lease.Kind.SHARED, ttl);
  }

  /**
   * A shared lease for a command that only reads, or null when the repository cannot be written
   * (read-only media): the command then runs unprotected, as it would have without leases.
   */
  public Held tryAcquireShared(Duration ttl) {
    try {
      return acquireShared(ttl);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Takes the maintenance lease, or fails with {@link ErrorCode#LOCKED} naming the holder when
   * another live one exists. Any other one, not only an older one: "older" is by the writers'
   * clocks, and a holder that already listed and went ahead must never be joined by a later writer
   * whose clock is behind. Two that write at the same moment may both back off; neither proceeds
   * alone unseen.
   */
  public Held acquireMaintenance(Duration ttl) throws IOException {
    Held h = write(Lease.Kind.MAINTENANCE, ttl);
    for (Lease l : live()) {
      if (l.kind() == Lease.Kind.MAINTENANCE && !l.id().equals(h.lease.id())) {
        h.close();
        throw new CairnException(ErrorCode.LOCKED, "repository " + repo.store().location() + " is being maintained: "
            + l.describe() + ", expires " + l.expires() + " unless renewed", Remedy.WAIT_OR_UNLOCK);
      }
    }
    return h;
  }

  private Held write(Lease.Kind kind, Duration ttl) throws IOException {
    byte[] id = new byte[16];
    ThreadLocalRandom.current().nextBytes(id);
    Instant now = repo.clock().instant();
    Lease l = new Lease(Lease.VERSION, HexFormat.of().formatHex(id), kind, Repository.hostname(), ProcessHandle.current().pid(),
        System.getProperty("user.name"), now, now, Math.max(1, ttl.toSeconds()), "cairn");
    Held h = new Held(l);
    h.put(l);
    h.start();
    return h;
  }

  /** A lease this process holds; closing it stops the refresher and removes the lease. */
  public final class Held implements Closeable {
    private volatile Lease lease;
    private volatile Instant lastWritten;
    private volatile IOException refreshFailure;
    /** Set for good once the lease went unrenewed past its time to live, even if renewed later. */
    private volatile String lapsed;
    private Thread refresher;

    private Held(Lease lease) {
      this.lease = lease;
    }

    public Lease lease() {
      return lease;
    }

    private void put(Lease l) throws IOException {
      repo.records(Lease.RECORDS).put(l.id(), l, false);
      lease = l;
      lastWritten = l.refreshed();
    }

    private void start() {
      long every = Math.max(200, lease.ttlSeconds() * 1000 / 3);
      refresher = Thread.ofPlatform().daemon().name("cairn-lease").start(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          try {
            Thread.sleep(every);
            refresh();
            refreshFailure = null;
          } catch (InterruptedException e) {
            return;
          } catch (IOException e) {
            refreshFailure = e; // retried next round; ensureValid reports it if the lease lapses
          }
        }
      });
    }

    /**
     * Rewrites the lease, unless it is gone: one removed meanwhile ({@code cairn unlock}, or a
     * prune that found it expired) is not written back, so {@link #ensureValid} reports it. A
     * renewal that comes after the time to live ran out marks the lease lapsed for good: a prune may
     * have taken it as gone in between.
     */
    private void refresh() throws IOException {
      Instant now = repo.clock().instant();
      if (lapsed == null && !now.isBefore(lastWritten.plusSeconds(lease.ttlSeconds()))) {
        lapsed = "not renewed between " + lastWritten + " and " + now;
      }
      if (repo.store().stat(PREFIX + lease.id()).isEmpty()) return;
      put(lease.refreshedAt(now));
    }

    /**
     * Throws unless the lease is still ours and never lapsed: it was rewritten within its time to
     * live every time and is still in the repository (nobody ran {@code unlock} on it).
     */
    public void ensureValid() throws IOException {
      Instant now = repo.clock().instant();
      String why = lapsed;
      if (why == null && !now.isBefore(lastWritten.plusSeconds(lease.ttlSeconds()))) {
        why = "not renewed since " + lastWritten + (refreshFailure != null ? ": " + refreshFailure.getMessage() : "");
      }
      boolean present = repo.store().stat(PREFIX + lease.id()).isPresent();
      if (why != null || !present) {
        throw new CairnException(ErrorCode.LOCKED, "this process's " + lease.describe() + (present ? " lapsed (" + why + ")"
            : " was removed (cairn unlock)") + "; maintenance may have reclaimed data it relied on, so nothing was committed; run it again");
      }
    }

    @Override
    public void close() throws IOException {
      if (refresher != null) {
        refresher.interrupt();
        try {
          refresher.join(10_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      try {
        repo.store().delete(PREFIX + lease.id());
      } catch (IOException e) {
        // credentials that may not delete (append-only), or the store went away: the lease runs out by
        // its time to live, and only a prune waits for it meanwhile; what it protected is committed
      }
    }
  }
}
