package io.cairn.cli;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.chunk.ChunkerParams;
import io.cairn.engine.crypto.KeyFile;
import io.cairn.engine.repo.RepoConfig;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.store.LocalObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "init", description = {"Create a new, empty repository.",
    "",
    "The chunk sizes and pack size are fixed for the repository's life; the defaults suit most data."})
final class InitCommand extends BaseCommand {
  @Option(names = "--chunk-min", paramLabel = "BYTES", description = "Smallest chunk (default: ${DEFAULT-VALUE}).", defaultValue = "524288")
  int chunkMin;

  @Option(names = "--chunk-avg", paramLabel = "BYTES", description = "Average chunk, a power of two (default: ${DEFAULT-VALUE}).", defaultValue = "1048576")
  int chunkAvg;

  @Option(names = "--chunk-max", paramLabel = "BYTES", description = "Largest chunk (default: ${DEFAULT-VALUE}).", defaultValue = "8388608")
  int chunkMax;

  @Option(names = "--pack-size", paramLabel = "BYTES", description = "Target pack size (default: ${DEFAULT-VALUE}).", defaultValue = "16777216")
  int packSize;

  @Option(names = "--compression-level", paramLabel = "N", description = "zstd level 0-19, 0 for none (default: ${DEFAULT-VALUE}).", defaultValue = "" + RepoConfig.DEFAULT_COMPRESSION_LEVEL)
  int level;

  @Option(names = "--kdf-memory", paramLabel = "KIB", description = "Argon2id memory in KiB (default: ${DEFAULT-VALUE}).", defaultValue = "32768")
  int kdfMemory;

  @Option(names = "--kdf-iterations", paramLabel = "N", description = "Argon2id passes (default: ${DEFAULT-VALUE}).", defaultValue = "3")
  int kdfIterations;

  @Override
  public Integer call() throws Exception {
    Path p = global.repo();
    ChunkerParams cp;
    KeyFile.KdfParams kdf;
    try {
      cp = new ChunkerParams(chunkMin, chunkAvg, chunkMax);
      kdf = new KeyFile.KdfParams(kdfMemory, kdfIterations, 1);
      // validated now, before asking for a password or creating anything
      new io.cairn.engine.repo.RepoConfig(io.cairn.engine.repo.RepoConfig.VERSION, "check", java.time.Instant.EPOCH, cp, packSize, level);
    } catch (IllegalArgumentException e) {
      throw new CairnException(ErrorCode.USAGE, e.getMessage());
    }
    if (Files.exists(p) && !Files.isDirectory(p)) {
      throw new CairnException(ErrorCode.CONFLICT, p.toAbsolutePath() + " exists and is not a folder");
    }
    if (Files.isDirectory(p)) {
      try (var s = Files.list(p)) {
        if (s.findAny().isPresent() && !Files.exists(p.resolve(Repository.CONFIG))) {
          throw new CairnException(ErrorCode.CONFLICT, "folder " + p.toAbsolutePath() + " is not empty; give an empty or new folder for the repository");
        }
      }
    }
    char[] pw = global.password(true);
    Files.createDirectories(p);
    try (Repository r = Repository.init(new LocalObjectStore(p), pw, cp, packSize, level, kdf, Clock.systemUTC())) {
      if (global.json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("repository", p.toAbsolutePath().toString());
        m.put("id", r.config().id());
        m.put("config", r.config());
        printJson(m);
      } else {
        say("created repository %s at %s", r.config().id(), p.toAbsolutePath());
        say("keep the password safe: without it the data cannot be read by anyone, you included");
      }
    } catch (IllegalArgumentException e) {
      throw new CairnException(ErrorCode.USAGE, e.getMessage());
    }
    return 0;
  }
}
