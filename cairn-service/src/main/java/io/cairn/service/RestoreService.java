package io.cairn.service;

import io.cairn.engine.Progress;
import io.cairn.engine.repo.FallbackSource;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.restore.RestoreOptions;
import io.cairn.engine.restore.Restorer;
import io.cairn.engine.snapshot.Snapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Restores a snapshot, or a path in it, into a folder; every blob is verified before it is written. */
public final class RestoreService {
  private final Workspace ws;

  public RestoreService(Workspace ws) {
    this.ws = ws;
  }

  /**
   * @param snapshot an id, a unique id prefix or {@code latest}
   * @param subpath the path in the snapshot to restore; "" for all of it
   * @param threads 0 for the workspace's default
   */
  public record Request(String repository, String snapshot, String subpath, Path target, List<String> includes,
      List<String> excludes, boolean dryRun, boolean overwrite, int threads, List<String> fallbacks) {
    public Request {
      fallbacks = fallbacks == null ? List.of() : List.copyOf(fallbacks);
      subpath = subpath == null ? "" : subpath;
      includes = includes == null ? List.of() : List.copyOf(includes);
      excludes = excludes == null ? List.of() : List.copyOf(excludes);
    }
  }

  /**
   * What was restored; {@code damaged} names each file that could not be restored intact, and why;
   * {@code served} what each copy of the point served, and {@code fallbacks} each blob one copy
   * failed and which copy served it instead (none: the file is damaged).
   */
  public record Outcome(String snapshot, String target, boolean dryRun, long files, long dirs, long others, long bytes,
      long skippedComplete, Map<String, String> damaged, List<io.cairn.engine.evidence.Served> served, List<io.cairn.engine.evidence.Fallback> fallbacks,
      List<String> warnings, long durationMillis) {
    public boolean intact() {
      return damaged.isEmpty();
    }
  }

  /** Restore workers for a repository in a remote store (unless the request says). */
  static final int REMOTE_THREADS = 8;

  public Outcome run(Request req, Listener listener) throws IOException {
    Timer timer = new Timer(listener);
    try (Repository repo = ws.open(req.repository(), Workspace.Use.DECRYPT)) {
      timer.phase("open");
      Snapshot s = repo.resolve(req.snapshot());
      int threads = req.threads() > 0 ? req.threads() : ws.settings().threads();
      if (req.threads() <= 0 && repo.store().capabilities().contains(io.cairn.engine.store.ObjectStore.Capability.REMOTE)) {
        threads = REMOTE_THREADS; // a worker waiting for a pack from the network leaves its core to the others
      }
      Progress progress = new Progress();
      FallbackSource source = Fallbacks.of(ws, repo, req.repository(), s, req.fallbacks());
      Restorer r = new Restorer(source, new RestoreOptions(req.target(), req.includes(), req.excludes(), req.dryRun(),
          req.overwrite(), threads), progress);
      Restorer.Result res;
      if (!req.dryRun()) {
        listener.started("restore", Listener.Progress.of(progress));
      }
      try {
        res = r.run(s, req.subpath());
      } finally {
        if (!req.dryRun()) listener.finished("restore");
        source.close();
      }
      timer.phase("restore");
      List<String> warnings = new java.util.ArrayList<>(res.warnings());
      warnings.addAll(source.notes());
      return new Outcome(s.id().toString(), req.target().toAbsolutePath().toString(), req.dryRun(), res.files(), res.dirs(),
          res.others(), res.bytes(), res.skippedComplete(), res.damaged(), source.served(), source.fallbacks(), warnings,
          timer.elapsedMillis());
    }
  }
}
