package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.engine.fs.TreeComparator;
import io.cairn.testkit.S3ProxyServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Copies through the real CLI, in a bare environment: a folder repository pushed to a copy in an S3
 * bucket made with init --from-repo (its own password), pulled back, a restore that reads damaged
 * blobs from the copy, a recovery key, and the errors a user meets.
 */
class CopyCliTest {
  static S3ProxyServer s3;
  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    s3 = new S3ProxyServer();
    s3.createBucket("offsite");
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
  }

  record Out(int code, String out, String err) {}

  private Out cairn(Map<String, String> extra, String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Cli.javaCommand(args));
    pb.environment().clear();
    pb.environment().put("PATH", System.getenv("PATH"));
    pb.environment().put("HOME", tmp.toString());
    pb.environment().putAll(s3.env());
    pb.environment().put("CAIRN_CATALOG", tmp.resolve("catalog.db").toString());
    pb.environment().putAll(extra);
    pb.redirectError(tmp.resolve("err").toFile()).redirectOutput(tmp.resolve("out").toFile());
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Out(p.exitValue(), Files.readString(tmp.resolve("out"), StandardCharsets.UTF_8), Files.readString(tmp.resolve("err"),
        StandardCharsets.UTF_8));
  }

  @Test
  void pushToBucket_pullBack_fallBackToTheCopy_andOpenItWithItsRecoveryKey() throws Exception {
    String primary = tmp.resolve("primary").toString();
    String offsite = "s3:" + s3.endpoint() + "/offsite/site-a";
    Path data = Files.createDirectories(tmp.resolve("data"));
    for (int i = 0; i < 12; i++) Files.writeString(data.resolve("f" + i), ("line " + i + "\n").repeat(3000 + i * 100));
    Map<String, String> pw = Map.of("CAIRN_PASSWORD", "pw");
    assertThat(cairn(pw, "init", "--repo", primary, "--kdf-memory", "64", "--kdf-iterations", "1", "--chunk-min", "4096", "--chunk-avg",
        "16384", "--chunk-max", "65536", "--pack-size", "131072").code()).isZero();
    assertThat(cairn(pw, "backup", "--repo", primary, data.toString()).code()).isZero();

    Out init = cairn(Map.of("CAIRN_PASSWORD", "other", "CAIRN_FROM_PASSWORD", "pw"), "init", "--repo", offsite, "--from-repo", primary,
        "--kdf-memory", "64", "--kdf-iterations", "1", "--json");
    assertThat(init.code()).as(init.err()).isZero();
    assertThat(init.out()).contains("\"sharesIdsWith\"").contains("\"avg\" : 16384");

    Map<String, String> push = Map.of("CAIRN_PASSWORD", "pw", "CAIRN_TO_PASSWORD", "other");
    Out copy = cairn(push, "copy", "--repo", primary, "--to", offsite, "--json");
    assertThat(copy.code()).as(copy.err()).isZero();
    assertThat(copy.out()).contains("\"verified\" : true").contains("\"sameIds\" : true");
    Out again = cairn(push, "copy", "--repo", primary, "--to", offsite);
    assertThat(again.code()).isZero();
    assertThat(again.out()).contains("1 point(s) skipped");

    // a new point, pulled from the isolated side: the bucket's password here, the primary's as --from's
    Files.writeString(data.resolve("f0"), "changed");
    assertThat(cairn(pw, "backup", "--repo", primary, data.toString()).code()).isZero();
    Out pull = cairn(Map.of("CAIRN_PASSWORD", "other", "CAIRN_FROM_PASSWORD", "pw"), "copy", "--repo", offsite, "--from", primary);
    assertThat(pull.code()).as(pull.err()).isZero();
    assertThat(pull.out()).contains("1 point(s) copied");

    // every pack of the primary damaged: the restore reads the blobs from the copy the catalog knows
    try (Stream<Path> files = Files.walk(Path.of(primary, "data"))) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        byte[] b = Files.readAllBytes(p);
        b[b.length / 2] ^= 1;
        Files.write(p, b);
      }
    }
    Out damaged = cairn(Map.of("CAIRN_PASSWORD", "pw", "CAIRN_CATALOG", "off"), "restore", "--repo", primary, "latest", "--target",
        tmp.resolve("r0").toString());
    assertThat(damaged.code()).as("no copy to fall back to without the catalog or --fallback").isEqualTo(14);
    Out restored = cairn(Map.of("CAIRN_PASSWORD", "pw", "CAIRN_CATALOG", "off"), "restore", "--repo", primary, "latest", "--target",
        tmp.resolve("r1").toString(), "--fallback", offsite);
    // the copy's password differs: it is opened with the policy's reference or the password given; here neither opens it
    assertThat(restored.code()).isEqualTo(14);
    assertThat(restored.err()).contains("could not be opened");
    // with a policy, each repository's password comes from its reference
    Files.writeString(tmp.resolve("pw-main"), "pw\n");
    Files.writeString(tmp.resolve("pw-off"), "other\n");
    Files.writeString(tmp.resolve("cairn.yaml"), """
        repositories:
          main: { location: %s, password: "file:%s" }
          offsite: { location: "%s", password: "file:%s", role: copy }
        """.formatted(primary, tmp.resolve("pw-main"), offsite, tmp.resolve("pw-off")));
    Out viaPolicy = cairn(Map.of("CAIRN_CATALOG", "off", "CAIRN_CONFIG", tmp.resolve("cairn.yaml").toString()), "restore", "--repo", "main",
        "latest", "--target", tmp.resolve("r3").toString(), "--fallback", "offsite");
    assertThat(viaPolicy.code()).as(viaPolicy.err()).isZero();
    assertThat(viaPolicy.err()).contains("read from " + offsite);
    assertThat(TreeComparator.compare(data, tmp.resolve("r3").resolve(data.toString().substring(1)))).isEmpty();

    Out key = cairn(Map.of("CAIRN_PASSWORD", "other"), "key", "export", "--recovery", "--repo", offsite);
    assertThat(key.code()).isZero();
    String recoveryKey = key.out().strip();
    assertThat(recoveryKey).startsWith("cairn-rk1-");
    Files.writeString(tmp.resolve("rk"), recoveryKey + "\n");
    Out fromCopy = cairn(Map.of("CAIRN_PASSWORD_FILE", tmp.resolve("rk").toString()), "restore", "--repo", offsite, "latest", "--target",
        tmp.resolve("r2").toString());
    assertThat(fromCopy.code()).as(fromCopy.err()).isZero();
    assertThat(TreeComparator.compare(data, tmp.resolve("r2").resolve(data.toString().substring(1)))).isEmpty();
  }

  @Test
  void copyErrors_oneLineEach_withTheirExitCodes() throws Exception {
    String a = tmp.resolve("a").toString();
    Map<String, String> pw = Map.of("CAIRN_PASSWORD", "pw", "CAIRN_TO_PASSWORD", "pw");
    assertThat(cairn(pw, "init", "--repo", a, "--kdf-memory", "64", "--kdf-iterations", "1").code()).isZero();
    Out neither = cairn(pw, "copy", "--repo", a);
    assertThat(neither.code()).isEqualTo(2);
    assertThat(neither.err().strip()).isEqualTo("cairn: give --to REPO (push) or --from REPO (pull)");
    Out missing = cairn(pw, "copy", "--repo", a, "--to", tmp.resolve("nothing").toString());
    assertThat(missing.code()).isEqualTo(10);
    assertThat(missing.err().lines().count()).isEqualTo(1);
    String b = tmp.resolve("b").toString();
    assertThat(cairn(Map.of("CAIRN_PASSWORD", "right"), "init", "--repo", b, "--kdf-memory", "64", "--kdf-iterations", "1").code()).isZero();
    Out wrong = cairn(Map.of("CAIRN_PASSWORD", "pw", "CAIRN_TO_PASSWORD", "wrong"), "copy", "--repo", a, "--to", b);
    assertThat(wrong.code()).isEqualTo(12);
    assertThat(wrong.err().lines().filter(l -> !l.contains("start-up cache")).count()).isEqualTo(1);
    Out same = cairn(pw, "copy", "--repo", a, "--to", a);
    assertThat(same.code()).isEqualTo(2);
    Out badKey = cairn(Map.of("CAIRN_PASSWORD", "cairn-rk1-00-11-22"), "snapshots", "--repo", a);
    assertThat(badKey.code()).isEqualTo(2);
    assertThat(badKey.err()).contains("the recovery key is malformed");
  }
}
