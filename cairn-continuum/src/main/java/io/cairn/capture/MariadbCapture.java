package io.cairn.capture;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.backup.Backup;
import io.cairn.engine.backup.Finisher;
import io.cairn.engine.backup.StreamCapture;
import io.cairn.engine.fs.Processes;
import io.cairn.engine.snapshot.Consistency;
import io.cairn.policy.Source;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A logical capture of a MariaDB or MySQL server: {@code mariadb-dump} (or {@code mysqldump}) in
 * one transaction ({@code --single-transaction}: consistent for InnoDB tables), with routines,
 * events and triggers, streamed into the repository. When the binary log is on, the dump's position
 * in it ({@code --master-data=2}) is read from the stream as it passes and recorded, so a later
 * point-in-time recovery knows where to start replaying.
 */
final class MariadbCapture implements Capture {
  private static final Pattern POSITION = Pattern.compile("MASTER_LOG_FILE='([^']+)', MASTER_LOG_POS=(\\d+)");
  /** How much of the dump's start is searched for the position comment (it is in the header). */
  private static final int HEAD = 64 * 1024;
  private final Source.Mariadb source;
  private final String asset;

  MariadbCapture(String asset, Source.Mariadb source) {
    this.asset = asset;
    this.source = source;
  }

  @Override
  public Backup.Result run(Opening repo, Context ctx, Finisher finisher) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    if (source.password() != null) env.put("MYSQL_PWD", source.password().resolve(ctx.env()));
    String client = tool(source.flavor().equals("mysql") ? List.of("mysql", "mariadb") : List.of("mariadb", "mysql"));
    String dump = tool(source.flavor().equals("mysql") ? List.of("mysqldump", "mariadb-dump") : List.of("mariadb-dump", "mysqldump"));
    List<String> conn = new ArrayList<>(List.of("-u", source.user()));
    if (source.socket() != null) {
      conn.addAll(List.of("--socket=" + source.socket()));
    } else {
      conn.addAll(List.of("-h", source.host(), "-P", Integer.toString(source.port()), "--protocol=TCP"));
    }
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("type", source.flavor());
    facts.put("host", source.socket() != null ? source.socket() : source.host() + ":" + source.port());
    List<String> q = new ArrayList<>(List.of(client, "--batch", "--skip-column-names", "--connect-timeout=30"));
    q.addAll(conn);
    q.addAll(List.of("-e", "select version(), @@log_bin"));
    Processes.Result r = Processes.run(q, env, Duration.ofMinutes(1));
    if (r.exitCode() != 0) throw failure(r.stderr());
    String[] cols = r.stdout().strip().split("\t");
    facts.put("server-version", cols[0]);
    boolean binlog = cols.length > 1 && cols[1].equals("1");
    facts.put("tool", Processes.run(List.of(dump, "--version"), Duration.ofSeconds(30)).stdout().strip());
    List<String> cmd = new ArrayList<>(List.of(dump, "--single-transaction", "--quick", "--routines", "--events", "--triggers",
        "--hex-blob"));
    if (binlog) cmd.add("--master-data=2");
    cmd.addAll(conn);
    String name;
    if (source.databases().isEmpty()) {
      cmd.add("--all-databases");
      name = "all-databases.sql";
      facts.put("databases", "all");
    } else {
      cmd.add("--databases");
      cmd.addAll(source.databases());
      name = source.databases().size() == 1 ? source.databases().get(0) + ".sql" : "databases.sql";
      facts.put("databases", String.join(",", source.databases()));
    }
    if (!binlog) facts.put("binlog", "off (no position to record)");
    try (HeadScan p = new HeadScan(cmd, env, source.timeout(), Path.of(dump).getFileName().toString(), facts, binlog)) {
      String reason = "one --single-transaction dump (consistent for transactional tables)"
          + (binlog ? ", its binary log position recorded" : "");
      p.start(); // its start overlaps the repository's preparation
      return new StreamCapture(repo.get(), ctx.tags(), ctx.host(), ctx.progress())
          .finishWith(s -> finisher.finish(s.toBuilder().source(facts).consistency(Consistency.APPLICATION).consistencyReason(reason).build()))
          .run(List.of(new StreamCapture.NamedStream(name, p, p.ended())), facts);
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().contains("exited with")) throw failure(e.getMessage());
      throw e;
    }
  }

  /** The dump's output, its head searched for the binary log position as it passes. */
  private static final class HeadScan extends LazyProcess {
    private final Map<String, String> facts;
    private final boolean binlog;
    private final StringBuilder head = new StringBuilder();
    private boolean found;

    HeadScan(List<String> cmd, Map<String, String> env, Duration timeout, String what, Map<String, String> facts, boolean binlog) {
      super(cmd, env, timeout, what);
      this.facts = facts;
      this.binlog = binlog;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      int start = dst.position();
      int n = super.read(dst);
      if (n > 0 && binlog && !found && head.length() < HEAD) {
        ByteBuffer view = dst.duplicate();
        view.position(start).limit(start + n);
        head.append(StandardCharsets.ISO_8859_1.decode(view));
        Matcher m = POSITION.matcher(head);
        if (m.find()) {
          facts.put("binlog-file", m.group(1));
          facts.put("binlog-position", m.group(2));
          found = true;
        }
      }
      return n;
    }
  }

  private CairnException failure(String stderr) {
    String where = (source.socket() != null ? source.socket() : source.host() + ":" + source.port());
    String what;
    if (stderr.contains("Access denied")) {
      what = "the server at " + where + " refused user " + source.user() + ": check the user and its password reference"
          + (source.password() == null ? " (the source has none)" : " " + source.password());
    } else if (stderr.contains("Can't connect") || stderr.contains("Lost connection")) {
      what = "cannot connect to the server at " + where + ": is it running and reachable?";
    } else if (stderr.contains("Unknown database")) {
      what = stderr.strip() + ": fix 'databases' in the policy";
    } else {
      what = stderr.strip();
    }
    return new CairnException(ErrorCode.IO, "asset " + asset + ": " + what + "; nothing was captured");
  }

  private String tool(List<String> names) {
    for (String n : names) {
      var found = Processes.find(n).or(() -> Processes.find("/usr/bin/" + n));
      if (found.isPresent()) return found.get().toString();
    }
    throw new CairnException(ErrorCode.IO, "asset " + asset + ": none of " + String.join(", ", names)
        + " is installed: install the MariaDB client (mariadb-client); nothing was captured");
  }
}
