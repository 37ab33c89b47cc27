package io.cairn.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine;

/** The cairn command: builds the picocli tree and maps every failure to one line and an exit code. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    OldGenWatch.start();
    // UTF-8 whatever the locale: names are printed as they are stored, not as '?'
    PrintWriter out = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), UTF_8), true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), UTF_8), true);
    System.exit(run(Arguments.utf8(args), out, err));
  }

  /** Runs a command line; used by tests in-process. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Cairn());
    addSubcommands(cl, args);
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.registerConverter(Path.class, Arguments::path);
    cl.setExecutionExceptionHandler((ex, line, parse) -> handle(ex, line.getErr(), debug(args)));
    cl.setParameterExceptionHandler((ex, a) -> {
      ex.getCommandLine().getErr().println("cairn: " + ex.getMessage());
      ex.getCommandLine().getErr().println("cairn: see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'");
      return ErrorCode.USAGE.exitCode();
    });
    cl.setExecutionStrategy(parse -> {
      // shared options given before a nested subcommand ('cairn key -r R list') count for it too
      GlobalOptions inherited = null;
      for (CommandLine c : parse.asCommandLineList()) {
        if (c.getCommand() instanceof BaseCommand b) {
          if (inherited != null) b.global.inheritFrom(inherited);
          inherited = b.global;
        }
      }
      return new CommandLine.RunLast().execute(parse);
    });
    return cl.execute(args);
  }

  /** The subcommands that {@code args} name, or all of them for help or when none is named. */
  static void addSubcommands(CommandLine cl, String[] args) {
    java.util.Set<String> words = new java.util.HashSet<>(java.util.Arrays.asList(args));
    java.util.List<Class<?>> named = new java.util.ArrayList<>();
    for (Class<?> c : Cairn.COMMANDS) {
      String name = c.getAnnotation(CommandLine.Command.class).name();
      if (words.contains(name)) named.add(c);
    }
    boolean all = named.isEmpty() || words.contains("help");
    for (Class<?> c : all ? java.util.List.of(Cairn.COMMANDS) : named) cl.addSubcommand(c);
  }

  private static boolean debug(String[] args) {
    for (String a : args) if (a.equals("--debug")) return true;
    return System.getenv("CAIRN_DEBUG") != null;
  }

  static int handle(Throwable ex, PrintWriter err, boolean debug) {
    if (debug) ex.printStackTrace(err);
    ErrorCode code;
    String msg;
    if (ex instanceof CairnException ce) {
      code = ce.code();
      msg = ce.getMessage();
    } else if (ex instanceof io.cairn.engine.CorruptObjectException || ex instanceof io.cairn.engine.MissingObjectException) {
      code = ErrorCode.DATA_DAMAGED;
      msg = "repository data is damaged: " + ex.getMessage() + "; run 'cairn check --read-data' to see what it affects";
    } else if (ex instanceof InterruptedIOException || ex instanceof InterruptedException) {
      code = ErrorCode.INTERRUPTED;
      msg = "interrupted";
    } else if (ex instanceof IOException io) {
      code = ErrorCode.IO;
      msg = describe(io);
    } else if (ex instanceof OutOfMemoryError) {
      code = ErrorCode.INTERNAL;
      msg = "out of memory; raise the heap with CAIRN_HEAP=4g (default 2g) and report this";
    } else {
      code = ErrorCode.INTERNAL;
      msg = "internal error: " + ex + (debug ? "" : " (run with --debug for details, and please report it)");
    }
    err.println("cairn: " + msg);
    err.flush();
    return code.exitCode();
  }

  static String describe(IOException io) {
    String m = String.valueOf(io.getMessage());
    Throwable root = io;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String all = m + " " + root.getMessage();
    if (all.contains("No space left on device")) {
      return "disk full: " + m + "; nothing half-written was published, free space and run the command again";
    }
    if (io instanceof AccessDeniedException ad) return "permission denied: " + ad.getFile();
    if (io instanceof NoSuchFileException nf) return "no such file or folder: " + nf.getFile();
    if (io instanceof FileSystemException fs && fs.getFile() != null) return fs.getFile() + ": " + fs.getReason();
    return m;
  }
}
