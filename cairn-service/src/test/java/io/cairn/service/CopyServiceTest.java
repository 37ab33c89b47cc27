package io.cairn.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.catalog.Catalog;
import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.evidence.CopyRecord;
import io.cairn.engine.repo.RecordStore;
import io.cairn.engine.repo.Repository;
import io.cairn.policy.Policy;
import io.cairn.report.Gaps;
import io.cairn.schedule.Copies;
import io.cairn.schedule.Planner;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Copies as the policy asks for them: the plan shows them pending, then overdue; the gap analysis
 * reports the overdue ones; 'run --due' copies and verifies them, records the evidence in the
 * destination, and the catalog learns the copy; a failed copy is recorded as failed and never as a
 * verified copy.
 */
class CopyServiceTest {
  @TempDir Path tmp;
  final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-04T10:00:00Z"));
  Workspace ws;
  Policy policy;
  String primary;
  String offsite;
  Path data;

  @BeforeEach
  void setUp() throws Exception {
    InstantSource clock = () -> now.get();
    ws = new Workspace(new Workspace.Settings(tmp.resolve("catalog.db").toString(), 0), clock, l -> "pw".toCharArray(), new StoreFactory());
    primary = tmp.resolve("primary").toString();
    offsite = tmp.resolve("offsite").toString();
    new InitService(ws).run(new InitService.Request(primary, 4096, 16384, 65536, 131072, 3, new KeyService.Kdf(64, 1)), "pw"::toCharArray);
    InitService.Outcome made = new InitService(ws).runFrom(InitService.Request.defaults(offsite, new KeyService.Kdf(64, 1)), primary,
        "pw"::toCharArray);
    assertThat(made.sharesIdsWith()).isNotNull();
    assertThat(made.config().chunker().avg()).as("the source's chunking, not the request's").isEqualTo(16384);
    data = Files.createDirectories(tmp.resolve("data"));
    for (int i = 0; i < 5; i++) Files.writeString(data.resolve("f" + i), ("file " + i + "\n").repeat(5000));
    Files.writeString(tmp.resolve("pw"), "pw\n");
    policy = Policy.read(new StringReader("""
        repositories:
          main: { location: %s, password: "file:%s" }
          offsite: { location: %s, password: "file:%s", role: copy }
        classes:
          kept: { rpo: 1d, retention: { keep-last: 5 }, verify: never, prune: never, drill: never, copies: [ { to: offsite, within: 1h } ] }
        assets:
          docs: { class: kept, source: { type: files, paths: [%s] } }
        """.formatted(primary, tmp.resolve("pw"), offsite, tmp.resolve("pw"), data)), "cairn.yaml");
  }

  private Planner.Plan plan() throws Exception {
    return new PlanService(ws).run(new PlanService.Request(policy, null, null, Map.of()), Listener.NONE);
  }

  private RunService.Outcome run() throws Exception {
    return new RunService(ws).run(new RunService.Request(policy, null, null, Map.of(), "h", tmp.resolve("run.lock"), false), Listener.NONE);
  }

  @Test
  void copyRule_pendingThenOverdue_reportedAsGap_thenRunDueCopiesAndVerifies() throws Exception {
    new CaptureService(ws).run(new CaptureService.Request(policy, "docs", List.of(), null, Map.of(), "h"), Listener.NONE);
    Planner.Plan p = plan();
    assertThat(p.copies()).singleElement().satisfies(o -> {
      assertThat(o.to()).isEqualTo("offsite");
      assertThat(o.overdue()).isFalse();
    });
    assertThat(gaps()).noneMatch(g -> g.kind().equals("copies-missing"));

    now.set(now.get().plus(Duration.ofHours(2)));
    assertThat(plan().overdueCopies()).hasSize(1);
    assertThat(gaps()).filteredOn(g -> g.kind().equals("copies-missing")).singleElement()
        .satisfies(g -> assertThat(g.why()).contains("no verified copy in offsite"));

    RunService.Outcome o = run();
    assertThat(o.actions()).filteredOn(a -> a.kind().equals("copy")).singleElement().satisfies(a -> {
      assertThat(a.ok()).as(a.detail()).isTrue();
      assertThat(a.target()).isEqualTo("docs to offsite");
    });
    assertThat(plan().copies()).isEmpty();
    assertThat(gaps()).noneMatch(g -> g.kind().equals("copies-missing"));

    // the evidence is in the destination, and the catalog knows where the point lives and that the copy was verified
    try (Repository dst = ws.open(offsite, Workspace.Use.PLAIN)) {
      List<RecordStore.Stored<CopyRecord>> recs = dst.records(CopyRecord.RECORDS).list(RecordStore.FAIL);
      assertThat(recs).singleElement().satisfies(r -> {
        assertThat(r.value().passed()).isTrue();
        assertThat(r.value().blobsVerified()).isEqualTo(r.value().blobsWritten()).isPositive();
      });
    }
    Catalog.PointDetail d = ws.catalog().show(ws.catalog().points(new Catalog.PointQuery("docs", null, null, null, null, null, null, false, 0))
        .get(0).pointKey());
    assertThat(d.copies()).hasSize(2);
    assertThat(d.copies()).filteredOn(c -> c.location().endsWith("offsite")).singleElement()
        .satisfies(c -> assertThat(c.verified()).isNotNull());
    assertThat(d.copies()).filteredOn(c -> c.location().endsWith("primary")).singleElement()
        .satisfies(c -> assertThat(c.verified()).isNull());

    // deleting the catalog loses nothing: rebuilt from the repositories, it knows the verified copy again
    new CatalogService(ws).rebuild(List.of(primary, offsite), Listener.NONE);
    assertThat(ws.catalog().show(d.point().pointKey()).copies()).filteredOn(c -> c.verified() != null).hasSize(1);
  }

  @Test
  void copy_ofDamagedPoint_isRecordedAsFailed_andNotCountedAsCopied() throws Exception {
    new CaptureService(ws).run(new CaptureService.Request(policy, "docs", List.of(), null, Map.of(), "h"), Listener.NONE);
    try (var files = Files.walk(Path.of(primary, "data"))) {
      for (Path pack : files.filter(Files::isRegularFile).toList()) {
        byte[] b = Files.readAllBytes(pack);
        b[b.length / 3] ^= 1;
        Files.write(pack, b);
      }
    }
    assertThatThrownBy(() -> new CopyService(PolicyService.within(ws, policy, Map.of())).run(new CopyService.Request(primary, offsite,
        List.of(), "docs", null, false, "h"), Listener.NONE)).isInstanceOf(CairnException.class)
        .extracting(e -> ((CairnException) e).code()).isEqualTo(ErrorCode.DATA_DAMAGED);
    try (Repository dst = ws.open(offsite, Workspace.Use.PLAIN)) {
      assertThat(dst.snapshots()).isEmpty();
      assertThat(dst.records(CopyRecord.RECORDS).list(RecordStore.FAIL)).singleElement()
          .satisfies(r -> assertThat(r.value().outcome()).isEqualTo(CopyRecord.FAILED));
    }
    assertThat(plan().copies()).as("a failed copy is still owed").hasSize(1);
  }

  @Test
  void copy_dryRun_listsPoints_andWritesNothing_thenSecondCopySkipsWhatIsThere() throws Exception {
    new CaptureService(ws).run(new CaptureService.Request(policy, "docs", List.of(), null, Map.of(), "h"), Listener.NONE);
    CopyService svc = new CopyService(ws);
    CopyService.Outcome dry = svc.run(new CopyService.Request(primary, offsite, List.of(), null, null, true, "h"), Listener.NONE);
    assertThat(dry.points()).hasSize(1);
    try (Repository dst = ws.open(offsite, Workspace.Use.PLAIN)) {
      assertThat(dst.store().list("")).extracting(o -> o.key()).noneMatch(k -> k.startsWith("data/") || k.startsWith("snapshots/"));
    }
    CopyService.Outcome first = svc.run(new CopyService.Request(primary, offsite, List.of("latest"), null, null, false, "h"), Listener.NONE);
    assertThat(first.verified()).isTrue();
    assertThat(first.points().get(0).snapshot()).isEqualTo(first.points().get(0).sourceSnapshot());
    CopyService.Outcome again = svc.run(new CopyService.Request(primary, offsite, List.of(), null, null, false, "h"), Listener.NONE);
    assertThat(again.points()).isEmpty();
    assertThat(again.skipped()).hasSize(1);
    assertThatThrownBy(() -> svc.run(new CopyService.Request(primary, primary, List.of(), null, null, false, "h"), Listener.NONE))
        .isInstanceOf(CairnException.class).hasMessageContaining("the same repository");
  }

  private List<Gaps.Gap> gaps() throws Exception {
    return new ReportService(ws).run(new ReportService.Request(policy, null, null, Map.of()), Listener.NONE).gaps();
  }
}
