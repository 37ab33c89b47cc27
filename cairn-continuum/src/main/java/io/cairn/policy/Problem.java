package io.cairn.policy;

/** Something wrong (or worth a warning) in the policy, where it was written, and what was expected. */
public record Problem(String file, int line, int column, String message) {
  Problem(Node.Where where, String message) {
    this(where.file(), where.line(), where.column(), message);
  }

  @Override
  public String toString() {
    return line > 0 ? file + ":" + line + ":" + column + ": " + message : file + ": " + message;
  }
}
