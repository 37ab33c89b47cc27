package io.cairn.engine.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CopyAgainTest {
  @TempDir Path tmp;

  @Test
  void copyAgain_placesTheBytes_atTheTargetOffset() throws Exception {
    byte[] blob = new byte[200_000];
    new Random(3).nextBytes(blob);
    Path first = tmp.resolve("first");
    try (FileChannel ch = FileChannel.open(first, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(blob), 5_000);
    }
    Path second = tmp.resolve("second");
    try (FileChannel ch = FileChannel.open(second, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      assertThat(Restorer.copyAgain(new Restorer.Written(first, 5_000), ch, 70_000, blob.length)).isTrue();
    }
    byte[] back = Files.readAllBytes(second);
    assertThat(back).hasSize(70_000 + blob.length);
    assertThat(Arrays.copyOfRange(back, 70_000, back.length)).isEqualTo(blob);
  }

  @Test
  void copyAgain_fromAFirstCopyThatIsGone_saysSo_soTheBlobIsDecodedInstead() throws Exception {
    Path second = tmp.resolve("second");
    try (FileChannel ch = FileChannel.open(second, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      assertThat(Restorer.copyAgain(new Restorer.Written(tmp.resolve("gone"), 0), ch, 0, 100_000)).isFalse();
    }
  }

  @Test
  void copyAgain_fromAFirstCopyThatIsShorter_saysSo() throws Exception {
    Path first = tmp.resolve("first");
    Files.write(first, new byte[1000]);
    Path second = tmp.resolve("second");
    try (FileChannel ch = FileChannel.open(second, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      assertThat(Restorer.copyAgain(new Restorer.Written(first, 0), ch, 0, 100_000)).isFalse();
    }
  }
}
