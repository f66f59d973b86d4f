-- The fact store: sources, the sentences facts were read from, people and bodies, quotes, estimates.

CREATE TABLE sources (
    id            INTEGER PRIMARY KEY,
    origin        TEXT NOT NULL,              -- the path or URL it was ingested from
    outlet        TEXT,
    title         TEXT,
    url           TEXT,
    published     TEXT,                       -- ISO 8601 with offset, or NULL when unknown
    kind          TEXT NOT NULL CHECK (kind IN ('original', 'rewrite')),
    content_hash  TEXT NOT NULL UNIQUE,       -- sha256 of outlet, url and normalised body: re-ingesting changes nothing
    body          TEXT NOT NULL,
    shingle_count INTEGER NOT NULL,           -- sampled shingles, for near-duplicate containment
    copy_of       INTEGER REFERENCES sources(id),    -- a near-copy of that earlier source
    rewrite_of    INTEGER REFERENCES sources(id),    -- a rewrite of that earlier source
    root_id       INTEGER REFERENCES sources(id),    -- the independent source it counts as
    ingested_at   TEXT NOT NULL
);
CREATE INDEX sources_published ON sources(published);
CREATE INDEX sources_ingested ON sources(ingested_at);

-- Sampled word 5-gram hashes of each body, to find near-copies without reading every body.
CREATE TABLE source_shingles (
    hash      INTEGER NOT NULL,
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    PRIMARY KEY (hash, source_id)
) WITHOUT ROWID;

CREATE TABLE entities (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    key         TEXT NOT NULL UNIQUE,       -- folded name
    kind        TEXT NOT NULL CHECK (kind IN ('person', 'body', 'unknown')),
    role        TEXT,
    affiliation TEXT,
    first_seen  TEXT NOT NULL
);

CREATE TABLE entity_aliases (
    alias_key TEXT NOT NULL,                -- folded: "kirby", "john kirby", "zelenskyy"
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    alias     TEXT NOT NULL,
    PRIMARY KEY (alias_key, entity_id)
) WITHOUT ROWID;

CREATE TABLE sentences (
    id        INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    start     INTEGER NOT NULL,
    end       INTEGER NOT NULL,
    text      TEXT NOT NULL,
    UNIQUE (source_id, start)
);

CREATE TABLE quotes (
    id          INTEGER PRIMARY KEY,
    source_id   INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    sentence_id INTEGER NOT NULL REFERENCES sentences(id) ON DELETE CASCADE,
    entity_id   INTEGER REFERENCES entities(id),
    speaker     TEXT,                       -- as attributed, resolved ("Yoon Suk Yeol’s office")
    text        TEXT NOT NULL,
    claimed_on  TEXT,                       -- ISO date
    date_basis  TEXT NOT NULL CHECK (date_basis IN ('stated', 'published', 'unknown')),
    claim_key   TEXT NOT NULL,              -- equal for the same quote in any source
    created_at  TEXT NOT NULL
);
CREATE INDEX quotes_entity ON quotes(entity_id, claimed_on DESC);
CREATE INDEX quotes_claim ON quotes(claim_key);
CREATE INDEX quotes_created ON quotes(created_at);

CREATE TABLE estimates (
    id          INTEGER PRIMARY KEY,
    source_id   INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    sentence_id INTEGER NOT NULL REFERENCES sentences(id) ON DELETE CASCADE,
    entity_id   INTEGER REFERENCES entities(id),   -- NULL when the outlet itself claims it
    claimant    TEXT NOT NULL,
    value       INTEGER NOT NULL,
    low         INTEGER,
    high        INTEGER,
    qualifier   TEXT NOT NULL CHECK (qualifier IN ('exact', 'approx', 'at_least', 'more_than', 'up_to', 'range')),
    status      TEXT NOT NULL CHECK (status IN ('planned', 'deployed', 'frontline', 'casualties')),
    claimed_on  TEXT,
    date_basis  TEXT NOT NULL CHECK (date_basis IN ('stated', 'published', 'unknown')),
    claim_key   TEXT NOT NULL,              -- claimant, number and status: equal for the same claim anywhere
    created_at  TEXT NOT NULL
);
CREATE INDEX estimates_status ON estimates(status, claimant, claimed_on DESC);
CREATE INDEX estimates_entity ON estimates(entity_id, claimed_on DESC);
CREATE INDEX estimates_claim ON estimates(claim_key);
CREATE INDEX estimates_created ON estimates(created_at);
CREATE INDEX estimates_claimed ON estimates(claimed_on);

-- Full-text search over quotes and the sentences of estimates.
CREATE VIRTUAL TABLE facts_fts USING fts5(
    text,
    speaker,
    kind UNINDEXED,
    fact_id UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2'
);
