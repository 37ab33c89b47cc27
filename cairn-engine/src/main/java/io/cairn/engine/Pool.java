package io.cairn.engine;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Reusable objects (buffers, codec contexts, ciphers) that the one who uses them borrows and gives
 * back. The owner of the pool (a repository, a writer, a key) owns what it holds, so nothing outlives
 * it on the threads that used it: a long-running process with many jobs and thread pools keeps no
 * buffer or key material of a repository it closed, as a static thread-local would.
 *
 * <p>Last in, first out, so the object just given back (warm in cache, grown to size) is the next one
 * out. At most {@code keep} objects wait for reuse; more given back are disposed of.
 */
public final class Pool<T> implements AutoCloseable {
  private final Supplier<T> make;
  private final Consumer<T> dispose;
  private final int keep;
  private final ConcurrentLinkedDeque<T> free = new ConcurrentLinkedDeque<>();
  private final AtomicInteger size = new AtomicInteger();
  private volatile boolean closed;

  public Pool(Supplier<T> make, Consumer<T> dispose, int keep) {
    this.make = make;
    this.dispose = dispose;
    this.keep = keep;
  }

  public Pool(Supplier<T> make, int keep) {
    this(make, t -> {}, keep);
  }

  /** As many as a process has threads working at once, with room to spare. */
  public static int defaultKeep() {
    return 2 * Runtime.getRuntime().availableProcessors() + 4;
  }

  public T take() {
    T t = free.pollFirst();
    if (t == null) return make.get();
    size.decrementAndGet();
    return t;
  }

  public void give(T t) {
    if (t == null) return;
    if (!closed && size.incrementAndGet() <= keep) {
      free.offerFirst(t);
      if (closed) drain(); // closed meanwhile: do not keep it
      return;
    }
    size.decrementAndGet();
    dispose.accept(t);
  }

  /** Disposes of what waits for reuse; objects still borrowed are disposed of when given back. */
  @Override
  public void close() {
    closed = true;
    drain();
  }

  private void drain() {
    for (T t; (t = free.pollFirst()) != null; ) {
      size.decrementAndGet();
      dispose.accept(t);
    }
  }
}
