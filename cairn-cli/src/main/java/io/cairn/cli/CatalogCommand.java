package io.cairn.cli;

import io.cairn.catalog.Catalog;
import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.store.LocalObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "catalog", description = {"Keep the catalog true: sync, rebuild, verify, list its repositories.",
    "",
    "The catalog (an SQLite file in Cairn's data folder, or PostgreSQL) indexes every recovery point, copy, check and"
        + " file version of the repositories Cairn knows. It is derived: backup, forget, prune, pin, check and repair"
        + " update it as they go, and it can always be rebuilt from the repositories. Nothing here writes to a repository.",
    "",
    "Repositories: sync and verify visit the one given with --repo alone; without --repo, CAIRN_REPO (if set) and every"
        + " repository the catalog already knows. Rebuild visits --repo (or CAIRN_REPO) and every repository it knew. All are"
        + " opened with the one password given. One that cannot be opened is reported and skipped."},
    subcommands = {CatalogCommand.Sync.class, CatalogCommand.Rebuild.class, CatalogCommand.Verify.class, CatalogCommand.Repos.class})
final class CatalogCommand extends BaseCommand {
  @Override
  public Integer call() {
    spec.commandLine().usage(out());
    return ErrorCode.USAGE.exitCode();
  }

  /**
   * The repositories to visit: the one named (--repo, else CAIRN_REPO), then those the catalog
   * knows. A --repo on the command line stands alone unless {@code always} (rebuild) adds the known
   * ones to it.
   */
  static List<String> targets(BaseCommand cmd, Catalog c, boolean always) {
    boolean known = always || cmd.global.repo == null;
    Set<String> out = new LinkedHashSet<>();
    if (cmd.global.repo != null) out.add(cmd.global.repo.toAbsolutePath().toString());
    else if (System.getenv("CAIRN_REPO") != null && !System.getenv("CAIRN_REPO").isBlank()) {
      out.add(Path.of(System.getenv("CAIRN_REPO")).toAbsolutePath().toString());
    }
    if (known) for (Catalog.RepositoryRow r : c.repositories()) out.add(r.location());
    if (out.isEmpty()) {
      throw new CairnException(ErrorCode.USAGE, "no repositories: pass --repo PATH (the catalog knows none yet)");
    }
    return new ArrayList<>(out);
  }

  static Repository open(BaseCommand cmd, String location) throws IOException {
    Path p = Path.of(location);
    if (!Files.isDirectory(p)) {
      throw new CairnException(ErrorCode.REPOSITORY_NOT_FOUND, "no repository at " + location + " (no such folder)");
    }
    return Repository.open(new LocalObjectStore(p), cmd.global.password(false), Clock.systemUTC());
  }

  /** Syncs each target; failures are collected, not thrown. */
  static int syncAll(BaseCommand cmd, Catalog c, List<String> targets, List<Object> report) {
    int failed = 0;
    for (String t : targets) {
      try (Repository repo = open(cmd, t)) {
        Catalog.SyncReport r = c.sync(repo, t);
        report.add(r);
        cmd.say("%s: %d snapshots, %d added, %d removed, %d files indexed in %d new trees, %d checks (%s)", t, r.snapshots(), r.added(),
            r.removed(), r.filesIndexed(), r.treesIndexed(), r.verificationsAdded(), seconds(r.millis()));
      } catch (IOException | RuntimeException e) {
        failed++;
        String why = e instanceof IOException io ? Main.describe(io) : e.getMessage();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("location", t);
        m.put("error", why);
        report.add(m);
        cmd.err().println("cairn: " + t + ": not synchronized: " + why);
        for (Catalog.RepositoryRow r : c.repositories()) if (r.location().equals(t)) c.syncFailed(r.id(), why);
      }
    }
    return failed;
  }

  @Command(name = "sync", description = {"Bring the catalog up to date with the repositories (incremental).",
      "",
      "With --repo, that repository alone (added to the catalog if it is new); without, every repository the catalog knows"
          + " (and CAIRN_REPO)."})
  static final class Sync extends BaseCommand {
    @Option(names = "--role", paramLabel = "ROLE", description = "Label the --repo repository's role (for example primary, copy, archive).")
    String role;

    @Option(names = "--tier", paramLabel = "TIER", description = "Label the --repo repository's storage tier (for example local, s3-standard, glacier).")
    String tier;

    @Override
    public Integer call() throws Exception {
      if ((role != null || tier != null) && global.repo == null) {
        throw new CairnException(ErrorCode.USAGE, "--role and --tier label the repository given with --repo");
      }
      try (Catalog c = openCatalog()) {
        List<Object> report = new ArrayList<>();
        int failed = syncAll(this, c, targets(this, c, false), report);
        if (role != null || tier != null) {
          String loc = global.repo.toAbsolutePath().toString();
          for (Catalog.RepositoryRow r : c.repositories()) if (r.location().equals(loc)) c.label(r.id(), role, tier);
        }
        if (global.json) printJson(report);
        return failed == 0 ? 0 : ErrorCode.PARTIAL.exitCode();
      }
    }
  }

  @Command(name = "rebuild", description = {"Recreate the catalog from the repositories alone.",
      "",
      "Empties the catalog (or creates it, if it was deleted or is new) and synchronizes every repository named with"
          + " --repo and every one it knew."})
  static final class Rebuild extends BaseCommand {
    @Override
    public Integer call() throws Exception {
      try (Catalog c = openCatalog()) {
        List<String> t = targets(this, c, true);
        c.clear();
        List<Object> report = new ArrayList<>();
        int failed = syncAll(this, c, t, report);
        if (global.json) printJson(report);
        return failed == 0 ? 0 : ErrorCode.PARTIAL.exitCode();
      }
    }
  }

  @Command(name = "verify", description = {"Report drift between the catalog and the repositories; change nothing.",
      "",
      "Names points whose data is gone from a repository, snapshots missing from the catalog, and copies that differ."
          + " Exit 0 when the catalog is true, 3 when it drifted ('cairn catalog sync' fixes it)."})
  static final class Verify extends BaseCommand {
    @Override
    public Integer call() throws Exception {
      try (Catalog c = openCatalog()) {
        List<Object> report = new ArrayList<>();
        int drifted = 0;
        int failed = 0;
        for (String t : targets(this, c, false)) {
          try (Repository repo = open(this, t)) {
            Catalog.Drift d = c.verify(repo, t);
            report.add(d);
            if (!d.clean()) drifted++;
            say("%s: %s", t, d.clean() ? "in sync" : d.goneFromRepository().size() + " point copies gone from the repository, "
                + d.missingFromCatalog().size() + " snapshots missing from the catalog, " + d.differing().size() + " differ");
            for (String s : d.goneFromRepository()) say("  gone:    %s", s.substring(0, 8));
            for (String s : d.missingFromCatalog()) say("  missing: %s", s.substring(0, 8));
            for (String s : d.differing()) say("  differs: %s", s.substring(0, 8));
          } catch (IOException | RuntimeException e) {
            failed++;
            String why = e instanceof IOException io ? Main.describe(io) : e.getMessage();
            err().println("cairn: " + t + ": cannot verify: " + why);
          }
        }
        if (global.json) printJson(report);
        return drifted > 0 || failed > 0 ? ErrorCode.PARTIAL.exitCode() : 0;
      }
    }
  }

  @Command(name = "repos", description = "List the repositories the catalog knows.")
  static final class Repos extends BaseCommand {
    @Override
    public Integer call() throws Exception {
      try (Catalog c = openCatalog()) {
        List<Catalog.RepositoryRow> rows = c.repositories();
        if (global.json) {
          printJson(rows);
        } else {
          for (Catalog.RepositoryRow r : rows) {
            say("%s  %s%s  %d snapshots, last sync %s (%s)", r.id().substring(0, 8), r.location(),
                (r.role() == null ? "" : "  role " + r.role()) + (r.tier() == null ? "" : "  tier " + r.tier()), r.snapshots(),
                r.lastSync() == null ? "never" : SnapshotsCommand.TIME.format(r.lastSync()), r.lastSyncStatus());
          }
          say("%d repositories in %s", rows.size(), c.store().location());
        }
        return 0;
      }
    }
  }
}
