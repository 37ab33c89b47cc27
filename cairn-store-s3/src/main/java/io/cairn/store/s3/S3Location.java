package io.cairn.store.s3;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import java.net.URI;
import java.util.Map;

/**
 * Where an S3 repository is: {@code s3://BUCKET/PREFIX} (AWS, or the endpoint in
 * {@code AWS_ENDPOINT_URL_S3} / {@code AWS_ENDPOINT_URL}), or, as restic writes it,
 * {@code s3:http(s)://HOST:PORT/BUCKET/PREFIX} (that endpoint, with path-style addressing, as
 * S3-compatible servers such as Ceph RGW and MinIO want).
 *
 * @param endpoint the endpoint, or null for AWS's own
 * @param prefix the folder in the bucket ("" for its root), without leading or trailing '/'
 */
public record S3Location(URI endpoint, String bucket, String prefix, boolean pathStyle) {
  public static boolean handles(String location) {
    return location.startsWith("s3:");
  }

  public static S3Location parse(String location, Map<String, String> env) {
    String rest;
    URI endpoint = null;
    boolean pathStyle;
    if (location.startsWith("s3://")) {
      rest = location.substring("s3://".length());
      String e = env.getOrDefault("AWS_ENDPOINT_URL_S3", env.get("AWS_ENDPOINT_URL"));
      if (e != null && !e.isBlank()) endpoint = uri(e.strip(), location);
      pathStyle = endpoint != null;
    } else if (location.startsWith("s3:http://") || location.startsWith("s3:https://")) {
      URI u = uri(location.substring("s3:".length()), location);
      if (u.getHost() == null) throw bad(location, "no host in the endpoint");
      endpoint = URI.create(u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : ""));
      rest = u.getPath() == null ? "" : u.getPath().replaceFirst("^/+", "");
      pathStyle = true;
    } else {
      throw bad(location, "expected s3://BUCKET/PREFIX or s3:http(s)://HOST:PORT/BUCKET/PREFIX");
    }
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1).replaceAll("/+$", "").replaceAll("^/+", "");
    if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
      throw bad(location, "'" + bucket + "' is not a bucket name (3 to 63 lower-case letters, digits, dots and hyphens)");
    }
    return new S3Location(endpoint, bucket, prefix, pathStyle);
  }

  /** The object key of a repository key. */
  public String key(String repoKey) {
    return prefix.isEmpty() ? repoKey : prefix + "/" + repoKey;
  }

  /** The repository key of an object key under the prefix. */
  public String repoKey(String objectKey) {
    return prefix.isEmpty() ? objectKey : objectKey.substring(prefix.length() + 1);
  }

  /** The location written the one way: {@code s3:ENDPOINT/BUCKET/PREFIX}, or {@code s3://BUCKET/PREFIX} for AWS. */
  public String canonical() {
    String tail = bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    return endpoint == null ? "s3://" + tail : "s3:" + endpoint + "/" + tail;
  }

  private static URI uri(String s, String location) {
    try {
      return URI.create(s);
    } catch (IllegalArgumentException e) {
      throw bad(location, e.getMessage());
    }
  }

  private static CairnException bad(String location, String why) {
    return new CairnException(ErrorCode.USAGE, "bad S3 location " + location + ": " + why);
  }
}
