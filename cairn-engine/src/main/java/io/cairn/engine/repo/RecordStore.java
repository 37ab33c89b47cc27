package io.cairn.engine.repo;

import com.fasterxml.jackson.core.JacksonException;
import io.cairn.engine.BlobId;
import io.cairn.engine.CorruptObjectException;
import io.cairn.engine.Json;
import io.cairn.engine.MissingObjectException;
import io.cairn.engine.crypto.Sealer;
import io.cairn.engine.store.ObjectInfo;
import io.cairn.engine.store.ObjectStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The records of one kind (snapshots, pins, check records, garbage plans, leases, and the evidence
 * to come): JSON, sealed, one object each at {@code prefix + name}. One place for what used to be a
 * near-copy per kind of list, get, open and parse. Every write is one atomic put, so a record is
 * either whole or absent.
 */
public final class RecordStore<T> {
  private final ObjectStore store;
  private final Sealer sealer;
  private final RecordKind<T> kind;

  RecordStore(ObjectStore store, Sealer sealer, RecordKind<T> kind) {
    this.store = store;
    this.sealer = sealer;
    this.kind = kind;
  }

  /** A record and the name it is stored under. */
  public record Stored<T>(String name, T value) {}

  /** What a listing does with a record that cannot be read: throw to stop it, return to skip the record. */
  @FunctionalInterface
  public interface OnDamage {
    void damaged(String key, CorruptObjectException e) throws IOException;
  }

  /** Stops the listing with the damage. */
  public static final OnDamage FAIL = (key, e) -> {
    throw e;
  };

  /** Leaves a damaged record out (for evidence that nothing else depends on). */
  public static final OnDamage SKIP = (key, e) -> {};

  public RecordKind<T> kind() {
    return kind;
  }

  public String key(String name) {
    return kind.prefix() + name;
  }

  /** One record; {@link MissingObjectException} when absent, {@link CorruptObjectException} when it cannot be read. */
  public T get(String name) throws IOException {
    String key = key(name);
    byte[] plain = sealer.open(key, kind.letter(), store.get(key));
    try {
      return Json.MAPPER.readValue(plain, kind.type());
    } catch (JacksonException | IllegalArgumentException e) {
      throw new CorruptObjectException(key, "does not decode as a " + kind.type().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /** Every record, in the store's order; one removed while listing is left out. */
  public List<Stored<T>> list(OnDamage onDamage) throws IOException {
    List<Stored<T>> out = new ArrayList<>();
    for (ObjectInfo o : store.list(kind.prefix())) {
      String name = o.key().substring(kind.prefix().length());
      try {
        out.add(new Stored<>(name, get(name)));
      } catch (MissingObjectException gone) {
        // removed while listing
      } catch (CorruptObjectException e) {
        onDamage.damaged(o.key(), e);
      }
    }
    return out;
  }

  /** Stores a record under a name; with {@code ifAbsent}, returns false (and writes nothing) when one is there. */
  public boolean put(String name, T value, boolean ifAbsent) throws IOException {
    byte[] sealed = sealer.seal(kind.letter(), Json.MAPPER.writeValueAsBytes(value));
    return store.put(key(name), sealed, 0, sealed.length, ifAbsent);
  }

  /** Stores a record under the keyed hash of its JSON (a snapshot's id); returns that id. */
  public BlobId putContentAddressed(T value) throws IOException {
    byte[] plain = Json.MAPPER.writeValueAsBytes(value);
    BlobId id = sealer.masterKey().id(plain, 0, plain.length);
    byte[] sealed = sealer.seal(kind.letter(), plain);
    store.put(key(id.toString()), sealed, 0, sealed.length, true);
    return id;
  }

  public void delete(String name) throws IOException {
    store.delete(key(name));
  }
}
