package io.cairn.cli;

import io.cairn.engine.CairnException;
import io.cairn.engine.ErrorCode;
import io.cairn.service.KeyService;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;


@Command(name = "key", description = {"Manage the repository's key slots (passwords).",
    "",
    "Every slot wraps the same master key under its own password (Argon2id); any one opens the repository. The master"
        + " key is never stored unwrapped, and the last slot cannot be removed. New passwords come from"
        + " --new-password-file, $CAIRN_NEW_PASSWORD_FILE, $CAIRN_NEW_PASSWORD, or a prompt (asked twice)."},
    subcommands = {KeyCommand.ListKeys.class, KeyCommand.Add.class, KeyCommand.Remove.class, KeyCommand.Passwd.class, KeyCommand.Export.class})
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

    KeyService.Kdf kdf() {
      KeyService.Kdf k = new KeyService.Kdf(kdfMemory, kdfIterations);
      try {
        k.params();
      } catch (CairnException e) {
        throw new CairnException(ErrorCode.USAGE, "--kdf-memory must be at least 8 KiB and --kdf-iterations at least 1");
      }
      return k;
    }

    char[] password() {
      return GlobalOptions.secret(file, "--new-password-file", "CAIRN_NEW_PASSWORD_FILE", "CAIRN_NEW_PASSWORD", "new password", true);
    }
  }

  @Command(name = "export", description = {"Print the repository's recovery key, to keep apart from the passwords (printed, in a safe).",
      "",
      "The recovery key opens the repository without any password: use it wherever a password goes (a password file,"
          + " CAIRN_PASSWORD, a policy reference), for example to recover from an isolated copy when every password is lost."
          + " Whoever holds it can read everything in the repository; it cannot be revoked (a new repository and a copy into it can)."
          + " Each repository has its own: a copy made with init --from-repo needs its own recovery key."})
  static final class Export extends BaseCommand {
    @picocli.CommandLine.Option(names = "--recovery", required = true, description = "The recovery key (the only thing export prints).")
    boolean recovery;

    @Override
    public Integer call() throws Exception {
      KeyService.Exported e = new KeyService(workspace()).exportRecovery(global.repo());
      if (global.json) {
        printJson(e);
      } else {
        out().println(e.recoveryKey());
        err().println("cairn: this recovery key opens repository " + e.id() + " without a password: keep it apart from the data, offline");
      }
      return 0;
    }
  }

  @Command(name = "list", description = "List the key slots; * marks the one that opened the repository.")
  static final class ListKeys extends BaseCommand {
    @Override
    public Integer call() throws Exception {
      List<KeyService.Slot> rows = new KeyService(workspace()).list(global.repo());
      if (global.json) {
        printJson(rows);
      } else {
        say("  %-8s  %-20s  %-24s  %s", "ID", "CREATED", "USER@HOST", "KDF");
        for (KeyService.Slot k : rows) {
          say("%s %-8s  %-20s  %-24s  %s", k.current() ? "*" : " ", k.id().substring(0, 8), SnapshotsCommand.TIME.format(k.created()),
              k.username() + "@" + k.host(), k.kdf());
        }
      }
      return 0;
    }
  }

  @Command(name = "add", description = "Add a key slot with a new password.")
  static final class Add extends BaseCommand {
    @Mixin NewKey newKey;

    @Override
    public Integer call() throws Exception {
      KeyService.Kdf kdf = newKey.kdf();
      KeyService.Change c = new KeyService(workspace()).add(global.repo(), newKey.password(), kdf);
      if (global.json) printJson(c);
      else say("added key slot %s", c.added().substring(0, 8));
      return 0;
    }
  }

  @Command(name = "remove", description = "Remove a key slot (not the last one, and not the one whose password was given).")
  static final class Remove extends BaseCommand {
    @Parameters(paramLabel = "ID", description = "Key slot id or unique prefix.")
    String id;

    @Override
    public Integer call() throws Exception {
      KeyService.Change c = new KeyService(workspace()).remove(global.repo(), id);
      if (global.json) printJson(c);
      else say("removed key slot %s", c.removed().substring(0, 8));
      return 0;
    }
  }

  @Command(name = "passwd", description = "Change the password of the key slot in use: adds a slot with the new password, then removes the old one.")
  static final class Passwd extends BaseCommand {
    @Mixin NewKey newKey;

    @Override
    public Integer call() throws Exception {
      KeyService.Kdf kdf = newKey.kdf();
      KeyService.Change c = new KeyService(workspace()).passwd(global.repo(), newKey.password(), kdf);
      if (global.json) printJson(c);
      else say("password changed (key slot %s replaces %s)", c.added().substring(0, 8), c.removed().substring(0, 8));
      return 0;
    }
  }
}
