package io.cairn.engine.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Combinators;
import org.junit.jupiter.api.Test;

class GlobTest {
  @Provide
  Arbitrary<String> globs() {
    Arbitrary<String> piece = Arbitraries.oneOf(
        Arbitraries.of("a", "b", "c", ".", "-", "/", "é"),
        Arbitraries.of("*", "**", "?", "[ab]", "[!a]", "[a-c]", "[!a-b.]", "[-a]", "{a,bc}", "{,x}", "\\*"));
    return piece.list().ofMinSize(1).ofMaxSize(8).map(l -> String.join("", l));
  }

  @Provide
  Arbitrary<String> paths() {
    return Arbitraries.of("a", "b", "c", ".", "-", "/", "x", "*", "é").list().ofMaxSize(10).map(l -> String.join("", l))
        .filter(s -> !s.isEmpty() && !s.contains("//") && (s.length() == 1 || !s.endsWith("/")));
  }

  @Property(tries = 3000)
  void matches_likeTheJdksPathMatcher(@ForAll("globs") String glob, @ForAll("paths") String path) {
    boolean jdk = FileSystems.getDefault().getPathMatcher("glob:" + glob).matches(Path.of(path));
    assertThat(Glob.compile(glob).matches(path)).as("glob %s on %s", glob, path).isEqualTo(jdk);
  }

  @Test
  void nonAsciiNames_matchWithoutAPath() {
    assertThat(Glob.compile("**/café.*").matches("/srv/sourcé/café.txt")).isTrue();
    assertThat(Glob.compile("日本*").matches("日本語")).isTrue();
    assertThat(Glob.compile("*.txt").matches("dir/a.txt")).isFalse();
  }

  @Test
  void badGlobs_areRefusedWithTheReason() {
    for (String bad : List.of("[abc", "{a,b", "a\\", "{a,{b}}", "[a-", "[a-c-e]", "[c-a]", "[-a")) {
      assertThatThrownBy(() -> Glob.compile(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
