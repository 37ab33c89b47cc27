package io.cairn.cli;

import io.cairn.engine.fs.RawNames;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command-line arguments and paths whatever the locale. The JVM decodes its arguments and builds
 * paths with the locale's charset; under the POSIX locale that cron and systemd jobs get (no
 * {@code LANG}) that is ASCII, so {@code cairn backup /srv/café} would arrive as {@code /srv/caf?}
 * and could not be opened. Arguments are then read again from {@code /proc/self/cmdline} as UTF-8,
 * and every path is built from its bytes.
 */
final class Arguments {
  private Arguments() {}

  /**
   * {@code args} as their UTF-8 bytes say, when the JVM decoded them as ASCII (the POSIX locale) and
   * they are valid UTF-8; else {@code args} as the JVM decoded them (in an 8-bit locale such as
   * ISO-8859-1 the JVM's decoding is the right one).
   */
  static String[] utf8(String[] args) {
    Charset jnu = jnuCharset();
    if (jnu == null || !jnu.equals(StandardCharsets.US_ASCII) || args.length == 0) return args;
    byte[] cmdline;
    try {
      cmdline = Files.readAllBytes(Path.of("/proc/self/cmdline"));
    } catch (IOException | RuntimeException e) {
      return args;
    }
    List<byte[]> all = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < cmdline.length; i++) {
      if (cmdline[i] == 0) {
        byte[] a = new byte[i - start];
        System.arraycopy(cmdline, start, a, 0, a.length);
        all.add(a);
        start = i + 1;
      }
    }
    if (all.size() < args.length) return args;
    String[] out = new String[args.length];
    for (int i = 0; i < args.length; i++) {
      byte[] raw = all.get(all.size() - args.length + i);
      // the tail of the command line must be these arguments: the same bytes as the JVM decoded them
      if (!new String(raw, jnu).equals(args[i])) return args;
      String utf8 = RawNames.strictUtf8(raw);
      if (utf8 == null) return args; // not UTF-8 either: leave them as the JVM has them
      out[i] = utf8;
    }
    return out;
  }

  private static Charset jnuCharset() {
    try {
      String name = System.getProperty("sun.jnu.encoding");
      return name == null ? null : Charset.forName(name);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
