-- Catalog schema version 2: what application-aware capture records (issue: policies and capture).
-- Every row is derived from repositories (snapshots and group manifests) and can be rebuilt.

-- Per point: the capture run, why it has its consistency, the source's facts and the hooks' outcomes.
ALTER TABLE points ADD COLUMN run TEXT;                 -- the capture run (shared by a group's members)
ALTER TABLE points ADD COLUMN consistency_reason TEXT;
ALTER TABLE points ADD COLUMN source TEXT;              -- JSON object: type, server and tool versions, LSN/binlog, sizes
ALTER TABLE points ADD COLUMN hooks TEXT;               -- JSON array of hook runs
CREATE INDEX points_run ON points (run);

-- A consistency group's capture (its manifest in a repository).
CREATE TABLE group_points (
  repository_id TEXT NOT NULL REFERENCES repositories (id),
  manifest_id   TEXT NOT NULL,
  grp           TEXT NOT NULL,
  run           TEXT NOT NULL,
  time_ms       BIGINT NOT NULL,
  complete      INTEGER NOT NULL,                     -- 0: a member failed; never offered as consistent
  consistency   TEXT,                                 -- group when complete and every member application-consistent
  reason        TEXT,
  freeze_ms     BIGINT NOT NULL,
  tags          TEXT NOT NULL,                        -- JSON array
  hooks         TEXT,                                 -- JSON array of the group's (and members' after) hook runs
  PRIMARY KEY (repository_id, manifest_id)
);
CREATE INDEX group_points_grp_time ON group_points (grp, time_ms);

-- The members of a group point, in the group's order, with the order they are restored in.
CREATE TABLE group_members (
  repository_id TEXT NOT NULL,
  manifest_id   TEXT NOT NULL,
  asset         TEXT NOT NULL,
  position      INTEGER NOT NULL,
  snapshot_id   TEXT,                                 -- null when its capture failed
  consistency   TEXT,
  error         TEXT,
  restore_after TEXT NOT NULL,                        -- JSON array of members restored before it
  PRIMARY KEY (repository_id, manifest_id, asset),
  FOREIGN KEY (repository_id, manifest_id) REFERENCES group_points (repository_id, manifest_id) ON DELETE CASCADE
);
