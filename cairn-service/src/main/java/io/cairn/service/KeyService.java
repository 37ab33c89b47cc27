package io.cairn.service;

import io.cairn.engine.Remedy;
import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.crypto.KeyFile;
import io.cairn.engine.repo.KeySlots;
import io.cairn.engine.repo.Repository;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The repository's key slots: every slot wraps the same master key under its own password; any one
 * opens the repository, and the last one cannot go.
 */
public final class KeyService {
  private final Workspace ws;

  public KeyService(Workspace ws) {
    this.ws = ws;
  }

  /** Argon2id settings of a new slot. */
  public record Kdf(int memoryKiB, int iterations) {
    public KeyFile.KdfParams params() {
      try {
        return new KeyFile.KdfParams(memoryKiB, iterations, 1);
      } catch (IllegalArgumentException e) {
        throw new CairnException(ErrorCode.USAGE, "the key derivation needs at least 8 KiB of memory and 1 iteration");
      }
    }
  }

  /** A key slot; {@code current} marks the one whose password opened the repository. */
  public record Slot(String id, boolean current, Instant created, String host, String username, String kdf) {}

  /** What a change did: the slot added and the slot removed (either may be null). */
  public record Change(String added, String removed) {}

  public List<Slot> list(String repository) throws IOException {
    try (Repository repo = ws.open(repository, Workspace.Use.PLAIN)) {
      List<Slot> out = new ArrayList<>();
      for (KeySlots.Slot k : repo.keySlots()) {
        out.add(new Slot(k.id(), k.id().equals(repo.keySlot()), k.key().created(), k.key().host(), k.key().username(),
            k.key().kdf() + " m=" + k.key().memoryKiB() + "KiB t=" + k.key().iterations() + " p=" + k.key().parallelism()));
      }
      return out;
    }
  }

  public Change add(String repository, char[] newPassword, Kdf kdf) throws IOException {
    try (Repository repo = ws.open(repository, Workspace.Use.PLAIN)) {
      return new Change(repo.addKey(newPassword, kdf.params()), null);
    } finally {
      Arrays.fill(newPassword, '\0');
    }
  }

  /** Removes a slot by id or unique prefix; never the one in use, never the last. */
  public Change remove(String repository, String idPrefix) throws IOException {
    try (Repository repo = ws.open(repository, Workspace.Use.PLAIN)) {
      String full = resolve(repo, idPrefix);
      if (full.equals(repo.keySlot())) {
        throw new CairnException(ErrorCode.CONFLICT, "key slot " + full.substring(0, 8) + " is the one this password opened",
            Remedy.USE_ANOTHER_KEY);
      }
      repo.removeKey(full);
      return new Change(null, full);
    }
  }

  /** Changes the password of the slot in use: adds a slot with the new password, then removes the old one. */
  public Change passwd(String repository, char[] newPassword, Kdf kdf) throws IOException {
    try (Repository repo = ws.open(repository, Workspace.Use.PLAIN)) {
      KeyFile.KdfParams params = kdf.params();
      String old = repo.keySlot();
      // new slot first: a crash in between leaves both passwords working, never neither
      String id = repo.addKey(newPassword, params);
      if (RECOVERY.equals(old)) return new Change(id, null); // opened by the recovery key: no slot to replace
      repo.removeKey(old);
      return new Change(id, old);
    } finally {
      Arrays.fill(newPassword, '\0');
    }
  }

  private static final String RECOVERY = "recovery key";

  /** A repository's recovery key, to be kept apart: it opens the repository without a password. */
  public record Exported(String repository, String id, String recoveryKey) {}

  /** The recovery key of a repository (see docs/operations.md, "Keys and passwords"). */
  public Exported exportRecovery(String repository) throws IOException {
    try (Repository repo = ws.open(repository, Workspace.Use.PLAIN)) {
      return new Exported(repository, repo.config().id(), repo.recoveryKey());
    }
  }

  private static String resolve(Repository repo, String prefix) throws IOException {
    List<String> m = repo.keySlots().stream().map(KeySlots.Slot::id).filter(id -> id.startsWith(prefix)).toList();
    if (m.isEmpty()) throw new CairnException(ErrorCode.NOT_FOUND, "no key slot " + prefix, Remedy.LIST_KEYS);
    if (m.size() > 1) throw new CairnException(ErrorCode.USAGE, "key prefix " + prefix + " is ambiguous; give more digits");
    return m.get(0);
  }
}
