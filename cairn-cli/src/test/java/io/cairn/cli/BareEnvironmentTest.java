package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.engine.fs.RawNames;
import io.cairn.engine.fs.TreeComparator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real CLI as cron and systemd run it: a child process with an empty environment (no
 * {@code LANG}, so the POSIX locale, whose file-name charset is ASCII), on a tree of UTF-8 names
 * and a name that is not valid UTF-8. Every name must come back byte for byte.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BareEnvironmentTest {
  @TempDir static Path tmp;
  Path src;
  Path repo;
  Path password;
  Path catalog;

  @BeforeAll
  void tree() throws Exception {
    src = Files.createDirectories(tmp.resolve("sourcé"));
    Files.writeString(src.resolve("café.txt"), "crème brûlée\n");
    Path sub = Files.createDirectories(src.resolve("日本語"));
    Files.writeString(sub.resolve("ファイル"), "中身\n");
    // f, 0xff, o: not valid UTF-8 in any position
    Path raw = RawNames.child(src, new String(new byte[] {'f', (byte) 0xff, 'o'}, StandardCharsets.ISO_8859_1));
    Files.writeString(raw, "raw name\n");
    Files.createSymbolicLink(src.resolve("link→café"), Path.of("café.txt"));
    repo = tmp.resolve("repo");
    password = tmp.resolve("password");
    catalog = tmp.resolve("catalog.db");
    Files.writeString(password, "s3cret\n");
    Run init = cairn("init", "--kdf-memory", "64", "--kdf-iterations", "1");
    assertThat(init.code).as(init.output).isZero();
    Run backup = cairn("backup", src.toString());
    assertThat(backup.code).as(backup.output).isZero();
  }

  record Run(int code, String output) {}

  /** {@code env -i java ... cairn ARGS --repo R --password-file P --catalog C}: nothing inherited. */
  private Run cairn(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("env", "-i"));
    cmd.addAll(Cli.javaCommand(args));
    cmd.addAll(List.of("--repo", repo.toString(), "--password-file", password.toString(), "--catalog", catalog.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("cairn " + String.join(" ", args) + " did not finish");
    }
    return new Run(p.exitValue(), new String(out, StandardCharsets.ISO_8859_1));
  }

  @Test
  void restore_inThePosixLocale_restoresEveryNameByteForByte() throws Exception {
    Path target = tmp.resolve("out");
    Run r = cairn("restore", "latest", "--target", target.toString());
    assertThat(r.code).as(r.output).isZero();
    assertThat(r.output).doesNotContain("internal error");
    assertThat(TreeComparator.compare(src, target.resolve(src.toString().substring(1)))).isEmpty();
  }

  @Test
  void checkLsDiffAndFind_inThePosixLocale_succeed() throws Exception {
    for (String[] args : List.of(new String[] {"check", "--read-data"}, new String[] {"ls", "latest"},
        new String[] {"diff", "latest", "latest"}, new String[] {"find", "café.txt"}, new String[] {"snapshots"},
        new String[] {"stats", "latest"})) {
      Run r = cairn(args);
      assertThat(r.code).as(String.join(" ", args) + ": " + r.output).isZero();
    }
  }

  @Test
  void ls_inThePosixLocale_printsTheNamesAsUtf8() throws Exception {
    Run r = cairn("ls", "latest");
    assertThat(r.code).as(r.output).isZero();
    String utf8 = new String(r.output.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    assertThat(utf8).contains("café.txt").contains("日本語/ファイル");
  }
}
