package io.cairn.engine.tree;

import io.cairn.engine.BlobId;
import io.cairn.engine.CorruptObjectException;
import io.cairn.engine.UnsupportedFormatVersionException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tree blob format version 1: the canonical encoding of one directory (docs/repository-format.md,
 * "Trees"). Canonical means one directory has exactly one encoding: nodes sorted by name bytes,
 * fields in a fixed order, integers as LEB128 varints (signed ones zigzag), xattrs sorted by name.
 * So equal directories have equal tree ids and unchanged subtrees are stored once.
 * <pre>
 *   version (1) = 1 | count (varint) | count x node
 *   node = name (bytes) | type (1) | mode | uid | gid | user (ostr) | group (ostr) | mtime (zigzag)
 *          | ctime (zigzag) | inode | device | links | size
 *          | FILE: chunk count, count x id (32) | DIR: subtree id (32) | SYMLINK: target (bytes)
 *          | CHAR/BLOCK: rdev | xattr count, count x (name (bytes), value (bytes))
 *   bytes = length (varint) | bytes ; ostr = 0 for none, else length + 1 (varint) | bytes
 * </pre>
 */
public final class TreeCodec {
  public static final int VERSION = 1;

  private TreeCodec() {}

  public static byte[] encode(List<Node> nodes) {
    Out o = new Out(64 + nodes.size() * 96);
    o.buf.write(VERSION);
    o.varint(nodes.size());
    String prev = null;
    for (Node n : nodes) {
      if (prev != null && prev.compareTo(n.name()) >= 0) {
        throw new IllegalArgumentException("tree nodes must be sorted and unique: " + n.displayName());
      }
      prev = n.name();
      o.bytes(n.name());
      o.buf.write(n.type().code);
      o.varint(n.mode());
      o.varint(n.uid());
      o.varint(n.gid());
      o.ostr(n.user());
      o.ostr(n.group());
      o.zigzag(n.mtimeNanos());
      o.zigzag(n.ctimeNanos());
      o.varint(n.inode());
      o.varint(n.device());
      o.varint(n.links());
      o.varint(n.size());
      switch (n.type()) {
        case FILE -> {
          o.varint(n.content().size());
          for (BlobId id : n.content()) o.id(id);
        }
        case DIR -> o.id(n.subtree());
        case SYMLINK -> o.bytes(n.linkTarget());
        case CHAR_DEVICE, BLOCK_DEVICE -> o.varint(n.rdev());
        default -> {}
      }
      o.varint(n.xattrs().size());
      for (Map.Entry<String, String> x : n.xattrs().entrySet()) {
        o.bytes(x.getKey());
        o.bytes(x.getValue());
      }
    }
    return o.buf.toByteArray();
  }

  public static List<Node> decode(String name, byte[] data) throws CorruptObjectException {
    if (data.length == 0) throw new CorruptObjectException(name, "empty tree");
    if (data[0] != VERSION) throw new UnsupportedFormatVersionException(name, "tree format", data[0] & 0xff, VERSION);
    In in = new In(name, data);
    in.pos = 1;
    try {
      int count = (int) in.varint();
      if (count < 0 || count > data.length) throw new CorruptObjectException(name, "bad node count");
      List<Node> out = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        String nm = in.bytes();
        NodeType type = NodeType.of(in.u8());
        int mode = (int) in.varint();
        int uid = (int) in.varint();
        int gid = (int) in.varint();
        String user = in.ostr();
        String group = in.ostr();
        long mtime = in.zigzag();
        long ctime = in.zigzag();
        long inode = in.varint();
        long device = in.varint();
        int links = (int) in.varint();
        long size = in.varint();
        List<BlobId> content = List.of();
        BlobId subtree = null;
        String target = null;
        long rdev = 0;
        switch (type) {
          case FILE -> {
            int nc = (int) in.varint();
            if (nc < 0 || nc > (data.length - in.pos) / 32) throw new CorruptObjectException(name, "bad chunk count");
            List<BlobId> ids = new ArrayList<>(nc);
            for (int k = 0; k < nc; k++) ids.add(in.id());
            content = ids;
          }
          case DIR -> subtree = in.id();
          case SYMLINK -> target = in.bytes();
          case CHAR_DEVICE, BLOCK_DEVICE -> rdev = in.varint();
          default -> {}
        }
        int nx = (int) in.varint();
        TreeMap<String, String> xattrs = new TreeMap<>();
        for (int k = 0; k < nx; k++) xattrs.put(in.bytes(), in.bytes());
        out.add(new Node(nm, type, mode, uid, gid, user, group, mtime, ctime, inode, device, links, size, content, subtree,
            target, rdev, xattrs));
      }
      if (in.pos != data.length) throw new CorruptObjectException(name, "trailing bytes in tree");
      // one tree, one encoding: bytes that decode but are not what encode writes (an overlong
      // varint, a value past its field's range) are damage, not an alternative form
      if (!Arrays.equals(encode(out), data)) throw new CorruptObjectException(name, "tree is not in canonical form");
      return out;
    } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
      throw new CorruptObjectException(name, "tree is truncated or malformed", e);
    }
  }

  private static final class Out {
    final ByteArrayOutputStream buf;

    Out(int size) {
      buf = new ByteArrayOutputStream(size);
    }

    void varint(long v) {
      while ((v & ~0x7FL) != 0) {
        buf.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      buf.write((int) v);
    }

    void zigzag(long v) {
      varint((v << 1) ^ (v >> 63));
    }

    void bytes(String byteString) {
      byte[] b = byteString.getBytes(StandardCharsets.ISO_8859_1);
      varint(b.length);
      buf.write(b, 0, b.length);
    }

    void ostr(String s) {
      if (s == null) {
        varint(0);
        return;
      }
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      varint(b.length + 1L);
      buf.write(b, 0, b.length);
    }

    void id(BlobId id) {
      buf.write(id.toBytes(), 0, 32);
    }
  }

  private static final class In {
    final String name;
    final byte[] d;
    int pos;

    In(String name, byte[] d) {
      this.name = name;
      this.d = d;
    }

    int u8() {
      return d[pos++] & 0xff;
    }

    long varint() throws CorruptObjectException {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = d[pos++] & 0xff;
        v |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) return v;
      }
      throw new CorruptObjectException(name, "varint too long");
    }

    long zigzag() throws CorruptObjectException {
      long v = varint();
      return (v >>> 1) ^ -(v & 1);
    }

    String bytes() throws CorruptObjectException {
      int n = (int) varint();
      if (n < 0 || n > d.length - pos) throw new CorruptObjectException(name, "bad length");
      String s = new String(d, pos, n, StandardCharsets.ISO_8859_1);
      pos += n;
      return s;
    }

    String ostr() throws CorruptObjectException {
      int n = (int) varint();
      if (n == 0) return null;
      n--;
      if (n < 0 || n > d.length - pos) throw new CorruptObjectException(name, "bad length");
      String s = new String(d, pos, n, StandardCharsets.UTF_8);
      pos += n;
      return s;
    }

    BlobId id() {
      BlobId id = BlobId.fromBytes(d, pos);
      pos += 32;
      return id;
    }
  }
}
