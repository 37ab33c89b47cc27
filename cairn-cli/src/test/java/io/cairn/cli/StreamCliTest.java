package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streams in and out: {@code backup --stdin} stores standard input, {@code dump} writes a file to standard output. */
class StreamCliTest {
  @TempDir Path tmp;

  record Run(int code, byte[] out, String err) {}

  /** The real CLI as a child process, with {@code in} as its standard input. */
  private static Run child(Cli cli, Path in, String... args) throws IOException, InterruptedException {
    // the subcommand, then the shared options, then the rest (which may end in "-- command args")
    List<String> a = new ArrayList<>(List.of(args[0], "--repo", cli.repo.toString(), "--password-file", cli.passwordFile.toString(),
        "--catalog", "off"));
    a.addAll(List.of(args).subList(1, args.length));
    ProcessBuilder pb = new ProcessBuilder(Cli.javaCommand(a.toArray(String[]::new)));
    if (in != null) pb.redirectInput(in.toFile());
    Path err = Files.createTempFile(cli.repo.getParent(), "err", ".txt");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    if (in == null) p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("cairn " + String.join(" ", args) + " did not finish");
    }
    return new Run(p.exitValue(), out, Files.readString(err));
  }

  @Test
  void backupStdin_thenDump_givesTheSameBytes_andRestoreHasTheFile() throws Exception {
    Cli cli = new Cli(tmp);
    cli.init();
    byte[] data = new byte[3_000_000];
    new Random(3).nextBytes(data);
    for (int i = 1_000_000; i < 1_500_000; i++) data[i] = 0; // a run of zeros, chunked as such
    Path in = tmp.resolve("dump.sql");
    Files.write(in, data);

    Run b = child(cli, in, "backup", "--stdin", "--stdin-filename", "db.sql", "--json");
    assertThat(b.code()).as(b.err()).isZero();
    assertThat(new String(b.out())).contains("\"complete\" : true");

    Run d = child(cli, null, "dump", "latest", "/db.sql");
    assertThat(d.code()).as(d.err()).isZero();
    assertThat(d.out()).isEqualTo(data);

    assertThat(cli.run("restore", "latest", "--target", tmp.resolve("out").toString()).code()).isZero();
    assertThat(Files.readAllBytes(tmp.resolve("out").resolve("db.sql"))).isEqualTo(data);

    // the same stream again: its data is all known; only the new root tree (a new capture time) is stored
    Run again = child(cli, in, "backup", "--stdin", "--stdin-filename", "db.sql", "--json");
    assertThat(new String(again.out())).contains("\"blobsAdded\" : 1,").contains("\"parent\" : \"");
  }

  @Test
  void dumpOfADamagedFile_exits14_namingTheFile() throws Exception {
    Cli cli = new Cli(tmp);
    cli.init();
    byte[] data = new byte[400_000];
    new Random(4).nextBytes(data);
    Path in = tmp.resolve("in.bin");
    Files.write(in, data);
    assertThat(child(cli, in, "backup", "--stdin").code()).isZero();
    List<Path> packs = new ArrayList<>();
    try (var w = Files.walk(cli.repo.resolve("data"))) {
      w.filter(Files::isRegularFile).forEach(packs::add);
    }
    packs.sort(Comparator.comparingLong((Path p) -> p.toFile().length()).reversed());
    try (RandomAccessFile f = new RandomAccessFile(packs.get(0).toFile(), "rw")) {
      f.seek(1000);
      int v = f.read();
      f.seek(1000);
      f.write(v ^ 0xff);
    }
    Run d = child(cli, null, "dump", "latest", "/stdin");
    assertThat(d.code()).isEqualTo(14);
    assertThat(d.err().strip()).startsWith("cairn: file /stdin of snapshot").contains("is damaged after byte");
    assertThat(d.out().length).isLessThan(data.length);
  }

  @Test
  void stdinWithPaths_orDumpOfAFolder_isAUsageError() throws Exception {
    Cli cli = new Cli(tmp);
    cli.init();
    assertThat(cli.run("backup", "--stdin", tmp.toString()).code()).isEqualTo(2);
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("a"), "a");
    assertThat(cli.run("backup", src.toString()).code()).isZero();
    Run d = child(cli, null, "dump", "latest", src.toString());
    assertThat(d.code()).isEqualTo(2);
    assertThat(d.err()).contains("not a file");
  }

  @Test
  void stdinFromCommand_capturesItsOutput_andAFailingOrHangingCommandLeavesNoSnapshot() throws Exception {
    Cli cli = new Cli(tmp);
    cli.init();
    Run ok = child(cli, null, "backup", "--stdin-from-command", "--stdin-filename", "etcd.db", "--json", "--", "sh", "-c",
        "head -c 300000 /dev/urandom > " + tmp.resolve("made.bin") + "; cat " + tmp.resolve("made.bin"));
    assertThat(ok.code()).as(ok.err()).isZero();
    Run d = child(cli, null, "dump", "latest", "/etcd.db");
    assertThat(d.out()).isEqualTo(Files.readAllBytes(tmp.resolve("made.bin")));
    assertThat(cli.run("snapshots", "--json").json().get(0).get("source").get("type").asText()).isEqualTo("command");

    Run failed = child(cli, null, "backup", "--stdin-from-command", "--", "sh", "-c", "echo partial; echo boom >&2; exit 7");
    assertThat(failed.code()).isEqualTo(16);
    assertThat(failed.err().strip()).isEqualTo("cairn: command sh exited with 7: boom; no snapshot was written");

    long t0 = System.nanoTime();
    Run hung = child(cli, null, "backup", "--stdin-from-command", "--command-timeout", "2s", "--", "sh", "-c", "echo x; sleep 300");
    assertThat(hung.code()).isEqualTo(16);
    assertThat(hung.err()).contains("did not finish within 2 s");
    assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(60));
    assertThat(cli.run("snapshots", "--json").json()).as("only the good capture").hasSize(1);
  }
}
