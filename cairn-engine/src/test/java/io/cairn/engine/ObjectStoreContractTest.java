package io.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.engine.store.LocalObjectStore;
import io.cairn.engine.store.MemoryObjectStore;
import io.cairn.engine.store.ObjectInfo;
import io.cairn.engine.store.ObjectStore;
import io.cairn.engine.store.PendingObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The ObjectStore contract, run against every implementation. */
class ObjectStoreContractTest {
  @TempDir static Path tmp;
  static int n;

  static Stream<ObjectStore> stores() throws Exception {
    return Stream.of(new MemoryObjectStore(), new LocalObjectStore(Files.createDirectories(tmp.resolve("s" + n++))));
  }

  @ParameterizedTest
  @MethodSource("stores")
  void put_thenGet_returnsTheBytes_andRangedGetReturnsTheRange(ObjectStore s) throws Exception {
    s.put("data/ab/x", "hello world".getBytes());
    assertThat(s.get("data/ab/x")).isEqualTo("hello world".getBytes());
    assertThat(s.get("data/ab/x", 6, 5)).isEqualTo("world".getBytes());
    assertThat(s.get("data/ab/x", 6, 100)).isEqualTo("world".getBytes());
    byte[] dst = new byte[8];
    assertThat(s.read("data/ab/x", 0, dst, 2, 5)).isEqualTo(5);
    assertThat(new String(dst, 2, 5)).isEqualTo("hello");
    assertThat(s.stat("data/ab/x")).hasValue(new ObjectInfo("data/ab/x", 11));
  }

  @ParameterizedTest
  @MethodSource("stores")
  void putIfAbsent_leavesAnExistingObjectAlone(ObjectStore s) throws Exception {
    assertThat(s.put("k", "a".getBytes(), 0, 1, true)).isTrue();
    assertThat(s.put("k", "b".getBytes(), 0, 1, true)).isFalse();
    assertThat(s.get("k")).isEqualTo("a".getBytes());
  }

  @ParameterizedTest
  @MethodSource("stores")
  void list_namesObjectsUnderAPrefix_andDeleteRemoves(ObjectStore s) throws Exception {
    s.put("snapshots/1", new byte[1]);
    s.put("snapshots/2", new byte[2]);
    s.put("index/1", new byte[3]);
    assertThat(s.list("snapshots/")).extracting(ObjectInfo::key).containsExactlyInAnyOrder("snapshots/1", "snapshots/2");
    s.delete("snapshots/1");
    s.delete("snapshots/absent");
    assertThat(s.list("snapshots/")).extracting(ObjectInfo::key).containsExactly("snapshots/2");
    assertThat(s.stat("snapshots/1")).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("stores")
  void get_ofAMissingObject_throwsMissingObject(ObjectStore s) {
    assertThatThrownBy(() -> s.get("data/00/none")).isInstanceOf(MissingObjectException.class).hasMessageContaining("data/00/none");
  }

  @ParameterizedTest
  @MethodSource("stores")
  void pendingObject_isInvisibleUntilCommitted_andGoneWhenClosedWithout(ObjectStore s) throws Exception {
    try (PendingObject p = s.create()) {
      p.write(0, "abc".getBytes(), 0, 3);
      p.write(3, "def".getBytes(), 0, 3);
      assertThat(s.list("data/")).isEmpty();
      assertThat(p.commit("data/cd/obj", 6)).isTrue();
    }
    assertThat(s.get("data/cd/obj")).isEqualTo("abcdef".getBytes());
    try (PendingObject p = s.create()) {
      p.write(0, "zzz".getBytes(), 0, 3);
    }
    assertThat(s.list("data/")).hasSize(1);
    assertThat(s.list("")).extracting(ObjectInfo::key).doesNotContain("tmp");
  }
}
