package io.cairn.engine.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM through the JDK (AES-NI and CLMUL intrinsics), a few ciphers per thread.
 *
 * <p>Each thread keeps one cipher for each of the last {@value #KEYS} keys it used. The JDK expands
 * an AES key again whenever a cipher is initialized with a key other than its last one; a thread
 * that alternates between packs (a backup worker sealing data and tree blobs, a walk reading trees
 * from several packs while it seals new ones) would otherwise expand a key on almost every call,
 * and the JIT then spends its time compiling the key expansion (measured in an incremental backup:
 * 0.5 s of C2 time on {@code AESCrypt.makeSessionKey} alone).
 */
final class Aead {
  static final int TAG = 16;
  static final int NONCE = 12;
  private static final int KEYS = 4;

  /** A thread's ciphers: {@code keys[i]} is the key {@code ciphers[i]} was last initialized with. */
  private static final class Ciphers {
    final byte[][] keys = new byte[KEYS][];
    final Cipher[] ciphers = new Cipher[KEYS];
    int next;

    Cipher forKey(byte[] key) {
      for (int i = 0; i < KEYS; i++) {
        byte[] k = keys[i];
        if (k != null && java.util.Arrays.equals(k, key)) return ciphers[i];
      }
      int i = next;
      next = (next + 1) % KEYS;
      if (ciphers[i] == null) {
        try {
          ciphers[i] = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException("this JDK lacks AES/GCM", e);
        }
      }
      keys[i] = key.clone(); // the caller may wipe or reuse its array
      return ciphers[i];
    }
  }

  private static final ThreadLocal<Ciphers> CIPHERS = ThreadLocal.withInitial(Ciphers::new);

  private Aead() {}

  /** Encrypts src into dst at dstOff; returns bytes written (len + TAG). */
  static int seal(byte[] key, byte[] nonce, byte[] aad, byte[] src, int off, int len, byte[] dst, int dstOff) {
    try {
      Cipher c = CIPHERS.get().forKey(key);
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG * 8, nonce));
      if (aad != null) c.updateAAD(aad);
      return c.doFinal(src, off, len, dst, dstOff);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  /** Decrypts into dst at dstOff; returns the plaintext length, or -1 when authentication fails. */
  static int openInto(byte[] key, byte[] nonce, byte[] aad, byte[] src, int off, int len, byte[] dst, int dstOff) {
    if (len < TAG) return -1;
    try {
      Cipher c = CIPHERS.get().forKey(key);
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
  static byte[] open(byte[] key, byte[] nonce, byte[] aad, byte[] src, int off, int len) {
    if (len < TAG) return null;
    try {
      Cipher c = CIPHERS.get().forKey(key);
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
