package io.cairn.store.s3;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.MissingObjectException;
import io.cairn.engine.store.ObjectInfo;
import io.cairn.engine.store.ObjectStore;
import io.cairn.engine.store.PendingObject;
import io.cairn.engine.store.StoreException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.ObjectLockRetention;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A repository in an S3-compatible bucket: one object per repository key, under the location's
 * prefix. {@link #put} is one PUT, which S3 makes visible whole or not at all. {@code ifAbsent} asks
 * first (HEAD) and then writes with {@code If-None-Match: *}: AWS S3 refuses the second of two racing
 * writers; servers that ignore the header (S3Proxy does; older Ceph RGWs may) leave a window between
 * the HEAD and the PUT, which is harmless for what the engine writes with it: content-addressed
 * objects (packs, indexes, snapshots, whose racing writers write the same bytes) and objects under
 * random names (key slots, check records). Ranged reads are ranged GETs. Checksums are computed and validated only where the
 * API requires them (Ceph RGW rejects the SDK's default checksum trailers); every blob is verified
 * against its id by the engine anyway. The SDK retries throttling, 5xx answers and dropped
 * connections with backoff and jitter.
 */
public final class S3ObjectStore implements ObjectStore {
  private final S3Location where;
  private final S3Client s3;

  /** Whether the bucket has object lock enabled (found once, at open). */
  private boolean objectLock;
  /** The lock each new object gets, by key (null: none); set by {@link #lockNewObjects}. */
  private volatile java.util.function.Function<String, Lock> locks = k -> null;
  /** The storage class of new packs; null for the bucket's default. */
  private volatile String packClass;

  private S3ObjectStore(S3Location where, S3Client s3) {
    this.where = where;
    this.s3 = s3;
  }

  /**
   * Opens the bucket of a location, with credentials from {@code env} ({@code AWS_ACCESS_KEY_ID},
   * {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_SESSION_TOKEN}) or, without them there, the SDK's
   * usual chain (environment, profile files, instance roles); region from {@code AWS_REGION} or
   * {@code AWS_DEFAULT_REGION} (us-east-1 when none is set, as S3-compatible servers accept).
   *
   * @param create a new repository: the prefix must hold no repository yet (checked by the caller)
   */
  public static S3ObjectStore open(S3Location where, Map<String, String> env, boolean create) {
    S3Client client = client(where, env).build();
    S3ObjectStore store = new S3ObjectStore(where, client);
    try {
      client.headBucket(r -> r.bucket(where.bucket()));
    } catch (S3Exception e) {
      client.close();
      if (e.statusCode() == 404) {
        throw new CairnException(ErrorCode.REPOSITORY_NOT_FOUND, "bucket " + where.bucket() + " does not exist at " + store.endpoint()
            + "; create it first (or check the location " + where.canonical() + ")");
      }
      throw new CairnException(ErrorCode.IO, refused(store, e));
    } catch (SdkClientException e) {
      client.close();
      throw new CairnException(ErrorCode.IO, "cannot reach S3 at " + store.endpoint() + ": " + e.getMessage()
          + "; is the server running and the endpoint right?", e);
    }
    try {
      var c = client.getObjectLockConfiguration(r -> r.bucket(where.bucket())).objectLockConfiguration();
      store.objectLock = c != null && c.objectLockEnabled() == ObjectLockEnabled.ENABLED;
    } catch (SdkException e) {
      store.objectLock = false; // none configured (404), or a server without object lock (501)
    }
    return store;
  }

  private static software.amazon.awssdk.services.s3.S3ClientBuilder client(S3Location where, Map<String, String> env) {
    String region = env.getOrDefault("AWS_REGION", env.getOrDefault("AWS_DEFAULT_REGION", "us-east-1"));
    var b = S3Client.builder().httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(10))
            .socketTimeout(Duration.ofMinutes(2)).build())
        .region(Region.of(region)).credentialsProvider(credentials(env)).forcePathStyle(where.pathStyle())
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    if (where.endpoint() != null) b.endpointOverride(where.endpoint());
    return b;
  }

  /**
   * Builds a client and sends each kind of request this store sends once, to a loopback port nothing
   * listens on, without retries; every request fails and the failures are ignored. Run by the training
   * run of the launcher's start-up cache (no S3 server there), so that the SDK's classes, loaded and
   * linked, are in the cache: measured, that took 0.2-0.4 s off every command on S3.
   */
  static void warmUp() {
    int port;
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    } catch (IOException e) {
      return;
    }
    Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", "warm-up", "AWS_SECRET_ACCESS_KEY", "warm-up");
    S3Location where = S3Location.parse("s3:http://127.0.0.1:" + port + "/warm-up/repo", env);
    try (S3Client c = client(where, env).overrideConfiguration(o -> o.retryStrategy(
        software.amazon.awssdk.retries.DefaultRetryStrategy.doNotRetry())).build()) {
      S3ObjectStore store = new S3ObjectStore(where, c);
      List<IORunnable> calls = List.of(() -> c.headBucket(r -> r.bucket(where.bucket())), () -> store.get("config"),
          () -> store.get("data/00/00", 0, 10), () -> store.list("index/"), () -> store.stat("keys/x"),
          () -> store.put("locks/x", new byte[1], 0, 1, false), () -> store.delete("locks/x"));
      for (IORunnable call : calls) {
        try {
          call.run();
        } catch (IOException | RuntimeException expected) {
          // nothing listens there
        }
      }
    }
  }

  private interface IORunnable {
    void run() throws IOException;
  }

  private static AwsCredentialsProvider credentials(Map<String, String> env) {
    String id = env.get("AWS_ACCESS_KEY_ID");
    String secret = env.get("AWS_SECRET_ACCESS_KEY");
    if (id != null && secret != null) {
      String token = env.get("AWS_SESSION_TOKEN");
      return StaticCredentialsProvider.create(token == null || token.isBlank() ? AwsBasicCredentials.create(id, secret)
          : AwsSessionCredentials.create(id, secret, token));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  private String endpoint() {
    return where.endpoint() == null ? "AWS S3" : where.endpoint().toString();
  }

  /** Whether an S3 status is worth another try later: throttling (429, 503 SlowDown) and server errors. */
  static boolean transientStatus(int status) {
    return status == 429 || status >= 500;
  }

  /**
   * The message for a read refused because the object is in an archive storage class that must be
   * restored first (S3 answers 403 InvalidObjectState), else null.
   */
  static String archived(String what, S3Exception e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    if (!"InvalidObjectState".equals(code)) return null;
    return "cannot " + what + ": it is in an archive storage class and must be restored before it can be read; request a restore"
        + " of the repository's packs (S3 RestoreObject, for example 'aws s3api restore-object'), wait until it is done, then run this again";
  }

  private static String refused(S3ObjectStore store, S3Exception e) {
    int status = e.statusCode();
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    if (status == 403) {
      return "S3 at " + store.endpoint() + " refused the credentials for bucket " + store.where.bucket() + " (" + (code == null ? "403" : code)
          + "): check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the profile) and the bucket's policy";
    }
    return "S3 at " + store.endpoint() + " answered " + status + (code == null ? "" : " " + code) + " for bucket " + store.where.bucket();
  }

  @Override
  public String location() {
    return where.canonical();
  }

  @Override
  public java.util.Set<Capability> capabilities() {
    return objectLock ? java.util.Set.of(Capability.REMOTE, Capability.OBJECT_LOCK) : java.util.Set.of(Capability.REMOTE);
  }

  @Override
  public void packStorageClass(String storageClass) {
    packClass = storageClass;
  }

  private String classOf(String key) {
    return key.startsWith("data/") ? packClass : null;
  }

  @Override
  public void lockNewObjects(java.util.function.Function<String, Lock> forKey) {
    if (!objectLock) throw new UnsupportedOperationException("bucket " + where.bucket() + " has no object lock");
    locks = forKey;
  }

  private static ObjectLockMode mode(Lock l) {
    return l.mode() == Lock.Mode.COMPLIANCE ? ObjectLockMode.COMPLIANCE : ObjectLockMode.GOVERNANCE;
  }

  /** Content-MD5 of part of a file (see {@link #md5(byte[], int, int)}). */
  private static String md5(FileChannel ch, long from, long len) throws IOException {
    try {
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("MD5");
      ByteBuffer buf = ByteBuffer.allocate(1 << 16);
      for (long pos = from; pos < from + len; ) {
        buf.clear().limit((int) Math.min(buf.capacity(), from + len - pos));
        int n = ch.read(buf, pos);
        if (n < 0) throw new IOException("pending object is shorter than " + (from + len) + " bytes");
        md.update(buf.flip());
        pos += n;
      }
      return java.util.Base64.getEncoder().encodeToString(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no MD5", e);
    }
  }

  /** Content-MD5 of a body: S3 requires it on a PUT with object lock settings. */
  private static String md5(byte[] b, int off, int len) {
    try {
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("MD5");
      md.update(b, off, len);
      return java.util.Base64.getEncoder().encodeToString(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no MD5", e);
    }
  }

  @Override
  public Optional<Lock> lockOf(String key) throws IOException {
    if (!objectLock) return Optional.empty();
    try {
      var r = s3.getObjectRetention(q -> q.bucket(where.bucket()).key(where.key(key))).retention();
      if (r == null || r.retainUntilDate() == null) return Optional.empty();
      return Optional.of(new Lock(r.mode() == ObjectLockRetentionMode.COMPLIANCE ? Lock.Mode.COMPLIANCE : Lock.Mode.GOVERNANCE,
          r.retainUntilDate()));
    } catch (S3Exception e) {
      if (e.statusCode() == 404 || e.statusCode() == 400) {
        if (e.awsErrorDetails() != null && "NoSuchKey".equals(e.awsErrorDetails().errorCode())) throw new MissingObjectException(key);
        return Optional.empty(); // NoSuchObjectLockConfiguration: the object has no retention
      }
      throw io("read the lock of " + key, e);
    } catch (SdkException e) {
      throw io("read the lock of " + key, e);
    }
  }

  @Override
  public void extendLock(String key, Lock lock) throws IOException {
    if (!objectLock) throw new UnsupportedOperationException("bucket " + where.bucket() + " has no object lock");
    try {
      s3.putObjectRetention(r -> r.bucket(where.bucket()).key(where.key(key)).retention(ObjectLockRetention.builder()
          .mode(lock.mode() == Lock.Mode.COMPLIANCE ? ObjectLockRetentionMode.COMPLIANCE : ObjectLockRetentionMode.GOVERNANCE)
          .retainUntilDate(lock.until()).build()));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) throw new MissingObjectException(key);
      throw io("extend the lock of " + key, e);
    } catch (SdkException e) {
      throw io("extend the lock of " + key, e);
    }
  }

  /**
   * Deletes every version of each key (and its delete markers). A version whose lock has not run out
   * fails the call: the server refuses it, and the message names the key.
   */
  @Override
  public void purge(java.util.Collection<String> keys) throws IOException {
    if (!objectLock) {
      deleteAll(keys);
      return;
    }
    for (String key : keys) {
      String k = where.key(key);
      try {
        for (var page : s3.listObjectVersionsPaginator(r -> r.bucket(where.bucket()).prefix(k))) {
          for (var v : page.versions()) if (v.key().equals(k)) deleteVersion(key, v.versionId());
          for (var m : page.deleteMarkers()) if (m.key().equals(k)) deleteVersion(key, m.versionId());
        }
      } catch (SdkException e) {
        throw io("list the versions of " + key, e);
      }
    }
  }

  private void deleteVersion(String key, String version) throws IOException {
    try {
      s3.deleteObject(r -> r.bucket(where.bucket()).key(where.key(key)).versionId(version));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) return;
      if (e.statusCode() == 403) {
        throw new IOException("cannot delete " + key + " in " + where.canonical() + ": its version " + version
            + " is locked (or these credentials may not delete)", e);
      }
      throw io("delete " + key, e);
    } catch (SdkException e) {
      throw io("delete " + key, e);
    }
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    List<ObjectInfo> out = new ArrayList<>();
    ListObjectsV2Request req = ListObjectsV2Request.builder().bucket(where.bucket()).prefix(where.key(prefix)).build();
    try {
      for (var page : s3.listObjectsV2Paginator(req)) {
        for (S3Object o : page.contents()) out.add(new ObjectInfo(where.repoKey(o.key()), o.size(), o.lastModified(), o.eTag(), null));
      }
    } catch (SdkException e) {
      throw io("list " + prefix, e);
    }
    return out;
  }

  @Override
  public Page listPage(String prefix, String after, int max) throws IOException {
    if (max <= 0) throw new IllegalArgumentException("a page holds at least one object");
    try {
      var r = s3.listObjectsV2(b -> {
        b.bucket(where.bucket()).prefix(where.key(prefix)).maxKeys(max);
        if (after != null) b.startAfter(where.key(after));
      });
      List<ObjectInfo> out = new ArrayList<>(r.contents().size());
      for (S3Object o : r.contents()) out.add(new ObjectInfo(where.repoKey(o.key()), o.size(), o.lastModified(), o.eTag(), null));
      boolean more = Boolean.TRUE.equals(r.isTruncated());
      if (more && out.isEmpty()) throw new IOException("cannot list " + prefix + " in " + where.canonical() + ": the server cut a page of"
          + " the listing short without returning any key (run it again later)");
      return new Page(out, more ? out.get(out.size() - 1).key() : null);
    } catch (SdkException e) {
      throw io("list " + prefix, e);
    }
  }

  @Override
  public byte[] get(String key) throws IOException {
    try (ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(where.bucket()).key(where.key(key)))) {
      return readBody(in, Integer.MAX_VALUE);
    } catch (S3Exception e) {
      if (e.statusCode() == 404) throw new MissingObjectException(key);
      throw io("read " + key, e);
    } catch (SdkException e) {
      throw io("read " + key, e);
    }
  }

  /**
   * A response's body in one array of the length the response declares (at most {@code max}), read
   * straight into it: reading in pieces and joining them doubled the garbage of every window a
   * restore fetches.
   */
  private static byte[] readBody(ResponseInputStream<GetObjectResponse> in, int max) throws IOException {
    Long declared = in.response().contentLength();
    if (declared == null || declared > max) return max == Integer.MAX_VALUE ? in.readAllBytes() : in.readNBytes(max);
    byte[] b = new byte[Math.toIntExact(declared)];
    int n = in.readNBytes(b, 0, b.length);
    return n == b.length ? b : Arrays.copyOf(b, n);
  }

  /** A ranged GET read straight into {@code dst} (a restore's windows reuse their arrays). */
  @Override
  public int read(String key, long offset, byte[] dst, int dstOff, int len) throws IOException {
    if (len == 0) return 0;
    return ranged(key, offset, len, 0, in -> in.readNBytes(dst, dstOff, len));
  }

  private interface Body<T> {
    T read(ResponseInputStream<GetObjectResponse> in) throws IOException;
  }

  /** A ranged GET whose body {@code body} reads; {@code pastEnd} when the range starts at or after the object's end. */
  private <T> T ranged(String key, long offset, int len, T pastEnd, Body<T> body) throws IOException {
    String range = "bytes=" + offset + "-" + (offset + len - 1);
    try (ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(where.bucket()).key(where.key(key)).range(range))) {
      return body.read(in);
    } catch (S3Exception e) {
      if (e.statusCode() == 404) throw new MissingObjectException(key);
      if (e.statusCode() == 416) return pastEnd;
      throw io("read " + key, e);
    } catch (SdkException e) {
      throw io("read " + key, e);
    }
  }

  @Override
  public byte[] get(String key, long offset, int length) throws IOException {
    if (length == 0) return new byte[0];
    return ranged(key, offset, length, new byte[0], in -> readBody(in, length));
  }

  @Override
  public boolean put(String key, byte[] data, int off, int len, boolean ifAbsent) throws IOException {
    byte[] body = off == 0 && len == data.length ? data : Arrays.copyOfRange(data, off, off + len);
    if (ifAbsent && stat(key).isPresent()) return false;
    try {
      Lock lock = locks.apply(key);
      s3.putObject(r -> {
        r.bucket(where.bucket()).key(where.key(key)).contentLength((long) len);
        if (ifAbsent) r.ifNoneMatch("*");
        if (lock != null) r.objectLockMode(mode(lock)).objectLockRetainUntilDate(lock.until()).contentMD5(md5(body, 0, len));
        if (classOf(key) != null) r.storageClass(classOf(key));
      }, RequestBody.fromContentProvider(ContentStreamProvider.fromByteArrayUnsafe(body), len, OCTETS));
      return true;
    } catch (S3Exception e) {
      if (ifAbsent && (e.statusCode() == 412 || e.statusCode() == 409)) return false; // it exists (or another writer's PUT is under way)
      throw io("write " + key, e);
    } catch (SdkException e) {
      throw io("write " + key, e);
    }
  }

  /** Objects from this size on are uploaded in parts (S3 takes at most 5 GiB in one PUT; parts retry alone). */
  static final long MULTIPART_FROM = 64L << 20;
  /** The size of each part but the last (S3's minimum is 5 MiB). */
  static final int PART = 8 << 20;

  /**
   * A pack written piece by piece into a private temporary file (memory stays bounded whatever the
   * pack's size), then uploaded on commit: in one PUT, or in parts of {@value #PART} bytes from
   * {@value #MULTIPART_FROM} on, an unfinished multipart upload being aborted. A process killed
   * mid-upload leaves an incomplete multipart upload that {@link #sweepTemp} aborts later.
   */
  @Override
  public PendingObject create() throws IOException {
    Path file = Files.createTempFile("cairn-s3-pending-", ".pack",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE);
    return new PendingObject() {
      @Override
      public void write(long pos, byte[] b, int off, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        while (buf.hasRemaining()) pos += ch.write(buf, pos);
      }

      @Override
      public int read(long pos, byte[] b, int off, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        int n = 0;
        while (buf.hasRemaining()) {
          int r = ch.read(buf, pos + n);
          if (r < 0) break;
          n += r;
        }
        return n;
      }

      @Override
      public boolean commit(String key, long length) throws IOException {
        if (stat(key).isPresent()) return false;
        if (length < MULTIPART_FROM) return putFile(key, ch, length);
        upload(key, ch, length);
        return true;
      }

      @Override
      public void close() throws IOException {
        ch.close();
        Files.deleteIfExists(file);
      }
    };
  }

  /** One PUT whose body streams from the pending file (nothing copied into memory; a retry reads it again). */
  private boolean putFile(String key, FileChannel ch, long length) throws IOException {
    try {
      Lock lock = locks.apply(key);
      String md5 = lock == null ? null : md5(ch, 0, length);
      s3.putObject(r -> {
        r.bucket(where.bucket()).key(where.key(key)).contentLength(length).ifNoneMatch("*"); // a racing writer's copy stays alone
        if (lock != null) r.objectLockMode(mode(lock)).objectLockRetainUntilDate(lock.until()).contentMD5(md5);
        if (classOf(key) != null) r.storageClass(classOf(key));
      }, RequestBody.fromContentProvider(() -> new FileSlice(ch, 0, length), length, OCTETS));
      return true;
    } catch (S3Exception e) {
      if (e.statusCode() == 412 || e.statusCode() == 409) return false; // it exists (or another writer's PUT is under way)
      throw io("write " + key, e);
    } catch (SdkException e) {
      throw io("write " + key, e);
    }
  }

  private static final String OCTETS = "application/octet-stream";

  /** An input stream over part of a file by positional reads, so several streams share one channel. */
  private static final class FileSlice extends java.io.InputStream {
    private final FileChannel ch;
    private long pos;
    private final long end;

    FileSlice(FileChannel ch, long from, long length) {
      this.ch = ch;
      this.pos = from;
      this.end = from + length;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) return 0;
      if (pos >= end) return -1;
      int n = ch.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - pos)), pos);
      if (n < 0) throw new IOException("pending object is shorter than " + end + " bytes");
      pos += n;
      return n;
    }
  }

  private void upload(String key, FileChannel ch, long length) throws IOException {
    String objectKey = where.key(key);
    String id;
    try {
      Lock lock = locks.apply(key);
      id = s3.createMultipartUpload(r -> {
        r.bucket(where.bucket()).key(objectKey);
        if (lock != null) r.objectLockMode(mode(lock)).objectLockRetainUntilDate(lock.until());
        if (classOf(key) != null) r.storageClass(classOf(key));
      }).uploadId();
    } catch (SdkException e) {
      throw io("start uploading " + key, e);
    }
    try {
      List<CompletedPart> parts = new ArrayList<>();
      boolean locked = locks.apply(key) != null;
      for (int n = 1; (long) (n - 1) * PART < length; n++) {
        long from = (long) (n - 1) * PART;
        long len = Math.min(PART, length - from);
        int part = n;
        String md5 = locked ? md5(ch, from, len) : null; // S3 requires it on the parts of a locked object
        String etag = s3.uploadPart(r -> r.bucket(where.bucket()).key(objectKey).uploadId(id).partNumber(part).contentLength(len)
                .contentMD5(md5), RequestBody.fromContentProvider(() -> new FileSlice(ch, from, len), len, OCTETS)).eTag();
        parts.add(CompletedPart.builder().partNumber(part).eTag(etag).build());
      }
      s3.completeMultipartUpload(r -> r.bucket(where.bucket()).key(objectKey).uploadId(id)
          .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
    } catch (IOException | RuntimeException e) {
      try {
        s3.abortMultipartUpload(r -> r.bucket(where.bucket()).key(objectKey).uploadId(id));
      } catch (SdkException ignored) {
        // sweepTemp aborts it later
      }
      if (e instanceof SdkException se) throw io("upload " + key, se);
      throw e;
    }
  }

  /** Aborts the multipart uploads under the prefix that were started before {@code before} (left by a process that died). */
  @Override
  public int sweepTemp(Instant before) throws IOException {
    int n = 0;
    try {
      for (var page : s3.listMultipartUploadsPaginator(r -> r.bucket(where.bucket()).prefix(where.key("")))) {
        for (MultipartUpload u : page.uploads()) {
          if (u.initiated() != null && u.initiated().isBefore(before)) {
            s3.abortMultipartUpload(r -> r.bucket(where.bucket()).key(u.key()).uploadId(u.uploadId()));
            n++;
          }
        }
      }
    } catch (SdkException e) {
      throw io("list unfinished uploads", e);
    }
    return n;
  }

  @Override
  public void delete(String key) throws IOException {
    try {
      s3.deleteObject(r -> r.bucket(where.bucket()).key(where.key(key)));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) return;
      throw io("delete " + key, e);
    } catch (SdkException e) {
      throw io("delete " + key, e);
    }
  }

  /** Whether the server takes DeleteObjects (S3Proxy answers 501 to the SDK's checksum header); one by one when not. */
  private volatile boolean batchDelete = true;

  /** DeleteObjects, 1,000 keys per request; a key the server could not delete fails the call, naming it. */
  @Override
  public void deleteAll(java.util.Collection<String> keys) throws IOException {
    List<String> all = new ArrayList<>(keys);
    for (int from = 0; from < all.size(); from += 1000) {
      if (!batchDelete) {
        for (String k : all.subList(from, Math.min(all.size(), from + 1000))) delete(k);
        continue;
      }
      List<ObjectIdentifier> ids = all.subList(from, Math.min(all.size(), from + 1000)).stream()
          .map(k -> ObjectIdentifier.builder().key(where.key(k)).build()).toList();
      try {
        var res = s3.deleteObjects(r -> r.bucket(where.bucket()).delete(d -> d.objects(ids).quiet(true)));
        if (res.hasErrors() && !res.errors().isEmpty()) {
          var e = res.errors().get(0);
          throw new IOException("cannot delete " + where.repoKey(e.key()) + " in " + where.canonical() + ": " + e.code() + " " + e.message()
              + (res.errors().size() > 1 ? " (and " + (res.errors().size() - 1) + " more)" : ""));
        }
      } catch (S3Exception e) {
        if (e.statusCode() != 501) throw io("delete " + ids.size() + " objects", e);
        batchDelete = false;
        from -= 1000; // this batch again, one by one
      } catch (SdkException e) {
        throw io("delete " + ids.size() + " objects", e);
      }
    }
  }

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    try {
      HeadObjectResponse h = s3.headObject(r -> r.bucket(where.bucket()).key(where.key(key)));
      return Optional.of(new ObjectInfo(key, h.contentLength(), h.lastModified(), h.eTag(), h.versionId()));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) return Optional.empty();
      throw io("stat " + key, e);
    } catch (SdkException e) {
      throw io("stat " + key, e);
    }
  }

  @Override
  public void close() {
    s3.close();
  }

  private IOException io(String what, SdkException e) {
    if (e instanceof AbortedException || Thread.currentThread().isInterrupted()) {
      InterruptedIOException i = new InterruptedIOException("interrupted: " + what + " in " + where.canonical());
      i.initCause(e);
      return i;
    }
    if (e instanceof S3Exception s) {
      String archived = archived(what, s);
      if (archived != null) return new StoreException(archived, false, e);
      if (s.statusCode() == 403) return new StoreException(refused(this, s), false, e);
      boolean temporary = transientStatus(s.statusCode());
      return new StoreException("cannot " + what + " in " + where.canonical() + ": " + refused(this, s)
          + (temporary ? " (temporary, still failing after retries: run it again later)" : ""), temporary, e);
    }
    // no answer at all (a dropped connection, a timeout, a server that went away): worth trying again
    return new StoreException("cannot " + what + " in " + where.canonical() + ": " + e.getMessage()
        + " (temporary, still failing after retries: run it again later)", true, e);
  }
}
