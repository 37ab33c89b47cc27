package io.cairn.engine.store;

import java.io.IOException;

/**
 * A store's failure, telling a transient one (throttling, a 5xx answer, a dropped connection: worth
 * running again once the store's own retries are spent) from a permanent one (refused credentials, a
 * missing bucket, a request the store will never take).
 */
public class StoreException extends IOException {
  private final boolean transientFailure;

  public StoreException(String message, boolean transientFailure, Throwable cause) {
    super(message, cause);
    this.transientFailure = transientFailure;
  }

  /** True when running the command again later may well succeed. */
  public boolean transientFailure() {
    return transientFailure;
  }
}
