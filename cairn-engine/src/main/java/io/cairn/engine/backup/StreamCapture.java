package io.cairn.engine.backup;

import io.cairn.engine.BlobId;
import io.cairn.engine.Progress;
import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.chunk.ChunkReader;
import io.cairn.engine.chunk.FastCdc;
import io.cairn.engine.fs.PosixFs;
import io.cairn.engine.gc.Leases;
import io.cairn.engine.pack.BlobType;
import io.cairn.engine.repo.BlobWriter;
import io.cairn.engine.repo.Repository;
import io.cairn.engine.snapshot.Consistency;
import io.cairn.engine.snapshot.Snapshot;
import io.cairn.engine.tree.Node;
import io.cairn.engine.tree.NodeType;
import io.cairn.engine.tree.TreeCodec;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Captures named streams (standard input, a database dump, any command's output) as files of a new
 * snapshot, through the same path as files: content-defined chunks, keyed ids, dedup against the
 * index, compression, encryption, packs. Nothing is written to a temporary file, and memory is a few
 * chunk buffers whatever the stream's length.
 *
 * <p>Each stream becomes a regular file named by its name in the snapshot's root folder ({@code
 * /NAME}), with mode 0600 (a dump may hold secrets), the capturing user's ids and the capture's time.
 * The snapshot is written only after every stream reached its end and every blob is stored; a stream
 * that fails leaves no snapshot (its packs are reclaimed or reused later).
 */
public final class StreamCapture {
  /**
   * A stream and the name its content gets in the snapshot (no '/'). {@code ended} runs once the
   * stream reached its end, before anything is recorded: the producer's verdict (a command's exit
   * code); when it throws, no snapshot is written.
   */
  public record NamedStream(String name, ReadableByteChannel channel, Ended ended) {
    public NamedStream {
      if (name == null || name.isEmpty() || name.indexOf('/') >= 0 || name.equals(".") || name.equals("..")) {
        throw new CairnException(ErrorCode.USAGE, "a stream's file name must be one name without '/', got '" + name + "'");
      }
      if (ended == null) ended = () -> {};
    }

    public NamedStream(String name, ReadableByteChannel channel) {
      this(name, channel, null);
    }
  }

  /** What a stream's producer says once the stream ended: returns when it succeeded, throws when not. */
  @FunctionalInterface
  public interface Ended {
    void check() throws IOException;
  }

  private final Repository repo;
  private final Progress progress;
  private final List<String> tags;
  private final String host;
  private Finisher finisher = Finisher.NONE;

  public StreamCapture(Repository repo, List<String> tags, String host, Progress progress) {
    this.repo = repo;
    this.tags = List.copyOf(tags);
    this.host = host != null ? host : Repository.hostname();
    this.progress = progress == null ? new Progress() : progress;
  }

  /** Completes the snapshot before it is saved (see {@link Finisher}); returns this. */
  public StreamCapture finishWith(Finisher f) {
    this.finisher = f;
    return this;
  }

  /** Reads every stream to its end, in order, and writes the snapshot that holds them. */
  public Backup.Result run(List<NamedStream> streams) throws IOException {
    return run(streams, Map.of("type", "stream"));
  }

  /** Like {@link #run(List)}, recording {@code source} (facts about the producer, no secrets) in the snapshot. */
  public Backup.Result run(List<NamedStream> streams, Map<String, String> source) throws IOException {
    if (streams.isEmpty()) throw new CairnException(ErrorCode.USAGE, "no stream to capture");
    long started = System.nanoTime();
    Instant time = repo.clock().instant();
    List<String> paths = streams.stream().map(s -> "/" + s.name()).sorted().distinct().toList();
    if (paths.size() != streams.size()) throw new CairnException(ErrorCode.USAGE, "two streams have the same name");
    try (Leases.Held lease = new Leases(repo).acquireShared(Leases.DEFAULT_TTL)) {
      List<Node> files = new ArrayList<>();
      long bytes = 0;
      BlobId root;
      try (BlobWriter writer = new BlobWriter(repo)) {
        for (NamedStream s : streams) {
          Node n = capture(writer, s, time);
          s.ended().check(); // a producer that failed leaves no snapshot (what it stored is reclaimed or reused later)
          files.add(n);
          bytes += n.size();
        }
        files.sort(Comparator.comparing(Node::name));
        byte[] tree = TreeCodec.encode(files);
        root = repo.sealer().masterKey().id(tree, 0, tree.length);
        writer.store(BlobType.TREE, root, tree, 0, tree.length);
        writer.flush();
        lease.ensureValid(); // a lapsed lease means a prune may have removed what this capture reused
        // the parent is only recorded, so it is looked up after the streams: reading every snapshot
        // first would delay the first byte read (and the producer) by a time that grows with the repository
        Snapshot parent = null;
        for (Snapshot s : repo.snapshots()) if (s.host().equals(host) && s.paths().equals(paths)) parent = s;
        Snapshot.Stats stats = new Snapshot.Stats(files.size(), 1, 0, files.size(), 0, 0, bytes, bytes, writer.blobsAdded.get(),
            writer.bytesAdded.get(), writer.bytesStored.get(), (System.nanoTime() - started) / 1_000_000);
        Snapshot snap = Snapshot.builder().time(time).host(host).username(System.getProperty("user.name")).paths(paths).tags(tags)
            .parent(parent == null ? null : parent.id().toString()).tree(root).consistency(Consistency.CRASH)
            .source(source).stats(stats).program("cairn " + Backup.version()).build();
        snap = finisher.finish(snap);
        lease.ensureValid();
        BlobId id = repo.saveSnapshot(snap);
        return new Backup.Result(snap.withId(id));
      }
    }
  }

  private Node capture(BlobWriter writer, NamedStream s, Instant time) throws IOException {
    FastCdc cdc = repo.chunker();
    List<BlobId> content = new ArrayList<>();
    Pool pool = new Pool(ChunkReader.pooledSize(cdc.params()), cdc.params().max());
    long total;
    try {
      // the head is a chunk of its own: a dump's header (pg_dump -Fc: the dump's time, byte 18)
      // differs every time, and content-defined chunking alone would make it the start of a chunk
      // of up to the maximum size, stored again by every capture of an unchanged database
      byte[] head = new byte[HEAD];
      int h = readFully(s.channel(), head);
      progress.bytesRead.addAndGet(h);
      if (h > 0) {
        BlobId id = repo.sealer().masterKey().id(head, 0, h);
        writer.store(BlobType.DATA, id, head, 0, h);
        content.add(id);
        progress.bytesDone.addAndGet(h);
      }
      total = h == HEAD ? h + ChunkReader.read(cdc, pool, s.channel(), new ChunkReader.Sink() {
        @Override
        public void chunk(byte[] data, int len) throws InterruptedException {
          try {
            BlobId id;
            if (data == null) {
              id = repo.sealer().masterKey().idOfZeros(len);
              if (!writer.known(id)) writer.storeZeros(id, len);
            } else {
              id = repo.sealer().masterKey().id(data, 0, len);
              writer.store(BlobType.DATA, id, data, 0, len);
              pool.give(data);
            }
            content.add(id);
            progress.bytesDone.addAndGet(len);
          } catch (IOException e) {
            throw new StoreFailed(e);
          }
        }

        @Override
        public void read(int n) {
          progress.bytesRead.addAndGet(n);
        }
      }) : h;
    } catch (StoreFailed e) {
      throw e.io;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("capture of " + s.name() + " interrupted");
    }
    progress.itemsDone.incrementAndGet();
    long nanos = time.getEpochSecond() * 1_000_000_000L + time.getNano();
    String name = new String(s.name().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    return new Node(name, NodeType.FILE, 0600, uid(), gid(), System.getProperty("user.name"), null, nanos, nanos, 0, 0, 1,
        total, content, null, null, 0, null);
  }

  /** The size of a stream's first chunk, cut whatever its content (see {@link #capture}). */
  static final int HEAD = 64 * 1024;

  private static int readFully(java.nio.channels.ReadableByteChannel ch, byte[] b) throws IOException {
    java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b);
    while (bb.hasRemaining()) {
      if (ch.read(bb) < 0) break;
    }
    return bb.position();
  }

  private static int uid() {
    return PosixFs.processId("uid");
  }

  private static int gid() {
    return PosixFs.processId("gid");
  }

  /** A repository failure inside the chunk sink, carried out of it. */
  private static final class StoreFailed extends RuntimeException {
    final IOException io;

    StoreFailed(IOException io) {
      super(io);
      this.io = io;
    }
  }

  /** Chunk buffers: the reader holds one or two at a time, and each chunk is stored before the next is read. */
  private static final class Pool implements ChunkReader.Buffers {
    private final int size;
    private final int large;
    private final ArrayDeque<byte[]> free = new ArrayDeque<>();

    Pool(int size, int large) {
      this.size = size;
      this.large = large;
    }

    @Override
    public byte[] take() {
      byte[] b = free.poll();
      return b != null ? b : new byte[size];
    }

    @Override
    public byte[] takeLarge() {
      return new byte[Math.max(size, large)];
    }

    @Override
    public void give(byte[] b) {
      if (b.length == size && free.size() < 4) free.push(b);
    }
  }
}
