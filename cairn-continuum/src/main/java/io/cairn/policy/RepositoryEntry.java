package io.cairn.policy;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A repository the policy names: where it is, where its password is, its role, and for object
 * storage where the server is and where its credentials are.
 *
 * @param appendOnly the credentials this machine has for it may add but not delete (a bucket policy,
 *     a user without delete rights): forget and prune refuse here, saying they need the privileged ones
 * @param store the object store's settings (S3: endpoint, region, credentials); {@link Store#NONE} for a folder
 */
public record RepositoryEntry(String name, String location, SecretRef password, Role role, Node.Where where, boolean appendOnly,
    Store store) {
  public enum Role {
    PRIMARY,
    COPY,
    ARCHIVE
  }

  public RepositoryEntry {
    if (store == null) store = Store.NONE;
  }

  public RepositoryEntry(String name, String location, SecretRef password, Role role, Node.Where where, boolean appendOnly) {
    this(name, location, password, role, where, appendOnly, Store.NONE);
  }

  /**
   * Settings of an S3-compatible store, each optional: the server ({@code endpoint}, for an
   * {@code s3://} location; the {@code s3:http://...} form names its own), the region, and references
   * to an access key pair (both or neither) that take the place of the environment's for this
   * repository alone.
   */
  public record Store(String endpoint, String region, SecretRef accessKey, SecretRef secretKey) {
    public static final Store NONE = new Store(null, null, null, null);

    /**
     * The environment variables these settings stand for ({@code AWS_ENDPOINT_URL(_S3)}, {@code AWS_REGION},
     * {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}), the references resolved from
     * {@code env} now; empty when none is set. Without {@code credentials}, the endpoint and region
     * only (what names the store), no reference resolved.
     */
    public Map<String, String> environment(Map<String, String> env, boolean credentials) {
      Map<String, String> out = new LinkedHashMap<>();
      if (endpoint != null) {
        out.put("AWS_ENDPOINT_URL", endpoint);
        out.put("AWS_ENDPOINT_URL_S3", endpoint); // the environment's S3-only endpoint would come first
      }
      if (region != null) out.put("AWS_REGION", region);
      if (credentials && accessKey != null && secretKey != null) {
        out.put("AWS_ACCESS_KEY_ID", accessKey.resolve(env));
        out.put("AWS_SECRET_ACCESS_KEY", secretKey.resolve(env));
        out.put("AWS_SESSION_TOKEN", ""); // the environment's token belongs to the environment's keys
      }
      return out;
    }
  }
}
