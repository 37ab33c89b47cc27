package io.cairn.cli;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Keeps the old generation of the serial collector near its live size, for peak RSS.
 *
 * <p>The serial collector grows its old generation when a young collection promotes into a full
 * one, instead of collecting it: the garbage of medium-lived objects (tree nodes of open
 * directories, per-pack entry lists, buffers that were replaced) piles up until the heap limit,
 * and every page it touches stays resident. Measured on the bench data, a 1.2 GiB initial backup
 * grew the old generation from 7 to 80 MB while about 45 MB of it was live. This watch runs a full
 * collection once the old generation holds {@link #SLACK} (or half its live size, whichever is
 * more) more than after the last one, so the old generation grows only with what is live. A full
 * collection of a heap of this size costs 15-40 ms; a backup needs a few. The half keeps the cost
 * linear when the live set itself grows (a folder of a million files): each full collection then
 * follows a growth by half, so their total work is a small multiple of the final live size.
 *
 * <p>Only for the serial collector (the launcher's default), whose old generation shrinks after a
 * full collection ({@code MaxHeapFreeRatio}); with any other collector this does nothing.
 */
final class OldGenWatch {
  /** Growth of the old generation that triggers a full collection. */
  static final long SLACK = Long.getLong("cairn.oldgen.slack-mb", 16) << 20;

  private static final AtomicBoolean STARTED = new AtomicBoolean();

  private OldGenWatch() {}

  /** Starts watching, once per process; a no-op unless the serial collector runs. */
  static void start() {
    if (SLACK <= 0 || !STARTED.compareAndSet(false, true)) return;
    MemoryPoolMXBean old = null;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP && p.getName().equals("Tenured Gen")) old = p;
    }
    if (old == null) return;
    AtomicLong base = new AtomicLong(old.getUsage().getUsed()); // old generation used after the last full collection
    AtomicBoolean pending = new AtomicBoolean();
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      boolean full = b.getName().equals("MarkSweepCompact");
      if (!full && !b.getName().equals("Copy") || !(b instanceof NotificationEmitter emitter)) continue;
      emitter.addNotificationListener((n, handback) -> {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) return;
        var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        MemoryUsage after = info.getGcInfo().getMemoryUsageAfterGc().get("Tenured Gen");
        if (after == null) return;
        if (full) {
          base.set(after.getUsed());
        } else if (after.getUsed() > base.get() + Math.max(SLACK, base.get() / 2) && pending.compareAndSet(false, true)) {
          // not in the notification thread: a full collection there would hold up other listeners
          Thread.ofPlatform().daemon().name("cairn-oldgen").start(() -> {
            try {
              System.gc();
            } finally {
              pending.set(false);
            }
          });
        }
      }, null, null);
    }
  }
}
