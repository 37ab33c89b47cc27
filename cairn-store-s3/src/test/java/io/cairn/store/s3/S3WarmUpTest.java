package io.cairn.store.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.engine.store.StoreProvider;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class S3WarmUpTest {
  @Test
  void warmUp_withNoServerAnywhere_returnsAtOnceWithoutError() {
    StoreProvider s3 = ServiceLoader.load(StoreProvider.class).stream().map(ServiceLoader.Provider::get)
        .filter(p -> p.schemes().contains("s3")).findFirst().orElseThrow();
    long t0 = System.nanoTime();
    s3.warmUp(); // every request is refused: no retries, nothing thrown
    assertThat((System.nanoTime() - t0) / 1_000_000).as("milliseconds").isLessThan(10_000);
  }
}
