package io.cairn.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.evidence.RecoveryRecord;
import io.cairn.engine.fs.TreeComparator;
import io.cairn.engine.repo.RecordStore;
import io.cairn.engine.repo.Repository;
import io.cairn.policy.Policy;
import io.cairn.recovery.Recoverer;
import io.cairn.recovery.Selection;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restores that survive a damaged copy: a blob the primary has damaged (or lacks) is read from the
 * offsite copy, and the outcome and the evidence say which copy served what; only a blob that no copy
 * has intact damages a file. And the ransomware drill: with the primary and the catalog gone, a drill
 * runs from the isolated copy alone, opened with its recovery key.
 */
class FallbackRestoreTest {
  @TempDir Path tmp;
  Workspace ws;
  Policy policy;
  String primary;
  String offsite;
  Path data;

  @BeforeEach
  void setUp() throws Exception {
    ws = new Workspace(new Workspace.Settings(tmp.resolve("catalog.db").toString(), 0), java.time.Clock.systemUTC(), l -> "pw".toCharArray(),
        new StoreFactory());
    primary = tmp.resolve("primary").toString();
    offsite = tmp.resolve("offsite").toString();
    new InitService(ws).run(new InitService.Request(primary, 4096, 16384, 65536, 131072, 3, new KeyService.Kdf(64, 1)), "pw"::toCharArray);
    new InitService(ws).runFrom(InitService.Request.defaults(offsite, new KeyService.Kdf(64, 1)), primary, "pw"::toCharArray);
    data = Files.createDirectories(tmp.resolve("site"));
    Random r = new Random(7);
    for (int i = 0; i < 8; i++) {
      byte[] b = new byte[30_000 + r.nextInt(30_000)];
      r.nextBytes(b);
      Files.write(data.resolve("f" + i), b);
    }
    Files.writeString(tmp.resolve("pw"), "pw\n");
    policy = Policy.read(new StringReader("""
        repositories:
          main: { location: %s, password: "file:%s" }
          offsite: { location: %s, password: "file:%s", role: copy }
        assets:
          site:
            class: standard
            source: { type: files, paths: [%s] }
            checks:
              - file: "${path}/f0"
        """.formatted(primary, tmp.resolve("pw"), offsite, tmp.resolve("pw"), data)), "cairn.yaml");
    CaptureService.Outcome c = new CaptureService(ws).run(new CaptureService.Request(policy, "site", List.of(), null, Map.of(), "h"),
        Listener.NONE);
    assertThat(c.ok()).isTrue();
    new CopyService(ws).run(new CopyService.Request(primary, offsite, List.of(), null, null, false, "h"), Listener.NONE);
  }

  /** Flips a byte in the middle of every pack of a repository's data: every blob there fails authentication. */
  private static void damageEveryPack(String repo) throws Exception {
    try (Stream<Path> files = Files.walk(Path.of(repo, "data"))) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        byte[] b = Files.readAllBytes(p);
        b[b.length / 2] ^= 1;
        Files.write(p, b);
      }
    }
  }

  private RestoreService.Outcome restore(Path target) throws Exception {
    return new RestoreService(ws).run(new RestoreService.Request(primary, "latest", "", target, List.of(), List.of(), false, false, 2,
        List.of()), Listener.NONE);
  }

  @Test
  void restore_withDamagedBlobInPrimary_readsItFromTheCopyTheCatalogKnows_andSaysWhichServedWhat() throws Exception {
    damageEveryPack(primary);
    Path out = tmp.resolve("out");
    RestoreService.Outcome o = restore(out);
    assertThat(o.damaged()).isEmpty();
    assertThat(TreeComparator.compare(data, out.resolve(data.toString().substring(1)))).isEmpty();
    assertThat(o.fallbacks()).isNotEmpty().allSatisfy(f -> {
      assertThat(f.failedIn()).isEqualTo(primary);
      assertThat(f.servedBy()).isEqualTo(offsite);
    });
    assertThat(o.served()).extracting(s -> s.repository()).containsExactly(primary, offsite);
    assertThat(o.served().get(1).blobs()).isEqualTo(o.fallbacks().size());

    ByteArrayOutputStream dumped = new ByteArrayOutputStream();
    SnapshotService.Dumped d = new SnapshotService(ws).dump(new SnapshotService.DumpRequest(primary, "latest", data + "/f3", List.of()), dumped);
    assertThat(dumped.toByteArray()).isEqualTo(Files.readAllBytes(data.resolve("f3")));
    assertThat(d.fallbacks()).isNotEmpty();
  }

  @Test
  void restore_whenEveryCopyHasTheBlobDamaged_damagesTheFile_namingTheCopiesTried() throws Exception {
    damageEveryPack(primary);
    damageEveryPack(offsite);
    RestoreService.Outcome o = restore(tmp.resolve("out"));
    assertThat(o.damaged()).isNotEmpty();
    assertThat(o.damaged().values()).anySatisfy(why -> assertThat(why).contains("no other copy (" + offsite + ") has it intact"));
  }

  @Test
  void restore_withoutCatalogOrNamedCopy_hasNoFallback() throws Exception {
    Workspace bare = new Workspace(new Workspace.Settings(null, 0), java.time.Clock.systemUTC(), l -> "pw".toCharArray(), new StoreFactory());
    damageEveryPack(primary);
    RestoreService.Outcome o = new RestoreService(bare).run(new RestoreService.Request(primary, "latest", "", tmp.resolve("a"), List.of(),
        List.of(), false, false, 2, List.of()), Listener.NONE);
    assertThat(o.damaged()).isNotEmpty();
    RestoreService.Outcome named = new RestoreService(bare).run(new RestoreService.Request(primary, "latest", "", tmp.resolve("b"),
        List.of(), List.of(), false, false, 2, List.of(offsite)), Listener.NONE);
    assertThat(named.damaged()).isEmpty();
  }

  @Test
  void drill_withDamagedPrimary_passes_andTheEvidenceSaysWhichCopyServedWhat() throws Exception {
    damageEveryPack(primary);
    RecoverService.Outcome o = drill(null);
    assertThat(o.ok()).as(o.error()).isTrue();
    RecoveryRecord rec = o.evidence();
    assertThat(rec.fallbacks()).isNotEmpty().allSatisfy(f -> assertThat(f.servedBy()).isEqualTo(offsite));
    assertThat(rec.sources()).extracting(s -> s.repository()).containsExactly(primary, offsite);
  }

  @Test
  void ransomwareDrill_primaryAndCatalogGone_runsFromTheIsolatedCopyWithItsRecoveryKey() throws Exception {
    String recoveryKey;
    try (Repository off = ws.open(offsite, Workspace.Use.PLAIN)) {
      recoveryKey = off.recoveryKey();
    }
    ws.close();
    deleteTree(Path.of(primary));
    deleteTree(tmp.resolve("catalog.db"));
    Files.writeString(tmp.resolve("pw"), recoveryKey + "\n"); // every password is lost; the recovery key was kept apart
    ws = new Workspace(new Workspace.Settings(tmp.resolve("catalog.db").toString(), 0), java.time.Clock.systemUTC(), l -> {
      throw new CairnException(ErrorCode.USAGE, "no password for " + l);
    }, new StoreFactory());
    assertThatThrownBy(() -> drill(null)).isInstanceOf(CairnException.class)
        .extracting(e -> ((CairnException) e).code()).isEqualTo(ErrorCode.REPOSITORY_NOT_FOUND);

    RecoverService.Outcome o = drill(offsite);
    assertThat(o.ok()).as(o.error()).isTrue();
    assertThat(o.evidence().points()).allSatisfy(p -> assertThat(p.repository()).isEqualTo("offsite"));
    try (Repository off = PolicyService.within(ws, policy, Map.of()).open(offsite, Workspace.Use.PLAIN)) {
      assertThat(off.keySlot()).isEqualTo("recovery key");
      assertThat(off.records(RecoveryRecord.RECORDS).list(RecordStore.FAIL)).extracting(r -> r.value().passed()).containsExactly(true);
    }
  }

  private RecoverService.Outcome drill(String from) throws Exception {
    return new RecoverService(ws).run(new RecoverService.Request(policy, "site", Selection.latest(), false,
        new Recoverer.Options("drill", true, null, false, false, false, null, Duration.ofMinutes(5)), null, Map.of(), "h",
        tmp.resolve("boxes"), 1L, from), Listener.NONE);
  }

  private static void deleteTree(Path p) throws Exception {
    if (!Files.exists(p)) return;
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(x);
    }
  }
}
