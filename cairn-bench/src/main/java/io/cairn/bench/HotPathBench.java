package io.cairn.bench;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import io.cairn.engine.BlobId;
import io.cairn.engine.chunk.ChunkerParams;
import io.cairn.engine.chunk.FastCdc;
import io.cairn.engine.crypto.MasterKey;
import io.cairn.engine.crypto.Sealer;
import io.cairn.engine.index.MemIndex;
import io.cairn.engine.pack.BlobType;
import io.cairn.engine.pack.Compression;
import io.cairn.engine.pack.PackEntry;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The backup hot path, one stage at a time, on 1 MiB of input (the average chunk): chunking,
 * hashing (HMAC-SHA-256), zstd levels 2 (the default) and 3 on text-like, binary-record and
 * random data, AES-256-GCM sealing,
 * and index lookups. Throughput is reported per invocation of 1 MiB (ops/s = MiB/s).
 *
 * <pre>./mvnw -q -pl cairn-bench -am package -DskipTests && java -jar cairn-bench/target/benchmarks.jar</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/sun.nio.fs=ALL-UNNAMED"})
public class HotPathBench {
  static final int MIB = 1 << 20;
  byte[] random = new byte[MIB];
  byte[] text = new byte[MIB];
  /** Binary records (a timestamp, small counters, a short name), like a database or log file. */
  byte[] records = new byte[MIB];
  byte[] scratch = new byte[(int) Zstd.compressBound(MIB) + 64];
  FastCdc cdc;
  MasterKey key;
  Sealer sealer;
  byte[] packKey;
  ZstdCompressCtx zstd;
  ZstdCompressCtx zstd2;
  MemIndex index;
  BlobId[] probes;
  int probe;
  long nonce = 40;

  @Setup
  public void setup() {
    new Random(1).nextBytes(random);
    byte[] words = "cairn backup restore chunk pack index tree snapshot proof ".getBytes();
    Random r = new Random(2);
    for (int i = 0; i < MIB; i++) text[i] = (i % 7 == 0) ? (byte) ('a' + r.nextInt(26)) : words[i % words.length];
    for (int i = 0, rec = 0; i + 24 <= MIB; i += 24, rec++) {
      long t = 1_700_000_000L + rec * 7L + r.nextInt(7);
      for (int b = 0; b < 8; b++) records[i + b] = (byte) (t >>> (8 * b));
      records[i + 8] = (byte) r.nextInt(8);
      records[i + 10] = (byte) r.nextInt(4);
      byte[] name = ("item" + (1000 + r.nextInt(9000))).getBytes();
      System.arraycopy(name, 0, records, i + 12, name.length);
      for (int b = 0; b < 4; b++) records[i + 20 + b] = (byte) (rec >>> (8 * b));
    }
    key = MasterKey.generate(new SecureRandom());
    cdc = new FastCdc(ChunkerParams.DEFAULT, key.chunkerSeed());
    sealer = new Sealer(key, new SecureRandom());
    packKey = sealer.packKey(sealer.newPackSalt());
    // as Cairn does at start (Sealer.warmUp): C2 applies the AES-GCM intrinsics only after tens of
    // thousands of calls, which 1 MiB invocations never reach within a JMH warm-up
    byte[] small = new byte[1024 + 16];
    for (int i = 0; i < 40_000; i++) sealer.sealBlob(packKey, nonce++, null, small, 0, 1024, small, 0);
    zstd = new ZstdCompressCtx();
    zstd.setLevel(3);
    zstd2 = new ZstdCompressCtx();
    zstd2.setLevel(2); // the default level (RepoConfig.DEFAULT_COMPRESSION_LEVEL)
    index = new MemIndex();
    List<PackEntry> es = new ArrayList<>();
    probes = new BlobId[4096];
    for (int i = 0; i < 1_000_000; i++) {
      BlobId id = new BlobId(r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong());
      es.add(new PackEntry(id, BlobType.DATA, Compression.ZSTD, 40 + i, 1000, 2000));
      if (i < probes.length) probes[i] = id;
    }
    index.load(new BlobId(1, 2, 3, 4), es);
    index.seal();
  }

  /** Finds the chunk boundaries in 1 MiB of random data with the default sizes (cut-point skipping included). */
  @Benchmark
  public int chunk() {
    FastCdc small = cdc;
    int off = 0, n = 0;
    byte[] big = random;
    while (off < big.length) {
      int c = small.cut(big, off, big.length - off);
      off += c;
      n++;
    }
    return n;
  }

  @Benchmark
  public BlobId hmacSha256() {
    return key.id(random, 0, MIB);
  }

  @Benchmark
  public int zstd3Text() {
    return zstd.compressByteArray(scratch, 0, scratch.length, text, 0, MIB);
  }

  @Benchmark
  public int zstd3Records() {
    return zstd.compressByteArray(scratch, 0, scratch.length, records, 0, MIB);
  }

  @Benchmark
  public int zstd2Text() {
    return zstd2.compressByteArray(scratch, 0, scratch.length, text, 0, MIB);
  }

  @Benchmark
  public int zstd2Records() {
    return zstd2.compressByteArray(scratch, 0, scratch.length, records, 0, MIB);
  }

  @Benchmark
  public int zstd3Random() {
    return zstd.compressByteArray(scratch, 0, scratch.length, random, 0, MIB);
  }

  @Benchmark
  public int aesGcmSeal() {
    return sealer.sealBlob(packKey, nonce++, null, random, 0, MIB, scratch, 0); // a fresh nonce per call, as in a pack
  }

  /** One index lookup per invocation (ops/s = lookups/s) in a 1,000,000-blob sorted run. */
  @Benchmark
  public Object indexLookup() {
    return index.lookup(probes[probe++ & (probes.length - 1)]);
  }
}
