package io.cairn.service;

import io.cairn.engine.BlobId;
import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.copy.Copier;
import io.cairn.engine.evidence.CopyRecord;
import io.cairn.engine.repo.RecordStore;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.GroupPoint;
import io.cairn.engine.snapshot.Snapshot;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Copies points from one repository to another (restic's {@code copy}, verified): the points asked
 * for that the destination has no verified copy of, only the blobs it lacks, read back before the
 * snapshots are written; then a copy record in the destination (passed or failed) and the catalog
 * brought up to date with the destination.
 *
 * <p>Push and pull are the same call: a push runs beside the source with the destination's
 * credentials, a pull on the isolated side with read-only access to the source. Nothing is written
 * to the source but, where it can be written, a lease.
 */
public final class CopyService {
  private final Workspace ws;
  private final SecureRandom random = new SecureRandom();

  public CopyService(Workspace ws) {
    this.ws = ws;
  }

  /**
   * @param snapshots snapshot ids, prefixes or {@code latest} in the source; with {@code asset} and
   *     {@code group} null and this empty, every point of the source
   * @param asset every point of this asset
   * @param group every group point of this group, copied whole (its members' snapshots with it)
   * @param host the host recorded in the copy record (null: this machine's)
   */
  public record Request(String source, String destination, List<String> snapshots, String asset, String group, boolean dryRun,
      String host) {
    public Request {
      snapshots = snapshots == null ? List.of() : List.copyOf(snapshots);
      int ways = (snapshots.isEmpty() ? 0 : 1) + (asset == null ? 0 : 1) + (group == null ? 0 : 1);
      if (ways > 1) throw new CairnException(ErrorCode.USAGE, "give snapshots, --asset or --group, not more than one of them");
      if (source == null || destination == null) throw new CairnException(ErrorCode.USAGE, "a copy needs a source and a destination");
    }
  }

  /** A point of the copy: its asset, time, snapshot in the source and in the destination (null in a dry run). */
  public record PointCopied(String asset, Instant time, String sourceSnapshot, String snapshot, boolean existed) {}

  /**
   * What the copy did: the points copied and those skipped (the destination had a verified copy),
   * the group points, the counts, the copy record's id and whether it passed (verified).
   */
  public record Outcome(String source, String destination, boolean dryRun, boolean sameIds, List<PointCopied> points,
      List<PointCopied> skipped, List<Copier.GroupCopied> groups, long blobsWritten, long bytesWritten, long bytesStored,
      long blobsVerified, long blobsPresent, String record, boolean verified, String error, long durationMillis) {}

  public Outcome run(Request req, Listener listener) throws IOException {
    Timer timer = new Timer(listener);
    if (ws.stores().canonical(req.source()).equals(ws.stores().canonical(req.destination()))) {
      throw new CairnException(ErrorCode.USAGE, "the source and the destination are the same repository: " + req.source());
    }
    try (Repository src = ws.open(req.source(), Workspace.Use.DECRYPT);
        Repository dst = ws.open(req.destination(), Workspace.Use.BOTH)) {
      timer.phase("open");
      if (src.config().id().equals(dst.config().id())) {
        throw new CairnException(ErrorCode.USAGE, req.source() + " and " + req.destination() + " are the same repository (id "
            + src.config().id() + ")");
      }
      Copier copier = new Copier(src, dst, ws.settings().workers());
      if (!copier.sameIds()) {
        listener.warning("the repositories do not share their id key, so every blob is read and identified again (slower);"
            + " a repository made with init --from-repo " + req.source() + " copies only what it lacks", null);
      }
      Set<String> done = verifiedCopies(dst, src.config().id());
      List<Snapshot> snaps = new ArrayList<>();
      List<RecordStore.Stored<GroupPoint>> groups = new ArrayList<>();
      select(req, src, snaps, groups);
      List<PointCopied> skipped = new ArrayList<>();
      List<Snapshot> todo = new ArrayList<>();
      for (Snapshot s : snaps) {
        if (done.contains(s.id().toString())) skipped.add(new PointCopied(s.asset(), s.time(), s.id().toString(), null, true));
        else todo.add(s);
      }
      List<RecordStore.Stored<GroupPoint>> groupTodo = new ArrayList<>();
      Set<String> doneGroups = verifiedGroups(dst, src.config().id());
      for (var g : groups) if (!doneGroups.contains(g.name())) groupTodo.add(g);
      timer.phase("select");
      if (req.dryRun()) {
        List<PointCopied> pts = new ArrayList<>();
        for (Snapshot s : todo) pts.add(new PointCopied(s.asset(), s.time(), s.id().toString(), null, false));
        for (var g : groupTodo) {
          for (GroupPoint.Member m : g.value().members()) {
            if (m.ok() && todo.stream().noneMatch(s -> s.id().toString().equals(m.snapshot()))) {
              pts.add(new PointCopied(m.asset(), g.value().time(), m.snapshot(), null, false));
            }
          }
        }
        return new Outcome(req.source(), req.destination(), true, copier.sameIds(), pts, skipped, List.of(), 0, 0, 0, 0, 0, null, false,
            null, timer.elapsedMillis());
      }
      if (todo.isEmpty() && groupTodo.isEmpty()) {
        return new Outcome(req.source(), req.destination(), false, copier.sameIds(), List.of(), skipped, List.of(), 0, 0, 0, 0, 0, null,
            true, null, timer.elapsedMillis());
      }
      Instant started = ws.clock().instant();
      listener.started("copy", Listener.Progress.of(copier.blobsWritten::get, () -> -1, copier.bytesWritten::get, () -> -1, () -> 0));
      Copier.Result result = null;
      RuntimeException failure = null;
      IOException ioFailure = null;
      try {
        result = copier.copy(todo, groupTodo);
      } catch (CairnException e) {
        failure = e;
      } catch (IOException e) {
        ioFailure = e;
      } finally {
        listener.finished("copy");
      }
      timer.phase("copy");
      String error = failure != null ? failure.getMessage() : ioFailure != null ? Failures.describe(ioFailure) : null;
      List<PointCopied> points = new ArrayList<>();
      List<CopyRecord.Point> recorded = new ArrayList<>();
      if (result != null) {
        for (Copier.Copied c : result.snapshots()) {
          points.add(new PointCopied(c.source().asset(), c.source().time(), c.source().id().toString(), c.copy().id().toString(),
              c.existed()));
          recorded.add(new CopyRecord.Point(c.source().asset(), c.source().time(), c.source().id().toString(), c.copy().id().toString()));
        }
      } else {
        for (Snapshot s : todo) recorded.add(new CopyRecord.Point(s.asset(), s.time(), s.id().toString(), null));
      }
      List<CopyRecord.GroupCopy> groupCopies = new ArrayList<>();
      if (result != null) {
        for (Copier.GroupCopied g : result.groups()) groupCopies.add(new CopyRecord.GroupCopy(g.point().group(), g.sourceManifest(), g.manifest()));
      } else {
        for (var g : groupTodo) groupCopies.add(new CopyRecord.GroupCopy(g.value().group(), g.name(), null));
      }
      byte[] rid = new byte[16];
      random.nextBytes(rid);
      String run = HexFormat.of().formatHex(rid);
      CopyRecord rec = new CopyRecord(CopyRecord.VERSION, run, req.host() == null ? Repository.hostname() : req.host(), started,
          ws.clock().instant(), src.config().id(), ws.stores().canonical(req.source()), copier.sameIds(), recorded, groupCopies,
          copier.blobsWritten.get(), copier.bytesWritten.get(), copier.bytesStored(), copier.blobsVerified.get(),
          copier.blobsPresent.get(), result != null ? CopyRecord.PASSED : CopyRecord.FAILED, error);
      String recordId = run;
      try {
        dst.records(CopyRecord.RECORDS).put(run, rec, true);
      } catch (IOException | RuntimeException e) {
        recordId = null;
        listener.warning("the copy record could not be written to " + req.destination() + " (" + Failures.describe(e) + ")", null);
      }
      ws.updateCatalog(dst, req.destination(), listener);
      if (failure != null) throw failure;
      if (ioFailure != null) throw ioFailure;
      if (recordId == null) {
        throw new CairnException(ErrorCode.IO, "the points were copied and verified, but the copy record could not be written to "
            + req.destination() + "; run the copy again to record it");
      }
      return new Outcome(req.source(), req.destination(), false, copier.sameIds(), points, skipped, result.groups(),
          copier.blobsWritten.get(), copier.bytesWritten.get(), copier.bytesStored(), copier.blobsVerified.get(),
          copier.blobsPresent.get(), recordId, true, null, timer.elapsedMillis());
    }
  }

  /** The points asked for, from the source: snapshots, an asset's, a group's group points (with their members), or all. */
  private static void select(Request req, Repository src, List<Snapshot> snaps, List<RecordStore.Stored<GroupPoint>> groups)
      throws IOException {
    Map<BlobId, Snapshot> picked = new LinkedHashMap<>();
    if (!req.snapshots().isEmpty()) {
      for (String ref : req.snapshots()) {
        Snapshot s = src.resolve(ref);
        picked.put(s.id(), s);
      }
    } else if (req.group() != null) {
      for (var g : src.records(GroupPoint.RECORDS).list(RecordStore.FAIL)) if (g.value().group().equals(req.group())) groups.add(g);
      if (groups.isEmpty()) {
        throw new CairnException(ErrorCode.NOT_FOUND, "no group point of group '" + req.group() + "' in " + req.source());
      }
      groups.sort(java.util.Comparator.comparing(g -> g.value().time()));
    } else {
      for (Snapshot s : src.snapshots()) if (req.asset() == null || req.asset().equals(s.asset())) picked.put(s.id(), s);
      if (req.asset() != null && picked.isEmpty()) {
        throw new CairnException(ErrorCode.NOT_FOUND, "no point of asset '" + req.asset() + "' in " + req.source());
      }
      if (req.asset() == null) {
        groups.addAll(src.records(GroupPoint.RECORDS).list(RecordStore.FAIL));
        groups.sort(java.util.Comparator.comparing(g -> g.value().time()));
      }
    }
    snaps.addAll(picked.values());
  }

  /** The source snapshots of {@code source} that a passed copy record in {@code dst} says were copied (and are still there). */
  static Set<String> verifiedCopies(Repository dst, String source) throws IOException {
    Set<String> present = new HashSet<>();
    for (Snapshot s : dst.snapshots()) present.add(s.id().toString());
    Set<String> out = new HashSet<>();
    for (var r : dst.records(CopyRecord.RECORDS).list(RecordStore.SKIP)) {
      CopyRecord c = r.value();
      if (!c.passed() || !source.equals(c.source())) continue;
      for (CopyRecord.Point p : c.points()) if (p.snapshot() != null && present.contains(p.snapshot())) out.add(p.sourceSnapshot());
    }
    return out;
  }

  private static Set<String> verifiedGroups(Repository dst, String source) throws IOException {
    Set<String> present = new HashSet<>();
    for (var g : dst.records(GroupPoint.RECORDS).list(RecordStore.SKIP)) present.add(g.name());
    Set<String> out = new HashSet<>();
    for (var r : dst.records(CopyRecord.RECORDS).list(RecordStore.SKIP)) {
      CopyRecord c = r.value();
      if (!c.passed() || !source.equals(c.source())) continue;
      for (CopyRecord.GroupCopy g : c.groupPoints()) if (g.manifest() != null && present.contains(g.manifest())) out.add(g.sourceManifest());
    }
    return out;
  }
}
