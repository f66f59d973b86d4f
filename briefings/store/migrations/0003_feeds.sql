-- Feeds polled for new articles, and every entry seen, so that no entry is taken twice.

CREATE TABLE feeds (
    id             INTEGER PRIMARY KEY,
    url            TEXT NOT NULL UNIQUE,
    title          TEXT,
    every_minutes  INTEGER NOT NULL DEFAULT 30 CHECK (every_minutes BETWEEN 5 AND 10080),
    etag           TEXT,
    last_modified  TEXT,
    added_at       TEXT NOT NULL,
    last_polled    TEXT,
    last_success   TEXT,
    last_error     TEXT,
    failures       INTEGER NOT NULL DEFAULT 0,   -- in a row
    paused_reason  TEXT,
    articles_taken INTEGER NOT NULL DEFAULT 0,
    entries_failed INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE feed_entries (
    feed_id    INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    entry_key  TEXT NOT NULL,                  -- the entry's id, else its link: stable when a feed re-dates
    url        TEXT NOT NULL,                  -- canonical
    outcome    TEXT NOT NULL CHECK (outcome IN ('ingested', 'duplicate', 'off-topic', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 1,
    error      TEXT,
    source_id  INTEGER REFERENCES sources(id) ON DELETE SET NULL,
    first_seen TEXT NOT NULL,
    PRIMARY KEY (feed_id, entry_key)
) WITHOUT ROWID;

CREATE INDEX sources_url ON sources(url);
