package io.cairn.capture;

import io.cairn.engine.fs.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where PostgreSQL's programs are, for a given major version: Debian's {@code /usr/lib/postgresql/N/bin}
 * of that version, then of each newer one (newer tools read older servers and dumps), oldest first,
 * then the folder of {@code tool} on PATH. Capture looks for pg_dump there, recovery for initdb,
 * postgres, pg_restore and psql.
 */
public final class PostgresBinaries {
  private PostgresBinaries() {}

  /** The candidate folders, in the order to try them. */
  public static List<Path> folders(int major, String tool) {
    List<Path> out = new ArrayList<>();
    Path root = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(root)) {
      try (Stream<Path> s = Files.list(root)) {
        s.filter(p -> p.getFileName().toString().matches("\\d+") && Integer.parseInt(p.getFileName().toString()) >= major)
            .sorted(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString()))).map(p -> p.resolve("bin"))
            .forEach(out::add);
      } catch (IOException ignored) {
        // PATH below
      }
    }
    Processes.find(tool).ifPresent(p -> out.add(p.getParent()));
    return out;
  }
}
