package io.cairn.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cairn.engine.ErrorCode;
import io.cairn.engine.snapshot.Consistency;
import io.cairn.testkit.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Captures of real databases while they are written to, restored and checked against their invariants. */
class DatabaseCaptureTest {
  static PostgresServer pg;

  @TempDir Path dir;
  CaptureFixture fx;

  @BeforeAll
  static void startPostgres() throws Exception {
    if (PostgresServer.available()) pg = PostgresServer.start();
  }

  @AfterAll
  static void stopPostgres() throws IOException {
    if (pg != null) pg.close();
  }

  @BeforeEach
  void setUp() throws IOException {
    fx = new CaptureFixture(dir);
  }

  @Test
  void sqlite_underConcurrentTransfers_capturesAStateWhereTheTotalHolds() throws Exception {
    Path db = dir.resolve("bank.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
      st.execute("pragma journal_mode = wal");
      st.execute("create table accounts (id integer primary key, balance integer not null)");
      st.execute("create table log (id integer primary key, note text)");
      st.execute("with recursive n(i) as (select 1 union all select i + 1 from n where i < 1000) insert into accounts select i, 1000 from n");
    }
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong transfers = new AtomicLong();
    Thread writer = Thread.ofPlatform().start(() -> {
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
        st.execute("pragma busy_timeout = 10000");
        c.setAutoCommit(false);
        while (!stop.get()) {
          int a = ThreadLocalRandom.current().nextInt(1, 1001);
          int b = ThreadLocalRandom.current().nextInt(1, 1001);
          st.execute("update accounts set balance = balance - 7 where id = " + a);
          st.execute("insert into log (note) values ('" + "x".repeat(200) + "')");
          st.execute("update accounts set balance = balance + 7 where id = " + b);
          c.commit();
          transfers.incrementAndGet();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    try {
      while (transfers.get() < 200) Thread.sleep(10);
      Capturer c = fx.capturer("assets:\n  bank: { source: { type: sqlite, path: " + db + ", temp: " + dir + " } }\n");
      Capturer.PointOutcome o = fx.capture(c, "bank");
      assertThat(o.ok()).as(o.error()).isTrue();
      assertThat(o.consistency()).isEqualTo(Consistency.APPLICATION);
      assertThat(o.facts()).containsKey("server-version").containsEntry("type", "sqlite");
      long before = transfers.get();
      Thread.sleep(200);
      assertThat(transfers.get()).as("writers went on during and after the capture").isGreaterThan(before);
      Path restored = fx.restore(o.snapshot(), dir.resolve("restored")).resolve("bank.db");
      try (Connection r = DriverManager.getConnection("jdbc:sqlite:" + restored); Statement st = r.createStatement();
          ResultSet rs = st.executeQuery("select (select sum(balance) from accounts), (select count(*) from log),"
              + " (select integrity_check from pragma_integrity_check())")) {
        rs.next();
        assertThat(rs.getLong(1)).as("money is neither made nor lost").isEqualTo(1_000_000L);
        assertThat(rs.getLong(2)).isGreaterThanOrEqualTo(200);
        assertThat(rs.getString(3)).isEqualTo("ok");
      }
      try (var files = Files.list(dir)) {
        assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("cairn-sqlite-"));
      }
    } finally {
      stop.set(true);
      writer.join();
    }
  }

  @Test
  void postgres_whilePgbenchWrites_restoresToAStateWherePgbenchsInvariantsHold() throws Exception {
    assumeTrue(pg != null, PostgresServer.unavailableReason());
    pg.newDatabase("shop");
    Path bin = PostgresServer.binaries();
    run(List.of(bin.resolve("pgbench").toString(), "-i", "-s", "2", "-q", "-h", "127.0.0.1", "-p", "" + pg.port(), "-U", "cairn", "shop"), 300);
    Process bench = new ProcessBuilder(bin.resolve("pgbench").toString(), "-T", "60", "-c", "2", "-h", "127.0.0.1", "-p", "" + pg.port(),
        "-U", "cairn", "shop").redirectErrorStream(true).redirectOutput(dir.resolve("pgbench.log").toFile()).start();
    try {
      Thread.sleep(1500);
      Capturer c = fx.capturer("assets:\n  shop-db: { class: critical, source: { type: postgres, host: 127.0.0.1, port: " + pg.port()
          + ", user: cairn, databases: [shop] } }\n");
      Capturer.PointOutcome o = fx.capture(c, "shop-db");
      assertThat(o.ok()).as(o.error()).isTrue();
      assertThat(o.consistency()).isEqualTo(Consistency.APPLICATION);
      assertThat(o.warnings()).isEmpty();
      assertThat(o.facts()).containsKeys("server-version", "tool", "snapshot.shop", "lsn.shop", "size.shop").containsEntry("databases", "shop");
      assertThat(o.facts().get("tool")).startsWith("pg_dump (PostgreSQL) ");
      assertThat(bench.isAlive()).as("pgbench was writing throughout").isTrue();
      Path restored = fx.restore(o.snapshot(), dir.resolve("r"));
      assertThat(restored.resolve("globals.sql")).content().contains("CREATE ROLE");
      pg.newDatabase("shop_restored");
      // as 'cairn dump SNAP /shop.dump | pg_restore -d shop_restored': the dump streamed from the repository into pg_restore
      Process restore = new ProcessBuilder(bin.resolve("pg_restore").toString(), "-h", "127.0.0.1", "-p", "" + pg.port(), "-U", "cairn",
          "-d", "shop_restored", "--no-owner").redirectErrorStream(true).redirectOutput(dir.resolve("pg_restore.log").toFile()).start();
      try (var repo = fx.open(); var in = restore.getOutputStream()) {
        var snap = repo.resolve(o.snapshot());
        for (var id : repo.findNode(snap.treeId(), "/shop.dump").content()) repo.readBlobStreaming(id, (pos, b, off, len) -> in.write(b, off, len));
      }
      assertThat(restore.waitFor(300, TimeUnit.SECONDS)).isTrue();
      assertThat(restore.exitValue()).as(Files.readString(dir.resolve("pg_restore.log"))).isZero();
      try (Connection r = DriverManager.getConnection(pg.jdbcUrl("shop_restored")); Statement st = r.createStatement();
          ResultSet rs = st.executeQuery("select (select sum(abalance) from pgbench_accounts), (select sum(bbalance) from pgbench_branches),"
              + " (select sum(tbalance) from pgbench_tellers), (select coalesce(sum(delta), 0) from pgbench_history),"
              + " (select count(*) from pgbench_history)")) {
        rs.next();
        assertThat(rs.getLong(4)).as("transactions were captured mid-run").isNotZero();
        assertThat(List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3))).as("pgbench's balances agree with its history")
            .containsOnly(rs.getLong(4));
      }
    } finally {
      bench.destroy();
      bench.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void postgres_missingDatabase_namesTheAssetAndWhatToFix() throws Exception {
    assumeTrue(pg != null, PostgresServer.unavailableReason());
    Capturer c = fx.capturer("assets:\n  db: { source: { type: postgres, port: " + pg.port() + ", user: cairn, databases: [nothere] } }\n");
    Capturer.PointOutcome o = fx.capture(c, "db");
    assertThat(o.code()).isEqualTo(ErrorCode.IO);
    assertThat(o.error()).startsWith("asset db: database nothere does not exist on PostgreSQL at 127.0.0.1:" + pg.port()
        + ": fix 'databases' in the policy; nothing was captured");
    assertThat(fx.snapshots()).isEmpty();
  }

  @Test
  void postgres_pgDumpMissingOrOlderThanTheServer_saysWhatToInstall() throws Exception {
    assumeTrue(pg != null, PostgresServer.unavailableReason());
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Capturer c = fx.capturer("assets:\n  db: { source: { type: postgres, port: " + pg.port() + ", user: cairn, databases: [postgres], bin: "
        + empty + " } }\n");
    Capturer.PointOutcome o = fx.capture(c, "db");
    assertThat(o.code()).isEqualTo(ErrorCode.IO);
    assertThat(o.error()).matches("asset db: no pg_dump found in " + empty + ": install the PostgreSQL \\d+ client \\(postgresql-client-\\d+\\)"
        + " or set 'bin' in the source; nothing was captured");
    // an old pg_dump (one cannot be installed beside the server here, so a stand-in answers --version as one would)
    Path old = Files.createDirectories(dir.resolve("old"));
    Path tool = Files.writeString(old.resolve("pg_dump"), "#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n");
    tool.toFile().setExecutable(true);
    c = fx.capturer("assets:\n  db: { source: { type: postgres, port: " + pg.port() + ", user: cairn, databases: [postgres], bin: " + old + " } }\n");
    o = fx.capture(c, "db");
    assertThat(o.error()).startsWith("asset db: " + tool + " is version 9, older than the server (").contains("install the PostgreSQL");
    assertThat(fx.snapshots()).isEmpty();
  }

  @Test
  void postgres_serverDown_namesTheServer() throws Exception {
    int port;
    try (var s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Capturer c = fx.capturer("assets:\n  db: { source: { type: postgres, port: " + port + ", user: cairn, password: \"env:PGPW\" } }\n",
        java.util.Map.of("PGPW", "secret-value"));
    Capturer.PointOutcome o = fx.capture(c, "db");
    assertThat(o.code()).isEqualTo(ErrorCode.IO);
    assertThat(o.error()).startsWith("asset db: cannot connect to PostgreSQL at 127.0.0.1:" + port).contains("is the server running")
        .doesNotContain("secret-value");
  }

  private static void run(List<String> cmd, int seconds) throws Exception {
    List<String> full = new ArrayList<>(cmd);
    Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(seconds, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(new String(out)).isZero();
  }
}
