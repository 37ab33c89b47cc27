package io.cairn.engine.repo;

import java.time.Instant;
import java.util.List;

/**
 * A prune's list of packs to delete, stored sealed (kind 'G') at {@code garbage/<id>}
 * (docs/repository-format.md, "Garbage collection"). While a plan exists its packs are invisible:
 * loading the index skips them and backups never adopt them, so nothing new comes to depend on
 * them. They are deleted only after every backup lease listed in {@code waitFor} is gone, and only
 * after a re-check against the snapshots of that moment.
 *
 * @param packs hex ids of the packs to delete
 * @param waitFor ids of the backup leases that existed once this plan was stored; null while the
 *     plan is provisional (written, but the leases not yet listed after it)
 */
public record GarbagePlan(int version, String id, Instant created, List<String> packs, List<String> waitFor) {
  public static final int VERSION = 1;
  public static final String PREFIX = "garbage/";
  public static final RecordKind<GarbagePlan> RECORDS = new RecordKind<>(PREFIX, 'G', GarbagePlan.class);

  public GarbagePlan {
    packs = List.copyOf(packs);
    waitFor = waitFor == null ? null : List.copyOf(waitFor);
  }

  public GarbagePlan withWaitFor(List<String> leases) {
    return new GarbagePlan(version, id, created, packs, leases);
  }
}
