package io.cairn.testkit;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real, throwaway Ceph cluster for S3 tests: one monitor, one OSD on memstore (in memory, 2 GiB at
 * most) and an RGW on a free loopback port, without authentication between the daemons, all run in
 * the foreground as children of the test's JVM and killed on {@link #close()}, its folder removed.
 * Starts in about 15 s; start it once per test class. Needs Debian's {@code ceph-mon ceph-osd
 * radosgw} ({@code .ci/run} installs them).
 */
public final class CephRgwServer implements AutoCloseable {
  public static final String ACCESS = "cairn-rgw-access";
  public static final String SECRET = "cairn-rgw-secret";
  private static final List<String> TOOLS = List.of("ceph-mon", "ceph-osd", "radosgw", "radosgw-admin", "monmaptool", "ceph");

  private final Path dir;
  private final int port;
  private long memstoreBytes = 2L << 30;
  private final List<Process> daemons = new ArrayList<>();

  private CephRgwServer(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** Why a cluster cannot be started here, or null when it can. */
  public static String unavailableReason() {
    for (String t : TOOLS) {
      if (!Files.isExecutable(Path.of("/usr/bin", t))) return t + " not found in /usr/bin (apt-get install -y --no-install-recommends ceph-mon ceph-osd radosgw)";
    }
    return null;
  }

  public static CephRgwServer start() throws IOException, InterruptedException {
    return start(2L << 30);
  }

  /** A cluster whose memstore OSD holds up to {@code memstoreBytes} (the benchmarks hold two repositories of the data set). */
  public static CephRgwServer start(long memstoreBytes) throws IOException, InterruptedException {
    String why = unavailableReason();
    if (why != null) throw new IllegalStateException(why);
    Path dir = Files.createTempDirectory("cairn-ceph-");
    for (String d : List.of("run", "log", "mon/ceph-a", "osd/ceph-0", "rgw")) Files.createDirectories(dir.resolve(d));
    Files.createFile(dir.resolve("keyring"));
    int port = freePort();
    int monPort = freePort();
    CephRgwServer c = new CephRgwServer(dir, port);
    c.memstoreBytes = memstoreBytes;
    try {
      c.boot(monPort);
      return c;
    } catch (IOException | InterruptedException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private void boot(int monPort) throws IOException, InterruptedException {
    String fsid = UUID.randomUUID().toString();
    Files.writeString(dir.resolve("ceph.conf"), """
        [global]
        fsid = %s
        mon host = v2:127.0.0.1:%d
        mon initial members = a
        auth cluster required = none
        auth service required = none
        auth client required = none
        ms mon client mode = crc secure
        ms client mode = crc secure
        ms bind ipv6 = false
        public network = 127.0.0.0/8
        osd pool default size = 1
        osd pool default min size = 1
        osd pool default pg num = 8
        osd pool default pgp num = 8
        osd pool default pg autoscale mode = off
        mon allow pool size one = true
        mon allow pool delete = true
        mon warn on pool no redundancy = false
        osd crush chooseleaf type = 0
        osd objectstore = memstore
        memstore device bytes = %d
        run dir = %s/run
        admin socket = %s/run/$name.asok
        log file = %s/log/$name.log
        pid file = %s/run/$name.pid
        mon data = %s/mon/$cluster-$id
        osd data = %s/osd/$cluster-$id
        keyring = %s/keyring
        [client.rgw.a]
        rgw frontends = beast endpoint=127.0.0.1:%d tcp_nodelay=1
        rgw data = %s/rgw
        """.formatted(fsid, monPort, memstoreBytes, dir, dir, dir, dir, dir, dir, dir, port, dir));
    String conf = dir.resolve("ceph.conf").toString();
    run(List.of("monmaptool", "--create", "--fsid", fsid, "--addv", "a", "[v2:127.0.0.1:" + monPort + "]", dir.resolve("monmap").toString()), 60);
    run(List.of("ceph-mon", "-c", conf, "--mkfs", "-i", "a", "--monmap", dir.resolve("monmap").toString()), 60);
    daemon(List.of("ceph-mon", "-f", "-c", conf, "-i", "a"));
    String id = run(List.of("ceph", "-c", conf, "--connect-timeout", "30", "osd", "create"), 60).strip();
    run(List.of("ceph-osd", "-c", conf, "-i", id, "--mkfs"), 60);
    daemon(List.of("ceph-osd", "-f", "-c", conf, "-i", id));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!run(List.of("ceph", "-c", conf, "osd", "stat"), 30).contains("1 up")) {
      if (System.nanoTime() > deadline) throw new IOException("the Ceph OSD did not come up: " + log("osd.0"));
      Thread.sleep(250);
    }
    daemon(List.of("radosgw", "-f", "-c", conf, "-n", "client.rgw.a"));
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!answers()) {
      if (System.nanoTime() > deadline) throw new IOException("RGW did not answer on port " + port + ": " + log("client.rgw.a"));
      Thread.sleep(250);
    }
    run(List.of("radosgw-admin", "-c", conf, "user", "create", "--uid=cairn", "--display-name=cairn", "--access-key=" + ACCESS,
        "--secret=" + SECRET), 60);
  }

  /**
   * Adds another S3 user (for tests of what a user with fewer rights can do: a bucket policy of the
   * bucket's owner then says what); returns its credentials as environment variables.
   */
  public Map<String, String> addUser(String uid) throws IOException, InterruptedException {
    String access = uid + "-access";
    String secret = uid + "-secret";
    run(List.of("radosgw-admin", "-c", dir.resolve("ceph.conf").toString(), "user", "create", "--uid=" + uid, "--display-name=" + uid,
        "--access-key=" + access, "--secret=" + secret), 60);
    return Map.of("AWS_ACCESS_KEY_ID", access, "AWS_SECRET_ACCESS_KEY", secret);
  }

  private boolean answers() {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(endpoint() + "/").toURL().openConnection();
      c.setConnectTimeout(500);
      c.setReadTimeout(1000);
      c.getResponseCode();
      c.disconnect();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private String log(String name) {
    try {
      String s = Files.readString(dir.resolve("log").resolve(name + ".log"));
      return s.substring(Math.max(0, s.length() - 2000));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public Map<String, String> env() {
    return Map.of("AWS_ACCESS_KEY_ID", ACCESS, "AWS_SECRET_ACCESS_KEY", SECRET);
  }

  private void daemon(List<String> cmd) throws IOException {
    daemons.add(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
  }

  private static String run(List<String> cmd, int seconds) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + " timed out");
    }
    if (p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + new String(out));
    return new String(out);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws IOException {
    for (int i = daemons.size() - 1; i >= 0; i--) {
      Process p = daemons.get(i);
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      try {
        p.waitFor(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (Files.exists(dir)) {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path f : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
      }
    }
  }
}
