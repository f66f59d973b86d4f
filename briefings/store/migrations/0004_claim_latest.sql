-- Queries over a million facts: each estimate knows its claimant group, and the latest estimate of
-- each claimant and status is kept up to date as estimates are stored, so /estimate reads a few
-- thousand rows instead of every estimate. fold_key() is registered by the store at connection time.

ALTER TABLE estimates ADD COLUMN group_key TEXT;
UPDATE estimates SET group_key = CASE WHEN entity_id IS NOT NULL THEN 'id:' || entity_id
                                      ELSE 'name:' || fold_key(claimant) END;
CREATE INDEX estimates_group ON estimates(group_key, status, claimed_on, id);

CREATE TABLE claim_latest (
    group_key   TEXT NOT NULL,
    status      TEXT NOT NULL,
    estimate_id INTEGER NOT NULL REFERENCES estimates(id) ON DELETE CASCADE,
    claimed_on  TEXT,                           -- copied from the estimate: sorted and summed without it
    value       INTEGER NOT NULL,
    low         INTEGER,
    high        INTEGER,
    PRIMARY KEY (group_key, status)
) WITHOUT ROWID;
CREATE INDEX claim_latest_recent ON claim_latest(claimed_on, estimate_id);

INSERT INTO claim_latest (group_key, status, estimate_id, claimed_on, value, low, high)
SELECT group_key, status, id, claimed_on, value, low, high FROM (
    SELECT group_key, status, id, claimed_on, value, low, high,
           ROW_NUMBER() OVER (PARTITION BY group_key, status ORDER BY COALESCE(claimed_on, '') DESC, id DESC) AS rn
      FROM estimates)
 WHERE rn = 1;

CREATE INDEX quotes_speaker_nocase ON quotes(speaker COLLATE NOCASE) WHERE entity_id IS NULL;

-- facts by their source (counts in /sources, and deletes cascading from a source), quotes by date (/timeline)
CREATE INDEX quotes_source ON quotes(source_id);
CREATE INDEX estimates_source ON estimates(source_id);
CREATE INDEX quotes_claimed ON quotes(claimed_on);

-- per claim: how many independent sources carry it and the first outlets that did ("reported by")
CREATE TABLE claim_stats (
    claim_key   TEXT PRIMARY KEY,
    independent INTEGER NOT NULL,
    outlets     TEXT NOT NULL                 -- JSON array, at most 8, in order of publication
);
INSERT INTO claim_stats (claim_key, independent, outlets)
SELECT claim_key, COUNT(DISTINCT root), json_group_array(label) FROM (
    SELECT DISTINCT f.claim_key, COALESCE(s.root_id, s.id) AS root, COALESCE(s.outlet, 'source ' || s.id) AS label
      FROM (SELECT claim_key, source_id FROM quotes UNION ALL SELECT claim_key, source_id FROM estimates) AS f
      JOIN sources AS s ON s.id = f.source_id
     ORDER BY s.published IS NULL, s.published, s.id)
 GROUP BY claim_key;

-- which independent sources (roots) carry each claim: counting a new one is one indexed insert
CREATE TABLE claim_roots (
    claim_key TEXT NOT NULL,
    root      INTEGER NOT NULL,
    PRIMARY KEY (claim_key, root)
) WITHOUT ROWID;
INSERT OR IGNORE INTO claim_roots (claim_key, root)
SELECT f.claim_key, COALESCE(s.root_id, s.id)
  FROM (SELECT claim_key, source_id FROM quotes UNION ALL SELECT claim_key, source_id FROM estimates) AS f
  JOIN sources AS s ON s.id = f.source_id;

-- how many sources contain each sampled shingle: boilerplate shared by many sources stops being indexed
CREATE TABLE shingle_df (
    hash INTEGER PRIMARY KEY,
    n    INTEGER NOT NULL
);
INSERT INTO shingle_df (hash, n) SELECT hash, COUNT(*) FROM source_shingles GROUP BY hash;
