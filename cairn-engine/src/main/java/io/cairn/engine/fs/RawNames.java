package io.cairn.engine.fs;

import io.cairn.engine.tree.Node;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * File names as the bytes the kernel holds. Java decodes names with the platform charset (UTF-8 here),
 * which is lossy for names that are not valid UTF-8; the JDK's Unix paths keep the original bytes,
 * which this class reaches when the JVM runs with {@code --add-opens java.base/sun.nio.fs=ALL-UNNAMED}
 * (as {@code ./cairn} and the tests do). Without it, names fall back to their UTF-8 encoding, which is
 * exact for every valid UTF-8 name.
 *
 * <p>Names travel as byte strings: one char per byte (ISO-8859-1), see {@link io.cairn.engine.tree.Node}.
 */
public final class RawNames {
  private static final MethodHandle AS_BYTES;
  private static final MethodHandle NEW_PATH;

  static {
    MethodHandle asBytes = null;
    MethodHandle newPath = null;
    try {
      Class<?> up = Class.forName("sun.nio.fs.UnixPath");
      Class<?> ufs = Class.forName("sun.nio.fs.UnixFileSystem");
      Method m = up.getDeclaredMethod("asByteArray");
      m.setAccessible(true);
      Constructor<?> c = up.getDeclaredConstructor(ufs, byte[].class);
      c.setAccessible(true);
      asBytes = MethodHandles.lookup().unreflect(m).asType(MethodType.methodType(byte[].class, Path.class));
      newPath = MethodHandles.lookup().unreflectConstructor(c)
          .asType(MethodType.methodType(Path.class, FileSystem.class, byte[].class));
    } catch (ReflectiveOperationException | RuntimeException e) {
      // not opened, or not a Unix JDK: UTF-8 fallback
    }
    AS_BYTES = asBytes;
    NEW_PATH = newPath;
  }

  private RawNames() {}

  /** True when names that are not valid UTF-8 are handled byte-exact. */
  public static boolean exact() {
    return AS_BYTES != null && NEW_PATH != null;
  }

  /** The file name (last element) of a path as a byte string. */
  public static String name(Path p) {
    Path f = p.getFileName();
    if (AS_BYTES != null) {
      try {
        return new String((byte[]) AS_BYTES.invokeExact(f), StandardCharsets.ISO_8859_1);
      } catch (Throwable t) {
        // fall through
      }
    }
    return new String(f.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  /**
   * The path of a child named by a byte string. Built from the bytes themselves whenever the JDK's
   * Unix paths are reachable: a name given as a Java string is encoded with the locale's charset
   * ({@code sun.jnu.encoding}), which under the POSIX locale of cron and systemd jobs is ASCII, so
   * {@code dir.resolve("café")} would fail there.
   */
  public static Path child(Path dir, String byteName) {
    return dir.resolve(path(dir.getFileSystem(), byteName));
  }

  /** A path (a symlink's target, or a name) from a byte string, byte for byte whatever the locale. */
  public static Path path(FileSystem fs, String bytePath) {
    byte[] b = bytePath.getBytes(StandardCharsets.ISO_8859_1);
    if (NEW_PATH != null && fs == FileSystems.getDefault()) {
      try {
        return (Path) NEW_PATH.invokeExact(fs, b);
      } catch (Throwable t) {
        throw new IllegalStateException("cannot build a raw path", t);
      }
    }
    String utf8 = strictUtf8(b);
    if (utf8 == null) {
      throw new UnsupportedOperationException("cannot create a name that is not valid UTF-8 without --add-opens java.base/sun.nio.fs=ALL-UNNAMED");
    }
    try {
      return fs.getPath(utf8);
    } catch (InvalidPathException e) {
      throw new UnsupportedOperationException("cannot create the name '" + utf8 + "' in this locale ("
          + System.getProperty("sun.jnu.encoding") + ") without --add-opens java.base/sun.nio.fs=ALL-UNNAMED", e);
    }
  }

  /**
   * A path from text (an argument, a configured location): {@code Path.of} when the locale's charset
   * can encode it, else built from its UTF-8 bytes (under the POSIX locale of cron and systemd jobs,
   * {@code Path.of("/srv/café")} fails), doubled and trailing slashes dropped as {@code Path.of} would.
   */
  public static Path of(String text) {
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      String clean = text.replaceAll("/{2,}", "/");
      if (clean.length() > 1 && clean.endsWith("/")) clean = clean.substring(0, clean.length() - 1);
      return path(FileSystems.getDefault(),
          new String(clean.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
    }
  }

  /** The whole path as a byte string. */
  public static String bytesOf(Path p) {
    if (AS_BYTES != null) {
      try {
        return new String((byte[]) AS_BYTES.invokeExact(p), StandardCharsets.ISO_8859_1);
      } catch (Throwable t) {
        // fall through
      }
    }
    return new String(p.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  /** {@code b} decoded as UTF-8, or null when it is not valid UTF-8. */
  public static String strictUtf8(byte[] b) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
