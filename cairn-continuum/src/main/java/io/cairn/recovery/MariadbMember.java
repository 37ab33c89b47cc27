package io.cairn.recovery;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.fs.Processes;
import io.cairn.engine.tree.Node;
import io.cairn.policy.Source;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A MariaDB or MySQL point: its dump fed to the {@code mariadb} client, into a sandbox server
 * ({@code mariadb-install-db} and {@code mariadbd} on a free loopback port) or an existing server
 * named with {@code --to HOST:PORT}.
 */
final class MariadbMember extends Member {

  MariadbMember(String asset, Source source, Hydration h, Context ctx, Path folder, String target) {
    super(asset, source, h, ctx, folder, target);
  }

  @Override
  String type() {
    return source == null ? "mariadb" : source.type();
  }

  List<String> databases() {
    String d = hydration.snapshot().source() == null ? null : hydration.snapshot().source().get("databases");
    if (d == null || d.isBlank() || d.equals("all")) return List.of();
    return List.of(d.split(","));
  }

  @Override
  String writes() {
    return (target != null ? "MariaDB server " + target : "a sandbox MariaDB server on 127.0.0.1") + ": "
        + (databases().isEmpty() ? "all databases" : "database" + (databases().size() == 1 ? " " : "s ") + String.join(", ", databases()));
  }

  private static Path tool(String... names) {
    for (String n : names) {
      var f = Processes.find(n).or(() -> Processes.find("/usr/sbin/" + n)).or(() -> Processes.find("/usr/bin/" + n));
      if (f.isPresent()) return f.get();
    }
    return null;
  }

  private Path need(String... names) {
    Path t = tool(names);
    if (t == null) {
      throw new CairnException(ErrorCode.IO, "asset " + asset + ": " + names[0] + " not found (on PATH, /usr/sbin or /usr/bin); install"
          + " mariadb-server (for a sandbox) or mariadb-client and run the recovery again");
    }
    return t;
  }

  @Override
  Place provision() throws IOException {
    return target == null ? sandbox() : existing();
  }

  private Place sandbox() throws IOException {
    Path install = need("mariadb-install-db", "mysql_install_db");
    Path daemon = need("mariadbd", "mysqld");
    need("mariadb", "mysql");
    int port = Servers.port(ctx.port(), asset);
    for (String d : List.of("data", "run", "tmp")) Files.createDirectories(folder.resolve(d));
    String user = Servers.root() ? "root" : System.getProperty("user.name");
    Processes.Result init = Processes.run(List.of(install.toString(), "--no-defaults", "--datadir=" + folder.resolve("data"),
        "--auth-root-authentication-method=normal", "--skip-test-db", "--user=" + user), Map.of(), Duration.ofMinutes(5));
    if (init.exitCode() != 0) {
      throw new CairnException(ErrorCode.IO, "asset " + asset + ": mariadb-install-db of the sandbox failed: " + tail(init.stderr() + init.stdout()));
    }
    server = Servers.start(List.of(daemon.toString(), "--no-defaults", "--user=" + user, "--datadir=" + folder.resolve("data"),
        "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + folder.resolve("run/mysqld.sock"),
        "--pid-file=" + folder.resolve("run/mysqld.pid"), "--tmpdir=" + folder.resolve("tmp"), "--log-error=" + folder.resolve("error.log"),
        "--innodb-buffer-pool-size=128M", "--innodb-flush-log-at-trx-commit=0", "--skip-log-bin"), Map.of());
    String connect = "mariadb -h 127.0.0.1 -P " + port + " -u root";
    ctx.handle().register(new Sandboxes.Service(asset, type(), server.pid(), "127.0.0.1", port, folder.toString(), "root", connect));
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      Processes.Result r = Processes.run(client("127.0.0.1", port, "root", List.of("-e", "select 1")), Map.of(), Duration.ofSeconds(10));
      if (r.exitCode() == 0) break;
      if (!server.alive()) {
        String log = Files.exists(folder.resolve("error.log")) ? Files.readString(folder.resolve("error.log")) : server.stderr();
        if (log.contains("Address already in use") || log.contains("Do you already have another")) {
          throw new CairnException(ErrorCode.CONFLICT, "asset " + asset + ": port " + port + " on 127.0.0.1 is taken; the sandbox server"
              + " cannot listen on it (pass another --port, or none)");
        }
        throw new CairnException(ErrorCode.IO, "asset " + asset + ": the sandbox MariaDB server did not start: " + tail(log));
      }
      if (System.nanoTime() > deadline) throw new CairnException(ErrorCode.IO, "asset " + asset + ": the sandbox MariaDB server was not ready within 60 s");
      PostgresMember.sleep(100);
    }
    return new Place(asset, type(), true, "127.0.0.1", port, folder.toString(), folder.resolve("data").toString(), "root", databases(), connect);
  }

  private Place existing() throws IOException {
    need("mariadb", "mysql");
    String[] hp = target.replaceFirst("^(mariadb|mysql)://", "").split(":");
    int port = hp.length > 1 ? Integer.parseInt(hp[1]) : 3306;
    Source.Mariadb s = (Source.Mariadb) source;
    for (String db : databases()) {
      Processes.Result r = Processes.run(client(hp[0], port, s.user(), List.of("-N", "-B", "-e", "show databases like '" + db.replace("'", "") + "'")),
          env(false), Duration.ofSeconds(30));
      if (r.exitCode() != 0) throw new CairnException(ErrorCode.IO, "asset " + asset + ": cannot reach MariaDB at " + target + ": " + tail(r.stderr()));
      if (!r.stdout().isBlank() && !ctx.replace()) {
        throw new CairnException(ErrorCode.CONFLICT, "asset " + asset + ": database " + db + " exists on " + target
            + "; recovering over it needs --replace (the dump drops and recreates its tables)");
      }
    }
    return new Place(asset, type(), false, hp[0], port, null, null, s.user(), databases(), "mariadb -h " + hp[0] + " -P " + port + " -u " + s.user());
  }

  List<String> client(String host, int port, String user, List<String> args) {
    Path c = tool("mariadb", "mysql");
    List<String> cmd = new ArrayList<>(List.of(c == null ? "mariadb" : c.toString(), "--no-defaults", "-h", host, "-P", Integer.toString(port),
        "--protocol=TCP", "-u", user));
    cmd.addAll(args);
    return cmd;
  }

  private Map<String, String> env(boolean sandbox) {
    Map<String, String> env = new HashMap<>();
    if (!sandbox && source instanceof Source.Mariadb s && s.password() != null) env.put("MYSQL_PWD", s.password().resolve(ctx.env()));
    return env;
  }

  @Override
  void recover(Provisioned place, Phases phases) throws IOException {
    Node stream = streamNamed(null);
    Place p = place.get(); // a stream needs its server: these phases start when it is up
    Phases.Timed h = phases.start("hydrate", asset);
    Phases.Timed r = phases.start("reconcile", asset);
    try {
      feed(client(p.host(), p.port(), p.user(), List.of()), env(p.sandbox()), stream, "the mariadb client (loading the dump)", ctx.toolTimeout());
      h.ok("streamed into the mariadb client (" + stream.size() + " bytes)");
      r.ok(null);
    } catch (IOException | RuntimeException e) {
      h.failed(e.getMessage());
      r.failed(e.getMessage());
      throw e;
    }
  }
}
