package io.cairn.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real, throwaway MariaDB server for tests: {@code mariadb-install-db} into a temporary folder,
 * {@code mariadbd} on a free loopback port with the binary log on, stopped and deleted on
 * {@link #close()}. No system service and no system configuration ({@code --no-defaults}). Tests
 * call {@link #unavailableReason()} first and are skipped with it.
 */
public final class MariadbServer implements AutoCloseable {
  private final Path dir;
  private final int port;
  private final Process server;

  private MariadbServer(Path dir, int port, Process server) {
    this.dir = dir;
    this.port = port;
    this.server = server;
  }

  private static Path tool(String name) {
    for (String d : List.of("/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin")) {
      if (Files.isExecutable(Path.of(d, name))) return Path.of(d, name);
    }
    return null;
  }

  /** Why a server cannot be started here, or null when it can. */
  public static String unavailableReason() {
    for (String t : List.of("mariadbd", "mariadb-install-db", "mariadb", "mariadb-dump")) {
      if (tool(t) == null) return t + " not found: install mariadb-server (.ci/run does)";
    }
    return null;
  }

  public static MariadbServer start() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("cairn-mariadb-");
    for (String d : List.of("data", "run", "tmp")) Files.createDirectories(dir.resolve(d));
    boolean root = "root".equals(System.getProperty("user.name"));
    String user = root ? "root" : System.getProperty("user.name");
    run(List.of(tool("mariadb-install-db").toString(), "--no-defaults", "--datadir=" + dir.resolve("data"),
        "--auth-root-authentication-method=normal", "--skip-test-db", "--user=" + user), 180);
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Process p = new ProcessBuilder(tool("mariadbd").toString(), "--no-defaults", "--user=" + user, "--datadir=" + dir.resolve("data"),
        "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + dir.resolve("run/mysqld.sock"),
        "--pid-file=" + dir.resolve("run/mysqld.pid"), "--tmpdir=" + dir.resolve("tmp"), "--log-error=" + dir.resolve("error.log"),
        "--innodb-buffer-pool-size=64M", "--innodb-flush-log-at-trx-commit=2", "--log-bin=" + dir.resolve("data/binlog"),
        "--server-id=1").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    MariadbServer m = new MariadbServer(dir, port, p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        m.sql("select 1");
        return m;
      } catch (IOException e) {
        if (System.nanoTime() > deadline || !p.isAlive()) {
          String log = Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : "";
          m.close();
          throw new IOException("mariadbd did not start: " + log.substring(Math.max(0, log.length() - 2000)), e);
        }
        Thread.sleep(100);
      }
    }
  }

  public int port() {
    return port;
  }

  /** The client's command line for this server (add {@code -e SQL} or feed SQL on stdin). */
  public List<String> client() {
    return List.of(tool("mariadb").toString(), "--no-defaults", "-h", "127.0.0.1", "-P", Integer.toString(port), "-u", "root",
        "--batch", "--skip-column-names");
  }

  /** Runs SQL and returns its output (tab-separated rows). */
  public String sql(String sql) throws IOException {
    List<String> cmd = new ArrayList<>(client());
    cmd.addAll(List.of("-e", sql));
    return run(cmd, 120);
  }

  /** Feeds a file of SQL to the client (a dump to load). */
  public void load(Path file) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(client()).redirectInput(file.toFile()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("loading " + file + " failed: " + new String(out));
  }

  @Override
  public void close() throws IOException {
    server.destroy();
    try {
      if (!server.waitFor(30, TimeUnit.SECONDS)) server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }

  private static String run(List<String> cmd, int seconds) throws IOException {
    io.cairn.engine.fs.Processes.Result r = io.cairn.engine.fs.Processes.run(cmd, java.time.Duration.ofSeconds(seconds));
    if (r.exitCode() != 0) throw new IOException(cmd.get(0) + " failed (" + r.exitCode() + "): " + r.stdout() + r.stderr());
    return r.stdout();
  }
}
