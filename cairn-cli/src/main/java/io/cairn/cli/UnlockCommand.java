package io.cairn.cli;

import io.cairn.service.MaintenanceService;
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
    MaintenanceService.Unlocked r = new MaintenanceService(workspace()).unlock(global.repo(), all);
    if (global.json) {
      printJson(r);
    } else {
      for (MaintenanceService.LeaseState l : r.leases()) {
        say("%s %s (expires %s)", l.removed() ? "removed" : "kept   ", l.lease().describe(), l.lease().expires());
      }
      say("%d lease(s) removed", r.removed());
    }
    return 0;
  }
}
