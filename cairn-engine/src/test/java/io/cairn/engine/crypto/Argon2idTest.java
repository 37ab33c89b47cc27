package io.cairn.engine.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;

class Argon2idTest {

  /** RFC 9106 §5.3: Argon2id, version 0x13, with a secret and associated data. */
  @Test
  void derive_rfc9106TestVector_matchesTag() {
    byte[] password = filled(32, 0x01);
    byte[] salt = filled(16, 0x02);
    byte[] secret = filled(8, 0x03);
    byte[] ad = filled(12, 0x04);
    byte[] tag = Argon2id.derive(password, salt, secret, ad, 32, 3, 4, 32);
    assertThat(HexFormat.of().formatHex(tag))
        .isEqualTo("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
  }

  /** Every parameter shape (lanes, passes, memory not a multiple of 4 lanes, long tags) agrees with Bouncy Castle. */
  @Property(tries = 60)
  void derive_anyParameters_equalsBouncyCastle(@ForAll @Size(max = 40) byte[] password, @ForAll @Size(min = 8, max = 32) byte[] salt,
      @ForAll @IntRange(min = 1, max = 4) int lanes, @ForAll @IntRange(min = 1, max = 4) int passes,
      @ForAll @IntRange(min = 0, max = 300) int extraKiB, @ForAll @IntRange(min = 4, max = 200) int outLen) {
    int memoryKiB = 8 * lanes + extraKiB;
    byte[] ours = Argon2id.derive(password, salt, memoryKiB, passes, lanes, outLen);
    assertThat(ours).isEqualTo(bouncyCastle(password, salt, memoryKiB, passes, lanes, outLen));
  }

  /** The repository default (32 MiB, 3 passes, 1 lane): more than one segment of data-independent addresses. */
  @Test
  void derive_defaultCost_equalsBouncyCastle() {
    byte[] pw = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
    byte[] salt = filled(16, 0x5a);
    KeyFile.KdfParams p = KeyFile.KdfParams.DEFAULT;
    assertThat(Argon2id.derive(pw, salt, p.memoryKiB(), p.iterations(), p.parallelism(), 32))
        .isEqualTo(bouncyCastle(pw, salt, p.memoryKiB(), p.iterations(), p.parallelism(), 32));
  }

  @Test
  void derive_tooLittleMemoryForTheLanes_isRefused() {
    assertThatThrownBy(() -> Argon2id.derive(new byte[1], new byte[8], 15, 1, 2, 32))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static byte[] bouncyCastle(byte[] password, byte[] salt, int memoryKiB, int passes, int lanes, int outLen) {
    Argon2BytesGenerator g = new Argon2BytesGenerator();
    g.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withSalt(salt).withMemoryAsKB(memoryKiB).withIterations(passes).withParallelism(lanes).build());
    byte[] out = new byte[outLen];
    g.generateBytes(password, out);
    return out;
  }

  private static byte[] filled(int n, int v) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) v);
    return b;
  }
}
