package io.cairn.cli;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import java.io.Console;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import io.cairn.policy.RepositoryEntry;
import io.cairn.service.PolicyService;
import io.cairn.service.Secrets;
import picocli.CommandLine.Option;

/** Options every command shares: where the repository is, how to get its password, output form. */
final class GlobalOptions {
  @Option(names = {"-r", "--repo"}, paramLabel = "LOCATION", description = "Repository: a folder or a file: URI (default: $CAIRN_REPO).")
  String repo;

  @Option(names = "--password-file", paramLabel = "FILE", description = "Read the password from FILE (default: $CAIRN_PASSWORD_FILE; else $CAIRN_PASSWORD; else a prompt on a terminal).")
  Path passwordFile;

  @Option(names = "--catalog", paramLabel = "PATH|URL", description = "The catalog: an SQLite file or a jdbc:postgresql: URL"
      + " (default: $CAIRN_CATALOG, else $XDG_DATA_HOME/cairn/catalog.db); 'off' keeps commands from updating it.")
  String catalog;

  @Option(names = "--config", paramLabel = "FILE", description = "The policy (default: $CAIRN_CONFIG, else ./cairn.yaml, else"
      + " $XDG_CONFIG_HOME/cairn/cairn.yaml); --repo may then name one of its repositories.")
  String config;

  @Option(names = "--json", description = "Print machine-readable JSON on stdout.")
  boolean json;

  @Option(names = {"-q", "--quiet"}, description = "Print nothing but errors (and --json output).")
  boolean quiet;

  @Option(names = "--debug", description = "Print stack traces of errors.")
  boolean debug;

  /** Takes what is unset here from the options of an enclosing command. */
  void inheritFrom(GlobalOptions outer) {
    if (repo == null) repo = outer.repo;
    if (passwordFile == null) passwordFile = outer.passwordFile;
    if (catalog == null) catalog = outer.catalog;
    if (config == null) config = outer.config;
    json |= outer.json;
    quiet |= outer.quiet;
    debug |= outer.debug;
  }

  /** The catalog to use: --catalog, $CAIRN_CATALOG, else the file in Cairn's data folder; null when "off". */
  String catalog() {
    String c = catalog != null ? catalog : System.getenv("CAIRN_CATALOG");
    if (c == null || c.isBlank()) {
      String data = System.getenv("XDG_DATA_HOME");
      Path base = data != null && !data.isBlank() ? Path.of(data) : Path.of(System.getProperty("user.home"), ".local", "share");
      return base.resolve("cairn").resolve("catalog.db").toString();
    }
    return c.equals("off") ? null : c;
  }

  /** The repository's location: --repo, else $CAIRN_REPO (either may name a repository of the policy). */
  String repo() {
    String r = repoOrNull();
    if (r == null) throw new CairnException(ErrorCode.USAGE, "no repository given: pass --repo PATH or set CAIRN_REPO");
    return r;
  }

  /** The repository --repo names on the command line (not $CAIRN_REPO); null when the flag is not given. */
  String repoFlag() {
    return repo == null ? null : repoOrNull();
  }

  /** The repository named on the command line or in $CAIRN_REPO; null when neither. */
  String repoOrNull() {
    String r = repo != null ? repo : System.getenv("CAIRN_REPO");
    if (r == null || r.isBlank()) return null;
    RepositoryEntry named = policyRepository(r);
    if (named != null) namedRepository = named;
    return named != null ? named.location() : r;
  }

  /**
   * A second repository of a command (copy's --to or --from, init's --from-repo): a name of the
   * policy's repositories, else a location.
   */
  String otherRepository(String nameOrLocation) {
    RepositoryEntry e = policyRepository(nameOrLocation);
    return e != null ? e.location() : nameOrLocation;
  }

  /**
   * The password of a second repository: its reference in the policy when it is one of the
   * policy's, else {@code file}, the file named by {@code fileVar}, {@code var}, or a prompt naming it.
   */
  char[] otherPassword(String location, Path file, String flag, String fileVar, String var) {
    Secrets given = l -> secret(file, flag, fileVar, var, "password of " + l, false);
    boolean policy = file == null && (policyLooked || config != null || System.getenv("CAIRN_CONFIG") != null
        || Files.isRegularFile(Path.of("cairn.yaml")));
    if (policy && policy() != null) return PolicyService.secrets(policy(), System.getenv(), given).password(location);
    return given.password(location);
  }

  /** The policy's repository --repo named, if it named one. */
  private RepositoryEntry namedRepository;

  /** The policy, read once per command (null when there is none and none was asked for). */
  private io.cairn.policy.Policy policy;
  private boolean policyLooked;

  io.cairn.policy.Policy policy() {
    if (!policyLooked) {
      policyLooked = true;
      policy = PolicyService.load(config, System.getenv());
    }
    return policy;
  }

  /** A repository of the policy called {@code name} (when the name is not a folder that exists), else null. */
  private RepositoryEntry policyRepository(String name) {
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}") || Files.exists(Path.of(name))) return null;
    boolean asked = config != null || System.getenv("CAIRN_CONFIG") != null;
    if (!asked && !Files.isRegularFile(Path.of("cairn.yaml")) && io.cairn.policy.Policy.locate(null, System.getenv(),
        Path.of("").toAbsolutePath(), Path.of(System.getProperty("user.home"))).isEmpty()) {
      return null;
    }
    return policy().repositories().get(name);
  }

  /** The store settings of a repository (endpoint, region, credentials) when the policy has it, else none. */
  java.util.Map<String, String> storeSettingsFor(String location, boolean credentials) {
    if (policyLooked && policy != null) return PolicyService.storeSettings(policy, System.getenv()).of(location, credentials);
    return java.util.Map.of();
  }

  /** The password of a repository: its reference in the policy when it is one of the policy's, else the usual sources. */
  char[] passwordFor(String location) {
    if (policyLooked && policy != null) return PolicyService.secrets(policy, System.getenv(), l -> password(false)).password(location);
    return password(false);
  }

  /** Asked once per command, however many repositories it opens ('cairn catalog sync'). */
  private char[] password;

  char[] password(boolean confirm) {
    if (password == null && namedRepository != null && namedRepository.password() != null) {
      password = namedRepository.password().resolve(System.getenv()).toCharArray();
    }
    if (password == null) {
      password = secret(passwordFile, "--password-file", "CAIRN_PASSWORD_FILE", "CAIRN_PASSWORD", "repository password", confirm);
    }
    return password.clone();
  }

  /**
   * A password from {@code file} (first line), else the file named by {@code fileVar}, else
   * {@code var}, else a prompt on a terminal (asked twice with {@code confirm}).
   */
  static char[] secret(Path file, String flag, String fileVar, String var, String what, boolean confirm) {
    String envFile = System.getenv(fileVar);
    if (file == null && envFile != null && !envFile.isBlank()) file = Path.of(envFile);
    if (file != null) {
      try {
        String s = Files.readString(file, StandardCharsets.UTF_8);
        int nl = s.indexOf('\n');
        s = nl >= 0 ? s.substring(0, nl) : s;
        if (s.endsWith("\r")) s = s.substring(0, s.length() - 1);
        if (s.isEmpty()) throw new CairnException(ErrorCode.USAGE, "password file " + file + " is empty");
        return s.toCharArray();
      } catch (IOException e) {
        throw new CairnException(ErrorCode.USAGE, "cannot read password file " + file + ": " + Main.describe(e), e);
      }
    }
    String env = System.getenv(var);
    if (env != null) {
      if (env.isEmpty()) throw new CairnException(ErrorCode.USAGE, var + " is set but empty");
      return env.toCharArray();
    }
    Console c = interactiveConsole();
    if (c == null) {
      throw new CairnException(ErrorCode.USAGE,
          "no " + what + ": set " + var + " or " + fileVar + ", or pass " + flag + " (no terminal to ask on)");
    }
    char[] pw = c.readPassword(what + ": ");
    if (pw == null || pw.length == 0) throw new CairnException(ErrorCode.USAGE, "no password entered");
    if (confirm) {
      char[] again = c.readPassword("repeat the " + what + ": ");
      if (again == null || !Arrays.equals(pw, again)) throw new CairnException(ErrorCode.USAGE, "the passwords differ; nothing was changed");
    }
    return pw;
  }

  /** The console when stdin and stdout are a terminal, else null. */
  static Console interactiveConsole() {
    Console c = System.console();
    if (c == null) return null;
    try {
      Method m = Console.class.getMethod("isTerminal"); // Java 22+: a console may exist without a terminal
      if (!(Boolean) m.invoke(c)) return null;
    } catch (ReflectiveOperationException e) {
      // Java 21: System.console() is null without a terminal
    }
    return c;
  }
}
