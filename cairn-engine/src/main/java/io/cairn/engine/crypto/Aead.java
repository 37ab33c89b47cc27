package io.cairn.engine.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** AES-256-GCM through the JDK (AES-NI and CLMUL intrinsics), one cipher per thread. */
final class Aead {
  static final int TAG = 16;
  static final int NONCE = 12;
  private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(() -> {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK lacks AES/GCM", e);
    }
  });

  private Aead() {}

  /** Encrypts src into dst at dstOff; returns bytes written (len + TAG). */
  static int seal(byte[] key, byte[] nonce, byte[] aad, byte[] src, int off, int len, byte[] dst, int dstOff) {
    try {
      Cipher c = CIPHER.get();
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
      Cipher c = CIPHER.get();
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
      Cipher c = CIPHER.get();
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
