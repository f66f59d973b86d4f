-- fold_key() collapsed doubled digits as well as doubled letters, so "we lost 100 men" and "we lost
-- 10 men" made one quote key (and claimants differing in a doubled digit one group). It now keeps
-- digits: re-key what changes and recount the claims and groups touched. quote_key() and fold_key()
-- are registered by the store at connection time.

CREATE TEMP TABLE rekey (kind TEXT, id INTEGER, old_key TEXT, new_key TEXT, old_group TEXT, new_group TEXT,
                         PRIMARY KEY (kind, id));  -- keyed: each row's update finds its own

INSERT INTO rekey (kind, id, old_key, new_key)
SELECT 'q', id, claim_key, k FROM (SELECT id, claim_key, quote_key(text) AS k FROM quotes) WHERE claim_key != k;

INSERT INTO rekey (kind, id, old_key, new_key, old_group, new_group)
SELECT 'e', id, claim_key, 'e:' || f || ':' || value || ':' || status, group_key, 'name:' || f
  FROM (SELECT id, claim_key, group_key, value, status, fold_key(claimant) AS f FROM estimates WHERE entity_id IS NULL)
 WHERE group_key != 'name:' || f;

UPDATE quotes SET claim_key = (SELECT new_key FROM rekey WHERE kind = 'q' AND rekey.id = quotes.id)
 WHERE id IN (SELECT id FROM rekey WHERE kind = 'q');
UPDATE estimates SET claim_key = (SELECT new_key FROM rekey WHERE kind = 'e' AND rekey.id = estimates.id),
                     group_key = (SELECT new_group FROM rekey WHERE kind = 'e' AND rekey.id = estimates.id)
 WHERE id IN (SELECT id FROM rekey WHERE kind = 'e');

-- claims touched: count their independent sources and first outlets again
CREATE TEMP TABLE touched (k TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT OR IGNORE INTO touched SELECT old_key FROM rekey UNION SELECT new_key FROM rekey;
CREATE TEMP TABLE carried AS
SELECT f.claim_key, COALESCE(s.root_id, s.id) AS root, COALESCE(s.outlet, 'source ' || s.id) AS label,
       s.published, s.id AS source_id
  FROM (SELECT claim_key, source_id FROM quotes WHERE claim_key IN (SELECT k FROM touched)
        UNION ALL SELECT claim_key, source_id FROM estimates WHERE claim_key IN (SELECT k FROM touched)) AS f
  JOIN sources AS s ON s.id = f.source_id;

DELETE FROM claim_roots WHERE claim_key IN (SELECT k FROM touched);
DELETE FROM claim_stats WHERE claim_key IN (SELECT k FROM touched);
INSERT OR IGNORE INTO claim_roots (claim_key, root) SELECT claim_key, root FROM carried;
INSERT INTO claim_stats (claim_key, independent, outlets)
SELECT claim_key, (SELECT COUNT(*) FROM claim_roots AS r WHERE r.claim_key = firsts.claim_key), json_group_array(label)
  FROM (SELECT claim_key, label FROM (
            SELECT claim_key, label, ROW_NUMBER() OVER (PARTITION BY claim_key ORDER BY first_published IS NULL,
                                                        first_published, first_source) AS rn
              FROM (SELECT claim_key, label, MIN(published) AS first_published, MIN(source_id) AS first_source
                      FROM carried GROUP BY claim_key, label))
         WHERE rn <= 8
         ORDER BY claim_key, rn) AS firsts
 GROUP BY claim_key;

-- claimant groups touched: their latest estimate per status again
CREATE TEMP TABLE regroup (g TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT OR IGNORE INTO regroup SELECT old_group FROM rekey WHERE kind = 'e' UNION SELECT new_group FROM rekey WHERE kind = 'e';
DELETE FROM claim_latest WHERE group_key IN (SELECT g FROM regroup);
INSERT INTO claim_latest (group_key, status, estimate_id, claimed_on, value, low, high)
SELECT group_key, status, id, claimed_on, value, low, high FROM (
    SELECT group_key, status, id, claimed_on, value, low, high,
           ROW_NUMBER() OVER (PARTITION BY group_key, status ORDER BY COALESCE(claimed_on, '') DESC, id DESC) AS rn
      FROM estimates WHERE group_key IN (SELECT g FROM regroup))
 WHERE rn = 1;

DROP TABLE rekey;
DROP TABLE touched;
DROP TABLE carried;
DROP TABLE regroup;
