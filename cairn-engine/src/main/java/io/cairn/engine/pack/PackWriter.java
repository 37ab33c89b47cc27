package io.cairn.engine.pack;

import io.cairn.engine.BlobId;
import io.cairn.engine.crypto.Sealer;
import io.cairn.engine.store.PendingObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes one pack straight into a {@link PendingObject}, so a pack costs no memory beyond its
 * entry list. Several threads fill one pack at once: each {@link #reserve}s the blob's offset
 * (which is also its nonce), encrypts outside any lock and writes at that offset; the thread whose
 * write completes a sealed pack hands it on to be finished (trailer, footer) and committed.
 */
public final class PackWriter {
  private final Sealer sealer;
  private final PendingObject out;
  private final byte[] packKey;
  private final int target;
  private final List<PackEntry> entries = new ArrayList<>();
  private long pos;
  private int pendingWrites;
  private boolean sealed;

  public PackWriter(Sealer sealer, PendingObject out, int target) throws IOException {
    this.sealer = sealer;
    this.out = out;
    this.target = target;
    byte[] salt = sealer.newPackSalt();
    this.packKey = sealer.packKey(salt);
    byte[] header = new byte[PackFormat.HEADER];
    System.arraycopy(PackFormat.MAGIC, 0, header, 0, 7);
    header[7] = PackFormat.VERSION;
    System.arraycopy(salt, 0, header, 8, salt.length);
    out.write(0, header, 0, header.length);
    pos = PackFormat.HEADER;
  }

  /**
   * Reserves room for a blob of {@code payloadLength} bytes (compressed or raw) and returns its
   * entry; the pack seals itself once it reaches its target size. Callers serialize reservations.
   */
  public synchronized PackEntry reserve(BlobId id, BlobType type, Compression c, int payloadLength, int rawLength) {
    if (sealed) throw new IllegalStateException("pack is sealed");
    long len = (long) payloadLength + Sealer.BLOB_OVERHEAD;
    if (pos + len > Integer.MAX_VALUE - (1 << 20)) throw new IllegalStateException("blob too large for a pack");
    PackEntry e = new PackEntry(id, type, c, (int) pos, (int) len, rawLength);
    entries.add(e);
    pos += len;
    pendingWrites++;
    if (pos >= target) sealed = true;
    return e;
  }

  /**
   * Encrypts a reserved blob, {@code src[off, off+len)}, into {@code dst} (which may be {@code src}
   * itself at offset 0, for in-place encryption; it needs {@code len + 16} bytes) and writes it;
   * true when this completed a sealed pack.
   */
  public boolean write(PackEntry e, byte[] src, int off, int len, byte[] dst) throws IOException {
    int n = sealer.sealBlob(packKey, e.offset(), PackFormat.blobAad(e.type(), e.compression(), e.id()), src, off, len, dst, 0);
    out.write(e.offset(), dst, 0, n);
    synchronized (this) {
      pendingWrites--;
      return sealed && pendingWrites == 0;
    }
  }

  public synchronized boolean isSealed() {
    return sealed;
  }

  /** Seals the pack now (at the end of a backup); true when no write is still running. */
  public synchronized boolean seal() {
    sealed = true;
    return pendingWrites == 0;
  }

  public synchronized boolean isEmpty() {
    return entries.isEmpty();
  }

  public PendingObject output() {
    return out;
  }

  /** Writes trailer and footer after every blob write completed; returns the pack's length. */
  public synchronized long finish() throws IOException {
    if (pendingWrites != 0) throw new IllegalStateException("pack finished while blobs are still being written");
    byte[] plain = PackFormat.encodeEntries(entries);
    byte[] buf = new byte[plain.length + Sealer.BLOB_OVERHEAD + PackFormat.FOOTER];
    int n = sealer.sealBlob(packKey, pos, PackFormat.TRAILER_AAD, plain, 0, plain.length, buf, 0);
    buf[n] = (byte) (n >>> 24);
    buf[n + 1] = (byte) (n >>> 16);
    buf[n + 2] = (byte) (n >>> 8);
    buf[n + 3] = (byte) n;
    System.arraycopy(PackFormat.FOOTER_MAGIC, 0, buf, n + 4, 4);
    out.write(pos, buf, 0, n + PackFormat.FOOTER);
    pos += n + PackFormat.FOOTER;
    return pos;
  }

  public synchronized List<PackEntry> entries() {
    return List.copyOf(entries);
  }
}
