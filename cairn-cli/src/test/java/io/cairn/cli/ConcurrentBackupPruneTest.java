package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.engine.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups and prune as separate processes against one repository, at the same time, round after
 * round, with snapshots forgotten in between: no backup fails because of prune, and every snapshot
 * left restores exactly what it was taken of.
 */
class ConcurrentBackupPruneTest {
  private static final int ROUNDS = 5;

  @TempDir Path tmp;

  @Test
  void backupsAndPruneInParallelProcesses_neverFail_andEverySnapshotLeftRestoresWhatItWasTakenOf() throws Exception {
    Cli cli = new Cli(tmp);
    assertThat(cli.init().code()).isZero();
    Random rnd = new Random(20240611);
    Path a = tmp.resolve("src/a"), b = tmp.resolve("src/b");
    populate(a, rnd);
    populate(b, rnd);
    Map<String, Map<String, String>> takenOf = new LinkedHashMap<>(); // snapshot id -> content it was taken of
    Map<String, Path> sourceOf = new LinkedHashMap<>();
    int prunesThatKeptPacks = 0;

    for (int round = 1; round <= ROUNDS; round++) {
      Map<String, String> contentA = digest(a), contentB = digest(b);
      // the three start together; the prune a little later or earlier each round
      List<String> prune = List.of("prune", "--max-unused", "0%", "--max-wait", "60s", "--json");
      Process pa = start(cli, "a" + round, "backup", "--json", a.toString());
      Thread.sleep(rnd.nextInt(300));
      Process pp = start(cli, "prune" + round, prune.toArray(String[]::new));
      Process pb = start(cli, "b" + round, "backup", "--json", b.toString());

      String ra = finish(pa, "a" + round, "backup of a in round " + round);
      String rb = finish(pb, "b" + round, "backup of b in round " + round);
      JsonNode pr = Json.MAPPER.readTree(finish(pp, "prune" + round, "prune in round " + round));
      assertThat(pr.get("plansPending").asInt()).as("round %d: the prune waited for the backups", round).isZero();
      if (pr.get("packsKept").asInt() > 0) prunesThatKeptPacks++;
      String idA = Json.MAPPER.readTree(ra).get("snapshot").asText(), idB = Json.MAPPER.readTree(rb).get("snapshot").asText();
      takenOf.put(idA, contentA);
      sourceOf.put(idA, a);
      takenOf.put(idB, contentB);
      sourceOf.put(idB, b);

      // forget one or two snapshots, then change the sources a little
      List<String> ids = new ArrayList<>(takenOf.keySet());
      for (int k = 1 + rnd.nextInt(2); k > 0 && ids.size() > 1; k--) {
        String gone = ids.remove(rnd.nextInt(ids.size()));
        Files.delete(cli.repo.resolve("snapshots").resolve(gone));
        takenOf.remove(gone);
        sourceOf.remove(gone);
      }
      change(a, rnd, round);
      change(b, rnd, round);
    }

    Cli.Run check = cli.run("check", "--read-data");
    assertThat(check.code()).as(check.out() + check.err()).isZero();
    assertThat(takenOf).hasSizeGreaterThan(2);
    for (Map.Entry<String, Map<String, String>> e : takenOf.entrySet()) {
      Path out = tmp.resolve("out").resolve(e.getKey());
      Cli.Run r = cli.run("restore", e.getKey(), "--target", out.toString());
      assertThat(r.code()).as(r.err()).isZero();
      Path src = sourceOf.get(e.getKey());
      assertThat(digest(out.resolve(src.toString().substring(1)))).as("snapshot %s of %s", e.getKey(), src)
          .isEqualTo(e.getValue());
    }
    // one more prune with nothing running beside it leaves nothing hidden or unindexed behind
    assertThat(cli.run("prune", "--max-unused", "0%").code()).isZero();
    Cli.Run last = cli.run("check", "--read-data", "--json");
    assertThat(last.code()).as(last.out() + last.err()).isZero();
    System.out.printf("%d of %d prunes kept a pack a backup came to need meanwhile%n", prunesThatKeptPacks, ROUNDS);
  }

  private Process start(Cli cli, String name, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(args[0], "--repo", cli.repo.toString(), "--password-file", cli.passwordFile.toString()));
    for (int i = 1; i < args.length; i++) cmd.add(args[i]);
    Path logs = Files.createDirectories(tmp.resolve("logs"));
    ProcessBuilder pb = new ProcessBuilder(Cli.javaCommand(cmd.toArray(String[]::new)))
        .redirectOutput(logs.resolve(name + ".out").toFile()).redirectError(logs.resolve(name + ".err").toFile());
    pb.environment().put("CAIRN_DEBUG", "1"); // a failure shows its stack trace
    return pb.start();
  }

  /** Waits for the process; asserts it exited 0 and returns its standard output. */
  private String finish(Process p, String name, String what) throws Exception {
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError(what + " did not finish within 60 s");
    }
    Path logs = tmp.resolve("logs");
    String out = Files.readString(logs.resolve(name + ".out"));
    assertThat(p.exitValue()).as("%s exited with: %s", what, Files.readString(logs.resolve(name + ".err"))).isZero();
    return out;
  }

  /** 24 files of 20-150 KB in two folders, plus files that a and b share (stored once, or twice when both race). */
  private static void populate(Path dir, Random rnd) throws IOException {
    Files.createDirectories(dir.resolve("x"));
    Files.createDirectories(dir.resolve("y"));
    for (int i = 0; i < 24; i++) write(dir.resolve((i % 2 == 0 ? "x/" : "y/") + "f" + i), rnd);
    Files.createDirectories(dir.resolve("common"));
    for (int i = 0; i < 3; i++) write(dir.resolve("common/c" + i), new Random(i));
  }

  /** A slow change: a few files rewritten, one added, one removed. */
  private static void change(Path dir, Random rnd, int round) throws IOException {
    List<Path> files;
    try (var w = Files.walk(dir)) {
      files = new ArrayList<>(w.filter(Files::isRegularFile).filter(p -> !p.getParent().endsWith("common")).sorted().toList());
    }
    for (int k = 0; k < 3; k++) write(files.get(rnd.nextInt(files.size())), rnd);
    Files.delete(files.get(rnd.nextInt(files.size())));
    write(dir.resolve("x/new" + round), rnd);
  }

  private static void write(Path p, Random rnd) throws IOException {
    byte[] b = new byte[20_000 + rnd.nextInt(130_000)];
    rnd.nextBytes(b);
    Files.write(p, b);
  }

  /** Relative path to SHA-256 of every file, and "dir" for every folder. */
  private static Map<String, String> digest(Path root) throws Exception {
    Map<String, String> m = new TreeMap<>();
    try (var w = Files.walk(root)) {
      for (Path p : w.sorted().toList()) {
        String rel = root.relativize(p).toString();
        if (Files.isDirectory(p)) {
          m.put(rel + "/", "dir");
        } else {
          m.put(rel, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
        }
      }
    }
    return m;
  }
}
