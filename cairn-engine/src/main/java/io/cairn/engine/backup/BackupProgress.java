package io.cairn.engine.backup;

import java.util.concurrent.atomic.AtomicLong;

/** Live counters of a running backup, polled by the CLI for its progress line. */
public final class BackupProgress {
  public final AtomicLong filesDone = new AtomicLong();
  public final AtomicLong bytesDone = new AtomicLong();
  public final AtomicLong bytesRead = new AtomicLong();
  public final AtomicLong errors = new AtomicLong();
  public volatile String current = "";
}
