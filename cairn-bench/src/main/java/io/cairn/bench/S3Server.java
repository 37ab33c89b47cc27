package io.cairn.bench;

import io.cairn.testkit.CephRgwServer;

/**
 * A throwaway Ceph RGW (one monitor, one memstore OSD, one gateway) on loopback for the S3
 * benchmarks (bench/s3.sh): prints {@code ENDPOINT=}, {@code AWS_ACCESS_KEY_ID=} and
 * {@code AWS_SECRET_ACCESS_KEY=} lines, then serves until its standard input closes.
 *
 * <p>Usage: {@code java -cp cairn-bench/target/benchmarks.jar io.cairn.bench.S3Server [GIB]} (memstore size, default 8).
 */
public final class S3Server {
  private S3Server() {}

  public static void main(String[] args) throws Exception {
    long gib = args.length > 0 ? Long.parseLong(args[0]) : 8;
    CephRgwServer server = CephRgwServer.start(gib << 30);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close(); // SIGTERM too: never leave the cluster's daemons behind
      } catch (java.io.IOException ignored) {
        // exiting
      }
    }));
    try (CephRgwServer s = server) {
      System.out.println("ENDPOINT=" + s.endpoint());
      s.env().forEach((k, v) -> System.out.println(k + "=" + v));
      System.out.flush();
      while (System.in.read() >= 0) {
        // serve until stdin closes
      }
    }
  }
}
