package io.cairn.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.capture.Capturer;
import io.cairn.engine.BlobId;
import io.cairn.engine.Progress;
import io.cairn.engine.chunk.ChunkerParams;
import io.cairn.engine.crypto.KeyFile;
import io.cairn.engine.repo.RecordStore;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.GroupPoint;
import io.cairn.engine.snapshot.Pin;
import io.cairn.engine.store.LocalObjectStore;
import io.cairn.policy.Policy;
import io.cairn.policy.ProtectionClass;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A group's retention: points as units, incomplete ones bounded, pins of members honoured. */
class RetireTest {
  @TempDir Path dir;

  @Test
  void group_incompletePointsBeyondTheNewestThree_goUnlessAMemberIsPinned() throws Exception {
    Path repoDir = dir.resolve("repo");
    Repository.init(new LocalObjectStore(repoDir), "pw".toCharArray(), new ChunkerParams(4096, 16384, 65536), 1 << 20, 3,
        KeyFile.KdfParams.TESTING, Clock.systemUTC()).close();
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.writeString(data.resolve("a"), "a");
    Policy p = Policy.read(new StringReader("""
        assets:
          files: { source: { type: files, paths: [%s] } }
          broken: { source: { type: command, command: "exit 1", filename: x } }
        groups:
          g: { members: [files, broken] }
        """.formatted(data)), "cairn.yaml");
    Capturer c = new Capturer(p, a -> Repository.open(new LocalObjectStore(repoDir), "pw".toCharArray(), Clock.systemUTC()), Clock.systemUTC(),
        Map.of(), "h", 2);
    for (int i = 0; i < 5; i++) c.group("g", List.of(), new Progress(), Capturer.Events.NONE);
    try (Repository repo = Repository.open(new LocalObjectStore(repoDir), "pw".toCharArray(), Clock.systemUTC())) {
      List<GroupPoint> points = repo.records(GroupPoint.RECORDS).list(RecordStore.FAIL).stream().map(RecordStore.Stored::value)
          .sorted(java.util.Comparator.comparing(GroupPoint::time)).toList();
      assertThat(points).hasSize(5).noneMatch(GroupPoint::complete);
      String oldestMember = points.get(0).members().get(0).snapshot();
      repo.savePin(new Pin(Pin.VERSION, oldestMember, null, Instant.now(), "keep the oldest"));
      ProtectionClass.Retention keepLast = new ProtectionClass.Retention(1, 0, 0, 0, 0, 0, null);
      Retire.Result r = Retire.group(repo, "g", keepLast, ZoneOffset.UTC, Clock.systemUTC(), false);
      assertThat(r.kept()).as("the three newest and the pinned oldest").isEqualTo(4);
      List<GroupPoint> left = repo.records(GroupPoint.RECORDS).list(RecordStore.FAIL).stream().map(RecordStore.Stored::value).toList();
      assertThat(left).hasSize(4).anyMatch(g -> g.run().equals(points.get(0).run())).noneMatch(g -> g.run().equals(points.get(1).run()));
      assertThat(repo.snapshots()).hasSize(4).noneMatch(s -> s.id().equals(BlobId.fromHex(points.get(1).members().get(0).snapshot())));
    }
  }
}
