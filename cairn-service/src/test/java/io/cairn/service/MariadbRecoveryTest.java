package io.cairn.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cairn.engine.ErrorCode;
import io.cairn.engine.evidence.RecoveryRecord;
import io.cairn.policy.Policy;
import io.cairn.recovery.Recoverer;
import io.cairn.recovery.Selection;
import io.cairn.testkit.MariadbServer;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A MariaDB point drilled into a sandbox server of its own, and recovered to an existing server. */
class MariadbRecoveryTest {
  static MariadbServer db;
  @TempDir static Path tmp;
  static Workspace ws;
  static Policy policy;

  @BeforeAll
  static void start() throws Exception {
    if (MariadbServer.unavailableReason() != null) return;
    db = MariadbServer.start();
    db.sql("create database bank; create table bank.accounts (id int primary key, balance int not null) engine=InnoDB;"
        + " insert into bank.accounts values (1, 100), (2, 250), (3, 650);");
    ws = new Workspace(new Workspace.Settings(null, 0), Clock.systemUTC(), l -> "pw".toCharArray(), new StoreFactory());
    String repo = tmp.resolve("repo").toString();
    new InitService(ws).run(new InitService.Request(repo, 4096, 16384, 65536, 131072, 3, new KeyService.Kdf(64, 1)), "pw"::toCharArray);
    Files.writeString(tmp.resolve("pw"), "pw\n");
    policy = Policy.read(new StringReader("""
        repositories:
          main: { location: %s, password: "file:%s" }
        assets:
          bank-db:
            class: critical
            source: { type: mariadb, host: 127.0.0.1, port: %d, user: root, databases: [bank] }
            checks:
              - sql: "select sum(balance) from accounts"
                expect: "1000"
        """.formatted(repo, tmp.resolve("pw"), db.port())), "cairn.yaml");
    CaptureService.Outcome o = new CaptureService(ws).run(new CaptureService.Request(policy, "bank-db", List.of(), null, Map.of(), "h"),
        Listener.NONE);
    assertThat(o.ok()).as(String.valueOf(o.error())).isTrue();
  }

  @AfterAll
  static void stop() throws Exception {
    if (ws != null) ws.close();
    if (db != null) db.close();
  }

  private static RecoverService.Outcome recover(Recoverer.Options o) throws Exception {
    return new RecoverService(ws).run(new RecoverService.Request(policy, "bank-db", Selection.latest(), false, o, null, Map.of(), "h",
        tmp.resolve("sandboxes"), null), Listener.NONE);
  }

  @Test
  void drill_ofMariadbPoint_restoresIntoASandboxServer_whereTheCheckPasses() throws Exception {
    assumeTrue(db != null, MariadbServer.unavailableReason());
    RecoverService.Outcome o = recover(new Recoverer.Options("drill", true, null, false, false, false, null, Duration.ofMinutes(10)));
    assertThat(o.ok()).as(String.valueOf(o.error())).isTrue();
    assertThat(o.evidence().checks()).extracting(RecoveryRecord.CheckRun::output).containsExactly("1000");
    assertThat(o.places().get(0).port()).isNotEqualTo(db.port());
    assertThat(tmp.resolve("sandboxes")).isEmptyDirectory();
    assertThat(PostgresRecoveryTest.processesMentioning(tmp.resolve("sandboxes").toString())).isEmpty();
  }

  @Test
  void recover_toAnExistingServer_refusesADatabaseThatExists_unlessReplace() throws Exception {
    assumeTrue(db != null, MariadbServer.unavailableReason());
    Map<String, String> to = Map.of("bank-db", "127.0.0.1:" + db.port());
    RecoverService.Outcome refused = recover(new Recoverer.Options("recover", false, to, false, false, false, null, Duration.ofMinutes(10)));
    assertThat(refused.code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(refused.evidence().reason()).contains("database bank exists");
    db.sql("update bank.accounts set balance = 0"); // the damage a recovery undoes
    RecoverService.Outcome o = recover(new Recoverer.Options("recover", false, to, true, false, false, null, Duration.ofMinutes(10)));
    assertThat(o.ok()).as(String.valueOf(o.error())).isTrue();
    assertThat(db.sql("select sum(balance) from bank.accounts").strip()).isEqualTo("1000");
  }
}
