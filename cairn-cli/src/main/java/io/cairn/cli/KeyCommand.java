package io.cairn.cli;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.engine.crypto.KeyFile;
import io.cairn.engine.repo.Repository;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "key", description = {"Manage the repository's key slots (passwords).",
    "",
    "Every slot wraps the same master key under its own password (Argon2id); any one opens the repository. The master"
        + " key is never stored unwrapped, and the last slot cannot be removed. New passwords come from"
        + " --new-password-file, $CAIRN_NEW_PASSWORD_FILE, $CAIRN_NEW_PASSWORD, or a prompt (asked twice)."},
    subcommands = {KeyCommand.ListKeys.class, KeyCommand.Add.class, KeyCommand.Remove.class, KeyCommand.Passwd.class})
final class KeyCommand extends BaseCommand {
  @Override
  public Integer call() {
    spec.commandLine().usage(out());
    return ErrorCode.USAGE.exitCode();
  }

  /** Options for a new key slot. */
  static final class NewKey {
    @Option(names = "--new-password-file", paramLabel = "FILE", description = "Read the new password from FILE.")
    Path file;

    @Option(names = "--kdf-memory", paramLabel = "KIB", defaultValue = "32768", description = "Argon2id memory in KiB (default: ${DEFAULT-VALUE}).")
    int kdfMemory;

    @Option(names = "--kdf-iterations", paramLabel = "N", defaultValue = "3", description = "Argon2id passes (default: ${DEFAULT-VALUE}).")
    int kdfIterations;

    KeyFile.KdfParams kdf() {
      try {
        return new KeyFile.KdfParams(kdfMemory, kdfIterations, 1);
      } catch (IllegalArgumentException e) {
        throw new CairnException(ErrorCode.USAGE, "--kdf-memory must be at least 8 KiB and --kdf-iterations at least 1");
      }
    }

    char[] password() {
      return GlobalOptions.secret(file, "--new-password-file", "CAIRN_NEW_PASSWORD_FILE", "CAIRN_NEW_PASSWORD", "new password", true);
    }
  }

  static String resolve(Repository repo, String prefix) throws java.io.IOException {
    List<String> m = repo.keySlots().stream().map(Repository.KeySlot::id).filter(id -> id.startsWith(prefix)).toList();
    if (m.isEmpty()) throw new CairnException(ErrorCode.NOT_FOUND, "no key slot " + prefix + "; 'cairn key list' shows them");
    if (m.size() > 1) throw new CairnException(ErrorCode.USAGE, "key prefix " + prefix + " is ambiguous; give more digits");
    return m.get(0);
  }

  @Command(name = "list", description = "List the key slots; * marks the one that opened the repository.")
  static final class ListKeys extends BaseCommand {
    @Override
    public Integer call() throws Exception {
      try (Repository repo = openRepo()) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Repository.KeySlot k : repo.keySlots()) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("id", k.id());
          m.put("current", k.id().equals(repo.keySlot()));
          m.put("created", k.key().created());
          m.put("host", k.key().host());
          m.put("username", k.key().username());
          m.put("kdf", k.key().kdf() + " m=" + k.key().memoryKiB() + "KiB t=" + k.key().iterations() + " p=" + k.key().parallelism());
          rows.add(m);
        }
        if (global.json) {
          printJson(rows);
        } else {
          say("  %-8s  %-20s  %-24s  %s", "ID", "CREATED", "USER@HOST", "KDF");
          for (Map<String, Object> m : rows) {
            say("%s %-8s  %-20s  %-24s  %s", (boolean) m.get("current") ? "*" : " ", ((String) m.get("id")).substring(0, 8),
                SnapshotsCommand.TIME.format((java.time.Instant) m.get("created")), m.get("username") + "@" + m.get("host"), m.get("kdf"));
          }
        }
        return 0;
      }
    }
  }

  @Command(name = "add", description = "Add a key slot with a new password.")
  static final class Add extends BaseCommand {
    @picocli.CommandLine.Mixin NewKey newKey;

    @Override
    public Integer call() throws Exception {
      KeyFile.KdfParams kdf = newKey.kdf();
      try (Repository repo = openRepo()) {
        String id = repo.addKey(newKey.password(), kdf);
        if (global.json) printJson(Map.of("added", id));
        else say("added key slot %s", id.substring(0, 8));
        return 0;
      }
    }
  }

  @Command(name = "remove", description = "Remove a key slot (not the last one, and not the one whose password was given).")
  static final class Remove extends BaseCommand {
    @Parameters(paramLabel = "ID", description = "Key slot id or unique prefix.")
    String id;

    @Override
    public Integer call() throws Exception {
      try (Repository repo = openRepo()) {
        String full = resolve(repo, id);
        if (full.equals(repo.keySlot())) {
          throw new CairnException(ErrorCode.CONFLICT, "key slot " + full.substring(0, 8) + " is the one this password opened;"
              + " open with another key's password to remove it, or use 'cairn key passwd' to change this password");
        }
        repo.removeKey(full);
        if (global.json) printJson(Map.of("removed", full));
        else say("removed key slot %s", full.substring(0, 8));
        return 0;
      }
    }
  }

  @Command(name = "passwd", description = "Change the password of the key slot in use: adds a slot with the new password, then removes the old one.")
  static final class Passwd extends BaseCommand {
    @picocli.CommandLine.Mixin NewKey newKey;

    @Override
    public Integer call() throws Exception {
      KeyFile.KdfParams kdf = newKey.kdf();
      try (Repository repo = openRepo()) {
        String old = repo.keySlot();
        // new slot first: a crash in between leaves both passwords working, never neither
        String id = repo.addKey(newKey.password(), kdf);
        repo.removeKey(old);
        if (global.json) printJson(Map.of("added", id, "removed", old));
        else say("password changed (key slot %s replaces %s)", id.substring(0, 8), old.substring(0, 8));
        return 0;
      }
    }
  }
}
