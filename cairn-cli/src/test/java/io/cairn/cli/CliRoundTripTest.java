package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.engine.fs.PosixFs;
import io.cairn.engine.fs.RawNames;
import io.cairn.engine.fs.TreeComparator;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every metadata kind through the real CLI: backup, ls, diff, restore, compare. */
class CliRoundTripTest {
  @TempDir Path tmp;

  private static void sh(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
  }

  private Path everyKind() throws Exception {
    Path src = tmp.resolve("src");
    Files.createDirectories(src.resolve("empty-dir"));
    Files.createDirectories(src.resolve("sub"));
    Files.writeString(src.resolve("sub/plain.txt"), "hello cairn\n".repeat(1000));
    byte[] big = new byte[700_000];
    new Random(3).nextBytes(big);
    Files.write(src.resolve("sub/big.bin"), big);
    Files.write(src.resolve("empty.txt"), new byte[0]);
    Files.createSymbolicLink(src.resolve("link-to-plain"), Path.of("sub/plain.txt"));
    Files.createSymbolicLink(src.resolve("dangling"), Path.of("nowhere/at/all"));
    Files.createLink(src.resolve("hardlink.txt"), src.resolve("sub/plain.txt"));
    try (FileChannel ch = FileChannel.open(src.resolve("sparse.img"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap("x".getBytes()), 32L * 1024 * 1024);
    }
    Path suid = src.resolve("suid-tool");
    Files.writeString(suid, "#!/bin/sh\n");
    Files.setAttribute(suid, "unix:mode", 06755);
    Files.setAttribute(src.resolve("empty-dir"), "unix:mode", 01777);
    UserDefinedFileAttributeView x = Files.getFileAttributeView(src.resolve("sub/plain.txt"), UserDefinedFileAttributeView.class);
    x.write("cairn.origin", ByteBuffer.wrap("test\u0000bytes".getBytes(StandardCharsets.UTF_8)));
    String raw = new String(new byte[] {'n', 'o', 't', '-', (byte) 0xc3, (byte) 0x28, '-', 'u', 't', 'f', '8'}, StandardCharsets.ISO_8859_1);
    Files.writeString(RawNames.child(src, raw), "odd name");
    sh("mkfifo", src.resolve("fifo").toString());
    if (PosixFs.isRoot()) {
      sh("mknod", src.resolve("null-dev").toString(), "c", "1", "3");
      sh("chown", "1234:5678", src.resolve("sub/plain.txt").toString());
      sh("chown", "-h", "4321:8765", src.resolve("dangling").toString());
    }
    Files.setLastModifiedTime(src.resolve("sub/big.bin"), FileTime.from(Instant.ofEpochSecond(1_600_000_000L, 123_456_789)));
    return src;
  }

  @Test
  void backupAndRestore_keepEveryMetadataKind() throws Exception {
    Path src = everyKind();
    Cli cli = new Cli(tmp);
    assertThat(cli.init().code()).isZero();
    Cli.Run b = cli.run("backup", src.toString(), "--tag", "first", "--json");
    assertThat(b.code()).as(b.err()).isZero();
    JsonNode bj = b.json();
    assertThat(bj.get("complete").asBoolean()).isTrue();
    Path out = tmp.resolve("out");
    Cli.Run r = cli.run("restore", "latest", "--target", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    Path back = out.resolve(src.toString().substring(1));
    assertThat(TreeComparator.compare(src, back)).isEmpty();
    assertThat(TreeComparator.allocated(back.resolve("sparse.img"))).isLessThan(1 << 20);
    assertThat(Files.readAttributes(back.resolve("fifo"), "unix:mode", LinkOption.NOFOLLOW_LINKS).get("mode"))
        .satisfies(m -> assertThat(((Integer) m) & 0170000).isEqualTo(0010000));
    if (PosixFs.isRoot()) {
      assertThat(Files.getAttribute(back.resolve("null-dev"), "unix:rdev", LinkOption.NOFOLLOW_LINKS))
          .isEqualTo(Files.getAttribute(src.resolve("null-dev"), "unix:rdev", LinkOption.NOFOLLOW_LINKS));
      assertThat(Files.getAttribute(back.resolve("dangling"), "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(4321);
    }
  }

  @Test
  void lsDiffStatsCat_describeTheSnapshots_andJsonParses() throws Exception {
    Path src = tmp.resolve("src");
    Files.createDirectories(src);
    Files.writeString(src.resolve("a.txt"), "one");
    Files.writeString(src.resolve("b.tmp"), "excluded");
    Cli cli = new Cli(tmp);
    cli.init();
    assertThat(cli.run("backup", src.toString(), "--exclude", "*.tmp").code()).isZero();
    Files.writeString(src.resolve("a.txt"), "two!");
    Files.writeString(src.resolve("c.txt"), "new");
    assertThat(cli.run("backup", src.toString(), "-e", "*.tmp").code()).isZero();
    JsonNode snaps = cli.run("snapshots", "--json").json();
    assertThat(snaps).hasSize(2);
    String first = snaps.get(0).get("id").asText();
    String second = snaps.get(1).get("id").asText();
    assertThat(snaps.get(1).get("parent").asText()).isEqualTo(first);
    Cli.Run ls = cli.run("ls", "latest", src.toString());
    assertThat(ls.out()).contains(src + "/a.txt").contains(src + "/c.txt").doesNotContain("b.tmp");
    JsonNode diff = cli.run("diff", first.substring(0, 8), second, "--json").json();
    assertThat(diff.get("added").asInt()).isEqualTo(1);
    assertThat(diff.get("modified").asInt()).isEqualTo(1);
    assertThat(cli.run("stats", "--json").json().get("snapshots").asInt()).isEqualTo(2);
    assertThat(cli.run("stats", "latest", "--json").json().get("files").asInt()).isEqualTo(2);
    assertThat(cli.run("cat", "config").json().get("version").asInt()).isEqualTo(1);
    assertThat(cli.run("cat", "snapshot", second).json().get("tree").asText()).hasSize(64);
    assertThat(cli.run("check", "--read-data-subset", "50%", "--json").json().get("ok").asBoolean()).isTrue();
    Cli.Run dry = cli.run("restore", "latest:" + src, "--target", tmp.resolve("dry").toString(), "--dry-run", "--json");
    assertThat(dry.json().get("files").asInt()).isEqualTo(2);
    assertThat(tmp.resolve("dry")).doesNotExist();
    Path sub = tmp.resolve("sub");
    assertThat(cli.run("restore", "latest:" + src, "--target", sub.toString(), "--include", "c.txt").code()).isZero();
    assertThat(sub.resolve("c.txt")).hasContent("new");
    assertThat(sub.resolve("a.txt")).doesNotExist();
  }

  @Test
  void interruptedRestore_resumes_andSkipsCompleteFiles() throws Exception {
    Path src = tmp.resolve("src");
    Files.createDirectories(src);
    for (int i = 0; i < 20; i++) Files.writeString(src.resolve("f" + i), "content " + i);
    Cli cli = new Cli(tmp);
    cli.init();
    cli.run("backup", src.toString());
    Path out = tmp.resolve("out");
    assertThat(cli.run("restore", "latest", "--target", out.toString()).code()).isZero();
    // as if the restore had stopped part-way: marker back, one file lost, one half written
    String snap = cli.run("snapshots", "--json").json().get(0).get("id").asText();
    Files.writeString(out.resolve(".cairn-restore-in-progress"), "{\"snapshot\":\"" + snap + "\"}");
    Path back = out.resolve(src.toString().substring(1));
    Files.delete(back.resolve("f3"));
    Files.writeString(back.resolve("f4"), "cont");
    Cli.Run again = cli.run("restore", "latest", "--target", out.toString(), "--json");
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.json().get("skippedComplete").asInt()).isEqualTo(18);
    assertThat(TreeComparator.compare(src, back)).isEmpty();
    assertThat(out.resolve(".cairn-restore-in-progress")).doesNotExist();
  }

  @Test
  void quickstart_runsTheWholeContinuum_andRecoversTheDataFromBeforeTheBadDeployment() throws Exception {
    Cli.Run q = Cli.bare("quickstart", "--dir", tmp.resolve("qs").toString(), "--size-mb", "8", "--json");
    assertThat(q.code()).as(q.err()).isZero();
    var o = io.cairn.engine.Json.MAPPER.readTree(q.out());
    assertThat(o.get("ordersAfterBadDeploy").asInt()).isLessThan(o.get("ordersBefore").asInt());
    assertThat(o.get("ordersRecovered").asInt()).isEqualTo(o.get("ordersBefore").asInt());
    assertThat(o.get("siteRecovered").asBoolean()).isTrue();
    assertThat(o.get("drillOutcome").asText()).isEqualTo("passed");
    assertThat(o.get("status").asText()).isEqualTo("GREEN");
    assertThat(tmp.resolve("qs/report.html")).content().contains("Cairn compliance report");
    assertThat(tmp.resolve("qs/sandboxes")).isEmptyDirectory();
  }
}
