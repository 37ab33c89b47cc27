package io.cairn.recovery;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.fs.Processes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What sandbox servers share: a loopback port, an unprivileged user when Cairn runs as root, and a started server's registration. */
final class Servers {
  private Servers() {}

  /** A server runs for as long as the recovery (or, kept, until removed); its process group dies with Cairn otherwise. */
  static final Duration LIFETIME = Duration.ofDays(3650);

  static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  static boolean userExists(String user) {
    try {
      return Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(l -> l.startsWith(user + ":"));
    } catch (IOException e) {
      return false;
    }
  }

  /** The command prefix that runs a server as {@code user} when Cairn runs as root (empty otherwise). */
  static List<String> as(String user) {
    if (user == null) return List.of();
    return List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups", "--");
  }

  /** The port asked for, when free, else a free one; a taken port that was asked for is an error naming it. */
  static int port(Integer asked, String asset) throws IOException {
    if (asked != null) {
      if (!free(asked)) {
        throw new CairnException(ErrorCode.CONFLICT, "asset " + asset + ": port " + asked + " on 127.0.0.1 is taken; pass another --port,"
            + " or none to let Cairn pick a free one");
      }
      return asked;
    }
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static boolean free(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  /** Starts a server's process (in its own process group, killed when Cairn exits unless detached), its output discarded. */
  static Processes.Running start(List<String> cmd, Map<String, String> env) throws IOException {
    Processes.Running r = Processes.start(cmd, env, LIFETIME);
    Thread.ofVirtual().name("cairn-sandbox-out").start(() -> {
      try (InputStream in = r.stdout()) {
        in.transferTo(OutputStream.nullOutputStream());
      } catch (IOException ignored) {
        // the server went away
      }
    });
    return r;
  }

  /** The first of {@code folders} that holds every one of {@code tools}. */
  static Path binaries(List<Path> folders, List<String> tools) {
    for (Path f : folders) {
      if (tools.stream().allMatch(t -> Files.isExecutable(f.resolve(t)))) return f;
    }
    return null;
  }

  static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /**
   * Fails clearly when the server's user cannot write its folder (Cairn runs as root and a parent
   * folder, a private temporary folder say, does not let others through).
   */
  static void reachable(Path dir, String user, String asset) throws IOException {
    if (user == null) return;
    Processes.Result r = Processes.run(concat(as(user), List.of("test", "-w", dir.toString())), Duration.ofSeconds(30));
    if (r.exitCode() != 0) {
      throw new CairnException(ErrorCode.IO, "asset " + asset + ": the sandbox folder " + dir + " cannot be reached by user " + user
          + ", who runs the sandbox server (a parent folder does not let others through); set CAIRN_SANDBOX_DIR to a folder it can reach");
    }
  }

  /** Makes {@code dir} (and what is in it) the user's, for a server run as that user. */
  static void chown(Path dir, String user) throws IOException {
    if (user == null) return;
    Processes.Result r = Processes.run(List.of("chown", "-R", user + ":", dir.toString()), Duration.ofMinutes(2));
    if (r.exitCode() != 0) throw new IOException("cannot give " + dir + " to user " + user + ": " + r.stderr().strip());
  }
}
