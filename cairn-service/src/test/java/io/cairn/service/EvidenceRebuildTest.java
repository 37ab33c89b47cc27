package io.cairn.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.catalog.Catalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Evidence lives in the repository: the catalog is derived, and a rebuilt one knows what the old one knew. */
class EvidenceRebuildTest {
  @TempDir Path tmp;

  @Test
  void catalogDeletedAndRebuilt_hasTheSameVerificationState() throws Exception {
    Path catalog = tmp.resolve("catalog.db");
    Workspace ws = new Workspace(new Workspace.Settings(catalog.toString(), 0), Clock.systemUTC(), l -> "pw".toCharArray(),
        new StoreFactory());
    String repo = tmp.resolve("repo").toString();
    new InitService(ws).run(new InitService.Request(repo, 4096, 16384, 65536, 131072, 3, new KeyService.Kdf(64, 1)),
        "pw"::toCharArray);
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("a.txt"), "alpha");
    BackupService backup = new BackupService(ws);
    BackupService.Request req = new BackupService.Request(repo, List.of(src), List.of(), List.of(), false, null, null, false);
    String first = backup.run(req, Listener.NONE).snapshot();
    CheckService.Outcome check = new CheckService(ws).run(new CheckService.Request(repo, 1.0, false), Listener.NONE);
    assertThat(check.ok()).isTrue();
    assertThat(check.recorded()).isTrue();
    Files.writeString(src.resolve("b.txt"), "beta");
    String second = backup.run(req, Listener.NONE).snapshot();

    CatalogService cat = new CatalogService(ws);
    Map<String, Boolean> before = verified(cat);
    assertThat(before).hasSize(2);
    assertThat(verifiedOf(cat, first)).isTrue();
    assertThat(verifiedOf(cat, second)).as("taken after the check").isFalse();

    ws.close(); // as the command that took the point would end, before the catalog is deleted
    Files.delete(catalog);
    ws = new Workspace(new Workspace.Settings(catalog.toString(), 0), Clock.systemUTC(), l -> "pw".toCharArray(), new StoreFactory());
    cat = new CatalogService(ws);
    List<CatalogService.Synced> rebuilt = cat.rebuild(List.of(repo), Listener.NONE);
    assertThat(rebuilt).singleElement().matches(CatalogService.Synced::ok);
    assertThat(verified(cat)).isEqualTo(before);
    assertThat(cat.show(first.substring(0, 12)).checks()).singleElement()
        .satisfies(v -> assertThat(v.scope()).isEqualTo("read-data"));
  }

  private static Map<String, Boolean> verified(CatalogService cat) {
    return cat.points(new CatalogService.PointsRequest(new Catalog.PointQuery(null, null, null, null, null, null, null, false, 0), null))
        .stream()
        .collect(Collectors.toMap(Catalog.PointRow::pointKey, Catalog.PointRow::verified));
  }

  private static boolean verifiedOf(CatalogService cat, String snapshot) {
    return cat.show(snapshot.substring(0, 12)).point().verified();
  }
}
