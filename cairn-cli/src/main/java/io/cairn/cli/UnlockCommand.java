package io.cairn.cli;

import io.cairn.service.Workspace;
import io.cairn.engine.gc.Lease;
import io.cairn.engine.gc.Leases;
import io.cairn.engine.repo.Repository;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "unlock", description = {"Remove expired leases (with --all, every lease).",
    "",
    "Never needed for correctness: a lease that is not renewed expires on its own and then blocks nothing."
        + " With --all, live leases go too; a backup whose lease was removed refuses to commit its snapshot, and a"
        + " prune stops before deleting anything, so use it only when those processes are known to be gone."})
final class UnlockCommand extends BaseCommand {
  @Option(names = "--all", description = "Remove live leases too.")
  boolean all;

  @Override
  public Integer call() throws Exception {
    try (Repository repo = openRepo(Workspace.Use.PLAIN)) {
      Leases leases = new Leases(repo);
      List<Lease> before = leases.list();
      Instant now = repo.clock().instant();
      int removed = all ? leases.removeAll() : leases.removeExpired();
      if (global.json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("removed", removed);
        m.put("leases", before);
        printJson(m);
      } else {
        for (Lease l : before) {
          boolean gone = all || l.expiredAt(now);
          say("%s %s (expires %s)", gone ? "removed" : "kept   ", l.describe(), l.expires());
        }
        say("%d lease(s) removed", removed);
      }
      return 0;
    }
  }
}
