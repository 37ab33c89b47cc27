package io.cairn.engine.crypto;

import io.cairn.engine.CorruptObjectException;
import io.cairn.engine.UnsupportedFormatVersionException;
import io.cairn.engine.Pool;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.Mac;

/**
 * Encrypts whole repository objects (config, index, snapshot) and blobs inside packs.
 *
 * <p>Sealed object, format version 1 (docs/repository-format.md, "Sealed objects"):
 * <pre>
 *   magic "CAIRN" (5) | kind (1) | version (1) = 1 | salt (16) | AES-256-GCM(ciphertext) | tag (16)
 * </pre>
 * The key is HMAC-SHA-256(encKey, 'O' || salt), unique per object, so the nonce is all zero. The
 * 23-byte header is the associated data: changing kind or version fails authentication.
 *
 * <p>Blobs in a pack use the pack key HMAC-SHA-256(encKey, 'P' || packSalt) and the nonce
 * 0x00000000 || offset-in-pack (8 bytes, big-endian), unique within the pack. Their associated data
 * is type (1) || compression (1) || blob id (32), binding each ciphertext to its id.
 */
public final class Sealer {
  public static final byte[] MAGIC = {'C', 'A', 'I', 'R', 'N'};
  public static final int VERSION = 1;
  public static final int HEADER = 5 + 1 + 1 + 16;
  public static final int OVERHEAD = HEADER + Aead.TAG;
  public static final int BLOB_OVERHEAD = Aead.TAG;
  public static final int PACK_SALT = 32;

  private final MasterKey key;
  private final SecureRandom random;
  /** Ciphers for one-off keys (a sealed object's subkey): this repository's, borrowed per use. */
  private final Pool<Cipher> ciphers = new Pool<>(Aead::newCipher, Pool.defaultKeep());
  /**
   * Ciphers for pack keys, pooled per key. A pack key serves every blob of its pack, and the JDK
   * expands an AES key again whenever a cipher is initialized with a key other than its last one;
   * with one cipher per thread a worker alternating between packs (sealing data and tree blobs,
   * reading trees from several packs) expanded a key on almost every blob, and the JIT spent its time
   * compiling the key expansion (measured in an incremental backup: 0.5 s of C2 time on
   * {@code AESCrypt.makeSessionKey} alone). A cipher taken from its key's pool was last initialized
   * with that key, whichever thread used it before. The {@value #PACK_KEYS} most recent keys are kept.
   */
  private final Map<KeyBytes, Pool<Cipher>> packCiphers = new LinkedHashMap<>(32, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<KeyBytes, Pool<Cipher>> e) {
      if (size() <= PACK_KEYS) return false;
      e.getValue().close();
      return true;
    }
  };
  private static final int PACK_KEYS = 32;

  /** A key as a map key: its bytes, copied (a caller may reuse its array for another key). */
  private record KeyBytes(byte[] key) {
    @Override
    public boolean equals(Object o) {
      return o instanceof KeyBytes k && Arrays.equals(key, k.key);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(key);
    }
  }

  private Pool<Cipher> packCiphers(byte[] packKey) {
    KeyBytes k = new KeyBytes(packKey);
    synchronized (packCiphers) {
      Pool<Cipher> p = packCiphers.get(k);
      if (p == null) {
        p = new Pool<>(Aead::newCipher, Pool.defaultKeep());
        packCiphers.put(new KeyBytes(packKey.clone()), p);
      }
      return p;
    }
  }

  public Sealer(MasterKey key, SecureRandom random) {
    this.key = key;
    this.random = random;
  }

  private static volatile boolean warmed;

  /**
   * Starts a background thread that runs AES-GCM and HMAC-SHA-256 on small inputs many times. The
   * JDK uses its AES-NI/CLMUL/SHA intrinsics only once C2 has compiled the crypto code, and C2 waits
   * for tens of thousands of calls; a restore of large blobs would otherwise run its first hundreds
   * of megabytes through interpreted AES-CTR and GHASH (measured: 10.5-10.9 s instead of 7.3-8.1 s
   * for the bench data set). Runs while the password is being stretched. Backups do without it: it
   * cost an unchanged re-backup 0.7 s of CPU and gained an initial one nothing (docs/benchmarks.md).
   */
  public static void warmUp() {
    warmUp(true, true);
  }

  /** Warms up encryption when {@code encrypt} (prune, repair), decryption when {@code decrypt} (restore, check, prune, repair). */
  public static void warmUp(boolean encrypt, boolean decrypt) {
    if (warmed || "off".equals(System.getProperty("cairn.warmup"))) return; // off: for measuring
    warmed = true;
    Thread.ofPlatform().daemon().name("cairn-warmup").priority(Thread.MIN_PRIORITY).start(() -> {
      byte[] key = new byte[32];
      byte[] data = new byte[1024];
      byte[] out = new byte[data.length + Aead.TAG];
      byte[] nonce = new byte[Aead.NONCE];
      Mac mac = MasterKey.hmac(key);
      Cipher c = Aead.newCipher();
      // a command that only decrypts (restore, check) opens one sealed block again and again, so the
      // encrypting code is neither run 40,000 times nor compiled for it
      if (!encrypt) Aead.seal(c, key, nonce, null, data, 0, data.length, out, 0);
      for (int i = 0; i < 40_000; i++) {
        if (encrypt) {
          nonce[0] = (byte) i;
          nonce[1] = (byte) (i >>> 8);
          nonce[2] = (byte) (i >>> 16);
          Aead.seal(c, key, nonce, null, data, 0, data.length, out, 0);
        }
        if (decrypt && Aead.openInto(c, key, nonce, null, out, 0, out.length, data, 0) < 0) throw new IllegalStateException();
        mac.update(data);
        mac.doFinal();
      }
    });
  }

  public MasterKey masterKey() {
    return key;
  }

  public byte[] seal(char kind, byte[] plain) {
    byte[] out = new byte[HEADER + plain.length + Aead.TAG];
    System.arraycopy(MAGIC, 0, out, 0, 5);
    out[5] = (byte) kind;
    out[6] = VERSION;
    byte[] salt = new byte[16];
    random.nextBytes(salt);
    System.arraycopy(salt, 0, out, 7, 16);
    Cipher c = ciphers.take();
    try {
      Aead.seal(c, key.subkey((byte) 'O', salt), new byte[Aead.NONCE], Arrays.copyOf(out, HEADER), plain, 0, plain.length, out, HEADER);
    } finally {
      ciphers.give(c);
    }
    return out;
  }

  /**
   * Like {@link #open} for the sealed object in {@code sealed[0, len)}, decrypting into {@code dst}
   * (at least {@code len} bytes); returns the plaintext length. Lets a reader of many large objects
   * (index objects) reuse two buffers instead of allocating two per object.
   */
  public int openInto(String name, char kind, byte[] sealed, int len, byte[] dst) throws CorruptObjectException {
    checkHeader(name, kind, sealed, len);
    byte[] salt = Arrays.copyOfRange(sealed, 7, 23);
    int n;
    Cipher c = ciphers.take();
    try {
      n = Aead.openInto(c, key.subkey((byte) 'O', salt), new byte[Aead.NONCE], Arrays.copyOf(sealed, HEADER), sealed, HEADER,
          len - HEADER, dst, 0);
    } finally {
      ciphers.give(c);
    }
    if (n < 0) throw new CorruptObjectException(name, "fails authentication (corrupt, or not written with this repository's key)");
    return n;
  }

  private static void checkHeader(String name, char kind, byte[] sealed) throws CorruptObjectException {
    checkHeader(name, kind, sealed, sealed.length);
  }

  private static void checkHeader(String name, char kind, byte[] sealed, int length) throws CorruptObjectException {
    if (length < OVERHEAD || !Arrays.equals(sealed, 0, 5, MAGIC, 0, 5)) {
      throw new CorruptObjectException(name, "not a Cairn object (bad magic)");
    }
    if (sealed[5] != (byte) kind) {
      throw new CorruptObjectException(name, "is a '" + (char) sealed[5] + "' object, expected '" + kind + "'");
    }
    if (sealed[6] != VERSION) {
      throw new UnsupportedFormatVersionException(name, "object format", sealed[6] & 0xff, VERSION);
    }
  }

  /** Checks magic, kind and version, then decrypts. */
  public byte[] open(String name, char kind, byte[] sealed) throws CorruptObjectException {
    checkHeader(name, kind, sealed);
    byte[] salt = Arrays.copyOfRange(sealed, 7, 23);
    byte[] plain;
    Cipher c = ciphers.take();
    try {
      plain = Aead.open(c, key.subkey((byte) 'O', salt), new byte[Aead.NONCE], Arrays.copyOf(sealed, HEADER), sealed, HEADER,
          sealed.length - HEADER);
    } finally {
      ciphers.give(c);
    }
    if (plain == null) {
      throw new CorruptObjectException(name, "fails authentication (corrupt, or not written with this repository's key)");
    }
    return plain;
  }

  public byte[] newPackSalt() {
    byte[] salt = new byte[PACK_SALT];
    random.nextBytes(salt);
    return salt;
  }

  public byte[] packKey(byte[] packSalt) {
    return key.subkey((byte) 'P', packSalt);
  }

  /** Encrypts a blob payload to dst at dstOff (the blob's offset in its pack is {@code packOffset}). */
  public int sealBlob(byte[] packKey, long packOffset, byte[] aad, byte[] src, int off, int len, byte[] dst, int dstOff) {
    Pool<Cipher> pool = packCiphers(packKey);
    Cipher c = pool.take();
    try {
      return Aead.seal(c, packKey, nonce(packOffset), aad, src, off, len, dst, dstOff);
    } finally {
      pool.give(c);
    }
  }

  /** Decrypts a blob payload, or returns null when authentication fails. */
  public byte[] openBlob(byte[] packKey, long packOffset, byte[] aad, byte[] src, int off, int len) {
    Pool<Cipher> pool = packCiphers(packKey);
    Cipher c = pool.take();
    try {
      return Aead.open(c, packKey, nonce(packOffset), aad, src, off, len);
    } finally {
      pool.give(c);
    }
  }

  /** Decrypts a blob payload into dst; returns its length, or -1 when authentication fails. */
  public int openBlobInto(byte[] packKey, long packOffset, byte[] aad, byte[] src, int off, int len, byte[] dst, int dstOff) {
    Pool<Cipher> pool = packCiphers(packKey);
    Cipher c = pool.take();
    try {
      return Aead.openInto(c, packKey, nonce(packOffset), aad, src, off, len, dst, dstOff);
    } finally {
      pool.give(c);
    }
  }

  private static byte[] nonce(long packOffset) {
    byte[] n = new byte[Aead.NONCE];
    for (int i = 0; i < 8; i++) n[4 + i] = (byte) (packOffset >>> (56 - 8 * i));
    return n;
  }
}
