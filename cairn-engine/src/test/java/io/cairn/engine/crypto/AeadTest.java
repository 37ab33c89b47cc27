package io.cairn.engine.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Blob encryption under pack keys, whose ciphers the sealer keeps per key. */
class AeadTest {
  private final Sealer sealer = new Sealer(MasterKey.generate(new SecureRandom()), new SecureRandom());

  @Test
  void alternatingBetweenManyPackKeys_sealsAndOpensEachUnderItsOwnKey() throws Exception {
    Random r = new Random(5);
    byte[][] keys = new byte[40][32]; // more than the sealer keeps ciphers for
    for (byte[] k : keys) r.nextBytes(k);
    byte[] plain = new byte[1000];
    r.nextBytes(plain);
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < keys.length; i++) {
        long offset = round * 1000L + i;
        byte[] sealed = new byte[plain.length + Aead.TAG];
        sealer.sealBlob(keys[i], offset, new byte[] {1}, plain, 0, plain.length, sealed, 0);
        assertThat(sealer.openBlob(keys[i], offset, new byte[] {1}, sealed, 0, sealed.length)).isEqualTo(plain);
        // a one-off key in between (a sealed object's) does not disturb the kept ciphers
        assertThat(sealer.open("x", 'S', sealer.seal('S', plain))).isEqualTo(plain);
        byte[] other = keys[(i + 1) % keys.length];
        assertThat(sealer.openBlob(other, offset, new byte[] {1}, sealed, 0, sealed.length)).as("opened under another key").isNull();
      }
    }
  }

  @Test
  void aPackKeyArrayReusedForAnotherKey_isNotMistakenForTheFirst() {
    byte[] key = new byte[32];
    byte[] plain = "same bytes, two keys".getBytes();
    byte[] first = new byte[plain.length + Aead.TAG];
    sealer.sealBlob(key, 0, null, plain, 0, plain.length, first, 0);
    key[0] = 1; // the caller changes its array in place
    byte[] second = new byte[plain.length + Aead.TAG];
    sealer.sealBlob(key, 1, null, plain, 0, plain.length, second, 0);
    assertThat(sealer.openBlob(key, 1, null, second, 0, second.length)).isEqualTo(plain);
    byte[] original = new byte[32];
    assertThat(sealer.openBlob(original, 0, null, first, 0, first.length)).isEqualTo(plain);
    assertThat(sealer.openBlob(key, 0, null, first, 0, first.length)).isNull();
  }
}
