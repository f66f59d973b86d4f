-- As SQLite's 0015: each kept outlet of a claim with when it first carried it (UTC), so that the
-- first outlets are in order of publication whatever order the articles came in; NULL for a claim
-- counted before this version, counted again from its facts when a new source carries it.

ALTER TABLE claim_stats ADD COLUMN dated TEXT COLLATE "C";

-- How closely a source copies or rewrites its parent (JSON), as on SQLite.
ALTER TABLE sources ADD COLUMN closeness TEXT COLLATE "C";
