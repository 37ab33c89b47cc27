package io.cairn.cli;

import io.cairn.service.SnapshotService;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;


@Command(name = "snapshots", description = "List snapshots, oldest first.")
final class SnapshotsCommand extends BaseCommand {
  static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

  @Option(names = "--tag", paramLabel = "TAG", description = "Only snapshots with this tag.")
  String tag;

  @Option(names = "--host", paramLabel = "NAME", description = "Only snapshots of this host.")
  String host;

  @Override
  public Integer call() throws Exception {
    List<SnapshotService.Info> list = new SnapshotService(workspace()).list(new SnapshotService.ListRequest(global.repo(), tag, host));
    if (global.json) {
      printJson(list);
      return 0;
    }
    say("%-8s  %-19s  %-14s  %-12s  %s", "ID", "TIME", "HOST", "TAGS", "PATHS");
    for (SnapshotService.Info s : list) {
      say("%-8s  %-19s  %-14s  %-12s  %s%s", s.id().substring(0, 8), TIME.format(s.time()), s.host(), String.join(",", s.tags()),
          String.join(" ", s.paths()), s.errors().isEmpty() ? "" : "  (" + s.errors().size() + " items not backed up)");
    }
    say("%d snapshot(s)", list.size());
    return 0;
  }
}
