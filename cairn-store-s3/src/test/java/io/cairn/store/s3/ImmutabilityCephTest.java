package io.cairn.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.backup.Backup;
import io.cairn.engine.backup.BackupOptions;
import io.cairn.engine.chunk.ChunkerParams;
import io.cairn.engine.crypto.KeyFile;
import io.cairn.engine.gc.LockExtender;
import io.cairn.engine.gc.Pruner;
import io.cairn.engine.repo.RepoConfig;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.engine.store.ObjectInfo;
import io.cairn.engine.store.ObjectStore;
import io.cairn.testkit.CephRgwServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Immutable repositories on a real Ceph RGW with object lock: a locked object version cannot be deleted
 * even with the owner's full credentials; forget refuses a locked point and says until when; once the
 * lock has run out, forget and prune remove it for good; run --due's extension keeps kept points
 * locked; an append-only user (a bucket policy without delete rights) can back up but not delete; a
 * bucket without object lock is refused for an immutable repository.
 */
class ImmutabilityCephTest {
  static CephRgwServer rgw;
  static S3Client admin;
  static final char[] PW = "pw".toCharArray();
  static final ChunkerParams SMALL = new ChunkerParams(4096, 16384, 65536);
  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(CephRgwServer.unavailableReason() == null || System.getenv("CI") != null, CephRgwServer.unavailableReason());
    rgw = CephRgwServer.start();
    admin = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(CephRgwServer.ACCESS, CephRgwServer.SECRET)))
        .endpointOverride(URI.create(rgw.endpoint())).forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build();
    admin.createBucket(b -> b.bucket("locked").objectLockEnabledForBucket(true));
    admin.createBucket(b -> b.bucket("plain"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (admin != null) admin.close();
    if (rgw != null) rgw.close();
  }

  private static ObjectStore store(String bucket, String prefix, Map<String, String> env) {
    return new S3StoreProvider().open("s3:" + rgw.endpoint() + "/" + bucket + "/" + prefix, env, true);
  }

  private Path data(String name) throws IOException {
    Path d = Files.createDirectories(tmp.resolve(name));
    for (int i = 0; i < 5; i++) Files.writeString(d.resolve("f" + i), (name + " " + i + "\n").repeat(3000));
    return d;
  }

  private static Snapshot backup(Repository r, Path src) throws IOException {
    return new Backup(r, new BackupOptions(List.of(src), List.of(), List.of(), false, null, "h", 2), null).run().snapshot();
  }

  private static List<ObjectVersion> versions(String bucket, String key) {
    return admin.listObjectVersions(r -> r.bucket(bucket).prefix(key)).versions().stream().filter(v -> v.key().equals(key)).toList();
  }

  @Test
  void immutableRepository_onBucketWithoutObjectLock_isRefused() {
    ObjectStore s = store("plain", "imm", rgw.env());
    assertThatThrownBy(() -> Repository.init(s, PW, SMALL, 131072, 3, KeyFile.KdfParams.TESTING, Clock.systemUTC(),
        new RepoConfig.Immutability(ObjectStore.Lock.Mode.COMPLIANCE, 60)))
        .isInstanceOf(CairnException.class).hasMessageContaining("cannot lock objects")
        .extracting(e -> ((CairnException) e).code()).isEqualTo(ErrorCode.USAGE);
    assertThat(admin.listObjectsV2(r -> r.bucket("plain").prefix("imm/")).contents()).as("nothing half-written").isEmpty();
  }

  @Test
  void lockedPoint_survivesFullCredentials_untilItsLockRunsOut_thenForgetAndPruneRemoveItForGood() throws Exception {
    ObjectStore s = store("locked", "repo-a", rgw.env());
    assertThat(s.capabilities()).contains(ObjectStore.Capability.OBJECT_LOCK);
    Duration lock = Duration.ofSeconds(8);
    try (Repository repo = Repository.init(s, PW, SMALL, 131072, 3, KeyFile.KdfParams.TESTING, Clock.systemUTC(),
        new RepoConfig.Immutability(ObjectStore.Lock.Mode.COMPLIANCE, lock.toSeconds()))) {
      Snapshot snap = backup(repo, data("a"));
      String pack = s.list("data/").get(0).key();
      String packObject = "repo-a/" + pack;
      ObjectVersion v = versions("locked", packObject).get(0);
      // the owner's full credentials cannot delete a locked version, nor shorten a compliance lock
      assertThatThrownBy(() -> admin.deleteObject(r -> r.bucket("locked").key(packObject).versionId(v.versionId())))
          .isInstanceOf(S3Exception.class).satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(403));
      assertThat(versions("locked", packObject)).hasSize(1);
      // leases and pins stay out of the locked set: they are rewritten and removed in normal operation
      assertThat(s.lockOf("config")).isPresent();
      assertThat(s.lockOf(pack)).get().satisfies(l -> assertThat(l.mode()).isEqualTo(ObjectStore.Lock.Mode.COMPLIANCE));

      // forget refuses a locked point, saying until when
      assertThatThrownBy(() -> repo.forgetSnapshot(snap.id())).isInstanceOf(CairnException.class)
          .hasMessageContaining("is locked until").extracting(e -> ((CairnException) e).code()).isEqualTo(ErrorCode.LOCKED);
      // a prune leaves locked packs alone
      Pruner.Report early = new Pruner(repo, 5, false, Duration.ZERO, Duration.ofMinutes(5)).run();
      assertThat(early.packsDeleted()).isZero();

      // after retain-until, forget and prune remove it: every version, for good
      Instant until = s.lockOf(pack).orElseThrow().until();
      while (Instant.now().isBefore(until.plusSeconds(1))) Thread.sleep(250);
      repo.forgetSnapshot(snap.id());
      assertThat(repo.snapshots()).isEmpty();
      for (int i = 0; i < 3 && !versions("locked", packObject).isEmpty(); i++) {
        new Pruner(repo, 5, false, Duration.ZERO, Duration.ofMinutes(5)).run();
      }
      assertThat(versions("locked", packObject)).isEmpty();
    }
  }

  @Test
  void lockExtension_keepsThePointsStillPresentLockedAFullPeriodAhead() throws Exception {
    ObjectStore s = store("locked", "repo-b", rgw.env());
    try (Repository repo = Repository.init(s, PW, SMALL, 131072, 3, KeyFile.KdfParams.TESTING, Clock.systemUTC(),
        new RepoConfig.Immutability(ObjectStore.Lock.Mode.GOVERNANCE, 20))) {
      Snapshot snap = backup(repo, data("b"));
      String key = Snapshot.RECORDS.prefix() + snap.id();
      Instant before = s.lockOf(key).orElseThrow().until();
      Thread.sleep(11_000); // past half the period: due for extension
      LockExtender.Result r = LockExtender.extend(repo);
      assertThat(r.extended()).isPositive();
      assertThat(s.lockOf(key).orElseThrow().until()).isAfter(before.plusSeconds(9));
      for (ObjectInfo o : s.list("data/")) assertThat(s.lockOf(o.key()).orElseThrow().until()).isAfter(before.plusSeconds(9));
      LockExtender.Result again = LockExtender.extend(repo);
      assertThat(again.extended()).as("nothing is due again at once").isZero();
    }
  }

  @Test
  void appendOnlyUser_canBackUp_butNotDelete() throws Exception {
    Map<String, String> appender = rgw.addUser("appender");
    admin.createBucket(b -> b.bucket("append").objectLockEnabledForBucket(true));
    admin.putBucketPolicy(r -> r.bucket("append").policy("""
        {"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam:::user/appender"]}, "Action": ["s3:*"],
           "Resource": ["arn:aws:s3:::append", "arn:aws:s3:::append/*"]},
          {"Effect": "Deny", "Principal": {"AWS": ["arn:aws:iam:::user/appender"]},
           "Action": ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectRetention", "s3:BypassGovernanceRetention"],
           "Resource": ["arn:aws:s3:::append/*"]}]}
        """));
    try (Repository owner = Repository.init(store("append", "repo", rgw.env()), PW, SMALL, 131072, 3, KeyFile.KdfParams.TESTING,
        Clock.systemUTC())) {
      backup(owner, data("first"));
    }
    ObjectStore s = store("append", "repo", appender);
    try (Repository repo = Repository.open(s, PW, Clock.systemUTC())) {
      Snapshot snap = backup(repo, data("second")); // its lease cannot be removed: it runs out by itself
      assertThat(repo.snapshots()).hasSize(2);
      assertThatThrownBy(() -> s.delete(Snapshot.RECORDS.prefix() + snap.id())).isInstanceOf(IOException.class);
      assertThatThrownBy(() -> s.purge(List.of(s.list("data/").get(0).key()))).isInstanceOf(IOException.class);
      assertThat(repo.snapshots()).hasSize(2);
    }
  }
}
