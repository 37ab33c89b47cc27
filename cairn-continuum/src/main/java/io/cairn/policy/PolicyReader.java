package io.cairn.policy;

import io.cairn.engine.snapshot.Consistency;
import java.io.Reader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates {@code cairn.yaml} into a {@link Policy}: every problem at once, each with its
 * line and column and what was expected; nothing half-valid gets out.
 */
final class PolicyReader {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Set<String> TOP = Set.of("repositories", "classes", "assets", "groups");
  private static final Set<String> REPO = Set.of("location", "password", "role", "append-only", "endpoint", "region", "access-key",
      "secret-key");
  private static final Set<String> CLASS = Set.of("rpo", "rto", "retention", "consistency", "verify", "drill", "prune", "copies",
      "tiering");
  private static final Set<String> ASSET = Set.of("class", "source", "repository", "rpo", "rto", "retention", "consistency", "verify",
      "drill", "copies", "hooks", "checks", "tags");
  private static final Set<String> GROUP = Set.of("class", "members", "hooks", "checks");
  private static final Set<String> RETENTION = Set.of("keep-last", "keep-hourly", "keep-daily", "keep-weekly", "keep-monthly",
      "keep-yearly", "keep-within");
  private static final Set<String> HOOK = Set.of("run", "timeout", "on-failure", "quiesce");
  private static final Set<String> HOOKS = Set.of("before", "after", "on-error", "cutover");
  private static final Duration DEFAULT_HOOK_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration DEFAULT_CHECK_TIMEOUT = Duration.ofMinutes(1);
  private static final Duration DEFAULT_DUMP_TIMEOUT = Duration.ofHours(24);

  private final String file;
  private final List<Problem> problems = new ArrayList<>();
  private final List<Problem> warnings = new ArrayList<>();
  /** Every asset name written, valid or not: a group naming one with a problem of its own is not reported again. */
  private final java.util.Set<String> declaredAssets = new java.util.HashSet<>();

  private PolicyReader(String file) {
    this.file = file;
  }

  static Policy read(Reader in, String file) {
    return new PolicyReader(file).read(Node.parse(in, file));
  }

  private Policy read(Node root) {
    if (!(root instanceof Node.Mapping top)) {
      throw new PolicyException(List.of(new Problem(root.where(), "the policy must be a mapping with repositories, classes, assets and groups")));
    }
    Fields f = new Fields(top, "the policy", problems).only(TOP);
    Map<String, RepositoryEntry> repos = new LinkedHashMap<>();
    Map<String, Node.Mapping> classNodes = new LinkedHashMap<>();
    eachNamed(f, "repositories", "repository", (name, m) -> repos.put(name, repository(name, m)));
    eachNamed(f, "classes", "class", classNodes::put);
    Map<String, ProtectionClass> classes = new LinkedHashMap<>(ProtectionClass.builtIn());
    for (var e : classNodes.entrySet()) classes.put(e.getKey(), protectionClass(e.getKey(), e.getValue(), classes.get(e.getKey())));
    Map<String, Asset> assets = new LinkedHashMap<>();
    Node.Mapping assetNodes = f.node("assets") instanceof Node.Mapping am ? am : null;
    if (assetNodes != null) declaredAssets.addAll(assetNodes.entries().keySet());
    eachNamed(f, "assets", "asset", (name, m) -> {
      Asset a = asset(name, m, classes, repos);
      if (a != null) assets.put(name, a);
    });
    Map<String, Group> groups = new LinkedHashMap<>();
    eachNamed(f, "groups", "group", (name, m) -> {
      if (declaredAssets.contains(name)) problems.add(new Problem(m.where(), "group '" + name + "' has the name of an asset; names of assets and groups must differ"));
      Group g = group(name, m, classes, assets, f);
      if (g != null) groups.put(name, g);
    });
    checkRepositories(repos, assets);
    String primary = repos.values().stream().filter(r -> r.role() == RepositoryEntry.Role.PRIMARY).map(RepositoryEntry::name).findFirst()
        .orElse("(the --repo given)");
    for (Group g : groups.values()) {
      java.util.Set<String> where = new java.util.TreeSet<>();
      for (String a : g.assets()) {
        Asset asset = assets.get(a);
        if (asset != null) where.add(asset.repository() != null ? asset.repository() : primary);
      }
      if (where.size() > 1) {
        problems.add(new Problem(g.where(), "the members of group '" + g.name() + "' go to different repositories (" + String.join(", ", where)
            + "); a group point lives in one repository, so give its members the same one"));
      }
    }
    if (!problems.isEmpty()) throw new PolicyException(problems);
    Policy p = new Policy(file, repos, classes, assets, groups, List.of());
    return new Policy(file, repos, classes, assets, groups, retentionWarnings(p));
  }

  private interface NamedReader {
    void read(String name, Node.Mapping m);
  }

  private void eachNamed(Fields f, String key, String what, NamedReader reader) {
    Node.Mapping m = f.mapping(key);
    if (m == null) return;
    for (var e : m.entries().entrySet()) {
      Node.Where kw = m.keys().get(e.getKey());
      if (!NAME.matcher(e.getKey()).matches()) {
        problems.add(new Problem(kw, "'" + e.getKey() + "' is not a valid " + what + " name: letters, digits, '.', '_' and '-', up to 64"));
        continue;
      }
      if (e.getValue() instanceof Node.Mapping v) {
        reader.read(e.getKey(), v);
      } else {
        problems.add(new Problem(e.getValue().where(), what + " '" + e.getKey() + "' must be a mapping of its settings, not "
            + Fields.describe(e.getValue())));
      }
    }
  }

  private RepositoryEntry repository(String name, Node.Mapping m) {
    Fields f = new Fields(m, "repository '" + name + "'", problems).only(REPO);
    String location = f.string("location", true);
    SecretRef pw = secret(f, "password", true);
    String role = f.string("role", false);
    RepositoryEntry.Role r = RepositoryEntry.Role.PRIMARY;
    if (role != null) {
      try {
        r = RepositoryEntry.Role.valueOf(role.toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        f.problem("role", "role of repository '" + name + "' must be primary, copy or archive, not '" + role + "'");
      }
    }
    Boolean appendOnly = f.bool("append-only");
    String endpoint = f.string("endpoint", false);
    String region = f.string("region", false);
    SecretRef accessKey = secret(f, "access-key", false);
    SecretRef secretKey = secret(f, "secret-key", false);
    boolean objectStore = location != null && location.regionMatches(true, 0, "s3:", 0, 3);
    if ((endpoint != null || region != null || accessKey != null || secretKey != null) && location != null && !objectStore) {
      f.problem(endpoint != null ? "endpoint" : region != null ? "region" : accessKey != null ? "access-key" : "secret-key",
          "repository '" + name + "' is a folder (" + location + "): endpoint, region, access-key and secret-key are for s3: locations");
    }
    if (endpoint != null && objectStore && location.regionMatches(true, 0, "s3:http", 0, 7)) {
      f.problem("endpoint", "repository '" + name + "' names its server in its location (" + location + "); 'endpoint' is for"
          + " s3://BUCKET/PREFIX locations: drop one of them");
    } else if (endpoint != null && !endpoint.matches("(?i)https?://[^/\\s]+/?")) {
      f.problem("endpoint", "endpoint of repository '" + name + "' must be http(s)://host[:port], not '" + endpoint + "'");
    }
    if (f.has("access-key") != f.has("secret-key")) {
      f.problem(accessKey != null ? "access-key" : "secret-key", "repository '" + name + "' needs both access-key and secret-key"
          + " (references such as file:/etc/cairn/offsite-key), or neither to use the environment's");
    }
    return new RepositoryEntry(name, location, pw, r, m.where(), appendOnly != null && appendOnly,
        new RepositoryEntry.Store(endpoint, region, accessKey, secretKey));
  }

  private SecretRef secret(Fields f, String key, boolean required) {
    String text = f.string(key, required);
    if (text == null) return null;
    SecretRef ref = SecretRef.parse(text);
    if (ref == null) {
      // the value is not echoed: it may be the secret itself
      f.problem(key, "'" + key + "' in " + f.what + " must be a reference, env:NAME or file:PATH; a secret is never written in the policy");
    }
    return ref;
  }

  private ProtectionClass protectionClass(String name, Node.Mapping m, ProtectionClass base) {
    Fields f = new Fields(m, "class '" + name + "'", problems).only(CLASS);
    Overrides o = overrides(f);
    Cadence prune = f.cadence("prune");
    Set<String> given = new LinkedHashSet<>(m.entries().keySet());
    given.retainAll(CLASS);
    if (base == null) {
      for (String required : List.of("rpo", "retention")) {
        if (!f.has(required)) problems.add(new Problem(m.where(), "class '" + name + "' is not built in, so it needs '" + required + "'"));
      }
      base = ProtectionClass.builtIn().get("standard");
    }
    List<ProtectionClass.TierRule> tiering = new ArrayList<>(base.tiering());
    Node tn = f.node("tiering");
    if (tn != null) {
      tiering.clear();
      if (tn instanceof Node.Sequence q) {
        for (Node item : q.items()) {
          if (item instanceof Node.Mapping im) {
            Fields tf = new Fields(im, "a tiering rule of " + f.what, problems).only(Set.of("after", "to"));
            Duration after = tf.duration("after", true, false);
            String to = tf.string("to", true);
            if (after != null && to != null) tiering.add(new ProtectionClass.TierRule(after, to));
            copyTargets.add(new Ref(to, tf.at("to"), f.what));
          } else {
            problems.add(new Problem(item.where(), "a tiering rule must be a mapping like { after: 30d, to: archive }"));
          }
        }
      } else {
        f.problem("tiering", "'tiering' in " + f.what + " must be a list of { after: DURATION, to: REPOSITORY }");
      }
    }
    return new ProtectionClass(name, or(o.rpo(), base.rpo()), or(o.rto(), base.rto()), or(o.retention(), base.retention()),
        or(o.consistency(), base.consistency()), or(o.verify(), base.verify()), or(o.drill(), base.drill()), or(prune, base.prune()),
        or(o.copies(), base.copies()), given, m.where(), tiering);
  }

  private static <T> T or(T a, T b) {
    return a != null ? a : b;
  }

  private Overrides overrides(Fields f) {
    Duration rpo = f.duration("rpo", false, false);
    Duration rto = f.duration("rto", false, false);
    ProtectionClass.Retention ret = null;
    Node.Mapping rm = f.mapping("retention");
    if (rm != null) {
      Fields r = new Fields(rm, "the retention of " + f.what, problems).only(RETENTION);
      ret = new ProtectionClass.Retention(count(r, "keep-last"), count(r, "keep-hourly"), count(r, "keep-daily"), count(r, "keep-weekly"),
          count(r, "keep-monthly"), count(r, "keep-yearly"), r.duration("keep-within", false, false));
      if (ret.isEmpty()) {
        problems.add(new Problem(rm.where(), "the retention of " + f.what + " keeps nothing; set at least one keep-* rule"));
      }
    }
    Consistency c = null;
    String ct = f.string("consistency", false);
    if (ct != null) {
      try {
        c = Consistency.of(ct);
      } catch (IllegalArgumentException e) {
        f.problem("consistency", "'consistency' in " + f.what + " must be crash, application or group, not '" + ct + "'");
      }
    }
    List<ProtectionClass.CopyRule> copies = null;
    Node cn = f.node("copies");
    if (cn != null) {
      copies = new ArrayList<>();
      if (cn instanceof Node.Sequence q) {
        for (Node item : q.items()) {
          if (item instanceof Node.Mapping im) {
            Fields cf = new Fields(im, "a copy rule of " + f.what, problems).only(Set.of("to", "within"));
            String to = cf.string("to", true);
            Duration within = cf.duration("within", false, false);
            if (to != null) copies.add(new ProtectionClass.CopyRule(to, within == null ? Duration.ofDays(1) : within));
            copyTargets.add(new Ref(to, cf.at("to"), f.what));
          } else {
            problems.add(new Problem(item.where(), "a copy rule must be a mapping like { to: offsite, within: 1h }"));
          }
        }
      } else {
        f.problem("copies", "'copies' in " + f.what + " must be a list of { to: REPOSITORY, within: DURATION }");
      }
    }
    return new Overrides(rpo, rto, ret, c, f.cadence("verify"), f.cadence("drill"), copies);
  }

  private record Ref(String name, Node.Where where, String from) {}

  private final List<Ref> copyTargets = new ArrayList<>();

  private int count(Fields r, String key) {
    Integer v = r.integer(key, -1, 100_000);
    return v == null ? 0 : v;
  }

  private Asset asset(String name, Node.Mapping m, Map<String, ProtectionClass> classes, Map<String, RepositoryEntry> repos) {
    Fields f = new Fields(m, "asset '" + name + "'", problems).only(ASSET);
    String cls = f.string("class", false);
    if (cls == null) cls = "standard";
    else if (!classes.containsKey(cls)) f.problem("class", "asset '" + name + "' names class '" + cls + "', which is not defined; known: "
        + String.join(", ", classes.keySet()));
    String repo = f.string("repository", false);
    if (repo != null && !repos.containsKey(repo)) {
      f.problem("repository", "asset '" + name + "' names repository '" + repo + "', which is not defined under repositories");
    }
    Overrides o = overrides(f);
    Source src = null;
    int before = problems.size();
    Node.Mapping sm = f.mapping("source");
    if (sm != null) src = source(name, sm);
    if (src == null && problems.size() == before) {
      // no source, an empty one, or one that failed without saying why: never an asset silently dropped
      problems.add(new Problem(f.at("source"), "asset '" + name + "' needs a 'source' with a type (files, postgres, mariadb, mysql,"
          + " sqlite or command)"));
    }
    Hook.Hooks hooks = hooks(f, "asset '" + name + "'");
    List<Check> checks = checks(f);
    List<String> tags = f.strings("tags", false);
    return src == null ? null : new Asset(name, cls, src, repo, o, hooks, checks, tags, m.where());
  }

  private Source source(String asset, Node.Mapping m) {
    String what = "the source of asset '" + asset + "'";
    Fields f = new Fields(m, what, problems);
    String type = f.string("type", true);
    if (type == null) return null;
    switch (type) {
      case "files" -> {
        f.only(Set.of("type", "paths", "exclude", "one-file-system"));
        List<String> paths = f.strings("paths", true);
        for (String p : paths) if (!p.startsWith("/")) f.problem("paths", "path '" + p + "' in " + what + " must be absolute");
        if (f.has("paths") && paths.isEmpty()) f.problem("paths", what + " lists no paths");
        Boolean ofs = f.bool("one-file-system");
        return new Source.Files(paths.stream().map(Path::of).toList(), f.strings("exclude", false), ofs != null && ofs);
      }
      case "postgres", "postgresql" -> {
        f.only(Set.of("type", "host", "port", "user", "password", "databases", "globals", "bin", "timeout"));
        String host = f.string("host", false);
        Integer port = f.integer("port", 1, 65535);
        String user = f.string("user", false);
        SecretRef pw = secret(f, "password", false);
        Boolean globals = f.bool("globals");
        String bin = f.string("bin", false);
        Duration timeout = f.duration("timeout", false, false);
        distinct(f, "databases");
        return new Source.Postgres(host == null ? "127.0.0.1" : host, port == null ? 5432 : port, user == null ? "postgres" : user, pw,
            f.strings("databases", false), globals == null || globals, bin == null ? null : Path.of(bin),
            timeout == null ? DEFAULT_DUMP_TIMEOUT : timeout);
      }
      case "mariadb", "mysql" -> {
        f.only(Set.of("type", "host", "port", "socket", "user", "password", "databases", "timeout"));
        String host = f.string("host", false);
        Integer port = f.integer("port", 1, 65535);
        String user = f.string("user", false);
        Duration timeout = f.duration("timeout", false, false);
        distinct(f, "databases");
        return new Source.Mariadb(type, host == null ? "127.0.0.1" : host, port == null ? 3306 : port, f.string("socket", false),
            user == null ? "root" : user, secret(f, "password", false), f.strings("databases", false),
            timeout == null ? DEFAULT_DUMP_TIMEOUT : timeout);
      }
      case "sqlite" -> {
        f.only(Set.of("type", "path", "temp"));
        String path = f.string("path", true);
        String temp = f.string("temp", false);
        if (path != null && !path.startsWith("/")) f.problem("path", "path '" + path + "' in " + what + " must be absolute");
        return path == null ? null : new Source.Sqlite(Path.of(path), temp == null ? null : Path.of(temp));
      }
      case "command" -> {
        f.only(Set.of("type", "command", "filename", "timeout", "consistent", "restore"));
        String cmd = f.string("command", true);
        String restore = f.string("restore", false);
        String filename = f.string("filename", true);
        if (filename != null && (filename.contains("/") || filename.equals(".") || filename.equals(".."))) {
          f.problem("filename", "'filename' in " + what + " must be one name without '/', not '" + filename + "'");
        }
        Duration timeout = f.duration("timeout", false, false);
        Boolean consistent = f.bool("consistent");
        return cmd == null || filename == null ? null
            : new Source.Command(cmd, filename, timeout == null ? DEFAULT_DUMP_TIMEOUT : timeout, consistent != null && consistent,
                restore);
      }
      default -> {
        f.problem("type", "unknown source type '" + type + "' in " + what + "; expected files, postgres, mariadb, mysql, sqlite or command");
        return null;
      }
    }
  }

  private void distinct(Fields f, String key) {
    List<String> v = f.strings(key, false);
    if (new java.util.HashSet<>(v).size() != v.size()) f.problem(key, "'" + key + "' in " + f.what + " lists a name twice");
    for (String d : v) if (d.isBlank() || d.contains("/")) f.problem(key, "'" + d + "' in '" + key + "' of " + f.what + " is not a database name");
  }

  private Hook.Hooks hooks(Fields f, String owner) {
    Node.Mapping m = f.mapping("hooks");
    if (m == null) return Hook.Hooks.NONE;
    Fields h = new Fields(m, "the hooks of " + owner, problems).only(HOOKS);
    return new Hook.Hooks(hookList(h, "before", owner), hookList(h, "after", owner), hookList(h, "on-error", owner),
        hookList(h, "cutover", owner));
  }

  private List<Hook> hookList(Fields h, String phase, String owner) {
    Node n = h.node(phase);
    if (n == null) return List.of();
    List<Node> items = n instanceof Node.Sequence q ? q.items() : List.of(n);
    List<Hook> out = new ArrayList<>();
    for (Node item : items) {
      if (!(item instanceof Node.Mapping m)) {
        problems.add(new Problem(item.where(), "a " + phase + " hook of " + owner + " must be a mapping like { run: COMMAND, timeout: 30s }"));
        continue;
      }
      Fields f = new Fields(m, "a " + phase + " hook of " + owner, problems).only(HOOK);
      String run = f.string("run", true);
      Duration timeout = f.duration("timeout", false, false);
      String onFailure = f.string("on-failure", false);
      Hook.OnFailure policy = phase.equals("before") ? Hook.OnFailure.ABORT : Hook.OnFailure.CONTINUE;
      int retries = 0;
      if (onFailure != null) {
        var retry = Pattern.compile("retry\\s+(\\d{1,2})").matcher(onFailure.strip());
        if (onFailure.equals("abort")) {
          policy = Hook.OnFailure.ABORT;
        } else if (onFailure.equals("continue")) {
          policy = Hook.OnFailure.CONTINUE;
        } else if (retry.matches()) {
          retries = Integer.parseInt(retry.group(1));
          policy = Hook.OnFailure.ABORT;
        } else {
          f.problem("on-failure", "'on-failure' of a hook must be abort, continue or retry N (N from 1 to 99), not '" + onFailure + "'");
        }
      }
      Boolean quiesce = f.bool("quiesce");
      if (run != null) {
        out.add(new Hook(run, timeout == null ? DEFAULT_HOOK_TIMEOUT : timeout, policy, retries, quiesce == null || quiesce, m.where()));
      }
    }
    return out;
  }

  private List<Check> checks(Fields f) {
    Node n = f.node("checks");
    if (n == null) return List.of();
    if (!(n instanceof Node.Sequence q)) {
      f.problem("checks", "'checks' in " + f.what + " must be a list of checks (sql, http, command or file)");
      return List.of();
    }
    List<Check> out = new ArrayList<>();
    for (Node item : q.items()) {
      if (!(item instanceof Node.Mapping m)) {
        problems.add(new Problem(item.where(), "a check must be a mapping with one of sql, http, command or file"));
        continue;
      }
      Set<String> kinds = new HashSet<>(m.entries().keySet());
      kinds.retainAll(Set.of("sql", "http", "command", "file"));
      if (kinds.size() != 1) {
        problems.add(new Problem(m.where(), "a check must have exactly one of sql, http, command or file, found "
            + (kinds.isEmpty() ? "none" : String.join(" and ", kinds.stream().sorted().toList()))));
        continue;
      }
      String kind = kinds.iterator().next();
      Fields c = new Fields(m, "a " + kind + " check of " + f.what, problems);
      Duration timeout = c.duration("timeout", false, false);
      if (timeout == null) timeout = DEFAULT_CHECK_TIMEOUT;
      switch (kind) {
        case "sql" -> {
          c.only(Set.of("sql", "expect", "database", "timeout"));
          String sql = c.string("sql", true);
          if (sql != null) out.add(new Check.Sql(sql, c.string("expect", true), c.string("database", false), timeout));
        }
        case "http" -> {
          c.only(Set.of("http", "status", "contains", "timeout"));
          String url = c.string("http", true);
          if (url != null && !url.startsWith("http://") && !url.startsWith("https://")) {
            c.problem("http", "the URL of an http check must start with http:// or https://, not '" + url + "'");
          }
          Integer status = c.integer("status", 100, 599);
          if (url != null) out.add(new Check.Http(url, status == null ? 200 : status, c.string("contains", false), timeout));
        }
        case "command" -> {
          c.only(Set.of("command", "exit", "timeout"));
          String run = c.string("command", true);
          Integer exit = c.integer("exit", 0, 255);
          if (run != null) out.add(new Check.Command(run, exit == null ? 0 : exit, timeout));
        }
        default -> {
          c.only(Set.of("file", "sha256", "timeout"));
          String path = c.string("file", true);
          String sha = c.string("sha256", false);
          if (sha != null && !sha.matches("[0-9a-fA-F]{64}")) c.problem("sha256", "'sha256' of a file check must be 64 hex digits");
          if (path != null) out.add(new Check.File(path, sha, timeout));
        }
      }
    }
    return out;
  }

  private Group group(String name, Node.Mapping m, Map<String, ProtectionClass> classes, Map<String, Asset> assets, Fields top) {
    Fields f = new Fields(m, "group '" + name + "'", problems).only(GROUP);
    String cls = f.string("class", false);
    if (cls != null && !classes.containsKey(cls)) f.problem("class", "group '" + name + "' names class '" + cls + "', which is not defined");
    Node mn = f.node("members");
    List<Group.Member> members = new ArrayList<>();
    Map<String, Node.Where> at = new HashMap<>();
    if (!(mn instanceof Node.Sequence q) || q.items().isEmpty()) {
      if (mn == null) problems.add(new Problem(m.where(), "group '" + name + "' needs 'members'"));
      else f.problem("members", "'members' of group '" + name + "' must be a list of assets");
    } else {
      for (Node item : q.items()) {
        String asset = null;
        List<String> after = List.of();
        if (item instanceof Node.Scalar s && s.text() != null) {
          asset = s.text();
        } else if (item instanceof Node.Mapping im) {
          Fields mf = new Fields(im, "a member of group '" + name + "'", problems).only(Set.of("asset", "after"));
          asset = mf.string("asset", true);
          after = mf.strings("after", false);
        } else {
          problems.add(new Problem(item.where(), "a member of group '" + name + "' is an asset name or { asset: NAME, after: [NAMES] }"));
        }
        if (asset == null) continue;
        if (!declaredAssets.contains(asset)) {
          problems.add(new Problem(item.where(), "group '" + name + "' lists asset '" + asset + "', which is not defined under assets"));
        }
        if (at.containsKey(asset)) problems.add(new Problem(item.where(), "group '" + name + "' lists asset '" + asset + "' twice"));
        at.put(asset, item.where());
        members.add(new Group.Member(asset, after));
      }
      for (Group.Member mem : members) {
        for (String a : mem.after()) {
          if (!at.containsKey(a)) {
            problems.add(new Problem(at.get(mem.asset()), "member '" + mem.asset() + "' of group '" + name + "' is to be restored after '" + a
                + "', which is not a member of the group"));
          }
        }
      }
      List<String> cycle = cycle(members);
      if (!cycle.isEmpty()) {
        problems.add(new Problem(f.at("members"), "the restore order of group '" + name + "' has a cycle: " + String.join(" -> ", cycle)
            + "; 'after' must not lead back to a member"));
      }
    }
    return new Group(name, cls, members, hooks(f, "group '" + name + "'"), checks(f), m.where());
  }

  /** A cycle in the members' {@code after} relation, as a path that returns to its start; empty when none. */
  static List<String> cycle(List<Group.Member> members) {
    Map<String, List<String>> edges = new LinkedHashMap<>();
    for (Group.Member m : members) edges.put(m.asset(), m.after());
    Map<String, Integer> state = new HashMap<>(); // 1 on the path, 2 done
    for (String start : edges.keySet()) {
      List<String> path = new ArrayList<>();
      if (dfs(start, edges, state, path)) return path;
    }
    return List.of();
  }

  private static boolean dfs(String n, Map<String, List<String>> edges, Map<String, Integer> state, List<String> path) {
    Integer s = state.get(n);
    if (s != null && s == 2) return false;
    if (s != null && s == 1) {
      int from = path.indexOf(n);
      List<String> loop = new ArrayList<>(path.subList(from, path.size()));
      loop.add(n);
      path.clear();
      path.addAll(loop);
      return true;
    }
    state.put(n, 1);
    path.add(n);
    for (String next : edges.getOrDefault(n, List.of())) {
      if (edges.containsKey(next) && dfs(next, edges, state, path)) return true;
    }
    path.remove(path.size() - 1);
    state.put(n, 2);
    return false;
  }

  private void checkRepositories(Map<String, RepositoryEntry> repos, Map<String, Asset> assets) {
    long primaries = repos.values().stream().filter(r -> r.role() == RepositoryEntry.Role.PRIMARY).count();
    if (primaries > 1) {
      for (Asset a : assets.values()) {
        if (a.repository() == null) {
          problems.add(new Problem(a.where(), "asset '" + a.name() + "' names no repository and the policy has " + primaries
              + " primary repositories; add 'repository: NAME' to the asset"));
        }
      }
    }
    for (Ref r : copyTargets) {
      if (r.name() == null) continue;
      RepositoryEntry e = repos.get(r.name());
      if (e == null) {
        problems.add(new Problem(r.where(), "a copy rule of " + r.from() + " copies to repository '" + r.name() + "', which is not defined under repositories"));
      } else if (e.role() == RepositoryEntry.Role.PRIMARY) {
        problems.add(new Problem(r.where(), "a copy rule of " + r.from() + " copies to '" + r.name() + "', a primary repository; copies go to a repository with role copy or archive"));
      }
    }
  }

  /** Retention that keeps no point as old as the RPO: between captures there could be none at all. */
  private List<Problem> retentionWarnings(Policy p) {
    for (Asset a : p.assets().values()) {
      Policy.Effective e = p.effective(a.name());
      Duration rpo = e.rpo().value();
      Duration reach = e.retention().value().reach(rpo);
      if (reach.compareTo(rpo) < 0) {
        warnings.add(new Problem(a.where(), "asset '" + a.name() + "': its retention (" + e.retention().value() + ") keeps points for at most "
            + Durations.format(reach) + ", less than its RPO of " + Durations.format(rpo) + ", so between captures it may have no point at all"));
      }
    }
    return warnings;
  }
}
