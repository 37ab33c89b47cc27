package io.cairn.cli;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.gc.Pruner;
import io.cairn.engine.retention.RetentionPolicy;
import io.cairn.engine.retention.Span;
import io.cairn.service.ForgetService;
import io.cairn.service.Times;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;


@Command(name = "forget", description = {"Remove snapshots by id, or by a retention policy.",
    "",
    "With SNAP ids, forgets those. With --keep-* rules, groups the snapshots (--group-by, default host,paths) and in"
        + " each group keeps what any rule keeps: the N newest (--keep-last), the newest of each of the N newest"
        + " hours/days/ISO weeks/months/years that have a snapshot (calendars of --timezone), everything newer than"
        + " now minus --keep-within, everything carrying a --keep-tag. Pinned snapshots ('cairn pin') are never"
        + " forgotten while the pin holds. --dry-run prints each snapshot with the rules that keep it, or 'remove'.",
    "",
    "Forgetting removes only the snapshot; 'cairn prune' (or --prune) reclaims the space."})
final class ForgetCommand extends BaseCommand {
  @Parameters(paramLabel = "SNAP", arity = "0..*", description = "Snapshots to forget (id, prefix or 'latest').")
  List<String> snaps = new ArrayList<>();

  @Option(names = "--keep-last", paramLabel = "N", defaultValue = "0", description = "Keep the N newest (-1: all).")
  int keepLast;

  @Option(names = "--keep-hourly", paramLabel = "N", defaultValue = "0", description = "Keep the newest of each of the N newest hours.")
  int keepHourly;

  @Option(names = "--keep-daily", paramLabel = "N", defaultValue = "0", description = "Keep the newest of each of the N newest days.")
  int keepDaily;

  @Option(names = "--keep-weekly", paramLabel = "N", defaultValue = "0", description = "Keep the newest of each of the N newest ISO weeks.")
  int keepWeekly;

  @Option(names = "--keep-monthly", paramLabel = "N", defaultValue = "0", description = "Keep the newest of each of the N newest months.")
  int keepMonthly;

  @Option(names = "--keep-yearly", paramLabel = "N", defaultValue = "0", description = "Keep the newest of each of the N newest years.")
  int keepYearly;

  @Option(names = "--keep-within", paramLabel = "SPAN", description = "Keep everything taken within SPAN of now (like 2y5m7d3h, 30d, 1w).")
  String keepWithin;

  @Option(names = "--keep-tag", paramLabel = "TAG", description = "Keep snapshots with this tag (repeatable).")
  List<String> keepTags = new ArrayList<>();

  @Option(names = "--group-by", paramLabel = "FIELDS", defaultValue = "host,paths",
      description = "Apply the rules per group of these fields: host, paths, tags, comma-separated; '' for one group (default: ${DEFAULT-VALUE}).")
  String groupBy;

  @Option(names = "--timezone", paramLabel = "ZONE", description = "Zone whose calendar defines hours, days, weeks (default: this machine's).")
  String timezone;

  @Option(names = {"-n", "--dry-run"}, description = "Show what would be kept and removed; change nothing.")
  boolean dryRun;

  @Option(names = "--prune", description = "Run 'cairn prune' afterwards.")
  boolean prune;

  @Override
  public Integer call() throws Exception {
    ZoneId zone = Times.zone(timezone, "--timezone");
    Span within = keepWithin == null ? null : Times.span(keepWithin, "--keep-within");
    RetentionPolicy policy;
    Set<String> by = new LinkedHashSet<>();
    try {
      policy = new RetentionPolicy(keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly, within, Set.copyOf(keepTags));
      for (String f : groupBy.split(",")) if (!f.isBlank()) by.add(f.strip());
    } catch (IllegalArgumentException e) {
      throw new CairnException(ErrorCode.USAGE, e.getMessage());
    }
    ForgetService.Outcome r = new ForgetService(workspace()).run(
        new ForgetService.Request(global.repo(), snaps, policy, by, zone, dryRun, prune), listener());
    if (global.json) {
      printJson(r);
      return 0;
    }
    for (ForgetService.Group g : r.groups()) {
      say("group %s: keep %d, remove %d", g.group().isEmpty() ? "(all)" : g.group(), g.keep(), g.remove());
      for (ForgetService.Row d : r.snapshots()) {
        if (!g.group().equals(d.group())) continue;
        say("  %s  %s  %s", d.id().substring(0, 8), SnapshotsCommand.TIME.format(d.time()),
            d.keep() ? "keep: " + String.join(", ", d.reasons()) : "remove");
      }
    }
    if (!snaps.isEmpty()) for (String id : r.removed()) say("%s snapshot %s", dryRun ? "would remove" : "removed", id.substring(0, 8));
    say("%s %d snapshot(s)%s", dryRun ? "would remove" : "removed", r.removed().size(),
        r.removed().isEmpty() || prune || dryRun ? "" : "; run 'cairn prune' to reclaim space");
    Pruner.Report pr = r.prune();
    if (pr != null) say("prune: deleted %d pack(s), repacked %d, freed about %s", pr.packsDeleted() + pr.orphansDeleted(),
        pr.packsRepacked(), bytes(pr.bytesFreed()));
    return 0;
  }
}
