package io.cairn.service;

import io.cairn.engine.CairnException;
import io.cairn.engine.CorruptObjectException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.MissingObjectException;
import io.cairn.engine.Remedy;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;
import java.util.function.Function;

/** Turns any failure of a use case into what a surface shows: a code, one line, and what to do. */
public final class Failures {
  private Failures() {}

  /**
   * A failure as a user sees it.
   *
   * @param code the error code; its exit code is documented (docs/operations.md)
   * @param message one line naming the thing that failed
   * @param remedy what to do about it, or null
   */
  public record Failure(ErrorCode code, String message, String remedy) {
    /** The exit code a command ends with. */
    public int exitCode() {
      return code.exitCode();
    }

    /** {@code code} in lower case with dashes, as JSON shows it (stable). */
    public String codeName() {
      return code.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The message and the remedy in one line. */
    public String line() {
      return remedy == null ? message : message + "; " + remedy;
    }
  }

  /**
   * A failure as a user sees it, its {@link Remedy} rendered by the surface's {@code words} (a CLI
   * names the command to run; a server, its own action).
   */
  public static Failure of(Throwable ex, Function<Remedy, String> words) {
    if (ex instanceof CairnException ce) {
      return new Failure(ce.code(), ce.getMessage(), ce.remedy() == null ? null : words.apply(ce.remedy()));
    }
    if (ex instanceof CorruptObjectException || ex instanceof MissingObjectException) {
      return new Failure(ErrorCode.DATA_DAMAGED, "repository data is damaged: " + ex.getMessage(), words.apply(Remedy.CHECK_READ_DATA));
    }
    if (ex instanceof InterruptedIOException || ex instanceof InterruptedException) {
      return new Failure(ErrorCode.INTERRUPTED, "interrupted", null);
    }
    if (ex instanceof IOException io) {
      String d = describe(io);
      if (d.startsWith("disk full: ")) {
        return new Failure(ErrorCode.IO, d, "nothing half-written was published; free space and run the command again");
      }
      return new Failure(ErrorCode.IO, d, null);
    }
    if (ex instanceof OutOfMemoryError) {
      return new Failure(ErrorCode.INTERNAL, "out of memory", "raise the heap with CAIRN_HEAP=4g (default 2g) and report this");
    }
    return new Failure(ErrorCode.INTERNAL, "internal error: " + ex, "run with --debug for details, and please report it");
  }

  /** One line for any failure, without its remedy. */
  public static String describe(Throwable e) {
    return e instanceof IOException io ? describe(io) : String.valueOf(e.getMessage());
  }

  /** One line for an I/O failure: what failed and on which file. */
  public static String describe(IOException io) {
    String m = String.valueOf(io.getMessage());
    Throwable root = io;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String all = m + " " + root.getMessage();
    if (all.contains("No space left on device")) return "disk full: " + m;
    if (io instanceof AccessDeniedException ad) return "permission denied: " + ad.getFile();
    if (io instanceof NoSuchFileException nf) return "no such file or folder: " + nf.getFile();
    if (io instanceof FileSystemException fs && fs.getFile() != null) return fs.getFile() + ": " + fs.getReason();
    return m;
  }
}
