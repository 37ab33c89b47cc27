package io.cairn.engine.pack;

import io.cairn.engine.BlobId;
import io.cairn.engine.crypto.Sealer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds one pack in memory: blobs are encrypted straight into the pack buffer. Not thread-safe;
 * the caller serializes {@link #add}. A pack is finished when it reaches its target size.
 */
public final class PackWriter {
  private final Sealer sealer;
  private final byte[] packKey;
  private final int target;
  private final List<PackEntry> entries = new ArrayList<>();
  private byte[] buf;
  private int pos;
  private long rawBytes;

  public PackWriter(Sealer sealer, int target, byte[] buffer) {
    this.sealer = sealer;
    this.target = target;
    byte[] salt = sealer.newPackSalt();
    this.packKey = sealer.packKey(salt);
    this.buf = buffer != null && buffer.length >= PackFormat.HEADER ? buffer : new byte[Math.max(target + (1 << 20), 1 << 16)];
    System.arraycopy(PackFormat.MAGIC, 0, buf, 0, 7);
    buf[7] = PackFormat.VERSION;
    System.arraycopy(salt, 0, buf, 8, salt.length);
    pos = PackFormat.HEADER;
  }

  /** Encrypts and appends a blob whose (possibly compressed) payload is {@code src[off, off+len)}. */
  public PackEntry add(BlobId id, BlobType type, Compression c, byte[] src, int off, int len, int rawLength) {
    ensure(len + Sealer.BLOB_OVERHEAD);
    int start = pos;
    int n = sealer.sealBlob(packKey, start, PackFormat.blobAad(type, c, id), src, off, len, buf, start);
    pos += n;
    rawBytes += rawLength;
    PackEntry e = new PackEntry(id, type, c, start, n, rawLength);
    entries.add(e);
    return e;
  }

  private void ensure(int more) {
    int need = pos + more + PackFormat.FOOTER + 16 + 4 + (entries.size() + 1) * PackFormat.ENTRY;
    if (need > buf.length) buf = Arrays.copyOf(buf, Math.max(need, buf.length + (buf.length >> 1)));
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  public boolean full() {
    return pos >= target;
  }

  public int size() {
    return pos;
  }

  public long rawBytes() {
    return rawBytes;
  }

  /** Appends trailer and footer; returns the finished pack. The writer must not be used afterwards. */
  public FinishedPack finish() {
    byte[] plain = PackFormat.encodeEntries(entries);
    ensure(plain.length);
    int toff = pos;
    int n = sealer.sealBlob(packKey, toff, PackFormat.TRAILER_AAD, plain, 0, plain.length, buf, toff);
    pos += n;
    buf[pos++] = (byte) (n >>> 24);
    buf[pos++] = (byte) (n >>> 16);
    buf[pos++] = (byte) (n >>> 8);
    buf[pos++] = (byte) n;
    System.arraycopy(PackFormat.FOOTER_MAGIC, 0, buf, pos, 4);
    pos += 4;
    return new FinishedPack(buf, pos, List.copyOf(entries), rawBytes);
  }

  /** A finished pack: {@code bytes[0, length)} is the object to store. */
  public record FinishedPack(byte[] bytes, int length, List<PackEntry> entries, long rawBytes) {}
}
