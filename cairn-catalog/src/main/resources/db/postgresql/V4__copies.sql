-- Catalog schema version 4: verified copies between repositories (issue: mobility).
-- Every row is derived from the destination repositories' copy records (kind Y) and can be rebuilt.

-- One copy run into a repository: from where, how it ended.
CREATE TABLE copy_runs (
  id                TEXT PRIMARY KEY,      -- the record's run id
  repository_id     TEXT NOT NULL,         -- the destination (the repository holding the record)
  source_repository TEXT NOT NULL,         -- the source's repository id
  source_location   TEXT,
  started_ms        BIGINT NOT NULL,
  finished_ms       BIGINT,
  outcome           TEXT NOT NULL,         -- passed (verified), failed
  reason            TEXT,
  same_ids          INTEGER NOT NULL,
  blobs_written     BIGINT NOT NULL,
  bytes_written     BIGINT NOT NULL,
  blobs_verified    BIGINT NOT NULL
);
CREATE INDEX copy_runs_repo ON copy_runs (repository_id, started_ms);

-- The points a copy run landed in its destination.
CREATE TABLE copy_points (
  copy_id         TEXT NOT NULL REFERENCES copy_runs (id) ON DELETE CASCADE,
  snapshot_id     TEXT NOT NULL,           -- the snapshot in the destination
  source_snapshot TEXT NOT NULL,
  asset           TEXT,
  PRIMARY KEY (copy_id, snapshot_id)
);
CREATE INDEX copy_points_snapshot ON copy_points (snapshot_id);
