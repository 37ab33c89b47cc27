package io.cairn.engine.store;

import java.util.List;
import java.util.Map;

/**
 * A kind of object store that lives outside the engine (S3-compatible storage in
 * {@code cairn-store-s3}), found with {@link java.util.ServiceLoader}, so the engine itself depends on
 * no cloud SDK. A provider names the location schemes it opens; the service layer's store factory
 * hands it every location with one of them.
 */
public interface StoreProvider {
  /** The schemes it opens, lower case, without the colon ({@code s3}). */
  List<String> schemes();

  /**
   * Opens the store of a location.
   *
   * @param env where credentials and endpoints come from (the process's environment, or a policy's)
   * @param create true for a new repository (the store may need to check it can write there)
   */
  ObjectStore open(String location, Map<String, String> env, boolean create);

  /**
   * Exercises the provider's client once without a server, so that its classes are loaded and linked
   * (a start-up cache's training run has no server to reach); never fails, never writes anywhere.
   */
  default void warmUp() {}

  /** The canonical form of a location, as the catalog records it; {@code env} may name its endpoint. */
  default String canonical(String location, Map<String, String> env) {
    return location;
  }
}
