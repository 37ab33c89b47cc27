-- Catalog schema version 1 (SQLite). The PostgreSQL twin in db/postgresql must stay equivalent.
-- Times are epoch milliseconds (UTC). Every row is derived from repositories and can be rebuilt.

CREATE TABLE catalog_info (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- A repository the catalog has synchronized.
CREATE TABLE repositories (
  id               TEXT PRIMARY KEY,       -- the repository's id (from its config)
  location         TEXT NOT NULL,
  role             TEXT,                   -- primary, copy, archive (mobility stage)
  tier             TEXT,                   -- storage tier
  added_ms         BIGINT NOT NULL,
  last_sync_ms     BIGINT,
  last_sync_status TEXT,                   -- ok, or the error of the last attempt
  snapshot_count   INTEGER NOT NULL DEFAULT 0
);

-- A logical recovery point; its copies in repositories are in copies.
CREATE TABLE points (
  point_key    TEXT PRIMARY KEY,           -- hash of time, host, user, paths, asset, group
  time_ms      BIGINT NOT NULL,
  host         TEXT,
  username     TEXT,
  paths        TEXT NOT NULL,              -- JSON array, sorted
  asset        TEXT NOT NULL,              -- the snapshot's asset, else host:paths
  grp          TEXT,
  consistency  TEXT NOT NULL,              -- crash, application, group
  size_bytes   BIGINT NOT NULL,
  file_count   BIGINT NOT NULL,
  first_seen_ms BIGINT NOT NULL
);
CREATE INDEX points_time ON points (time_ms);
CREATE INDEX points_asset_time ON points (asset, time_ms);
CREATE INDEX points_host_time ON points (host, time_ms);
CREATE INDEX points_grp_time ON points (grp, time_ms);

CREATE TABLE point_tags (
  point_key TEXT NOT NULL REFERENCES points (point_key) ON DELETE CASCADE,
  tag       TEXT NOT NULL,
  PRIMARY KEY (point_key, tag)
);
CREATE INDEX point_tags_tag ON point_tags (tag);

-- The file index: each distinct tree once per repository, its entries once.
CREATE TABLE trees (
  tree_no       INTEGER PRIMARY KEY,
  repository_id TEXT NOT NULL,
  tree_id       TEXT NOT NULL,
  UNIQUE (repository_id, tree_id)
);
CREATE TABLE entries (
  tree_no    BIGINT NOT NULL,
  name       TEXT NOT NULL,                -- display name (UTF-8; invalid bytes replaced)
  type       TEXT NOT NULL,                -- file, dir, symlink, fifo, socket, chardev, blockdev
  size       BIGINT NOT NULL,
  mtime_ms   BIGINT NOT NULL,
  content_id TEXT,                         -- files: a hash of the content blob ids
  subtree_no BIGINT,                       -- dirs: the tree below
  PRIMARY KEY (tree_no, name)
);
CREATE INDEX entries_name ON entries (name);
CREATE INDEX entries_subtree ON entries (subtree_no);

-- One copy of a point in one repository: the snapshot there.
CREATE TABLE copies (
  repository_id     TEXT NOT NULL REFERENCES repositories (id),
  snapshot_id       TEXT NOT NULL,
  point_key         TEXT NOT NULL REFERENCES points (point_key),
  root_tree_no      BIGINT,
  parent_snapshot   TEXT,
  original_snapshot TEXT,                  -- set on copies written by repair snapshots
  tags              TEXT NOT NULL,         -- JSON array
  errors            INTEGER NOT NULL,
  pinned            INTEGER NOT NULL DEFAULT 0,
  pinned_until_ms   BIGINT,
  ingested_ms       BIGINT NOT NULL,
  PRIMARY KEY (repository_id, snapshot_id)
);
CREATE INDEX copies_point ON copies (point_key);
CREATE INDEX copies_root ON copies (root_tree_no);

-- What was checked, how, when, with what result (from the repositories' check records).
CREATE TABLE verifications (
  id            TEXT PRIMARY KEY,
  repository_id TEXT NOT NULL REFERENCES repositories (id),
  kind          TEXT NOT NULL,             -- check (later: drill, restore-test)
  scope         TEXT NOT NULL,
  time_ms       BIGINT NOT NULL,
  host          TEXT,
  ok            INTEGER NOT NULL,
  problems      INTEGER NOT NULL,
  packs_read    INTEGER NOT NULL,
  bytes_read    BIGINT NOT NULL
);
CREATE INDEX verifications_repo_time ON verifications (repository_id, time_ms);

-- Restore and drill evidence (written by the restore and drill stages).
CREATE TABLE evidence (
  id            TEXT PRIMARY KEY,
  kind          TEXT NOT NULL,             -- restore, drill
  point_key     TEXT,
  repository_id TEXT,
  snapshot_id   TEXT,
  started_ms    BIGINT NOT NULL,
  finished_ms   BIGINT,
  outcome       TEXT NOT NULL,
  details       TEXT                       -- JSON: phases, durations, checks
);
CREATE INDEX evidence_point ON evidence (point_key, started_ms);

-- Who did what to the catalog and the repositories it knows.
CREATE TABLE audit_events (
  id      INTEGER PRIMARY KEY,
  time_ms BIGINT NOT NULL,
  actor   TEXT,
  action  TEXT NOT NULL,
  object  TEXT,
  details TEXT
);
CREATE INDEX audit_events_time ON audit_events (time_ms);
