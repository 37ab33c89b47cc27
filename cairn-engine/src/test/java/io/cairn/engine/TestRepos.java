package io.cairn.engine;

import io.cairn.engine.chunk.ChunkerParams;
import io.cairn.engine.crypto.KeyFile;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.store.ObjectStore;
import java.io.IOException;
import java.time.Clock;

/** Small, fast repositories for tests: cheap key derivation, small chunks and packs. */
public final class TestRepos {
  public static final char[] PASSWORD = "correct horse".toCharArray();
  public static final ChunkerParams SMALL_CHUNKS = new ChunkerParams(4 * 1024, 16 * 1024, 64 * 1024);

  private TestRepos() {}

  public static Repository init(ObjectStore store) throws IOException {
    return Repository.init(store, PASSWORD, SMALL_CHUNKS, 256 * 1024, 3, KeyFile.KdfParams.TESTING, Clock.systemUTC());
  }

  public static Repository open(ObjectStore store) throws IOException {
    return Repository.open(store, PASSWORD, Clock.systemUTC());
  }
}
