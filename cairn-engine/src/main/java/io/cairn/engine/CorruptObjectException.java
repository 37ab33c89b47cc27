package io.cairn.engine;

import java.io.IOException;

/** A stored object or blob failed authentication, decoding or its id check. */
public class CorruptObjectException extends IOException {
  private final String object;

  public CorruptObjectException(String object, String message) {
    super(object + ": " + message);
    this.object = object;
  }

  public CorruptObjectException(String object, String message, Throwable cause) {
    super(object + ": " + message, cause);
    this.object = object;
  }

  /** The store key of the object, or "pack KEY blob ID" for a blob. */
  public String object() {
    return object;
  }
}
