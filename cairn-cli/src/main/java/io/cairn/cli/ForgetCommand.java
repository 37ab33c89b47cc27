package io.cairn.cli;

import io.cairn.engine.BlobId;
import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.gc.Leases;
import io.cairn.engine.gc.Pruner;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.retention.Decision;
import io.cairn.engine.retention.GroupKey;
import io.cairn.engine.retention.Retention;
import io.cairn.engine.retention.RetentionPolicy;
import io.cairn.engine.retention.Span;
import io.cairn.engine.snapshot.Pin;
import io.cairn.engine.snapshot.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    ZoneId zone;
    try {
      zone = timezone == null ? ZoneId.systemDefault() : ZoneId.of(timezone);
    } catch (java.time.DateTimeException e) {
      throw new CairnException(ErrorCode.USAGE, "--timezone: unknown zone '" + timezone + "' (use a name like Europe/Berlin or UTC)");
    }
    RetentionPolicy policy;
    Set<String> by = new LinkedHashSet<>();
    try {
      Span within = keepWithin == null ? null : RetentionPolicy.parseDuration(keepWithin);
      policy = new RetentionPolicy(keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly, within, Set.copyOf(keepTags));
      for (String f : groupBy.split(",")) if (!f.isBlank()) by.add(f.strip());
      Retention.group(List.of(), by);
    } catch (IllegalArgumentException e) {
      throw new CairnException(ErrorCode.USAGE, e.getMessage());
    }
    if (snaps.isEmpty() == policy.isEmpty()) {
      throw new CairnException(ErrorCode.USAGE, snaps.isEmpty()
          ? "nothing to forget: give snapshot ids or at least one --keep-* rule (forget never removes everything)"
          : "give either snapshot ids or --keep-* rules, not both");
    }
    try (Repository repo = openRepo()) {
      Instant now = repo.clock().instant();
      Map<BlobId, Pin> pins = repo.pins();
      List<Map<String, Object>> report = new ArrayList<>();
      List<Snapshot> remove = new ArrayList<>();
      if (!snaps.isEmpty()) {
        for (String ref : snaps) {
          Snapshot s = repo.resolve(ref);
          Pin p = pins.get(s.id());
          if (p != null && p.holdsAt(now)) {
            throw new CairnException(ErrorCode.CONFLICT, "snapshot " + s.id().shortHex() + " is pinned"
                + (p.until() == null ? "" : " until " + p.until()) + "; 'cairn pin " + s.id().shortHex() + " --remove' first");
          }
          remove.add(s);
          report.add(row(null, s, List.of()));
        }
      } else {
        Map<BlobId, Optional<Instant>> pinMap = new HashMap<>();
        for (Map.Entry<BlobId, Pin> e : pins.entrySet()) pinMap.put(e.getKey(), Optional.ofNullable(e.getValue().until()));
        Retention r = new Retention(policy, zone, repo.clock());
        for (Map.Entry<GroupKey, List<Snapshot>> g : Retention.group(repo.snapshots(), by).entrySet()) {
          List<Decision> ds = r.apply(g.getValue(), pinMap);
          if (!global.json) say("group %s: keep %d, remove %d", g.getKey().toString().isEmpty() ? "(all)" : g.getKey(),
              ds.stream().filter(Decision::keep).count(), ds.stream().filter(d -> !d.keep()).count());
          for (Decision d : ds) {
            report.add(row(g.getKey().toString(), d.snapshot(), d.reasons()));
            if (!global.json) {
              say("  %s  %s  %s", d.snapshot().id().shortHex(), SnapshotsCommand.TIME.format(d.snapshot().time()),
                  d.keep() ? "keep: " + String.join(", ", d.reasons()) : "remove");
            }
            if (!d.keep()) remove.add(d.snapshot());
          }
        }
      }
      if (!dryRun) for (Snapshot s : remove) repo.forgetSnapshot(s.id());
      if (!dryRun && !remove.isEmpty()) updateCatalog(repo);
      Pruner.Report pr = null;
      if (prune && !dryRun && !remove.isEmpty()) {
        pr = new Pruner(repo, 5, false, Duration.ofHours(1), Leases.DEFAULT_TTL).run();
      }
      if (global.json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dryRun", dryRun);
        m.put("snapshots", report);
        m.put("removed", remove.stream().map(s -> s.id().toString()).toList());
        if (pr != null) m.put("prune", pr);
        printJson(m);
      } else {
        if (!snaps.isEmpty()) for (Snapshot s : remove) say("%s snapshot %s", dryRun ? "would remove" : "removed", s.id().shortHex());
        say("%s %d snapshot(s)%s", dryRun ? "would remove" : "removed", remove.size(),
            remove.isEmpty() || prune || dryRun ? "" : "; run 'cairn prune' to reclaim space");
        if (pr != null) say("prune: deleted %d pack(s), repacked %d, freed about %s", pr.packsDeleted() + pr.orphansDeleted(),
            pr.packsRepacked(), bytes(pr.bytesFreed()));
      }
      return 0;
    }
  }

  private static Map<String, Object> row(String group, Snapshot s, List<String> reasons) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (group != null) m.put("group", group);
    m.put("id", s.id().toString());
    m.put("time", s.time().toString());
    m.put("host", s.host());
    m.put("paths", s.paths());
    m.put("tags", s.tags());
    m.put("keep", !reasons.isEmpty());
    m.put("reasons", reasons);
    return m;
  }
}
