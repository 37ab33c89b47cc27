package io.cairn.engine.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM through the JDK (AES-NI and CLMUL intrinsics).
 *
 * <p>Callers hand in the cipher, so who keeps ciphers (and the key schedules in them) is theirs to
 * decide: {@link Sealer} keeps, per repository, ciphers for one-off keys and, for each recent pack
 * key, ciphers already initialized with it (see {@link Sealer}); no key material stays on a thread. The JDK expands an
 * AES key again whenever a cipher is initialized with a key other than its last one, and a thread
 * alternates between packs (a backup worker sealing data and tree blobs, a walk reading trees from
 * several packs while it seals new ones): with one cipher it expanded a key on almost every blob,
 * and the JIT spent its time compiling the key expansion (measured in an incremental backup: 0.5 s
 * of C2 time on {@code AESCrypt.makeSessionKey} alone).
 */
final class Aead {
  static final int TAG = 16;
  static final int NONCE = 12;

  static Cipher newCipher() {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK lacks AES/GCM", e);
    }
  }

  private Aead() {}

  /** Encrypts src into dst at dstOff; returns bytes written (len + TAG). */
  static int seal(Cipher c, byte[] key, byte[] nonce, byte[] aad, byte[] src, int off, int len, byte[] dst, int dstOff) {
    try {
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG * 8, nonce));
      if (aad != null) c.updateAAD(aad);
      return c.doFinal(src, off, len, dst, dstOff);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  /** Decrypts into dst at dstOff; returns the plaintext length, or -1 when authentication fails. */
  static int openInto(Cipher c, byte[] key, byte[] nonce, byte[] aad, byte[] src, int off, int len, byte[] dst,
      int dstOff) {
    if (len < TAG) return -1;
    try {
      c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG * 8, nonce));
      if (aad != null) c.updateAAD(aad);
      return c.doFinal(src, off, len, dst, dstOff);
    } catch (AEADBadTagException e) {
      return -1;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM decryption failed", e);
    }
  }

  /** Decrypts; returns null when authentication fails. */
  static byte[] open(Cipher c, byte[] key, byte[] nonce, byte[] aad, byte[] src, int off, int len) {
    if (len < TAG) return null;
    try {
      c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG * 8, nonce));
      if (aad != null) c.updateAAD(aad);
      return c.doFinal(src, off, len);
    } catch (AEADBadTagException e) {
      return null;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM decryption failed", e);
    }
  }
}
