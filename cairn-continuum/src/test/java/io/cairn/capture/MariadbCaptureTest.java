package io.cairn.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cairn.engine.ErrorCode;
import io.cairn.engine.snapshot.Consistency;
import io.cairn.testkit.MariadbServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A MariaDB capture under concurrent writes restores to a consistent state. */
class MariadbCaptureTest {
  static MariadbServer db;
  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    if (MariadbServer.unavailableReason() == null) db = MariadbServer.start();
  }

  @AfterAll
  static void stop() throws IOException {
    if (db != null) db.close();
  }

  @Test
  void mariadb_underConcurrentTransfers_restoresWithTheTotalIntactAndTheBinlogPositionRecorded() throws Exception {
    assumeTrue(db != null, MariadbServer.unavailableReason());
    db.sql("create database bank; create table bank.accounts (id int primary key, balance int not null) engine=InnoDB;"
        + " create table bank.log (id int auto_increment primary key, note varchar(200)) engine=InnoDB;"
        + " use bank; insert into bank.accounts select seq, 1000 from seq_1_to_1000;");
    Process writer = new ProcessBuilder(db.client()).redirectErrorStream(true).redirectOutput(dir.resolve("writer.log").toFile()).start();
    try (OutputStream in = writer.getOutputStream()) {
      Thread feeder = Thread.ofPlatform().start(() -> {
        try {
          for (int i = 0; i < 200_000; i++) {
            int a = ThreadLocalRandom.current().nextInt(1, 1001);
            int b = ThreadLocalRandom.current().nextInt(1, 1001);
            in.write(("start transaction; update bank.accounts set balance = balance - 3 where id = " + a
                + "; insert into bank.log (note) values (repeat('x', 100)); update bank.accounts set balance = balance + 3 where id = " + b
                + "; commit;\n").getBytes(StandardCharsets.UTF_8));
          }
        } catch (IOException stopped) {
          // the writer was stopped
        }
      });
      while (Long.parseLong(db.sql("select count(*) from bank.log").strip()) < 100) Thread.sleep(20);
      CaptureFixture fx = new CaptureFixture(dir);
      Capturer c = fx.capturer("assets:\n  bank-db: { class: critical, source: { type: mariadb, port: " + db.port()
          + ", user: root, databases: [bank] } }\n");
      Capturer.PointOutcome o = fx.capture(c, "bank-db");
      assertThat(o.ok()).as(o.error()).isTrue();
      assertThat(o.consistency()).isEqualTo(Consistency.APPLICATION);
      assertThat(o.facts()).containsKeys("server-version", "tool", "binlog-file", "binlog-position").containsEntry("databases", "bank");
      assertThat(writer.isAlive()).isTrue();
      writer.destroy();
      feeder.interrupt();
      Path restored = fx.restore(o.snapshot(), dir.resolve("r")).resolve("bank.sql");
      db.sql("drop database bank");
      db.load(restored);
      String[] row = db.sql("select sum(balance), (select count(*) from bank.log) from bank.accounts").strip().split("\t");
      assertThat(Long.parseLong(row[0])).as("money is neither made nor lost").isEqualTo(1_000_000L);
      assertThat(Long.parseLong(row[1])).isGreaterThanOrEqualTo(100);
    } finally {
      writer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void mariadb_wrongPassword_namesTheUserAndTheReference() throws Exception {
    assumeTrue(db != null, MariadbServer.unavailableReason());
    db.sql("create user if not exists 'backup'@'%' identified by 'right'");
    CaptureFixture fx = new CaptureFixture(dir);
    Capturer c = fx.capturer("assets:\n  m: { source: { type: mariadb, port: " + db.port() + ", user: backup, password: \"env:MPW\" } }\n",
        java.util.Map.of("MPW", "wrong"));
    Capturer.PointOutcome o = fx.capture(c, "m");
    assertThat(o.code()).isEqualTo(ErrorCode.IO);
    assertThat(o.error()).isEqualTo("asset m: the server at 127.0.0.1:" + db.port()
        + " refused user backup: check the user and its password reference env:MPW; nothing was captured");
    assertThat(fx.snapshots()).isEmpty();
  }
}
