package io.cairn.service;

import io.cairn.engine.Remedy;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * What a running use case tells whoever watches it: the CLI's progress line, later a server's
 * events and metrics. Every method has a default that ignores the call, and any may be called from
 * any thread, so an implementation must be thread-safe.
 */
public interface Listener {
  /** Ignores everything. */
  Listener NONE = new Listener() {};

  /** A long step began; {@code progress} can be sampled until {@link #finished}. */
  default void started(String operation, Progress progress) {}

  /** The long step ended (successfully or not). */
  default void finished(String operation) {}

  /** A phase of the use case took {@code took} (open, index, walk, write, catalog, ...). */
  default void phase(String name, Duration took) {}

  /**
   * Something the user should know that did not fail the use case (the catalog not updated, ...), and
   * what to do about it (null when nothing), for the surface to render.
   */
  default void warning(String message, Remedy remedy) {}

  /** Counters of a running step, read at any time from any thread; -1 where not known (yet). */
  interface Progress {
    /** Files, packs or other units done. */
    long itemsDone();

    long itemsTotal();

    long bytesDone();

    long bytesTotal();

    long errors();

    /** A view of the engine's counters; a total of 0 reads as not known (-1). */
    static Progress of(io.cairn.engine.Progress p) {
      return of(p.itemsDone::get, () -> unknownIfZero(p.itemsTotal.get()), p.bytesDone::get,
          () -> unknownIfZero(p.bytesTotal.get()), p.errors::get);
    }

    private static long unknownIfZero(long n) {
      return n == 0 ? -1 : n;
    }

    /** A view of counters kept elsewhere. */
    static Progress of(LongSupplier itemsDone, LongSupplier itemsTotal, LongSupplier bytesDone, LongSupplier bytesTotal,
        LongSupplier errors) {
      return new Progress() {
        @Override
        public long itemsDone() {
          return itemsDone.getAsLong();
        }

        @Override
        public long itemsTotal() {
          return itemsTotal.getAsLong();
        }

        @Override
        public long bytesDone() {
          return bytesDone.getAsLong();
        }

        @Override
        public long bytesTotal() {
          return bytesTotal.getAsLong();
        }

        @Override
        public long errors() {
          return errors.getAsLong();
        }
      };
    }
  }
}
