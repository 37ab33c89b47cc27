package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
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
