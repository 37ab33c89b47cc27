package io.cairn.cli;

import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.Snapshot;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    try (Repository repo = openRepo()) {
      List<Snapshot> list = new ArrayList<>();
      for (Snapshot s : repo.snapshots()) {
        if (tag != null && !s.tags().contains(tag)) continue;
        if (host != null && !host.equals(s.host())) continue;
        list.add(s);
      }
      if (global.json) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Snapshot s : list) out.add(asMap(s));
        printJson(out);
        return 0;
      }
      say("%-8s  %-19s  %-14s  %-12s  %s", "ID", "TIME", "HOST", "TAGS", "PATHS");
      for (Snapshot s : list) {
        say("%-8s  %-19s  %-14s  %-12s  %s%s", s.id().shortHex(), TIME.format(s.time()), s.host(), String.join(",", s.tags()),
            String.join(" ", s.paths()), s.errors().isEmpty() ? "" : "  (" + s.errors().size() + " items not backed up)");
      }
      say("%d snapshot(s)", list.size());
      return 0;
    }
  }

  static Map<String, Object> asMap(Snapshot s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", s.id().toString());
    m.put("time", s.time().toString());
    m.put("host", s.host());
    m.put("username", s.username());
    m.put("paths", s.paths());
    m.put("tags", s.tags());
    m.put("parent", s.parent());
    m.put("tree", s.tree());
    m.put("consistency", s.consistency());
    m.put("errors", s.errors());
    m.put("stats", s.stats());
    m.put("program", s.program());
    return m;
  }
}
