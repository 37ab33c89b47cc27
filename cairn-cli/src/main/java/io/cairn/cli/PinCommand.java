package io.cairn.cli;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.service.PinService;
import io.cairn.service.Times;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;


@Command(name = "pin", description = {"Keep a snapshot from being forgotten, forever or until a time; list pins.",
    "",
    "'cairn pin' alone lists the pins. A pinned snapshot is never removed by 'cairn forget' (by id or by policy) while"
        + " its pin holds; an expired pin keeps nothing. The pin is stored apart from the snapshot, whose id does not change."})
final class PinCommand extends BaseCommand {
  @Parameters(paramLabel = "SNAP", arity = "0..1", description = "Snapshot id, prefix or 'latest'.")
  String snap;

  @Option(names = "--until", paramLabel = "TIME", description = "Pin until TIME (2027-01-31, 2027-01-31T18:00, or an instant ending in Z); default forever.")
  String until;

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why (shown by 'cairn pin').")
  String reason;

  @Option(names = "--remove", description = "Remove the pin.")
  boolean remove;

  @Override
  public Integer call() throws Exception {
    if (snap == null && (until != null || remove || reason != null)) {
      throw new CairnException(ErrorCode.USAGE, "--until, --reason and --remove need a snapshot: cairn pin SNAP ...");
    }
    PinService pins = new PinService(workspace());
    if (snap == null) {
      List<PinService.PinInfo> all = pins.list(global.repo());
      if (global.json) {
        printJson(all);
      } else {
        for (PinService.PinInfo p : all) {
          say("%s  %s%s%s", p.snapshot().substring(0, 8), p.until() == null ? "forever" : "until " + p.until(),
              p.holds() ? "" : " (expired)", p.reason() == null ? "" : "  " + p.reason());
        }
        say("%d pin(s)", all.size());
      }
      return 0;
    }
    if (remove) {
      String id = pins.unpin(global.repo(), snap, listener());
      if (global.json) printJson(Map.of("snapshot", id, "pinned", false));
      else say("unpinned snapshot %s", id.substring(0, 8));
      return 0;
    }
    Instant u = until == null ? null : Times.instant(until, "--until", ZoneId.systemDefault());
    PinService.PinInfo p = pins.pin(new PinService.PinRequest(global.repo(), snap, u, reason), listener());
    if (global.json) printJson(p);
    else say("pinned snapshot %s %s", p.snapshot().substring(0, 8), u == null ? "forever" : "until " + u);
    return 0;
  }
}
