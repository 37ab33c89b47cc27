package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.engine.BlobId;
import io.cairn.engine.gc.Leases;
import io.cairn.engine.pack.BlobType;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.store.LocalObjectStore;
import io.cairn.engine.fs.TreeComparator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys, forget, pin, repair, check --since-last and unlock through the real CLI. */
class LifecycleCliTest {
  @TempDir Path tmp;
  Cli cli;
  Path src;

  @BeforeEach
  void setUp() throws Exception {
    cli = new Cli(tmp);
    assertThat(cli.init().code()).isZero();
    src = tmp.resolve("src");
    Files.createDirectories(src.resolve("a"));
    byte[] b = new byte[300_000];
    new Random(1).nextBytes(b);
    Files.write(src.resolve("a/random.bin"), b);
    Files.writeString(src.resolve("a/text.txt"), "some text\n".repeat(5000));
  }

  private String backup(String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("backup", "--json"));
    args.addAll(List.of(extra));
    args.add(src.toString());
    Cli.Run r = cli.run(args.toArray(String[]::new));
    assertThat(r.code()).as(r.err()).isZero();
    return r.json().get("snapshot").asText();
  }

  private List<String> snapshotIds() throws Exception {
    List<String> ids = new ArrayList<>();
    for (JsonNode n : cli.run("snapshots", "--json").json()) ids.add(n.get("id").asText());
    return ids;
  }

  private void assertRestoresIdentical(String snap, Path expected) throws Exception {
    Path target = tmp.resolve("restore-" + snap.substring(0, 8) + "-" + System.nanoTime());
    Cli.Run r = cli.run("restore", snap, "--target", target.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(TreeComparator.compare(expected, target.resolve(expected.toString().substring(1)))).isEmpty();
  }

  private Path packOf(int n) throws Exception {
    try (Stream<Path> s = Files.walk(cli.repo.resolve("data"))) {
      return s.filter(Files::isRegularFile).sorted().toList().get(n);
    }
  }

  @Test
  void key_addedSlotOpensTheRepository_passwdRetiresTheOldPassword_andTheLastSlotStays() throws Exception {
    Path second = tmp.resolve("second");
    Files.writeString(second, "other-secret\n");
    assertThat(cli.run("key", "add", "--new-password-file", second.toString(), "--kdf-memory", "64", "--kdf-iterations", "1").code()).isZero();
    assertThat(cli.run("key", "list", "--json").json()).hasSize(2);
    Cli.Run withSecond = Cli.bare("snapshots", "--repo", cli.repo.toString(), "--password-file", second.toString());
    assertThat(withSecond.code()).as(withSecond.err()).isZero();

    Path third = tmp.resolve("third");
    Files.writeString(third, "third-secret\n");
    Cli.Run passwd = Cli.bare("key", "passwd", "--repo", cli.repo.toString(), "--password-file", second.toString(),
        "--new-password-file", third.toString(), "--kdf-memory", "64", "--kdf-iterations", "1");
    assertThat(passwd.code()).as(passwd.err()).isZero();
    assertThat(Cli.bare("snapshots", "--repo", cli.repo.toString(), "--password-file", second.toString()).code()).isEqualTo(12);
    assertThat(Cli.bare("snapshots", "--repo", cli.repo.toString(), "--password-file", third.toString()).code()).isZero();

    // the original password's slot is not the one in use with the third password: it can go, then none more
    JsonNode keys = Cli.bare("key", "list", "--json", "--repo", cli.repo.toString(), "--password-file", third.toString()).json();
    String other = null;
    for (JsonNode k : keys) if (!k.get("current").asBoolean()) other = k.get("id").asText();
    assertThat(Cli.bare("key", "remove", other.substring(0, 10), "--repo", cli.repo.toString(), "--password-file", third.toString())
        .code()).isZero();
    assertThat(cli.run("snapshots").code()).isEqualTo(12);
    Cli.Run last = Cli.bare("key", "remove", keys.get(0).get("id").asText().equals(other) ? keys.get(1).get("id").asText()
        : keys.get(0).get("id").asText(), "--repo", cli.repo.toString(), "--password-file", third.toString());
    assertThat(last.code()).isEqualTo(15);
    assertThat(Files.list(cli.repo.resolve("keys")).count()).isEqualTo(1);
  }

  @Test
  void forget_dryRunNamesTheKeepingRule_thenForgetRemovesTheRest_butNeverAPinnedSnapshot() throws Exception {
    String first = backup();
    Files.writeString(src.resolve("a/new.txt"), "v2");
    String second = backup();
    Files.writeString(src.resolve("a/new.txt"), "v3");
    String third = backup();
    assertThat(cli.run("pin", first.substring(0, 8), "--reason", "audit").code()).isZero();

    Cli.Run dry = cli.run("forget", "--keep-last", "1", "--dry-run", "--json");
    assertThat(dry.code()).as(dry.err()).isZero();
    JsonNode rows = dry.json().get("snapshots");
    assertThat(rows).hasSize(3);
    for (JsonNode r : rows) {
      String id = r.get("id").asText();
      String reasons = r.get("reasons").toString();
      if (id.equals(third)) assertThat(reasons).contains("last 1");
      if (id.equals(first)) assertThat(reasons).contains("pinned");
      if (id.equals(second)) assertThat(r.get("keep").asBoolean()).isFalse();
    }
    assertThat(snapshotIds()).hasSize(3);

    Cli.Run byId = cli.run("forget", first.substring(0, 8));
    assertThat(byId.code()).isEqualTo(15);
    assertThat(byId.err()).contains("pinned");

    assertThat(cli.run("forget", "--keep-last", "1", "--prune").code()).isZero();
    assertThat(snapshotIds()).containsExactlyInAnyOrder(first, third);
    assertThat(cli.run("check", "--read-data").code()).isZero();
    assertThat(cli.run("forget").code()).isEqualTo(2);
  }

  @Test
  void repairIndex_afterEveryIndexObjectIsDeleted_letsEverySnapshotRestore() throws Exception {
    String first = backup();
    Path src2 = tmp.resolve("src2");
    Files.createDirectories(src2);
    Files.writeString(src2.resolve("other.txt"), "other text\n".repeat(3000));
    Cli.Run b2 = cli.run("backup", "--json", src2.toString());
    assertThat(b2.code()).as(b2.err()).isZero();
    String second = b2.json().get("snapshot").asText();
    try (Stream<Path> s = Files.list(cli.repo.resolve("index"))) {
      for (Path p : s.toList()) Files.delete(p);
    }
    assertThat(cli.run("check").code()).isEqualTo(14);
    Cli.Run r = cli.run("repair", "index");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(cli.run("check", "--read-data").code()).isZero();
    assertRestoresIdentical(first, src);
    assertRestoresIdentical(second, src2);
  }

  @Test
  void repairSnapshots_afterAPackIsLost_writesATaggedCopyThatNamesTheCutFiles_andKeepsTheOriginal() throws Exception {
    String snap = backup();
    // lose every data pack but the last: the file(s) in them are cut
    List<Path> data = new ArrayList<>();
    try (Stream<Path> s = Files.walk(cli.repo.resolve("data"))) {
      data.addAll(s.filter(Files::isRegularFile).toList());
    }
    Repository repo = Repository.open(new LocalObjectStore(cli.repo), "s3cret".toCharArray(), Clock.systemUTC());
    Path lost = null;
    for (Path p : data) {
      BlobId id = BlobId.fromHex(p.getFileName().toString());
      if (repo.readPackTrailer(id).get(0).type() == BlobType.DATA) {
        lost = p;
        break;
      }
    }
    repo.close();
    Files.delete(lost);
    assertThat(cli.run("repair", "index").code()).isZero();
    Cli.Run r = cli.run("repair", "snapshots", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode fixed = r.json().get("repaired");
    assertThat(fixed).hasSize(1);
    assertThat(fixed.get(0).get("original").asText()).isEqualTo(snap);
    assertThat(fixed.get(0).get("damage").toString()).contains("cut from");
    String copy = fixed.get(0).get("repaired").asText();
    assertThat(snapshotIds()).containsExactlyInAnyOrder(snap, copy);
    JsonNode copyJson = null;
    for (JsonNode n : cli.run("snapshots", "--json").json()) if (n.get("id").asText().equals(copy)) copyJson = n;
    assertThat(copyJson.get("tags").toString()).contains("repaired");
    // the copy restores cleanly; the original still reports its damage
    Path target = tmp.resolve("restored-copy");
    assertThat(cli.run("restore", copy, "--target", target.toString()).code()).isZero();
    assertThat(cli.run("forget", snap).code()).isZero();
    assertThat(cli.run("check").code()).isZero();
  }

  @Test
  void checkSinceLast_readsOnlyPacksThatNoEarlierCheckVerified() throws Exception {
    backup();
    JsonNode full = cli.run("check", "--read-data", "--since-last", "--json").json();
    assertThat(full.get("packsRead").asInt()).isPositive();
    JsonNode again = cli.run("check", "--read-data", "--since-last", "--json").json();
    assertThat(again.get("packsRead").asInt()).isZero();
    Files.writeString(src.resolve("a/fresh.txt"), "new content ".repeat(1000));
    backup();
    JsonNode after = cli.run("check", "--read-data", "--since-last", "--json").json();
    assertThat(after.get("packsRead").asInt()).isBetween(1, 2);
    assertThat(after.get("ok").asBoolean()).isTrue();
    assertThat(cli.run("check", "--since-last").code()).isEqualTo(2);
  }

  @Test
  @SuppressWarnings("try") // the leases are held, not used
  void unlock_removesOnlyExpiredLeases_andWithAllEveryLease() throws Exception {
    backup();
    Repository past = Repository.open(new LocalObjectStore(cli.repo), "s3cret".toCharArray(),
        InstantSource.fixed(Instant.now().minus(Duration.ofHours(2))));
    Repository now = Repository.open(new LocalObjectStore(cli.repo), "s3cret".toCharArray(), Clock.systemUTC());
    try (Leases.Held stale = new Leases(past).acquireShared(Duration.ofMinutes(5));
        Leases.Held live = new Leases(now).acquireShared(Duration.ofMinutes(5))) {
      assertThat(Files.list(cli.repo.resolve("locks")).count()).isEqualTo(2);
      Cli.Run r = cli.run("unlock", "--json");
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.json().get("removed").asInt()).isEqualTo(1);
      assertThat(Files.list(cli.repo.resolve("locks")).toList()).singleElement()
          .satisfies(p -> assertThat(p.getFileName().toString()).isEqualTo(live.lease().id()));
      assertThat(cli.run("unlock", "--all").code()).isZero();
      assertThat(Files.list(cli.repo.resolve("locks")).count()).isZero();
      org.assertj.core.api.Assertions.assertThatThrownBy(live::ensureValid).hasMessageContaining("was removed");
    }
  }
}
