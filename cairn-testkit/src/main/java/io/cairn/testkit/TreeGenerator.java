package io.cairn.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Builds random folder trees from a seed: files of many sizes (empty, small, several chunks, runs
 * that repeat so dedup matters), empty folders, symlinks (some dangling), hardlinks, sparse files,
 * odd modes, nanosecond mtimes and user xattrs. The same seed gives the same tree.
 */
public final class TreeGenerator {
  private final Random rnd;
  private final int maxFileBytes;
  private final List<Path> files = new ArrayList<>();
  private final boolean xattrs;

  public TreeGenerator(long seed, int maxFileBytes) {
    this.rnd = new Random(seed);
    this.maxFileBytes = maxFileBytes;
    this.xattrs = xattrsSupported();
  }

  private static boolean xattrsSupported() {
    try {
      Path t = Files.createTempFile("cairn-xattr", ".probe");
      try {
        UserDefinedFileAttributeView v = Files.getFileAttributeView(t, UserDefinedFileAttributeView.class);
        v.write("probe", ByteBuffer.wrap(new byte[] {1}));
        return true;
      } finally {
        Files.deleteIfExists(t);
      }
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** Makes a tree of about {@code entries} entries under {@code root} (created). */
  public void generate(Path root, int entries) throws IOException {
    Files.createDirectories(root);
    List<Path> dirs = new ArrayList<>(List.of(root));
    for (int i = 0; i < entries; i++) {
      Path dir = dirs.get(rnd.nextInt(dirs.size()));
      String name = name(i);
      Path p = dir.resolve(name);
      int kind = rnd.nextInt(20);
      if (kind < 3) {
        Files.createDirectory(p);
        dirs.add(p);
      } else if (kind == 3 && !files.isEmpty()) {
        Files.createSymbolicLink(p, rnd.nextBoolean() ? dir.relativize(files.get(rnd.nextInt(files.size()))) : Path.of("missing-" + i));
      } else if (kind == 4 && !files.isEmpty()) {
        Files.createLink(p, files.get(rnd.nextInt(files.size())));
      } else if (kind == 5) {
        sparse(p);
      } else {
        file(p);
      }
      if (kind > 4 || kind == 0) decorate(p);
    }
    // times last, deepest first, so making entries does not move folder mtimes afterwards
    for (int i = dirs.size() - 1; i >= 0; i--) Files.setLastModifiedTime(dirs.get(i), time());
  }

  private String name(int i) {
    return switch (rnd.nextInt(8)) {
      case 0 -> "ünïcødé-" + i;
      case 1 -> "with space " + i;
      case 2 -> ".hidden-" + i;
      default -> "e" + i;
    };
  }

  private void file(Path p) throws IOException {
    int size = switch (rnd.nextInt(6)) {
      case 0 -> 0;
      case 1 -> rnd.nextInt(100);
      case 2 -> rnd.nextInt(64 * 1024);
      default -> rnd.nextInt(Math.max(1, maxFileBytes));
    };
    byte[] data = new byte[size];
    if (rnd.nextBoolean()) {
      rnd.nextBytes(data);
    } else { // compressible text with repeats, so dedup and compression both matter
      byte[] word = ("cairn-" + rnd.nextInt(50) + " ").getBytes(StandardCharsets.US_ASCII);
      for (int k = 0; k < size; k++) data[k] = word[k % word.length];
    }
    try (OutputStream o = Files.newOutputStream(p)) {
      o.write(data);
    }
    files.add(p);
  }

  private void sparse(Path p) throws IOException {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      byte[] b = new byte[1000];
      rnd.nextBytes(b);
      ch.write(ByteBuffer.wrap(b), 0);
      ch.write(ByteBuffer.wrap(b), 6L * 1024 * 1024 + rnd.nextInt(4096));
    }
    files.add(p);
  }

  private void decorate(Path p) throws IOException {
    if (Files.isSymbolicLink(p)) return;
    if (Files.isRegularFile(p)) {
      Set<PosixFilePermission> perms = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
      if (rnd.nextBoolean()) perms.add(PosixFilePermission.GROUP_READ);
      if (rnd.nextBoolean()) perms.add(PosixFilePermission.OTHERS_EXECUTE);
      Files.setPosixFilePermissions(p, perms);
      if (rnd.nextInt(5) == 0) Files.setAttribute(p, "unix:mode", 04755);
      if (xattrs && rnd.nextInt(4) == 0) {
        UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
        byte[] val = new byte[rnd.nextInt(40)];
        rnd.nextBytes(val);
        v.write("cairn.test" + rnd.nextInt(3), ByteBuffer.wrap(val));
      }
      Files.setLastModifiedTime(p, time());
    } else if (Files.isDirectory(p) && rnd.nextInt(4) == 0) {
      Files.setAttribute(p, "unix:mode", 01777);
    }
  }

  private FileTime time() {
    return FileTime.from(Instant.ofEpochSecond(1_500_000_000L + rnd.nextInt(200_000_000), rnd.nextInt(1_000_000_000)));
  }
}
