-- One deployment, several stories (briefings.story). Each estimate belongs to one story and its status
-- is one of that story's (checked by the story when stored, no longer by an enum here); each source
-- belongs to the stories whose topic it matches; a subscription digests one story, a feed feeds some.
-- A store made before stories holds one: the seed story, north-korean-troops, whose statuses are the
-- enum's values, so every row stays valid and nothing is re-keyed (its claims keep their keys).

-- the CHECK on the four seed statuses goes: changing a CHECK leaves the rows as they are on disk, so
-- the table's definition is edited in place (SQLite's documented way), not copied row by row
PRAGMA writable_schema = ON;
UPDATE sqlite_master
   SET sql = replace(sql, 'status      TEXT NOT NULL CHECK (status IN (''planned'', ''deployed'', ''frontline'', ''casualties'')),',
                          'status      TEXT NOT NULL,')
 WHERE type = 'table' AND name = 'estimates';
UPDATE sqlite_master
   SET sql = replace(sql, 'status        TEXT CHECK (status IS NULL OR status IN (''planned'', ''deployed'', ''frontline'', ''casualties'')),',
                          'status        TEXT,')
 WHERE type = 'table' AND name = 'subscriptions';
PRAGMA writable_schema = OFF;
PRAGMA writable_schema = RESET;

ALTER TABLE estimates ADD COLUMN story TEXT NOT NULL DEFAULT 'north-korean-troops';

-- the indexes the queries filter by story through lead with it
DROP INDEX IF EXISTS estimates_status;
CREATE INDEX IF NOT EXISTS estimates_story_status ON estimates(story, status, claimant, claimed_on DESC);
DROP INDEX IF EXISTS estimates_group;
CREATE INDEX IF NOT EXISTS estimates_group ON estimates(story, group_key, status, claimed_on, id);
DROP INDEX IF EXISTS estimates_claimed;
CREATE INDEX IF NOT EXISTS estimates_story_claimed ON estimates(story, claimed_on, id);
CREATE INDEX IF NOT EXISTS estimates_story_created ON estimates(story, created_at);

-- the latest estimate of each claimant and status, per story
DROP TABLE IF EXISTS claim_latest_by_story;
CREATE TABLE claim_latest_by_story (
    story       TEXT NOT NULL DEFAULT 'north-korean-troops',  -- as the earlier migrations write it
    group_key   TEXT NOT NULL,
    status      TEXT NOT NULL,
    estimate_id INTEGER NOT NULL REFERENCES estimates(id) ON DELETE CASCADE,
    claimed_on  TEXT,
    value       INTEGER NOT NULL,
    low         INTEGER,
    high        INTEGER,
    PRIMARY KEY (story, group_key, status)
) WITHOUT ROWID;
INSERT INTO claim_latest_by_story (story, group_key, status, estimate_id, claimed_on, value, low, high)
SELECT 'north-korean-troops', group_key, status, estimate_id, claimed_on, value, low, high FROM claim_latest;
DROP TABLE claim_latest;
ALTER TABLE claim_latest_by_story RENAME TO claim_latest;
CREATE INDEX IF NOT EXISTS claim_latest_recent ON claim_latest(story, status, claimed_on DESC, estimate_id DESC);
CREATE INDEX IF NOT EXISTS claim_latest_estimate ON claim_latest(estimate_id);

-- the stories each source belongs to
CREATE TABLE IF NOT EXISTS source_stories (
    story     TEXT NOT NULL,
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    PRIMARY KEY (story, source_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS source_stories_source ON source_stories(source_id);
INSERT OR IGNORE INTO source_stories (story, source_id) SELECT 'north-korean-troops', id FROM sources;

ALTER TABLE subscriptions ADD COLUMN story TEXT NOT NULL DEFAULT 'north-korean-troops';
-- the stories a feed feeds, as a JSON array of names
ALTER TABLE feeds ADD COLUMN stories TEXT NOT NULL DEFAULT '["north-korean-troops"]';
-- the story `ingest --story` named for a queued file or page; NULL: the stories its topic matches
ALTER TABLE ingest_jobs ADD COLUMN story TEXT;
