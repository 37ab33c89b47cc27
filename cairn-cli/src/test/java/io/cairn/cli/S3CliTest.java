package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.testkit.S3ProxyServer;
import io.cairn.engine.fs.TreeComparator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A repository in an S3 bucket, through the real CLI: init, backup, restore identical, check, prune; and the errors a user meets. */
class S3CliTest {
  static S3ProxyServer s3;
  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    s3 = new S3ProxyServer();
    s3.createBucket("backups");
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
  }

  record Out(int code, String out, String err) {}

  private Out cairn(String... args) throws Exception {
    Map<String, String> env = new HashMap<>(s3.env());
    env.put("CAIRN_PASSWORD", "pw");
    return cairnIn(env, args);
  }

  /** The CLI with exactly {@code env} (and PATH): no AWS variable unless it is given. */
  private Out cairnIn(Map<String, String> env, String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Cli.javaCommand(args));
    pb.environment().keySet().removeIf(k -> !k.equals("PATH"));
    pb.environment().putAll(env);
    pb.redirectError(tmp.resolve("err").toFile()).redirectOutput(tmp.resolve("out").toFile());
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Out(p.exitValue(), Files.readString(tmp.resolve("out"), StandardCharsets.UTF_8), Files.readString(tmp.resolve("err"), StandardCharsets.UTF_8));
  }

  @Test
  void repositoryInABucket_backsUpRestoresChecksAndPrunes() throws Exception {
    String repo = "s3:" + s3.endpoint() + "/backups/host-a";
    Path data = Files.createDirectories(tmp.resolve("data/docs"));
    for (int i = 0; i < 20; i++) Files.writeString(data.resolve("f" + i + ".txt"), ("file " + i + " ").repeat(2000 + i));
    Out init = cairn("init", "--repo", repo, "--kdf-memory", "64", "--kdf-iterations", "1", "--chunk-min", "4096", "--chunk-avg", "16384",
        "--chunk-max", "65536", "--pack-size", "131072");
    assertThat(init.code()).as(init.err()).isZero();
    assertThat(cairn("init", "--repo", repo).code()).as("a second init is refused").isEqualTo(15);
    Out backup = cairn("backup", "--repo", repo, "--catalog", "off", tmp.resolve("data").toString());
    assertThat(backup.code()).as(backup.err()).isZero();
    Files.writeString(data.resolve("f0.txt"), "changed");
    assertThat(cairn("backup", "--repo", repo, "--catalog", "off", tmp.resolve("data").toString()).code()).isZero();
    Out restore = cairn("restore", "--repo", repo, "--catalog", "off", "latest", "--target", tmp.resolve("r").toString());
    assertThat(restore.code()).as(restore.err()).isZero();
    assertThat(TreeComparator.compare(tmp.resolve("data"), tmp.resolve("r").resolve(tmp.resolve("data").toString().substring(1)))).isEmpty();
    Out check = cairn("check", "--repo", repo, "--catalog", "off", "--read-data");
    assertThat(check.code()).as(check.err() + check.out()).isZero();
    Out forget = cairn("forget", "--repo", repo, "--catalog", "off", "--keep-last", "1", "--prune");
    assertThat(forget.code()).as(forget.err()).isZero();
    Out snaps = cairn("snapshots", "--repo", repo, "--catalog", "off", "--json");
    assertThat(snaps.out()).contains("\"id\"");
    assertThat(cairn("check", "--repo", repo, "--catalog", "off", "--read-data").code()).isZero();
  }

  @Test
  void s3Errors_oneLineEach() throws Exception {
    Out none = cairn("snapshots", "--repo", "s3:" + s3.endpoint() + "/backups/nothing-here", "--catalog", "off");
    assertThat(none.code()).isEqualTo(10);
    assertThat(none.err().strip()).startsWith("cairn: no repository at s3:" + s3.endpoint() + "/backups/nothing-here (no config object)");
    Out bucket = cairn("snapshots", "--repo", "s3:" + s3.endpoint() + "/no-bucket/x", "--catalog", "off");
    assertThat(bucket.code()).isEqualTo(10);
    assertThat(bucket.err()).contains("bucket no-bucket does not exist");
    Out down = cairn("snapshots", "--repo", "s3:http://127.0.0.1:9/backups/x", "--catalog", "off");
    assertThat(down.code()).isEqualTo(16);
    assertThat(List.of(down.err().strip().split("\n"))).hasSize(1);
    assertThat(cairn("snapshots", "--repo", "ftp://host/x", "--catalog", "off").err()).contains("this build knows a folder path, s3: or file: URIs");
  }

  @Test
  void policyRepository_takesEndpointRegionAndKeysFromItsReferences_withNoAwsVariable() throws Exception {
    Path keys = Files.createDirectories(tmp.resolve("keys"));
    Files.writeString(keys.resolve("id"), s3.env().get("AWS_ACCESS_KEY_ID") + "\n");
    Files.writeString(keys.resolve("secret"), s3.env().get("AWS_SECRET_ACCESS_KEY") + "\n");
    Files.writeString(keys.resolve("wrong"), "not-the-secret\n");
    Path data = Files.createDirectories(tmp.resolve("site"));
    Files.writeString(data.resolve("index.html"), "<h1>shop</h1>".repeat(500));
    String entry = """
        repositories:
          offsite:
            location: s3://backups/from-policy
            password: "env:OFFSITE_PW"
            endpoint: %s
            region: eu-central-1
            access-key: "file:%s"
            secret-key: "file:%s"
        """;
    Path policy = tmp.resolve("cairn.yaml");
    Files.writeString(policy, entry.formatted(s3.endpoint(), keys.resolve("id"), keys.resolve("secret")));
    Map<String, String> env = Map.of("OFFSITE_PW", "offsite-pw", "HOME", tmp.toString());
    Out init = cairnIn(env, "init", "--config", policy.toString(), "--repo", "offsite", "--kdf-memory", "64", "--kdf-iterations", "1");
    assertThat(init.code()).as(init.err()).isZero();
    Out backup = cairnIn(env, "backup", "--config", policy.toString(), "--repo", "offsite", "--catalog", "off", data.toString());
    assertThat(backup.code()).as(backup.err()).isZero();
    Out snaps = cairnIn(env, "snapshots", "--config", policy.toString(), "--repo", "offsite", "--catalog", "off", "--json");
    assertThat(snaps.code()).as(snaps.err()).isZero();
    assertThat(snaps.out()).contains("\"id\"");
    // the same bucket through the environment's variables finds the same repository there
    Map<String, String> plain = new HashMap<>(s3.env());
    plain.put("CAIRN_PASSWORD", "offsite-pw");
    plain.put("AWS_ENDPOINT_URL", s3.endpoint());
    assertThat(cairnIn(plain, "snapshots", "--repo", "s3://backups/from-policy", "--catalog", "off").code()).isZero();

    Files.writeString(policy, entry.formatted(s3.endpoint(), keys.resolve("id"), keys.resolve("wrong")));
    Out refused = cairnIn(env, "snapshots", "--config", policy.toString(), "--repo", "offsite", "--catalog", "off");
    assertThat(refused.code()).isEqualTo(16);
    assertThat(refused.err().strip()).doesNotContain("\n").contains("refused the credentials").doesNotContain("not-the-secret");
  }
}
