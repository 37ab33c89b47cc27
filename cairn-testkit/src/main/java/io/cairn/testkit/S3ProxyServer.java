package io.cairn.testkit;

import java.net.URI;
import java.util.Map;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/** An embedded S3 server (S3Proxy over an in-memory blob store) on a free loopback port, for fast tests. */
public final class S3ProxyServer implements AutoCloseable {
  public static final String ACCESS = "cairn-access";
  public static final String SECRET = "cairn-secret-key";
  private final S3Proxy proxy;
  private final BlobStoreContext context;

  public S3ProxyServer() throws Exception {
    Properties p = new Properties();
    context = ContextBuilder.newBuilder("transient").overrides(p).build(BlobStoreContext.class);
    proxy = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
    proxy.start();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!proxy.getState().equals("STARTED")) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
      Thread.sleep(10);
    }
  }

  public void createBucket(String name) {
    context.getBlobStore().createContainerInLocation(null, name);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + proxy.getPort();
  }

  public Map<String, String> env() {
    return Map.of("AWS_ACCESS_KEY_ID", ACCESS, "AWS_SECRET_ACCESS_KEY", SECRET);
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    context.close();
  }
}
