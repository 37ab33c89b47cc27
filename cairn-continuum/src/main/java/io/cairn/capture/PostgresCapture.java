package io.cairn.capture;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.backup.Backup;
import io.cairn.engine.backup.Finisher;
import io.cairn.engine.backup.StreamCapture;
import io.cairn.engine.fs.Processes;
import io.cairn.engine.snapshot.Consistency;
import io.cairn.policy.Source;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A logical capture of a PostgreSQL server. Each database is dumped by the {@code pg_dump} of the
 * server's major version, in the custom format without compression ({@code -Fc -Z0}, so successive
 * captures deduplicate), inside a snapshot Cairn exports from a repeatable-read transaction of its
 * own: the snapshot's id and the WAL position at that moment are recorded, and the dump is exactly
 * that state. Roles and tablespaces come from {@code pg_dumpall --globals-only}. Every dump streams
 * into the repository; nothing is written to a temporary file.
 */
final class PostgresCapture implements Capture {
  private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)(?:\\.(\\d+))?");
  private static final java.sql.Driver DRIVER = new org.postgresql.Driver();
  private final Source.Postgres source;
  private final String asset;

  PostgresCapture(String asset, Source.Postgres source) {
    this.asset = asset;
    this.source = source;
  }

  @Override
  public Backup.Result run(Opening repo, Context ctx, Finisher finisher) throws IOException {
    String password = source.password() == null ? null : source.password().resolve(ctx.env());
    Map<String, String> env = new LinkedHashMap<>();
    if (password != null) env.put("PGPASSWORD", password);
    env.put("PGCONNECT_TIMEOUT", "30");
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("type", "postgres");
    facts.put("host", source.host());
    facts.put("port", Integer.toString(source.port()));
    List<String> databases;
    int major;
    boolean superuser;
    String first = source.databases().isEmpty() ? "postgres" : source.databases().get(0);
    Connection reuse = null; // the first database's connection holds its snapshot too: one connection less before the first byte
    Connection c = null;
    try {
      c = connect(first, password);
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
          "select current_setting('server_version_num')::int, current_setting('server_version'),"
              + " (select rolsuper from pg_roles where rolname = current_user)")) {
        rs.next();
        major = rs.getInt(1) / 10000;
        facts.put("server-version", rs.getString(2));
        superuser = rs.getBoolean(3);
      }
      databases = source.databases().isEmpty() ? allDatabases(c) : source.databases();
      for (String db : databases) {
        try (var ps = c.prepareStatement("select pg_database_size(?)")) {
          ps.setString(1, db);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            facts.put("size." + db, Long.toString(rs.getLong(1)));
          }
        } catch (SQLException e) {
          throw failure(e, db);
        }
      }
      if (!databases.isEmpty() && databases.get(0).equals(first)) {
        reuse = c;
        c = null;
      }
    } catch (SQLException e) {
      throw failure(e, first);
    } finally {
      closeQuietly(c);
    }
    String[] found;
    try {
      found = binaries(major);
    } catch (IOException | RuntimeException e) {
      closeQuietly(reuse);
      throw e;
    }
    if (databases.isEmpty() && !source.globals()) {
      closeQuietly(reuse);
      throw new CairnException(ErrorCode.IO, "asset " + asset + ": PostgreSQL at " + source.host() + ":" + source.port()
          + " has no database that accepts connections, and globals are off: nothing to capture");
    }
    Path bin = Path.of(found[0]);
    String tool = found[1];
    facts.put("tool", tool);
    facts.put("databases", String.join(",", databases));
    facts.put("format", "pg_dump -Fc -Z0");
    List<String> conn = List.of("-h", source.host(), "-p", Integer.toString(source.port()), "-U", source.user(), "--no-password");
    List<StreamCapture.NamedStream> streams = new ArrayList<>();
    List<LazyProcess> procs = new ArrayList<>();
    try {
      if (source.globals()) {
        List<String> cmd = new ArrayList<>(List.of(bin.resolve("pg_dumpall").toString(), "--globals-only"));
        if (!superuser) {
          cmd.add("--no-role-passwords"); // pg_authid is for superusers only
          facts.put("globals", "roles without their passwords (" + source.user() + " is not a superuser)");
        }
        cmd.addAll(conn);
        LazyProcess p = new LazyProcess(cmd, env, source.timeout(), "pg_dumpall --globals-only");
        procs.add(p);
        streams.add(new StreamCapture.NamedStream("globals.sql", p, p.ended()));
      }
      for (String db : databases) {
        DumpProcess p = new DumpProcess(bin, db, conn, env, password, facts, db.equals(first) ? reuse : null);
        if (db.equals(first)) reuse = null;
        procs.add(p);
        streams.add(new StreamCapture.NamedStream(db + ".dump", p, p.ended()));
      }
      String reason = "pg_dump of " + (databases.size() == 1 ? "the database" : "each database")
          + " in a snapshot exported from a repeatable-read transaction (snapshot id and WAL position recorded)"
          + (databases.size() > 1 ? "; the databases are dumped one after another, each consistent in itself" : "");
      if (!procs.isEmpty()) procs.get(0).start(); // its start overlaps the repository's preparation
      return new StreamCapture(repo.get(), ctx.tags(), ctx.host(), ctx.progress())
          .finishWith(s -> finisher.finish(s.toBuilder().source(facts).consistency(Consistency.APPLICATION).consistencyReason(reason).build()))
          .run(streams, facts);
    } finally {
      for (LazyProcess p : procs) p.close();
      closeQuietly(reuse);
    }
  }

  private static void closeQuietly(Connection c) {
    if (c == null) return;
    try {
      c.close();
    } catch (SQLException ignored) {
      // a metadata connection
    }
  }

  /** pg_dump in a snapshot Cairn exports and holds until the dump is done. */
  private final class DumpProcess extends LazyProcess {
    private final String db;
    private final String password;
    private final Map<String, String> facts;
    private Connection holder;
    private List<String> command;

    DumpProcess(Path bin, String db, List<String> conn, Map<String, String> env, String password, Map<String, String> facts,
        Connection open) {
      super(dumpCommand(bin, db, conn), env, source.timeout(), "pg_dump of database " + db);
      this.db = db;
      this.password = password;
      this.facts = facts;
      this.holder = open;
    }

    @Override
    protected void beforeStart() throws IOException {
      try {
        if (holder == null) holder = connect(db, password);
        holder.setAutoCommit(false);
        holder.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try (Statement st = holder.createStatement(); ResultSet rs = st.executeQuery("select pg_export_snapshot(),"
            + " (case when pg_is_in_recovery() then pg_last_wal_replay_lsn() else pg_current_wal_lsn() end)::text")) {
          rs.next();
          String snapshot = rs.getString(1);
          facts.put("snapshot." + db, snapshot);
          facts.put("lsn." + db, rs.getString(2));
          command = new ArrayList<>(super.command());
          command.add("--snapshot=" + snapshot);
        }
      } catch (SQLException e) {
        throw failure(e, db);
      }
    }

    @Override
    protected List<String> command() {
      return command != null ? command : super.command();
    }

    @Override
    protected void afterSuccess() {
      release();
    }

    @Override
    public void close() {
      super.close();
      release();
    }

    private void release() {
      if (holder == null) return;
      try {
        holder.rollback();
        holder.close();
      } catch (SQLException ignored) {
        // the transaction only held a snapshot; the server ends it with the connection
      }
      holder = null;
    }
  }

  private static List<String> dumpCommand(Path bin, String db, List<String> conn) {
    List<String> cmd = new ArrayList<>(List.of(bin.resolve("pg_dump").toString(), "-Fc", "-Z0"));
    cmd.addAll(conn);
    cmd.addAll(List.of("-d", db));
    return cmd;
  }

  private static List<String> allDatabases(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select datname from pg_database where datallowconn and not datistemplate order by datname")) {
      while (rs.next()) out.add(rs.getString(1));
    }
    return out;
  }

  private Connection connect(String db, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", source.user());
    if (password != null) p.setProperty("password", password);
    p.setProperty("connectTimeout", "30");
    p.setProperty("ApplicationName", "cairn capture");
    // the driver itself, not DriverManager: that would load every driver on the class path first (measured: 0.1-0.2 s)
    Connection c = DRIVER.connect("jdbc:postgresql://" + source.host() + ":" + source.port() + "/" + db, p);
    if (c == null) throw new SQLException("the PostgreSQL driver refused the URL");
    return c;
  }

  /** One line naming the asset, the server and what to do, for the errors a user can fix. */
  private CairnException failure(SQLException e, String db) {
    String where = "PostgreSQL at " + source.host() + ":" + source.port();
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String msg = switch (state) {
      case "28P01", "28000" -> where + " refused user " + source.user() + " (" + firstLine(e) + "): check the user and its password reference"
          + (source.password() == null ? " (the source has none)" : " " + source.password());
      case "3D000" -> "database " + db + " does not exist on " + where + ": fix 'databases' in the policy";
      case "08001", "08004", "08006" -> "cannot connect to " + where + " (" + firstLine(e) + "): is the server running and reachable?";
      default -> where + ": " + firstLine(e);
    };
    return new CairnException(ErrorCode.IO, "asset " + asset + ": " + msg + "; nothing was captured", e);
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /**
   * The folder of pg_dump for a server's major version, and that pg_dump's version: the policy's {@code bin}, else
   * {@code /usr/lib/postgresql/MAJOR/bin}, else the oldest newer one there (pg_dump reads older
   * servers), else PATH's. A pg_dump older than the server cannot dump it: an error says what to install.
   */
  private String[] binaries(int major) throws IOException {
    List<Path> candidates = new ArrayList<>();
    if (source.bin() != null) {
      candidates.add(source.bin());
    } else {
      candidates.addAll(PostgresBinaries.folders(major, "pg_dump"));
    }
    String older = null;
    for (Path bin : candidates) {
      if (!Files.isExecutable(bin.resolve("pg_dump"))) continue;
      String v = version(bin.resolve("pg_dump"));
      Matcher m = VERSION.matcher(v);
      if (m.find() && Integer.parseInt(m.group(1)) >= major) return new String[] {bin.toString(), v};
      older = bin.resolve("pg_dump") + (m.find(0) ? " is version " + m.group(1) : "");
    }
    String what = older != null ? older + ", older than the server (" + major + ")" : "no pg_dump found"
        + (source.bin() != null ? " in " + source.bin() : " under /usr/lib/postgresql/*/bin or on PATH");
    throw new CairnException(ErrorCode.IO, "asset " + asset + ": " + what + ": install the PostgreSQL " + major
        + " client (postgresql-client-" + major + ") or set 'bin' in the source; nothing was captured");
  }

  private static String version(Path tool) throws IOException {
    Processes.Result r = Processes.run(List.of(tool.toString(), "--version"), Duration.ofSeconds(30));
    return r.stdout().strip();
  }
}
