package io.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.engine.crypto.KeyFile;
import io.cairn.engine.crypto.MasterKey;
import io.cairn.engine.crypto.Sealer;
import io.cairn.engine.index.IndexFormat;
import io.cairn.engine.pack.BlobType;
import io.cairn.engine.pack.Compression;
import io.cairn.engine.pack.PackEntry;
import io.cairn.engine.pack.PackFormat;
import io.cairn.engine.pack.PackWriter;
import io.cairn.engine.store.MemoryObjectStore;
import io.cairn.engine.store.PendingObject;
import io.cairn.engine.tree.Node;
import io.cairn.engine.tree.NodeType;
import io.cairn.engine.tree.TreeCodec;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class CodecRoundTripTest {
  static final MasterKey KEY = MasterKey.generate(new SecureRandom());
  static final Sealer SEALER = new Sealer(KEY, new SecureRandom());

  static BlobId id(Random r) {
    return new BlobId(r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong());
  }

  static String bytes(Random r, int max) {
    byte[] b = new byte[1 + r.nextInt(max)];
    r.nextBytes(b);
    for (int i = 0; i < b.length; i++) if (b[i] == '/' || b[i] == 0) b[i] = 'x';
    String s = new String(b, StandardCharsets.ISO_8859_1);
    return s.equals(".") || s.equals("..") ? s + "x" : s;
  }

  static List<Node> randomNodes(long seed, int count) {
    Random r = new Random(seed);
    TreeMap<String, Node> nodes = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      NodeType t = NodeType.values()[r.nextInt(NodeType.values().length)];
      TreeMap<String, String> x = new TreeMap<>();
      for (int k = r.nextInt(3); k > 0; k--) x.put(bytes(r, 10), bytes(r, 30));
      List<BlobId> content = new ArrayList<>();
      if (t == NodeType.FILE) for (int k = r.nextInt(4); k > 0; k--) content.add(id(r));
      String name = bytes(r, 40);
      nodes.put(name, new Node(name, t, r.nextInt(07777), r.nextInt(70000), r.nextInt(70000), r.nextBoolean() ? "user" + i : null,
          r.nextBoolean() ? "grp" : null, r.nextLong(), r.nextLong(), r.nextLong() & Long.MAX_VALUE, r.nextInt(1 << 20),
          1 + r.nextInt(3), t == NodeType.FILE ? r.nextLong() & 0xffffffffffL : 0, content, t == NodeType.DIR ? id(r) : null,
          t == NodeType.SYMLINK ? bytes(r, 100) : null,
          t == NodeType.CHAR_DEVICE || t == NodeType.BLOCK_DEVICE ? r.nextInt(1 << 20) : 0, x));
    }
    return new ArrayList<>(nodes.values());
  }

  @Property(tries = 200)
  void tree_roundTripsEveryField(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed, @ForAll @IntRange(min = 0, max = 40) int count)
      throws Exception {
    List<Node> nodes = randomNodes(seed, count);
    byte[] enc = TreeCodec.encode(nodes);
    assertThat(TreeCodec.decode("t", enc)).isEqualTo(nodes);
    assertThat(TreeCodec.encode(TreeCodec.decode("t", enc))).as("canonical").isEqualTo(enc);
  }

  @Property(tries = 100)
  void tree_withAnyCorruptByte_failsCleanlyOrDecodesDifferently(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed) {
    List<Node> nodes = randomNodes(seed, 5);
    byte[] enc = TreeCodec.encode(nodes);
    Random r = new Random(seed);
    enc[r.nextInt(enc.length)] ^= (byte) (1 + r.nextInt(255));
    try {
      // the encoding is canonical, so different bytes can never decode to the same tree
      assertThat(TreeCodec.decode("tree x", enc)).isNotEqualTo(nodes);
    } catch (CorruptObjectException | CairnException e) {
      assertThat(e.getMessage()).contains("tree x");
    }
  }

  @Property(tries = 50)
  void sealedObject_roundTrips_andRejectsAnyFlippedByte(@ForAll byte[] plain, @ForAll @IntRange(min = 0, max = 10_000) int flip)
      throws Exception {
    byte[] sealed = SEALER.seal('S', plain);
    assertThat(SEALER.open("x", 'S', sealed)).isEqualTo(plain);
    sealed[flip % sealed.length] ^= 1;
    assertThatThrownBy(() -> SEALER.open("x", 'S', sealed)).isInstanceOfAny(CorruptObjectException.class, CairnException.class);
  }

  @Test
  void sealedObject_ofAnotherKind_isRejected() {
    byte[] sealed = SEALER.seal('I', new byte[] {1, 2, 3});
    assertThatThrownBy(() -> SEALER.open("index/x", 'S', sealed)).isInstanceOf(CorruptObjectException.class).hasMessageContaining("index/x");
  }

  @Test
  void sealedObject_ofUnknownVersion_namesTheVersion() {
    byte[] sealed = SEALER.seal('S', new byte[] {1});
    sealed[6] = 9;
    assertThatThrownBy(() -> SEALER.open("snapshots/x", 'S', sealed)).isInstanceOf(UnsupportedFormatVersionException.class)
        .hasMessageContaining("version 9");
  }

  @Property(tries = 30)
  void pack_roundTripsBlobsAndTrailer(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed) throws Exception {
    Random r = new Random(seed);
    MemoryObjectStore store = new MemoryObjectStore();
    PendingObject out = store.create();
    PackWriter w = new PackWriter(SEALER, out, 1 << 20);
    List<byte[]> blobs = new ArrayList<>();
    List<PackEntry> entries = new ArrayList<>();
    for (int i = 0; i < 1 + r.nextInt(20); i++) {
      byte[] b = new byte[r.nextInt(5000)];
      r.nextBytes(b);
      BlobId id = KEY.id(b, 0, b.length);
      PackEntry e = w.reserve(id, BlobType.DATA, Compression.NONE, b.length, b.length);
      w.write(e, b, 0, b.length, new byte[b.length + 16]);
      blobs.add(b);
      entries.add(e);
    }
    long len = w.finish();
    out.commit("data/00/p", len);
    byte[] pack = store.get("data/00/p");
    assertThat(PackFormat.readTrailer("p", SEALER, pack)).isEqualTo(entries);
    byte[] salt = PackFormat.readHeader("p", pack);
    for (int i = 0; i < blobs.size(); i++) {
      PackEntry e = entries.get(i);
      byte[] plain = SEALER.openBlob(SEALER.packKey(salt), e.offset(), PackFormat.blobAad(e.type(), e.compression(), e.id()), pack,
          e.offset(), e.length());
      assertThat(plain).isEqualTo(blobs.get(i));
    }
  }

  @Property(tries = 50)
  void index_roundTrips(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed) throws Exception {
    Random r = new Random(seed);
    Map<BlobId, List<PackEntry>> packs = new LinkedHashMap<>();
    for (int p = r.nextInt(4); p > 0; p--) {
      List<PackEntry> es = new ArrayList<>();
      for (int i = r.nextInt(30); i > 0; i--) {
        es.add(new PackEntry(id(r), BlobType.values()[r.nextInt(2)], Compression.values()[r.nextInt(2)], 40 + r.nextInt(1 << 20),
            16 + r.nextInt(1 << 20), r.nextInt(1 << 23)));
      }
      packs.put(id(r), es);
    }
    List<IndexFormat.PackBlobs> back = IndexFormat.decode("i", IndexFormat.encode(List.of(), packs));
    Map<BlobId, List<PackEntry>> got = new LinkedHashMap<>();
    for (IndexFormat.PackBlobs pb : back) got.put(pb.pack(), pb.entries());
    assertThat(got).isEqualTo(packs);
  }

  @Test
  void keyFile_opensWithItsPassword_only() {
    KeyFile kf = KeyFile.create(KEY, "pw".toCharArray(), KeyFile.KdfParams.TESTING, new SecureRandom(), Instant.EPOCH, "h", "u");
    KeyFile back = KeyFile.parse("keys/k", kf.toJson());
    assertThat(back.open("pw".toCharArray()).toBytes()).isEqualTo(KEY.toBytes());
    assertThat(back.open("wrong".toCharArray())).isNull();
  }

  @Test
  void keyFile_ofUnknownVersion_isRefused() {
    KeyFile kf = KeyFile.create(KEY, "pw".toCharArray(), KeyFile.KdfParams.TESTING, new SecureRandom(), Instant.EPOCH, "h", "u");
    byte[] json = new String(kf.toJson()).replace("\"version\" : 1", "\"version\" : 7").getBytes();
    assertThatThrownBy(() -> KeyFile.parse("keys/k", json)).isInstanceOf(UnsupportedFormatVersionException.class);
  }
}
