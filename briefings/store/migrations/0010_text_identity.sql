-- An article is known by its outlet and its text as well, wherever it was fetched from: a feed that
-- gives its entries a new id and link on every poll adds nothing new. Of the sources stored before
-- with one outlet and text, the first is the one the text is known by. article_text_hash() is
-- registered by the store at connection time.

CREATE TABLE IF NOT EXISTS source_texts (
    hash      TEXT PRIMARY KEY,               -- body_hash(): sha256 of outlet and normalised body
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE
) WITHOUT ROWID;

INSERT OR IGNORE INTO source_texts (hash, source_id)
SELECT article_text_hash(outlet, body), id FROM sources ORDER BY id;
