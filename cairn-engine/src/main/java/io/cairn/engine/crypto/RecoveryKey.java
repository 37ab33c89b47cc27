package io.cairn.engine.crypto;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A repository's master key written out to be kept apart (printed, in a safe): whoever holds it can
 * open the repository without any password, so it is as secret as all the data. Text form:
 * {@code cairn-rk1-<repository id>-<192 hex digits of the master key>-<8 hex digits of check>},
 * the check being the first 4 bytes of SHA-256 over the text before it, so a mistyped key is told
 * from a wrong one. It is accepted wherever a password is (a password file, an environment
 * variable, a prompt, a policy reference), and opens only the repository whose id it names.
 */
public final class RecoveryKey {
  public static final String PREFIX = "cairn-rk1-";

  private RecoveryKey() {}

  /** The text form of {@code key} for repository {@code repositoryId}. */
  public static String format(String repositoryId, MasterKey key) {
    byte[] raw = key.toBytes();
    try {
      String body = PREFIX + repositoryId + "-" + HexFormat.of().formatHex(raw);
      return body + "-" + check(body);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  /** Whether a password is in fact a recovery key (by its prefix). */
  public static boolean looksLike(char[] password) {
    if (password.length < PREFIX.length()) return false;
    for (int i = 0; i < PREFIX.length(); i++) if (password[i] != PREFIX.charAt(i)) return false;
    return true;
  }

  /** A recovery key read back: the repository it names and its master key. */
  public record Parsed(String repositoryId, MasterKey key) {}

  /** Parses a recovery key; USAGE naming what is wrong with it (not the key itself). */
  public static Parsed parse(char[] text) {
    String s = new String(text).strip();
    String[] parts = s.substring(PREFIX.length()).split("-");
    if (parts.length != 3 || parts[1].length() != MasterKey.SIZE * 2 || parts[2].length() != 8) {
      throw new CairnException(ErrorCode.USAGE, "the recovery key is malformed: expected " + PREFIX
          + "<repository id>-<192 hex digits>-<8 hex digits>; copy it again from where it is kept");
    }
    String body = s.substring(0, s.lastIndexOf('-'));
    if (!check(body).equalsIgnoreCase(parts[2])) {
      throw new CairnException(ErrorCode.USAGE, "the recovery key has a typo (its check digits do not match); copy it again");
    }
    byte[] raw;
    try {
      raw = HexFormat.of().parseHex(parts[1]);
    } catch (IllegalArgumentException e) {
      throw new CairnException(ErrorCode.USAGE, "the recovery key is malformed: its key part is not hexadecimal");
    }
    try {
      return new Parsed(parts[0], MasterKey.fromBytes(raw));
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  private static String check(String body) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(h, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
