package io.cairn.cli;

import io.cairn.catalog.Catalog;
import io.cairn.service.CatalogService;
import io.cairn.service.Times;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "find", description = {"Every version of every file matching GLOB, across all snapshots in the catalog.",
    "",
    "A GLOB without '/' matches file names anywhere (nginx.conf, *.sql); with '/', whole paths (**/etc/nginx/*.conf)."
        + " Versions are grouped by path, newest first; a line marked 'changed' differs in content from the older one below."})
final class FindCommand extends BaseCommand {
  @Parameters(paramLabel = "GLOB", description = "Name or path glob.")
  String glob;

  @Option(names = "--asset", paramLabel = "A", description = "Only in points of this asset.")
  String asset;

  @Option(names = "--since", paramLabel = "TIME", description = "Only in points at or after TIME.")
  String since;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    List<Catalog.FileVersion> rows = new CatalogService(workspace()).find(new CatalogService.FindRequest(glob, asset,
        since == null ? null : Times.instant(since, "--since", ZoneId.systemDefault())));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    if (global.json) {
      printJson(rows);
      return 0;
    }
    String lastPath = null;
    for (int i = 0; i < rows.size(); i++) {
      Catalog.FileVersion v = rows.get(i);
      if (!v.path().equals(lastPath)) {
        say("%s", v.path());
        lastPath = v.path();
      }
      boolean changed = i + 1 < rows.size() && rows.get(i + 1).path().equals(v.path())
          && !Objects.equals(rows.get(i + 1).contentId(), v.contentId());
      say("  %s  snapshot %s  %10s  mtime %s  %s%s", SnapshotsCommand.TIME.format(v.time()), v.snapshotId().substring(0, 8),
          v.type().equals("file") ? bytes(v.size()) : v.type(), SnapshotsCommand.TIME.format(v.mtime()),
          v.contentId() == null ? "" : v.contentId(), changed ? "  changed" : "");
    }
    say("%d version(s) in %d ms", rows.size(), ms);
    return 0;
  }
}
