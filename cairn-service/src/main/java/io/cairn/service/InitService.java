package io.cairn.service;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.chunk.ChunkerParams;
import io.cairn.engine.crypto.KeyFile;
import io.cairn.engine.repo.RepoConfig;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.store.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.function.Supplier;

/** Creates a repository in a new or empty location. */
public final class InitService {
  private final Workspace ws;

  public InitService(Workspace ws) {
    this.ws = ws;
  }

  /** The zstd level a repository gets unless told otherwise. */
  public static final int DEFAULT_COMPRESSION_LEVEL = RepoConfig.DEFAULT_COMPRESSION_LEVEL;

  /**
   * @param immutableMode {@code compliance} or {@code governance}: lock every object (see {@link RepoConfig.Immutability});
   *     null for an ordinary repository
   * @param lock how long each object is locked from its writing (with {@code immutableMode}; null: 30 days)
   * @param storageClass the storage class of its packs (an archive's); null for the store's default
   */
  public record Request(String repository, int chunkMin, int chunkAvg, int chunkMax, int packSize, int compressionLevel,
      KeyService.Kdf kdf, String immutableMode, java.time.Duration lock, String storageClass) {
    public Request(String repository, int chunkMin, int chunkAvg, int chunkMax, int packSize, int compressionLevel, KeyService.Kdf kdf) {
      this(repository, chunkMin, chunkAvg, chunkMax, packSize, compressionLevel, kdf, null, null, null);
    }

    /** The immutability asked for, or null; USAGE for a mode or lock that is not one. */
    public RepoConfig.Immutability immutable() {
      if (immutableMode == null) return null;
      io.cairn.engine.store.ObjectStore.Lock.Mode mode;
      try {
        mode = io.cairn.engine.store.ObjectStore.Lock.Mode.valueOf(immutableMode.toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new CairnException(ErrorCode.USAGE, "the lock mode of an immutable repository is compliance or governance, not '" + immutableMode + "'");
      }
      java.time.Duration d = lock == null ? java.time.Duration.ofDays(30) : lock;
      if (d.toSeconds() < 1) throw new CairnException(ErrorCode.USAGE, "the lock period must be at least a second");
      return new RepoConfig.Immutability(mode, d.toSeconds());
    }

    /** The defaults that suit most data: chunks of 512 KiB to 8 MiB (1 MiB on average), packs of 16 MiB. */
    public static Request defaults(String repository, KeyService.Kdf kdf) {
      return new Request(repository, 512 << 10, 1 << 20, 8 << 20, 16 << 20, DEFAULT_COMPRESSION_LEVEL, kdf);
    }
  }

  /** @param sharesIdsWith the id of the repository it shares blob ids with (made with --from-repo), else null */
  public record Outcome(String repository, String id, RepoConfig config, String sharesIdsWith) {}

  /** What makes the repository once the location is ready: a fresh key, or one sharing ids with a source. */
  @FunctionalInterface
  private interface Maker {
    Repository make(ObjectStore store, char[] password, ChunkerParams cp, KeyFile.KdfParams kdf) throws IOException;
  }

  /**
   * Validates everything before it asks for the password ({@code password} is called once, after the
   * checks) or creates anything.
   */
  public Outcome run(Request req, Supplier<char[]> password) throws IOException {
    return create(req, password, (store, pw, cp, kdf) -> Repository.init(store, pw, null, cp, req.packSize(), req.compressionLevel(), kdf,
        ws.clock(), new Repository.Extras(req.immutable(), req.storageClass())), null);
  }

  /**
   * Creates a repository that shares {@code from}'s chunking parameters, pack size, compression level,
   * blob-id key and chunker seed, with its own encryption key and password: copies between the two
   * keep every blob's id (incremental, and a blob can be read from either). The request's chunk,
   * pack and compression settings are ignored. {@code from} is opened with the workspace's secrets.
   */
  public Outcome runFrom(Request req, String from, Supplier<char[]> password) throws IOException {
    if (ws.stores().canonical(from).equals(ws.stores().canonical(req.repository()))) {
      throw new CairnException(ErrorCode.USAGE, "--from-repo names the repository being created: " + from);
    }
    try (Repository source = ws.open(from, Workspace.Use.PLAIN)) {
      Request same = new Request(req.repository(), source.config().chunker().min(), source.config().chunker().avg(),
          source.config().chunker().max(), source.config().packSize(), source.config().compressionLevel(), req.kdf(), req.immutableMode(), req.lock(), req.storageClass());
      return create(same, password, (store, pw, cp, kdf) -> Repository.init(store, pw, source, cp, 0, 0, kdf, ws.clock(),
          new Repository.Extras(req.immutable(), req.storageClass())), source.config().id());
    }
  }

  private Outcome create(Request req, Supplier<char[]> password, Maker maker, String sharesWith) throws IOException {
    req.immutable(); // a bad lock mode fails before anything is asked or made
    ChunkerParams cp;
    KeyFile.KdfParams kdf;
    try {
      cp = new ChunkerParams(req.chunkMin(), req.chunkAvg(), req.chunkMax());
      kdf = new KeyFile.KdfParams(req.kdf().memoryKiB(), req.kdf().iterations(), 1);
      new RepoConfig(RepoConfig.VERSION, "check", Instant.EPOCH, cp, req.packSize(), req.compressionLevel());
    } catch (IllegalArgumentException e) {
      throw new CairnException(ErrorCode.USAGE, e.getMessage());
    }
    boolean local = ws.stores().isLocal(req.repository());
    if (local && req.storageClass() != null) {
      throw new CairnException(ErrorCode.USAGE, "a folder has no storage classes: --storage-class is for a repository in object storage");
    }
    if (local && req.immutable() != null) {
      throw new CairnException(ErrorCode.USAGE, "a folder cannot hold an immutable repository: nothing stops whoever may write it from"
          + " deleting it; use an S3 bucket made with object lock (see docs/operations.md, Immutable repositories)");
    }
    Path p = local ? ws.stores().localPath(req.repository()) : null;
    if (local && Files.exists(p) && !Files.isDirectory(p)) {
      throw new CairnException(ErrorCode.CONFLICT, p.toAbsolutePath() + " exists and is not a folder");
    }
    if (local && Files.isDirectory(p)) {
      try (var s = Files.list(p)) {
        if (s.findAny().isPresent() && !Files.exists(p.resolve(Repository.CONFIG))) {
          throw new CairnException(ErrorCode.CONFLICT, "folder " + p.toAbsolutePath()
              + " is not empty; give an empty or new folder for the repository");
        }
      }
    }
    char[] pw = password.get();
    try {
      if (local) Files.createDirectories(p);
      ObjectStore store = ws.stores().create(req.repository());
      if (!local) {
        try {
          if (store.stat(Repository.CONFIG).isPresent()) {
            throw new CairnException(ErrorCode.CONFLICT, req.repository() + " is already a repository");
          }
          if (!store.list("").isEmpty()) {
            throw new CairnException(ErrorCode.CONFLICT, req.repository() + " is not empty; give an empty bucket or a new prefix for the repository");
          }
        } catch (IOException | RuntimeException e) {
          store.close();
          throw e;
        }
      }
      try (Repository r = maker.make(store, pw, cp, kdf)) {
        return new Outcome(local ? p.toAbsolutePath().toString() : store.location(), r.config().id(), r.config(), sharesWith);
      } catch (IllegalArgumentException e) {
        throw new CairnException(ErrorCode.USAGE, e.getMessage());
      }
    } finally {
      Arrays.fill(pw, '\0');
    }
  }
}
