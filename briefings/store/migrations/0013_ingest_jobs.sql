-- Ingest jobs: articles queued for workers (`briefings worker`) on any machine to read, extract and
-- store. A job is claimed by one worker until claimed_until, renewed while it works; a worker that
-- stopped leaves its job to be claimed again. A failure is that job's error, retried after a
-- back-off (not_before) until MAX_ATTEMPTS, then kept as failed with its error for `briefings jobs`.

CREATE TABLE IF NOT EXISTS ingest_jobs (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('file', 'page', 'feed-entry')),
    dedupe_key    TEXT UNIQUE,        -- a feed entry is queued once: 'feed:<feed id>:<entry key>'
    origin        TEXT NOT NULL,      -- the path or address it came from, as the user gave it
    url           TEXT,               -- page, feed-entry: fetched by the worker
    body          BLOB,               -- file: its bytes, read by whoever queued it
    suffix        TEXT,               -- file: its suffix (.txt, .html)
    meta          TEXT,               -- feed-entry: JSON of the outlet and the entry's title and date
    feed_id       INTEGER REFERENCES feeds(id) ON DELETE CASCADE,
    entry_key     TEXT,
    state         TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    not_before    TEXT NOT NULL,      -- a queued job is claimed from then on (ISO, UTC, microseconds)
    claimed_by    TEXT,
    claimed_until TEXT,
    outcome       TEXT,               -- done: added, unchanged, off-topic
    source_id     INTEGER REFERENCES sources(id) ON DELETE SET NULL,
    error         TEXT,               -- the last attempt's, one line
    created_at    TEXT NOT NULL,
    finished_at   TEXT
);
CREATE INDEX IF NOT EXISTS ingest_jobs_ready ON ingest_jobs(state, not_before, id);
CREATE INDEX IF NOT EXISTS ingest_jobs_feed ON ingest_jobs(feed_id, state);
