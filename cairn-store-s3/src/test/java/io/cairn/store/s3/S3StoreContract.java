package io.cairn.store.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.engine.store.ObjectStore;
import io.cairn.engine.store.PendingObject;
import io.cairn.testkit.ObjectStoreContract;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The object-store contract and what only an S3 store does (multipart uploads, their sweeping), against one S3 server. */
abstract class S3StoreContract extends ObjectStoreContract {
  private static final AtomicInteger N = new AtomicInteger();
  private String prefix;

  abstract String endpoint();

  abstract Map<String, String> env();

  abstract String bucket();

  @Override
  protected ObjectStore newStore() {
    prefix = "repo-" + getClass().getSimpleName() + "-" + N.incrementAndGet();
    return new S3StoreProvider().open("s3:" + endpoint() + "/" + bucket() + "/" + prefix, env(), true);
  }

  S3Client client() {
    return S3Client.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(env().get("AWS_ACCESS_KEY_ID"),
            env().get("AWS_SECRET_ACCESS_KEY"))))
        .endpointOverride(URI.create(endpoint())).forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build();
  }

  @Test
  void statAndList_sayWhenAnObjectWasWritten_andItsEntityTag() throws Exception {
    ObjectStore s = store();
    java.time.Instant before = java.time.Instant.now().minusSeconds(300);
    s.put("index/meta", new byte[] {1, 2, 3});
    assertThat(s.stat("index/meta")).hasValueSatisfying(i -> {
      assertThat(i.lastModified()).isAfter(before).isBefore(java.time.Instant.now().plusSeconds(300));
      assertThat(i.etag()).isNotBlank();
    });
    assertThat(s.list("index/")).filteredOn(i -> i.key().equals("index/meta")).singleElement()
        .satisfies(i -> assertThat(i.lastModified()).isAfter(before));
  }

  @Test
  void largePendingObject_isUploadedInParts_andReadsBackWhole() throws Exception {
    ObjectStore s = store();
    byte[] data = new byte[(int) S3ObjectStore.MULTIPART_FROM + 3 * 1024 * 1024 + 17];
    new Random(7).nextBytes(data);
    try (PendingObject p = s.create()) {
      // written out of order, as a pack's trailer may be
      p.write(1000, data, 1000, data.length - 1000);
      p.write(0, data, 0, 1000);
      assertThat(p.commit("data/ff/big", data.length)).isTrue();
    }
    assertThat(s.stat("data/ff/big")).hasValueSatisfying(i -> assertThat(i.size()).isEqualTo(data.length));
    assertThat(s.get("data/ff/big")).isEqualTo(data);
    assertThat(s.get("data/ff/big", S3ObjectStore.PART - 5, 10)).isEqualTo(java.util.Arrays.copyOfRange(data, S3ObjectStore.PART - 5,
        S3ObjectStore.PART + 5));
    try (PendingObject again = s.create()) {
      again.write(0, data, 0, data.length);
      assertThat(again.commit("data/ff/big", data.length)).as("content-addressed: already there").isFalse();
    }
  }

  @Test
  void sweepTemp_abortsAnUploadADeadProcessLeft_onlyWhenOlderThanAsked() throws Exception {
    ObjectStore s = store();
    try (S3Client c = client()) {
      String key = prefix + "/data/aa/unfinished";
      c.createMultipartUpload(r -> r.bucket(bucket()).key(key));
      assertThat(s.sweepTemp(Instant.now().minusSeconds(3600))).as("a young upload may be running").isZero();
      assertThat(s.sweepTemp(Instant.now().plusSeconds(60))).isEqualTo(1);
      assertThat(c.listMultipartUploads(r -> r.bucket(bucket()).prefix(prefix + "/")).uploads()).isEmpty();
    }
  }
}
