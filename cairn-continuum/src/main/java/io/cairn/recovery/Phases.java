package io.cairn.recovery;

import io.cairn.engine.evidence.RecoveryRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The phases of one recovery as they run (on the injected clock), from any member's thread. */
final class Phases {
  /** Who hears of each phase as it ends. */
  interface Sink {
    void ended(RecoveryRecord.Phase p);
  }

  private final InstantSource clock;
  private final Sink sink;
  private final List<RecoveryRecord.Phase> done = new ArrayList<>();

  Phases(InstantSource clock, Sink sink) {
    this.clock = clock;
    this.sink = sink;
  }

  /** A phase under way: {@link #ok} or {@link #failed} ends it (the first call counts). */
  final class Timed {
    private final String name;
    private final String asset;
    private final Instant start;
    private boolean ended;

    private Timed(String name, String asset) {
      this.name = name;
      this.asset = asset;
      this.start = clock.instant();
    }

    void ok(String detail) {
      end(true, detail);
    }

    void failed(String detail) {
      end(false, detail);
    }

    private void end(boolean ok, String detail) {
      if (ended) return;
      ended = true;
      Instant end = clock.instant();
      RecoveryRecord.Phase p = new RecoveryRecord.Phase(name, asset, start, Math.max(0, Duration.between(start, end).toMillis()), ok, detail);
      synchronized (Phases.this) {
        done.add(p);
      }
      sink.ended(p);
    }
  }

  Timed start(String name, String asset) {
    return new Timed(name, asset);
  }

  synchronized List<RecoveryRecord.Phase> all() {
    List<RecoveryRecord.Phase> out = new ArrayList<>(done);
    out.sort(Comparator.comparing(RecoveryRecord.Phase::start));
    return out;
  }
}
