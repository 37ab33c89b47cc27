package io.cairn.engine.repo;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.MissingObjectException;
import io.cairn.engine.Remedy;
import io.cairn.engine.crypto.KeyFile;
import io.cairn.engine.crypto.MasterKey;
import io.cairn.engine.store.ObjectInfo;
import io.cairn.engine.store.ObjectStore;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * The key slots of a repository ({@code keys/<id>}): each wraps the same master key under its own
 * password (Argon2id); any one opens the repository. Slots are plain JSON (they must be readable
 * before any key is known) and each is written whole and atomically, so a crash leaves either no new
 * slot or a working one; the last slot never goes.
 */
public final class KeySlots {
  public static final String PREFIX = "keys/";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ObjectStore store;

  public KeySlots(ObjectStore store) {
    this.store = store;
  }

  /** A key slot and its id (the name of its object under {@code keys/}). */
  public record Slot(String id, KeyFile key) {}

  /** The master key a password opened, and the slot that opened it. */
  public record Opened(MasterKey key, String slot) {}

  public boolean isEmpty() throws IOException {
    return store.list(PREFIX).isEmpty();
  }

  /**
   * Tries each slot with {@code password}. A slot of a newer format or a damaged one is passed over
   * (another may open); when none opens, the error is that slot's if there was one, else a wrong password.
   */
  public Opened open(char[] password) throws IOException {
    List<ObjectInfo> keys = store.list(PREFIX);
    if (keys.isEmpty()) {
      throw new CairnException(ErrorCode.DATA_DAMAGED, "repository " + store.location() + " has no key slots (keys/ is empty)");
    }
    CairnException unreadable = null;
    for (ObjectInfo k : keys) {
      KeyFile kf;
      try {
        kf = KeyFile.parse(k.key(), store.get(k.key()));
      } catch (CairnException e) {
        unreadable = e;
        continue;
      } catch (MissingObjectException gone) {
        continue; // removed while listing
      }
      MasterKey key = kf.open(password);
      if (key != null) return new Opened(key, k.key().substring(PREFIX.length()));
    }
    if (unreadable != null) throw unreadable;
    throw new CairnException(ErrorCode.WRONG_PASSWORD, "wrong password for repository " + store.location()
        + ": none of its " + keys.size() + " key slot(s) opens with it", Remedy.CHECK_PASSWORD);
  }

  /** Every slot that can be read, oldest first. */
  public List<Slot> list() throws IOException {
    List<Slot> out = new ArrayList<>();
    for (ObjectInfo o : store.list(PREFIX)) {
      try {
        out.add(new Slot(o.key().substring(PREFIX.length()), KeyFile.parse(o.key(), store.get(o.key()))));
      } catch (MissingObjectException gone) {
        // removed while listing
      }
    }
    out.sort(Comparator.comparing((Slot k) -> k.key().created()).thenComparing(Slot::id));
    return out;
  }

  /** Adds a slot that opens {@code key} with {@code password}; returns its id. */
  public String add(MasterKey key, char[] password, KeyFile.KdfParams kdf, Instant now) throws IOException {
    KeyFile kf = KeyFile.create(key, password, kdf, RANDOM, now, Repository.hostname(), System.getProperty("user.name"));
    byte[] json = kf.toJson();
    String id = randomId();
    store.put(PREFIX + id, json, 0, json.length, true);
    return id;
  }

  /** Removes a slot; the last one cannot go (the repository would be unreadable forever). */
  public void remove(String id) throws IOException {
    List<Slot> slots = list();
    if (slots.stream().noneMatch(k -> k.id().equals(id))) {
      throw new CairnException(ErrorCode.NOT_FOUND, "no key slot " + id + " in " + store.location(), Remedy.LIST_KEYS);
    }
    if (slots.size() == 1) {
      throw new CairnException(ErrorCode.CONFLICT, "key slot " + id.substring(0, 8) + " is the repository's last key;"
          + " removing it would make the repository unreadable forever. Add another key first");
    }
    store.delete(PREFIX + id);
  }

  private static String randomId() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
