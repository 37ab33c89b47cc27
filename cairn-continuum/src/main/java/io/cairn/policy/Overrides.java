package io.cairn.policy;

import io.cairn.engine.snapshot.Consistency;
import java.time.Duration;
import java.util.List;

/** What an asset or a group sets for itself instead of its class's value; null where it does not. */
public record Overrides(Duration rpo, Duration rto, ProtectionClass.Retention retention, Consistency consistency, Cadence verify,
    Cadence drill, List<ProtectionClass.CopyRule> copies) {
  public static final Overrides NONE = new Overrides(null, null, null, null, null, null, null);
}
