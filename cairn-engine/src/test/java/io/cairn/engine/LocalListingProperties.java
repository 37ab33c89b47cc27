package io.cairn.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.engine.store.LocalObjectStore;
import io.cairn.engine.store.ObjectInfo;
import io.cairn.engine.store.ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.constraints.Chars;

class LocalListingProperties {
  /** Paging a folder's listing yields exactly the whole listing, in key order, whatever the keys and the page size. */
  @Property(tries = 60)
  void pages_concatenate_toTheSortedListing(
      @ForAll @Size(max = 40) Set<@StringLength(min = 1, max = 3) @Chars({'0', '1', 'a', '-', '/'}) String> names,
      @ForAll @IntRange(min = 1, max = 7) int pageSize) throws Exception {
    Path root = Files.createTempDirectory("cairn-listing-");
    try (ObjectStore s = new LocalObjectStore(root)) {
      List<String> written = new ArrayList<>();
      for (String n : names) {
        String key = "data/" + n;
        if (key.endsWith("/") || key.contains("//")) continue;
        try {
          s.put(key, new byte[] {7});
          written.add(key);
        } catch (java.io.IOException | RuntimeException clash) {
          // a key that is also a folder of another key: not a valid pair of keys
        }
      }
      List<String> all = s.list("data/").stream().map(ObjectInfo::key).sorted().toList();
      List<String> paged = new ArrayList<>();
      String after = null;
      int guard = 0;
      do {
        ObjectStore.Page p = s.listPage("data/", after, pageSize);
        assertThat(p.objects().size()).isLessThanOrEqualTo(pageSize);
        p.objects().forEach(o -> paged.add(o.key()));
        after = p.next();
      } while (after != null && ++guard < 1000);
      assertThat(paged).isEqualTo(all);
    } finally {
      try (var w = Files.walk(root)) {
        w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
