package io.cairn.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.fs.TreeComparator;
import io.cairn.testkit.FaultyProxy;
import io.cairn.testkit.S3ProxyServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Backups, copies and restores through a proxy that breaks connections to the S3 server mid-request,
 * or answers 503 Slow Down, every few megabytes: each retries and completes, the copy is verified, the
 * restore is identical and the repository checks clean. A server that is down is one clear line.
 */
class S3FaultTest {
  static S3ProxyServer s3;
  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    s3 = new S3ProxyServer();
    s3.createBucket("faults");
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
  }

  private Workspace ws() {
    return new Workspace(new Workspace.Settings(null, 0), Clock.systemUTC(), l -> "pw".toCharArray(), new StoreFactory(s3.env()));
  }

  private Path data(String name, int files) throws Exception {
    Path d = Files.createDirectories(tmp.resolve(name));
    Random r = new Random(name.hashCode());
    for (int i = 0; i < files; i++) {
      byte[] b = new byte[200_000 + r.nextInt(300_000)];
      r.nextBytes(b);
      Files.write(d.resolve("f" + i), b);
    }
    return d;
  }

  @ParameterizedTest
  @EnumSource(FaultyProxy.Fault.class)
  void backupCopyAndRestore_throughAFaultyConnection_retryAndComplete(FaultyProxy.Fault fault) throws Exception {
    URI up = URI.create(s3.endpoint());
    Workspace ws = ws();
    String primary = tmp.resolve("primary").toString();
    new InitService(ws).run(new InitService.Request(primary, 4096, 65536, 262144, 1 << 20, 3, new KeyService.Kdf(64, 1)), "pw"::toCharArray);
    Path a = data("a", 20);
    new BackupService(ws).run(new BackupService.Request(primary, List.of(a), List.of(), List.of(), false, null, "h", false), Listener.NONE);
    try (FaultyProxy proxy = new FaultyProxy(up.getHost(), up.getPort(), fault, 3L << 20)) {
      String remote = "s3:http://127.0.0.1:" + proxy.port() + "/faults/" + fault;
      new InitService(ws).runFrom(InitService.Request.defaults(remote, new KeyService.Kdf(64, 1)), primary, "pw"::toCharArray);
      CopyService.Outcome copied = new CopyService(ws).run(new CopyService.Request(primary, remote, List.of(), null, null, false, "h"),
          Listener.NONE);
      assertThat(copied.verified()).isTrue();
      assertThat(copied.blobsVerified()).isEqualTo(copied.blobsWritten());
      Path b = data("b", 10);
      new BackupService(ws).run(new BackupService.Request(remote, List.of(b), List.of(), List.of(), false, null, "h", false), Listener.NONE);
      Path out = tmp.resolve("out");
      RestoreService.Outcome r = new RestoreService(ws).run(new RestoreService.Request(remote, copied.points().get(0).snapshot(), "", out,
          List.of(), List.of(), false, false, 0, List.of()), Listener.NONE);
      assertThat(r.damaged()).isEmpty();
      assertThat(TreeComparator.compare(a, out.resolve(a.toString().substring(1)))).isEmpty();
      assertThat(new CheckService(ws).run(new CheckService.Request(remote, 1.0, false), Listener.NONE).ok()).isTrue();
      assertThat(proxy.faults()).as("the proxy broke connections").isPositive();
    }
  }

  @org.junit.jupiter.api.Test
  void copyToAServerThatIsDown_failsWithOneLine_andRecordsNothing() throws Exception {
    Workspace ws = ws();
    String primary = tmp.resolve("primary").toString();
    new InitService(ws).run(new InitService.Request(primary, 4096, 65536, 262144, 1 << 20, 3, new KeyService.Kdf(64, 1)), "pw"::toCharArray);
    int dead;
    try (var s = new java.net.ServerSocket(0)) {
      dead = s.getLocalPort();
    }
    String remote = "s3:http://127.0.0.1:" + dead + "/faults/down";
    assertThatThrownBy(() -> new CopyService(ws).run(new CopyService.Request(primary, remote, List.of(), null, null, false, "h"), Listener.NONE))
        .isInstanceOf(CairnException.class).satisfies(e -> {
          assertThat(((CairnException) e).code()).isEqualTo(ErrorCode.IO);
          assertThat(e.getMessage()).startsWith("cannot reach S3 at http://127.0.0.1:" + dead).doesNotContain("\n");
        });
  }
}
