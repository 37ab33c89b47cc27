package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** recover, drill, evidence, report, gaps and sandbox as a user runs them: output, exit codes, one-line errors. */
class RecoveryCliTest {
  @TempDir Path tmp;
  String config;
  String catalog;
  String boxes;

  @BeforeEach
  void setUp() throws Exception {
    Path site = Files.createDirectories(tmp.resolve("site"));
    Files.writeString(site.resolve("index.html"), "hello");
    Path db = tmp.resolve("orders.db");
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + db); var st = c.createStatement()) {
      st.execute("create table orders (id integer primary key)");
      st.execute("insert into orders values (1), (2)");
    }
    Files.writeString(tmp.resolve("pw"), "pw\n");
    Path policy = tmp.resolve("cairn.yaml");
    Files.writeString(policy, """
        repositories:
          main: { location: %s, password: "file:%s" }
        assets:
          orders:
            class: critical
            source: { type: sqlite, path: %s }
            checks: [ { sql: "select count(*) from orders", expect: "3" } ]
          site:
            class: standard
            source: { type: files, paths: [%s] }
            checks: [ { file: "${path}/index.html" } ]
        groups:
          shop: { members: [orders, { asset: site, after: [orders] }] }
        """.formatted(tmp.resolve("repo"), tmp.resolve("pw"), db, site));
    config = policy.toString();
    catalog = tmp.resolve("catalog.db").toString();
    boxes = tmp.resolve("sandboxes").toString();
    Cli.Run init = Cli.bare("init", "--repo", tmp.resolve("repo").toString(), "--password-file", tmp.resolve("pw").toString(),
        "--kdf-memory", "64", "--kdf-iterations", "1");
    assertThat(init.code()).as(init.err()).isZero();
    Cli.Run cap = Cli.bare("capture", "shop", "--config", config, "--catalog", catalog);
    assertThat(cap.code()).as(cap.err()).isZero();
  }

  @Test
  void recoverDryRun_printsThePlan_andChangesNothing() {
    Cli.Run r = Cli.bare("recover", "shop", "--config", config, "--catalog", catalog, "--dry-run");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("plan: group shop from main: group point ").contains("1. orders").contains("2. site")
        .contains("after orders").contains("reads  point").contains("writes a SQLite file in the sandbox").contains("estimate: ")
        .contains("dry run: nothing was changed");
    assertThat(Cli.bare("evidence", "--catalog", catalog).out()).contains("no recoveries or drills recorded");
  }

  @Test
  void drillWithFailingCheck_exits19_withOneLine_andTheReportAndGapsSaySo() throws Exception {
    Cli.Run d = Cli.bare("drill", "orders", "--config", config, "--catalog", catalog, "--sandbox-dir", boxes);
    assertThat(d.code()).isEqualTo(19);
    assertThat(d.errLines()).last().asString()
        .isEqualTo("cairn: drill of orders failed: sql check select count(*) from orders of orders: expected 3, got 2");
    assertThat(d.out()).contains("drill FAILED: orders");

    Cli.Run ev = Cli.bare("evidence", "orders", "--catalog", catalog, "--json");
    assertThat(ev.code()).isZero();
    assertThat(ev.json().get(0).get("row").get("outcome").asText()).isEqualTo("failed");
    assertThat(ev.json().get(0).get("record").get("checks").get(0).get("output").asText()).isEqualTo("expected 3, got 2");

    Path html = tmp.resolve("report.html");
    Cli.Run rep = Cli.bare("report", "--config", config, "--html", html.toString());
    assertThat(rep.code()).as(rep.err()).isZero();
    assertThat(rep.out()).containsPattern("orders\\s+asset\\s+RED").contains("the last drill failed: sql check");
    assertThat(html).content().contains("id=\"overall\">RED<");

    Cli.Run gaps = Cli.bare("gaps", "--config", config, "--json");
    assertThat(gaps.out()).contains("\"kind\" : \"drill-failed\"").contains("\"kind\" : \"restore-order-not-exercised\"");
    assertThat(Cli.bare("sandbox", "list", "--sandbox-dir", boxes).out()).contains("no sandboxes");
  }

  @Test
  void recoverBadInput_oneLineAndADocumentedExitCode() {
    Cli.Run early = Cli.bare("recover", "shop", "--config", config, "--as-of", "1999-01-01T00:00:00Z", "--sandbox-dir", boxes);
    assertThat(early.code()).isEqualTo(17);
    assertThat(early.errLines()).hasSize(1).first().asString().startsWith("cairn: group shop has no point at or before 1999-01-01T00:00:00Z");
    Cli.Run tag = Cli.bare("drill", "orders", "--config", config, "--pick", "deadbeef", "--sandbox-dir", boxes);
    assertThat(tag.code()).isEqualTo(17);
    assertThat(tag.errLines()).hasSize(1).first().asString().startsWith("cairn: asset orders has no point deadbeef");
    Cli.Run both = Cli.bare("recover", "orders", "--config", config, "--sandbox", "--to", "/tmp/x");
    assertThat(both.code()).isEqualTo(2);
    Cli.Run group = Cli.bare("recover", "shop", "--config", config, "--to", tmp.resolve("t").toString());
    assertThat(group.code()).isEqualTo(2);
    assertThat(group.err()).contains("name each member's target as --to MEMBER=TARGET");
  }
}
