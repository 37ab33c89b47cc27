package io.cairn.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.engine.store.LocalObjectStore;
import io.cairn.engine.store.ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalObjectStoreContractTest extends ObjectStoreContract {
  @TempDir Path tmp;

  @Override
  protected ObjectStore newStore() throws Exception {
    return new LocalObjectStore(Files.createDirectories(tmp.resolve("store")));
  }

  @Test
  void sweepTemp_removesATempFileACrashLeftBehind_onceItIsOlderThanAsked() throws Exception {
    ObjectStore s = store();
    Path left = Files.createDirectories(tmp.resolve("store/tmp")).resolve("1234.pack.tmp");
    Files.write(left, new byte[10]);
    Files.setLastModifiedTime(left, FileTime.from(Instant.now().minusSeconds(2 * 86400)));
    assertThat(s.sweepTemp(Instant.now().minusSeconds(3 * 86400))).isZero();
    assertThat(left).exists();
    assertThat(s.sweepTemp(Instant.now().minusSeconds(86400))).isEqualTo(1);
    assertThat(left).doesNotExist();
  }
}
