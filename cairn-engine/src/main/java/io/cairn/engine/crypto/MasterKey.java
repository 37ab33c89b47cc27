package io.cairn.engine.crypto;

import io.cairn.engine.BlobId;
import io.cairn.engine.Pool;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The repository secret: an AES-256 key for encryption, an HMAC-SHA-256 key for content ids, and
 * a seed for the chunker's gear table (so chunk boundaries leak nothing about content). It is only
 * ever stored wrapped by a key slot ({@link KeyFile}).
 */
public final class MasterKey {
  public static final int SIZE = 96;
  private final byte[] encKey;
  private final byte[] idKey;
  private final byte[] chunkerSeed;
  /** Initialized MACs, borrowed per use: this key's, not a thread's, so none outlives the key. */
  private final Pool<Mac> idMacs;
  private final Pool<Mac> kdfMacs;

  private MasterKey(byte[] raw) {
    if (raw.length != SIZE) throw new IllegalArgumentException("master key must be " + SIZE + " bytes");
    encKey = Arrays.copyOfRange(raw, 0, 32);
    idKey = Arrays.copyOfRange(raw, 32, 64);
    chunkerSeed = Arrays.copyOfRange(raw, 64, 96);
    idMacs = new Pool<>(() -> hmac(idKey), Pool.defaultKeep());
    kdfMacs = new Pool<>(() -> hmac(encKey), Pool.defaultKeep());
  }

  public static MasterKey generate(SecureRandom random) {
    byte[] raw = new byte[SIZE];
    random.nextBytes(raw);
    return new MasterKey(raw);
  }

  /**
   * A key for a repository that copies another's blobs without changing their ids: a fresh
   * encryption key, this key's id key and chunker seed (so the same content gets the same id and the
   * same chunk boundaries in both).
   */
  public MasterKey sharingIds(SecureRandom random) {
    byte[] raw = toBytes();
    byte[] enc = new byte[32];
    random.nextBytes(enc);
    System.arraycopy(enc, 0, raw, 0, 32);
    return new MasterKey(raw);
  }

  /** Whether two keys give every content the same id and chunk boundaries (one was made from the other). */
  public boolean sharesIdsWith(MasterKey other) {
    return java.security.MessageDigest.isEqual(idKey, other.idKey) && java.security.MessageDigest.isEqual(chunkerSeed, other.chunkerSeed);
  }

  public static MasterKey fromBytes(byte[] raw) {
    return new MasterKey(raw);
  }

  public byte[] toBytes() {
    byte[] out = new byte[SIZE];
    System.arraycopy(encKey, 0, out, 0, 32);
    System.arraycopy(idKey, 0, out, 32, 32);
    System.arraycopy(chunkerSeed, 0, out, 64, 32);
    return out;
  }

  public byte[] chunkerSeed() {
    return chunkerSeed.clone();
  }

  /** The content id of {@code len} bytes of plaintext. */
  public BlobId id(byte[] data, int off, int len) {
    Mac m = idMacs.take();
    try {
      m.update(data, off, len);
      return BlobId.fromBytes(m.doFinal(), 0);
    } finally {
      idMacs.give(m);
    }
  }

  /** The id of {@code len} zero bytes, without a buffer of that size. */
  public BlobId idOfZeros(int len) {
    Mac m = idMacs.take();
    try {
      byte[] zeros = new byte[Math.min(len, 64 * 1024)];
      for (int left = len; left > 0; left -= zeros.length) m.update(zeros, 0, Math.min(left, zeros.length));
      return BlobId.fromBytes(m.doFinal(), 0);
    } finally {
      idMacs.give(m);
    }
  }

  /**
   * An id MAC, borrowed: for a blob fed in pieces, then checked by {@link #matches(BlobId, Mac)};
   * give it back with {@link #release} whatever happens.
   */
  public Mac borrowIdMac() {
    return idMacs.take();
  }

  /** Gives back a MAC from {@link #borrowIdMac}, reset. */
  public void release(Mac m) {
    m.reset();
    idMacs.give(m);
  }

  /** True when what was fed to {@code m} (from {@link #borrowIdMac()}) hashes to {@code id}; resets {@code m}. */
  public boolean matches(BlobId id, Mac m) {
    return BlobId.fromBytes(m.doFinal(), 0).equals(id);
  }

  /** True when {@code len} bytes of plaintext hash to {@code id}. */
  public boolean matches(BlobId id, byte[] data, int off, int len) {
    return id(data, off, len).equals(id);
  }

  /** A subkey for one object or pack: HMAC-SHA-256(encKey, label || salt). */
  byte[] subkey(byte label, byte[] salt) {
    Mac m = kdfMacs.take();
    try {
      m.update(label);
      m.update(salt);
      return m.doFinal();
    } finally {
      kdfMacs.give(m);
    }
  }

  static Mac hmac(byte[] key) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(key, "HmacSHA256"));
      return m;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK lacks HmacSHA256", e);
    }
  }
}
