package io.cairn.engine.gc;

import io.cairn.engine.CairnException;
import io.cairn.engine.CorruptObjectException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.Json;
import io.cairn.engine.MissingObjectException;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.store.ObjectInfo;
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
 * if an older live maintenance lease exists.
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
    for (ObjectInfo o : repo.store().list(PREFIX)) {
      try {
        out.add(Json.MAPPER.readValue(repo.sealer().open(o.key(), 'L', repo.store().get(o.key())), Lease.class));
      } catch (MissingObjectException gone) {
        // released while listing
      } catch (CorruptObjectException | com.fasterxml.jackson.core.JacksonException e) {
        // a damaged lease protects nothing: it is treated as expired (and removed by unlock)
      }
    }
    out.sort(Comparator.comparing(Lease::created).thenComparing(Lease::id));
    return out;
  }

  /** The leases not expired at the repository clock's now. */
  public List<Lease> live() throws IOException {
    Instant now = repo.clock().instant();
    return list().stream().filter(l -> !l.expiredAt(now)).toList();
  }

  /** Removes expired leases (and unreadable ones); returns how many. */
  public int removeExpired() throws IOException {
    Instant now = repo.clock().instant();
    List<String> keep = new ArrayList<>();
    for (Lease l : list()) if (!l.expiredAt(now)) keep.add(PREFIX + l.id());
    int n = 0;
    for (ObjectInfo o : repo.store().list(PREFIX)) {
      if (!keep.contains(o.key())) {
        repo.store().delete(o.key());
        n++;
      }
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

  /** Takes a shared backup lease. */
  public Held acquireBackup(Duration ttl) throws IOException {
    return write(Lease.Kind.BACKUP, ttl);
  }

  /**
   * Takes the maintenance lease, or fails with {@link ErrorCode#LOCKED} naming the holder when
   * another live one is older.
   */
  public Held acquireMaintenance(Duration ttl) throws IOException {
    Held h = write(Lease.Kind.MAINTENANCE, ttl);
    for (Lease l : live()) {
      if (l.kind() == Lease.Kind.MAINTENANCE && !l.id().equals(h.lease.id())
          && Comparator.comparing(Lease::created).thenComparing(Lease::id).compare(l, h.lease) < 0) {
        h.close();
        throw new CairnException(ErrorCode.LOCKED, "repository " + repo.store().location() + " is being maintained: "
            + l.describe() + ", expires " + l.expires() + " unless renewed; try again later ('cairn unlock' removes it"
            + " if that process is gone)");
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
  public final class Held implements AutoCloseable {
    private volatile Lease lease;
    private volatile Instant lastWritten;
    private volatile IOException refreshFailure;
    private Thread refresher;

    private Held(Lease lease) {
      this.lease = lease;
    }

    public Lease lease() {
      return lease;
    }

    private void put(Lease l) throws IOException {
      byte[] sealed = repo.sealer().seal('L', Json.MAPPER.writeValueAsBytes(l));
      repo.store().put(PREFIX + l.id(), sealed, 0, sealed.length, false);
      lease = l;
      lastWritten = l.refreshed();
    }

    private void start() {
      long every = Math.max(200, lease.ttlSeconds() * 1000 / 3);
      refresher = Thread.ofPlatform().daemon().name("cairn-lease").start(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          try {
            Thread.sleep(every);
            put(lease.refreshedAt(repo.clock().instant()));
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
     * Throws unless the lease is still ours and never lapsed: it was rewritten within its time to
     * live and is still in the repository (nobody ran {@code unlock} on it).
     */
    public void ensureValid() throws IOException {
      Instant now = repo.clock().instant();
      boolean lapsed = !now.isBefore(lastWritten.plusSeconds(lease.ttlSeconds()));
      boolean present = repo.store().stat(PREFIX + lease.id()).isPresent();
      if (lapsed || !present) {
        throw new CairnException(ErrorCode.LOCKED, "this process's " + lease.describe() + (present ? " lapsed (not renewed since "
            + lastWritten + (refreshFailure != null ? ": " + refreshFailure.getMessage() : "") + ")" : " was removed (cairn unlock)")
            + "; maintenance may have reclaimed data it relied on, so nothing was committed; run it again");
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
      repo.store().delete(PREFIX + lease.id());
    }
  }
}
