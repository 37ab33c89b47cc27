-- Catalog schema version 3: recovery and drill evidence (issue: orchestrated recovery and drills).
-- Every row is derived from the repositories' evidence records (kind E) and can be rebuilt.

ALTER TABLE evidence ADD COLUMN subject TEXT;           -- the asset or group recovered
ALTER TABLE evidence ADD COLUMN subject_kind TEXT;      -- asset, group
ALTER TABLE evidence ADD COLUMN group_point TEXT;       -- the group point's manifest id
ALTER TABLE evidence ADD COLUMN sandbox INTEGER;        -- 1: into a sandbox
ALTER TABLE evidence ADD COLUMN reason TEXT;            -- why it failed
ALTER TABLE evidence ADD COLUMN bytes BIGINT;
CREATE INDEX evidence_subject ON evidence (subject, started_ms);

-- The points a recovery used, one row per member.
CREATE TABLE evidence_points (
  evidence_id TEXT NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
  asset       TEXT NOT NULL,
  snapshot_id TEXT NOT NULL,
  point_key   TEXT,
  PRIMARY KEY (evidence_id, asset)
);
CREATE INDEX evidence_points_point ON evidence_points (point_key);
