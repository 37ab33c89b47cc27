package io.cairn.engine.retention;

import io.cairn.engine.BlobId;
import io.cairn.engine.snapshot.Consistency;
import io.cairn.engine.snapshot.Snapshot;
import java.time.Instant;
import java.util.List;

/** Test snapshots: only id, time, host, paths and tags matter to retention. */
final class Snaps {
  private Snaps() {}

  static BlobId id(long n) {
    return BlobId.fromHex(String.format("%064x", n));
  }

  static Snapshot snap(long n, String time, String... tags) {
    return snap(id(n), Instant.parse(time), "host", List.of("/data"), List.of(tags));
  }

  static Snapshot snap(BlobId id, Instant time, String host, List<String> paths, List<String> tags) {
    return new Snapshot(Snapshot.VERSION, id, time, host, "user", paths, tags, null, null, Consistency.CRASH, null, null, null, null,
        null, null, null, null, null, null, null);
  }

  static RetentionPolicy policy(int last, int hourly, int daily, int weekly, int monthly, int yearly) {
    return new RetentionPolicy(last, hourly, daily, weekly, monthly, yearly, null, null);
  }
}
