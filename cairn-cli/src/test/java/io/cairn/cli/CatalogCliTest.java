package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog through the CLI: kept up to date by commands, questioned, rebuilt, and failing cleanly. */
class CatalogCliTest {
  @TempDir Path tmp;
  Cli cli;
  Path src;
  String catalog;

  @BeforeEach
  void setUp() throws Exception {
    cli = new Cli(tmp);
    assertThat(cli.init().code()).isZero();
    src = tmp.resolve("src");
    Files.createDirectories(src.resolve("etc/nginx"));
    Files.writeString(src.resolve("etc/nginx/nginx.conf"), "worker_processes 1;\n");
    catalog = tmp.resolve("catalog.db").toString();
  }

  private Cli.Run ok(String... args) {
    Cli.Run r = cli.run(args);
    assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isZero();
    return r;
  }

  @Test
  void backupAndForget_keepTheCatalogTrue_andRebuildRecreatesItFromTheRepository() throws Exception {
    ok("backup", "--catalog", catalog, "--tag", "first", src.toString());
    Files.writeString(src.resolve("etc/nginx/nginx.conf"), "worker_processes 2;\n");
    ok("backup", "--catalog", catalog, src.toString());
    JsonNode points = ok("points", "--catalog", catalog, "--json").json();
    assertThat(points).hasSize(2);
    assertThat(ok("points", "--catalog", catalog, "--tag", "first", "--json").json()).hasSize(1);
    JsonNode versions = ok("find", "nginx.conf", "--catalog", catalog, "--json").json();
    assertThat(versions).hasSize(2);
    assertThat(versions.get(0).get("contentId").asText()).isNotEqualTo(versions.get(1).get("contentId").asText());
    String show = ok("points", "show", points.get(0).get("pointKey").asText().substring(0, 10), "--catalog", catalog).out();
    assertThat(show).contains("copies       1").contains(cli.repo.toAbsolutePath().toString());
    assertThat(ok("catalog", "verify", "--catalog", catalog).out()).contains("in sync");

    Files.delete(Path.of(catalog));
    ok("catalog", "rebuild", "--catalog", catalog);
    assertThat(ok("points", "--catalog", catalog, "--json").json()).isEqualTo(points);

    ok("forget", "--catalog", catalog, "--keep-last", "1");
    assertThat(ok("points", "--catalog", catalog, "--json").json()).hasSize(1);
    assertThat(ok("find", "nginx.conf", "--catalog", catalog, "--json").json()).hasSize(1);
    ok("prune", "--catalog", catalog, "--max-unused", "0%", "--max-wait", "60s");
    assertThat(ok("catalog", "verify", "--catalog", catalog).out()).contains("in sync");
    assertThat(ok("find", "nginx.conf", "--catalog", catalog, "--json").json()).hasSize(1);
  }

  @Test
  void verify_afterABackupTheCatalogDidNotSee_reportsDriftWithExit3() throws Exception {
    ok("backup", "--catalog", catalog, src.toString());
    ok("backup", "--catalog", "off", src.toString());
    Cli.Run r = cli.run("catalog", "verify", "--catalog", catalog);
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.out()).contains("1 snapshots missing from the catalog");
    ok("catalog", "sync", "--catalog", catalog);
    assertThat(cli.run("catalog", "verify", "--catalog", catalog).code()).isZero();
  }

  /** Every file under a folder with its content hash, to show that catalog commands write nothing there. */
  static Map<String, String> contents(Path dir) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (var s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        byte[] h = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
        out.put(dir.relativize(p).toString(), HexFormat.of().formatHex(h));
      }
    }
    return out;
  }

  @Test
  void syncWithRepo_visitsThatRepositoryAlone_andAnUnopenableOneIsNamedWithExit3_touchingNothing() throws Exception {
    ok("backup", "--catalog", catalog, "--host", "web1", src.toString());
    Cli other = new Cli(Files.createDirectories(tmp.resolve("second")));
    assertThat(other.init().code()).isZero();
    other.run("backup", "--catalog", "off", "--host", "db1", src.toString());
    other.run("backup", "--catalog", "off", "--host", "db1", src.toString());

    // --repo: that repository alone, added to the catalog
    JsonNode synced = other.run("catalog", "sync", "--catalog", catalog, "--json").json();
    assertThat(synced).hasSize(1);
    assertThat(synced.get(0).get("location").asText()).isEqualTo(other.repo.toAbsolutePath().toString());
    assertThat(synced.get(0).get("ok").asBoolean()).isTrue();
    assertThat(synced.get(0).get("report").get("added").asInt()).isEqualTo(2);
    assertThat(ok("catalog", "repos", "--catalog", catalog, "--json").json()).hasSize(2);
    other.run("catalog", "sync", "--catalog", catalog, "--role", "copy", "--tier", "offsite");
    JsonNode repos = ok("catalog", "repos", "--catalog", catalog, "--json").json();
    assertThat(repos.toString()).contains("\"copy\"").contains("\"offsite\"");
    Cli.Run bad = cli.run("points", "--catalog", catalog, "--consistency", "sometimes");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.errLines()).singleElement().asString().contains("--consistency takes crash, application or group");

    // the questions: --asset, --as-of per asset, show and find in JSON
    JsonNode web = ok("points", "--catalog", catalog, "--host", "web1", "--json").json();
    assertThat(web).hasSize(1);
    String webAsset = web.get(0).get("asset").asText();
    assertThat(ok("points", "--catalog", catalog, "--asset", webAsset, "--json").json()).hasSize(1);
    JsonNode asOf = ok("points", "--catalog", catalog, "--as-of", "2999-01-01T00:00:00Z", "--json").json();
    assertThat(asOf).hasSize(2); // the newest of each asset: web1's one, db1's second
    JsonNode shown = ok("points", "show", web.get(0).get("pointKey").asText(), "--catalog", catalog, "--json").json();
    assertThat(shown.toString()).contains(cli.repo.toAbsolutePath().toString());
    assertThat(ok("find", "nginx.conf", "--catalog", catalog, "--asset", webAsset, "--json").json()).hasSize(1);
    assertThat(ok("find", "nginx.conf", "--catalog", catalog, "--json").json()).hasSize(3);

    // one repository the catalog knows can no longer be opened: named, exit 3, the other still synchronized
    Path moved = tmp.resolve("moved-away");
    Files.move(other.repo, moved);
    Cli.Run all = Cli.bare("catalog", "sync", "--catalog", catalog, "--password-file", cli.passwordFile.toString());
    assertThat(all.code()).isEqualTo(3);
    assertThat(all.errLines()).singleElement().asString().contains(other.repo.toAbsolutePath().toString())
        .contains("not synchronized").contains("no such folder");
    Files.move(moved, other.repo);
    Map<String, String> before = contents(other.repo);
    Files.writeString(other.passwordFile, "not the password\n");
    Cli.Run wrong = other.run("catalog", "verify", "--catalog", catalog);
    assertThat(wrong.code()).isEqualTo(3);
    assertThat(wrong.err()).contains(other.repo.toAbsolutePath().toString()).contains("wrong password");
    assertThat(contents(other.repo)).as("a catalog command writes nothing into a repository").isEqualTo(before);
    assertThat(ok("points", "--catalog", catalog, "--json").json()).hasSize(3); // what it knew is kept
  }

  @Test
  void aDamagedCatalog_failsQuestionsWithOneLine_butNeverABackup() throws Exception {
    Files.writeString(Path.of(catalog), "not a database at all ".repeat(200));
    Cli.Run q = cli.run("points", "--catalog", catalog);
    assertThat(q.code()).isEqualTo(14);
    assertThat(q.errLines()).singleElement().asString().contains("is damaged").contains("catalog rebuild");
    Cli.Run b = cli.run("backup", "--catalog", catalog, src.toString());
    assertThat(b.code()).isZero();
    assertThat(b.err()).contains("warning: catalog not updated");
    assertThat(cli.run("snapshots", "--json").json()).hasSize(1);
  }
}
