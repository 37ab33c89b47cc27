package io.cairn.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cairn.engine.Json;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.store.LocalObjectStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Shared plumbing of the subcommands: options, output, opening the repository. */
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

  void printJson(Object o) {
    try {
      out().println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o));
      out().flush();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Opens the repository, warming up the crypto a bulk command is about to use while the password is stretched. */
  Repository openRepo(boolean encrypts, boolean decrypts) throws IOException {
    io.cairn.engine.crypto.Sealer.warmUp(encrypts, decrypts);
    return openRepo();
  }

  Repository openRepo() throws IOException {
    Path p = global.repo();
    if (!Files.isDirectory(p)) {
      throw new io.cairn.engine.CairnException(io.cairn.engine.ErrorCode.REPOSITORY_NOT_FOUND,
          "no repository at " + p.toAbsolutePath() + " (no such folder); check --repo / CAIRN_REPO, or create one with 'cairn init'");
    }
    return Repository.open(new LocalObjectStore(p), global.password(false), Clock.systemUTC());
  }

  /**
   * Brings the catalog up to date with a repository this command changed. Never fails the
   * command: the catalog is derived, and a failure here is a warning with the way to fix it.
   */
  void updateCatalog(Repository repo) {
    String target = global.catalog();
    if (target == null) return;
    try (io.cairn.catalog.Catalog c = io.cairn.catalog.Catalog.open(target, Clock.systemUTC())) {
      c.sync(repo, global.repo().toAbsolutePath().toString());
    } catch (IOException | RuntimeException | LinkageError e) {
      String why = e instanceof IOException io ? Main.describe(io) : e.getMessage();
      err().println("cairn: warning: catalog not updated (" + why + "); 'cairn catalog sync' catches up");
    }
  }

  /** Opens the catalog for a question; fails (it is what the command is about). */
  io.cairn.catalog.Catalog openCatalog() {
    String target = global.catalog();
    if (target == null) {
      throw new io.cairn.engine.CairnException(io.cairn.engine.ErrorCode.USAGE, "the catalog is off (--catalog off or CAIRN_CATALOG=off); name one with --catalog");
    }
    return io.cairn.catalog.Catalog.open(target, Clock.systemUTC());
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
