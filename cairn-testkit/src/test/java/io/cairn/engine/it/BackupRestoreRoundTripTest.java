package io.cairn.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.engine.check.Checker;
import io.cairn.engine.chunk.ChunkerParams;
import io.cairn.engine.crypto.KeyFile;
import io.cairn.engine.fs.RawNames;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.restore.RestoreOptions;
import io.cairn.engine.restore.Restorer;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.engine.store.LocalObjectStore;
import io.cairn.engine.store.MemoryObjectStore;
import io.cairn.engine.fs.TreeComparator;
import io.cairn.testkit.TreeGenerator;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Clock;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupRestoreRoundTripTest {
  @TempDir Path tmp;

  @Property(tries = 8)
  void randomTree_roundTripsWithAllMetadata(@ForAll @LongRange(min = 0, max = 1_000_000) long seed) throws Exception {
    Path dir = Files.createTempDirectory("cairn-prop");
    try {
      Path src = dir.resolve("src");
      new TreeGenerator(seed, 300_000).generate(src, 120);
      Repository repo = Repos.init(new MemoryObjectStore());
      Snapshot s = Repos.backup(repo, src);
      assertThat(s.errors()).isEmpty();
      Restorer.Result r = Repos.restore(repo, s, dir.resolve("out"));
      assertThat(r.damaged()).isEmpty();
      assertThat(TreeComparator.compare(src, Repos.restored(dir.resolve("out"), src))).isEmpty();
    } finally {
      try (var w = Files.walk(dir)) {
        for (Path p : w.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
      }
    }
  }

  @Test
  void sparseFile_staysSparse_andNonUtf8Names_surviveByteExact() throws Exception {
    Path src = tmp.resolve("src");
    Files.createDirectories(src);
    try (var ch = FileChannel.open(src.resolve("sparse.img"), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap("head".getBytes()), 0);
      ch.write(ByteBuffer.wrap("tail".getBytes()), 64L * 1024 * 1024);
    }
    assertThat(RawNames.exact()).as("tests run with --add-opens java.base/sun.nio.fs").isTrue();
    String raw = new String(new byte[] {'b', 'a', 'd', (byte) 0xff, (byte) 0xfe, '.', 't', 'x', 't'}, StandardCharsets.ISO_8859_1);
    Files.writeString(RawNames.child(src, raw), "latin-1 named");
    Repository repo = Repos.init(new LocalObjectStore(tmp.resolve("repo")));
    Snapshot s = Repos.backup(repo, src);
    Path out = tmp.resolve("out");
    Repos.restore(repo, s, out);
    Path back = Repos.restored(out, src);
    assertThat(TreeComparator.compare(src, back)).isEmpty();
    assertThat(Files.readString(RawNames.child(back, raw))).isEqualTo("latin-1 named");
    assertThat(TreeComparator.allocated(back.resolve("sparse.img"))).isLessThan(1024 * 1024);
    assertThat(Files.size(back.resolve("sparse.img"))).isEqualTo(64L * 1024 * 1024 + 4);
  }

  @Test
  void restore_copiesRepeatedBlobs_fromTheirFirstCopy_butDecodesBlobsWithHoles() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    byte[] dense = new byte[3 << 20];
    new Random(11).nextBytes(dense);
    Files.write(src.resolve("a.bin"), dense);
    Files.write(src.resolve("b.bin"), dense); // the same blobs again
    byte[] holey = new byte[3 << 20];
    new Random(12).nextBytes(holey);
    Arrays.fill(holey, 1 << 20, 2 << 20, (byte) 0); // restored as a hole, which a copy would fill
    Files.write(src.resolve("c.bin"), holey);
    Files.write(src.resolve("d.bin"), holey);
    Repository repo = Repository.init(new LocalObjectStore(tmp.resolve("repo")), Repos.PASSWORD,
        new ChunkerParams(64 * 1024, 256 * 1024, 1 << 20), 1 << 20, 3,
        KeyFile.KdfParams.TESTING, Clock.systemUTC());
    Snapshot s = Repos.backup(repo, src);
    Path out = tmp.resolve("out");
    // one thread: a.bin is complete before b.bin starts, so every repeated blob can be copied
    Restorer restorer = new Restorer(repo, new RestoreOptions(out, List.of(), List.of(), false, false, 1), null);
    Restorer.Result r = restorer.run(s, "");
    assertThat(r.damaged()).isEmpty();
    Path back = Repos.restored(out, src);
    assertThat(TreeComparator.compare(src, back)).isEmpty();
    assertThat(restorer.blobsCopied()).as("blobs of b.bin copied from a.bin").isGreaterThanOrEqualTo(6);
    long holes = TreeComparator.allocated(back.resolve("c.bin"));
    assertThat(holes).isLessThan(5L << 19); // c.bin keeps most of its 1 MiB hole
    assertThat(TreeComparator.allocated(back.resolve("d.bin"))).isLessThanOrEqualTo(holes + 64 * 1024);
  }

  @Test
  void restore_ofManySmallFiles_inBatches_keepsSizesEndingInHoles_andEveryMode() throws Exception {
    // small files go to the restore's pool 32 at a time; a file whose last bytes are zeros ends in a
    // hole and must still get its full size; modes other than a new file's must still be set
    Path src = Files.createDirectories(tmp.resolve("src"));
    Random r = new Random(21);
    String[] modes = {"rw-r--r--", "rw-------", "rwxr-xr-x", "r--r-----", "rwxrwxrwx"};
    for (int i = 0; i < 150; i++) {
      byte[] b = new byte[i % 7 == 0 ? 0 : r.nextInt(900 * 1024) + 1];
      r.nextBytes(b);
      if (i % 3 == 1 && b.length > 0) Arrays.fill(b, b.length / 2, b.length, (byte) 0); // ends in zeros
      if (i % 11 == 5) Arrays.fill(b, (byte) 0); // zeros only
      Path f = src.resolve("f" + i + ".bin");
      Files.write(f, b);
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(modes[i % modes.length]));
    }
    Repository repo = Repos.init(new LocalObjectStore(tmp.resolve("repo")));
    Snapshot s = Repos.backup(repo, src);
    Path out = tmp.resolve("out");
    Restorer.Result res = Repos.restore(repo, s, out);
    assertThat(res.damaged()).isEmpty();
    Path back = Repos.restored(out, src);
    assertThat(TreeComparator.compare(src, back)).isEmpty();
    for (int i = 0; i < 150; i++) {
      Path f = back.resolve("f" + i + ".bin");
      assertThat(Files.size(f)).isEqualTo(Files.size(src.resolve("f" + i + ".bin")));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo(modes[i % modes.length]);
    }
  }

  @Test
  void secondBackup_ofAnUnchangedTree_readsNothing_andReusesEveryTree() throws Exception {
    Path src = tmp.resolve("src");
    new TreeGenerator(3, 200_000).generate(src, 150);
    Repository repo = Repos.init(new LocalObjectStore(tmp.resolve("repo")));
    Snapshot a = Repos.backup(repo, src);
    Snapshot b = Repos.backup(Repos.open(new LocalObjectStore(tmp.resolve("repo"))), src);
    assertThat(b.parent()).isEqualTo(a.id().toString());
    assertThat(b.stats().bytesRead()).isZero();
    assertThat(b.stats().filesUnmodified()).isEqualTo(a.stats().files());
    assertThat(b.stats().blobsAdded()).isZero();
    assertThat(b.tree()).isEqualTo(a.tree());
  }

  @Test
  void incrementalBackup_seesAnXattrChange_onAnOtherwiseUnchangedFile() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path f = src.resolve("tagged.txt");
    Files.writeString(f, "same content");
    var view = Files.getFileAttributeView(f, UserDefinedFileAttributeView.class);
    view.write("cairn.label", ByteBuffer.wrap("one".getBytes()));
    var mtime = Files.getLastModifiedTime(f);
    Repository repo = Repos.init(new LocalObjectStore(tmp.resolve("repo")));
    Repos.backup(repo, src);
    view.write("cairn.label", ByteBuffer.wrap("two".getBytes()));
    Files.setLastModifiedTime(f, mtime); // only ctime tells
    Snapshot second = Repos.backup(Repos.open(new LocalObjectStore(tmp.resolve("repo"))), src);
    Path out = tmp.resolve("out");
    Repos.restore(Repos.open(new LocalObjectStore(tmp.resolve("repo"))), second, out);
    assertThat(TreeComparator.compare(src, Repos.restored(out, src))).isEmpty();
  }

  @Test
  void check_readData_passesOnAFreshRepository() throws Exception {
    Path src = tmp.resolve("src");
    new TreeGenerator(5, 200_000).generate(src, 80);
    Repository repo = Repos.init(new LocalObjectStore(tmp.resolve("repo")));
    Repos.backup(repo, src);
    Checker.Report rep = new Checker(Repos.open(new LocalObjectStore(tmp.resolve("repo"))), 2).run(1.0, 1);
    assertThat(rep.problems()).isEmpty();
    assertThat(rep.packsRead()).isEqualTo(rep.packs());
  }
}
