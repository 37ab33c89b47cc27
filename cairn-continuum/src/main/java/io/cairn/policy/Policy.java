package io.cairn.policy;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.snapshot.Consistency;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The validated, immutable policy: repositories, classes (the built-in ones with the file's
 * overrides), assets and consistency groups, and the warnings found while reading it.
 */
public record Policy(String file, Map<String, RepositoryEntry> repositories, Map<String, ProtectionClass> classes,
    Map<String, Asset> assets, Map<String, Group> groups, List<Problem> warnings) {
  public Policy {
    repositories = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(repositories));
    classes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(classes));
    assets = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(assets));
    groups = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(groups));
    warnings = List.copyOf(warnings);
  }

  /** Reads and validates a policy file; a {@link PolicyException} lists every problem with its line and column. */
  public static Policy load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new CairnException(ErrorCode.CONFIG, "policy file " + file + " does not exist");
    } catch (IOException e) {
      throw new CairnException(ErrorCode.CONFIG, "cannot read policy file " + file + ": " + e.getMessage(), e);
    }
    return read(new StringReader(text), file.toString());
  }

  public static Policy read(Reader in, String name) {
    return PolicyReader.read(in, name);
  }

  /**
   * Where the policy is: {@code flag} (--config), else {@code $CAIRN_CONFIG}, else {@code ./cairn.yaml},
   * else {@code $XDG_CONFIG_HOME/cairn/cairn.yaml} (or {@code ~/.config/cairn/cairn.yaml}); empty when
   * none of them is given or exists.
   */
  public static Optional<Path> locate(String flag, Map<String, String> env, Path cwd, Path home) {
    if (flag != null && !flag.isBlank()) return Optional.of(Path.of(flag));
    String e = env.get("CAIRN_CONFIG");
    if (e != null && !e.isBlank()) return Optional.of(Path.of(e));
    Path local = cwd.resolve("cairn.yaml");
    if (Files.isRegularFile(local)) return Optional.of(local);
    String xdg = env.get("XDG_CONFIG_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".config");
    Path user = base.resolve("cairn").resolve("cairn.yaml");
    return Files.isRegularFile(user) ? Optional.of(user) : Optional.empty();
  }

  /** A setting's effective value and where it came from. */
  public record Setting<T>(T value, String origin) {}

  /** What protects an asset or a group, setting by setting, with where each came from. */
  public record Effective(String subject, String className, Setting<Duration> rpo, Setting<Duration> rto,
      Setting<ProtectionClass.Retention> retention, Setting<Consistency> consistency, Setting<Cadence> verify, Setting<Cadence> drill,
      Setting<Cadence> prune, Setting<List<ProtectionClass.CopyRule>> copies) {}

  public Asset asset(String name) {
    Asset a = assets.get(name);
    if (a == null) {
      throw new CairnException(ErrorCode.NOT_FOUND, "no asset or group '" + name + "' in the policy " + file + " (assets: "
          + String.join(", ", assets.keySet()) + (groups.isEmpty() ? "" : "; groups: " + String.join(", ", groups.keySet())) + ")");
    }
    return a;
  }

  /** The asset's effective protection: its overrides, else its class's settings (from the file, else built in). */
  public Effective effective(String assetName) {
    Asset a = asset(assetName);
    ProtectionClass c = classes.get(a.className());
    Overrides o = a.overrides();
    return new Effective(a.name(), c.name(), pick(o.rpo(), c, "rpo", c.rpo()), pick(o.rto(), c, "rto", c.rto()),
        pick(o.retention(), c, "retention", c.retention()), pick(o.consistency(), c, "consistency", c.consistency()),
        pick(o.verify(), c, "verify", c.verify()), pick(o.drill(), c, "drill", c.drill()), pick(null, c, "prune", c.prune()),
        pick(o.copies(), c, "copies", c.copies()));
  }

  private static <T> Setting<T> pick(T override, ProtectionClass c, String key, T classValue) {
    if (override != null) return new Setting<>(override, "asset override");
    if (c.fromFile().contains(key)) return new Setting<>(classValue, "class " + c.name() + " (" + c.where() + ")");
    return new Setting<>(classValue, "built-in class " + c.name());
  }

  /**
   * A group's effective protection: its class's when it names one, else the strictest of its
   * members' (the shortest RPO, RTO and cadences, the strongest consistency; the retention of the
   * member with the shortest RPO).
   */
  public Effective effectiveGroup(String groupName) {
    Group g = group(groupName);
    if (g.className() != null) {
      ProtectionClass c = classes.get(g.className());
      return new Effective(g.name(), c.name(), pick(null, c, "rpo", c.rpo()), pick(null, c, "rto", c.rto()),
          pick(null, c, "retention", c.retention()), new Setting<>(Consistency.GROUP, "consistency group"),
          pick(null, c, "verify", c.verify()), pick(null, c, "drill", c.drill()), pick(null, c, "prune", c.prune()),
          pick(null, c, "copies", c.copies()));
    }
    List<Effective> ms = new ArrayList<>();
    for (String a : g.assets()) ms.add(effective(a));
    Effective strict = ms.stream().min(Comparator.comparing((Effective e) -> e.rpo().value())).orElseThrow();
    String from = "strictest member " + strict.subject();
    return new Effective(g.name(), strict.className(), new Setting<>(strict.rpo().value(), from),
        new Setting<>(ms.stream().map(e -> e.rto().value()).min(Comparator.naturalOrder()).orElseThrow(), "strictest member"),
        new Setting<>(strict.retention().value(), from), new Setting<>(Consistency.GROUP, "consistency group"),
        new Setting<>(minCadence(ms.stream().map(e -> e.verify().value()).toList()), "strictest member"),
        new Setting<>(minCadence(ms.stream().map(e -> e.drill().value()).toList()), "strictest member"),
        new Setting<>(minCadence(ms.stream().map(e -> e.prune().value()).toList()), "strictest member"),
        new Setting<>(strict.copies().value(), from));
  }

  private static Cadence minCadence(List<Cadence> cs) {
    return cs.stream().filter(c -> !c.never()).min(Comparator.comparing(Cadence::interval)).orElse(Cadence.NEVER);
  }

  public Group group(String name) {
    Group g = groups.get(name);
    if (g == null) throw new CairnException(ErrorCode.NOT_FOUND, "no group '" + name + "' in the policy " + file);
    return g;
  }

  /** The groups an asset is a member of. */
  public List<Group> groupsOf(String asset) {
    return groups.values().stream().filter(g -> g.assets().contains(asset)).toList();
  }

  /**
   * The repository an asset's points go to: its own, else the policy's primary; empty when the
   * policy names none (the caller's --repo then decides).
   */
  public Optional<RepositoryEntry> repositoryOf(Asset a) {
    if (a.repository() != null) return Optional.of(repositories.get(a.repository()));
    return repositories.values().stream().filter(r -> r.role() == RepositoryEntry.Role.PRIMARY).findFirst();
  }
}
