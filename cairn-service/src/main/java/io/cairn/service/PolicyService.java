package io.cairn.service;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.policy.Asset;
import io.cairn.policy.Cadence;
import io.cairn.policy.Check;
import io.cairn.policy.Durations;
import io.cairn.policy.Group;
import io.cairn.policy.Hook;
import io.cairn.policy.Policy;
import io.cairn.policy.Problem;
import io.cairn.policy.RepositoryEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds, reads and explains the policy ({@code cairn.yaml}); the policy's repositories are where the
 * other policy services open repositories, with the passwords the policy references.
 */
public final class PolicyService {
  private PolicyService() {}

  /**
   * Where the policy is ({@code --config}, {@code $CAIRN_CONFIG}, {@code ./cairn.yaml},
   * {@code $XDG_CONFIG_HOME/cairn/cairn.yaml}), read and validated.
   */
  public static Policy load(String flag, Map<String, String> env) {
    Optional<Path> file = Policy.locate(flag, env, Path.of("").toAbsolutePath(), Path.of(System.getProperty("user.home")));
    if (file.isEmpty()) {
      throw new CairnException(ErrorCode.CONFIG, "no policy file: pass --config FILE, set CAIRN_CONFIG, or create ./cairn.yaml"
          + " or $XDG_CONFIG_HOME/cairn/cairn.yaml (docs/configuration.md has a complete example)");
    }
    return Policy.load(file.get());
  }

  /**
   * Passwords of the policy's repositories from their references (resolved from {@code env} when a
   * repository is opened); any other location's from {@code fallback}.
   */
  public static Secrets secrets(Policy p, Map<String, String> env, Secrets fallback) {
    return location -> {
      for (RepositoryEntry r : p.repositories().values()) {
        if (r.location().equals(location) && r.password() != null) return r.password().resolve(env).toCharArray();
      }
      return fallback.password(location);
    };
  }

  /**
   * The store settings of the policy's repositories (endpoint, region, credentials from their
   * references, resolved from {@code env} when a repository is opened), by location; empty for others.
   */
  public static StoreFactory.Settings storeSettings(Policy p, Map<String, String> env) {
    return (location, credentials) -> {
      for (RepositoryEntry r : p.repositories().values()) {
        if (r.location().equals(location) && !r.store().equals(RepositoryEntry.Store.NONE)) {
          return r.store().environment(env, credentials);
        }
      }
      return Map.of();
    };
  }

  /**
   * The workspace with the policy's repository passwords and store settings before its own: where the
   * policy's use cases open repositories.
   */
  public static Workspace within(Workspace ws, Policy p, Map<String, String> env) {
    java.util.Set<String> appendOnly = new java.util.HashSet<>();
    for (RepositoryEntry r : p.repositories().values()) if (r.appendOnly()) appendOnly.add(r.location());
    Workspace w = ws.withSecrets(secrets(p, env, ws.secrets())).withStores(ws.stores().withSettings(storeSettings(p, env)));
    return appendOnly.isEmpty() ? w : w.withAppendOnly(appendOnly::contains);
  }

  /**
   * The outcome of {@code policy check}: what the policy holds, its warnings, and what the
   * repositories' history says it cannot meet (a capture that took longer than the RPO).
   */
  public record CheckOutcome(String file, int repositories, int classes, int assets, int groups, List<Problem> warnings,
      List<String> history) {}

  /** Checks the policy alone. */
  public static CheckOutcome check(Policy p) {
    return new CheckOutcome(p.file(), p.repositories().size(), p.classes().size(), p.assets().size(), p.groups().size(), p.warnings(),
        List.of());
  }

  /**
   * Checks the policy against the history of its repositories too; a repository that cannot be
   * read (not created yet, say) adds nothing.
   */
  public static CheckOutcome check(Workspace ws, Policy p, String fallbackRepository, Map<String, String> env) {
    List<String> history;
    try {
      history = new PlanService(ws).run(new PlanService.Request(p, null, fallbackRepository, env), Listener.NONE).warnings();
    } catch (java.io.IOException | RuntimeException e) {
      history = List.of();
    }
    return new CheckOutcome(p.file(), p.repositories().size(), p.classes().size(), p.assets().size(), p.groups().size(), p.warnings(),
        history);
  }

  /** One setting as it applies, and where it came from. */
  public record Setting(String name, String value, String origin) {}

  /** The effective policy of an asset or a group. */
  public record Shown(String name, String kind, String className, String source, String repository, List<String> groups,
      List<String> members, List<Setting> settings, List<String> hooks, List<String> checks) {}

  /** The effective policy of every asset and group, or of the one named. */
  public static List<Shown> show(Policy p, String name) {
    List<Shown> out = new ArrayList<>();
    for (Asset a : p.assets().values()) if (name == null || name.equals(a.name())) out.add(asset(p, a));
    for (Group g : p.groups().values()) if (name == null || name.equals(g.name())) out.add(group(p, g));
    if (out.isEmpty() && name != null) p.asset(name); // names what exists
    return out;
  }

  private static Shown asset(Policy p, Asset a) {
    Policy.Effective e = p.effective(a.name());
    String repo = p.repositoryOf(a).map(RepositoryEntry::name).orElse("(the --repo given)");
    return new Shown(a.name(), "asset", e.className(), a.source().type(), repo, p.groupsOf(a.name()).stream().map(Group::name).toList(),
        List.of(), settings(e), hooks(a.hooks()), checks(a.checks()));
  }

  private static Shown group(Policy p, Group g) {
    Policy.Effective e = p.effectiveGroup(g.name());
    List<String> members = g.members().stream()
        .map(m -> m.after().isEmpty() ? m.asset() : m.asset() + " (restored after " + String.join(", ", m.after()) + ")").toList();
    return new Shown(g.name(), "group", e.className(), null, null, List.of(), members, settings(e), hooks(g.hooks()), checks(g.checks()));
  }

  private static List<Setting> settings(Policy.Effective e) {
    Map<String, Policy.Setting<?>> m = new LinkedHashMap<>();
    m.put("rpo", e.rpo());
    m.put("rto", e.rto());
    m.put("retention", e.retention());
    m.put("consistency", e.consistency());
    m.put("verify", e.verify());
    m.put("drill", e.drill());
    m.put("prune", e.prune());
    m.put("copies", e.copies());
    List<Setting> out = new ArrayList<>();
    m.forEach((k, s) -> out.add(new Setting(k, render(s.value()), s.origin())));
    return out;
  }

  private static String render(Object v) {
    return switch (v) {
      case java.time.Duration d -> Durations.format(d);
      case io.cairn.engine.snapshot.Consistency c -> c.label();
      case Cadence c -> c.toString();
      case List<?> l -> l.isEmpty() ? "none" : String.join("; ", l.stream().map(String::valueOf).toList());
      default -> String.valueOf(v);
    };
  }

  private static List<String> hooks(Hook.Hooks h) {
    List<String> out = new ArrayList<>();
    for (Hook x : h.before()) out.add(hook("before", x));
    for (Hook x : h.after()) out.add(hook("after", x));
    for (Hook x : h.onError()) out.add(hook("on-error", x));
    return out;
  }

  private static String hook(String phase, Hook h) {
    String onFailure = h.retries() > 0 ? "retry " + h.retries() : h.onFailure().name().toLowerCase(java.util.Locale.ROOT);
    return phase + ": " + h.name() + " (timeout " + Durations.format(h.timeout()) + ", on-failure " + onFailure + ")";
  }

  private static List<String> checks(List<Check> checks) {
    return checks.stream().map(c -> switch (c) {
      case Check.Sql s -> "sql: " + s.sql() + " = " + s.expect();
      case Check.Http h -> "http: " + h.url() + " -> " + h.status();
      case Check.Command x -> "command: exit " + x.exit();
      case Check.File f -> "file: " + f.path();
    }).toList();
  }
}
