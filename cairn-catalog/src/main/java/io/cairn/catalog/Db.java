package io.cairn.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.cairn.engine.Json;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.security.NoSuchAlgorithmException;
import java.time.InstantSource;
import java.util.List;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/** What every part of the catalog shares: the store, its JDBI, the clock, transactions, JSON columns. */
final class Db {
  final CatalogStore store;
  final Jdbi jdbi;
  final InstantSource clock;

  Db(CatalogStore store, InstantSource clock) {
    this.store = store;
    this.jdbi = Jdbi.create(store.dataSource());
    this.clock = clock;
  }

  /**
   * Runs {@code work} in one writing transaction. On SQLite it begins immediately (it waits its turn
   * rather than failing half-way); should the busy timeout still run out while another process
   * writes, or PostgreSQL report a conflict with another transaction, it is tried again, a few times,
   * after a pause. {@code work} must therefore be safe to run again.
   */
  <T> T tx(HandleCallback<T, RuntimeException> work) {
    for (int attempt = 1; ; attempt++) {
      try {
        return jdbi.inTransaction(work::withHandle);
      } catch (JdbiException e) {
        if (attempt >= BUSY_ATTEMPTS || !busy(e)) throw store.failure("cannot use", e);
        try {
          Thread.sleep(200L * attempt);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw store.failure("cannot use", e);
        }
      }
    }
  }

  /**
   * Runs queries that only read, outside a transaction: on SQLite in WAL mode they read beside a
   * writer instead of queueing behind it (a transaction would begin immediately and take the write lock).
   */
  <T> T read(HandleCallback<T, RuntimeException> work) {
    try {
      return jdbi.withHandle(work::withHandle);
    } catch (JdbiException e) {
      throw store.failure("cannot use", e);
    }
  }

  private static final int BUSY_ATTEMPTS = 4;

  /**
   * True for a transaction worth trying again: SQLite busy, or on PostgreSQL a serialization failure
   * (40001), a deadlock (40P01), or a foreign-key violation (23503) from a point that a sync beside this
   * one removed meanwhile (the retry inserts it again).
   */
  private static boolean busy(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = t.getMessage();
      if (m != null && (m.contains("SQLITE_BUSY") || m.contains("database is locked"))) return true;
      if (t instanceof SQLException sql && List.of("40001", "40P01", "23503").contains(sql.getSQLState())) return true;
    }
    return false;
  }

  static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String json(Object o) {
    try {
      return Json.MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<String> jsonList(String s) {
    try {
      return s == null ? List.of() : Json.MAPPER.readValue(s, new TypeReference<List<String>>() {});
    } catch (JsonProcessingException e) {
      return List.of(s);
    }
  }

  static java.util.Map<String, String> jsonMap(String s) {
    try {
      return s == null ? java.util.Map.of() : Json.MAPPER.readValue(s, new TypeReference<java.util.Map<String, String>>() {});
    } catch (JsonProcessingException e) {
      return java.util.Map.of();
    }
  }

  static List<java.util.Map<String, Object>> jsonObjects(String s) {
    try {
      return s == null ? List.of() : Json.MAPPER.readValue(s, new TypeReference<List<java.util.Map<String, Object>>>() {});
    } catch (JsonProcessingException e) {
      return List.of();
    }
  }
}
