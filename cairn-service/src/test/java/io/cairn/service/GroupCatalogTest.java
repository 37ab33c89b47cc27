package io.cairn.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.catalog.Catalog;
import io.cairn.engine.ErrorCode;
import io.cairn.policy.Policy;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group points and capture facts reach the catalog, and come back the same when it is deleted and rebuilt. */
class GroupCatalogTest {
  @TempDir Path tmp;

  @Test
  void groupPoints_completeAndIncomplete_surviveACatalogRebuild() throws Exception {
    Path catalog = tmp.resolve("catalog.db");
    Workspace ws = new Workspace(new Workspace.Settings(catalog.toString(), 0), Clock.systemUTC(), l -> "pw".toCharArray(), new StoreFactory());
    String repo = tmp.resolve("repo").toString();
    new InitService(ws).run(new InitService.Request(repo, 4096, 16384, 65536, 131072, 3, new KeyService.Kdf(64, 1)), "pw"::toCharArray);
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve("a"), "a");
    Files.writeString(tmp.resolve("pw"), "pw\n");
    Path flag = tmp.resolve("broken");
    Policy p = Policy.read(new StringReader("""
        repositories:
          main: { location: %s, password: "file:%s" }
        assets:
          files: { source: { type: files, paths: [%s] }, hooks: { before: { run: "true" } } }
          db: { source: { type: command, command: "test ! -e %s && echo rows", filename: db.dump, consistent: true } }
        groups:
          app: { members: [db, { asset: files, after: [db] }] }
        """.formatted(repo, tmp.resolve("pw"), data, flag)), "cairn.yaml");
    CaptureService capture = new CaptureService(ws);
    CaptureService.Outcome ok = capture.run(new CaptureService.Request(p, "app", List.of("t1"), null, Map.of(), "h"), Listener.NONE);
    assertThat(ok.ok()).as(ok.error()).isTrue();
    Files.writeString(flag, "x");
    CaptureService.Outcome bad = capture.run(new CaptureService.Request(p, "app", List.of(), null, Map.of(), "h"), Listener.NONE);
    assertThat(bad.code()).isEqualTo(ErrorCode.PARTIAL);

    CatalogService cat = new CatalogService(ws);
    List<Catalog.GroupPointRow> before = cat.groupPoints("app", 0);
    assertThat(before).extracting(Catalog.GroupPointRow::complete).containsExactly(false, true);
    assertThat(before.get(1).consistency()).isEqualTo("group");
    assertThat(before.get(1).members()).extracting(Catalog.GroupMemberRow::asset).containsExactly("db", "files");
    assertThat(before.get(1).members().get(1).after()).containsExactly("db");
    assertThat(before.get(0).members().get(0).snapshotId()).isNull();
    Catalog.PointDetail member = cat.show(ok.points().get(0).snapshot());
    assertThat(member.capture().run()).isEqualTo(ok.group().run());
    assertThat(member.capture().source()).containsEntry("type", "command");

    ws.close();
    Files.delete(catalog);
    ws = new Workspace(new Workspace.Settings(catalog.toString(), 0), Clock.systemUTC(), l -> "pw".toCharArray(), new StoreFactory());
    cat = new CatalogService(ws);
    cat.rebuild(List.of(repo), Listener.NONE);
    assertThat(cat.groupPoints("app", 0)).isEqualTo(before);
    assertThat(cat.show(ok.points().get(1).snapshot()).capture().hooks()).singleElement()
        .satisfies(h -> assertThat(h).containsEntry("phase", "before").containsEntry("outcome", "ok"));
    ws.close();
  }
}
