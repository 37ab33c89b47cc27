package io.cairn.capture;

import io.cairn.engine.repo.Repository;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A repository being opened in the background while a source prepares (connects to its server,
 * finds its tools): opening means stretching the password, a fraction of a second that would
 * otherwise come before the first byte of a dump. Closed in any case: the repository too, once open.
 */
public final class Opening implements AutoCloseable {
  private final CompletableFuture<Repository> future;

  Opening(Capturer.Opener opener, io.cairn.policy.Asset asset) {
    future = CompletableFuture.supplyAsync(() -> {
      try {
        return opener.open(asset);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, r -> Thread.ofVirtual().name("cairn-open").start(r));
  }

  /** The repository, once open; the error of opening it, when that failed. */
  public Repository get() throws IOException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof UncheckedIOException u) throw u.getCause();
      if (c instanceof RuntimeException r) throw r;
      if (c instanceof Error err) throw err;
      throw new IOException(c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while opening the repository");
    }
  }

  @Override
  public void close() {
    try {
      future.join().close();
    } catch (RuntimeException | IOException e) {
      // opening failed (its error was reported by get), or closing a repository only read from
    }
  }
}
