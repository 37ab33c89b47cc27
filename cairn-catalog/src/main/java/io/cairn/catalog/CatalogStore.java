package io.cairn.catalog;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.cairn.engine.Remedy;
import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Where a catalog lives: an SQLite file (a path or a {@code jdbc:sqlite:} URL) or a PostgreSQL
 * database (a {@code jdbc:postgresql:} URL). Opening checks that the schema is not from a newer
 * Cairn and migrates an older one (Flyway, scripts under {@code db/sqlite} and {@code db/postgresql}).
 */
public final class CatalogStore implements AutoCloseable {
  /** The newest schema version this Cairn knows. */
  public static final int SCHEMA_VERSION = 4;

  public enum Kind {
    SQLITE,
    POSTGRESQL
  }

  private final String location;
  private final Kind kind;
  /** The driver's own data source: used once, to check and migrate the schema before the pool exists. */
  private final DataSource direct;
  private HikariDataSource dataSource;

  private CatalogStore(String location, Kind kind, DataSource ds) {
    this.location = location;
    this.kind = kind;
    this.direct = ds;
  }

  /**
   * A small pool over the driver's data source: a command uses one or two connections; a server's
   * concurrent jobs share a few. Connections are made when first needed, so a command that does not
   * touch the catalog pays nothing; {@link #close} ends them.
   */
  private static HikariDataSource pool(Kind kind, DataSource ds) {
    HikariConfig c = new HikariConfig();
    c.setDataSource(ds);
    c.setPoolName("cairn-catalog");
    c.setMaximumPoolSize(kind == Kind.SQLITE ? 4 : 8);
    c.setMinimumIdle(0);
    c.setInitializationFailTimeout(-1); // failures surface on first use, as one clear line (see failure())
    c.setConnectionTimeout(30_000); // waits for a free connection; SQLite's own waits are its busy timeout
    c.setIdleTimeout(60_000);
    return new HikariDataSource(c);
  }

  @Override
  public void close() {
    dataSource.close();
  }

  public String location() {
    return location;
  }

  public Kind kind() {
    return kind;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** Held so the level sticks (java.util.logging keeps loggers weakly). */
  private static final Logger FLYWAY_LOG = Logger.getLogger("org.flywaydb");

  static {
    FLYWAY_LOG.setLevel(Level.WARNING);
  }

  /** Opens (creating and migrating as needed) the catalog at {@code target}: a file path or a JDBC URL. */
  public static CatalogStore open(String target) {
    CatalogStore s;
    if (target.startsWith("jdbc:postgresql:")) {
      PGSimpleDataSource ds = new PGSimpleDataSource();
      ds.setURL(target);
      ds.setReWriteBatchedInserts(true);
      ds.setConnectTimeout(10);
      s = new CatalogStore(redact(target), Kind.POSTGRESQL, ds);
    } else if (target.startsWith("jdbc:")) {
      if (!target.startsWith("jdbc:sqlite:")) {
        throw new CairnException(ErrorCode.USAGE, "catalog " + target + ": only jdbc:sqlite: and jdbc:postgresql: URLs (or a file path) are supported");
      }
      s = sqlite(target.substring("jdbc:sqlite:".length()));
    } else {
      s = sqlite(target);
    }
    // checked and migrated over a direct connection: a damaged file or an unreachable server is
    // reported at once, not after the pool's retries
    s.migrate();
    s.dataSource = pool(s.kind, s.direct);
    return s;
  }

  private static CatalogStore sqlite(String path) {
    Path p = Path.of(path).toAbsolutePath();
    try {
      // the catalog holds file names and paths in plain text: a new one is private to its user
      // (SQLite gives its -wal and -shm files the database file's permissions)
      if (p.getParent() != null && !Files.isDirectory(p.getParent())) {
        Files.createDirectories(p.getParent());
        trySetPermissions(p.getParent(), "rwx------");
      }
      if (!Files.exists(p)) {
        Files.createFile(p);
        trySetPermissions(p, "rw-------");
      }
    } catch (IOException e) {
      throw new CairnException(ErrorCode.IO, "cannot create the folder of catalog " + p + ": " + e.getMessage(), e);
    }
    SQLiteConfig cfg = new SQLiteConfig();
    cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
    cfg.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    cfg.enforceForeignKeys(true);
    cfg.setBusyTimeout(30_000);
    // a write transaction takes the write lock when it begins: a deferred one that reads first and
    // then writes fails at once with SQLITE_BUSY when another writer got there in between, whatever
    // the busy timeout; an immediate one waits (up to the busy timeout) for its turn
    cfg.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    SQLiteDataSource ds = new SQLiteDataSource(cfg);
    ds.setUrl("jdbc:sqlite:" + p);
    return new CatalogStore(p.toString(), Kind.SQLITE, ds);
  }

  private static void trySetPermissions(Path p, String perms) {
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    } catch (IOException | UnsupportedOperationException ignored) {
      // not a POSIX file system: its own defaults apply
    }
  }

  /** A URL without its password, for messages. */
  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&]*", "$1***");
  }

  private void migrate() {
    int found = appliedVersion();
    if (found > SCHEMA_VERSION) {
      throw new CairnException(ErrorCode.UNSUPPORTED_FORMAT, "catalog " + location + " has schema version " + found
          + ", newer than this Cairn knows (" + SCHEMA_VERSION + "); upgrade Cairn, or use another catalog with --catalog"
          + " (a catalog can always be rebuilt from the repositories)");
    }
    if (found == SCHEMA_VERSION) return; // current: Flyway (and its start-up cost) is not needed
    try {
      Flyway.configure()
          .dataSource(direct)
          .locations(kind == Kind.SQLITE ? "classpath:db/sqlite" : "classpath:db/postgresql")
          .loggers("org.flywaydb.core.internal.logging.javautil.JavaUtilLogCreator")
          .load()
          .migrate();
    } catch (FlywayException e) {
      throw failure("cannot prepare", e);
    }
  }

  /** The highest schema version applied, 0 for an empty database. */
  private int appliedVersion() {
    try (Connection c = direct.getConnection(); Statement st = c.createStatement()) {
      boolean exists;
      try (ResultSet rs = c.getMetaData().getTables(null, null, "flyway_schema_history", null)) {
        exists = rs.next();
      }
      if (!exists) {
        // touch the database so a file that is not one fails here, with a clear message
        st.executeQuery(kind == Kind.SQLITE ? "SELECT count(*) FROM sqlite_master" : "SELECT 1").close();
        return 0;
      }
      int max = 0;
      try (ResultSet rs = st.executeQuery("SELECT version FROM flyway_schema_history WHERE success = " + (kind == Kind.SQLITE ? "1" : "true"))) {
        while (rs.next()) {
          String v = rs.getString(1);
          if (v == null) continue;
          try {
            max = Math.max(max, Integer.parseInt(v.split("\\.")[0]));
          } catch (NumberFormatException ignored) {
            // a repeatable or foreign migration: not ours to judge
          }
        }
      }
      return max;
    } catch (SQLException e) {
      throw failure("cannot open", e);
    }
  }

  /** Turns a database error into one clear line naming the catalog and what to do. */
  CairnException failure(String what, Exception e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String msg = root.getMessage() == null ? root.toString() : root.getMessage();
    if (kind == Kind.SQLITE && (msg.contains("SQLITE_NOTADB") || msg.contains("not a database") || msg.contains("SQLITE_CORRUPT")
        || msg.contains("malformed"))) {
      return new CairnException(ErrorCode.DATA_DAMAGED, "catalog " + location + " is damaged (" + msg.strip()
          + ")", Remedy.CATALOG_REBUILD, e);
    }
    if (kind == Kind.POSTGRESQL && (root instanceof ConnectException || msg.contains("Connection refused")
        || msg.contains("connection attempt failed") || root instanceof UnknownHostException)) {
      return new CairnException(ErrorCode.IO, "cannot reach the catalog database " + location + " (" + msg.strip()
          + ")", Remedy.CATALOG_UNREACHABLE, e);
    }
    return new CairnException(ErrorCode.IO, what + " catalog " + location + ": " + msg.strip(), e);
  }
}
