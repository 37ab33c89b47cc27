package io.cairn.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.store.ObjectStore;
import io.cairn.testkit.S3ProxyServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The object-store contract, against an S3 server on loopback (S3Proxy); and what a wrong bucket or key says. */
class S3ObjectStoreContractTest extends S3StoreContract {
  static S3ProxyServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new S3ProxyServer();
    server.createBucket("cairn-test");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Override
  String endpoint() {
    return server.endpoint();
  }

  @Override
  Map<String, String> env() {
    return server.env();
  }

  @Override
  String bucket() {
    return "cairn-test";
  }

  @Test
  void open_ofAMissingBucket_saysSo() {
    assertThatThrownBy(() -> new S3StoreProvider().open("s3:" + server.endpoint() + "/no-such-bucket/r", server.env(), false))
        .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REPOSITORY_NOT_FOUND))
        .hasMessageContaining("bucket no-such-bucket does not exist");
  }

  @Test
  void open_withWrongCredentials_saysWhichToCheck() {
    assertThatThrownBy(() -> new S3StoreProvider().open("s3:" + server.endpoint() + "/cairn-test/r",
        Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS, "AWS_SECRET_ACCESS_KEY", "wrong"), false))
        .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.IO))
        .hasMessageContaining("refused the credentials").hasMessageContaining("AWS_SECRET_ACCESS_KEY");
  }

  @Test
  void open_ofAServerThatIsDown_saysSo() {
    assertThatThrownBy(() -> new S3StoreProvider().open("s3:http://127.0.0.1:9/cairn-test/r", server.env(), false))
        .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.IO))
        .hasMessageContaining("cannot reach S3 at http://127.0.0.1:9");
  }

  @Test
  void locations_parseAsResticWritesThem() {
    S3Location a = S3Location.parse("s3:http://127.0.0.1:7480/bucket/some/prefix/", Map.of());
    assertThat(a.endpoint()).hasToString("http://127.0.0.1:7480");
    assertThat(a.bucket()).isEqualTo("bucket");
    assertThat(a.key("config")).isEqualTo("some/prefix/config");
    assertThat(a.pathStyle()).isTrue();
    S3Location b = S3Location.parse("s3://bucket", Map.of());
    assertThat(b.endpoint()).isNull();
    assertThat(b.key("config")).isEqualTo("config");
    assertThat(b.canonical()).isEqualTo("s3://bucket");
    assertThat(S3Location.parse("s3://bucket/p", Map.of("AWS_ENDPOINT_URL", "https://minio:9000")).canonical())
        .isEqualTo("s3:https://minio:9000/bucket/p");
    assertThatThrownBy(() -> S3Location.parse("s3://Bad_Bucket/x", Map.of())).hasMessageContaining("is not a bucket name");
  }

  @Test
  void droppedConnectionsAndSlowDowns_areRetried_andEveryObjectArrivesWhole() throws Exception {
    java.net.URI up = java.net.URI.create(server.endpoint());
    for (io.cairn.testkit.FaultyProxy.Fault fault : io.cairn.testkit.FaultyProxy.Fault.values()) {
      try (var proxy = new io.cairn.testkit.FaultyProxy(up.getHost(), up.getPort(), fault, 9L << 20);
          ObjectStore s = new S3StoreProvider().open("s3:http://127.0.0.1:" + proxy.port() + "/cairn-test/faulty-" + fault, server.env(), true)) {
        java.util.Random rnd = new java.util.Random(1);
        java.util.Map<String, byte[]> written = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 12; i++) {
          byte[] b = new byte[64 * 1024 + i];
          rnd.nextBytes(b);
          s.put("data/" + i, b);
          written.put("data/" + i, b);
        }
        byte[] big = new byte[(int) S3ObjectStore.MULTIPART_FROM + (6 << 20)];
        rnd.nextBytes(big);
        try (io.cairn.engine.store.PendingObject p = s.create()) {
          p.write(0, big, 0, big.length);
          assertThat(p.commit("data/big", big.length)).isTrue();
        }
        written.put("data/big", big);
        for (var e : written.entrySet()) assertThat(s.get(e.getKey())).as(fault + " " + e.getKey()).isEqualTo(e.getValue());
        assertThat(proxy.faults()).as("the proxy broke some connections (" + fault + ")").isPositive();
      }
    }
  }
}
