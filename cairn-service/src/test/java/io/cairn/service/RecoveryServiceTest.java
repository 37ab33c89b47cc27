package io.cairn.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.evidence.RecoveryRecord;
import io.cairn.engine.fs.Processes;
import io.cairn.policy.Policy;
import io.cairn.recovery.Recoverer;
import io.cairn.recovery.Sandboxes;
import io.cairn.recovery.Selection;
import io.cairn.report.Compliance;
import io.cairn.report.Gaps;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recoveries and drills of files, SQLite and a group, end to end through the services: point choice,
 * restore order, checks, failures recorded as evidence, sandboxes removed, the report's colours.
 */
class RecoveryServiceTest {
  @TempDir Path tmp;
  final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-04T10:00:00Z"));
  Workspace ws;
  Path data;
  Path db;
  Path boxes;
  String repo;

  @BeforeEach
  void setUp() throws Exception {
    InstantSource clock = () -> now.get();
    ws = new Workspace(new Workspace.Settings(tmp.resolve("catalog.db").toString(), 0), clock, l -> "pw".toCharArray(), new StoreFactory());
    repo = tmp.resolve("repo").toString();
    new InitService(ws).run(new InitService.Request(repo, 4096, 16384, 65536, 131072, 3, new KeyService.Kdf(64, 1)), "pw"::toCharArray);
    Files.writeString(tmp.resolve("pw"), "pw\n");
    data = Files.createDirectories(tmp.resolve("app/site"));
    Files.writeString(data.resolve("index.html"), "version 1");
    db = tmp.resolve("app/orders.db");
    sql("create table orders (id integer primary key, total integer)", "insert into orders (total) values (10), (20)");
    boxes = tmp.resolve("sandboxes");
  }

  private void sql(String... statements) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
      for (String s : statements) st.execute(s);
    }
  }

  private Policy policy(String dbChecks) {
    return Policy.read(new StringReader("""
        repositories:
          main: { location: %s, password: "file:%s" }
        assets:
          orders:
            class: critical
            source: { type: sqlite, path: %s }
            checks:
        %s
          site:
            class: standard
            source: { type: files, paths: [%s] }
            checks:
              - file: "${path}/index.html"
              - command: "test -f $CAIRN_PATH/index.html"
        groups:
          shop:
            members:
              - orders
              - { asset: site, after: [orders] }
        """.formatted(repo, tmp.resolve("pw"), db, dbChecks, data)), "cairn.yaml");
  }

  private static final String GOOD = """
              - sql: "select count(*) from orders"
                expect: "2"
      """;

  private CaptureService.Outcome capture(Policy p, String target, String... tags) throws Exception {
    CaptureService.Outcome o = new CaptureService(ws).run(new CaptureService.Request(p, target, List.of(tags), null, Map.of(), "h"), Listener.NONE);
    assertThat(o.ok()).as(String.valueOf(o.error())).isTrue();
    return o;
  }

  private RecoverService.Outcome drill(Policy p, String subject, Selection sel) throws Exception {
    return new RecoverService(ws).run(new RecoverService.Request(p, subject, sel, false,
        new Recoverer.Options("drill", true, null, false, false, false, null, Duration.ofMinutes(5)), null, Map.of(), "h", boxes, 1L), Listener.NONE);
  }

  private RecoverService.Outcome recoverTo(Policy p, String subject, Selection sel, Map<String, String> to, boolean replace) throws Exception {
    return new RecoverService(ws).run(new RecoverService.Request(p, subject, sel, false,
        new Recoverer.Options("recover", false, to, replace, false, false, null, Duration.ofMinutes(5)), null, Map.of(), "h", boxes, 1L),
        Listener.NONE);
  }

  private void tick(Duration d) {
    now.set(now.get().plus(d));
  }

  @Test
  void drill_ofGroup_passesItsChecks_restoresInOrder_andLeavesNoSandbox() throws Exception {
    Policy p = policy(GOOD);
    capture(p, "shop");
    tick(Duration.ofMinutes(1));
    RecoverService.Outcome o = drill(p, "shop", Selection.latest());

    assertThat(o.ok()).as(String.valueOf(o.error())).isTrue();
    RecoveryRecord r = o.evidence();
    assertThat(r.checks()).extracting(RecoveryRecord.CheckRun::ok).containsExactly(true, true, true);
    RecoveryRecord.Phase dbReconciled = phase(r, "reconcile", "orders");
    RecoveryRecord.Phase filesHydrate = phase(r, "hydrate", "site");
    assertThat(filesHydrate.start()).as("the files come after the database in the group's order").isAfterOrEqualTo(dbReconciled.end());
    assertThat(r.phases()).extracting(RecoveryRecord.Phase::name).contains("provision", "validate", "teardown");
    assertThat(boxes).isEmptyDirectory();
    // the evidence is in the repository, and in the catalog, where the drilled points are now verified
    assertThat(ws.catalog().evidence("shop", 10)).extracting(e -> e.outcome()).containsExactly("passed");
    assertThat(ws.catalog().evidence("site", 10)).as("an asset's evidence includes its group's").hasSize(1);
    assertThat(ws.catalog().points(new io.cairn.catalog.Catalog.PointQuery(null, null, null, null, null, null, null, true, 0)))
        .extracting(io.cairn.catalog.Catalog.PointRow::asset).containsExactlyInAnyOrder("orders", "site");
  }

  private static RecoveryRecord.Phase phase(RecoveryRecord r, String name, String asset) {
    return r.phases().stream().filter(p -> p.name().equals(name) && asset.equals(p.asset())).findFirst().orElseThrow();
  }

  @Test
  void recover_asOfBetweenTwoCaptures_givesTheEarlierState() throws Exception {
    Policy p = policy(GOOD);
    capture(p, "orders");
    Instant between = now.get().plus(Duration.ofMinutes(30));
    tick(Duration.ofHours(1));
    sql("delete from orders"); // the bad deployment
    capture(p, "orders", "after-deploy");
    Path target = tmp.resolve("restored/orders.db");

    RecoverService.Outcome o = recoverTo(p, "orders", new Selection(between, null, null, Selection.Pick.LATEST), Map.of("orders", target.toString()), false);

    assertThat(o.ok()).as(String.valueOf(o.error())).isTrue();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + target); Statement st = c.createStatement();
        var rs = st.executeQuery("select count(*) from orders")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(2);
    }
    assertThat(o.evidence().sandbox()).isFalse();
    assertThat(o.evidence().points().get(0).time()).isBefore(between);
  }

  @Test
  void recover_badRequests_sayWhatIsWrong_andTouchNothing() throws Exception {
    Policy p = policy(GOOD);
    capture(p, "orders", "v1");
    Instant before = now.get().minus(Duration.ofDays(1));
    assertThatThrownBy(() -> drill(p, "orders", new Selection(before, null, null, Selection.Pick.LATEST)))
        .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND))
        .hasMessageContaining("no point at or before").hasMessageContaining("the oldest is");
    assertThatThrownBy(() -> drill(p, "orders", new Selection(null, "nope", null, Selection.Pick.LATEST)))
        .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND))
        .hasMessageContaining("tagged nope").hasMessageContaining("tags in use: v1");
    assertThat(ws.catalog().evidence("orders", 10)).as("a drill that could not start is recorded as failed, with the reason")
        .extracting(e -> e.outcome() + ": " + e.reason()).hasSize(2).allMatch(x -> x.startsWith("failed: ")).anyMatch(x -> x.contains("tagged nope"));
    Path occupied = tmp.resolve("occupied.db");
    Files.writeString(occupied, "mine");
    RecoverService.Outcome o = recoverTo(p, "orders", Selection.latest(), Map.of("orders", occupied.toString()), false);
    assertThat(o.code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(o.evidence().outcome()).isEqualTo("failed");
    assertThat(o.evidence().reason()).contains("exists").contains("--replace");
    assertThat(Files.readString(occupied)).isEqualTo("mine");
    RecoverService.Outcome replaced = recoverTo(p, "orders", Selection.latest(), Map.of("orders", occupied.toString()), true);
    assertThat(replaced.ok()).as(String.valueOf(replaced.error())).isTrue();
  }

  @Test
  void drill_withFailingCheck_recordsFailedEvidence_andTheReportIsRed() throws Exception {
    Policy p = policy("""
              - sql: "select count(*) from orders"
                expect: "3"
        """);
    capture(p, "orders");
    tick(Duration.ofMinutes(5));
    RecoverService.Outcome o = drill(p, "orders", Selection.latest());

    assertThat(o.code()).isEqualTo(ErrorCode.CHECK_FAILED);
    assertThat(o.evidence().outcome()).isEqualTo("failed");
    assertThat(o.evidence().reason()).contains("sql check select count(*) from orders of orders: expected 3, got 2");
    assertThat(boxes).isEmptyDirectory();
    ReportService.Outcome rep = new ReportService(ws).run(new ReportService.Request(p, null, null, Map.of()), Listener.NONE);
    Compliance.Entry e = rep.report().entries().stream().filter(x -> x.subject().equals("orders")).findFirst().orElseThrow();
    assertThat(e.status()).isEqualTo(Compliance.Status.RED);
    assertThat(e.reasons()).anyMatch(x -> x.startsWith("the last drill failed: sql check"));
    assertThat(rep.gaps()).extracting(Gaps.Gap::kind).contains("drill-failed");
  }

  @Test
  void drill_withCheckThatHangs_failsAtItsTimeout() throws Exception {
    Policy p = policy("""
              - command: "sleep 60"
                timeout: 1s
        """);
    capture(p, "orders");
    long t0 = System.nanoTime();
    RecoverService.Outcome o = drill(p, "orders", Selection.latest());
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
    assertThat(o.code()).isEqualTo(ErrorCode.CHECK_FAILED);
    assertThat(o.evidence().reason()).contains("did not finish within 1 s");
  }

  @Test
  void drill_ofPointWithDamagedBlob_failsNamingTheFile() throws Exception {
    Policy p = policy(GOOD);
    capture(p, "site");
    // one flipped byte in the file's blob: the restore cannot verify it
    try (var r = ws.open(repo, Workspace.Use.DECRYPT)) {
      var snap = r.resolve("latest");
      var node = r.findNode(snap.treeId(), data.resolve("index.html").toString().substring(1));
      var loc = r.find(node.content().get(0));
      Path pack = Path.of(repo).resolve(io.cairn.engine.repo.Repository.packKey(loc.pack()));
      byte[] b = Files.readAllBytes(pack);
      b[loc.entry().offset() + loc.entry().length() / 2] ^= 0x55;
      Files.write(pack, b);
    }
    RecoverService.Outcome o = drill(p, "site", Selection.latest());
    assertThat(o.code()).isEqualTo(ErrorCode.DATA_DAMAGED);
    assertThat(o.evidence().reason()).contains("damaged").contains("index.html");
    assertThat(boxes).isEmptyDirectory();
  }

  @Test
  void drill_leftByAKilledRun_isRemovedByTheNextRun() throws Exception {
    Policy p = policy(GOOD);
    capture(p, "orders");
    // what a run killed with SIGKILL leaves: a registered sandbox, a server still running, a dead owner
    Sandboxes sb = new Sandboxes(boxes);
    Sandboxes.Entry e = sb.create("deadbeef00000000", "orders", "deadbeef", now.get());
    Processes.Running server = Processes.start(List.of("sleep", "600"), Map.of(), Duration.ofMinutes(10));
    server.detach();
    sb.write(new Sandboxes.Entry(e.id(), e.subject(), e.run(), e.created(), 999_999_999L, null, false,
        List.of(new Sandboxes.Service("orders", "sqlite", server.pid(), null, null, null, null, null))));
    Files.writeString(sb.folder(e.id()).resolve("half-restored"), "x");

    RecoverService.Outcome o = drill(p, "orders", Selection.latest());

    assertThat(o.swept()).containsExactly("deadbeef00000000");
    assertThat(Processes.groupAlive(server.pid())).isFalse();
    assertThat(boxes).isEmptyDirectory();
    assertThat(o.ok()).isTrue();
  }

  @Test
  void recover_toTargets_withCutover_runsTheCutoverHooks_afterTheChecks_andNeverWithoutIt() throws Exception {
    Path marker = tmp.resolve("cutover.log");
    Policy p = Policy.read(new StringReader("""
        repositories:
          main: { location: %s, password: "file:%s" }
        assets:
          orders: { class: critical, source: { type: sqlite, path: %s }, checks: [ { sql: "select count(*) from orders", expect: "2" } ] }
          site: { class: standard, source: { type: files, paths: [%s] } }
        groups:
          shop:
            members: [orders, { asset: site, after: [orders] }]
            hooks: { cutover: { run: "echo \\"$CAIRN_PHASE $CAIRN_GROUP $CAIRN_ORDERS_PATH\\" >> %s" } }
        """.formatted(repo, tmp.resolve("pw"), db, data, marker)), "cairn.yaml");
    capture(p, "shop");
    Map<String, String> to = Map.of("orders", tmp.resolve("t1/orders.db").toString(), "site", tmp.resolve("t1/site").toString());
    RecoverService.Outcome without = recoverTo(p, "shop", Selection.latest(), to, false);
    assertThat(without.ok()).as(String.valueOf(without.error())).isTrue();
    assertThat(marker).doesNotExist();

    Map<String, String> to2 = Map.of("orders", tmp.resolve("t2/orders.db").toString(), "site", tmp.resolve("t2/site").toString());
    RecoverService.Outcome with = new RecoverService(ws).run(new RecoverService.Request(p, "shop", Selection.latest(), false,
        new Recoverer.Options("recover", false, to2, false, false, true, null, Duration.ofMinutes(5)), null, Map.of(), "h", boxes, 1L), Listener.NONE);
    assertThat(with.ok()).as(String.valueOf(with.error())).isTrue();
    assertThat(marker).content().isEqualTo("cutover shop " + tmp.resolve("t2/orders.db") + "\n");
    assertThat(with.evidence().phases()).extracting(RecoveryRecord.Phase::name).endsWith("validate", "cutover");
    assertThatThrownBy(() -> new Recoverer.Options("drill", true, null, false, false, true, null, null)).hasMessageContaining("--cutover needs --to");
    assertThatThrownBy(() -> new Recoverer.Options("drill", false, to2, false, false, false, null, null)).hasMessageContaining("never touches a production");
  }

  @Test
  void drill_randomPick_prefersPointsNeverDrilled() throws Exception {
    Policy p = policy(GOOD);
    String[] ids = new String[3];
    for (int i = 0; i < 3; i++) {
      ids[i] = capture(p, "orders").points().get(0).snapshot();
      tick(Duration.ofHours(1));
    }
    assertThat(drill(p, "orders", new Selection(null, null, ids[0], Selection.Pick.LATEST)).ok()).isTrue();
    assertThat(drill(p, "orders", new Selection(null, null, ids[2], Selection.Pick.LATEST)).ok()).isTrue();
    int never = 0;
    for (long seed = 0; seed < 300; seed++) {
      RecoverService.Outcome o = new RecoverService(ws).run(new RecoverService.Request(p, "orders", new Selection(null, null, null, Selection.Pick.RANDOM),
          true, new Recoverer.Options("drill", true, null, false, false, false, null, null), null, Map.of(), "h", boxes, seed), Listener.NONE);
      if (o.plan().steps().get(0).snapshot().equals(ids[1])) never++;
    }
    // weights 1, 4, 1: the point never drilled comes up two thirds of the time
    assertThat(never).isBetween(170, 230);
  }

  @Test
  void recover_intoAKeptSandbox_staysUntilRemoved() throws Exception {
    Policy p = policy(GOOD);
    capture(p, "orders");
    RecoverService.Outcome o = new RecoverService(ws).run(new RecoverService.Request(p, "orders", Selection.latest(), false,
        new Recoverer.Options("recover", true, null, false, true, false, null, null), null, Map.of(), "h", boxes, 1L), Listener.NONE);
    assertThat(o.ok()).isTrue();
    assertThat(o.kept()).isNotNull();
    Path restored = Path.of(o.places().get(0).path());
    assertThat(restored).exists();
    // another run's sweep leaves a kept sandbox alone
    assertThat(drill(p, "orders", Selection.latest()).swept()).isEmpty();
    assertThat(RecoverService.sandboxes(boxes, Map.of())).extracting(Sandboxes.Entry::id).containsExactly(o.kept().id());
    RecoverService.removeSandbox(boxes, Map.of(), o.kept().id().substring(0, 6));
    assertThat(restored).doesNotExist();
    assertThat(RecoverService.sandboxes(boxes, Map.of())).isEmpty();
  }

  @Test
  void drill_whoseSandboxBinaryIsMissing_failsNamingWhatToInstall_andIsRecorded() throws Exception {
    Policy p = Policy.read(new StringReader("""
        repositories:
          main: { location: %s, password: "file:%s" }
        assets:
          future-db: { class: critical, source: { type: postgres, host: 127.0.0.1, port: 1, user: cairn, databases: [x] } }
        """.formatted(repo, tmp.resolve("pw"))), "cairn.yaml");
    // a point of a PostgreSQL newer than any installed here
    try (var r = ws.open(repo, Workspace.Use.PLAIN)) {
      Map<String, String> facts = Map.of("type", "postgres", "server-version", "99.1", "databases", "x");
      new io.cairn.engine.backup.StreamCapture(r, List.of(), "h", new io.cairn.engine.Progress())
          .finishWith(s -> s.toBuilder().asset("future-db").source(facts).build())
          .run(List.of(new io.cairn.engine.backup.StreamCapture.NamedStream("x.dump",
              java.nio.channels.Channels.newChannel(new java.io.ByteArrayInputStream(new byte[100])))), facts);
    }
    RecoverService.Outcome o = drill(p, "future-db", Selection.latest());
    assertThat(o.code()).isEqualTo(ErrorCode.IO);
    assertThat(o.evidence().reason()).contains("no PostgreSQL 99 or newer").contains("install postgresql-99");
    assertThat(o.evidence().outcome()).isEqualTo("failed");
    assertThat(boxes).isEmptyDirectory();
  }

  @Test
  void drill_httpChecks_askTheApplication_statusAndText() throws Exception {
    com.sun.net.httpserver.HttpServer app = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    app.createContext("/health", x -> {
      byte[] b = "status: ok".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      x.sendResponseHeaders(200, b.length);
      x.getResponseBody().write(b);
      x.close();
    });
    app.start();
    try {
      String base = "http://127.0.0.1:" + app.getAddress().getPort();
      Policy p = policy("""
                - http: "%s/health"
                  contains: "ok"
                - http: "%s/missing"
                  status: 200
          """.formatted(base, base));
      capture(p, "orders");
      RecoverService.Outcome o = drill(p, "orders", Selection.latest());
      assertThat(o.evidence().checks()).extracting(RecoveryRecord.CheckRun::ok).containsExactly(true, false);
      assertThat(o.code()).isEqualTo(ErrorCode.CHECK_FAILED);
      assertThat(o.evidence().reason()).contains(base + "/missing answered 404, expected 200");
    } finally {
      app.stop(0);
    }
  }
}
