package io.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.engine.store.MemoryObjectStore;
import io.cairn.engine.store.ObjectStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectStorePagingTest {
  @Test
  void forEach_overAStoreThatIgnoresWhereAPageStarts_failsInsteadOfLoopingForEver() throws IOException {
    MemoryObjectStore inner = new MemoryObjectStore();
    // a store whose listPage always answers the first page; forEach is the interface's own
    ObjectStore s = (ObjectStore) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ObjectStore.class},
        (proxy, m, args) -> {
          if (m.getName().equals("listPage")) return inner.listPage((String) args[0], null, 1);
          if (m.getName().equals("forEach")) return java.lang.reflect.InvocationHandler.invokeDefault(proxy, m, args);
          try {
            return m.invoke(inner, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
    s.put("data/a", new byte[1]);
    s.put("data/b", new byte[1]);
    List<String> seen = new ArrayList<>();
    assertThatThrownBy(() -> s.forEach("data/", o -> seen.add(o.key()))).isInstanceOf(IOException.class)
        .hasMessageContaining("does not advance past data/a");
    assertThat(seen).containsExactly("data/a", "data/a");
  }

  @Test
  void forEach_visitsEveryObjectOnceInKeyOrder() throws IOException {
    ObjectStore s = new MemoryObjectStore();
    for (int i = 2_499; i >= 0; i--) s.put("data/" + String.format("%05d", i), new byte[1]);
    List<String> seen = new ArrayList<>();
    s.forEach("data/", o -> seen.add(o.key()));
    assertThat(seen).hasSize(2_500).isSorted().doesNotHaveDuplicates();
  }
}
