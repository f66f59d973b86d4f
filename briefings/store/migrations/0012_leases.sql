-- Leases: which process holds a shard, delivers a digest or polls a feed, until when. A holder
-- renews its leases while it lives; one whose lease has expired (a killed process) loses it to the
-- first process that asks. Names: 'shard:<id>/<count>', 'digest:<subscription id>', 'feed:<feed id>'.

CREATE TABLE IF NOT EXISTS leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,      -- host:pid:random of the process holding it
    expires_at  TEXT NOT NULL,      -- ISO, UTC, always with microseconds: compared as text
    acquired_at TEXT NOT NULL
);
