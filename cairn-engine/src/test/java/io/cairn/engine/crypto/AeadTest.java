package io.cairn.engine.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class AeadTest {
  @Test
  void alternatingBetweenMorePackKeysThanAThreadKeepsCiphersFor_sealsAndOpensEachUnderItsOwnKey() {
    Random r = new Random(5);
    byte[][] keys = new byte[7][32];
    for (byte[] k : keys) r.nextBytes(k);
    byte[] plain = new byte[1000];
    r.nextBytes(plain);
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < keys.length; i++) {
        byte[] nonce = new byte[Aead.NONCE];
        nonce[0] = (byte) round;
        nonce[1] = (byte) i;
        byte[] sealed = new byte[plain.length + Aead.TAG];
        Aead.sealReused(keys[i], nonce, new byte[] {1}, plain, 0, plain.length, sealed, 0);
        assertThat(Aead.openReused(keys[i], nonce, new byte[] {1}, sealed, 0, sealed.length)).isEqualTo(plain);
        // a one-off key in between (a sealed object's) opens what the kept ciphers sealed
        assertThat(Aead.open(keys[i], nonce, new byte[] {1}, sealed, 0, sealed.length)).isEqualTo(plain);
        byte[] other = keys[(i + 1) % keys.length];
        assertThat(Aead.openReused(other, nonce, new byte[] {1}, sealed, 0, sealed.length)).as("opened under another key").isNull();
      }
    }
  }

  @Test
  void aPackKeyArrayReusedForAnotherKey_isNotMistakenForTheFirst() {
    byte[] key = new byte[32];
    byte[] nonce = new byte[Aead.NONCE];
    byte[] plain = "same bytes, two keys".getBytes();
    byte[] first = new byte[plain.length + Aead.TAG];
    Aead.sealReused(key, nonce, null, plain, 0, plain.length, first, 0);
    key[0] = 1; // the caller changes its array in place
    nonce[0] = 1;
    byte[] second = new byte[plain.length + Aead.TAG];
    Aead.sealReused(key, nonce, null, plain, 0, plain.length, second, 0);
    assertThat(Aead.openReused(key, nonce, null, second, 0, second.length)).isEqualTo(plain);
    byte[] original = new byte[32];
    nonce[0] = 0;
    assertThat(Aead.openReused(original, nonce, null, first, 0, first.length)).isEqualTo(plain);
    assertThat(Aead.openReused(key, nonce, null, first, 0, first.length)).isNull();
  }
}
