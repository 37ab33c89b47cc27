package io.cairn.service;

import java.time.Duration;

/** Times the phases of a use case and reports each to the listener as it ends. */
final class Timer {
  private final Listener listener;
  private final long start = System.nanoTime();
  private long mark = start;

  Timer(Listener listener) {
    this.listener = listener;
  }

  /** Ends the phase that began at the previous mark (or at the start). */
  void phase(String name) {
    long now = System.nanoTime();
    listener.phase(name, Duration.ofNanos(now - mark));
    mark = now;
  }

  long elapsedMillis() {
    return (System.nanoTime() - start) / 1_000_000;
  }
}
