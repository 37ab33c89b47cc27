package io.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PoolTest {
  @Test
  void givenBack_isTakenAgain_lastInFirstOut() {
    Pool<int[]> p = new Pool<>(() -> new int[1], 4);
    int[] a = p.take();
    int[] b = p.take();
    p.give(a);
    p.give(b);
    assertThat(p.take()).isSameAs(b);
    assertThat(p.take()).isSameAs(a);
  }

  @Test
  void moreGivenBackThanItKeeps_areDisposed_andCloseDisposesTheRest() {
    AtomicInteger disposed = new AtomicInteger();
    Pool<Object> p = new Pool<>(Object::new, o -> disposed.incrementAndGet(), 2);
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < 5; i++) out.add(p.take());
    out.forEach(p::give);
    assertThat(disposed).hasValue(3);
    p.close();
    assertThat(disposed).hasValue(5);
    p.give(new Object()); // given back after close: not kept
    assertThat(disposed).hasValue(6);
  }
}
