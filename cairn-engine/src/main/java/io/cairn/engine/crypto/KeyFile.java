package io.cairn.engine.crypto;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.engine.CairnException;
import io.cairn.engine.Json;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.UnsupportedFormatVersionException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;

/**
 * A key slot: the master key wrapped (AES-256-GCM) under a key derived from a password with
 * Argon2id. Stored as plaintext JSON at {@code keys/<id>}; only the wrapped key is secret.
 * A repository has one or more slots; any one opens it.
 */
public record KeyFile(
    @JsonProperty("version") int version,
    @JsonProperty("kdf") String kdf,
    @JsonProperty("memoryKiB") int memoryKiB,
    @JsonProperty("iterations") int iterations,
    @JsonProperty("parallelism") int parallelism,
    @JsonProperty("salt") byte[] salt,
    @JsonProperty("nonce") byte[] nonce,
    @JsonProperty("wrapped") byte[] wrapped,
    @JsonProperty("created") Instant created,
    @JsonProperty("host") String host,
    @JsonProperty("username") String username) {

  public static final int VERSION = 1;
  private static final byte[] AAD = "cairn key slot v1".getBytes(StandardCharsets.US_ASCII);
  private static final ObjectMapper JSON = Json.MAPPER;

  /** Argon2id cost: the defaults cost 32 MiB and about a quarter of a second of one core, above the OWASP minimum (19 MiB, 2 passes). */
  public record KdfParams(int memoryKiB, int iterations, int parallelism) {
    public static final KdfParams DEFAULT = new KdfParams(32 * 1024, 3, 1);
    /** For tests only: cheap, never for real repositories. */
    public static final KdfParams TESTING = new KdfParams(64, 1, 1);

    public KdfParams {
      if (memoryKiB < 8 * Math.max(1, parallelism) || memoryKiB > Argon2id.MAX_KIB || iterations < 1 || parallelism < 1) {
        throw new IllegalArgumentException("bad Argon2id parameters: memory must be 8 KiB per lane to " + Argon2id.MAX_KIB
            + " KiB, passes and lanes at least 1 (got " + memoryKiB + " KiB, " + iterations + " passes, " + parallelism + " lanes)");
      }
    }
  }

  public static KeyFile create(MasterKey master, char[] password, KdfParams p, SecureRandom random, Instant now,
      String host, String username) {
    byte[] salt = new byte[16];
    random.nextBytes(salt);
    byte[] nonce = new byte[Aead.NONCE];
    random.nextBytes(nonce);
    byte[] kek = derive(password, salt, p.memoryKiB, p.iterations, p.parallelism);
    byte[] raw = master.toBytes();
    byte[] wrapped = new byte[raw.length + Aead.TAG];
    Aead.seal(Aead.newCipher(), kek, nonce, AAD, raw, 0, raw.length, wrapped, 0);
    Arrays.fill(raw, (byte) 0);
    return new KeyFile(VERSION, "argon2id", p.memoryKiB, p.iterations, p.parallelism, salt, nonce, wrapped, now, host,
        username);
  }

  /** The master key, or empty-handed {@link CairnException} WRONG_PASSWORD when this slot does not open. */
  public MasterKey open(char[] password) {
    try {
      new KdfParams(memoryKiB, iterations, parallelism);
    } catch (IllegalArgumentException e) {
      throw new CairnException(ErrorCode.DATA_DAMAGED, "a key file of this repository is not valid: " + e.getMessage(), e);
    }
    byte[] kek = derive(password, salt, memoryKiB, iterations, parallelism);
    byte[] raw = Aead.open(Aead.newCipher(), kek, nonce, AAD, wrapped, 0, wrapped.length);
    if (raw == null) return null;
    return MasterKey.fromBytes(raw);
  }

  public byte[] toJson() {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static KeyFile parse(String name, byte[] json) {
    KeyFile k;
    try {
      k = JSON.readValue(json, KeyFile.class);
    } catch (IOException e) {
      throw new CairnException(ErrorCode.DATA_DAMAGED, "key file " + name + " is not valid: " + e.getMessage(), e);
    }
    if (k.version != VERSION) throw new UnsupportedFormatVersionException(name, "key file", k.version, VERSION);
    if (!"argon2id".equals(k.kdf)) throw new UnsupportedFormatVersionException(name, "unknown key derivation " + k.kdf);
    return k;
  }

  static byte[] derive(char[] password, byte[] salt, int memoryKiB, int iterations, int parallelism) {
    byte[] pw = new String(password).getBytes(StandardCharsets.UTF_8);
    try {
      return Argon2id.derive(pw, salt, memoryKiB, iterations, parallelism, 32);
    } finally {
      Arrays.fill(pw, (byte) 0);
    }
  }
}
