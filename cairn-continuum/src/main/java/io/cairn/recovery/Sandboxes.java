package io.cairn.recovery;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.Json;
import io.cairn.engine.fs.Processes;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The registry of sandboxes: each one a folder {@code ROOT/<id>/} holding its members' data and a
 * {@code sandbox.json} that says who made it (the process and its start time), which process groups
 * run in it, and whether it is kept. Written before anything is started in it and updated as servers
 * start, so a run killed half-way (even by SIGKILL) leaves a registration the next run finds:
 * {@link #sweep} stops what it left running and removes its folder.
 */
public final class Sandboxes {
  /** The file in a sandbox's folder that registers it. */
  static final String FILE = "sandbox.json";

  private final Path root;

  public Sandboxes(Path root) {
    this.root = root;
  }

  /**
   * Where sandboxes live by default: {@code $CAIRN_SANDBOX_DIR}, else {@code /var/tmp/cairn-sandboxes-USER}
   * (outside any home folder, so a server run as an unprivileged user can reach its own folder when
   * Cairn runs as root; on disk rather than in memory, and kept across a reboot so a sandbox that was
   * running then is still found and removed).
   */
  public static Path defaultRoot(Map<String, String> env) {
    String dir = env.get("CAIRN_SANDBOX_DIR");
    if (dir != null && !dir.isBlank()) return Path.of(dir);
    return Path.of("/var/tmp", "cairn-sandboxes-" + System.getProperty("user.name", "user"));
  }

  public Path root() {
    return root;
  }

  /** One running process group of a sandbox: a server, with where to reach it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Service(String asset, String type, long pgid, String host, Integer port, String folder, String user, String connect) {}

  /**
   * A sandbox's registration.
   *
   * @param owner the pid of the Cairn process that made it
   * @param ownerStart when that process started (a pid can be reused)
   * @param kept left running on purpose ({@code --keep}): never swept
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Entry(String id, String subject, String run, Instant created, long owner, Instant ownerStart, boolean kept,
      List<Service> services) {
    public Entry {
      services = services == null ? List.of() : List.copyOf(services);
    }
  }

  /** Makes a new sandbox's folder and registers it, owned by this process. */
  public Entry create(String id, String subject, String run, Instant now) throws IOException {
    Files.createDirectories(root);
    try {
      // others may need to pass through (a server run as an unprivileged user), never list it
      Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
    } catch (IOException | UnsupportedOperationException e) {
      // not ours to change: it still works for servers run as this user
    }
    Path dir = root.resolve(id);
    Files.createDirectory(dir);
    ProcessHandle self = ProcessHandle.current();
    Entry e = new Entry(id, subject, run, now, self.pid(), self.info().startInstant().orElse(null), false, List.of());
    write(e);
    return e;
  }

  public Path folder(String id) {
    return root.resolve(id);
  }

  /** Records the registration (atomically: a reader never sees half of it). */
  public synchronized void write(Entry e) throws IOException {
    Path f = folder(e.id()).resolve(FILE);
    Path tmp = folder(e.id()).resolve(FILE + ".tmp");
    Files.write(tmp, Json.MAPPER.writeValueAsBytes(e));
    Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Every registered sandbox, oldest first; a folder without a readable registration is listed as an orphan. */
  public List<Entry> list() throws IOException {
    List<Entry> out = new ArrayList<>();
    if (!Files.isDirectory(root)) return out;
    try (DirectoryStream<Path> s = Files.newDirectoryStream(root)) {
      for (Path d : s) {
        if (!Files.isDirectory(d)) continue;
        try {
          out.add(Json.MAPPER.readValue(Files.readAllBytes(d.resolve(FILE)), Entry.class));
        } catch (NoSuchFileException e) {
          out.add(new Entry(d.getFileName().toString(), null, null, null, 0, null, false, List.of()));
        } catch (IOException | RuntimeException e) {
          out.add(new Entry(d.getFileName().toString(), null, null, null, 0, null, false, List.of()));
        }
      }
    }
    out.sort(Comparator.comparing(e -> e.created() == null ? Instant.EPOCH : e.created()));
    return out;
  }

  /** Whether the process that made the sandbox still runs (the same process: same pid and start time). */
  public static boolean ownerAlive(Entry e) {
    if (e.owner() <= 0) return false;
    return ProcessHandle.of(e.owner()).map(h -> e.ownerStart() == null || h.info().startInstant().map(e.ownerStart()::equals).orElse(true))
        .orElse(false);
  }

  /**
   * Removes every sandbox whose run is over and that was not kept: a recovery killed half-way left
   * it. Returns the ids removed.
   */
  public List<String> sweep() throws IOException {
    List<String> removed = new ArrayList<>();
    for (Entry e : list()) {
      if (e.kept() || ownerAlive(e)) continue;
      // a registration written a moment ago by a run that is still creating it has an owner that is alive
      remove(e);
      removed.add(e.id());
    }
    return removed;
  }

  /** Stops every process of a sandbox and removes its folder. */
  public void remove(Entry e) throws IOException {
    List<String> left = new ArrayList<>();
    for (Service s : e.services()) {
      if (!Processes.killGroup(s.pgid(), Duration.ofSeconds(10))) left.add(s.asset() + " (process group " + s.pgid() + ")");
    }
    if (!left.isEmpty()) {
      throw new CairnException(ErrorCode.IO, "sandbox " + e.id() + ": cannot stop " + String.join(", ", left)
          + "; stop them by hand, then run 'cairn sandbox rm " + e.id() + "'");
    }
    deleteTree(folder(e.id()));
  }

  /** Removes a sandbox by id (or unique id prefix). */
  public Entry remove(String id) throws IOException {
    List<Entry> match = list().stream().filter(e -> e.id().startsWith(id)).toList();
    if (match.isEmpty()) throw new CairnException(ErrorCode.NOT_FOUND, "no sandbox " + id + " in " + root + " ('cairn sandbox list' shows them)");
    if (match.size() > 1) throw new CairnException(ErrorCode.USAGE, "sandbox id prefix " + id + " is ambiguous: give more of it");
    Entry e = match.get(0);
    if (!e.kept() && ownerAlive(e)) {
      throw new CairnException(ErrorCode.CONFLICT, "sandbox " + e.id() + " belongs to a recovery still running (pid " + e.owner()
          + "); it removes its sandbox when it ends");
    }
    remove(e);
    return e;
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
