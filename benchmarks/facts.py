"""A store of N synthetic facts, written in bulk with the store's own schema, for query benchmarks.

Ten facts per source, about 40% estimates and 60% quotes, 2,000 people (one in ten a spokesperson),
claims spread over two years; claim keys repeat across sources as copies do in the real store. The SQLite store
is written directly; the PostgreSQL one is that store copied by `briefings migrate-store`, so both
hold the very same rows.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import sqlite3
from pathlib import Path

from briefings.store.copies import REPORTED_BY_KEPT
from briefings.store.copy_store import Copied, migrate_store
from briefings.store.facts import connect, estimate_key, fold_key, quote_key, schema_version, sql_functions

FIRST = [
    "Alma",
    "Piet",
    "Helga",
    "Omar",
    "Ingrid",
    "Tomas",
    "Sara",
    "Jonas",
    "Lena",
    "Karin",
    "Aldo",
    "Marta",
    "Kim",
    "Lee",
    "Park",
    "Ivan",
    "Olga",
    "Dmitri",
    "Yuki",
    "Chen",
]
LAST = [
    "Ruiz",
    "Haller",
    "Brandt",
    "Said",
    "Solberg",
    "Riva",
    "Lind",
    "Varga",
    "Koss",
    "Holt",
    "Mancini",
    "Ilves",
    "Jeon",
    "Yoon",
    "Petrov",
    "Sato",
    "Wang",
    "Novak",
    "Kowalski",
    "Moreau",
    "Rossi",
    "Fischer",
    "Weber",
    "Meyer",
    "Schulz",
    "Becker",
    "Hoffmann",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Werner",
    "Krause",
    "Lehmann",
    "Kaiser",
    "Fuchs",
    "Scholz",
    "Vogel",
    "Jung",
    "Keller",
    "Roth",
    "Frank",
    "Berger",
    "Winkler",
    "Lorenz",
    "Baumann",
    "Albrecht",
    "Simon",
    "Ludwig",
    "Peters",
    "Graf",
    "Kuhn",
    "Pohl",
    "Engel",
    "Horn",
    "Busch",
    "Bergmann",
    "Thomas",
    "Voigt",
    "Sauer",
    "Arnold",
    "Wolff",
    "Pfeiffer",
    "Haas",
    "Franke",
    "Beck",
    "Ernst",
    "Jansen",
    "Seidel",
    "Heinrich",
    "Brandt2",
    "Haase",
    "Schreiber",
    "Schuster",
    "Dietrich",
    "Kraus",
    "Kühn",
    "Böhm",
    "Schubert",
    "Vogt",
    "Stein",
    "Jäger",
    "Otto",
    "Sommer",
    "Groß",
    "Seifert",
    "Heinz",
    "Brandl",
    "Hahn",
    "Schulte",
    "Dietz",
]
WORDS = (
    "troops soldiers border talks ceasefire deployment training brigade frontline casualties reports ministry "
    "intelligence statement briefing lawmakers embassy sanctions alliance treaty escalation negotiations "
    "supplies artillery convoy region reinforcements assessment"
).split()
STATUSES = ["planned", "deployed", "frontline", "casualties"]
# three stories in one store, a third of the sources each; a story's statuses are the seed statuses'
# counterparts in this order (the store keeps any story's names)
STORIES = {
    "north-korean-troops": STATUSES,
    "hurricane-helene": ["killed", "injured", "missing", "displaced"],
    "hong-kong-protests": ["attended", "arrested", "injured", "killed"],
}
# one person in ten a spokesperson, whose claims are filed under the body they speak for (Vardia),
# voiced by them; the rest claim in their own name
ROLES = [
    "analyst",
    "lawmaker",
    "envoy",
    "Defence Minister",
    "general",
    "governor",
    "ambassador",
    "adviser",
    "commander",
]
ROLES.append("spokesperson")
QUALIFIERS = ["exact", "approx", "at_least", "more_than", "up_to"]


def build(path: Path, n_facts: int, seed: int = 11) -> Path:
    """A fresh store at `path` holding about `n_facts` facts (quotes plus estimates)."""
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    for p in (path, path.with_suffix(".db-wal"), path.with_suffix(".db-shm")):
        p.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    for name, n, fn in sql_functions():  # what the migrations call, as the store registers them
        conn.create_function(name, n, fn, deterministic=True)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    from briefings.store.facts import migrations

    # the tables first; the later migrations derive their summaries (claim_latest, claim_stats) from the data
    pending = migrations()
    while pending and pending[0].number <= 3:
        step = pending.pop(0)
        conn.executescript(f"BEGIN;\n{step.sql}\nPRAGMA user_version = {step.number};\nCOMMIT;")
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC).isoformat()
    start = dt.date(2024, 1, 1)
    people = [(pid, name, fold_key(name)) for pid, name in enumerate(people_names(), start=1)]
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO entities (id, name, key, kind, role, affiliation, first_seen) VALUES (?, ?, ?, 'person', ?, ?, ?)",
        [(pid, name, key, ROLES[pid % len(ROLES)], "Vardia", now) for pid, name, key in people],
    )
    aliases = []
    for pid, name, key in people:
        aliases.append((key, pid, name))
        for part in key.split():
            aliases.append((part, pid, name))
    conn.executemany("INSERT OR IGNORE INTO entity_aliases (alias_key, entity_id, alias) VALUES (?, ?, ?)", aliases)
    n_sources = max(1, n_facts // 10)
    sources, sentences, quotes, estimates, fts = [], [], [], [], []
    fact_id = 0
    for sid in range(1, n_sources + 1):
        day = start + dt.timedelta(days=rng.randrange(730))
        root = sid if rng.random() > 0.1 or sid < 10 else rng.randrange(1, sid)
        sources.append(
            (
                sid,
                f"gen/{sid}.txt",
                f"Outlet {sid % 300}",
                f"Story {sid}",
                None,
                dt.datetime.combine(day, dt.time(9), dt.UTC).isoformat(),
                "original",
                f"h{sid}",
                "…",
                0,
                None if root == sid else root,
                root,
                now,
            )
        )
        for k in range(10):
            fact_id += 1
            sentence = " ".join(rng.choice(WORDS) for _ in range(18)) + "."
            sentences.append((fact_id, sid, k * 200, k * 200 + len(sentence), sentence))
            pid, name, _ = people[popular_index(rng, len(people))]
            claimed = (day - dt.timedelta(days=rng.randrange(3))).isoformat()
            if rng.random() < 0.4:
                status = rng.choice(STATUSES)
                value = rng.choice([500, 1000, 3000, 8000, 10000, 11000, 12000, 15000])
                estimates.append(
                    (
                        fact_id,
                        sid,
                        fact_id,
                        pid,
                        name,
                        value,
                        rng.choice(QUALIFIERS),
                        status,
                        claimed,
                        "stated",
                        estimate_key(pid, name, value, status),
                        now,
                    )
                )
                fts.append((sentence, name, "estimate", fact_id))
            else:
                text = " ".join(rng.choice(WORDS) for _ in range(12))
                quotes.append((fact_id, sid, fact_id, pid, name, text, claimed, "stated", quote_key(text), now))
                fts.append((text, name, "quote", fact_id))
    conn.executemany(
        """INSERT INTO sources (id, origin, outlet, title, url, published, kind, content_hash, body, shingle_count,
                                copy_of, root_id, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        sources,
    )
    conn.executemany("INSERT INTO sentences (id, source_id, start, end, text) VALUES (?, ?, ?, ?, ?)", sentences)
    conn.executemany(
        """INSERT INTO estimates (id, source_id, sentence_id, entity_id, claimant, value, qualifier, status, claimed_on,
                                  date_basis, claim_key, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        estimates,
    )
    conn.executemany(
        """INSERT INTO quotes (id, source_id, sentence_id, entity_id, speaker, text, claimed_on, date_basis, claim_key,
                               created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        quotes,
    )
    conn.executemany("INSERT INTO facts_fts (text, speaker, kind, fact_id) VALUES (?, ?, ?, ?)", fts)
    conn.execute("COMMIT")
    while pending and pending[0].sql is not None:
        step = pending.pop(0)
        conn.executescript(f"BEGIN;\n{step.sql}\nPRAGMA user_version = {step.number};\nCOMMIT;")
    share_stories(conn)
    conn.close()
    if pending:  # a step written in Python (0016 files entities again) runs as the store runs it, then the rest
        asyncio.run(_open(path))
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema_version()
    conn.execute("ANALYZE")
    conn.close()
    return path


async def _open(path: Path) -> None:
    async with connect(path):
        pass


def share_stories(conn: sqlite3.Connection) -> None:
    """Spread the store over the three stories, a third of the sources each (by id), each story's
    estimates in its own statuses and keys, with the summaries the store keeps made again."""
    names = list(STORIES)
    conn.create_function("story_key", 5, lambda e, c, v, s, st: estimate_key(e, c, v, s, st), deterministic=True)
    story_of = "CASE source_id % 3 " + " ".join(f"WHEN {i} THEN '{n}'" for i, n in enumerate(names)) + " END"
    status_of = (
        "CASE "
        + " ".join(
            f"WHEN story = '{n}' AND status = '{old}' THEN '{new}'"
            for n in names[1:]
            for old, new in zip(STATUSES, STORIES[n], strict=True)
        )
        + " ELSE status END"
    )
    conn.executescript(
        f"""BEGIN;
        UPDATE estimates SET story = {story_of};
        UPDATE estimates SET status = {status_of};
        UPDATE estimates SET claim_key = story_key(entity_id, claimant, value, status, story);
        DELETE FROM source_stories;
        INSERT INTO source_stories (story, source_id) SELECT {story_of.replace("source_id", "id")}, id FROM sources;
        DELETE FROM claim_latest;
        INSERT INTO claim_latest (story, group_key, status, estimate_id, claimed_on, value, low, high)
        SELECT story, group_key, status, id, claimed_on, value, low, high FROM (
            SELECT story, group_key, status, id, claimed_on, value, low, high,
                   ROW_NUMBER() OVER (PARTITION BY story, group_key, status
                                      ORDER BY COALESCE(claimed_on, '') DESC, id DESC) AS rn
              FROM estimates) WHERE rn = 1;
        DELETE FROM claim_roots WHERE claim_key LIKE 'e:%';
        INSERT OR IGNORE INTO claim_roots (claim_key, root)
        SELECT e.claim_key, COALESCE(s.root_id, s.id) FROM estimates AS e JOIN sources AS s ON s.id = e.source_id;
        DELETE FROM claim_stats WHERE claim_key LIKE 'e:%';
        -- as the store keeps them: the independent sources counted, the first REPORTED_BY_KEPT outlets named
        INSERT INTO claim_stats (claim_key, independent, outlets)
        SELECT claim_key, COUNT(DISTINCT root), json_group_array(label) FILTER (WHERE rn <= {REPORTED_BY_KEPT}) FROM (
            SELECT claim_key, root, label, ROW_NUMBER() OVER (PARTITION BY claim_key ORDER BY id) AS rn FROM (
                SELECT DISTINCT e.claim_key, COALESCE(s.root_id, s.id) AS root, s.outlet AS label, s.id
                  FROM estimates AS e JOIN sources AS s ON s.id = e.source_id))
         GROUP BY claim_key;
        COMMIT;"""
    )


async def build_postgres(url: str, sqlite_store: Path) -> Copied | None:
    """The PostgreSQL database at `url` (which must exist) holding a copy of `sqlite_store`, unless
    it holds one already (then None)."""
    async with connect(url) as conn:
        if await conn.fetchval("SELECT COUNT(*) FROM sources"):
            return None
    return await migrate_store(sqlite_store, url)


def popular_index(rng: random.Random, n: int) -> int:
    """Who speaks: a few people very often, most rarely (a Pareto draw)."""
    return int(rng.paretovariate(1.2)) % n


def popular_name(rng: random.Random, names: list[str]) -> str:
    """A name (of `people_names()`) asked about as often as it speaks in the synthetic store."""
    return names[popular_index(rng, len(names))]


def people_names(n: int = 2000) -> list[str]:
    """n distinct names, whose folded keys are distinct too."""
    names: dict[str, str] = {}
    for last in LAST:
        for first in FIRST:
            names.setdefault(fold_key(f"{first} {last}"), f"{first} {last}")
    return list(names.values())[:n]
