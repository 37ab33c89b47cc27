package io.cairn.capture;

import io.cairn.engine.Progress;
import io.cairn.engine.chunk.ChunkerParams;
import io.cairn.engine.crypto.KeyFile;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.restore.RestoreOptions;
import io.cairn.engine.restore.Restorer;
import io.cairn.engine.snapshot.GroupPoint;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.engine.store.LocalObjectStore;
import io.cairn.engine.repo.RecordStore;
import io.cairn.policy.Policy;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** A repository in a folder and a policy written as text, for capture tests. */
final class CaptureFixture {
  static final char[] PW = "pw".toCharArray();
  final Path repoDir;

  CaptureFixture(Path dir) throws IOException {
    repoDir = dir.resolve("repo");
    Repository.init(new LocalObjectStore(repoDir), PW, new ChunkerParams(64 * 1024, 256 * 1024, 1024 * 1024), 4 << 20, 3,
        KeyFile.KdfParams.TESTING, Clock.systemUTC()).close();
  }

  Repository open() throws IOException {
    return Repository.open(new LocalObjectStore(repoDir), PW, Clock.systemUTC());
  }

  Capturer capturer(String yaml) {
    return capturer(yaml, Map.of());
  }

  Capturer capturer(String yaml, Map<String, String> env) {
    Policy p = Policy.read(new StringReader(yaml), "cairn.yaml");
    return new Capturer(p, a -> open(), Clock.systemUTC(), env, "test-host", 2);
  }

  Capturer.PointOutcome capture(Capturer c, String asset) {
    return c.asset(asset, List.of(), new Progress(), Capturer.Events.NONE);
  }

  List<Snapshot> snapshots() throws IOException {
    try (Repository r = open()) {
      return r.snapshots();
    }
  }

  List<GroupPoint> groupPoints() throws IOException {
    try (Repository r = open()) {
      return r.records(GroupPoint.RECORDS).list(RecordStore.FAIL).stream().map(RecordStore.Stored::value).toList();
    }
  }

  /** Restores a snapshot into a fresh folder. */
  Path restore(String snapshot, Path into) throws IOException {
    try (Repository r = open()) {
      Snapshot s = r.resolve(snapshot);
      new Restorer(r, new RestoreOptions(into, List.of(), List.of(), false, false, 2), new Progress()).run(s, null);
    }
    return into;
  }

  static boolean processesWith(String marker) throws IOException {
    try (var s = Files.list(Path.of("/proc"))) {
      for (Path p : s.filter(x -> x.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String cmd = new String(Files.readAllBytes(p.resolve("cmdline"))).replace('\0', ' ');
          if (cmd.contains(marker)) return true;
        } catch (IOException gone) {
          // exited meanwhile
        }
      }
    }
    return false;
  }
}
