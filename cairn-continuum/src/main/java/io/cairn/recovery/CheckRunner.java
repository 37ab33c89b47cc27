package io.cairn.recovery;

import io.cairn.engine.evidence.RecoveryRecord;
import io.cairn.engine.fs.Processes;
import io.cairn.policy.Check;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a recovery's checks against what was restored: {@code sql} (the first column of the first row
 * against the expected text), {@code http} (status, and text contained), {@code command} (exit code)
 * and {@code file} (exists, SHA-256). Each has its timeout, after which it fails as hung (its process or
 * query is stopped). Checks may refer to the restored places' variables ({@code ${port}}, and in a
 * group's checks {@code ${ASSET.port}}); a command check sees them as {@code CAIRN_*} variables too.
 */
final class CheckRunner {
  private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)}");
  /** What is kept of a check's output in the evidence. */
  private static final int OUTPUT = 2000;

  private final InstantSource clock;
  private final Map<String, String> env;
  private final Map<String, Place> places;

  CheckRunner(InstantSource clock, Map<String, String> env, Map<String, Place> places) {
    this.clock = clock;
    this.env = env;
    this.places = places;
  }

  /** The variables a check of {@code owner} (an asset, or a group when null is its place) may use. */
  Map<String, String> variables(Place own) {
    Map<String, String> v = new HashMap<>();
    for (Place p : places.values()) p.variables().forEach((k, val) -> v.put(p.asset() + "." + k, val));
    if (own != null) v.putAll(own.variables());
    return v;
  }

  static String expand(String text, Map<String, String> vars) {
    Matcher m = VAR.matcher(text);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      String val = vars.get(m.group(1));
      if (val == null) {
        throw new IllegalArgumentException("unknown variable ${" + m.group(1) + "} (known: " + String.join(", ",
            vars.keySet().stream().sorted().toList()) + ")");
      }
      m.appendReplacement(b, Matcher.quoteReplacement(val));
    }
    m.appendTail(b);
    return b.toString();
  }

  static String describe(Check c) {
    return switch (c) {
      case Check.Sql s -> s.sql();
      case Check.Http h -> h.url();
      case Check.Command k -> Processes.programOf(k.run());
      case Check.File f -> f.path();
    };
  }

  static String kind(Check c) {
    return switch (c) {
      case Check.Sql s -> "sql";
      case Check.Http h -> "http";
      case Check.Command k -> "command";
      case Check.File f -> "file";
    };
  }

  RecoveryRecord.CheckRun run(String owner, Check c, Place own) {
    long t0 = clock.millis();
    boolean ok;
    String out;
    try {
      Map<String, String> vars = variables(own);
      String[] res = switch (c) {
        case Check.Sql s -> sql(s, own, vars);
        case Check.Http h -> http(h, vars);
        case Check.Command k -> command(k, vars);
        case Check.File f -> file(f, vars);
      };
      ok = res[0] != null;
      out = res[0] != null ? res[0] : res[1];
    } catch (IOException | RuntimeException e) {
      ok = false;
      out = e.getMessage() == null ? e.toString() : e.getMessage();
    }
    if (out != null && out.length() > OUTPUT) out = "..." + out.substring(out.length() - OUTPUT);
    return new RecoveryRecord.CheckRun(owner, kind(c), describe(c), ok, Math.max(0, clock.millis() - t0), out);
  }

  /** {passed-output, null} or {null, failed-output}. */
  private static String[] pass(String s) {
    return new String[] {s, null};
  }

  private static String[] fail(String s) {
    return new String[] {null, s};
  }

  private String[] sql(Check.Sql s, Place own, Map<String, String> vars) throws IOException {
    if (own == null || own.type() == null) return fail("an sql check needs a database asset to run against");
    String query = expand(s.sql(), vars);
    int seconds = (int) Math.max(1, s.timeout().toSeconds());
    String got;
    switch (own.type()) {
      case "postgres" -> {
        String db = s.database() != null ? s.database() : own.databases().isEmpty() ? "postgres" : own.databases().get(0);
        try (Connection c = PostgresMember.connect(own.host(), own.port(), own.user(), own.sandbox() ? null : env.get("PGPASSWORD"), db)) {
          got = query(c, query, seconds);
        } catch (SQLException e) {
          return fail(hung(e, s.timeout()));
        }
      }
      case "sqlite" -> {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + own.path() + "?mode=ro")) {
          got = query(c, query, seconds);
        } catch (SQLException e) {
          return fail(hung(e, s.timeout()));
        }
      }
      case "mariadb", "mysql" -> {
        String db = s.database() != null ? s.database() : own.databases().isEmpty() ? null : own.databases().get(0);
        List<String> cmd = new java.util.ArrayList<>(List.of("mariadb", "--no-defaults", "-h", own.host(), "-P", Integer.toString(own.port()),
            "--protocol=TCP", "-u", own.user(), "-N", "-B"));
        if (db != null) cmd.addAll(List.of("-D", db));
        cmd.addAll(List.of("-e", query));
        Processes.Result r;
        try {
          r = Processes.run(cmd, Map.of(), s.timeout());
        } catch (IOException e) {
          return fail(e.getMessage());
        }
        if (r.exitCode() != 0) return fail(r.stderr().strip());
        got = r.stdout().lines().findFirst().map(l -> l.split("\t", -1)[0]).orElse(null);
      }
      default -> {
        return fail("an sql check needs a database asset; " + own.asset() + " is a " + own.type() + " asset");
      }
    }
    String want = s.expect() == null ? null : expand(s.expect(), vars).strip();
    if (want != null && (got == null || !got.strip().equals(want))) {
      return fail("expected " + want + ", got " + (got == null ? "no row" : got.strip()));
    }
    return pass(got == null ? "(no row)" : got.strip());
  }

  private static String query(Connection c, String sql, int seconds) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.setQueryTimeout(seconds);
      try (ResultSet rs = st.executeQuery(sql)) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static String hung(SQLException e, Duration timeout) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    if (m.toLowerCase(java.util.Locale.ROOT).contains("cancel") || m.toLowerCase(java.util.Locale.ROOT).contains("timeout")) {
      return "did not answer within " + timeout.toSeconds() + " s and was cancelled: " + m;
    }
    return m;
  }

  private String[] http(Check.Http h, Map<String, String> vars) throws IOException {
    String url = expand(h.url(), vars);
    HttpClient client = HttpClient.newBuilder().connectTimeout(h.timeout()).followRedirects(HttpClient.Redirect.NORMAL).build();
    try {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(h.timeout()).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != h.status()) return fail(url + " answered " + r.statusCode() + ", expected " + h.status());
      if (h.contains() != null && !r.body().contains(expand(h.contains(), vars))) {
        return fail(url + " answered " + r.statusCode() + " without the text '" + h.contains() + "'");
      }
      return pass(url + " answered " + r.statusCode());
    } catch (java.net.http.HttpTimeoutException e) {
      return fail(url + " did not answer within " + h.timeout().toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted during an http check");
    } catch (IOException | IllegalArgumentException e) {
      return fail(url + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
    } finally {
      client.close();
    }
  }

  /** {@code env} with the variables added as {@code CAIRN_NAME} ({@code shop-db.port} becomes {@code CAIRN_SHOP_DB_PORT}). */
  static Map<String, String> environment(Map<String, String> env, Map<String, String> vars) {
    Map<String, String> e = new HashMap<>(env);
    vars.forEach((name, v) -> e.put("CAIRN_" + name.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_"), v));
    return e;
  }

  private String[] command(Check.Command k, Map<String, String> vars) {
    Map<String, String> e = environment(env, vars);
    try {
      Processes.Result r = Processes.run(List.of("/bin/sh", "-c", expand(k.run(), vars)), e, k.timeout());
      String out = (r.stdout() + r.stderr()).strip();
      if (r.exitCode() != k.exit()) return fail("exited with " + r.exitCode() + ", expected " + k.exit() + (out.isEmpty() ? "" : ": " + out));
      return pass(out.isEmpty() ? "exit code " + r.exitCode() : out);
    } catch (IOException ex) {
      return fail(ex.getMessage());
    }
  }

  private String[] file(Check.File f, Map<String, String> vars) throws IOException {
    Path p = Path.of(expand(f.path(), vars));
    if (!Files.isRegularFile(p)) return fail(p + " does not exist");
    if (f.sha256() == null) return pass(p + " exists");
    long deadline = System.nanoTime() + f.timeout().toNanos();
    try (InputStream in = Files.newInputStream(p)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
        if (System.nanoTime() > deadline) return fail(p + ": not hashed within " + f.timeout().toSeconds() + " s");
      }
      String got = HexFormat.of().formatHex(md.digest());
      return got.equalsIgnoreCase(f.sha256()) ? pass(p + " has SHA-256 " + got) : fail(p + " has SHA-256 " + got + ", expected " + f.sha256());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
