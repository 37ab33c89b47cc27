package io.cairn.cli;

import io.cairn.catalog.Catalog;
import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.fs.TreeComparator;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.service.BackupService;
import io.cairn.service.CatalogService;
import io.cairn.service.CheckService;
import io.cairn.service.InitService;
import io.cairn.service.KeyService;
import io.cairn.service.RestoreService;
import io.cairn.service.StoreFactory;
import io.cairn.service.Workspace;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;


@Command(name = "quickstart", description = {"Run the main job end to end on a sample data set, with embedded defaults.",
    "",
    "Makes sample data in a fresh folder, creates a repository (the password goes to a file there), backs up, changes some data, backs up again (showing what dedup saved), restores into a new folder, verifies it byte for byte, checks the repository, and catalogues the points and their files in a catalog inside the folder (then asks it which versions of a changed file exist). Nothing outside the folder is touched."})
final class QuickstartCommand extends BaseCommand {
  private static final String MARK = ".cairn-quickstart";

  @Option(names = "--dir", paramLabel = "DIR", description = "Folder to work in (default: ${DEFAULT-VALUE}); made anew on every run.", defaultValue = "cairn-quickstart")
  Path dir;

  @Option(names = "--size-mb", paramLabel = "MB", description = "Approximate size of the sample data (default: ${DEFAULT-VALUE}).", defaultValue = "64")
  int sizeMb;

  @Override
  public Integer call() throws Exception {
    Path root = dir.toAbsolutePath().normalize();
    if (Files.exists(root)) {
      if (!Files.exists(root.resolve(MARK))) {
        try (var s = Files.list(root)) {
          if (s.findAny().isPresent()) {
            throw new CairnException(ErrorCode.CONFLICT, root + " exists and was not made by quickstart; pass --dir with a new folder");
          }
        }
      }
      deleteTree(root);
    }
    Files.createDirectories(root);
    Files.writeString(root.resolve(MARK), "made by cairn quickstart; safe to delete\n");
    Path data = root.resolve("data");
    Path repoDir = root.resolve("repo");
    Path restoreDir = root.resolve("restore");
    Map<String, Object> summary = new LinkedHashMap<>();

    step("1/7 making about %d MB of sample data in %s", sizeMb, data);
    SampleData.make(data, sizeMb, new Random(42));

    byte[] pwBytes = new byte[18];
    new SecureRandom().nextBytes(pwBytes);
    String password = HexFormat.of().formatHex(pwBytes);
    Path pwFile = root.resolve("password");
    Files.writeString(pwFile, password + "\n");
    Files.setPosixFilePermissions(pwFile, PosixFilePermissions.fromString("rw-------"));
    step("2/7 creating an encrypted repository in %s (password in %s)", repoDir, pwFile);
    String repo = repoDir.toString();
    String catalog = root.resolve("catalog.db").toString();
    try (Workspace ws = new Workspace(new Workspace.Settings(catalog, 0), Clock.systemUTC(), location -> password.toCharArray(),
        new StoreFactory(), System::gc)) {
      new InitService(ws).run(InitService.Request.defaults(repo, new KeyService.Kdf(32768, 3)), password::toCharArray);
      CliListener quiet = listener();

      step("3/7 first backup");
      BackupService backup = new BackupService(ws);
      BackupService.Outcome s1 = backup.run(new BackupService.Request(repo, List.of(data), List.of("quickstart"), List.of(), false, null,
          null, false), quiet);
      Snapshot.Stats a = s1.stats();
      say("    %d files, %s; stored %s after dedup, compression and encryption (%s)", a.files(), bytes(a.bytesTotal()),
          bytes(a.bytesStored()), seconds(a.durationMillis()));

      step("4/7 changing some data, then a second backup");
      SampleData.mutate(data, new Random(7));
      BackupService.Outcome s2 = backup.run(new BackupService.Request(repo, List.of(data), List.of("quickstart"), List.of(), false, null,
          null, false), quiet);
      Snapshot.Stats b = s2.stats();
      long saved = b.bytesTotal() - b.bytesAdded();
      say("    %d files unmodified (not read), %d changed, %d new; added only %s of %s: dedup saved %s (%.0f%%) (%s)",
          b.filesUnmodified(), b.filesChanged(), b.filesNew(), bytes(b.bytesAdded()), bytes(b.bytesTotal()), bytes(saved),
          b.bytesTotal() == 0 ? 0.0 : 100.0 * saved / b.bytesTotal(), seconds(b.durationMillis()));

      step("5/7 restoring the second snapshot into %s and comparing byte for byte", restoreDir);
      RestoreService.Outcome r = new RestoreService(ws).run(new RestoreService.Request(repo, s2.snapshot(), "", restoreDir, List.of(),
          List.of(), false, false, 0), quiet);
      Path restored = restoreDir.resolve(data.toString().substring(1));
      List<String> diffs = TreeComparator.compare(data, restored);
      if (!r.intact() || !diffs.isEmpty()) {
        for (String d : diffs) err().println("difference: " + d);
        throw new CairnException(ErrorCode.DATA_DAMAGED, "the restore differs from the source in " + (diffs.size() + r.damaged().size()) + " place(s)");
      }
      say("    %d files, %s restored in %s; identical to the source (content, modes, times, links)", r.files(), bytes(r.bytes()),
          seconds(r.durationMillis()));

      step("6/7 checking the repository, reading all data");
      CheckService.Outcome c = new CheckService(ws).run(new CheckService.Request(repo, 1.0, false), quiet);
      if (!c.ok()) throw new CairnException(ErrorCode.DATA_DAMAGED, "check found problems: " + c.problems());
      say("    %d packs, %s read and verified: no errors", c.packsRead(), bytes(c.bytesRead()));

      step("7/7 cataloguing the points and their files (SQLite, %s)", catalog);
      CatalogService cat = new CatalogService(ws);
      int all = cat.points(new CatalogService.PointsRequest(new Catalog.PointQuery(null, null, null, null, null, null, null, false, 0), null))
          .size();
      int verified = cat.points(new CatalogService.PointsRequest(new Catalog.PointQuery(null, null, null, null, null, null, null, true, 0), null))
          .size();
      List<Catalog.FileVersion> versions = cat.find(new CatalogService.FindRequest("image-a.bin", null, null));
      say("    %d points, %d verified by the check above; 'image-a.bin' has %d versions, %s", all, verified, versions.size(),
          versions.size() == 2 && !Objects.equals(versions.get(0).contentId(), versions.get(1).contentId())
              ? "changed in the second backup" : "unchanged");
      summary.put("catalog", catalog);
      summary.put("imageVersions", versions.size());
      summary.put("folder", root.toString());
      summary.put("snapshots", List.of(s1.snapshot(), s2.snapshot()));
      summary.put("firstBackup", a);
      summary.put("secondBackup", b);
      summary.put("restoreMillis", r.durationMillis());
      summary.put("restoreIdentical", true);
      summary.put("checkOk", true);
      if (global.json) {
        printJson(summary);
      } else {
        say("");
        say("done. Look around with:");
        say("  export CAIRN_REPO=%s CAIRN_PASSWORD_FILE=%s", repoDir, pwFile);
        say("  ./cairn snapshots;  ./cairn diff %s %s;  ./cairn ls latest", s1.snapshot().substring(0, 8), s2.snapshot().substring(0, 8));
        say("  ./cairn points --catalog %s;  ./cairn find image-a.bin --catalog %s", catalog, catalog);
      }
    }
    return 0;
  }

  private void step(String fmt, Object... args) {
    say(fmt, args);
    out().flush();
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return;
    try (var s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
    }
  }

  /** A small but varied data set: text, binaries with shared regions, duplicates, links, odd modes. */
  static final class SampleData {
    static void make(Path root, int sizeMb, Random rnd) throws IOException {
      Files.createDirectories(root.resolve("docs"));
      Files.createDirectories(root.resolve("src/main"));
      Files.createDirectories(root.resolve("bin"));
      Files.createDirectories(root.resolve("empty"));
      String[] words = "backup restore cairn data proof recovery point objective time snapshot chunk pack index tree".split(" ");
      for (int i = 0; i < 300; i++) {
        StringBuilder sb = new StringBuilder();
        int n = 200 + rnd.nextInt(4000);
        for (int w = 0; w < n; w++) sb.append(words[rnd.nextInt(words.length)]).append(w % 12 == 11 ? '\n' : ' ');
        Files.writeString(root.resolve((i % 2 == 0 ? "docs/" : "src/main/") + "file-" + i + ".txt"), sb.toString());
      }
      long big = Math.max(4, sizeMb - 4) * (1L << 20);
      byte[] base = new byte[(int) Math.min(big / 2, 64 << 20)];
      rnd.nextBytes(base);
      write(root.resolve("bin/image-a.bin"), base);
      byte[] copy = base.clone();
      for (int k = 0; k < 8; k++) copy[rnd.nextInt(copy.length)] ^= 1; // a near-duplicate: dedup keeps most
      write(root.resolve("bin/image-b.bin"), copy);
      Files.createSymbolicLink(root.resolve("docs/latest.txt"), Path.of("file-0.txt"));
      Files.createLink(root.resolve("docs/hardlink.txt"), root.resolve("docs/file-2.txt"));
      Path tool = root.resolve("bin/tool.sh");
      Files.writeString(tool, "#!/bin/sh\necho cairn\n");
      Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-x---"));
      try (var ch = Files.newByteChannel(root.resolve("bin/sparse.img"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ch.position(32L << 20);
        ch.write(ByteBuffer.wrap("end".getBytes(StandardCharsets.US_ASCII)));
      }
    }

    static void mutate(Path root, Random rnd) throws IOException {
      Path a = root.resolve("bin/image-a.bin");
      try (var ch = Files.newByteChannel(a, StandardOpenOption.WRITE)) {
        ch.position(ch.size() / 2);
        byte[] b = new byte[4096];
        rnd.nextBytes(b);
        ch.write(ByteBuffer.wrap(b));
      }
      Files.writeString(root.resolve("docs/new-notes.txt"), "added after the first backup\n");
      Files.writeString(root.resolve("docs/file-4.txt"), "\nappended line\n", StandardOpenOption.APPEND);
      Files.delete(root.resolve("src/main/file-5.txt"));
    }

    private static void write(Path p, byte[] b) throws IOException {
      try (OutputStream o = Files.newOutputStream(p)) {
        o.write(b);
      }
    }
  }
}
