package io.cairn.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "cairn",
    mixinStandardHelpOptions = true,
    scope = picocli.CommandLine.ScopeType.INHERIT,
    usageHelpAutoWidth = true,
    versionProvider = Cairn.Version.class,
    description = {
        "Backups you can prove you can restore.",
        "",
        "Cairn keeps deduplicated, compressed and encrypted snapshots of folders in a repository, restores them verified, and checks that the repository is intact.",
        "With a policy (cairn.yaml: 'cairn policy'), it captures databases and files application-consistently, alone or as consistency groups, as each asset's RPO asks ('cairn capture', 'cairn plan', 'cairn run --due')."},
    footerHeading = "%nEnvironment:%n",
    footer = {
        "  CAIRN_REPO            repository folder (instead of --repo)",
        "  CAIRN_CONFIG          the policy file (instead of --config)",
        "  CAIRN_PASSWORD        repository password",
        "  CAIRN_PASSWORD_FILE   file holding the repository password",
        "  CAIRN_NEW_PASSWORD, CAIRN_NEW_PASSWORD_FILE   the new password for 'key add' and 'key passwd'",
        "  CAIRN_TO_PASSWORD(_FILE), CAIRN_FROM_PASSWORD(_FILE)   the other repository's password for 'copy --to/--from', 'init --from-repo'",
        "  CAIRN_CATALOG         the catalog: an SQLite file or a jdbc:postgresql: URL; 'off' to leave it alone",
        "  XDG_DATA_HOME         where the default catalog lives (cairn/catalog.db; default ~/.local/share)",
        "  CAIRN_CACHE_DIR       the local cache of repositories in object storage (default $XDG_CACHE_HOME/cairn or ~/.cache/cairn); CAIRN_CACHE=off for none",
        "  CAIRN_HEAP            maximum Java heap for ./cairn (default 2g)",
        "  CAIRN_JAVA_OPTS       extra JVM options for ./cairn",
        "",
        "Exit codes:",
        "  0 success, 1 internal error, 2 bad usage, 3 completed with warnings (items listed),",
        "  10 no repository, 11 locked (another maintainer, or this process's lease lapsed), 12 wrong password, 13 unsupported format version, 14 data damaged,",
        "  15 target in the way (or a sandbox port taken), 16 I/O error (disk full, permission, a source, server or tool that failed),",
        "  17 not found, 18 a hook failed (abort), 19 a recovery's or drill's check failed,",
        "  78 the policy file is invalid (each problem with its line and column), 130 interrupted.",
        "",
        "See docs/operations.md for the full reference."})
final class Cairn implements Runnable {
  /**
   * The subcommands, in the order help lists them. Not in the annotation: building picocli's model
   * of a command costs reflection over all its options, so {@link Main} adds only the ones a command
   * line names (all of them for help, or when none is named). Measured: 0.1-0.2 s of every start.
   */
  static final Class<?>[] COMMANDS = {
        QuickstartCommand.class,
        InitCommand.class,
        BackupCommand.class,
        PolicyCommand.class,
        CaptureCommand.class,
        PlanCommand.class,
        RunCommand.class,
        RecoverCommand.class,
        DrillCommand.class,
        CopyCommand.class,
        EvidenceCommand.class,
        SandboxCommand.class,
        ReportCommand.class,
        GapsCommand.class,
        SnapshotsCommand.class,
        LsCommand.class,
        DiffCommand.class,
        RestoreCommand.class,
        DumpCommand.class,
        CheckCommand.class,
        ForgetCommand.class,
        KeyCommand.class,
        PinCommand.class,
        PruneCommand.class,
        CatalogCommand.class,
        PointsCommand.class,
        FindCommand.class,
        RepairCommand.class,
        UnlockCommand.class,
        StatsCommand.class,
        CatCommand.class,
        picocli.CommandLine.HelpCommand.class};

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static final class Version implements picocli.CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Cairn.class.getPackage().getImplementationVersion();
      return new String[] {"cairn " + (v == null ? "dev" : v) + " (repository format 1, Java " + Runtime.version() + ")"};
    }
  }
}
