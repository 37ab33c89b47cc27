package io.cairn.cli;

import io.cairn.catalog.Catalog;
import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.service.CatalogService;
import java.util.List;
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

  /** The repository named with --repo or $CAIRN_REPO, if any. */
  static List<String> named(BaseCommand cmd) {
    String r = cmd.global.repoOrNull();
    return r == null ? List.of() : List.of(r);
  }

  /** Prints what became of each repository; returns how many failed. */
  static int report(BaseCommand cmd, List<CatalogService.Synced> synced) {
    int failed = 0;
    for (CatalogService.Synced s : synced) {
      if (!s.ok()) {
        failed++;
        if (!cmd.global.json) cmd.err().println("cairn: " + s.location() + ": not synchronized: " + s.error());
        continue;
      }
      Catalog.SyncReport r = s.report();
      cmd.say("%s: %d snapshots, %d added, %d removed, %d files indexed in %d new trees, %d checks (%s)", s.location(), r.snapshots(),
          r.added(), r.removed(), r.filesIndexed(), r.treesIndexed(), r.verificationsAdded(), seconds(r.millis()));
    }
    if (cmd.global.json) cmd.printJson(synced);
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
      // --repo stands alone; $CAIRN_REPO is visited beside every repository the catalog knows
      List<CatalogService.Synced> r = new CatalogService(workspace()).sync(
          new CatalogService.SyncRequest(named(this), global.repo == null, role, tier), listener());
      return report(this, r) == 0 ? 0 : ErrorCode.PARTIAL.exitCode();
    }
  }

  @Command(name = "rebuild", description = {"Recreate the catalog from the repositories alone.",
      "",
      "Empties the catalog (or creates it, if it was deleted or is new) and synchronizes every repository named with"
          + " --repo and every one it knew."})
  static final class Rebuild extends BaseCommand {
    @Override
    public Integer call() throws Exception {
      List<CatalogService.Synced> r = new CatalogService(workspace()).rebuild(named(this), listener());
      return report(this, r) == 0 ? 0 : ErrorCode.PARTIAL.exitCode();
    }
  }

  @Command(name = "verify", description = {"Report drift between the catalog and the repositories; change nothing.",
      "",
      "Names points whose data is gone from a repository, snapshots missing from the catalog, and copies that differ."
          + " Exit 0 when the catalog is true, 3 when it drifted ('cairn catalog sync' fixes it)."})
  static final class Verify extends BaseCommand {
    @Override
    public Integer call() throws Exception {
      List<CatalogService.Verified> report = new CatalogService(workspace()).verify(
          new CatalogService.VerifyRequest(named(this), global.repo == null));
      int bad = 0;
      for (CatalogService.Verified v : report) {
        if (!v.ok()) {
          bad++;
          if (!global.json) err().println("cairn: " + v.location() + ": cannot verify: " + v.error());
          continue;
        }
        Catalog.Drift d = v.drift();
        if (!d.clean()) bad++;
        say("%s: %s", v.location(), d.clean() ? "in sync" : d.goneFromRepository().size() + " point copies gone from the repository, "
            + d.missingFromCatalog().size() + " snapshots missing from the catalog, " + d.differing().size() + " differ");
        for (String s : d.goneFromRepository()) say("  gone:    %s", s.substring(0, 8));
        for (String s : d.missingFromCatalog()) say("  missing: %s", s.substring(0, 8));
        for (String s : d.differing()) say("  differs: %s", s.substring(0, 8));
      }
      if (global.json) printJson(report);
      return bad > 0 ? ErrorCode.PARTIAL.exitCode() : 0;
    }
  }

  @Command(name = "repos", description = "List the repositories the catalog knows.")
  static final class Repos extends BaseCommand {
    @Override
    public Integer call() throws Exception {
      CatalogService.Repositories all = new CatalogService(workspace()).repositories();
      List<Catalog.RepositoryRow> rows = all.repositories();
      if (global.json) {
        printJson(rows);
      } else {
        for (Catalog.RepositoryRow r : rows) {
          say("%s  %s%s  %d snapshots, last sync %s (%s)", r.id().substring(0, 8), r.location(),
              (r.role() == null ? "" : "  role " + r.role()) + (r.tier() == null ? "" : "  tier " + r.tier()), r.snapshots(),
              r.lastSync() == null ? "never" : SnapshotsCommand.TIME.format(r.lastSync()), r.lastSyncStatus());
        }
        say("%d repositories in %s", rows.size(), all.catalog());
      }
      return 0;
    }
  }
}
