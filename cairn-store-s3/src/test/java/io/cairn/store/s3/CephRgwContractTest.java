package io.cairn.store.s3;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cairn.testkit.CephRgwServer;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The object-store contract against a real Ceph RGW (one mon, one memstore OSD) on loopback. */
class CephRgwContractTest extends S3StoreContract {
  static CephRgwServer rgw;

  @BeforeAll
  static void start() throws Exception {
    // CI installs Ceph; elsewhere the tests say why they did not run
    assumeTrue(CephRgwServer.unavailableReason() == null || System.getenv("CI") != null, CephRgwServer.unavailableReason());
    rgw = CephRgwServer.start();
    try (S3Client s3 = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(CephRgwServer.ACCESS, CephRgwServer.SECRET)))
        .endpointOverride(URI.create(rgw.endpoint())).forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build()) {
      s3.createBucket(b -> b.bucket("cairn-rgw"));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (rgw != null) rgw.close();
  }

  @Override
  String endpoint() {
    return rgw.endpoint();
  }

  @Override
  java.util.Map<String, String> env() {
    return rgw.env();
  }

  @Override
  String bucket() {
    return "cairn-rgw";
  }
}
