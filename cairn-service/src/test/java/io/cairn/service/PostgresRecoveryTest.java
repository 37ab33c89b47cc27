package io.cairn.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cairn.engine.ErrorCode;
import io.cairn.engine.evidence.RecoveryRecord;
import io.cairn.policy.Policy;
import io.cairn.recovery.Recoverer;
import io.cairn.recovery.Selection;
import io.cairn.testkit.PostgresServer;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL logical point captured while pgbench writes, drilled into a sandbox server (initdb'd
 * for it, on a free loopback port) whose check is pgbench's invariant, and recovered to an existing
 * server; the sandbox leaves no process and no folder behind.
 */
class PostgresRecoveryTest {
  static PostgresServer pg;
  @TempDir static Path tmp;
  static Workspace ws;
  static Policy policy;
  static Path boxes;

  static final String INVARIANT = "select (select sum(abalance) from pgbench_accounts) = (select coalesce(sum(delta), 0) from pgbench_history)"
      + " and (select sum(bbalance) from pgbench_branches) = (select coalesce(sum(delta), 0) from pgbench_history)"
      + " and (select sum(tbalance) from pgbench_tellers) = (select coalesce(sum(delta), 0) from pgbench_history)";

  @BeforeAll
  static void start() throws Exception {
    if (!PostgresServer.available()) return;
    pg = PostgresServer.start();
    pg.newDatabase("shop");
    Path bin = PostgresServer.binaries();
    run(List.of(bin.resolve("pgbench").toString(), "-i", "-s", "1", "-q", "-h", "127.0.0.1", "-p", "" + pg.port(), "-U", "cairn", "shop"));
    ws = new Workspace(new Workspace.Settings(null, 0), Clock.systemUTC(), l -> "pw".toCharArray(), new StoreFactory());
    String repo = tmp.resolve("repo").toString();
    new InitService(ws).run(new InitService.Request(repo, 4096, 16384, 65536, 131072, 3, new KeyService.Kdf(64, 1)), "pw"::toCharArray);
    Files.writeString(tmp.resolve("pw"), "pw\n");
    // the sandbox server runs as 'postgres' when the tests run as root: its folder must be reachable (JUnit's is private)
    boxes = Files.createTempDirectory(Path.of("/var/tmp"), "cairn-test-sandboxes-");
    policy = Policy.read(new StringReader("""
        repositories:
          main: { location: %s, password: "file:%s" }
        assets:
          shop-db:
            class: critical
            source: { type: postgres, host: 127.0.0.1, port: %d, user: cairn, databases: [shop] }
            checks:
              - sql: "%s"
                expect: "t"
              - sql: "select current_setting('port')"
                expect: "${port}"
        """.formatted(repo, tmp.resolve("pw"), pg.port(), INVARIANT, "${port}")), "cairn.yaml");
    Process bench = new ProcessBuilder(bin.resolve("pgbench").toString(), "-T", "30", "-c", "2", "-h", "127.0.0.1", "-p", "" + pg.port(),
        "-U", "cairn", "shop").redirectErrorStream(true).redirectOutput(tmp.resolve("pgbench.log").toFile()).start();
    try {
      Thread.sleep(1500);
      CaptureService.Outcome o = new CaptureService(ws).run(new CaptureService.Request(policy, "shop-db", List.of(), null, Map.of(), "h"),
          Listener.NONE);
      assertThat(o.ok()).as(String.valueOf(o.error())).isTrue();
      assertThat(bench.isAlive()).as("pgbench was writing throughout").isTrue();
    } finally {
      bench.destroy();
      bench.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (ws != null) ws.close();
    if (pg != null) pg.close();
    if (boxes != null) Files.deleteIfExists(boxes);
  }

  private static RecoverService.Outcome recover(Recoverer.Options o) throws Exception {
    return new RecoverService(ws).run(new RecoverService.Request(policy, "shop-db", Selection.latest(), false, o, null, Map.of(), "h", boxes, null),
        Listener.NONE);
  }

  @Test
  void drill_ofPgbenchPoint_restoresIntoASandboxWherePgbenchsInvariantsHold_andLeavesNothingRunning() throws Exception {
    assumeTrue(pg != null, PostgresServer.unavailableReason());
    RecoverService.Outcome o = recover(new Recoverer.Options("drill", true, null, false, false, false, null, Duration.ofMinutes(10)));

    assertThat(o.ok()).as(String.valueOf(o.error())).isTrue();
    RecoveryRecord r = o.evidence();
    assertThat(r.checks()).extracting(RecoveryRecord.CheckRun::ok).containsExactly(true, true);
    assertThat(r.phases()).extracting(RecoveryRecord.Phase::name).containsSubsequence("provision", "validate", "teardown")
        .contains("hydrate", "reconcile");
    int port = o.places().get(0).port();
    assertThat(port).isNotEqualTo(pg.port());
    assertThat(boxes).isEmptyDirectory();
    assertThat(processesMentioning(boxes.toString())).as("no sandbox process is left").isEmpty();
  }

  @Test
  void drill_onATakenPort_failsSayingSo_andIsRecorded() throws Exception {
    assumeTrue(pg != null, PostgresServer.unavailableReason());
    RecoverService.Outcome o = recover(new Recoverer.Options("drill", true, null, false, false, false, pg.port(), Duration.ofMinutes(10)));
    assertThat(o.code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(o.evidence().reason()).contains("port " + pg.port() + " on 127.0.0.1 is taken");
    assertThat(boxes).isEmptyDirectory();
    assertThat(processesMentioning(boxes.toString())).isEmpty();
  }

  @Test
  void recover_toAnExistingServer_refusesADatabaseThatExists_unlessReplace() throws Exception {
    assumeTrue(pg != null, PostgresServer.unavailableReason());
    Map<String, String> to = Map.of("shop-db", "127.0.0.1:" + pg.port());
    RecoverService.Outcome refused = recover(new Recoverer.Options("recover", false, to, false, false, false, null, Duration.ofMinutes(10)));
    assertThat(refused.code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(refused.evidence().reason()).contains("database shop exists").contains("--replace");

    RecoverService.Outcome o = recover(new Recoverer.Options("recover", false, to, true, false, false, null, Duration.ofMinutes(10)));
    assertThat(o.ok()).as(String.valueOf(o.error())).isTrue();
    try (Connection c = DriverManager.getConnection(pg.jdbcUrl("shop")); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(INVARIANT)) {
      rs.next();
      assertThat(rs.getBoolean(1)).isTrue();
    }
  }

  /** Processes whose command line mentions {@code text} (a sandbox's folder). */
  static List<String> processesMentioning(String text) throws Exception {
    List<String> out = new ArrayList<>();
    try (var s = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : s) {
        try {
          String cmd = new String(Files.readAllBytes(p.resolve("cmdline"))).replace('\0', ' ');
          if (cmd.contains(text)) out.add(p.getFileName() + ": " + cmd);
        } catch (java.io.IOException gone) {
          // exited
        }
      }
    }
    return out;
  }

  private static void run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(new String(out)).isZero();
  }
}
