package io.cairn.engine;

/**
 * What went wrong, as a user sees it. Each code has a documented process exit code
 * (docs/operations.md); the CLI maps {@link CairnException}s through this.
 */
public enum ErrorCode {
  /** An unexpected failure; a bug or an unforeseen environment problem. */
  INTERNAL(1),
  /** Bad flags, arguments or configuration. */
  USAGE(2),
  /** The job finished, but some items could not be processed; they are listed. */
  PARTIAL(3),
  /** No repository at the given location, or it is not initialized. */
  REPOSITORY_NOT_FOUND(10),
  /** Another maintenance job holds the repository, or this process's lease lapsed or was removed. */
  LOCKED(11),
  /** No key slot opens with the given password. */
  WRONG_PASSWORD(12),
  /** The repository (or one of its objects) was written by a newer or unknown format. */
  UNSUPPORTED_FORMAT(13),
  /** Data in the repository is corrupt or missing; affected items are named. */
  DATA_DAMAGED(14),
  /** The target of an operation is in the way (for example, a restore target that is not empty). */
  CONFLICT(15),
  /** An I/O failure outside the repository's control: disk full, permission denied, unreadable source. */
  IO(16),
  /** A snapshot, path or object the user named does not exist. */
  NOT_FOUND(17),
  /** A hook failed or outlived its timeout and its policy was {@code abort}: nothing was captured. */
  HOOK_FAILED(18),
  /** A recovery or drill ran, and a check of what it restored failed (the evidence records which and why). */
  CHECK_FAILED(19),
  /** The policy file (cairn.yaml) is missing, malformed or invalid; each problem is named with its line and column. */
  CONFIG(78),
  /** Interrupted by the user (SIGINT). */
  INTERRUPTED(130);

  private final int exitCode;

  ErrorCode(int exitCode) {
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
