package io.cairn.engine.backup;

import io.cairn.engine.snapshot.Snapshot;
import java.io.IOException;

/**
 * The last step of a capture before its snapshot is saved, while the capture's lease is still held:
 * a caller that knows more about the point than the engine (its asset, its consistency and why, the
 * hooks that ran after the data was read) completes the snapshot here. Throwing leaves no snapshot.
 */
@FunctionalInterface
public interface Finisher {
  Finisher NONE = s -> s;

  Snapshot finish(Snapshot captured) throws IOException;
}
