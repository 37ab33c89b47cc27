package io.cairn.engine.repo;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import io.cairn.engine.BlobId;
import io.cairn.engine.CorruptObjectException;
import io.cairn.engine.fs.IoSlices;
import io.cairn.engine.index.MemIndex;
import io.cairn.engine.pack.Compression;
import io.cairn.engine.pack.PackEntry;
import io.cairn.engine.pack.PackFormat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import javax.crypto.Mac;

/**
 * Reads, decrypts, decompresses and verifies blobs in buffers of its own. Borrowed from a repository
 * ({@link Repository#reader()}) by one user at a time (a restore or check worker, a single read) and
 * given back with {@link #close}; its buffers grow in whole MiB to the largest blob it has met and are
 * reused by its next user, so decoding allocates nothing per blob, and nothing stays on a thread.
 */
public final class BlobReader implements AutoCloseable {
  /** Plaintext pieces of a streamed blob; a larger compressed blob is never held whole in plaintext. */
  static final int STREAM_SLICE = 1 << 20;

  private final Repository repo;
  /** 0: stored bytes (decrypted in place); 1: free for the borrower ({@link #buffer}); 2: plaintext. */
  private final byte[][] buffers = new byte[3][];
  private ZstdDecompressCtx unzstd;
  private ZstdInputStreamNoFinalizer unzstdStream;
  /** True while lent out: a second {@link #close} must not give it back twice (two users would share it). */
  private boolean lent;

  BlobReader(Repository repo) {
    this.repo = repo;
  }

  /** Buffer 1, of at least {@code n} bytes, for the borrower's own reads (a check reading pack ranges). */
  public byte[] buffer(int n) {
    return buffer(1, n);
  }

  private byte[] buffer(int which, int n) {
    if (buffers[which] == null || buffers[which].length < n) buffers[which] = new byte[IoSlices.grow(buffers[which], n)];
    return buffers[which];
  }

  /** The stored (still encrypted) bytes of a blob, in buffer 0. */
  private byte[] readStored(MemIndex.Location loc) throws IOException {
    PackEntry e = loc.entry();
    byte[] stored = buffer(0, e.length());
    int n = e.type() == io.cairn.engine.pack.BlobType.TREE ? repo.readTreePack(loc.pack(), e.offset(), stored, 0, e.length())
        : repo.readPack(loc.pack(), e.offset(), stored, 0, e.length());
    if (n != e.length()) throw new CorruptObjectException("pack " + loc.pack() + " blob " + e.id(), "pack is truncated");
    return stored;
  }

  /**
   * A blob's stored payload, authenticated (AES-GCM over the bytes, bound to the blob's id, type and
   * compression) and decrypted, still compressed as the entry says: what a copy between repositories
   * that share blob ids needs, without decompressing, hashing and compressing again. In a new array.
   */
  public byte[] readPayload(MemIndex.Location loc) throws IOException {
    PackEntry e = loc.entry();
    byte[] src = readStored(loc);
    int plen = repo.sealer().openBlobInto(repo.packKeyOf(loc.pack()), e.offset(), PackFormat.blobAad(e.type(), e.compression(), e.id()),
        src, 0, e.length(), src, 0);
    if (plen < 0) throw new CorruptObjectException("pack " + loc.pack() + " blob " + e.id(), "fails authentication (damaged)");
    return Arrays.copyOf(src, plen);
  }

  /** A blob's plaintext, verified, in a new array. */
  public byte[] read(MemIndex.Location loc) throws IOException {
    byte[] src = readStored(loc);
    int[] len = new int[1];
    byte[] plain = decode(loc.pack(), loc.entry(), src, len);
    return Arrays.copyOf(plain, len[0]);
  }

  /** Hands a blob's verified plaintext to {@code sink} in pieces ({@link #decodeStreaming}). */
  public void readStreaming(MemIndex.Location loc, BlobSource.PlainSink sink) throws IOException {
    decodeStreaming(loc.pack(), loc.entry(), readStored(loc), sink);
  }

  /**
   * Decrypts, decompresses and verifies one blob whose stored bytes are {@code src[0, e.length())};
   * returns the buffer holding the plaintext (its length in {@code len[0]}), valid until this reader's
   * next decode. The stored bytes are decrypted in place, which saves a blob-sized buffer.
   */
  private byte[] decode(BlobId pack, PackEntry e, byte[] src, int[] len) throws IOException {
    String name = "pack " + pack + " blob " + e.id();
    int plen = repo.sealer().openBlobInto(repo.packKeyOf(pack), e.offset(), PackFormat.blobAad(e.type(), e.compression(), e.id()),
        src, 0, e.length(), src, 0);
    if (plen < 0) throw new CorruptObjectException(name, "fails authentication (damaged)");
    byte[] plain = src;
    int n = plen;
    if (e.compression() == Compression.ZSTD) {
      plain = buffer(2, e.rawLength());
      if (unzstd == null) unzstd = new ZstdDecompressCtx();
      try {
        n = unzstd.decompressByteArray(plain, 0, e.rawLength(), src, 0, plen);
      } catch (RuntimeException ex) {
        throw new CorruptObjectException(name, "does not decompress: " + ex.getMessage(), ex);
      }
    }
    if (n != e.rawLength()) throw new CorruptObjectException(name, "decodes to " + n + " bytes, expected " + e.rawLength());
    if (!repo.sealer().masterKey().matches(e.id(), plain, 0, n)) {
      throw new CorruptObjectException(name, "content does not match its id");
    }
    len[0] = n;
    return plain;
  }

  /**
   * Hands the plaintext of the blob whose stored bytes are {@code src[0, e.length())} to {@code sink}
   * in pieces of at most {@value #STREAM_SLICE} bytes, decompressing as it goes: a restore or check
   * worker then needs a buffer of the stored blob and one slice, not a second buffer of the whole
   * plaintext (8 MiB at the largest chunk). The content is authenticated (AES-GCM) before the first
   * piece; its id is verified after the last, so on {@link CorruptObjectException} the sink may
   * already have had pieces of it (a restore counts such a file as damaged).
   */
  public void decodeStreaming(BlobId pack, PackEntry e, byte[] src, BlobSource.PlainSink sink) throws IOException {
    if (e.compression() != Compression.ZSTD || e.rawLength() <= STREAM_SLICE) {
      int[] len = new int[1];
      byte[] plain = decode(pack, e, src, len); // held whole anyway: raw (decrypted in place) or small
      for (int pos = 0; pos < len[0]; pos += STREAM_SLICE) sink.accept(pos, plain, pos, Math.min(STREAM_SLICE, len[0] - pos));
      return;
    }
    String name = "pack " + pack + " blob " + e.id();
    int plen = repo.sealer().openBlobInto(repo.packKeyOf(pack), e.offset(), PackFormat.blobAad(e.type(), e.compression(), e.id()),
        src, 0, e.length(), src, 0);
    if (plen < 0) throw new CorruptObjectException(name, "fails authentication (damaged)");
    Mac mac = repo.sealer().masterKey().borrowIdMac();
    try {
      byte[] slice = buffer(2, STREAM_SLICE);
      long pos = 0;
      boolean tooLong = false;
      ZstdInputStreamNoFinalizer z = unzstdStream();
      z.resetSession(new ByteArrayInputStream(src, 0, plen));
      while (true) {
        // one byte more than the blob can have left: a blob that decodes too long is seen
        int want = (int) Math.min(STREAM_SLICE, e.rawLength() + 1 - pos);
        int n = 0;
        try {
          while (n < want) {
            int r = z.read(slice, n, want - n);
            if (r < 0) break;
            n += r;
          }
        } catch (IOException | RuntimeException ex) { // zstd's errors: the stored bytes are not a valid frame
          throw new CorruptObjectException(name, "does not decompress: " + ex.getMessage(), ex);
        }
        if (n == 0) break;
        if (pos + n > e.rawLength()) {
          tooLong = true;
          break;
        }
        mac.update(slice, 0, n);
        sink.accept(pos, slice, 0, n);
        pos += n;
      }
      if (tooLong || pos != e.rawLength()) {
        throw new CorruptObjectException(name, "decodes to " + (tooLong ? "more than " + e.rawLength() : pos) + " bytes, expected "
            + e.rawLength());
      }
      if (!repo.sealer().masterKey().matches(e.id(), mac)) throw new CorruptObjectException(name, "content does not match its id");
    } finally {
      repo.sealer().masterKey().release(mac);
    }
  }

  private ZstdInputStreamNoFinalizer unzstdStream() {
    if (unzstdStream == null) {
      try {
        unzstdStream = new ZstdInputStreamNoFinalizer(new ByteArrayInputStream(new byte[0]), RecyclingBufferPool.INSTANCE);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return unzstdStream;
  }

  BlobReader lend() {
    lent = true;
    return this;
  }

  /** Gives this reader back to its repository; once only, however often it is called. */
  @Override
  public void close() {
    if (!lent) return;
    lent = false;
    repo.giveBack(this);
  }

  /** Frees the native decompression contexts (the pool calls this for a reader it does not keep). */
  void dispose() {
    if (unzstd != null) unzstd.close();
    if (unzstdStream != null) {
      try {
        unzstdStream.close();
      } catch (IOException ignored) {
        // nothing to flush
      }
    }
    unzstd = null;
    unzstdStream = null;
  }
}
