-- One entity per person or body across the store. Entities were keyed by their folded name, so the
-- United States was "U.S.", "US" and "United States", South Korea's intelligence service three bodies,
-- and "the soldier" one person across every article. Re-key each entity by its identity
-- (briefings.extract.identity): merge those that share one into the first stored, drop those that are
-- only descriptions (their facts keep their words), and file a spokesperson's claims under the body
-- they speak for, voiced by them (estimates.voiced_by). Then count the claims and claimant groups that
-- changed again, as 0009 did. entity_key() and the other functions are registered by the store.

ALTER TABLE estimates ADD COLUMN voiced_by INTEGER REFERENCES entities(id);
CREATE INDEX IF NOT EXISTS estimates_voiced ON estimates(voiced_by) WHERE voiced_by IS NOT NULL;

-- the temporary tables are keyed as they are looked up: an UPDATE's correlated subquery scans an
-- unkeyed table once per row (quadratic at a million facts)
CREATE TEMP TABLE ident (id INTEGER PRIMARY KEY, k TEXT, n TEXT, sk TEXT, sn TEXT, affiliation TEXT, first_seen TEXT);
INSERT INTO ident
SELECT id, entity_key(name, kind, role, affiliation) AS k, entity_name(name, kind, role, affiliation) AS n,
       speaks_for_key(name, kind, role, affiliation) AS sk, speaks_for_name(name, kind, role, affiliation) AS sn,
       affiliation, first_seen
  FROM entities;

-- the bodies spokespeople speak for, where no entity is that body yet (one per identity)
INSERT INTO entities (name, key, kind, role, affiliation, first_seen)
SELECT sn, sk, 'body', NULL, MIN(affiliation), MIN(first_seen)
  FROM ident
 WHERE sk IS NOT NULL AND sk NOT IN (SELECT k FROM ident WHERE k IS NOT NULL)
 GROUP BY sk;
INSERT INTO ident (id, k, n) SELECT id, key, name FROM entities WHERE id NOT IN (SELECT id FROM ident);

-- each identity's entity: the first stored
CREATE TEMP TABLE canon (k TEXT PRIMARY KEY, id INTEGER NOT NULL);
CREATE INDEX temp.canon_id ON canon (id);
INSERT INTO canon SELECT k, MIN(id) FROM ident WHERE k IS NOT NULL GROUP BY k;
CREATE TEMP TABLE moved (old INTEGER PRIMARY KEY, new INTEGER NOT NULL);
INSERT INTO moved SELECT i.id, c.id FROM ident AS i JOIN canon AS c ON c.k = i.k;

-- facts onto their entity; a description's facts onto nobody; a spokesperson's claims onto the body
UPDATE quotes SET entity_id = (SELECT new FROM moved WHERE old = quotes.entity_id) WHERE entity_id IS NOT NULL;
CREATE TEMP TABLE refile (id INTEGER PRIMARY KEY, entity_id INTEGER, voiced_by INTEGER);
INSERT INTO refile
SELECT e.id,
       CASE WHEN i.sk IS NOT NULL THEN (SELECT id FROM canon WHERE k = i.sk)
            ELSE (SELECT new FROM moved WHERE old = e.entity_id) END AS entity_id,
       CASE WHEN i.sk IS NOT NULL THEN (SELECT new FROM moved WHERE old = e.entity_id) END AS voiced_by
  FROM estimates AS e JOIN ident AS i ON i.id = e.entity_id;
UPDATE estimates SET entity_id = (SELECT entity_id FROM refile WHERE refile.id = estimates.id),
                     voiced_by = (SELECT voiced_by FROM refile WHERE refile.id = estimates.id)
 WHERE id IN (SELECT id FROM refile);

-- the merged entities' names are found as their entity's; the identity's own name too
INSERT OR IGNORE INTO entity_aliases (alias_key, entity_id, alias)
SELECT a.alias_key, m.new, a.alias FROM entity_aliases AS a JOIN moved AS m ON m.old = a.entity_id WHERE m.old != m.new;
DELETE FROM entities WHERE id IN (SELECT id FROM ident WHERE k IS NULL) OR id IN (SELECT old FROM moved WHERE old != new);
UPDATE entities SET key = 'rekey:' || id;
UPDATE entities SET key = (SELECT k FROM canon WHERE canon.id = entities.id),
                    name = COALESCE((SELECT n FROM ident WHERE ident.id = entities.id), name);
INSERT OR IGNORE INTO entity_aliases (alias_key, entity_id, alias)
SELECT fold_key(name), id, name FROM entities WHERE fold_key(name) != '';

-- claims and claimant groups whose entity changed
CREATE TEMP TABLE rekey (kind TEXT, id INTEGER PRIMARY KEY, old_key TEXT, new_key TEXT, old_group TEXT, new_group TEXT);
INSERT INTO rekey
SELECT 'e' AS kind, id, claim_key AS old_key, estimate_key(entity_id, claimant, value, status) AS new_key,
       group_key AS old_group, group_key(entity_id, claimant) AS new_group
  FROM estimates;
DELETE FROM rekey WHERE old_key = new_key AND old_group = new_group;
UPDATE estimates SET claim_key = (SELECT new_key FROM rekey WHERE rekey.id = estimates.id),
                     group_key = (SELECT new_group FROM rekey WHERE rekey.id = estimates.id)
 WHERE id IN (SELECT id FROM rekey);

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

CREATE TEMP TABLE regroup (g TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT OR IGNORE INTO regroup SELECT old_group FROM rekey UNION SELECT new_group FROM rekey;
DELETE FROM claim_latest WHERE group_key IN (SELECT g FROM regroup);
INSERT INTO claim_latest (group_key, status, estimate_id, claimed_on, value, low, high)
SELECT group_key, status, id, claimed_on, value, low, high FROM (
    SELECT group_key, status, id, claimed_on, value, low, high,
           ROW_NUMBER() OVER (PARTITION BY group_key, status ORDER BY COALESCE(claimed_on, '') DESC, id DESC) AS rn
      FROM estimates WHERE group_key IN (SELECT g FROM regroup))
 WHERE rn = 1;

DROP TABLE ident;
DROP TABLE canon;
DROP TABLE moved;
DROP TABLE refile;
DROP TABLE rekey;
DROP TABLE touched;
DROP TABLE carried;
DROP TABLE regroup;
