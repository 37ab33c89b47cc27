package io.cairn.engine.store;

import java.time.Instant;

/**
 * A stored object's key and size, and what the store knows of it besides: when it was last written,
 * its entity tag and its version (each null when the store does not say: a folder has no ETag or
 * versions; a listing of a bucket gives no version).
 */
public record ObjectInfo(String key, long size, Instant lastModified, String etag, String version) {
  public ObjectInfo(String key, long size) {
    this(key, size, null, null, null);
  }
}
