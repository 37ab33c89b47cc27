package io.cairn.recovery;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.fs.Processes;
import io.cairn.engine.tree.Node;
import io.cairn.policy.Source;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PostgreSQL logical point: the roles first ({@code globals.sql} through psql), then each database's
 * {@code pg_restore --create}, into a sandbox server (initdb'd for this recovery, run as an unprivileged
 * user on a free loopback port) or into an existing server named with {@code --to HOST:PORT}. A dump
 * smaller than {@link #FILE_MODE_BYTES} is streamed straight into pg_restore; a larger one is written to
 * the sandbox's folder first so that {@code pg_restore -j} can restore its tables in parallel.
 */
final class PostgresMember extends Member {
  private static final java.sql.Driver DRIVER = new org.postgresql.Driver();
  private static final Pattern MAJOR = Pattern.compile("^(\\d+)");

  private Path bin;

  PostgresMember(String asset, Source source, Hydration h, Context ctx, Path folder, String target) {
    super(asset, source, h, ctx, folder, target);
  }

  @Override
  String type() {
    return "postgres";
  }

  int major() {
    String v = hydration.snapshot().source() == null ? null : hydration.snapshot().source().get("server-version");
    Matcher m = MAJOR.matcher(v == null ? "" : v.strip());
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  List<String> databases() {
    String d = hydration.snapshot().source() == null ? null : hydration.snapshot().source().get("databases");
    if (d == null || d.isBlank()) return List.of();
    return List.of(d.split(","));
  }

  @Override
  String writes() {
    return (target != null ? "PostgreSQL server " + target : "a sandbox PostgreSQL " + (major() > 0 ? major() + " " : "")
        + "server on 127.0.0.1") + ": roles, then database" + (databases().size() == 1 ? " " : "s ") + String.join(", ", databases());
  }

  /** The newest-enough PostgreSQL binaries: the dump's major version's, else the oldest newer one, else PATH's. */
  private Path bin(List<String> tools) {
    int major = major();
    List<Path> folders = io.cairn.capture.PostgresBinaries.folders(major, tools.get(0));
    Path b = Servers.binaries(folders, tools);
    if (b == null) {
      throw new CairnException(ErrorCode.IO, "asset " + asset + ": no PostgreSQL " + (major > 0 ? major + " or newer " : "") + String.join(", ", tools)
          + " under /usr/lib/postgresql/*/bin or on PATH; install postgresql-" + (major > 0 ? major : "N") + " (the server package, for a"
          + " sandbox) and run the recovery again");
    }
    return b;
  }

  @Override
  Place provision() throws IOException {
    return target == null ? sandbox() : existing();
  }

  private Place sandbox() throws IOException {
    bin = bin(List.of("initdb", "postgres", "pg_restore", "psql"));
    String user = null;
    if (Servers.root()) {
      if (!Servers.userExists("postgres")) {
        throw new CairnException(ErrorCode.IO, "asset " + asset + ": PostgreSQL refuses to run as root and there is no 'postgres' user"
            + " to run the sandbox server as; create it (useradd --system postgres) or run Cairn as an unprivileged user");
      }
      user = "postgres";
    }
    int port = Servers.port(ctx.port(), asset);
    Files.createDirectories(folder);
    Servers.chown(folder, user);
    Servers.reachable(folder, user, asset);
    Map<String, String> env = Map.of("LC_ALL", "C.UTF-8", "LANG", "C.UTF-8");
    Path data = folder.resolve("data");
    Processes.Result init = Processes.run(Servers.concat(Servers.as(user), List.of(bin.resolve("initdb").toString(), "-D", data.toString(),
        "-U", "cairn", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions")), env, Duration.ofMinutes(5));
    if (init.exitCode() != 0) throw new CairnException(ErrorCode.IO, "asset " + asset + ": initdb of the sandbox failed: " + tail(init.stderr()));
    server = Servers.start(Servers.concat(Servers.as(user), List.of(bin.resolve("postgres").toString(), "-D", data.toString(), "-p",
        Integer.toString(port), "-k", folder.toString(), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
        "-c", "full_page_writes=off", "-c", "max_wal_size=4GB", "-c", "logging_collector=off",
        // a throwaway server: no replica, so index builds and new tables skip the WAL; more memory per index build
        "-c", "wal_level=minimal", "-c", "max_wal_senders=0", "-c", "maintenance_work_mem=256MB")), env);
    String connect = "psql -h 127.0.0.1 -p " + port + " -U cairn postgres";
    ctx.handle().register(new Sandboxes.Service(asset, type(), server.pid(), "127.0.0.1", port, folder.toString(), "cairn", connect));
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try (Connection c = connect("127.0.0.1", port, "cairn", null, "postgres")) {
        break;
      } catch (SQLException e) {
        if (!server.alive()) {
          String err = server.stderr();
          if (err.contains("Address already in use")) {
            throw new CairnException(ErrorCode.CONFLICT, "asset " + asset + ": port " + port + " on 127.0.0.1 is taken; the sandbox server"
                + " cannot listen on it (pass another --port, or none)");
          }
          throw new CairnException(ErrorCode.IO, "asset " + asset + ": the sandbox PostgreSQL server did not start: " + tail(err));
        }
        if (System.nanoTime() > deadline) {
          throw new CairnException(ErrorCode.IO, "asset " + asset + ": the sandbox PostgreSQL server was not ready within 60 s: " + tail(server.stderr()));
        }
        sleep(50);
      }
    }
    return new Place(asset, type(), true, "127.0.0.1", port, folder.toString(), folder.resolve("data").toString(), "cairn", databases(), connect);
  }

  private Place existing() throws IOException {
    String[] hp = target.replaceFirst("^postgres(ql)?://", "").split(":");
    String host = hp[0];
    int port = hp.length > 1 ? Integer.parseInt(hp[1].replaceAll("/.*", "")) : 5432;
    Source.Postgres s = (Source.Postgres) source;
    String password = s.password() == null ? null : s.password().resolve(ctx.env());
    bin = bin(List.of("pg_restore", "psql"));
    try (Connection c = connect(host, port, s.user(), password, "postgres"); Statement st = c.createStatement()) {
      for (String db : databases()) {
        try (ResultSet rs = st.executeQuery("select 1 from pg_database where datname = '" + db.replace("'", "''") + "'")) {
          if (!rs.next()) continue;
        }
        if (!ctx.replace()) {
          throw new CairnException(ErrorCode.CONFLICT, "asset " + asset + ": database " + db + " exists on " + host + ":" + port
              + "; recovering over it needs --replace (which drops it first)");
        }
        st.execute("drop database \"" + db.replace("\"", "\"\"") + "\" with (force)");
      }
    } catch (SQLException e) {
      throw new CairnException(ErrorCode.IO, "asset " + asset + ": cannot reach PostgreSQL at " + host + ":" + port + ": " + e.getMessage(), e);
    }
    return new Place(asset, type(), false, host, port, null, null, s.user(), databases(), "psql -h " + host + " -p " + port + " -U " + s.user());
  }

  @Override
  void recover(Provisioned place, Phases phases) throws IOException {
    List<Node> streams = hydration.streams();
    long total = streams.stream().mapToLong(Node::size).sum();
    Place p = place.get(); // a stream needs its server: these phases start when it is up
    Phases.Timed h = phases.start("hydrate", asset);
    Phases.Timed r = phases.start("reconcile", asset);
    try {
      Map<String, String> env = env(p);
      List<String> conn = List.of("-h", p.host(), "-p", Integer.toString(p.port()), "-U", p.user());
      StringBuilder notes = new StringBuilder();
      for (Node n : streams) {
        if (!n.displayName().equals("globals.sql")) continue;
        String err = feed(Servers.concat(List.of(bin.resolve("psql").toString(), "-X", "-q", "-d", "postgres", "-f", "-"), conn), env, n,
            "psql (the roles)", ctx.toolTimeout());
        long errors = err.lines().filter(l -> l.contains("ERROR")).count();
        if (errors > 0) notes.append(errors).append(" role statement").append(errors == 1 ? "" : "s").append(" failed (roles that exist)");
      }
      for (Node n : streams) {
        if (!n.displayName().endsWith(".dump")) continue;
        feed(Servers.concat(List.of(bin.resolve("pg_restore").toString(), "--create", "--dbname=postgres", "--no-password", "--exit-on-error"),
            conn), env, n, "pg_restore of " + n.displayName(), ctx.toolTimeout());
      }
      h.ok("streamed into psql and pg_restore (" + total + " bytes)");
      r.ok(notes.isEmpty() ? null : notes.toString());
    } catch (IOException | RuntimeException e) {
      h.failed(e.getMessage());
      r.failed(e.getMessage());
      throw e;
    }
  }

  private Map<String, String> env(Place p) {
    Map<String, String> env = new HashMap<>();
    env.put("PGCONNECT_TIMEOUT", "30");
    if (!p.sandbox() && source instanceof Source.Postgres s && s.password() != null) env.put("PGPASSWORD", s.password().resolve(ctx.env()));
    return env;
  }

  static Connection connect(String host, int port, String user, String password, String db) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    if (password != null) p.setProperty("password", password);
    p.setProperty("connectTimeout", "10");
    p.setProperty("loginTimeout", "10");
    Connection c = DRIVER.connect("jdbc:postgresql://" + host + ":" + port + "/" + db, p);
    if (c == null) throw new SQLException("no connection");
    return c;
  }

  static void sleep(long ms) throws IOException {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while waiting for the sandbox server");
    }
  }
}
