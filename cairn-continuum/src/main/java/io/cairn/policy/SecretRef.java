package io.cairn.policy;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a secret is, never the secret: {@code env:NAME} or {@code file:PATH} (its first line). The
 * policy holds only references, so the file can be read, printed and committed; a secret is
 * resolved at the moment it is used and never put into output, records or the catalog.
 */
public record SecretRef(Kind kind, String name) {
  public enum Kind {
    ENV,
    FILE
  }

  /** Parses a reference; null when the text is not one. */
  static SecretRef parse(String text) {
    if (text == null) return null;
    if (text.startsWith("env:") && text.length() > 4) return new SecretRef(Kind.ENV, text.substring(4));
    if (text.startsWith("file:") && text.length() > 5) return new SecretRef(Kind.FILE, text.substring(5));
    return null;
  }

  /** The secret; a clear error naming the reference (never its value) when it cannot be read. */
  public String resolve(Map<String, String> env) {
    if (kind == Kind.ENV) {
      String v = env.get(name);
      if (v == null || v.isEmpty()) {
        throw new CairnException(ErrorCode.CONFIG, "the secret env:" + name + " is not set: export " + name + " in the job's environment");
      }
      return v;
    }
    try {
      String s = Files.readString(Path.of(name), StandardCharsets.UTF_8);
      int nl = s.indexOf('\n');
      s = nl >= 0 ? s.substring(0, nl) : s;
      if (s.endsWith("\r")) s = s.substring(0, s.length() - 1);
      if (s.isEmpty()) throw new CairnException(ErrorCode.CONFIG, "the secret file " + name + " is empty");
      return s;
    } catch (IOException e) {
      throw new CairnException(ErrorCode.CONFIG, "cannot read the secret file " + name + " (" + e.getClass().getSimpleName() + "): check that it exists and is readable", e);
    }
  }

  @Override
  public String toString() {
    return (kind == Kind.ENV ? "env:" : "file:") + name;
  }
}
