package io.cairn.catalog;

import io.cairn.engine.repo.Repository;
import java.time.Instant;
import org.jdbi.v3.core.Handle;

/** The catalog's log of what was done to it: who, when, what. */
final class Audit {
  private Audit() {}

  static void record(Handle h, Instant now, String action, String object, String details) {
    h.createUpdate("INSERT INTO audit_events (time_ms, actor, action, object, details) VALUES (:t, :a, :act, :o, :d)")
        .bind("t", now.toEpochMilli()).bind("a", System.getProperty("user.name") + "@" + Repository.hostname())
        .bind("act", action).bind("o", object).bind("d", details).execute();
  }
}
