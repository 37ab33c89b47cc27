package io.cairn.engine.it;

import io.cairn.engine.backup.Backup;
import io.cairn.engine.backup.BackupOptions;
import io.cairn.engine.chunk.ChunkerParams;
import io.cairn.engine.crypto.KeyFile;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.restore.RestoreOptions;
import io.cairn.engine.restore.Restorer;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.engine.store.ObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.InstantSource;
import java.util.List;

final class Repos {
  static final char[] PASSWORD = "pw".toCharArray();
  static final ChunkerParams SMALL = new ChunkerParams(4 * 1024, 16 * 1024, 64 * 1024);

  static Repository init(ObjectStore s) throws IOException {
    return Repository.init(s, PASSWORD, SMALL, 128 * 1024, 3, KeyFile.KdfParams.TESTING, Clock.systemUTC());
  }

  static Repository open(ObjectStore s) throws IOException {
    return Repository.open(s, PASSWORD, Clock.systemUTC());
  }

  /** Opens with another clock (leases expire by the repository's clock). */
  static Repository open(ObjectStore s, InstantSource clock) throws IOException {
    return Repository.open(s, PASSWORD, clock);
  }

  static Snapshot backup(Repository r, Path src) throws IOException {
    return new Backup(r, new BackupOptions(List.of(src), List.of(), List.of(), false, null, "testhost", 2), null).run().snapshot();
  }

  static Restorer.Result restore(Repository r, Snapshot s, Path target) throws IOException {
    return new Restorer(r, new RestoreOptions(target, List.of(), List.of(), false, false, 2), null).run(s, "");
  }

  /** Where a restore of {@code src} lands under {@code target}. */
  static Path restored(Path target, Path src) {
    return target.resolve(src.toAbsolutePath().toString().substring(1));
  }
}
