package io.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.engine.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the real CLI in-process (or as a child process) against a repository in a temp folder. */
final class Cli {
  final Path repo;
  final Path passwordFile;

  record Run(int code, String out, String err) {
    JsonNode json() throws IOException {
      return Json.MAPPER.readTree(out);
    }

    List<String> errLines() {
      return err.isBlank() ? List.of() : List.of(err.strip().split("\n"));
    }
  }

  Cli(Path dir) throws IOException {
    this.repo = dir.resolve("repo");
    this.passwordFile = dir.resolve("password");
    Files.writeString(passwordFile, "s3cret\n");
  }

  Run run(String... args) {
    List<String> all = new ArrayList<>(List.of("--repo", repo.toString(), "--password-file", passwordFile.toString()));
    return raw(args, all);
  }

  /** Without the default --repo/--password-file. */
  static Run bare(String... args) {
    return raw(args, new ArrayList<>());
  }

  private static Run raw(String[] args, List<String> globals) {
    List<String> all = new ArrayList<>();
    // subcommand first, then the shared options
    if (args.length > 0) all.add(args[0]);
    all.addAll(globals);
    for (int i = 1; i < args.length; i++) all.add(args[i]);
    StringWriter out = new StringWriter(), err = new StringWriter();
    int code = Main.run(all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  /** init with cheap key derivation and small chunks and packs, so tests stay fast. */
  Run init() {
    return run("init", "--kdf-memory", "64", "--kdf-iterations", "1", "--chunk-min", "4096", "--chunk-avg", "16384",
        "--chunk-max", "65536", "--pack-size", "131072");
  }

  /** The command line to run the CLI as a child process of this JVM. */
  static List<String> javaCommand(String... args) {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "--add-opens", "java.base/sun.nio.fs=ALL-UNNAMED",
        "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp",
        System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(List.of(args));
    return cmd;
  }
}
