-- One deployment, several stories (as SQLite's 0014): each estimate belongs to one story and its
-- status is one of that story's (checked by the story when stored); each source belongs to the
-- stories whose topic it matches; a subscription digests one story, a feed feeds some. A store made
-- before stories holds one, the seed story north-korean-troops; nothing is re-keyed.

ALTER TABLE estimates DROP CONSTRAINT IF EXISTS estimates_status_check;
ALTER TABLE subscriptions DROP CONSTRAINT IF EXISTS subscriptions_status_check;

ALTER TABLE estimates ADD COLUMN story TEXT COLLATE "C" NOT NULL DEFAULT 'north-korean-troops';

-- the indexes the queries filter by story through lead with it
DROP INDEX IF EXISTS estimates_status;
CREATE INDEX estimates_story_status ON estimates (story, status, claimant, claimed_on DESC NULLS LAST);
DROP INDEX IF EXISTS estimates_group;
CREATE INDEX estimates_group ON estimates (story, group_key, status, claimed_on, id);
DROP INDEX IF EXISTS estimates_claimed;
CREATE INDEX estimates_story_claimed ON estimates (story, claimed_on, id);
CREATE INDEX estimates_story_created ON estimates (story, created_at);

-- the latest estimate of each claimant and status, per story
ALTER TABLE claim_latest ADD COLUMN story TEXT COLLATE "C" NOT NULL DEFAULT 'north-korean-troops';
ALTER TABLE claim_latest DROP CONSTRAINT claim_latest_pkey;
ALTER TABLE claim_latest ADD PRIMARY KEY (story, group_key, status);
ALTER TABLE claim_latest ALTER COLUMN story DROP DEFAULT;
DROP INDEX IF EXISTS claim_latest_recent;
CREATE INDEX claim_latest_recent ON claim_latest (story, status, claimed_on DESC NULLS LAST, estimate_id DESC);

-- the stories each source belongs to
CREATE TABLE source_stories (
    story     TEXT COLLATE "C" NOT NULL,
    source_id BIGINT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    PRIMARY KEY (story, source_id)
);
CREATE INDEX source_stories_source ON source_stories (source_id);
INSERT INTO source_stories (story, source_id) SELECT 'north-korean-troops', id FROM sources;

ALTER TABLE subscriptions ADD COLUMN story TEXT COLLATE "C" NOT NULL DEFAULT 'north-korean-troops';
-- the stories a feed feeds, as a JSON array of names
ALTER TABLE feeds ADD COLUMN stories TEXT COLLATE "C" NOT NULL DEFAULT '["north-korean-troops"]';
-- the story `ingest --story` named for a queued file or page; NULL: the stories its topic matches
ALTER TABLE ingest_jobs ADD COLUMN story TEXT COLLATE "C";
