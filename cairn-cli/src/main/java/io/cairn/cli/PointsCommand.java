package io.cairn.cli;

import io.cairn.catalog.Catalog;
import io.cairn.service.CatalogService;
import io.cairn.service.Times;
import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.snapshot.Consistency;
import java.time.ZoneId;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "points", description = {"List recovery points from the catalog: what can be restored, and from when.",
    "",
    "Newest first, across every repository the catalog knows (a point copied to several repositories is one point)."
        + " --as-of TIME answers the incident question: for each asset, the newest point at or before TIME."
        + " Times: 2026-11-24, 2026-11-24T13:00 (local) or an instant like 2026-11-24T12:00:00Z."},
    subcommands = {PointsCommand.Show.class})
final class PointsCommand extends BaseCommand {
  @Option(names = "--asset", paramLabel = "A", description = "Only this asset (default asset of a file backup: host:paths).")
  String asset;

  @Option(names = "--group", paramLabel = "G", description = "Only this consistency group.")
  String group;

  @Option(names = "--host", paramLabel = "H", description = "Only this host.")
  String host;

  @Option(names = "--tag", paramLabel = "T", description = "Only points with this tag.")
  String tag;

  @Option(names = "--consistency", paramLabel = "LEVEL", description = "crash, application or group.")
  String consistency;

  @Option(names = "--since", paramLabel = "TIME", description = "Only points at or after TIME.")
  String since;

  @Option(names = "--until", paramLabel = "TIME", description = "Only points at or before TIME.")
  String until;

  @Option(names = "--verified", description = "Only points a later full data check of their repository found intact.")
  boolean verified;

  @Option(names = "--as-of", paramLabel = "TIME", description = "For each asset, the newest point at or before TIME.")
  String asOf;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "At most N points (default: all).")
  int limit;

  @Override
  public Integer call() throws Exception {
    if (consistency != null) {
      try {
        Consistency.of(consistency);
      } catch (IllegalArgumentException e) {
        throw new CairnException(ErrorCode.USAGE, "--consistency takes crash, application or group; got '" + consistency + "'");
      }
    }
    ZoneId zone = ZoneId.systemDefault();
    Catalog.PointQuery q = new Catalog.PointQuery(asset, group, host, tag, consistency,
        since == null ? null : Times.instant(since, "--since", zone), until == null ? null : Times.instant(until, "--until", zone),
        verified, limit);
    CatalogService catalog = new CatalogService(workspace());
    List<Catalog.PointRow> rows = catalog.points(new CatalogService.PointsRequest(q, asOf == null ? null : Times.instant(asOf, "--as-of", zone)));
    List<Catalog.GroupPointRow> groups = group == null ? List.of() : catalog.groupPoints(group, limit);
    if (global.json) {
      printJson(group == null ? rows : java.util.Map.of("points", rows, "groupPoints", groups));
    } else {
      for (Catalog.GroupPointRow g : groups) {
        say("group point %s  %s  %s%s, freeze window %d ms: %s", g.manifestId().substring(0, 10), SnapshotsCommand.TIME.format(g.time()),
            g.complete() ? "complete" : "INCOMPLETE", g.consistency() == null ? "" : " (" + g.consistency() + ")", g.freezeMillis(),
            String.join(", ", g.members().stream().map(m -> m.asset() + (m.snapshotId() == null ? " FAILED" : " " + m.snapshotId().substring(0, 8))
                + (m.after().isEmpty() ? "" : " after " + String.join("+", m.after()))).toList()));
        if (g.reason() != null) say("  %s", g.reason());
      }
      say("%-10s  %-19s  %-24s  %-11s  %6s  %s", "POINT", "TIME", "ASSET", "CONSISTENCY", "COPIES", "STATE");
      for (Catalog.PointRow r : rows) {
        String state = (r.verified() ? "verified" : "") + (r.pinned() ? (r.verified() ? ", " : "") + "pinned" : "");
        say("%-10s  %-19s  %-24s  %-11s  %6d  %s%s", r.pointKey().substring(0, 10), SnapshotsCommand.TIME.format(r.time()),
            r.asset(), r.consistency(), r.copies(), state, r.tags().isEmpty() ? "" : "  [" + String.join(",", r.tags()) + "]");
      }
      say("%d point(s)", rows.size());
    }
    return 0;
  }

  @Command(name = "show", description = "Everything the catalog knows about one point: its facts, copies and checks.")
  static final class Show extends BaseCommand {
    @Parameters(paramLabel = "POINT", description = "A point key or a snapshot id (or a unique prefix of either).")
    String ref;

    @Override
    public Integer call() throws Exception {
      Catalog.PointDetail d = new CatalogService(workspace()).show(ref);
      if (global.json) {
        printJson(d);
        return 0;
      }
      Catalog.PointRow p = d.point();
      say("point        %s", p.pointKey());
      say("time         %s (%s)", SnapshotsCommand.TIME.format(p.time()), p.time());
      say("asset        %s%s", p.asset(), p.group() == null ? "" : "  group " + p.group());
      say("source       %s@%s %s", p.username(), p.host(), String.join(" ", p.paths()));
      say("consistency  %s%s", p.consistency(), d.capture() == null || d.capture().consistencyReason() == null ? ""
          : ": " + d.capture().consistencyReason());
      if (d.capture() != null && d.capture().run() != null) say("run          %s", d.capture().run());
      if (d.capture() != null && !d.capture().source().isEmpty()) {
        say("facts        %s", String.join(", ", d.capture().source().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
      }
      if (d.capture() != null) {
        for (var hk : d.capture().hooks()) {
          say("hook         %s %s of %s: %s in %s ms%s", hk.get("phase"), hk.get("name"), hk.get("scope"), hk.get("outcome"), hk.get("durationMillis"),
              hk.get("exitCode") == null ? "" : " (exit " + hk.get("exitCode") + ")");
        }
      }
      say("size         %s in %d files", bytes(p.sizeBytes()), p.fileCount());
      say("tags         %s", p.tags().isEmpty() ? "-" : String.join(", ", p.tags()));
      say("copies       %d", d.copies().size());
      for (Catalog.CopyRow r : d.copies()) {
        say("  snapshot %s in %s%s%s%s%s", r.snapshotId().substring(0, 8), r.location(),
            r.verified() == null ? "" : ", verified copy " + SnapshotsCommand.TIME.format(r.verified()),
            r.pinned() ? (r.pinnedUntil() == null ? ", pinned" : ", pinned until " + r.pinnedUntil()) : "",
            r.errors() > 0 ? ", " + r.errors() + " item(s) not captured" : "",
            r.original() == null ? "" : ", repaired copy of " + r.original().substring(0, 8));
      }
      say("checks       %d since the point was taken", d.checks().size());
      for (Catalog.VerificationRow v : d.checks()) {
        say("  %s  %-22s %s%s", SnapshotsCommand.TIME.format(v.time()), v.scope(), v.ok() ? "ok" : "FAILED (" + v.problems() + " problems)",
            v.packsRead() > 0 ? ", " + v.packsRead() + " packs read" : "");
      }
      return 0;
    }
  }
}
