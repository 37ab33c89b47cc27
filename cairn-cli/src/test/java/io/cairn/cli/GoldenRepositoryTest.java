package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A repository written by format version 1 is committed; every later Cairn must read it. */
class GoldenRepositoryTest {
  @TempDir Path tmp;
  Path repo;
  Path password;

  @BeforeEach
  void copyGolden() throws Exception {
    Path golden = resource("golden-v1");
    repo = tmp.resolve("repo");
    try (Stream<Path> w = Files.walk(golden.resolve("repo"))) {
      for (Path p : w.toList()) {
        Path t = repo.resolve(golden.resolve("repo").relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(t);
        else Files.copy(p, t);
      }
    }
    password = golden.resolve("password");
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(GoldenRepositoryTest.class.getClassLoader().getResource(name).toURI());
  }

  private Cli.Run cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--repo", repo.toString(), "--password-file", password.toString()));
    return Cli.bare(all.toArray(String[]::new));
  }

  @Test
  void goldenV1_listsItsSnapshots_checksClean_andRestoresByteExact() throws Exception {
    JsonNode snaps = cli("snapshots", "--json").json();
    assertThat(snaps).hasSize(2);
    assertThat(snaps.get(0).get("host").asText()).isEqualTo("golden");
    assertThat(snaps.get(1).get("parent").asText()).isEqualTo(snaps.get(0).get("id").asText());
    Cli.Run check = cli("check", "--read-data");
    assertThat(check.code()).as(check.err()).isZero();

    Path out = tmp.resolve("out");
    assertThat(cli("restore", "latest:/srv/cairn-golden/source", "--target", out.toString()).code()).isZero();
    List<String> got = new ArrayList<>();
    try (Stream<Path> w = Files.walk(out)) {
      for (Path p : w.sorted().toList()) {
        String rel = "./" + out.relativize(p);
        if (Files.isSymbolicLink(p)) got.add("link " + rel + " " + Files.readSymbolicLink(p));
        else if (Files.isRegularFile(p)) got.add("file " + rel + " " + sha256(Files.readAllBytes(p)));
      }
    }
    assertThat(got).containsExactlyElementsOf(Files.readAllLines(resource("golden-v1").resolve("expected-latest.txt")));

    Path first = tmp.resolve("first");
    String firstId = snaps.get(0).get("id").asText();
    assertThat(cli("restore", firstId + ":/srv/cairn-golden/source/README.txt", "--target", first.toString()).code()).isZero();
    assertThat(Files.readString(first.resolve("README.txt"))).doesNotContain("appended later");
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }
}
