package io.cairn.capture;

import io.cairn.engine.Progress;
import io.cairn.engine.backup.Backup;
import io.cairn.engine.backup.Finisher;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Reads one source into a new snapshot. Each kind of source knows the consistency its reading
 * reaches and why, and the facts worth recording (server and tool versions, the dump's snapshot or
 * binary log position, databases and sizes); it puts them on the snapshot before {@code finisher}
 * (the caller's last word: hooks, asset, group) and before the snapshot is saved.
 */
public interface Capture {
  /**
   * @param env the environment secrets are resolved from
   * @param workers threads for hashing, compressing and encrypting
   */
  record Context(List<String> tags, String host, Progress progress, Map<String, String> env, int workers) {
    public Context {
      tags = List.copyOf(tags);
      env = Map.copyOf(env);
      if (progress == null) progress = new Progress();
    }
  }

  Backup.Result run(Opening repo, Context ctx, Finisher finisher) throws IOException;
}
