package io.cairn.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.engine.MissingObjectException;
import io.cairn.engine.store.ObjectInfo;
import io.cairn.engine.store.ObjectStore;
import io.cairn.engine.store.PendingObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link ObjectStore} contract: extend it with {@link #newStore()} for each implementation (the
 * local folder, memory, S3 against a real server) and every test runs against it.
 */
public abstract class ObjectStoreContract {
  private ObjectStore store;

  /** A new, empty store; closed after each test. */
  protected abstract ObjectStore newStore() throws Exception;

  protected final ObjectStore store() throws Exception {
    if (store == null) store = newStore();
    return store;
  }

  @AfterEach
  void closeStore() throws Exception {
    if (store != null) store.close();
    store = null;
  }

  @Test
  void put_thenGet_returnsTheBytes_andRangedGetReturnsTheRange() throws Exception {
    ObjectStore s = store();
    s.put("data/ab/x", "hello world".getBytes());
    assertThat(s.get("data/ab/x")).isEqualTo("hello world".getBytes());
    assertThat(s.get("data/ab/x", 6, 5)).isEqualTo("world".getBytes());
    assertThat(s.get("data/ab/x", 6, 100)).isEqualTo("world".getBytes());
    byte[] dst = new byte[8];
    assertThat(s.read("data/ab/x", 0, dst, 2, 5)).isEqualTo(5);
    assertThat(new String(dst, 2, 5)).isEqualTo("hello");
    assertThat(s.stat("data/ab/x")).get().satisfies(i -> {
      assertThat(i.key()).isEqualTo("data/ab/x");
      assertThat(i.size()).isEqualTo(11);
    });
  }

  @Test
  void putIfAbsent_leavesAnExistingObjectAlone() throws Exception {
    ObjectStore s = store();
    assertThat(s.put("k", "a".getBytes(), 0, 1, true)).isTrue();
    assertThat(s.put("k", "b".getBytes(), 0, 1, true)).isFalse();
    assertThat(s.get("k")).isEqualTo("a".getBytes());
  }

  @Test
  void list_namesObjectsUnderAPrefix_andDeleteRemoves() throws Exception {
    ObjectStore s = store();
    s.put("snapshots/1", new byte[1]);
    s.put("snapshots/2", new byte[2]);
    s.put("index/1", new byte[3]);
    assertThat(s.list("snapshots/")).extracting(ObjectInfo::key).containsExactlyInAnyOrder("snapshots/1", "snapshots/2");
    s.delete("snapshots/1");
    s.delete("snapshots/absent");
    assertThat(s.list("snapshots/")).extracting(ObjectInfo::key).containsExactly("snapshots/2");
    assertThat(s.stat("snapshots/1")).isEmpty();
  }

  @Test
  void listPage_walksEveryObjectInKeyOrder_aPageAtATime() throws Exception {
    ObjectStore s = store();
    List<String> keys = new java.util.ArrayList<>();
    for (String dir : List.of("00", "0a", "3f", "ff")) {
      for (int i = 0; i < 5; i++) keys.add("data/" + dir + "/" + dir + "0" + i + "c");
    }
    for (String k : keys) s.put(k, new byte[] {1});
    s.put("index/zz", new byte[1]);
    s.put("data-old", new byte[1]); // a neighbour that begins like the prefix
    List<String> paged = new java.util.ArrayList<>();
    String after = null;
    int pages = 0;
    do {
      ObjectStore.Page p = s.listPage("data/", after, 6);
      assertThat(p.objects()).hasSizeLessThanOrEqualTo(6);
      p.objects().forEach(o -> paged.add(o.key()));
      after = p.next();
      pages++;
    } while (after != null && pages < 100);
    assertThat(paged).containsExactlyElementsOf(keys.stream().sorted().toList());
    assertThat(pages).isBetween(4, 5); // 20 objects, 6 a page (a last, empty page is allowed)
    List<String> visited = new java.util.ArrayList<>();
    s.forEach("data/", o -> visited.add(o.key()));
    assertThat(visited).isEqualTo(paged);
    assertThat(s.listPage("data/", "data/ff/ff04c", 6).objects()).isEmpty();
    assertThat(s.listPage("data/", "data/3f/3f04c", 6).objects()).extracting(ObjectInfo::key).first().isEqualTo("data/ff/ff00c");
  }

  @Test
  void get_ofAMissingObject_throwsMissingObject() throws Exception {
    ObjectStore s = store();
    assertThatThrownBy(() -> s.get("data/00/none")).isInstanceOf(MissingObjectException.class).hasMessageContaining("data/00/none");
  }

  @Test
  void pendingObject_isInvisibleUntilCommitted_andGoneWhenClosedWithout() throws Exception {
    ObjectStore s = store();
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

  @Test
  void sweepTemp_removesOnlyLeftoversOlderThanAsked() throws Exception {
    ObjectStore s = store();
    s.put("data/ab/kept", "x".getBytes());
    try (PendingObject p = s.create()) {
      p.write(0, "abc".getBytes(), 0, 3);
      // an unfinished write, started now, is not swept by a sweep of older leftovers
      assertThat(s.sweepTemp(Instant.now().minusSeconds(3600))).isZero();
    }
    assertThat(s.get("data/ab/kept")).isEqualTo("x".getBytes());
  }

  @Test
  void deleteAll_removesEveryNamedObject_andToleratesAbsentOnes() throws Exception {
    ObjectStore s = store();
    List<String> keys = new java.util.ArrayList<>();
    for (int i = 0; i < 25; i++) {
      s.put("data/" + i, new byte[] {(byte) i});
      keys.add("data/" + i);
    }
    s.put("index/keep", new byte[1]);
    keys.add("data/absent");
    s.deleteAll(keys.subList(0, 20));
    s.deleteAll(List.of("data/absent"));
    assertThat(s.list("data/")).extracting(ObjectInfo::key).containsExactlyInAnyOrder("data/20", "data/21", "data/22", "data/23", "data/24");
    assertThat(s.stat("index/keep")).isPresent();
  }
}
