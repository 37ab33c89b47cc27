package io.cairn.engine;

import java.io.IOException;

/** An object the repository refers to is not in the store, or a blob is not in the index. */
public class MissingObjectException extends IOException {
  private final String object;

  public MissingObjectException(String object) {
    super(object + " is missing");
    this.object = object;
  }

  public String object() {
    return object;
  }
}
