package io.cairn.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small TCP proxy on loopback that breaks an HTTP service on purpose: each time the bytes sent
 * to the service (over all connections) pass another {@code everyBytes}, the connection carrying
 * them is cut mid-request (a dropped connection, reset) or answered {@code 503 Slow Down} and closed
 * (throttling). Requests smaller than {@code everyBytes} therefore always get through on a retry.
 * Counts what it did, so a test can check the faults happened.
 */
public final class FaultyProxy implements AutoCloseable {
  /** What to do to the chosen connections. */
  public enum Fault {
    DROP_MID_REQUEST,
    SLOW_DOWN
  }

  private final ServerSocket server;
  private final InetSocketAddress upstream;
  private final Fault fault;
  private final long everyBytes;
  private final java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong nextFault;
  private final AtomicInteger faults = new AtomicInteger();
  private final List<Socket> open = new ArrayList<>();
  private final Thread acceptor;
  private volatile boolean closed;

  public FaultyProxy(String upstreamHost, int upstreamPort, Fault fault, long everyBytes) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.upstream = new InetSocketAddress(upstreamHost, upstreamPort);
    this.fault = fault;
    this.everyBytes = everyBytes;
    this.nextFault = new java.util.concurrent.atomic.AtomicLong(everyBytes);
    this.acceptor = Thread.ofPlatform().daemon().name("faulty-proxy").start(this::accept);
  }

  public int port() {
    return server.getLocalPort();
  }

  /** How many connections were broken. */
  public int faults() {
    return faults.get();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        synchronized (open) {
          open.add(client);
        }
        Thread.ofVirtual().start(() -> serve(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client; Socket up = new Socket()) {
      up.connect(upstream, 5000);
      synchronized (open) {
        open.add(up);
      }
      Thread back = Thread.ofVirtual().start(() -> copyBack(up, client));
      byte[] buf = new byte[16384];
      InputStream in = client.getInputStream();
      OutputStream out = up.getOutputStream();
      for (int r; (r = in.read(buf)) > 0; ) {
        long total = sent.addAndGet(r);
        long at = nextFault.get();
        if (total >= at && nextFault.compareAndSet(at, total + everyBytes)) {
          faults.incrementAndGet();
          up.close(); // the service sees half a request
          if (fault == Fault.SLOW_DOWN) {
            byte[] body = "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>".getBytes(StandardCharsets.UTF_8);
            OutputStream o = client.getOutputStream();
            o.write(("HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            o.write(body);
            o.flush();
          } else {
            client.setSoLinger(true, 0); // a reset, as a dropped connection looks
          }
          return;
        }
        out.write(buf, 0, r);
      }
      up.shutdownOutput();
      back.join();
    } catch (IOException | InterruptedException e) {
      // the peer went away
    }
  }

  private static void copyBack(Socket from, Socket to) {
    byte[] buf = new byte[16384];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int r; (r = in.read(buf)) > 0; ) out.write(buf, 0, r);
      to.shutdownOutput();
    } catch (IOException e) {
      // closed
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    synchronized (open) {
      for (Socket s : open) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
    }
  }
}
