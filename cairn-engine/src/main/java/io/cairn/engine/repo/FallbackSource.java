package io.cairn.engine.repo;

import io.cairn.engine.BlobId;
import io.cairn.engine.CairnException;
import io.cairn.engine.CorruptObjectException;
import io.cairn.engine.MissingObjectException;
import io.cairn.engine.evidence.Fallback;
import io.cairn.engine.evidence.Served;
import io.cairn.engine.index.MemIndex;
import io.cairn.engine.tree.Node;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link BlobSource} that reads from one repository and, blob by blob, from other copies of the
 * same points when a blob is missing there or fails verification: a restore then survives a damaged
 * copy, and only a blob that no copy has intact damages a file. The other copies are opened only
 * when the first one fails them (so a healthy restore costs nothing more), and used only when they
 * share the first one's blob ids ({@code init --from-repo}); one that does not, or cannot be opened,
 * is skipped with a note. It counts what each copy served and lists every fallback, for the evidence.
 *
 * <p>Every blob is verified by the repository it is read from, so bytes handed on are always the
 * blob's. A blob's stored bytes are authenticated before its first piece is handed on, so a damaged
 * copy hands on nothing; a piece handed on before a (never seen) id mismatch is written again at the
 * same position from the next copy.
 */
public final class FallbackSource implements BlobSource, Closeable {
  /** Another copy, opened on first need. */
  public record Candidate(String name, Opener opener) {}

  /** Opens a repository. */
  @FunctionalInterface
  public interface Opener {
    Repository open() throws IOException;
  }


  private final String firstName;
  private final List<Source> sources = new CopyOnWriteArrayList<>();
  private java.util.function.Supplier<List<Candidate>> candidates;
  private final List<Fallback> fallbacks = new CopyOnWriteArrayList<>();
  private final List<String> notes = new CopyOnWriteArrayList<>();
  /** Blobs found in another copy than the first, by the copy that has them. */
  private final Map<BlobId, Source> elsewhere = new ConcurrentHashMap<>();

  private static final class Source {
    final String name;
    final Repository repo;
    final boolean owned;
    final AtomicLong blobs = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();

    Source(String name, Repository repo, boolean owned) {
      this.name = name;
      this.repo = repo;
      this.owned = owned;
    }
  }

  /**
   * @param first the repository read first (not closed by this source)
   * @param others the other copies, in the order they are tried; each opened at most once, closed by {@link #close}
   */
  public FallbackSource(Repository first, String firstName, List<Candidate> others) {
    this(first, firstName, () -> others);
  }

  /** Like {@link #FallbackSource(Repository, String, List)}, the copies found only on the first failure (a catalog query). */
  public FallbackSource(Repository first, String firstName, java.util.function.Supplier<List<Candidate>> others) {
    this.firstName = firstName;
    sources.add(new Source(firstName, first, false));
    candidates = others;
  }

  private Repository first() {
    return sources.get(0).repo;
  }

  /** Opens every copy not opened yet (once): called on the first failure. */
  private synchronized void openOthers() {
    if (candidates == null) return;
    List<Candidate> waiting;
    try {
      waiting = candidates.get();
    } catch (RuntimeException e) {
      notes.add("the other copies could not be listed: " + e.getMessage());
      waiting = List.of();
    }
    candidates = null;
    for (Candidate c : waiting) {
      try {
        Repository r = c.opener().open();
        if (r.config().id().equals(first().config().id())) {
          r.close();
          continue;
        }
        if (!r.sharesIdsWith(first())) {
          notes.add("copy " + c.name() + " was not used: it does not share blob ids with " + firstName
              + " (only a repository made with init --from-repo can serve blobs by id)");
          r.close();
          continue;
        }
        sources.add(new Source(c.name(), r, true));
      } catch (IOException | RuntimeException e) {
        notes.add("copy " + c.name() + " could not be opened: " + e.getMessage());
      }
    }
  }

  @Override
  public Closeable holdForReading() {
    return first().holdForReading();
  }

  @Override
  public void prepare() throws IOException {
    first().prepare();
  }

  @Override
  public MemIndex.Location find(BlobId id) throws IOException {
    MemIndex.Location loc = first().find(id);
    if (loc != null) return loc;
    openOthers();
    for (int i = 1; i < sources.size(); i++) {
      Source s = sources.get(i);
      MemIndex.Location l = s.repo.find(id);
      if (l != null) {
        elsewhere.put(id, s);
        fallbacks.add(new Fallback(id.toString(), firstName, "not in its index", s.name));
        return l;
      }
    }
    return null;
  }

  @Override
  public void readBlobStreaming(MemIndex.Location loc, PlainSink sink) throws IOException {
    BlobId id = loc.entry().id();
    Source s = elsewhere.getOrDefault(id, sources.get(0));
    long[] n = {0};
    try {
      s.repo.readBlobStreaming(loc, (pos, b, off, len) -> {
        sink.accept(pos, b, off, len);
        n[0] += len;
      });
      s.blobs.incrementAndGet();
      s.bytes.addAndGet(n[0]);
    } catch (CorruptObjectException | MissingObjectException e) {
      readElsewhere(id, s, e, sink);
    }
  }

  private void readElsewhere(BlobId id, Source failed, IOException cause, PlainSink sink) throws IOException {
    openOthers();
    for (Source other : sources) {
      if (other == failed) continue;
      MemIndex.Location l = other.repo.find(id);
      if (l == null) continue;
      long[] n = {0};
      try {
        other.repo.readBlobStreaming(l, (pos, b, off, len) -> {
          sink.accept(pos, b, off, len);
          n[0] += len;
        });
      } catch (CorruptObjectException | MissingObjectException e) {
        fallbacks.add(new Fallback(id.toString(), other.name, e.getMessage(), null));
        continue;
      }
      other.blobs.incrementAndGet();
      other.bytes.addAndGet(n[0]);
      fallbacks.add(new Fallback(id.toString(), failed.name, cause.getMessage(), other.name));
      return;
    }
    fallbacks.add(new Fallback(id.toString(), failed.name, cause.getMessage(), null));
    if (sources.size() > 1) {
      throw new CorruptObjectException("blob " + id, cause.getMessage() + "; no other copy (" + String.join(", ",
          sources.stream().filter(x -> x != failed).map(x -> x.name).toList()) + ") has it intact", cause);
    }
    throw cause;
  }

  @Override
  public List<Node> readTree(BlobId id) throws IOException {
    try {
      return first().readTree(id);
    } catch (CorruptObjectException | MissingObjectException | CairnException e) {
      openOthers();
      for (int i = 1; i < sources.size(); i++) {
        Source s = sources.get(i);
        try {
          List<Node> t = s.repo.readTree(id);
          s.blobs.incrementAndGet();
          fallbacks.add(new Fallback(id.toString(), firstName, e.getMessage(), s.name));
          return t;
        } catch (CorruptObjectException | MissingObjectException | CairnException again) {
          fallbacks.add(new Fallback(id.toString(), s.name, again.getMessage(), null));
        }
      }
      fallbacks.add(new Fallback(id.toString(), firstName, e.getMessage(), null));
      if (sources.size() > 1) {
        throw new CorruptObjectException("tree " + id, e.getMessage() + "; no other copy (" + String.join(", ",
            sources.stream().skip(1).map(x -> x.name).toList()) + ") has it intact", e);
      }
      throw e;
    }
  }

  /** What each copy served, the first one first (copies never opened are left out). */
  public List<Served> served() {
    List<Served> out = new ArrayList<>();
    for (Source s : sources) out.add(new Served(s.name, s.blobs.get(), s.bytes.get()));
    return out;
  }

  /** Every blob a copy failed, and which copy served it instead. */
  public List<Fallback> fallbacks() {
    return List.copyOf(fallbacks);
  }

  /** Copies that could not be used, and why. */
  public List<String> notes() {
    return List.copyOf(notes);
  }

  /** Closes the copies this source opened (not the first). */
  @Override
  public void close() throws IOException {
    for (Source s : sources) if (s.owned) s.repo.close();
  }
}
