package io.cairn.cli;

import io.cairn.service.InitService;
import io.cairn.service.KeyService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;


@Command(name = "init", description = {"Create a new, empty repository.",
    "",
    "The chunk sizes and pack size are fixed for the repository's life; the defaults suit most data.",
    "",
    "With --from-repo SRC the new repository is made to receive copies of SRC ('cairn copy'): same chunking and blob ids, its own encryption key and password."})
final class InitCommand extends BaseCommand {
  @Option(names = "--chunk-min", paramLabel = "BYTES", description = "Smallest chunk (default: ${DEFAULT-VALUE}).", defaultValue = "524288")
  int chunkMin;

  @Option(names = "--chunk-avg", paramLabel = "BYTES", description = "Average chunk, a power of two (default: ${DEFAULT-VALUE}).", defaultValue = "1048576")
  int chunkAvg;

  @Option(names = "--chunk-max", paramLabel = "BYTES", description = "Largest chunk (default: ${DEFAULT-VALUE}).", defaultValue = "8388608")
  int chunkMax;

  @Option(names = "--pack-size", paramLabel = "BYTES", description = "Target pack size (default: ${DEFAULT-VALUE}).", defaultValue = "16777216")
  int packSize;

  @Option(names = "--compression-level", paramLabel = "N", description = "zstd level 0-19, 0 for none (default: ${DEFAULT-VALUE}).", defaultValue = "" + InitService.DEFAULT_COMPRESSION_LEVEL)
  int level;

  @Option(names = "--kdf-memory", paramLabel = "KIB", description = "Argon2id memory in KiB (default: ${DEFAULT-VALUE}).", defaultValue = "32768")
  int kdfMemory;

  @Option(names = "--kdf-iterations", paramLabel = "N", description = "Argon2id passes (default: ${DEFAULT-VALUE}).", defaultValue = "3")
  int kdfIterations;

  @Option(names = "--from-repo", paramLabel = "REPO", description = "Share this repository's chunking, pack and compression"
      + " settings and blob-id key (not its encryption key or passwords), so that copies between the two keep every blob's id:"
      + " incremental, and a blob can be read from either. A location or a repository of the policy.")
  String fromRepo;

  @Option(names = "--from-password-file", paramLabel = "FILE", description = "Read --from-repo's password from FILE (default:"
      + " its reference in the policy, else $CAIRN_FROM_PASSWORD_FILE, else $CAIRN_FROM_PASSWORD, else a prompt on a terminal).")
  java.nio.file.Path fromPasswordFile;

  @Option(names = "--immutable", paramLabel = "MODE", description = "Make the repository immutable: every object but the key"
      + " slots, leases, garbage plans and pins is written with an S3 object lock of MODE (compliance: nobody can lift it;"
      + " governance: users with the bypass permission can). Needs a bucket made with object lock.")
  String immutable;

  @Option(names = "--lock", paramLabel = "DURATION", description = "With --immutable: how long each object is locked from its"
      + " writing (default: ${DEFAULT-VALUE}); 'cairn run --due' extends the locks of the points retention keeps.", defaultValue = "30d")
  String lock;

  @Option(names = "--storage-class", paramLabel = "CLASS", description = "Write the packs in this S3 storage class (an archive's,"
      + " such as GLACIER or DEEP_ARCHIVE: a tiering target); the index, snapshots and records stay in the default class.")
  String storageClass;

  @Override
  public Integer call() throws Exception {
    java.time.Duration d = null;
    if (immutable != null) {
      try {
        d = io.cairn.policy.Durations.parse(lock);
      } catch (RuntimeException e) {
        throw new io.cairn.engine.CairnException(io.cairn.engine.ErrorCode.USAGE, "--lock takes a duration like 30d or 12h, not '" + lock + "'");
      }
    }
    InitService.Request req = new InitService.Request(global.repo(), chunkMin, chunkAvg, chunkMax, packSize, level,
        new KeyService.Kdf(kdfMemory, kdfIterations), immutable, d, storageClass);
    InitService.Outcome r;
    if (fromRepo != null) {
      String from = global.otherRepository(fromRepo);
      char[] fromPw = global.otherPassword(from, fromPasswordFile, "--from-password-file", "CAIRN_FROM_PASSWORD_FILE", "CAIRN_FROM_PASSWORD");
      io.cairn.service.Workspace ws = workspace().withSecrets(loc -> loc.equals(from) ? fromPw.clone() : global.passwordFor(loc));
      r = new InitService(ws).runFrom(req, from, () -> global.password(true));
      java.util.Arrays.fill(fromPw, '\0');
    } else {
      r = new InitService(workspace()).run(req, () -> global.password(true));
    }
    if (global.json) {
      printJson(r);
    } else {
      say("created repository %s at %s", r.id(), r.repository());
      if (r.sharesIdsWith() != null) say("it shares blob ids with repository %s: copies between the two copy only what is missing", r.sharesIdsWith());
      say("keep the password safe: without it the data cannot be read by anyone, you included");
    }
    return 0;
  }
}
