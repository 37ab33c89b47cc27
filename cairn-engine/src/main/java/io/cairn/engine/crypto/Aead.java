package io.cairn.engine.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM through the JDK (AES-NI and CLMUL intrinsics).
 *
 * <p>Two kinds of keys. A key used once or a few times (a sealed object's own subkey, a key slot's
 * key-encryption key) goes through one cipher per thread, which keeps nothing once the next key
 * comes. A pack key is used for every blob of its pack: for those ({@code ...Reused}) each thread
 * keeps a cipher for each of the last {@value #REUSED_KEYS} pack keys it used. The JDK expands an
 * AES key again whenever a cipher is initialized with a key other than its last one, and a thread
 * alternates between packs (a backup worker sealing data and tree blobs, a walk reading trees from
 * several packs while it seals new ones): with one cipher it expanded a key on almost every blob,
 * and the JIT spent its time compiling the key expansion (measured in an incremental backup: 0.5 s
 * of C2 time on {@code AESCrypt.makeSessionKey} alone).
 */
final class Aead {
  static final int TAG = 16;
  static final int NONCE = 12;
  private static final int REUSED_KEYS = 4;

  private static Cipher newCipher() {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK lacks AES/GCM", e);
    }
  }

  /** A thread's pack-key ciphers: {@code keys[i]} is the key {@code ciphers[i]} was last initialized with. */
  private static final class Reused {
    final byte[][] keys = new byte[REUSED_KEYS][];
    final Cipher[] ciphers = new Cipher[REUSED_KEYS];
    int next;

    Cipher forKey(byte[] key) {
      for (int i = 0; i < REUSED_KEYS; i++) {
        byte[] k = keys[i];
        if (k != null && java.util.Arrays.equals(k, key)) return ciphers[i];
      }
      int i = next;
      next = (next + 1) % REUSED_KEYS;
      if (ciphers[i] == null) ciphers[i] = newCipher();
      keys[i] = key.clone(); // the caller may reuse its array for another key
      return ciphers[i];
    }
  }

  private static final ThreadLocal<Cipher> ONCE = ThreadLocal.withInitial(Aead::newCipher);
  private static final ThreadLocal<Reused> REUSED = ThreadLocal.withInitial(Reused::new);

  private Aead() {}

  /** Encrypts src into dst at dstOff; returns bytes written (len + TAG). */
  static int seal(byte[] key, byte[] nonce, byte[] aad, byte[] src, int off, int len, byte[] dst, int dstOff) {
    return seal(ONCE.get(), key, nonce, aad, src, off, len, dst, dstOff);
  }

  /** {@link #seal} under a pack key. */
  static int sealReused(byte[] key, byte[] nonce, byte[] aad, byte[] src, int off, int len, byte[] dst, int dstOff) {
    return seal(REUSED.get().forKey(key), key, nonce, aad, src, off, len, dst, dstOff);
  }

  private static int seal(Cipher c, byte[] key, byte[] nonce, byte[] aad, byte[] src, int off, int len, byte[] dst, int dstOff) {
    try {
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG * 8, nonce));
      if (aad != null) c.updateAAD(aad);
      return c.doFinal(src, off, len, dst, dstOff);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  /** Decrypts into dst at dstOff; returns the plaintext length, or -1 when authentication fails. */
  static int openInto(byte[] key, byte[] nonce, byte[] aad, byte[] src, int off, int len, byte[] dst, int dstOff) {
    return openInto(ONCE.get(), key, nonce, aad, src, off, len, dst, dstOff);
  }

  /** {@link #openInto} under a pack key. */
  static int openIntoReused(byte[] key, byte[] nonce, byte[] aad, byte[] src, int off, int len, byte[] dst, int dstOff) {
    return openInto(REUSED.get().forKey(key), key, nonce, aad, src, off, len, dst, dstOff);
  }

  private static int openInto(Cipher c, byte[] key, byte[] nonce, byte[] aad, byte[] src, int off, int len, byte[] dst,
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
  static byte[] open(byte[] key, byte[] nonce, byte[] aad, byte[] src, int off, int len) {
    return open(ONCE.get(), key, nonce, aad, src, off, len);
  }

  /** {@link #open} under a pack key. */
  static byte[] openReused(byte[] key, byte[] nonce, byte[] aad, byte[] src, int off, int len) {
    return open(REUSED.get().forKey(key), key, nonce, aad, src, off, len);
  }

  private static byte[] open(Cipher c, byte[] key, byte[] nonce, byte[] aad, byte[] src, int off, int len) {
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
