package io.cairn.store.s3;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A read of an object in an archive storage class (S3 answers 403 InvalidObjectState until a restore
 * request is done) says so and what to do, rather than blaming the credentials. No server here keeps
 * archive classes, so the answer is made as S3 documents it.
 */
class ArchivedReadTest {
  private static S3Exception answer(int status, String code) {
    return (S3Exception) S3Exception.builder().statusCode(status).awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build()).build();
  }

  @Test
  void readOfArchivedObject_saysItMustBeRestoredFirst() {
    assertThat(S3ObjectStore.archived("read data/ab/abcd", answer(403, "InvalidObjectState")))
        .startsWith("cannot read data/ab/abcd: it is in an archive storage class and must be restored before it can be read")
        .contains("RestoreObject");
  }

  @Test
  void throttlingAndServerErrors_areTransient_refusalsAndMissingThingsPermanent() {
    for (int status : new int[] {429, 500, 503}) assertThat(S3ObjectStore.transientStatus(status)).as("status " + status).isTrue();
    for (int status : new int[] {400, 403, 404, 409}) assertThat(S3ObjectStore.transientStatus(status)).as("status " + status).isFalse();
  }

  @Test
  void otherRefusals_areNotTakenForArchivedObjects() {
    assertThat(S3ObjectStore.archived("read x", answer(403, "AccessDenied"))).isNull();
  }
}
