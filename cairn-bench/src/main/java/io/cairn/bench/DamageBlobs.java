package io.cairn.bench;

import io.cairn.engine.index.MemIndex;
import io.cairn.engine.pack.BlobType;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.store.ObjectStore;
import io.cairn.engine.store.StoreProvider;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Damages a share of a repository's data blobs in place, for the fallback benchmark (bench/s3.sh): one
 * byte flipped in the middle of each chosen blob's stored bytes, so it fails authentication on read.
 * Usage: {@code DamageBlobs LOCATION FRACTION SEED} with the password in {@code CAIRN_PASSWORD}; prints
 * how many blobs in how many packs it damaged.
 */
public final class DamageBlobs {
  private DamageBlobs() {}

  public static void main(String[] args) throws Exception {
    String location = args[0];
    double fraction = Double.parseDouble(args[1]);
    Random random = new Random(Long.parseLong(args[2]));
    ObjectStore store = open(location);
    try (Repository repo = Repository.open(store, System.getenv("CAIRN_PASSWORD").toCharArray(), Clock.systemUTC())) {
      Map<String, List<MemIndex.Location>> byPack = new TreeMap<>();
      int[] total = {0};
      repo.index().forEach(loc -> {
        if (loc.entry().type() != BlobType.DATA) return;
        total[0]++;
        if (random.nextDouble() < fraction) byPack.computeIfAbsent(Repository.packKey(loc.pack()), k -> new ArrayList<>()).add(loc);
      });
      int n = 0;
      for (var e : byPack.entrySet()) {
        byte[] pack = store.get(e.getKey());
        for (MemIndex.Location loc : e.getValue()) {
          pack[loc.entry().offset() + loc.entry().length() / 2] ^= 1;
          n++;
        }
        store.put(e.getKey(), pack);
      }
      System.out.println("damaged " + n + " of " + total[0] + " data blobs in " + byPack.size() + " packs");
    }
  }

  private static ObjectStore open(String location) {
    int colon = location.indexOf(':');
    String scheme = colon > 0 ? location.substring(0, colon) : "";
    for (StoreProvider p : ServiceLoader.load(StoreProvider.class)) {
      if (p.schemes().contains(scheme)) return p.open(location, System.getenv(), false);
    }
    return new io.cairn.engine.store.LocalObjectStore(java.nio.file.Path.of(location));
  }
}
