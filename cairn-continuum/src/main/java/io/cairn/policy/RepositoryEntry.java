package io.cairn.policy;

/** A repository the policy names: where it is, where its password is, and its role. */
public record RepositoryEntry(String name, String location, SecretRef password, Role role, Node.Where where) {
  public enum Role {
    PRIMARY,
    COPY,
    ARCHIVE
  }
}
