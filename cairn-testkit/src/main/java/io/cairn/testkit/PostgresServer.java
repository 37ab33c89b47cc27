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
 * A real, throwaway PostgreSQL server for tests: {@code initdb} into a temporary folder, started with
 * {@code pg_ctl} on a free loopback port, stopped and deleted on {@link #close()}. Binaries come
 * from {@code /usr/lib/postgresql/<version>/bin} (newest first) or PATH. As root, the server runs as
 * the {@code postgres} user (PostgreSQL refuses to run as root). Tests that need it call
 * {@link #available()} first and are skipped with the reason when it is false.
 */
public final class PostgresServer implements AutoCloseable {
  private final Path bin;
  private final Path dir;
  private final int port;
  private final String runAs;

  private PostgresServer(Path bin, Path dir, int port, String runAs) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.runAs = runAs;
  }

  /** The folder holding initdb and pg_ctl, or null. */
  public static Path binaries() {
    Path root = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(root)) {
      try (Stream<Path> s = Files.list(root)) {
        List<Path> versions = s.filter(p -> Files.isExecutable(p.resolve("bin/initdb"))).sorted(Comparator.reverseOrder()).toList();
        if (!versions.isEmpty()) return versions.get(0).resolve("bin");
      } catch (IOException ignored) {
        // fall through to PATH
      }
    }
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, "initdb")) && Files.isExecutable(Path.of(d, "pg_ctl"))) return Path.of(d);
    }
    return null;
  }

  /** Why a server cannot be started here, or null when it can. */
  public static String unavailableReason() {
    if (binaries() == null) return "PostgreSQL binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin or on PATH";
    if (isRoot() && !userExists("postgres")) return "running as root and there is no 'postgres' user to run the server as";
    return null;
  }

  public static boolean available() {
    return unavailableReason() == null;
  }

  public static PostgresServer start() throws IOException, InterruptedException {
    Path bin = binaries();
    if (bin == null) throw new IllegalStateException(unavailableReason());
    Path dir = Files.createTempDirectory("cairn-pg-");
    String runAs = isRoot() ? "postgres" : null;
    if (runAs != null) run(List.of("chown", "-R", runAs + ":", dir.toString()), null, 30);
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    PostgresServer pg = new PostgresServer(bin, dir, port, runAs);
    run(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "cairn", "--auth=trust", "-E", "UTF8",
        "--no-sync"), runAs, 120);
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l", dir.resolve("log").toString(), "-w", "-t",
        "60", "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"), runAs, 90);
    return pg;
  }

  /** A JDBC URL of a fresh database on this server. */
  public String newDatabase(String name) throws IOException, InterruptedException {
    run(List.of(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "cairn", name), runAs, 60);
    return jdbcUrl(name);
  }

  public String jdbcUrl(String db) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + db + "?user=cairn";
  }

  public int port() {
    return port;
  }

  @Override
  public void close() throws IOException {
    try {
      run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop"), runAs, 60);
    } catch (IOException | InterruptedException | RuntimeException e) {
      // the folder goes anyway; a server left behind dies with its data folder's removal
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }

  private static void run(List<String> cmd, String runAs, int timeoutSeconds) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (runAs != null) {
      full.addAll(List.of("setpriv", "--reuid=" + runAs, "--regid=" + runAs, "--init-groups", "--"));
    }
    full.addAll(cmd);
    ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true);
    pb.environment().put("LC_ALL", "C.UTF-8");
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + " timed out");
    }
    if (p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + new String(out));
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static boolean userExists(String user) {
    try {
      return Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(l -> l.startsWith(user + ":"));
    } catch (IOException e) {
      return false;
    }
  }
}
