package io.cairn.cli;

import io.cairn.engine.BlobId;
import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.Pin;
import io.cairn.engine.snapshot.Snapshot;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
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
    try (Repository repo = openRepo()) {
      Instant now = repo.clock().instant();
      if (snap == null) {
        Map<BlobId, Pin> pins = repo.pins();
        if (global.json) {
          printJson(new ArrayList<>(pins.values()));
        } else {
          for (Pin p : pins.values()) {
            say("%s  %s%s%s", p.snapshot().substring(0, 8), p.until() == null ? "forever" : "until " + p.until(),
                p.holdsAt(now) ? "" : " (expired)", p.reason() == null ? "" : "  " + p.reason());
          }
          say("%d pin(s)", pins.size());
        }
        return 0;
      }
      if (remove) {
        // by pin, so a pin that outlived its snapshot can go too
        List<BlobId> ids = repo.pins().keySet().stream().filter(id -> id.toString().startsWith(snap)).toList();
        if (ids.isEmpty() && snap.equals("latest")) ids = List.of(repo.resolve(snap).id());
        if (ids.size() != 1) {
          throw new CairnException(ids.isEmpty() ? ErrorCode.NOT_FOUND : ErrorCode.USAGE,
              ids.isEmpty() ? "no pin for snapshot " + snap + " ('cairn pin' lists them)" : "pin prefix " + snap + " is ambiguous");
        }
        repo.removePin(ids.get(0));
        updateCatalog(repo);
        if (global.json) printJson(Map.of("snapshot", ids.get(0).toString(), "pinned", false));
        else say("unpinned snapshot %s", ids.get(0).shortHex());
        return 0;
      }
      Snapshot s = repo.resolve(snap);
      Instant u = until == null ? null : TimeArg.parse(until, "--until", ZoneId.systemDefault());
      if (u != null && !u.isAfter(now)) throw new CairnException(ErrorCode.USAGE, "--until " + until + " is not in the future");
      Pin p = new Pin(Pin.VERSION, s.id().toString(), u, now, reason);
      repo.savePin(p);
      updateCatalog(repo);
      if (global.json) printJson(p);
      else say("pinned snapshot %s %s", s.id().shortHex(), u == null ? "forever" : "until " + u);
      return 0;
    }
  }

}
