package io.cairn.service;

import io.cairn.catalog.Catalog;
import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.evidence.RecoveryRecord;
import io.cairn.engine.fs.TreeComparator;
import io.cairn.policy.Policy;
import io.cairn.recovery.Recoverer;
import io.cairn.recovery.Selection;
import io.cairn.report.Compliance;
import io.cairn.report.Gaps;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The whole continuum on a sample application, in one folder and well under a minute: a web site's
 * files and its SQLite shop database, a policy with both as a consistency group and checks; a
 * capture, a second one (dedup), a bad deployment that corrupts both (captured and tagged, as a
 * deploy pipeline would), a recovery as of the moment before it, a drill into a sandbox, a data
 * check, and the compliance report (with its HTML page) and gaps. Nothing outside the folder is touched.
 */
public final class QuickstartService {
  /** The file that marks a folder as quickstart's own (so a second run may empty it). */
  public static final String MARK = ".cairn-quickstart";

  /** Where each step's progress goes: a title per step, lines of detail. */
  public interface Steps {
    void step(String title);

    void detail(String line);
  }

  public record Request(Path dir, int sizeMb) {}

  /** What the run did, for --json and for whoever wants to look around afterwards. */
  public record Outcome(String folder, String policy, String repository, String passwordFile, String catalog, String html,
      List<String> points, long secondCaptureBytesAdded, long secondCaptureBytesTotal, Instant badDeploy, Instant recoveredAsOf,
      int ordersBefore, int ordersAfterBadDeploy, int ordersRecovered, boolean siteRecovered, String drillOutcome, long drillMillis,
      Compliance.Status status, List<Gaps.Gap> gaps) {}

  public Outcome run(Request req, Steps steps) throws IOException {
    Path root = req.dir().toAbsolutePath().normalize();
    if (Files.exists(root)) {
      if (!Files.exists(root.resolve(MARK))) {
        try (var s = Files.list(root)) {
          if (s.findAny().isPresent()) {
            throw new CairnException(ErrorCode.CONFLICT, root + " exists and was not made by quickstart; pass --dir with a new folder");
          }
        }
      }
      deleteTree(root);
    }
    Files.createDirectories(root);
    Files.writeString(root.resolve(MARK), "made by cairn quickstart; safe to delete\n");
    Path site = root.resolve("app/site");
    Path db = root.resolve("app/shop.db");
    Path repoDir = root.resolve("repo");
    Path pwFile = root.resolve("password");
    Path policyFile = root.resolve("cairn.yaml");
    Path catalog = root.resolve("catalog.db");
    Path boxes = root.resolve("sandboxes");

    steps.step(String.format("1/8 a sample application in %s: a web site (about %d MB of files) and its SQLite shop database", root.resolve("app"), req.sizeMb()));
    SampleData.make(site, req.sizeMb(), new Random(42));
    Files.writeString(site.resolve("index.html"), "<h1>shop, release 1</h1>\n");
    sql(db, "create table orders (id integer primary key, customer text not null, total integer not null)");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      c.setAutoCommit(false);
      try (var ps = c.prepareStatement("insert into orders (customer, total) values (?, ?)")) {
        Random r = new Random(1);
        for (int i = 0; i < 1000; i++) {
          ps.setString(1, "customer-" + r.nextInt(200));
          ps.setInt(2, 1 + r.nextInt(500));
          ps.addBatch();
        }
        ps.executeBatch();
      }
      c.commit();
    } catch (SQLException e) {
      throw new IOException("cannot make the sample database: " + e.getMessage(), e);
    }
    int ordersBefore = count(db);

    byte[] pwBytes = new byte[18];
    new SecureRandom().nextBytes(pwBytes);
    String password = HexFormat.of().formatHex(pwBytes);
    Files.writeString(pwFile, password + "\n");
    Files.setPosixFilePermissions(pwFile, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(policyFile, """
        # written by cairn quickstart: the sample application's policy (docs/configuration.md describes every key)
        repositories:
          local: { location: %s, password: "file:%s", role: primary }
        assets:
          shop-db:
            class: critical                    # RPO 1h, RTO 1h, drilled weekly
            source: { type: sqlite, path: %s }
            checks:
              - sql: "select count(*) > 0 from orders"
                expect: "1"
              - sql: "pragma integrity_check"
                expect: "ok"
          site:
            class: standard
            source: { type: files, paths: [%s] }
            checks:
              - file: "${path}/index.html"
              - command: "grep -q release $CAIRN_PATH/index.html"
        groups:
          shop:                                # captured in one freeze window, restored database first
            members:
              - shop-db
              - { asset: site, after: [shop-db] }
        """.formatted(repoDir, pwFile, db, site));
    Policy policy = Policy.load(policyFile);
    steps.step("2/8 an encrypted repository in " + repoDir + " (password in " + pwFile + ") and a policy in " + policyFile);

    try (Workspace ws = new Workspace(new Workspace.Settings(catalog.toString(), 0), Clock.systemUTC(), location -> password.toCharArray(),
        new StoreFactory(), System::gc)) {
      new InitService(ws).run(InitService.Request.defaults(repoDir.toString(), new KeyService.Kdf(32768, 3)), password::toCharArray);
      Listener quiet = Listener.NONE;
      CaptureService capture = new CaptureService(ws);

      steps.step("3/8 capturing the group shop: the database and the site as one recovery point");
      CaptureService.Outcome c1 = capture.run(new CaptureService.Request(policy, "shop", List.of("release-1"), null, Map.of(), null), quiet);
      ok(c1);
      for (var p : c1.points()) {
        steps.detail(String.format("%s: point %s, %s (%s), %s", p.asset(), p.snapshot().substring(0, 8), p.consistency().label(),
            p.consistencyReason(), human(p.stats().bytesTotal())));
      }

      steps.step("4/8 a day's changes, captured again: only what changed is stored");
      SampleData.mutate(site, new Random(7));
      sql(db, "insert into orders (customer, total) values ('customer-new', 42)");
      CaptureService.Outcome c2 = capture.run(new CaptureService.Request(policy, "shop", List.of("release-1"), null, Map.of(), null), quiet);
      ok(c2);
      long added = c2.points().stream().mapToLong(p -> p.stats().bytesAdded()).sum();
      long total = c2.points().stream().mapToLong(p -> p.stats().bytesTotal()).sum();
      steps.detail(String.format("added %s of %s (dedup saved %.0f%%)", human(added), human(total), total == 0 ? 0.0 : 100.0 * (total - added) / total));
      int ordersGood = count(db);
      Instant good = ws.clock().instant();
      sleepMillis(1100); // the bad deployment is a moment later: --as-of needs a moment between

      steps.step("5/8 a bad deployment: a migration deletes most orders and a broken page is deployed (captured, tagged bad-deploy)");
      sql(db, "delete from orders where id % 10 <> 0");
      Files.writeString(site.resolve("index.html"), "<h1>500 Internal Server Error</h1>\n");
      Instant badDeploy = ws.clock().instant();
      CaptureService.Outcome c3 = capture.run(new CaptureService.Request(policy, "shop", List.of("bad-deploy"), null, Map.of(), null), quiet);
      ok(c3);
      int ordersBad = count(db);
      steps.detail(String.format("orders: %d -> %d; index.html: %s", ordersGood, ordersBad, Files.readString(site.resolve("index.html")).strip()));

      steps.step("6/8 recover shop --as-of " + good + " (the moment before the deployment) into " + root.resolve("recovered"));
      Path recoveredDb = root.resolve("recovered/shop.db");
      Path recoveredSite = root.resolve("recovered/site");
      RecoverService recover = new RecoverService(ws);
      RecoverService.Outcome r = recover.run(new RecoverService.Request(policy, "shop", new Selection(good, null, null, Selection.Pick.LATEST), false,
          new Recoverer.Options("recover", false, Map.of("shop-db", recoveredDb.toString(), "site", recoveredSite.toString()), false, false, false,
              null, null), null, Map.of(), null, boxes, null), quiet);
      if (!r.ok()) throw new CairnException(r.code(), r.error());
      int ordersRecovered = count(recoveredDb);
      Path page = recoveredSite.resolve(site.toString().substring(1)).resolve("index.html");
      boolean siteBack = Files.readString(page).contains("release 1");
      steps.detail(String.format("group point %s: orders back to %d (from %d); index.html: %s; %s", r.plan().groupPoint().substring(0, 8),
          ordersRecovered, ordersBad, Files.readString(page).strip(), phases(r.evidence())));
      if (ordersRecovered != ordersGood || !siteBack) {
        throw new CairnException(ErrorCode.DATA_DAMAGED, "the recovered data is not the data before the deployment");
      }
      List<String> diffs = TreeComparator.compare(site.resolve("bin"), recoveredSite.resolve(site.toString().substring(1)).resolve("bin"));
      if (!diffs.isEmpty()) throw new CairnException(ErrorCode.DATA_DAMAGED, "the recovered site differs: " + diffs.get(0));

      steps.step("7/8 drill shop into a sandbox: restore the newest complete point, run the checks, tear down");
      RecoverService.Outcome d = recover.run(new RecoverService.Request(policy, "shop", new Selection(null, "release-1", null, Selection.Pick.LATEST),
          false, new Recoverer.Options("drill", true, null, false, false, false, null, null), null, Map.of(), null, boxes, null), quiet);
      for (RecoveryRecord.CheckRun ch : d.evidence().checks()) {
        steps.detail(String.format("check %s of %s: %s (%s)", ch.kind(), ch.owner(), ch.ok() ? "passed" : "FAILED", ch.output()));
      }
      steps.detail(String.format("drill %s in %.1f s; sandbox removed", d.evidence().outcome(), d.evidence().duration().toMillis() / 1000.0));
      if (!d.ok()) throw new CairnException(d.code(), d.error());

      steps.step("8/8 checking every pack, then the compliance report and the gaps");
      CheckService.Outcome chk = new CheckService(ws).run(new CheckService.Request(repoDir.toString(), 1.0, false), quiet);
      if (!chk.ok()) throw new CairnException(ErrorCode.DATA_DAMAGED, "check found problems: " + chk.problems());
      ReportService.Outcome rep = new ReportService(ws).run(new ReportService.Request(policy, null, null, Map.of()), quiet);
      for (Compliance.Entry e : rep.report().entries()) {
        steps.detail(String.format("%-8s %-6s RPO %s of %s, RTO %s of %s: %s", e.subject(), e.status(), Compliance.human(e.achievedRpo()),
            Compliance.human(e.rpo()), Compliance.human(e.lastDrillRto()), Compliance.human(e.rto()), e.reasons().get(0)));
      }
      for (Gaps.Gap g : rep.gaps()) steps.detail(String.format("gap: %s %s: %s", g.subject(), g.kind(), g.todo()));
      Path html = root.resolve("report.html");
      Files.writeString(html, ReportService.html(rep));
      List<Catalog.EvidenceRow> ev = ws.catalog().evidence(null, 10);
      steps.detail(String.format("HTML report: %s; the catalog holds %d evidence records", html, ev.size()));
      return new Outcome(root.toString(), policyFile.toString(), repoDir.toString(), pwFile.toString(), catalog.toString(), html.toString(),
          List.of(c1.group().manifest(), c2.group().manifest(), c3.group().manifest()), added, total, badDeploy, good, ordersGood, ordersBad,
          ordersRecovered, siteBack, d.evidence().outcome(), d.evidence().duration().toMillis(), rep.report().worst(), rep.gaps());
    }
  }

  private static String phases(RecoveryRecord r) {
    StringBuilder b = new StringBuilder();
    Compliance.Drill x = new Compliance.Drill(r.finished(), r.outcome(), r.duration().toMillis(), r.reason(), Map.of());
    for (RecoveryRecord.Phase p : r.phases()) {
      if (p.asset() == null) continue;
      b.append(p.name()).append(' ').append(p.asset()).append(' ').append(p.millis()).append(" ms, ");
    }
    return b.isEmpty() ? "" : b.substring(0, b.length() - 2) + " (" + x.millis() + " ms in all)";
  }

  private static void ok(CaptureService.Outcome o) {
    if (!o.ok()) throw new CairnException(o.code(), o.error());
  }

  private static void sql(Path db, String statement) throws IOException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
      st.execute(statement);
    } catch (SQLException e) {
      throw new IOException("sample database " + db + ": " + e.getMessage(), e);
    }
  }

  private static int count(Path db) throws IOException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro"); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select count(*) from orders")) {
      rs.next();
      return rs.getInt(1);
    } catch (SQLException e) {
      throw new IOException("sample database " + db + ": " + e.getMessage(), e);
    }
  }

  private static void sleepMillis(long ms) throws IOException {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted");
    }
  }

  static String human(long n) {
    if (n < 1024) return n + " B";
    String[] u = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int i = -1;
    while (v >= 1024 && i < u.length - 1) {
      v /= 1024;
      i++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", v, u[i]);
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return;
    try (var s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
    }
  }

  /** A small but varied data set: text, binaries with shared regions, duplicates, links, odd modes. */
  static final class SampleData {
    static void make(Path root, int sizeMb, Random rnd) throws IOException {
      Files.createDirectories(root.resolve("docs"));
      Files.createDirectories(root.resolve("src/main"));
      Files.createDirectories(root.resolve("bin"));
      Files.createDirectories(root.resolve("empty"));
      String[] words = "backup restore cairn data proof recovery point objective time snapshot chunk pack index tree".split(" ");
      for (int i = 0; i < 300; i++) {
        StringBuilder sb = new StringBuilder();
        int n = 200 + rnd.nextInt(4000);
        for (int w = 0; w < n; w++) sb.append(words[rnd.nextInt(words.length)]).append(w % 12 == 11 ? '\n' : ' ');
        Files.writeString(root.resolve((i % 2 == 0 ? "docs/" : "src/main/") + "file-" + i + ".txt"), sb.toString());
      }
      long big = Math.max(4, sizeMb - 4) * (1L << 20);
      byte[] base = new byte[(int) Math.min(big / 2, 64 << 20)];
      rnd.nextBytes(base);
      write(root.resolve("bin/image-a.bin"), base);
      byte[] copy = base.clone();
      for (int k = 0; k < 8; k++) copy[rnd.nextInt(copy.length)] ^= 1; // a near-duplicate: dedup keeps most
      write(root.resolve("bin/image-b.bin"), copy);
      Files.createSymbolicLink(root.resolve("docs/latest.txt"), Path.of("file-0.txt"));
      Files.createLink(root.resolve("docs/hardlink.txt"), root.resolve("docs/file-2.txt"));
      Path tool = root.resolve("bin/tool.sh");
      Files.writeString(tool, "#!/bin/sh\necho cairn\n");
      Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-x---"));
      try (var ch = Files.newByteChannel(root.resolve("bin/sparse.img"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ch.position(32L << 20);
        ch.write(ByteBuffer.wrap("end".getBytes(StandardCharsets.US_ASCII)));
      }
    }

    static void mutate(Path root, Random rnd) throws IOException {
      Path a = root.resolve("bin/image-a.bin");
      try (var ch = Files.newByteChannel(a, StandardOpenOption.WRITE)) {
        ch.position(ch.size() / 2);
        byte[] b = new byte[4096];
        rnd.nextBytes(b);
        ch.write(ByteBuffer.wrap(b));
      }
      Files.writeString(root.resolve("docs/new-notes.txt"), "added after the first backup\n");
      Files.writeString(root.resolve("docs/file-4.txt"), "\nappended line\n", StandardOpenOption.APPEND);
      Files.delete(root.resolve("src/main/file-5.txt"));
    }

    private static void write(Path p, byte[] b) throws IOException {
      try (OutputStream o = Files.newOutputStream(p)) {
        o.write(b);
      }
    }
  }
}
