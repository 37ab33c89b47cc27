package io.cairn.engine;

/**
 * What a user can do about a failure, named rather than written out: the engine and the services say
 * which remedy applies, and each surface renders it its own way (the CLI as the command to run, a web
 * UI as a link or a button). A {@link CairnException}'s message names what failed; its remedy, if any,
 * says what to do.
 */
public enum Remedy {
  /** No repository where one was expected: check the location given, or create one. */
  CHECK_LOCATION_OR_INIT,
  /** No key slot opens with the password: check where the password comes from. */
  CHECK_PASSWORD,
  /** A key slot was named that is not there: list the key slots. */
  LIST_KEYS,
  /** The slot in use cannot be removed: open with another key's password, or change this password. */
  USE_ANOTHER_KEY,
  /** An index object is damaged: the data is intact in the packs, and the index can be rebuilt from them. */
  REPAIR_INDEX,
  /** A garbage plan is damaged: remove it by hand, then check the repository. */
  REMOVE_GARBAGE_PLAN,
  /** Another maintenance job holds the repository: try again later, or remove a lease whose process is gone. */
  WAIT_OR_UNLOCK,
  /** Data that should be indexed is not: check the repository, then repair the index or the snapshots. */
  CHECK_THEN_REPAIR,
  /** Repository data is damaged: a full data check shows what it affects. */
  CHECK_READ_DATA,
  /** A pin is damaged: pin the snapshot again to replace it. */
  PIN_AGAIN,
  /** The snapshot is pinned: remove the pin first. */
  UNPIN,
  /** No pin matches: list the pins. */
  LIST_PINS,
  /** The path is a folder where a file was expected: restore it instead. */
  RESTORE_FOLDER,
  /** The catalog is off where one is needed: name one. */
  NAME_CATALOG,
  /** The catalog does not know a point: bring it up to date. */
  CATALOG_SYNC,
  /** The catalog is damaged: it holds nothing the repositories do not; delete it and rebuild. */
  CATALOG_REBUILD,
  /** The catalog's database cannot be reached: check that it runs, or use the local catalog. */
  CATALOG_UNREACHABLE
}
