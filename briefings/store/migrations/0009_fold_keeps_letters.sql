-- fold_key() collapsed repeated letters ("AAAAA" folded to "a", which is the start of every name with
-- an a) and dropped every letter outside a-z ("Зеленский" and "김정은" folded to nothing, so all such
-- names were one key). It now keeps the letters of every script as they are. Re-key the people and
-- bodies, their aliases, the quotes and the claimants without an entity; then recount the claims and
-- the claimant groups touched, as 0006 did. fold_key() and quote_key() are registered by the store.

-- people and bodies: one key each, the lowest id first when two names now fold alike
UPDATE entities SET key = 'rekey:' || id;
UPDATE entities SET key = fold_key(name)
 WHERE id IN (SELECT MIN(id) FROM entities GROUP BY fold_key(name));
UPDATE entities SET key = fold_key(name) || ' #' || id WHERE key = 'rekey:' || id;

-- aliases: each name an entity was written as, folded whole, and a person's name parts of three or more letters
CREATE TEMP TABLE written AS SELECT DISTINCT entity_id, alias FROM entity_aliases;
DELETE FROM entity_aliases;
INSERT OR IGNORE INTO entity_aliases (alias_key, entity_id, alias)
SELECT fold_key(alias), entity_id, alias FROM written WHERE fold_key(alias) != '';
WITH RECURSIVE parts (entity_id, alias, word, rest) AS (
    SELECT w.entity_id, w.alias, '', fold_key(w.alias) || ' '
      FROM written AS w JOIN entities AS e ON e.id = w.entity_id WHERE e.kind = 'person'
    UNION ALL
    SELECT entity_id, alias, substr(rest, 1, instr(rest, ' ') - 1), substr(rest, instr(rest, ' ') + 1)
      FROM parts WHERE rest != ''
)
INSERT OR IGNORE INTO entity_aliases (alias_key, entity_id, alias)
SELECT word, entity_id, alias FROM parts WHERE length(word) >= 3;
DROP TABLE written;

-- claims whose key folds differently now
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
