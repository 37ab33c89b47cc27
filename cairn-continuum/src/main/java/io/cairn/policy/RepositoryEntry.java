package io.cairn.policy;

/**
 * A repository the policy names: where it is, where its password is, and its role.
 *
 * @param appendOnly the credentials this machine has for it may add but not delete (a bucket policy,
 *     a user without delete rights): forget and prune refuse here, saying they need the privileged ones
 */
public record RepositoryEntry(String name, String location, SecretRef password, Role role, Node.Where where, boolean appendOnly) {
  public enum Role {
    PRIMARY,
    COPY,
    ARCHIVE
  }
}
