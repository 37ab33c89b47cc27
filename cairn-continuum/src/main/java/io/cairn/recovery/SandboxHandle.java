package io.cairn.recovery;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** A sandbox being used by one recovery: its registration, updated as each member's server starts. */
final class SandboxHandle {
  private final Sandboxes sandboxes;
  private Sandboxes.Entry entry;

  SandboxHandle(Sandboxes sandboxes, Sandboxes.Entry entry) {
    this.sandboxes = sandboxes;
    this.entry = entry;
  }

  synchronized Sandboxes.Entry entry() {
    return entry;
  }

  /** Registers a running server before it is waited for, so a run killed now leaves it findable. */
  synchronized void register(Sandboxes.Service s) throws IOException {
    List<Sandboxes.Service> services = new ArrayList<>(entry.services());
    services.add(s);
    entry = new Sandboxes.Entry(entry.id(), entry.subject(), entry.run(), entry.created(), entry.owner(), entry.ownerStart(), entry.kept(),
        services);
    sandboxes.write(entry);
  }

  synchronized void keep() throws IOException {
    entry = new Sandboxes.Entry(entry.id(), entry.subject(), entry.run(), entry.created(), entry.owner(), entry.ownerStart(), true,
        entry.services());
    sandboxes.write(entry);
  }
}
