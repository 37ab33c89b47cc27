package io.cairn.engine.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.engine.BlobId;
import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.Json;
import io.cairn.engine.backup.Backup;
import io.cairn.engine.backup.BackupOptions;
import io.cairn.engine.check.Checker;
import io.cairn.engine.gc.Lease;
import io.cairn.engine.gc.Leases;
import io.cairn.engine.gc.Pruner;
import io.cairn.engine.index.MemIndex;
import io.cairn.engine.pack.PackEntry;
import io.cairn.engine.pack.PackFormat;
import io.cairn.engine.repo.GarbagePlan;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.engine.store.LocalObjectStore;
import io.cairn.engine.store.ObjectInfo;
import io.cairn.engine.store.ObjectStore;
import io.cairn.engine.tree.Node;
import io.cairn.engine.tree.NodeType;
import io.cairn.testkit.FaultyObjectStore;
import io.cairn.engine.store.ForwardingObjectStore;
import io.cairn.engine.fs.TreeComparator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prune end to end on local-folder repositories: what it deletes and repacks, that it changes
 * nothing on a dry run, how it and backups share a repository through leases and garbage plans,
 * and that a crash at any of its write or delete points leaves a valid repository.
 */
class PruneTest {
  /** Far longer than any test: no lease refresher writes while a test runs. */
  private static final Duration TTL = Duration.ofHours(1);

  @TempDir Path tmp;

  // ------------------------------------------------------------------ what prune deletes

  @Test
  void prune_afterForget_deletesThePacksOnlyThatSnapshotUsed_andTheRestStillRestores() throws Exception {
    Path repoDir = tmp.resolve("repo");
    Path a = source("a", 10, i -> 1);
    Path b = source("b", 10, i -> 2);
    Repository repo = Repos.init(new LocalObjectStore(repoDir));
    Snapshot sa = Repos.backup(repo, a);
    Set<String> packsOfA = packs(repoDir);
    Snapshot sb = Repos.backup(repo, b);
    Set<String> packsOfB = packs(repoDir);
    packsOfB.removeAll(packsOfA);
    assertThat(packsOfA).hasSizeGreaterThan(1);

    forget(repoDir, sa);
    Pruner.Report r = prune(repoDir, 5);

    assertThat(r.packsDeleted()).isEqualTo(packsOfA.size());
    assertThat(r.plansPending()).isZero();
    assertThat(packs(repoDir)).containsExactlyInAnyOrderElementsOf(packsOfB);
    assertThat(keys(repoDir, GarbagePlan.PREFIX)).isEmpty();
    assertThat(keys(repoDir, Leases.PREFIX)).isEmpty();
    assertClean(repoDir);
    assertRestores(repoDir, sb, b);
  }

  @Test
  void prune_repacksPartlyUsedPacks_onlyWhenTheirUnusedShareExceedsTheThreshold() throws Exception {
    Path repoDir = tmp.resolve("repo");
    Path v1 = source("v1", 24, i -> 1);
    Path v2 = source("v2", 24, i -> i % 2 == 0 ? 1 : 2); // every other file changed
    Repository repo = Repos.init(new LocalObjectStore(repoDir));
    Snapshot s1 = Repos.backup(repo, v1);
    Snapshot s2 = Repos.backup(repo, v2);
    forget(repoDir, s1);
    Map<String, Double> before = unusedShare(repoDir);
    assertThat(before.values()).as("the setup leaves packs partly used").anyMatch(u -> u > 0.1 && u < 1.0);

    Pruner.Report never = prune(repoDir, 100);
    assertThat(never.packsRepacked()).isZero();
    assertThat(never.blobsRepacked()).isZero();
    Map<String, Double> kept = new TreeMap<>();
    before.forEach((k, u) -> {
      if (u < 1.0) kept.put(k, u);
    });
    assertThat(unusedShare(repoDir)).as("only packs nothing uses are gone").isEqualTo(kept);
    assertThat(never.packsDeleted()).isEqualTo(before.size() - kept.size());

    Pruner.Report r = prune(repoDir, 10);
    assertThat(r.packsRepacked()).isEqualTo((int) kept.values().stream().filter(u -> u > 0.1).count());
    assertThat(r.blobsRepacked()).isPositive();
    Map<String, Double> after = unusedShare(repoDir);
    assertThat(after.values()).allMatch(u -> u <= 0.1);
    for (Map.Entry<String, Double> e : kept.entrySet()) {
      assertThat(after.containsKey(e.getKey())).as("pack %s with %.0f%% unused", e.getKey(), e.getValue() * 100)
          .isEqualTo(e.getValue() <= 0.1);
    }
    assertClean(repoDir);
    assertRestores(repoDir, s2, v2);
    Pruner.Report again = prune(repoDir, 10);
    assertThat(again.packsDeleted() + again.packsRepacked() + again.orphansDeleted()).as("nothing left to do").isZero();
  }

  @Test
  void dryRun_changesNothing_andPredictsWhatTheRealRunDoes() throws Exception {
    Path repoDir = tmp.resolve("repo");
    Path v1 = source("v1", 16, i -> 1);
    Path v2 = source("v2", 16, i -> i % 2 == 0 ? 1 : 2);
    Path other = source("other", 6, i -> 3);
    Repository repo = Repos.init(new LocalObjectStore(repoDir));
    Snapshot s1 = Repos.backup(repo, v1);
    Snapshot s2 = Repos.backup(repo, v2);
    Snapshot s3 = Repos.backup(repo, other);
    forget(repoDir, s1);
    forget(repoDir, s3);
    Map<String, Long> before = listing(repoDir);

    Pruner.Report dry = new Pruner(Repos.open(new LocalObjectStore(repoDir)), 10, true, Duration.ZERO, TTL).run();

    assertThat(listing(repoDir)).isEqualTo(before);
    assertThat(dry.dryRun()).isTrue();
    assertThat(dry.packsDeleted()).isPositive();
    assertThat(dry.packsRepacked()).isPositive();
    Pruner.Report real = prune(repoDir, 10);
    assertThat(real.packsDeleted()).isEqualTo(dry.packsDeleted());
    assertThat(real.packsRepacked()).isEqualTo(dry.packsRepacked());
    assertThat(real.blobsRepacked()).isEqualTo(dry.blobsRepacked());
    assertThat(real.bytesFreed()).isEqualTo(dry.bytesFreed());
    assertThat(listing(repoDir)).isNotEqualTo(before);
    assertClean(repoDir);
    assertRestores(repoDir, s2, v2);
  }

  // ------------------------------------------------------------------ beside running backups

  @Test
  void backupLeaseHeldAcrossTheMark_leavesThePlanPending_andASnapshotCommittedMeanwhileIsKept() throws Exception {
    Path repoDir = tmp.resolve("repo");
    Path old = source("old", 10, i -> 1);
    Path now = source("now", 10, i -> 2);
    Repository repo = Repos.init(new LocalObjectStore(repoDir));
    Snapshot sOld = Repos.backup(repo, old);
    Set<String> packsOfOld = packs(repoDir);
    Snapshot sNow = Repos.backup(repo, now);
    byte[] sOldObject = Files.readAllBytes(repoDir.resolve("snapshots/" + sOld.id()));
    forget(repoDir, sOld);

    // a backup that started before the prune and, unchanged content, ends up with sOld's tree
    Repository backupSide = Repos.open(new LocalObjectStore(repoDir));
    try (Leases.Held running = new Leases(backupSide).acquireShared(TTL)) {
      Pruner.Report r = prune(repoDir, 5);
      assertThat(r.plansPending()).isEqualTo(1);
      assertThat(r.packsDeleted()).isEqualTo(packsOfOld.size());
      assertThat(packs(repoDir)).as("nothing is deleted while the backup runs").containsAll(packsOfOld);
      Repository fresh = Repos.open(new LocalObjectStore(repoDir));
      List<GarbagePlan> plans = fresh.garbagePlans();
      assertThat(plans).singleElement().satisfies(p -> assertThat(p.waitFor()).containsExactly(running.lease().id()));
      assertThat(indexedPacks(fresh.loadIndex(Set.of(), new ArrayList<>()))).as("the doomed packs are invisible")
          .doesNotContainAnyElementsOf(packsOfOld);
      assertThat(indexedPacks(fresh.index())).doesNotContainAnyElementsOf(packsOfOld);

      running.ensureValid();
      Files.write(repoDir.resolve("snapshots/" + sOld.id()), sOldObject); // the backup commits

      // a prune now (the backup has not released its lease yet) still deletes nothing
      Pruner.Report meanwhile = prune(repoDir, 5);
      assertThat(meanwhile.plansPending()).isEqualTo(1);
      assertThat(packs(repoDir)).containsAll(packsOfOld);
    }

    Pruner.Report next = prune(repoDir, 5);
    assertThat(next.plansSwept()).isEqualTo(1);
    assertThat(next.plansPending()).isZero();
    assertThat(next.packsKept()).as("packs resurrected").isEqualTo(packsOfOld.size());
    assertThat(packs(repoDir)).containsAll(packsOfOld);
    assertThat(indexedPacks(Repos.open(new LocalObjectStore(repoDir)).index())).containsAll(packsOfOld);
    assertClean(repoDir);
    assertRestores(repoDir, sOld, old);
    assertRestores(repoDir, sNow, now);
  }

  @Test
  void runningBackup_thatReusesDataOfForgottenSnapshot_keepsItAcrossTheSweep() throws Exception {
    Path repoDir = tmp.resolve("repo");
    Path old = source("old", 10, i -> 1);
    Repository repo = Repos.init(new LocalObjectStore(repoDir));
    Snapshot sOld = Repos.backup(repo, old);
    forget(repoDir, sOld);
    Path same = copy(old, tmp.resolve("same")); // same content, new path: new trees, old data blobs

    // the running backup took its lease and read the index before the prune marked
    Repository backupSide = Repos.open(new LocalObjectStore(repoDir));
    Snapshot s;
    try (Leases.Held running = new Leases(backupSide).acquireShared(TTL)) {
      backupSide.index();
      assertThat(prune(repoDir, 5).plansPending()).isEqualTo(1);
      running.ensureValid();
      s = Repos.backup(backupSide, same);
      assertThat(s.stats().bytesAdded()).as("data deduplicated against the doomed packs").isLessThan(10_000);
    }
    Pruner.Report r = prune(repoDir, 100);
    assertThat(r.packsKept()).isPositive();
    assertClean(repoDir);
    assertRestores(repoDir, s, same);
  }

  @Test
  void prune_thatWaitsForARunningBackup_sweepsAsSoonAsItsLeaseIsGone() throws Exception {
    Path repoDir = tmp.resolve("repo");
    Path old = source("old", 8, i -> 1);
    Path now = source("now", 8, i -> 2);
    Repository repo = Repos.init(new LocalObjectStore(repoDir));
    Snapshot sOld = Repos.backup(repo, old);
    Set<String> packsOfOld = packs(repoDir);
    Snapshot sNow = Repos.backup(repo, now);
    byte[] sOldObject = Files.readAllBytes(repoDir.resolve("snapshots/" + sOld.id()));
    forget(repoDir, sOld);

    Repository backupSide = Repos.open(new LocalObjectStore(repoDir));
    Leases.Held running = new Leases(backupSide).acquireShared(TTL);
    CompletableFuture<Pruner.Report> pruning = CompletableFuture.supplyAsync(() -> {
      try {
        return new Pruner(Repos.open(new LocalObjectStore(repoDir)), 5, false, Duration.ofSeconds(30), TTL).run();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    Repository watcher = Repos.open(new LocalObjectStore(repoDir));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!finalizedPlan(watcher) && System.nanoTime() < deadline) Thread.sleep(10);
    assertThat(finalizedPlan(watcher)).as("the prune marked and waits").isTrue();
    assertThat(pruning).isNotDone();
    running.ensureValid();
    Files.write(repoDir.resolve("snapshots/" + sOld.id()), sOldObject);
    running.close();

    Pruner.Report r = pruning.get(20, TimeUnit.SECONDS);
    assertThat(r.plansPending()).isZero();
    assertThat(r.plansSwept()).isEqualTo(1);
    assertThat(r.packsKept()).isEqualTo(packsOfOld.size());
    assertClean(repoDir);
    assertRestores(repoDir, sOld, old);
    assertRestores(repoDir, sNow, now);
  }

  @Test
  @SuppressWarnings("try") // the lease is held, not used
  void backup_whoseParentIsHiddenByAPendingPlan_stillSucceeds() throws Exception {
    Path repoDir = tmp.resolve("repo");
    Path src = source("src", 8, i -> 1);
    Repository repo = Repos.init(new LocalObjectStore(repoDir));
    Snapshot first = Repos.backup(repo, src);
    byte[] firstObject = Files.readAllBytes(repoDir.resolve("snapshots/" + first.id()));
    forget(repoDir, first);

    Snapshot second;
    try (Leases.Held running = new Leases(Repos.open(new LocalObjectStore(repoDir))).acquireShared(TTL)) {
      assertThat(prune(repoDir, 5).plansPending()).isEqualTo(1);
      Files.write(repoDir.resolve("snapshots/" + first.id()), firstObject); // committed by the running backup
      // the next backup of the same path takes it as parent, whose trees the plan hides
      second = Repos.backup(Repos.open(new LocalObjectStore(repoDir)), src);
      assertThat(second.parent()).isEqualTo(first.id().toString());
    }
    assertRestores(repoDir, second, src);
    prune(repoDir, 5);
    assertClean(repoDir);
    assertRestores(repoDir, first, src);
    assertRestores(repoDir, second, src);
  }

  @Test
  void expiredBackupLease_doesNotBlockTheSweep_andTheLapsedHolderCannotCommit() throws Exception {
    Path repoDir = tmp.resolve("repo");
    Path a = source("a", 6, i -> 1);
    Path b = source("b", 6, i -> 2);
    Repository repo = Repos.init(new LocalObjectStore(repoDir));
    Snapshot sa = Repos.backup(repo, a);
    Set<String> packsOfA = packs(repoDir);
    Snapshot sb = Repos.backup(repo, b);
    forget(repoDir, sa);

    ShiftedClock clock = new ShiftedClock();
    Repository shared = Repos.open(new LocalObjectStore(repoDir), clock);
    Leases.Held stalled = new Leases(shared).acquireShared(Duration.ofMinutes(10));
    stalled.ensureValid();
    clock.shift(Duration.ofMinutes(11)); // the holder did not renew in time (a hung process)
    assertThatThrownBy(stalled::ensureValid).isInstanceOfSatisfying(CairnException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.LOCKED));

    Pruner.Report r = new Pruner(shared, 5, false, Duration.ZERO, TTL).run();
    assertThat(r.plansPending()).isZero();
    assertThat(r.packsDeleted()).isEqualTo(packsOfA.size());
    assertThat(packs(repoDir)).doesNotContainAnyElementsOf(packsOfA);
    assertThat(keys(repoDir, Leases.PREFIX)).as("the expired lease was removed").isEmpty();
    assertThatThrownBy(stalled::ensureValid).isInstanceOf(CairnException.class);
    stalled.close();
    assertClean(repoDir);
    assertRestores(repoDir, sb, b);
  }

  @Test
  void leaseOfACrashedBackup_withAnOldRefreshTime_doesNotBlockTheSweep() throws Exception {
    Path repoDir = tmp.resolve("repo");
    Path a = source("a", 6, i -> 1);
    Path b = source("b", 6, i -> 2);
    Repository repo = Repos.init(new LocalObjectStore(repoDir));
    Snapshot sa = Repos.backup(repo, a);
    Set<String> packsOfA = packs(repoDir);
    Snapshot sb = Repos.backup(repo, b);
    forget(repoDir, sa);
    Instant longAgo = Instant.now().minus(Duration.ofHours(2));
    Lease dead = new Lease(Lease.VERSION, "0".repeat(32), Lease.Kind.SHARED, "elsewhere", 4242, "nobody", longAgo, longAgo, 300,
        "cairn");
    byte[] sealed = repo.sealer().seal('L', Json.MAPPER.writeValueAsBytes(dead));
    repo.store().put(Leases.PREFIX + dead.id(), sealed);
    assertThat(new Leases(repo).list()).extracting(Lease::id).containsExactly(dead.id());

    Pruner.Report r = prune(repoDir, 5);

    assertThat(r.plansPending()).isZero();
    assertThat(packs(repoDir)).doesNotContainAnyElementsOf(packsOfA);
    assertThat(keys(repoDir, Leases.PREFIX)).isEmpty();
    assertClean(repoDir);
    assertRestores(repoDir, sb, b);
  }

  @Test
  void removedLease_failsEnsureValid_evenAfterItsRefresherRan() throws Exception {
    Repository repo = Repos.init(new LocalObjectStore(tmp.resolve("repo")));
    try (Leases.Held held = new Leases(repo).acquireShared(Duration.ofSeconds(1))) { // renewed every 333 ms
      held.ensureValid();
      assertThat(new Leases(repo).removeAll()).isEqualTo(1); // cairn unlock --all
      Thread.sleep(1000);
      assertThat(keys(tmp.resolve("repo"), Leases.PREFIX)).as("not written back by the refresher").isEmpty();
      assertThatThrownBy(held::ensureValid).isInstanceOfSatisfying(CairnException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.LOCKED);
        assertThat(e.getMessage()).contains("removed");
      });
    }
  }

  @Test
  void leaseThatLapsed_failsEnsureValid_evenAfterALateRenewal() throws Exception {
    Path repoDir = tmp.resolve("repo");
    Repos.init(new LocalObjectStore(repoDir));
    ShiftedClock clock = new ShiftedClock();
    Repository repo = Repos.open(new LocalObjectStore(repoDir), clock);
    try (Leases.Held held = new Leases(repo).acquireShared(Duration.ofSeconds(1))) { // renewed every 333 ms
      clock.shift(Duration.ofSeconds(5)); // the process stalled: for 4 s a prune could take the lease as gone
      Instant stalled = clock.instant();
      Thread.sleep(1000);
      assertThat(new Leases(repo).list()).singleElement().satisfies(l -> assertThat(l.refreshed()).isAfter(stalled));
      assertThatThrownBy(held::ensureValid).isInstanceOfSatisfying(CairnException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.LOCKED);
        assertThat(e.getMessage()).contains("lapsed");
      });
    }
  }

  @Test
  void removingExpiredLeases_leavesALeaseWrittenMeanwhile() throws Exception {
    Path repoDir = tmp.resolve("repo");
    Repos.init(new LocalObjectStore(repoDir));
    List<Leases.Held> started = new ArrayList<>();
    // a backup starts between the listings of locks/ that removing expired leases makes
    ObjectStore racing = new ForwardingObjectStore(new LocalObjectStore(repoDir)) {
      int lists;

      @Override
      public List<ObjectInfo> list(String prefix) throws IOException {
        if (prefix.equals(Leases.PREFIX) && ++lists == 2) {
          started.add(new Leases(Repos.open(new LocalObjectStore(repoDir))).acquireShared(TTL));
        }
        return super.list(prefix);
      }
    };
    Repository repo = Repos.open(racing);
    new Leases(repo).removeExpired();
    new Leases(repo).removeExpired();
    assertThat(started).hasSize(1);
    try (Leases.Held backup = started.get(0)) {
      assertThat(keys(repoDir, Leases.PREFIX)).containsExactly(Leases.PREFIX + backup.lease().id());
      backup.ensureValid();
    }
  }

  @Test
  void secondMaintenanceLease_isRefusedWhileTheFirstIsHeld_whateverTheClocks() throws Exception {
    Path repoDir = tmp.resolve("repo");
    Repository repo = Repos.init(new LocalObjectStore(repoDir));
    // another machine whose clock is a minute behind: its lease looks older than the one held
    Repository behind = Repos.open(new LocalObjectStore(repoDir), Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-1)));
    try (Leases.Held first = new Leases(repo).acquireMaintenance(TTL)) {
      assertThatThrownBy(() -> new Leases(Repos.open(new LocalObjectStore(repoDir))).acquireMaintenance(TTL))
          .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.LOCKED));
      assertThatThrownBy(() -> new Leases(behind).acquireMaintenance(TTL))
          .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.LOCKED));
      assertThatThrownBy(() -> new Pruner(Repos.open(new LocalObjectStore(repoDir)), 5, false, Duration.ZERO, TTL).run())
          .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.LOCKED));
      assertThat(new Leases(repo).list()).as("refused leases are taken back").extracting(Lease::id)
          .containsExactly(first.lease().id());
      first.ensureValid();
    }
    try (Leases.Held again = new Leases(behind).acquireMaintenance(TTL)) {
      again.ensureValid();
    }
  }

  // ------------------------------------------------------------------ crash at every write point

  @Test
  void prune_crashedAtEveryWriteOrDeletePoint_leavesAValidRepository_andTheNextPruneFinishes() throws Exception {
    Path base = tmp.resolve("base");
    Path v1 = source("v1", 10, i -> 1);
    Path v2 = source("v2", 10, i -> i % 2 == 0 ? 1 : 2);
    Path other = source("other", 4, i -> 3);
    Path last = source("last", 4, i -> 4);
    Repository repo = Repos.init(new LocalObjectStore(base));
    Snapshot s1 = Repos.backup(repo, v1);
    Snapshot s2 = Repos.backup(repo, v2);
    Snapshot s3 = Repos.backup(repo, other);
    Snapshot s4 = Repos.backup(repo, last);
    forget(base, s1); // partly used packs to repack
    forget(base, s3); // packs to delete
    Map<Snapshot, Path> remaining = Map.of(s2, v2, s4, last);

    Path counted = copy(base, tmp.resolve("counted"));
    FaultyObjectStore counting = new FaultyObjectStore(new LocalObjectStore(counted), 0);
    Pruner.Report full = new Pruner(Repos.open(counting), 10, false, Duration.ZERO, TTL).run();
    assertThat(full.packsRepacked()).isPositive();
    assertThat(full.packsDeleted()).isGreaterThan(full.packsRepacked());
    List<String> points = counting.points();
    assertThat(points).anyMatch(p -> p.startsWith("commit data/")).anyMatch(p -> p.startsWith("delete data/"))
        .anyMatch(p -> p.startsWith("delete index/")).anyMatch(p -> p.startsWith("put garbage/"));

    // the crashed prune's maintenance lease is still there; reopening later lets it expire
    InstantSource later = Clock.offset(Clock.systemUTC(), TTL.multipliedBy(2));
    for (int n = 1; n <= points.size(); n++) {
      String at = "crash at point " + n + " of " + points.size() + " (" + points.get(n - 1) + ")";
      Path dir = copy(base, tmp.resolve("crash" + n));
      int failAt = n;
      if (points.get(n - 1).startsWith("delete locks/")) {
        // removing its own lease is the last step: the prune is done, and the lease runs out by itself
        new Pruner(Repos.open(new FaultyObjectStore(new LocalObjectStore(dir), failAt)), 10, false, Duration.ZERO, TTL).run();
      } else {
        assertThatThrownBy(() -> new Pruner(Repos.open(new FaultyObjectStore(new LocalObjectStore(dir), failAt)), 10, false,
            Duration.ZERO, TTL).run()).as(at).isInstanceOf(IOException.class);
      }

      Repository after = Repos.open(new LocalObjectStore(dir), later);
      Checker.Report check = new Checker(after, 2).run(1.0, n);
      assertThat(check.problems()).as(at).isEmpty();
      for (Map.Entry<Snapshot, Path> e : remaining.entrySet()) {
        Path out = tmp.resolve("out" + n + "-" + e.getKey().id().shortHex());
        Repos.restore(Repos.open(new LocalObjectStore(dir), later), e.getKey(), out);
        assertThat(TreeComparator.compare(e.getValue(), Repos.restored(out, e.getValue()))).as(at).isEmpty();
        delete(out);
      }
      Pruner.Report next = new Pruner(Repos.open(new LocalObjectStore(dir), later), 10, false, Duration.ZERO, TTL).run();
      assertThat(next.plansPending()).as(at).isZero();
      Checker.Report again = new Checker(Repos.open(new LocalObjectStore(dir), later), 2).run(1.0, n);
      assertThat(again.problems()).as(at).isEmpty();
      assertThat(again.notices()).as(at + ": no pack left unindexed").isEmpty();
      assertThat(again.snapshots()).as(at).isEqualTo(remaining.size());
      assertThat(keys(dir, GarbagePlan.PREFIX)).as(at).isEmpty();
      delete(dir);
    }
  }

  // ------------------------------------------------------------------ helpers

  /** A folder of {@code n} files whose content is drawn from {@code version(i)}: equal versions, equal bytes. */
  private Path source(String name, int n, IntUnaryOperator version) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("src").resolve(name));
    for (int i = 0; i < n; i++) {
      Random r = new Random(version.applyAsInt(i) * 1000L + i);
      byte[] b = new byte[12 * 1024 + r.nextInt(40 * 1024)];
      r.nextBytes(b);
      Files.write(dir.resolve(String.format("f%02d.bin", i)), b);
    }
    return dir;
  }

  private static Pruner.Report prune(Path repoDir, double maxUnused) throws IOException {
    return new Pruner(Repos.open(new LocalObjectStore(repoDir)), maxUnused, false, Duration.ZERO, TTL).run();
  }

  /** What 'cairn forget' does to one snapshot: its object goes. */
  private static void forget(Path repoDir, Snapshot s) throws IOException {
    Files.delete(repoDir.resolve("snapshots/" + s.id()));
  }

  private static Set<String> packs(Path repoDir) throws IOException {
    return new HashSet<>(keys(repoDir, "data/"));
  }

  private static List<String> keys(Path repoDir, String prefix) throws IOException {
    return new LocalObjectStore(repoDir).list(prefix).stream().map(ObjectInfo::key).sorted().toList();
  }

  /** Every object with its size. */
  private static Map<String, Long> listing(Path repoDir) throws IOException {
    Map<String, Long> m = new TreeMap<>();
    for (ObjectInfo o : new LocalObjectStore(repoDir).list("")) m.put(o.key(), o.size());
    return m;
  }

  private static Set<String> indexedPacks(MemIndex idx) {
    Set<String> out = new HashSet<>();
    idx.forEach(l -> out.add(Repository.packKey(l.pack())));
    return out;
  }

  private static boolean finalizedPlan(Repository r) throws IOException {
    return r.garbagePlans().stream().anyMatch(p -> p.waitFor() != null);
  }

  /** Per pack, the share of its blob bytes that no snapshot reaches, from the packs' own trailers. */
  private static Map<String, Double> unusedShare(Path repoDir) throws IOException {
    Repository r = Repos.open(new LocalObjectStore(repoDir));
    Set<BlobId> used = new HashSet<>();
    for (Snapshot s : r.snapshots()) reach(r, s.treeId(), used);
    Map<String, Double> out = new TreeMap<>();
    for (ObjectInfo o : r.store().list("data/")) {
      long total = 0, unused = 0;
      for (PackEntry e : PackFormat.readTrailer(o.key(), r.sealer(), r.store().get(o.key()))) {
        total += e.length();
        if (!used.contains(e.id())) unused += e.length();
      }
      out.put(o.key(), (double) unused / total);
    }
    return out;
  }

  private static void reach(Repository r, BlobId tree, Set<BlobId> used) throws IOException {
    if (!used.add(tree)) return;
    for (Node n : r.readTree(tree)) {
      if (n.type() == NodeType.DIR) reach(r, n.subtree(), used);
      else if (n.type() == NodeType.FILE) used.addAll(n.content());
    }
  }

  /** check --read-data finds no damage, and no pack is left unindexed. */
  private static void assertClean(Path repoDir) throws IOException {
    Checker.Report rep = new Checker(Repos.open(new LocalObjectStore(repoDir)), 2).run(1.0, 7);
    assertThat(rep.problems()).isEmpty();
    assertThat(rep.notices()).isEmpty();
    assertThat(rep.packsRead()).isEqualTo(rep.packs());
  }

  private void assertRestores(Path repoDir, Snapshot s, Path src) throws IOException {
    Path out = Files.createTempDirectory(tmp, "out");
    Repos.restore(Repos.open(new LocalObjectStore(repoDir)), s, out);
    assertThat(TreeComparator.compare(src, Repos.restored(out, src))).as("snapshot %s", s.id().shortHex()).isEmpty();
    delete(out);
  }

  private static Path copy(Path from, Path to) throws IOException {
    try (var w = Files.walk(from)) {
      for (Path p : w.toList()) {
        Path q = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(q);
        else Files.copy(p, q, StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    return to;
  }

  private static void delete(Path p) throws IOException {
    if (!Files.exists(p)) return;
    try (var w = Files.walk(p)) {
      for (Path q : w.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
    }
  }

  /** The system clock, moved on by the test. */
  private static final class ShiftedClock implements InstantSource {
    private volatile Duration shift = Duration.ZERO;

    @Override
    public Instant instant() {
      return Instant.now().plus(shift);
    }

    void shift(Duration d) {
      shift = shift.plus(d);
    }
  }
}
