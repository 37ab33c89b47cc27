package io.cairn.cli;

import io.cairn.service.JsonOutput;
import io.cairn.service.StoreFactory;
import io.cairn.service.Workspace;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Shared plumbing of the subcommands: options, output, the workspace the services run in. */
abstract class BaseCommand implements Callable<Integer> {
  @Mixin GlobalOptions global;
  @Spec CommandSpec spec;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Prints a line for people (not with --json or --quiet). */
  void say(String fmt, Object... args) {
    if (!global.json && !global.quiet) out().println(args.length == 0 ? fmt : String.format(fmt, args));
  }

  /** Prints an outcome record as JSON (docs/json.md). */
  void printJson(Object o) {
    out().println(JsonOutput.write(o));
    out().flush();
  }

  /**
   * The workspace of this command line: its catalog, the system clock, the password it was given. A
   * command is a short-lived process, so it collects garbage after a bulk allocation (peak RSS).
   */
  Workspace workspace() {
    if (workspace == null) {
      workspace = new Workspace(new Workspace.Settings(global.catalog(), 0, Workspace.Settings.cacheDir(System.getenv(),
          java.nio.file.Path.of(System.getProperty("user.home")))), Clock.systemUTC(), global::passwordFor,
          new StoreFactory().withSettings(global::storeSettingsFor), System::gc);
    }
    return workspace;
  }

  private Workspace workspace;

  /** Closes this command's workspace (its catalog's connections); {@link Main} calls it when the command ends. */
  void closeWorkspace() {
    if (workspace != null) workspace.close();
    workspace = null;
  }

  /** A listener with a progress line rendered by {@code format}. */
  CliListener listener(CliListener.Format format) {
    return new CliListener(global, err(), format);
  }

  /** A listener for warnings (and phases with --debug). */
  CliListener listener() {
    return new CliListener(global, err());
  }

  static String bytes(long n) {
    if (n < 1024) return n + " B";
    String[] u = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = n;
    int i = -1;
    while (v >= 1024 && i < u.length - 1) {
      v /= 1024;
      i++;
    }
    return String.format("%.1f %s", v, u[i]);
  }

  static String seconds(long millis) {
    return String.format("%.1f s", millis / 1000.0);
  }
}
