package io.cairn.engine.pack;

import io.cairn.engine.BlobId;
import io.cairn.engine.CorruptObjectException;
import io.cairn.engine.UnsupportedFormatVersionException;
import io.cairn.engine.crypto.Sealer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Pack format version 1 (docs/repository-format.md, "Packs"):
 * <pre>
 *   header  : magic "CRNPACK" (7) | version (1) = 1 | salt (32)
 *   blobs   : AES-256-GCM(payload) || tag (16), one after another
 *   trailer : AES-256-GCM(count (4) | count x entry) || tag, entry = type (1) | compression (1) |
 *             id (32) | offset (4) | length (4) | raw length (4)
 *   footer  : trailer length (4, big-endian) | magic "CRNT" (4)
 * </pre>
 * Blob payloads and the trailer are sealed with the pack key derived from the salt; the nonce is
 * the object's offset in the pack; the trailer's associated data is "trailer". Because the
 * trailer lists every blob, the index can always be rebuilt from the packs alone.
 */
public final class PackFormat {
  public static final byte[] MAGIC = "CRNPACK".getBytes(StandardCharsets.US_ASCII);
  public static final byte[] FOOTER_MAGIC = "CRNT".getBytes(StandardCharsets.US_ASCII);
  public static final int VERSION = 1;
  public static final int HEADER = 8 + Sealer.PACK_SALT;
  public static final int FOOTER = 8;
  public static final int ENTRY = 46;
  static final byte[] TRAILER_AAD = "trailer".getBytes(StandardCharsets.US_ASCII);

  private PackFormat() {}

  public static byte[] blobAad(BlobType type, Compression c, BlobId id) {
    byte[] aad = new byte[34];
    aad[0] = (byte) type.code;
    aad[1] = (byte) c.code;
    id.writeTo(aad, 2);
    return aad;
  }

  /** Checks the header and returns the pack salt. */
  public static byte[] readHeader(String name, byte[] header) throws CorruptObjectException {
    if (header.length < HEADER || !Arrays.equals(header, 0, 7, MAGIC, 0, 7)) {
      throw new CorruptObjectException(name, "not a Cairn pack (bad magic)");
    }
    if (header[7] != VERSION) throw new UnsupportedFormatVersionException(name, "pack format", header[7] & 0xff, VERSION);
    return Arrays.copyOfRange(header, 8, HEADER);
  }

  /** Decodes the trailer of a whole pack held in memory. */
  public static List<PackEntry> readTrailer(String name, Sealer sealer, byte[] pack) throws CorruptObjectException {
    return readTrailer(name, sealer, pack, pack.length);
  }

  /** Decodes the trailer of a pack held in {@code pack[0, length)}. */
  public static List<PackEntry> readTrailer(String name, Sealer sealer, byte[] pack, int length) throws CorruptObjectException {
    byte[] salt = readHeader(name, pack);
    if (length < HEADER + FOOTER || !Arrays.equals(pack, length - 4, length, FOOTER_MAGIC, 0, 4)) {
      throw new CorruptObjectException(name, "pack footer is damaged or the pack is truncated");
    }
    int tlen = ByteBuffer.wrap(pack, length - 8, 4).getInt();
    int toff = length - FOOTER - tlen;
    if (tlen < 16 || toff < HEADER) throw new CorruptObjectException(name, "pack trailer length is out of range");
    return openTrailer(name, sealer, salt, pack, toff, toff, tlen);
  }

  /**
   * The trailer's offset in a pack of {@code packSize} bytes, from its footer (the last 8 bytes).
   */
  public static int trailerOffset(String name, byte[] footer, long packSize) throws CorruptObjectException {
    if (footer.length != FOOTER || packSize < HEADER + FOOTER || !Arrays.equals(footer, 4, 8, FOOTER_MAGIC, 0, 4)) {
      throw new CorruptObjectException(name, "pack footer is damaged or the pack is truncated");
    }
    int tlen = ByteBuffer.wrap(footer, 0, 4).getInt();
    long toff = packSize - FOOTER - tlen;
    if (tlen < 16 || toff < HEADER) throw new CorruptObjectException(name, "pack trailer length is out of range");
    return (int) toff;
  }

  /** Decrypts and decodes a trailer held in {@code src[off, off + len)} that sits at {@code toff} in its pack. */
  public static List<PackEntry> openTrailer(String name, Sealer sealer, byte[] salt, byte[] src, int off, int toff, int len)
      throws CorruptObjectException {
    byte[] plain = sealer.openBlob(sealer.packKey(salt), toff, TRAILER_AAD, src, off, len);
    if (plain == null) throw new CorruptObjectException(name, "pack trailer fails authentication");
    return decodeEntries(name, plain, toff);
  }

  static List<PackEntry> decodeEntries(String name, byte[] plain, int trailerOffset) throws CorruptObjectException {
    ByteBuffer b = ByteBuffer.wrap(plain);
    int n = b.getInt();
    if (n < 0 || (long) n * ENTRY + 4 != plain.length) throw new CorruptObjectException(name, "pack trailer has a bad entry count");
    List<PackEntry> out = new ArrayList<>(n);
    byte[] id = new byte[32];
    for (int i = 0; i < n; i++) {
      BlobType t;
      Compression c;
      try {
        t = BlobType.of(b.get());
        c = Compression.of(b.get());
      } catch (IllegalArgumentException e) {
        throw new CorruptObjectException(name, "pack trailer entry " + i + ": " + e.getMessage(), e);
      }
      b.get(id);
      int off = b.getInt();
      int len = b.getInt();
      int raw = b.getInt();
      if (off < HEADER || len < 16 || (long) off + len > trailerOffset) {
        throw new CorruptObjectException(name, "pack trailer entry " + i + " points outside the pack");
      }
      out.add(new PackEntry(BlobId.fromBytes(id, 0), t, c, off, len, raw));
    }
    return out;
  }

  static byte[] encodeEntries(List<PackEntry> entries) {
    ByteBuffer b = ByteBuffer.allocate(4 + entries.size() * ENTRY);
    b.putInt(entries.size());
    byte[] id = new byte[32];
    for (PackEntry e : entries) {
      b.put((byte) e.type().code).put((byte) e.compression().code);
      e.id().writeTo(id, 0);
      b.put(id).putInt(e.offset()).putInt(e.length()).putInt(e.rawLength());
    }
    return b.array();
  }
}
