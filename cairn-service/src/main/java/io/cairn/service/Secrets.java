package io.cairn.service;

/**
 * Where repository passwords come from: a file, the environment, a prompt on a terminal (the CLI), a
 * secret store (a server). Called when a repository is opened; a caller that asks several times for
 * the same location may cache.
 */
@FunctionalInterface
public interface Secrets {
  /** The password of the repository at {@code location}; the caller clears the array after use. */
  char[] password(String location);
}
