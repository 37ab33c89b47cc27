package io.cairn.service;

import io.cairn.engine.Remedy;
import io.cairn.engine.BlobId;
import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.Pin;
import io.cairn.engine.snapshot.Snapshot;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Pins keep snapshots from being forgotten, until a time or forever; stored in the repository beside the snapshot. */
public final class PinService {
  private final Workspace ws;

  public PinService(Workspace ws) {
    this.ws = ws;
  }

  /** A pin and whether it holds now. */
  public record PinInfo(String snapshot, Instant until, Instant created, String reason, boolean holds) {}

  public List<PinInfo> list(String repository) throws IOException {
    try (Repository repo = ws.open(repository, Workspace.Use.PLAIN)) {
      Instant now = ws.clock().instant();
      List<PinInfo> out = new ArrayList<>();
      for (Pin p : repo.pins().values()) out.add(new PinInfo(p.snapshot(), p.until(), p.created(), p.reason(), p.holdsAt(now)));
      return out;
    }
  }

  /** Pins {@code snapshot} (id, prefix or {@code latest}) until {@code until} (null: forever), for {@code reason} (may be null). */
  public record PinRequest(String repository, String snapshot, Instant until, String reason) {}

  public PinInfo pin(PinRequest req, Listener listener) throws IOException {
    String repository = req.repository();
    String ref = req.snapshot();
    Instant until = req.until();
    String reason = req.reason();
    try (Repository repo = ws.open(repository, Workspace.Use.PLAIN)) {
      Instant now = ws.clock().instant();
      Snapshot s = repo.resolve(ref);
      if (until != null && !until.isAfter(now)) throw new CairnException(ErrorCode.USAGE, "the pin's end " + until + " is not in the future");
      Pin p = new Pin(Pin.VERSION, s.id().toString(), until, now, reason);
      repo.savePin(p);
      ws.updateCatalog(repo, repository, listener);
      return new PinInfo(p.snapshot(), p.until(), p.created(), p.reason(), true);
    }
  }

  /** Removes the pin of a snapshot (by the pin's id prefix, so a pin that outlived its snapshot can go too); returns the snapshot id. */
  public String unpin(String repository, String ref, Listener listener) throws IOException {
    try (Repository repo = ws.open(repository, Workspace.Use.PLAIN)) {
      List<BlobId> ids = repo.pins().keySet().stream().filter(id -> id.toString().startsWith(ref)).toList();
      if (ids.isEmpty() && ref.equals("latest")) ids = List.of(repo.resolve(ref).id());
      if (ids.size() != 1) {
        throw ids.isEmpty() ? new CairnException(ErrorCode.NOT_FOUND, "no pin for snapshot " + ref, Remedy.LIST_PINS)
            : new CairnException(ErrorCode.USAGE, "pin prefix " + ref + " is ambiguous; give more digits");
      }
      repo.removePin(ids.get(0));
      ws.updateCatalog(repo, repository, listener);
      return ids.get(0).toString();
    }
  }
}
