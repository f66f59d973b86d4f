-- Leases (as SQLite's 0012): which process holds a shard, delivers a digest or polls a feed, until
-- when. Names: 'shard:<id>/<count>', 'digest:<subscription id>', 'feed:<feed id>'.

CREATE TABLE leases (
    name        TEXT COLLATE "C" PRIMARY KEY,
    holder      TEXT COLLATE "C" NOT NULL,  -- host:pid:random of the process holding it
    expires_at  TEXT COLLATE "C" NOT NULL,  -- ISO, UTC, always with microseconds: compared as text
    acquired_at TEXT COLLATE "C" NOT NULL
);
