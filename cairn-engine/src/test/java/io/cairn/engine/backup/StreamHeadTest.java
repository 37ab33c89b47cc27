package io.cairn.engine.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.engine.chunk.ChunkerParams;
import io.cairn.engine.crypto.KeyFile;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.engine.store.MemoryObjectStore;
import java.io.ByteArrayInputStream;
import java.nio.channels.Channels;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StreamHeadTest {
  private static Repository repo() throws Exception {
    // default chunk sizes: without a head chunk of its own, the first chunk would be at least 512 KiB
    return Repository.init(new MemoryObjectStore(), "pw".toCharArray(), ChunkerParams.DEFAULT, 16 << 20, 3, KeyFile.KdfParams.TESTING,
        Clock.systemUTC());
  }

  private static Snapshot capture(Repository repo, byte[] data) throws Exception {
    return new StreamCapture(repo, List.of(), "h", null)
        .run(List.of(new StreamCapture.NamedStream("db.dump", Channels.newChannel(new ByteArrayInputStream(data))))).snapshot();
  }

  @Test
  void streamWhoseHeaderChanged_storesTheHeadChunkAgain_notAChunkOfTheMinimumSizeOrMore() throws Exception {
    Repository repo = repo();
    byte[] dump = new byte[4 << 20];
    new Random(7).nextBytes(dump);
    Snapshot first = capture(repo, dump);
    dump[18]++; // pg_dump -Fc writes the dump's time here
    Snapshot second = capture(repo, dump);
    assertThat(first.stats().bytesAdded()).isGreaterThan(dump.length);
    assertThat(second.stats().blobsAdded()).as("the head and the new root tree").isEqualTo(2);
    assertThat(second.stats().bytesAdded()).isLessThan(StreamCapture.HEAD + 4096);
  }

  @Test
  void streamShorterThanTheHead_isOneChunk() throws Exception {
    Snapshot s = capture(repo(), new byte[100]);
    assertThat(s.stats().bytesTotal()).isEqualTo(100);
    assertThat(s.stats().blobsAdded()).isEqualTo(2);
  }
}
