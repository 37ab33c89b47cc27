package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cairn.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A drill killed with SIGKILL half-way (its sandbox PostgreSQL server running) leaves its sandbox
 * registered; the next drill, another process, stops the server and removes the folder.
 */
class DrillKillTest {
  @TempDir static Path tmp;
  static PostgresServer pg;
  static Path boxes;
  static Map<String, String> env;

  /** One server, repository and captured point for both tests. */
  @BeforeAll
  static void setUp() throws Exception {
    assumeTrue(PostgresServer.available(), PostgresServer.unavailableReason());
    // the sandbox server runs as 'postgres' when the tests run as root: its folder must be reachable
    boxes = Files.createTempDirectory(Path.of("/var/tmp"), "cairn-kill-test-");
    pg = PostgresServer.start();
    pg.newDatabase("shop");
    try (var c = java.sql.DriverManager.getConnection(pg.jdbcUrl("shop")); var st = c.createStatement()) {
      st.execute("create table t as select g as id, md5(g::text) as v from generate_series(1, 200000) g");
    }
    Files.writeString(tmp.resolve("pw"), "pw\n");
    Path policy = tmp.resolve("cairn.yaml");
    Files.writeString(policy, """
        repositories:
          main: { location: %s, password: "file:%s" }
        assets:
          shop-db:
            class: critical
            source: { type: postgres, host: 127.0.0.1, port: %d, user: cairn, databases: [shop] }
            checks: [ { sql: "select count(*) from t", expect: "200000" } ]
        """.formatted(tmp.resolve("repo"), tmp.resolve("pw"), pg.port()));
    env = Map.of("CAIRN_CONFIG", policy.toString(), "CAIRN_PASSWORD_FILE", tmp.resolve("pw").toString(), "CAIRN_SANDBOX_DIR", boxes.toString());
    assertThat(run("init", "--repo", tmp.resolve("repo").toString(), "--kdf-memory", "64", "--kdf-iterations", "1").waitFor()).isZero();
    assertThat(run("capture", "shop-db").waitFor()).isZero();
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (boxes != null) {
      new io.cairn.recovery.Sandboxes(boxes).sweep(); // what a failed assertion left
      try (Stream<Path> s = Files.walk(boxes)) {
        for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
      }
    }
    if (pg != null) pg.close();
  }

  /** Starts a drill in a process of its own and returns it once its sandbox server is registered (started). */
  private static Process drillWithItsServerUp() throws Exception {
    Process drill = run("drill", "shop-db");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (registeredServers(boxes) == 0) {
      assertThat(System.nanoTime()).as("the drill registered its server").isLessThan(deadline);
      assertThat(drill.isAlive()).as("the drill is still running").isTrue();
      Thread.sleep(20);
    }
    return drill;
  }

  @Test
  void drill_killedHalfWay_leavesNoProcessOrFolderBehind_afterTheNextRun() throws Exception {
    Process first = drillWithItsServerUp();
    first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    Thread.sleep(300);
    assertThat(processesIn(boxes)).as("the killed drill left its server running").isNotEmpty();

    Process second = run("drill", "shop-db");
    String err = new String(second.getErrorStream().readAllBytes());
    assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(second.exitValue()).as(err).isZero();
    assertThat(err).contains("left by a recovery that did not finish");
    assertThat(processesIn(boxes)).isEmpty();
    assertThat(new io.cairn.recovery.Sandboxes(boxes).list()).isEmpty();
  }

  @Test
  void drill_stoppedWithSigterm_tearsItsSandboxDownOnTheWayOut() throws Exception {
    Process drill = drillWithItsServerUp();
    drill.destroy(); // SIGTERM, as systemd stops a job
    assertThat(drill.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(processesIn(boxes)).isEmpty();
    assertThat(new io.cairn.recovery.Sandboxes(boxes).list()).as("removed on the way out, not by a later run").isEmpty();
  }

  private static Process run(String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Cli.javaCommand(args)).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().putAll(env);
    return pb.start();
  }

  private static int registeredServers(Path boxes) throws Exception {
    int n = 0;
    try (Stream<Path> s = Files.list(boxes)) {
      for (Path d : s.toList()) {
        Path f = d.resolve("sandbox.json");
        if (Files.exists(f) && Files.readString(f).contains("\"pgid\"")) n++;
      }
    } catch (java.nio.file.NoSuchFileException e) {
      return 0;
    }
    return n;
  }

  private static List<String> processesIn(Path boxes) throws Exception {
    List<String> out = new ArrayList<>();
    try (var s = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : s) {
        try {
          String cmd = new String(Files.readAllBytes(p.resolve("cmdline"))).replace('\0', ' ');
          if (cmd.contains(boxes.toString())) out.add(p.getFileName() + ": " + cmd);
        } catch (java.io.IOException gone) {
          // exited
        }
      }
    }
    return out;
  }
}
