package io.cairn.service;

import io.cairn.catalog.Catalog;
import io.cairn.engine.Json;
import io.cairn.engine.evidence.RecoveryRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists the evidence of recoveries and drills from the catalog (which derives it from the
 * repositories' evidence records, and so keeps it across a rebuild).
 */
public final class EvidenceService {
  private final Workspace ws;

  public EvidenceService(Workspace ws) {
    this.ws = ws;
  }

  /** @param subject an asset or group; null for all */
  public record Request(String subject, int limit) {}

  /** One recovery or drill: its catalog row and its whole record (phases and checks). */
  public record Item(Catalog.EvidenceRow row, RecoveryRecord record) {
    /** The phases in one line: name (asset) seconds. */
    public String phases() {
      if (record == null) return "";
      List<String> out = new ArrayList<>();
      for (RecoveryRecord.Phase p : record.phases()) {
        out.add(p.name() + (p.asset() == null ? "" : " " + p.asset()) + " " + String.format(java.util.Locale.ROOT, "%.1f s", p.millis() / 1000.0)
            + (p.ok() ? "" : " FAILED"));
      }
      return String.join(", ", out);
    }
  }

  public List<Item> list(Request req, Listener listener) {
    List<Item> out = new ArrayList<>();
    for (Catalog.EvidenceRow r : ws.catalog().evidence(req.subject(), req.limit())) {
      RecoveryRecord rec = null;
      try {
        rec = Json.MAPPER.readValue(r.details(), RecoveryRecord.class);
      } catch (RuntimeException | com.fasterxml.jackson.core.JacksonException e) {
        listener.warning("evidence " + r.id().substring(0, 8) + " has details this Cairn cannot read: " + e.getMessage(), null);
      }
      out.add(new Item(r, rec));
    }
    return out;
  }
}
