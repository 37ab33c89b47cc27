package io.cairn.engine;

/**
 * A failure a user can act on: its message is one line that names the thing that failed; its
 * {@link Remedy}, when there is one, says what to do (each surface renders it). Carries an {@link
 * ErrorCode} that a surface maps to an exit code or a status.
 */
public class CairnException extends RuntimeException {
  private final ErrorCode code;
  private final Remedy remedy;

  public CairnException(ErrorCode code, String message) {
    this(code, message, (Remedy) null);
  }

  public CairnException(ErrorCode code, String message, Throwable cause) {
    this(code, message, null, cause);
  }

  public CairnException(ErrorCode code, String message, Remedy remedy) {
    super(message);
    this.code = code;
    this.remedy = remedy;
  }

  public CairnException(ErrorCode code, String message, Remedy remedy, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.remedy = remedy;
  }

  public ErrorCode code() {
    return code;
  }

  /** What to do about it, or null. */
  public Remedy remedy() {
    return remedy;
  }
}
