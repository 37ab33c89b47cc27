package io.cairn.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.cairn.engine.ErrorCode;
import io.cairn.engine.fs.RawNames;
import io.cairn.service.Failures;
import io.cairn.service.JsonOutput;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
    cl.registerConverter(Path.class, RawNames::of);
    cl.setExecutionExceptionHandler((ex, line, parse) -> handle(ex, line.getErr(), debug(args), json(args)));
    cl.setParameterExceptionHandler((ex, a) -> {
      PrintWriter e = ex.getCommandLine().getErr();
      String help = "see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'";
      String message = ex.getMessage();
      if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
        message += "; did you mean " + String.join(" or ", u.getSuggestions()) + "?";
      }
      if (json(args)) {
        e.println(JsonOutput.error(new Failures.Failure(ErrorCode.USAGE, message, help)));
      } else {
        e.println("cairn: " + message);
        e.println("cairn: " + help);
      }
      e.flush();
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
      try {
        return new CommandLine.RunLast().execute(parse);
      } finally {
        for (CommandLine c : parse.asCommandLineList()) {
          if (c.getCommand() instanceof BaseCommand b) b.closeWorkspace();
        }
      }
    });
    return cl.execute(args);
  }

  /** The subcommands that {@code args} name, or all of them for help or when none is named. */
  static void addSubcommands(CommandLine cl, String[] args) {
    Set<String> words = new HashSet<>(Arrays.asList(args));
    List<Class<?>> named = new ArrayList<>();
    for (Class<?> c : Cairn.COMMANDS) {
      String name = c.getAnnotation(CommandLine.Command.class).name();
      if (words.contains(name)) named.add(c);
    }
    boolean all = named.isEmpty() || words.contains("help");
    for (Class<?> c : all ? List.of(Cairn.COMMANDS) : named) cl.addSubcommand(c);
  }

  private static boolean json(String[] args) {
    for (String a : args) if (a.equals("--json")) return true;
    return false;
  }

  private static boolean debug(String[] args) {
    for (String a : args) if (a.equals("--debug")) return true;
    return System.getenv("CAIRN_DEBUG") != null;
  }

  static int handle(Throwable ex, PrintWriter err, boolean debug, boolean json) {
    if (debug) ex.printStackTrace(err);
    Failures.Failure f = Failures.of(ex, Remedies::text);
    if (json) {
      err.println(JsonOutput.error(f));
    } else {
      err.println("cairn: " + f.line());
    }
    err.flush();
    return f.exitCode();
  }

  static String describe(IOException io) {
    return Failures.describe(io);
  }
}
