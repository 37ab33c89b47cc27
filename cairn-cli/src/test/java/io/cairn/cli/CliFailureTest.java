package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.engine.Json;
import io.cairn.engine.fs.PosixFs;
import io.cairn.engine.fs.TreeComparator;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input, damage and crashes: one clear line, a documented exit code, a repository still valid. */
class CliFailureTest {
  @TempDir Path tmp;

  private Cli repoWithSnapshot() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("a.txt"), "alpha");
    Cli cli = new Cli(tmp);
    assertThat(cli.init().code()).isZero();
    assertThat(cli.run("backup", src.toString()).code()).isZero();
    return cli;
  }

  private static void oneLine(Cli.Run r, String... mentions) {
    assertThat(r.errLines()).as("stderr: %s", r.err()).hasSize(1);
    assertThat(r.err()).startsWith("cairn: ").doesNotContain("Exception").contains(mentions);
  }

  @Test
  void wrongPassword_exits12_withOneLine() throws Exception {
    Cli cli = repoWithSnapshot();
    Files.writeString(cli.passwordFile, "not it\n");
    Cli.Run r = cli.run("snapshots");
    assertThat(r.code()).isEqualTo(12);
    oneLine(r, "wrong password", cli.repo.toString());
  }

  @Test
  void locationWithAnUnknownScheme_isRefusedWithTheKnownOnes_andCreatesNothing() throws Exception {
    Path cwd = Path.of("").toAbsolutePath();
    Cli.Run r = Cli.bare("init", "--repo", "ftp://host/x", "--password-file", new Cli(tmp).passwordFile.toString());
    assertThat(r.code()).isEqualTo(2);
    oneLine(r, "unknown repository location scheme 'ftp:'", "a folder path, s3: or file: URIs");
    assertThat(cwd.resolve("ftp:")).doesNotExist();
  }

  @Test
  void mistypedCommand_suggestsTheNearestOne() {
    Cli.Run r = Cli.bare("snapshot");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("did you mean").contains("snapshots");
  }

  @Test
  void withJson_anErrorIsOneJsonObjectOnStderr_andTheExitCodeIsUnchanged() throws Exception {
    Cli cli = repoWithSnapshot();
    Cli.Run r = cli.run("restore", "deadbeef", "--target", tmp.resolve("out").toString(), "--json");
    assertThat(r.code()).isEqualTo(17);
    assertThat(r.out()).isEmpty();
    JsonNode e = Json.MAPPER.readTree(r.err()).get("error");
    assertThat(e.get("code").asText()).isEqualTo("not-found");
    assertThat(e.get("exitCode").asInt()).isEqualTo(17);
    assertThat(e.get("message").asText()).contains("deadbeef");
    Cli.Run usage = Cli.bare("snapshot", "--json");
    assertThat(usage.code()).isEqualTo(2);
    assertThat(Json.MAPPER.readTree(usage.err()).get("error").get("code").asText()).isEqualTo("usage");
  }

  @Test
  void aCatalogThatCannotBeUpdated_isAWarning_asJsonWithJson_andTheBackupSucceeds() throws Exception {
    Cli cli = repoWithSnapshot();
    Path broken = tmp.resolve("broken.db");
    Files.writeString(broken, "not a database ".repeat(100));
    Cli.Run r = cli.run("backup", tmp.resolve("src").toString(), "--catalog", broken.toString(), "--json");
    assertThat(r.code()).isZero();
    assertThat(r.json().get("complete").asBoolean()).isTrue();
    JsonNode w = Json.MAPPER.readTree(r.err()).get("warning");
    assertThat(w.get("message").asText()).startsWith("catalog not updated");
    assertThat(w.get("remedy").asText()).contains("cairn catalog sync");
    Cli.Run text = cli.run("backup", tmp.resolve("src").toString(), "--catalog", broken.toString());
    assertThat(text.errLines()).singleElement().asString().startsWith("cairn: warning: catalog not updated");
  }

  @Test
  void missingRepository_exits10() throws Exception {
    Cli cli = new Cli(tmp);
    Cli.Run r = cli.run("snapshots");
    assertThat(r.code()).isEqualTo(10);
    oneLine(r, "no repository", "cairn init");
    Files.createDirectories(cli.repo);
    assertThat(cli.run("backup", tmp.toString()).code()).isEqualTo(10);
  }

  @Test
  void repositoryOfAnUnknownFormatVersion_exits13_beforeAskingForTheKey() throws Exception {
    Cli cli = repoWithSnapshot();
    try (RandomAccessFile f = new RandomAccessFile(cli.repo.resolve("config").toFile(), "rw")) {
      f.seek(6);
      f.write(2);
    }
    Cli.Run r = cli.run("snapshots");
    assertThat(r.code()).isEqualTo(13);
    oneLine(r, "version 2", "upgrade Cairn");
  }

  @Test
  void restoreIntoANonEmptyTarget_exits15_andWritesNothing() throws Exception {
    Cli cli = repoWithSnapshot();
    Path target = Files.createDirectories(tmp.resolve("busy"));
    Files.writeString(target.resolve("keep.me"), "mine");
    Cli.Run r = cli.run("restore", "latest", "--target", target.toString());
    assertThat(r.code()).isEqualTo(15);
    oneLine(r, "not empty", "--overwrite");
    try (var s = Files.list(target)) {
      assertThat(s.toList()).containsExactly(target.resolve("keep.me"));
    }
  }

  @Test
  void badFlagsAndArguments_exit2_or17() throws Exception {
    Cli cli = repoWithSnapshot();
    assertThat(cli.run("backup", "--no-such-flag", tmp.toString()).code()).isEqualTo(2);
    assertThat(cli.run("check", "--read-data-subset", "250%").code()).isEqualTo(2);
    assertThat(cli.run("init", "--chunk-avg", "1000").code()).as("flags are checked before anything else").isEqualTo(2);
    Cli.Run nf = cli.run("restore", "deadbeef", "--target", tmp.resolve("x").toString());
    assertThat(nf.code()).isEqualTo(17);
    oneLine(nf, "deadbeef");
    assertThat(cli.run("backup", tmp.resolve("does-not-exist").toString()).code()).isEqualTo(17);
    assertThat(Cli.bare("snapshots").code()).isEqualTo(2);
  }

  @Test
  void initIntoANonEmptyFolder_exits15() throws Exception {
    Cli cli = new Cli(tmp);
    Files.createDirectories(cli.repo);
    Files.writeString(cli.repo.resolve("something"), "x");
    Cli.Run r = cli.init();
    assertThat(r.code()).isEqualTo(15);
    oneLine(r, "not empty");
  }

  @Test
  void flippedByteInAPack_isNamedByCheck_andRestoreListsTheAffectedFile() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    byte[] a = new byte[200_000], b = new byte[200_000];
    new Random(1).nextBytes(a);
    new Random(2).nextBytes(b);
    Files.write(src.resolve("damaged.bin"), a);
    Files.write(src.resolve("fine.bin"), b);
    Cli cli = new Cli(tmp);
    cli.init();
    assertThat(cli.run("backup", src.toString()).code()).isZero();
    // flip one byte early in the largest pack (a data pack: the tree pack is tiny)
    List<Path> packs = new ArrayList<>();
    try (var w = Files.walk(cli.repo.resolve("data"))) {
      w.filter(Files::isRegularFile).forEach(packs::add);
    }
    packs.sort(Comparator.comparingLong((Path p) -> p.toFile().length()).reversed());
    Path victim = packs.get(0);
    assertThat(Files.size(victim)).isGreaterThan(100_000);
    try (RandomAccessFile f = new RandomAccessFile(victim.toFile(), "rw")) {
      f.seek(1000);
      int v = f.read();
      f.seek(1000);
      f.write(v ^ 0xff);
    }
    Cli.Run check = cli.run("check", "--read-data");
    assertThat(check.code()).isEqualTo(14);
    assertThat(check.err()).contains(victim.getFileName().toString()).contains("affected: snapshot");
    Cli.Run r = cli.run("restore", "latest", "--target", tmp.resolve("out").toString());
    assertThat(r.code()).isEqualTo(14);
    assertThat(r.err()).contains("damaged: ");
    long named = r.err().lines().filter(l -> l.startsWith("damaged: ")).count();
    assertThat(named).isBetween(1L, 2L);
    Path back = tmp.resolve("out").resolve(src.toString().substring(1));
    // whatever was not named was restored intact
    for (String f : List.of("damaged.bin", "fine.bin")) {
      if (!r.err().contains(f)) assertThat(Files.readAllBytes(back.resolve(f))).isEqualTo(Files.readAllBytes(src.resolve(f)));
    }
  }

  @Test
  void backupKilledPartWay_leavesARepositoryThatChecks_andTheNextBackupSucceeds() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Random rnd = new Random(5);
    for (int i = 0; i < 120; i++) {
      byte[] b = new byte[400_000];
      rnd.nextBytes(b);
      Files.write(src.resolve("f" + i), b);
    }
    Cli cli = new Cli(tmp);
    cli.init();
    Process p = new ProcessBuilder(Cli.javaCommand("backup", "--repo", cli.repo.toString(), "--password-file",
        cli.passwordFile.toString(), src.toString())).redirectErrorStream(true).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && p.isAlive()) {
      try (var w = Files.walk(cli.repo.resolve("data"))) {
        if (w.filter(Files::isRegularFile).count() >= 3) break;
      } catch (NoSuchFileException e) {
        // no pack yet
      }
      Thread.sleep(5);
    }
    assertThat(p.isAlive()).as("backup still running when killed").isTrue();
    p.destroyForcibly().waitFor();
    Cli.Run check = cli.run("check", "--read-data");
    assertThat(check.code()).as(check.err()).isZero();
    assertThat(cli.run("backup", src.toString()).code()).isZero();
    assertThat(cli.run("restore", "latest", "--target", tmp.resolve("out").toString()).code()).isZero();
    assertThat(TreeComparator.compare(src, tmp.resolve("out").resolve(src.toString().substring(1)))).isEmpty();
    assertThat(cli.run("check", "--read-data").code()).isZero();
  }

  @Test
  void unreadableSourceFile_isListed_andTheExitCodeIs3() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("ok.txt"), "fine");
    Path secret = src.resolve("secret.txt");
    Files.writeString(secret, "no access");
    Files.setAttribute(secret, "unix:mode", 0);
    Cli cli = new Cli(tmp);
    cli.init();
    Cli.Run r;
    if (PosixFs.isRoot()) {
      // root reads everything; drop the capabilities that let it
      assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv (util-linux) is needed to drop root's read override");
      List<String> cmd = new ArrayList<>(List.of("/usr/bin/setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search"));
      cmd.addAll(Cli.javaCommand("backup", "--repo", cli.repo.toString(), "--password-file", cli.passwordFile.toString(),
          src.toString()));
      Process p = new ProcessBuilder(cmd).start();
      String out = new String(p.getInputStream().readAllBytes());
      String err = new String(p.getErrorStream().readAllBytes());
      r = new Cli.Run(p.waitFor(), out, err);
    } else {
      r = cli.run("backup", src.toString());
    }
    assertThat(r.code()).as(r.err()).isEqualTo(3);
    assertThat(r.err()).contains("secret.txt").contains("permission denied");
    var snap = cli.run("snapshots", "--json").json().get(0);
    assertThat(snap.get("errors").get(0).get("path").asText()).endsWith("secret.txt");
    assertThat(cli.run("ls", "latest", "--json").out()).contains("ok.txt").doesNotContain("secret.txt");
  }

  @Test
  void fullDisk_exits16_leavesNoSnapshot_andTheRepositoryChecks() throws Exception {
    assumeTrue(PosixFs.isRoot(), "mounting a small tmpfs needs root");
    Path mnt = Files.createDirectories(tmp.resolve("small"));
    Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mnt.toString()).start();
    assumeTrue(m.waitFor() == 0, "cannot mount tmpfs here");
    try {
      Path src = Files.createDirectories(tmp.resolve("src"));
      byte[] b = new byte[6_000_000];
      new Random(9).nextBytes(b);
      Files.write(src.resolve("big.bin"), b);
      Cli cli = new Cli(mnt);
      assertThat(cli.init().code()).isZero();
      Cli.Run r = cli.run("backup", src.toString());
      assertThat(r.code()).isEqualTo(16);
      oneLine(r, "disk full");
      assertThat(cli.run("snapshots", "--json").json()).isEmpty();
      try (var s = Files.list(cli.repo.resolve("tmp"))) {
        assertThat(s.toList()).as("temp files cleaned up").isEmpty();
      }
      assertThat(cli.run("check", "--read-data").code()).isZero();
    } finally {
      new ProcessBuilder("umount", "-l", mnt.toString()).start().waitFor();
    }
  }
}
