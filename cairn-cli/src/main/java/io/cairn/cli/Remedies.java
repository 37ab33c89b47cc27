package io.cairn.cli;

import io.cairn.engine.Remedy;

/** The CLI's words for each {@link Remedy}: the command to run. */
final class Remedies {
  private Remedies() {}

  static String text(Remedy r) {
    return switch (r) {
      case CHECK_LOCATION_OR_INIT -> "check --repo / CAIRN_REPO, or create one with 'cairn init'";
      case CHECK_PASSWORD -> "check --password-file, CAIRN_PASSWORD_FILE or CAIRN_PASSWORD";
      case LIST_KEYS -> "'cairn key list' shows them";
      case USE_ANOTHER_KEY -> "open with another key's password to remove it, or use 'cairn key passwd' to change this password";
      case REPAIR_INDEX -> "the data is intact in the packs, and 'cairn repair index' rebuilds the index from them";
      case REMOVE_GARBAGE_PLAN -> "remove it ('cairn unlock --all' does not), then run 'cairn check'";
      case WAIT_OR_UNLOCK -> "try again later ('cairn unlock --all' removes it if that process is gone)";
      case CHECK_THEN_REPAIR -> "run 'cairn check', then 'cairn repair index' (or 'cairn repair snapshots')";
      case CHECK_READ_DATA -> "'cairn check --read-data' shows what it affects";
      case PIN_AGAIN -> "pin the snapshot again to replace it";
      case UNPIN -> "'cairn pin SNAP --remove' first";
      case LIST_PINS -> "'cairn pin' lists them";
      case RESTORE_FOLDER -> "'cairn restore SNAP:PATH' restores a folder";
      case NAME_CATALOG -> "name one with --catalog or CAIRN_CATALOG (an SQLite file or a jdbc:postgresql: URL)";
      case CATALOG_SYNC -> "'cairn catalog sync' brings it up to date";
      case CATALOG_REBUILD -> "it holds nothing that the repositories do not: delete it and run 'cairn catalog rebuild --repo ...'";
      case CATALOG_UNREACHABLE -> "check that PostgreSQL runs there, or use the local catalog (unset CAIRN_CATALOG)";
    };
  }
}
