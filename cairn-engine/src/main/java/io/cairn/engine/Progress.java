package io.cairn.engine;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Live counters of a running backup, capture or restore: the engine adds to them as it goes, and
 * whoever watches (a service's listener, a progress line, a server's events) reads them at any time
 * from any thread. Items are files; totals are 0 until known.
 */
public final class Progress {
  public final AtomicLong itemsDone = new AtomicLong();
  public final AtomicLong itemsTotal = new AtomicLong();
  public final AtomicLong bytesDone = new AtomicLong();
  public final AtomicLong bytesTotal = new AtomicLong();
  /** Bytes read from the source (a backup reads what it then finds unchanged in the parent, too). */
  public final AtomicLong bytesRead = new AtomicLong();
  /** Items that could not be processed (listed in the outcome). */
  public final AtomicLong errors = new AtomicLong();
}
