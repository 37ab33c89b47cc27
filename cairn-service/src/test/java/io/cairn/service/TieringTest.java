package io.cairn.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.catalog.Catalog;
import io.cairn.engine.repo.Repository;
import io.cairn.policy.Policy;
import io.cairn.schedule.Tiers;
import io.cairn.testkit.S3ProxyServer;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tiering: a point older than its class's rule moves to the archive (a bucket whose packs have their
 * own storage class): copied, verified, forgotten from the hot repository; the catalog keeps one point,
 * now in the archive, and it restores from there.
 */
class TieringTest {
  static S3ProxyServer s3;
  @TempDir Path tmp;
  final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-04T10:00:00Z"));

  @BeforeAll
  static void start() throws Exception {
    s3 = new S3ProxyServer();
    s3.createBucket("archive");
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
  }

  @Test
  void pointOlderThanTheRule_movesToTheArchive_verified_andTheCatalogKeepsOnePoint() throws Exception {
    InstantSource clock = () -> now.get();
    Workspace ws = new Workspace(new Workspace.Settings(tmp.resolve("catalog.db").toString(), 0), clock, l -> "pw".toCharArray(),
        new StoreFactory(s3.env()));
    String hot = tmp.resolve("hot").toString();
    String archive = "s3:" + s3.endpoint() + "/archive/site";
    new InitService(ws).run(new InitService.Request(hot, 4096, 16384, 65536, 131072, 3, new KeyService.Kdf(64, 1)), "pw"::toCharArray);
    InitService.Outcome made = new InitService(ws).runFrom(new InitService.Request(archive, 0, 0, 0, 0, 0, new KeyService.Kdf(64, 1), null,
        null, "STANDARD_IA"), hot, "pw"::toCharArray);
    assertThat(made.config().storageClass()).isEqualTo("STANDARD_IA");
    Path data = Files.createDirectories(tmp.resolve("data"));
    for (int i = 0; i < 4; i++) Files.writeString(data.resolve("f" + i), ("tier " + i + "\n").repeat(5000));
    Files.writeString(tmp.resolve("pw"), "pw\n");
    Policy policy = Policy.read(new StringReader("""
        repositories:
          hot: { location: %s, password: "file:%s" }
          archive: { location: "%s", password: "file:%s", role: archive }
        classes:
          aging: { rpo: 1d, retention: { keep-last: 10 }, verify: never, prune: never, drill: never, tiering: [ { after: 30d, to: archive } ] }
        assets:
          docs: { class: aging, source: { type: files, paths: [%s] } }
        """.formatted(hot, tmp.resolve("pw"), archive, tmp.resolve("pw"), data)), "cairn.yaml");
    new CaptureService(ws).run(new CaptureService.Request(policy, "docs", List.of(), null, Map.of(), "h"), Listener.NONE);
    PlanService plans = new PlanService(ws);
    assertThat(plans.run(new PlanService.Request(policy, null, null, Map.of()), Listener.NONE).tiering()).isEmpty();

    now.set(now.get().plus(Duration.ofDays(31)));
    List<Tiers.Move> due = plans.run(new PlanService.Request(policy, null, null, Map.of()), Listener.NONE).tiering();
    assertThat(due).singleElement().satisfies(m -> assertThat(m.to()).isEqualTo("archive"));
    RunService.Outcome o = new RunService(ws).run(new RunService.Request(policy, null, null, Map.of(), "h", tmp.resolve("lock"), false),
        Listener.NONE);
    assertThat(o.actions()).filteredOn(a -> a.kind().equals("tier")).singleElement().satisfies(a -> {
      assertThat(a.ok()).as(a.detail()).isTrue();
      assertThat(a.detail()).startsWith("moved 1 point(s) to archive");
    });
    Instant first = Instant.parse("2026-12-04T10:00:00Z");
    try (Repository h = ws.open(hot, Workspace.Use.PLAIN); Repository a = ws.open(archive, Workspace.Use.PLAIN)) {
      // the run also captured a new point (the RPO is a day): it stays hot, the month-old one moved
      assertThat(h.snapshots()).extracting(x -> x.time()).doesNotContain(first);
      assertThat(a.snapshots()).extracting(x -> x.time()).containsExactly(first);
    }
    Catalog.PointRow old = ws.catalog().points(new Catalog.PointQuery("docs", null, null, null, null, null, null, false, 0)).stream()
        .filter(x -> x.time().equals(first)).findFirst().orElseThrow();
    assertThat(ws.catalog().show(old.pointKey()).copies()).singleElement().satisfies(c -> {
      assertThat(c.location()).isEqualTo(archive);
      assertThat(c.verified()).isNotNull();
    });
    assertThat(plans.run(new PlanService.Request(policy, null, null, Map.of()), Listener.NONE).tiering()).isEmpty();
    Path out = tmp.resolve("out");
    RestoreService.Outcome r = new RestoreService(ws).run(new RestoreService.Request(archive, "latest", "", out, List.of(), List.of(), false,
        false, 0, List.of()), Listener.NONE);
    assertThat(r.damaged()).isEmpty();
    assertThat(Files.readString(out.resolve(data.toString().substring(1)).resolve("f2"))).isEqualTo(Files.readString(data.resolve("f2")));
  }
}
