package io.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.engine.chunk.ChunkerParams;
import io.cairn.engine.crypto.KeyFile;
import io.cairn.engine.index.MemIndex;
import io.cairn.engine.repo.BlobWriter;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.store.MemoryObjectStore;
import java.time.Clock;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Runs of zeros (sparse holes) are hashed and stored from a small buffer, yet as if written out. */
class ZeroBlobTest {
  @Property(tries = 40)
  void zeroBlob_hasTheIdOfItsBytes_andReadsBackAsZeros(@ForAll @IntRange(min = 1, max = 300_000) int len, @ForAll boolean compress)
      throws Exception {
    Repository repo = Repository.init(new MemoryObjectStore(), "pw".toCharArray(), new ChunkerParams(4096, 16384, 65536 * 8),
        1 << 20, compress ? 3 : 0, KeyFile.KdfParams.TESTING, Clock.systemUTC());
    BlobId id = repo.sealer().masterKey().idOfZeros(len);
    assertThat(id).isEqualTo(repo.sealer().masterKey().id(new byte[len], 0, len));
    MemIndex index = repo.index();
    try (BlobWriter w = new BlobWriter(repo, index)) {
      assertThat(w.storeZeros(id, len)).isTrue();
      assertThat(w.storeZeros(id, len)).as("a second time: already in flight or stored").isFalse();
      w.flush();
    }
    byte[] back = repo.readBlob(id); // verifies the content against its id
    assertThat(back).hasSize(len);
    assertThat(Zeros.isZero(back, 0, len)).isTrue();
  }
}
