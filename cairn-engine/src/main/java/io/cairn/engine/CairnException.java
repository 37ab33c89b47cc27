package io.cairn.engine;

/**
 * A failure a user can act on: its message is one line that names the thing and what to do.
 * Carries an {@link ErrorCode} that the CLI maps to an exit code.
 */
public class CairnException extends RuntimeException {
  private final ErrorCode code;

  public CairnException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  public CairnException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
