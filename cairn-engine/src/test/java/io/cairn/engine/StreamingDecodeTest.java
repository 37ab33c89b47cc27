package io.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.engine.chunk.ChunkerParams;
import io.cairn.engine.crypto.KeyFile;
import io.cairn.engine.pack.BlobType;
import io.cairn.engine.repo.BlobWriter;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.store.MemoryObjectStore;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Restore and check take a blob's plaintext in pieces; the pieces must be the blob, and a wrong blob must be named. */
class StreamingDecodeTest {
  private static Repository repo() throws Exception {
    return Repository.init(new MemoryObjectStore(), "pw".toCharArray(), new ChunkerParams(4096, 16384, 65536 * 8), 1 << 20, 3,
        KeyFile.KdfParams.TESTING, Clock.systemUTC());
  }

  /** Compressible, half random or incompressible; below, at and above one slice (1 MiB). */
  private static byte[] content(int len, long seed, int kind) {
    byte[] b = new byte[len];
    Random r = new Random(seed);
    for (int i = 0; i < len; i++) {
      b[i] = switch (kind) {
        case 0 -> (byte) ("abcdefgh".charAt(i % 8) + (i / 4096) % 3);
        case 1 -> (byte) (i % 2 == 0 ? r.nextInt() : 'x');
        default -> (byte) r.nextInt();
      };
    }
    return b;
  }

  @Property(tries = 12)
  void readBlobStreaming_anySize_deliversTheBlobInOrder(@ForAll @IntRange(min = 1, max = 3_500_000) int len,
      @ForAll @IntRange(min = 0, max = 2) int kind, @ForAll long seed) throws Exception {
    Repository repo = repo();
    byte[] data = content(len, seed, kind);
    BlobId id = repo.sealer().masterKey().id(data, 0, len);
    try (BlobWriter w = new BlobWriter(repo, repo.index())) {
      w.store(BlobType.DATA, id, data, 0, len);
      w.flush();
    }
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    long[] next = {0};
    repo.readBlobStreaming(id, (pos, b, off, n) -> {
      assertThat(pos).isEqualTo(next[0]);
      assertThat(n).isBetween(1, 1 << 20);
      got.write(b, off, n);
      next[0] += n;
    });
    assertThat(got.toByteArray()).isEqualTo(data);
  }

  /** Stored raw (it does not compress), so decoded whole in place: still handed on in slices of at most 1 MiB. */
  @Test
  void readBlobStreaming_incompressibleLargeBlob_comesInSlices() throws Exception {
    Repository repo = repo();
    byte[] data = content(2_500_001, 3, 2);
    BlobId id = repo.sealer().masterKey().id(data, 0, data.length);
    try (BlobWriter w = new BlobWriter(repo, repo.index())) {
      w.store(BlobType.DATA, id, data, 0, data.length);
      w.flush();
    }
    List<Integer> sizes = new ArrayList<>();
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    repo.readBlobStreaming(id, (pos, b, off, n) -> {
      assertThat(pos).isEqualTo(got.size());
      sizes.add(n);
      got.write(b, off, n);
    });
    assertThat(sizes).containsExactly(1 << 20, 1 << 20, 2_500_001 - 2 * (1 << 20));
    assertThat(got.toByteArray()).isEqualTo(data);
  }

  @Test
  void readBlobStreaming_contentNotMatchingItsId_isNamedCorrupt() throws Exception {
    Repository repo = repo();
    byte[] data = content(3_000_000, 7, 0);
    BlobId wrong = repo.sealer().masterKey().id(new byte[] {1, 2, 3}, 0, 3); // stored under another blob's id
    try (BlobWriter w = new BlobWriter(repo, repo.index())) {
      w.store(BlobType.DATA, wrong, data, 0, data.length);
      w.flush();
    }
    assertThatThrownBy(() -> repo.readBlobStreaming(wrong, (pos, b, off, n) -> {}))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("blob " + wrong)
        .hasMessageContaining("does not match its id");
    // the thread's id MAC was left clean: the next blob on this thread verifies
    BlobId right = repo.sealer().masterKey().id(data, 0, data.length);
    try (BlobWriter w = new BlobWriter(repo, repo.index())) {
      w.store(BlobType.DATA, right, data, 0, data.length);
      w.flush();
    }
    long[] total = {0};
    repo.readBlobStreaming(right, (pos, b, off, n) -> total[0] += n);
    assertThat(total[0]).isEqualTo(data.length);
  }
}
