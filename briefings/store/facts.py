"""The fact store, on SQLite or PostgreSQL (briefings.db): opening, migrating, and writing one
article's facts in one transaction."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import importlib
import json
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from briefings.extract.identity import Identity, identity, seat_of_key, speaks_for
from briefings.extract.names import similar_names
from briefings.models import (
    SEED_STORY,
    Article,
    ArticleError,
    DateBasis,
    EntityKind,
    EntityRef,
    Estimate,
    Extraction,
)
from briefings.store import copies, db, fulltext
from briefings.store.copies import COMMON_SHINGLE_SOURCES, shingle_hashes
from briefings.store.db import Connection, Row, Transaction
from briefings.store.matching import fold_key, variant_aliases
from briefings.words import source_label

log = logging.getLogger(__name__)

STORE_WRITES = "briefings:store-writes"  # the lock an article's (or a removal's) writes hold, as on SQLite
MIGRATIONS = "briefings:migrations"

StoreError = db.DatabaseError  # the database cannot be used; the message says why in one sentence


class UnstorableError(ArticleError):
    """An article holding a value the store cannot keep (a number beyond 64-bit integers, text that
    is not valid Unicode or holds a NUL); it is that article's error, and nothing of it is stored."""


@dataclass(frozen=True, slots=True)
class Migration:
    """One numbered step of the schema: SQL, or a Python module's `async def upgrade(conn)` (for a
    step that computes in Python what SQLite would call a registered function for)."""

    number: int
    name: str
    sql: str | None = None
    upgrade: Callable[[Transaction], Awaitable[None]] | None = None


def migrations(dialect: db.Dialect = db.SQLITE) -> list[Migration]:
    """The numbered migrations shipped for an engine, in order: `briefings/migrations/` for SQLite,
    `briefings/migrations/postgresql/` for PostgreSQL."""
    package = "briefings.store.migrations" + (".postgresql" if dialect.postgresql else "")
    out = []
    for item in resources.files(package).iterdir():
        m = re.match(r"^(\d+)_\w*\.(sql|py)$", item.name)
        if m is None:
            continue
        if m.group(2) == "sql":
            out.append(Migration(int(m.group(1)), item.name, sql=item.read_text(encoding="utf-8")))
        else:
            module = importlib.import_module(f"{package}.{item.name[:-3]}")
            out.append(Migration(int(m.group(1)), item.name, upgrade=module.upgrade))
    return sorted(out, key=lambda m: m.number)


def schema_version(dialect: db.Dialect = db.SQLITE) -> int:
    return migrations(dialect)[-1].number


# functions SQLite's migrations call (those that re-key stored facts); PostgreSQL's never need them
def sql_functions() -> list[tuple[str, int, Callable[..., object]]]:
    return [
        ("fold_key", 1, fold_key),
        ("quote_key", 1, quote_key),
        ("article_text_hash", 2, body_hash),
        *((name, n, fn) for name, fn, n in _IDENTITY_FUNCTIONS),
    ]


@asynccontextmanager
async def connect(target: str | Path, *, migrate: bool = True, create: bool = True) -> AsyncIterator[Connection]:
    """Open the store (a SQLite file's path, or a postgresql:// URL), upgraded to the current schema;
    a store of a newer schema is refused, and without `create` a database holding no store yet (an
    empty PostgreSQL database) is not made one. Raises `StoreError`."""
    async with db.open_database(target, sqlite_functions=sql_functions()) as conn:
        try:
            if not create and await _version(conn) == 0:
                raise StoreError(f"there is no store at {db.shown(target)}; `briefings ingest PATH` creates it")
            await _check_and_migrate(conn, migrate)
        except (sqlite3.DatabaseError, _postgres_error()) as exc:
            reason = " ".join(str(exc).split())
            raise StoreError(f"{db.shown(target)} is not a usable briefings database: {reason}") from exc
        yield conn


def _postgres_error() -> type[Exception]:
    try:
        import asyncpg
    except ImportError:  # pragma: no cover - asyncpg is a dependency; without it only SQLite opens
        return sqlite3.DatabaseError
    return asyncpg.PostgresError


async def _check_and_migrate(conn: Connection, migrate: bool) -> None:
    current, latest = await _version(conn), schema_version(conn.dialect)
    _check_version(current, latest, migrate)
    if current == latest:
        return
    # one process migrates: the lock first, then the version again, since another process may have
    # migrated while this one waited for it (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock)
    async with conn.transaction() as tx:
        await tx.lock(MIGRATIONS)
        if tx.dialect.postgresql:
            await tx.execute("CREATE TABLE IF NOT EXISTS store_version (version BIGINT NOT NULL)")
        current = await _version(tx)
        _check_version(current, latest, migrate)
        for step in migrations(tx.dialect):
            if step.number <= current:
                continue
            log.debug("applying migration %04d (%s)", step.number, step.name)
            if step.upgrade is not None:
                await step.upgrade(tx)
            elif tx.dialect.postgresql:
                await tx.execute(step.sql or "")  # one script: PostgreSQL's DDL is transactional
            else:
                for statement in sql_statements(step.sql or ""):
                    if await _column_exists(tx, statement):
                        continue  # a store set back to an older version (an upgrade test) has the column already
                    await tx.execute(statement)
            await _set_version(tx, step.number)
    if current == 0:  # one line for the whole schema; each step is at DEBUG
        log.info("made a new store (schema version %d)", latest)
    elif current < latest:  # (another process may have migrated while this one waited)
        log.info("upgraded the store from schema version %d to %d", current, latest)


async def _version(conn: Connection) -> int:
    """The schema version of the store: SQLite's user_version; PostgreSQL's store_version table."""
    if not conn.dialect.postgresql:
        return int(await conn.fetchval("PRAGMA user_version") or 0)
    if await conn.fetchval("SELECT to_regclass('store_version') IS NULL"):
        return 0
    return int(await conn.fetchval("SELECT MAX(version) FROM store_version") or 0)


async def _set_version(tx: Transaction, number: int) -> None:
    if tx.dialect.postgresql:
        await tx.execute("DELETE FROM store_version")
        await tx.execute("INSERT INTO store_version (version) VALUES (?)", (number,))
    else:
        await tx.execute(f"PRAGMA user_version = {int(number)}")


_ADD_COLUMN = re.compile(r"(?:\s*--[^\n]*\n)*\s*ALTER\s+TABLE\s+(\w+)\s+ADD\s+COLUMN\s+(\w+)", re.I)


async def _column_exists(conn: Connection, statement: str) -> bool:
    """Does an ALTER TABLE … ADD COLUMN statement add a column the table has already? (SQLite)"""
    m = _ADD_COLUMN.match(statement)
    if m is None:
        return False
    columns = await conn.fetch(f"PRAGMA table_info({m.group(1)})")
    return any(c[1] == m.group(2) for c in columns)


def _check_version(current: int, latest: int, migrate: bool) -> None:
    if current > latest:
        raise StoreError(
            f"the database has schema version {current}, newer than this briefings ({latest}); upgrade briefings"
        )
    if current < latest and not migrate:
        raise StoreError(
            f"the database has schema version {current}, expected {latest}; run any briefings command to upgrade"
        )


def sql_statements(sql: str) -> Iterator[str]:
    """The statements of a migration file, one at a time (a script run whole would commit the
    transaction it runs in). SQLite's own tokenizer decides where one ends: a `;` in a string, a
    comment or a trigger's body does not."""
    pending = ""
    for piece in sql.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if re.sub(r"--[^\n]*|/\*.*?\*/|\s|;", "", pending, flags=re.S):
                yield pending
            pending = ""


# ----------------------------------------------------------------------------- helpers


def stored_date(value: str | None) -> dt.date | None:
    """A date as the store keeps it (ISO text), read back."""
    return dt.date.fromisoformat(value) if value else None


def stored_datetime(value: str | None) -> dt.datetime | None:
    """A moment as the store keeps it (ISO text with its offset), read back."""
    return dt.datetime.fromisoformat(value) if value else None


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def content_hash(article: Article) -> str:
    """The identity of an article: its text as published by one outlet at one address.

    The same text from another outlet is a syndicated copy, stored and marked as such."""
    m = article.meta
    ident = "\x1f".join([m.outlet or "", m.url or "", " ".join(article.body.split())])
    return hashlib.sha256(ident.encode("utf-8")).hexdigest()


def body_hash(outlet: str | None, body: str) -> str:
    """The identity of an article's text at one outlet, wherever it was fetched from: a feed that
    gives its entries a new id and link on every poll adds nothing new."""
    ident = "\x1f".join(["text", outlet or "", " ".join(body.split())])
    return hashlib.sha256(ident.encode("utf-8")).hexdigest()


def quote_key(text: str) -> str:
    norm = fold_key(text)
    return "q:" + hashlib.sha1(norm.encode()).hexdigest()[:16]


def group_key(entity_id: int | None, claimant: str) -> str:
    """Which claimant an estimate belongs to: the stored entity, else the folded name (an outlet)."""
    return f"id:{entity_id}" if entity_id is not None else f"name:{fold_key(claimant)}"


async def note_latest(conn: Connection, source_id: int) -> None:
    """Keep claim_latest pointing at the newest estimate (by claim date, then id) of each claimant
    and status in each story, for the estimates a source just added."""
    # the source's newest of each first: one statement may not update a row twice (PostgreSQL)
    await conn.execute(
        """INSERT INTO claim_latest (story, group_key, status, estimate_id, claimed_on, value, low, high)
           SELECT story, group_key, status, id, claimed_on, value, low, high FROM (
               SELECT story, group_key, status, id, claimed_on, value, low, high,
                      ROW_NUMBER() OVER (PARTITION BY story, group_key, status
                                         ORDER BY COALESCE(claimed_on, '') DESC, id DESC) AS rn
                 FROM estimates WHERE source_id = ?) AS mine
            WHERE rn = 1
           ON CONFLICT (story, group_key, status) DO UPDATE SET estimate_id = excluded.estimate_id,
               claimed_on = excluded.claimed_on, value = excluded.value, low = excluded.low, high = excluded.high
            WHERE (COALESCE(excluded.claimed_on, ''), excluded.estimate_id)
                > (COALESCE(claim_latest.claimed_on, ''), claim_latest.estimate_id)""",
        (source_id,),
    )


async def note_claims(conn: Connection, keys: list[str], root: int, label: str, published: str | None) -> None:
    """Count a source (of root `root`, labelled `label`, published then) carrying claims: one more
    independent source for each claim its root did not carry yet; the label takes its place among
    the first outlets kept, by when each first carried the claim."""
    known: set[str] = set()
    dated: dict[str, dict[str, str | None]] = {}
    uncounted: list[str] = []  # counted before outlets were kept with their dates: counted again
    for i in range(0, len(keys), 500):
        chunk = keys[i : i + 500]
        marks = ",".join("?" * len(chunk))
        rows = await conn.fetch(
            f"SELECT claim_key FROM claim_roots WHERE root = ? AND claim_key IN ({marks})", [root, *chunk]
        )
        known.update(r[0] for r in rows)
        rows = await conn.fetch(f"SELECT claim_key, dated FROM claim_stats WHERE claim_key IN ({marks})", chunk)
        for key, kept in rows:
            if kept is None:
                uncounted.append(key)
            else:
                dated[key] = {label: when for label, when in json.loads(kept)}
    await conn.executemany(
        "INSERT INTO claim_roots (claim_key, root) VALUES (?, ?) ON CONFLICT DO NOTHING",
        [(k, root) for k in keys if k not in known],
    )
    when = copies.utc_published(published)
    stats = []
    for key in keys:
        kept = dated.get(key, {})
        kept[label] = copies.earlier(kept[label], when) if label in kept else when
        firsts = copies.first_outlets(kept)
        new_root = int(key not in known)
        stats.append((key, new_root, json.dumps([lb for lb, _ in firsts]), json.dumps(firsts), new_root))
    await conn.executemany(
        """INSERT INTO claim_stats (claim_key, independent, outlets, dated) VALUES (?, ?, ?, ?)
           ON CONFLICT (claim_key) DO UPDATE SET independent = claim_stats.independent + ?,
               outlets = excluded.outlets, dated = excluded.dated""",
        stats,
    )
    if uncounted:
        await copies.recount_claims(conn, uncounted)


async def relatest(conn: Connection, groups: list[str]) -> None:
    """The latest estimate of each status of these claimant groups, in every story, found again."""
    d = conn.dialect
    for i in range(0, len(groups), 500):
        chunk = d.array(groups[i : i + 500])
        await conn.execute(f"DELETE FROM claim_latest WHERE group_key IN ({d.each('TEXT')})", (chunk,))
        await conn.execute(
            f"""INSERT INTO claim_latest (story, group_key, status, estimate_id, claimed_on, value, low, high)
               SELECT story, group_key, status, id, claimed_on, value, low, high FROM (
                   SELECT story, group_key, status, id, claimed_on, value, low, high,
                          ROW_NUMBER() OVER (PARTITION BY story, group_key, status
                                             ORDER BY COALESCE(claimed_on, '') DESC, id DESC) AS rn
                     FROM estimates WHERE group_key IN ({d.each("TEXT")})) AS ranked
                WHERE rn = 1""",
            (chunk,),
        )


def estimate_key(entity_id: int | None, claimant: str, value: int, status: str, story: str = SEED_STORY) -> str:
    """Equal for the same claim (claimant, number and status) in any source of one story. The seed
    story's keys keep the form they had before stories, so a store made then needs no re-keying."""
    who = f"id{entity_id}" if entity_id is not None else fold_key(claimant)
    where = "" if story == SEED_STORY else f"{story}/"
    return f"e:{where}{who}:{value}:{status}"


def _ref(name: str, kind: str, role: str | None, affiliation: str | None) -> EntityRef:
    return EntityRef(name=name, kind=EntityKind(kind), role=role, affiliation=affiliation)


def entity_key(name: str, kind: str, role: str | None, affiliation: str | None) -> str | None:
    who = identity(_ref(name, kind, role, affiliation))
    return who.key if who else None


def entity_name(name: str, kind: str, role: str | None, affiliation: str | None) -> str | None:
    who = identity(_ref(name, kind, role, affiliation))
    return who.name if who else None


def _speaks_for_identity(name: str, kind: str, role: str | None, affiliation: str | None) -> Identity | None:
    body = speaks_for(_ref(name, kind, role, affiliation))
    return identity(body) if body is not None else None


_IDENTITY_FUNCTIONS = [
    ("entity_key", entity_key, 4),
    ("entity_name", entity_name, 4),
    ("speaks_for_key", lambda *a: w.key if (w := _speaks_for_identity(*a)) else None, 4),
    ("speaks_for_name", lambda *a: w.name if (w := _speaks_for_identity(*a)) else None, 4),
    ("estimate_key", lambda e, c, v, s: estimate_key(e, c, v, s), 4),
    ("group_key", lambda e, c: group_key(e, c), 2),
]


# ------------------------------------------------------------------------------ writes


@dataclass(frozen=True, slots=True)
class AddResult:
    source_id: int
    added: bool  # False when the same text was already stored
    quotes: int = 0
    estimates: int = 0
    copy_of: int | None = None
    rewrite_of: int | None = None


StoryFacts = Mapping[str, Extraction]  # an article's facts per story it belongs to, by the story's name


def by_story(facts: Extraction | StoryFacts) -> dict[str, Extraction]:
    """An article's facts per story: one extraction alone is the seed story's."""
    return {SEED_STORY: facts} if isinstance(facts, Extraction) else dict(facts)


async def add_article(
    conn: Connection, article: Article, facts: Extraction | StoryFacts, *, now: dt.datetime | None = None
) -> AddResult:
    """Store an article and its facts in one transaction; an article already stored changes nothing.

    `facts` are the article's extraction for each story it belongs to (one extraction: the seed
    story's). The source belongs to each of them; its quotes and people are stored once (the first
    story's: they do not depend on the story), its estimates once per story.

    The check for "already stored" and the insert sit in one write transaction, so two writers
    (processes) storing the same article store it once; the second finds it and reports it unchanged.
    Raises `UnstorableError` for a value the store cannot keep, before anything is written.
    `now` is when they count as stored (digests cover facts by this time); the clock by default.
    The work on the article's text (its checks, hashes, shingles and keys: seconds for the largest
    article) runs in a thread, so the event loop serves on meanwhile."""
    stories = by_story(facts)
    if not stories:
        raise ValueError("an article is stored for at least one story")
    text = await asyncio.to_thread(_text_work, article, stories)
    stored_at = (now or utcnow()).astimezone(dt.UTC).isoformat()
    try:
        # SQLite: BEGIN IMMEDIATE, the write lock (another writer waits, busy timeout); PostgreSQL:
        # the store's advisory lock, so that copies, claims and entities are decided one article at
        # a time, as on SQLite
        async with conn.transaction() as tx:
            await tx.lock(STORE_WRITES)
            added = await _add(tx, article, stories, text, stored_at)
    except _Unchanged as unchanged:  # stored already (maybe by another writer just now): rolled back
        return AddResult(source_id=unchanged.source_id, added=False)
    except db.DataError as exc:  # defence in depth: check_storable knows of none
        raise UnstorableError(f"holds a value the store cannot keep ({exc}); it was not stored") from None
    return added


@dataclass(frozen=True, slots=True)
class _TextWork:
    """What storing an article computes from its text, before the transaction (pure: in a thread)."""

    chash: str
    thash: str
    shingles: set[int]
    quote_keys: list[str]


def _text_work(article: Article, stories: dict[str, Extraction]) -> _TextWork:
    for extraction in stories.values():
        check_storable(article, extraction)
    quotes = next(iter(stories.values())).quotes  # the same in every story
    return _TextWork(
        chash=content_hash(article),
        thash=body_hash(article.meta.outlet, article.body),
        shingles=shingle_hashes(article.body),
        quote_keys=[quote_key(q.text) for q in quotes],
    )


class _Unchanged(Exception):
    def __init__(self, source_id: int) -> None:
        self.source_id = source_id


async def _add(
    tx: Transaction, article: Article, stories: dict[str, Extraction], text: _TextWork, stored_at: str
) -> AddResult:
    chash, thash, shingles, quote_keys = text.chash, text.thash, text.shingles, text.quote_keys
    stored = await _stored_id(tx, chash, thash)
    if stored is not None:
        raise _Unchanged(stored)
    source_id = await tx.fetchval(
        """INSERT INTO sources (origin, outlet, title, url, published, kind, content_hash, body,
                                shingle_count, ingested_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id""",
        (
            article.origin,
            article.meta.outlet,
            article.meta.title,
            article.meta.url,
            article.meta.published.isoformat() if article.meta.published else None,
            article.meta.kind.value,
            chash,
            article.body,
            len(shingles),
            stored_at,
        ),
    )
    if source_id is None or not await tx.execute(
        "INSERT INTO source_texts (hash, source_id) VALUES (?, ?) ON CONFLICT DO NOTHING", (thash, source_id)
    ):  # a conflict on either identity: stored already, unchanged
        stored = await _stored_id(tx, chash, thash)
        assert stored is not None
        raise _Unchanged(stored)
    # a statement for all the shingles, not one per shingle: each is a round trip on PostgreSQL
    each, hashes = tx.dialect.each("BIGINT"), tx.dialect.array(sorted(shingles))
    await tx.execute(
        f"""INSERT INTO shingle_df (hash, n) SELECT value, 1 FROM ({each}) AS h WHERE true
            ON CONFLICT (hash) DO UPDATE SET n = shingle_df.n + 1""",
        (hashes,),
    )
    await tx.execute(  # boilerplate in many sources is not indexed: it proves no copying
        f"""INSERT INTO source_shingles (hash, source_id)
            SELECT hash, CAST(? AS BIGINT) FROM shingle_df WHERE hash IN ({each}) AND n <= ? ON CONFLICT DO NOTHING""",
        (source_id, hashes, COMMON_SHINGLE_SOURCES),
    )
    await tx.executemany(
        "INSERT INTO source_stories (story, source_id) VALUES (?, ?)", [(name, source_id) for name in stories]
    )
    facts = next(iter(stories.values()))  # quotes and people: the same in every story
    claims = [(name, e) for name, extraction in stories.items() for e in extraction.estimates]
    # a statement per kind of row, not per row: each await is a hop to the database
    evidence = {f.evidence.start: f.evidence for f in [*facts.quotes, *(e for _, e in claims)]}
    await tx.executemany(
        'INSERT INTO sentences (source_id, start, "end", text) VALUES (?, ?, ?, ?)',
        [(source_id, ev.start, ev.end, ev.sentence) for ev in evidence.values()],
    )
    sentence_ids = {
        r[1]: r[0] for r in await tx.fetch("SELECT id, start FROM sentences WHERE source_id = ?", (source_id,))
    }
    entity_ids: dict[EntityRef, int | None] = {}
    refs = [f.entity for f in [*facts.quotes, *(e for _, e in claims)] if f.entity]
    refs += [e.voiced_for for _, e in claims if e.voiced_for]
    people = [ref for extraction in stories.values() for ref in extraction.entities]
    # people named in full first: a full name stored anew takes the people stored by one part of it
    # alone ("Velko" joins "Dana Velko", dropping the "Velko" row), so "Velko" must not be stored first
    # in this article, or its id would be gone by the time its facts are written
    for ref in sorted([*people, *refs], key=_fuller_first):
        if ref not in entity_ids:  # one upsert per entity per article; None for someone only described
            entity_ids[ref] = await upsert_entity(tx, ref, stored_at)
    await tx.executemany(
        """INSERT INTO quotes (source_id, sentence_id, entity_id, speaker, text, claimed_on, date_basis,
                               claim_key, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            (
                source_id,
                sentence_ids[q.evidence.start],
                entity_ids[q.entity] if q.entity else None,
                q.speaker,
                q.text,
                q.date.isoformat() if q.date else None,
                q.date_basis.value,
                key,
                stored_at,
            )
            for q, key in zip(facts.quotes, quote_keys, strict=True)
        ],
    )
    estimate_keys: list[str] = []
    estimate_rows = []
    ranks: list[tuple[bool, bool]] = []  # each row's claim to stand for its claim (see _one_row_per_claim)
    bodies = await _bodies_spoken_for(tx, [e for _, e in claims], entity_ids, stored_at)
    for story, e in claims:
        # a spokesperson's claim is the body's, voiced by them: filed under the body, found by either
        voice = entity_ids[e.entity] if e.entity else None
        body = entity_ids[e.voiced_for] if e.voiced_for else bodies.get(voice)
        entity_id, voiced_by = (body, voice) if body is not None else (voice, None)
        if e.entity is None or e.entity.kind is not EntityKind.person:
            voiced_by = None  # a government whose claim is its ministry's: the ministry's, voiced by no one
        status = str(e.status)  # a name of the story's statuses
        estimate_keys.append(estimate_key(entity_id, e.claimant, e.value, status, story))
        ranks.append((voiced_by is not None, e.date_basis is DateBasis.stated))
        estimate_rows.append(
            (
                source_id,
                sentence_ids[e.evidence.start],
                entity_id,
                e.claimant,
                e.value,
                e.low,
                e.high,
                e.qualifier.value,
                status,
                e.date.isoformat() if e.date else None,
                e.date_basis.value,
                estimate_keys[-1],
                stored_at,
                group_key(entity_id, e.claimant),
                voiced_by,
                story,
            )
        )
    estimate_rows = _one_row_per_claim(estimate_rows, estimate_keys, ranks)
    await tx.executemany(
        """INSERT INTO estimates (source_id, sentence_id, entity_id, claimant, value, low, high, qualifier,
                                  status, claimed_on, date_basis, claim_key, created_at, group_key, voiced_by, story)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        estimate_rows,
    )
    await note_latest(tx, source_id)
    await fulltext.index_source(tx, source_id)
    # linked after its quotes are in (a rewrite is known by them); the sources it turns out to be the
    # original of (stored before it) count as its root from now on, and their claims are counted again
    linked = await copies.link_new(tx, source_id, shingles)
    refiled = await _as_the_original_files(tx, source_id, linked.root)
    for moved in linked.moved:
        refiled |= await _as_the_original_files(tx, moved, source_id)
    keys = list(dict.fromkeys([*quote_keys, *(refiled.get(k, k) for k in estimate_keys)]))
    if linked.moved:
        await copies.recount_claims(tx, sorted({*keys, *refiled, *await claim_keys(tx, linked.moved)}))
    else:
        await note_claims(
            tx,
            keys,
            linked.root,
            source_label(source_id, article.meta.outlet, article.origin),
            article.meta.published.isoformat() if article.meta.published else None,
        )
    return AddResult(
        source_id=source_id,
        added=True,
        quotes=len(facts.quotes),
        estimates=len(estimate_rows),
        copy_of=linked.copy_of,
        rewrite_of=linked.rewrite_of,
    )


async def _as_the_original_files(conn: Connection, source_id: int, root: int) -> dict[str, str]:
    """A copy or rewrite restates its original: a number it gives a government as a whole ("Japan
    estimated about 8,000") that its original gives, in the same story and status, to one body of that
    government (its defence ministry, voiced by the minister) is that body's claim, as the original files
    it. Refiles such estimates of source `source_id`, whose root is `root`: their old claim keys → new."""
    if root == source_id:
        return {}
    rows = await conn.fetch(
        """SELECT e.id, e.claimant, e.value, e.status, e.story, e.claim_key, e.group_key, e.source_id,
                  e.entity_id, e.voiced_by, en.key AS ekey
             FROM estimates AS e JOIN entities AS en ON en.id = e.entity_id
            WHERE e.source_id IN (?, ?)""",
        (source_id, root),
    )
    bodies: dict[tuple[str, int, str, str], set[int]] = {}
    for r in rows:
        where = seat_of_key(r["ekey"])
        if r["source_id"] == root and where is not None and not where[1]:
            bodies.setdefault((r["story"], r["value"], r["status"], where[0]), set()).add(r["entity_id"])
    mine = {r["claim_key"] for r in rows if r["source_id"] == source_id}
    moving: dict[int, list[Row]] = {}
    for r in rows:
        where = seat_of_key(r["ekey"]) if r["source_id"] == source_id and r["voiced_by"] is None else None
        body = bodies.get((r["story"], r["value"], r["status"], where[0]), set()) if where and where[1] else set()
        if len(body) == 1:
            (entity_id,) = body
            if estimate_key(entity_id, r["claimant"], r["value"], r["status"], r["story"]) not in mine:
                moving.setdefault(entity_id, []).append(r)  # (a claim the source gives the body itself stays one)
    for entity_id, moved in moving.items():
        await _refiled(conn, moved, entity_id, None)
    return {
        r["claim_key"]: estimate_key(entity_id, r["claimant"], r["value"], r["status"], r["story"])
        for entity_id, moved in moving.items()
        for r in moved
    }


def _one_row_per_claim(rows: list[tuple], keys: list[str], ranks: list[tuple[bool, bool]]) -> list[tuple]:
    """One row for each claim an article makes, however many of its sentences give it (a government,
    its ministry and the minister who voiced the number): the one a person voiced, else one the text
    dates, else the first; in the order of the text. `keys` and `ranks` are each row's claim key and
    (voiced by a person, dated by the text)."""
    best: dict[str, int] = {}
    for i, (key, rank) in enumerate(zip(keys, ranks, strict=True)):
        if key not in best or rank > ranks[best[key]]:
            best[key] = i
    kept = set(best.values())
    return [row for i, row in enumerate(rows) if i in kept]


async def claim_keys(conn: Connection, source_ids: list[int]) -> set[str]:
    """The claims these sources carry."""
    d = conn.dialect
    rows = await conn.fetch(
        f"""SELECT claim_key FROM quotes WHERE source_id IN ({d.each("BIGINT", ":s")})
            UNION SELECT claim_key FROM estimates WHERE source_id IN ({d.each("BIGINT", ":s")})""",
        {"s": d.array(source_ids)},
    )
    return {r[0] for r in rows}


async def find_stored(conn: Connection, article: Article) -> int | None:
    """The source id an article is already stored as (same outlet, address and text, or same outlet
    and text from another address), or None. A read: `add_article` checks again under its lock."""
    chash, thash = await asyncio.to_thread(
        lambda: (content_hash(article), body_hash(article.meta.outlet, article.body))
    )
    return await _stored_id(conn, chash, thash)


async def _stored_id(conn: Connection, chash: str, thash: str) -> int | None:
    rows = await conn.fetch(
        """SELECT id FROM sources WHERE content_hash = ?
           UNION ALL SELECT source_id FROM source_texts WHERE hash = ? LIMIT 1""",
        (chash, thash),
    )
    return rows[0][0] if rows else None


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def check_storable(article: Article, facts: Extraction) -> None:
    """Refuse (with `UnstorableError`) an article holding a value the store cannot keep, on either
    engine: an integer beyond 64 bits, text with a lone surrogate (not encodable as UTF-8), or a NUL
    character (PostgreSQL's text cannot hold one)."""
    for e in facts.estimates:
        for number in (e.value, e.low, e.high):
            if number is not None and not INT64_MIN <= number <= INT64_MAX:
                raise UnstorableError(
                    f"has a number ({_shown(number)}) beyond what the store can hold; it was not stored"
                )
    for text in _texts(article, facts):
        if text and "\x00" in text:
            raise UnstorableError("has a NUL character, which the store cannot keep; it was not stored")
        if text and not text.isascii():
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                raise UnstorableError(
                    "has text that is not valid Unicode (a lone surrogate); it was not stored"
                ) from None


def _shown(number: int) -> str:
    digits = int(abs(number).bit_length() * 0.30103) + 1  # str() of a huge int is refused (and slow)
    return f"{number:,}" if digits <= 30 else f"a number of about {digits:,} digits"


def _texts(article: Article, facts: Extraction) -> Iterator[str | None]:
    m = article.meta
    yield from (article.origin, article.body, m.outlet, m.title, m.url)
    entities = [*facts.entities, *(f.entity for f in [*facts.quotes, *facts.estimates] if f.entity)]
    for ref in entities:
        yield from (ref.name, ref.role, ref.affiliation)
    for q in facts.quotes:
        yield from (q.text, q.speaker, q.evidence.sentence)
    for e in facts.estimates:
        yield from (e.claimant, e.evidence.sentence)


def _fuller_first(ref: EntityRef) -> int:
    """Sort key (stable): people by how many words name them, most first; bodies where they are."""
    return -len(ref.name.split()) if ref.kind is EntityKind.person else 0


async def upsert_entity(conn: Connection, ref: EntityRef, now: str) -> int | None:
    """The id of the stored person or body `ref` names, created or completed as needed; None for
    someone only described ("the soldier"), who stands for no one across articles.

    One entity per identity (briefings.extract.identity: "U.S." and "Washington" are the United
    States, "Seoul's spy agency" and "NIS" the National Intelligence Service); a person named by a
    surname alone, or in another spelling, joins the one stored person it can be."""
    who = identity(ref)
    if who is None:
        return None
    found = await conn.fetch("SELECT id, kind, role, affiliation FROM entities WHERE key = ?", (who.key,))
    row = found[0] if found else None
    if row is None and ref.kind is EntityKind.person:
        row = await _same_person(conn, ref, fold_key(ref.name))
    if row is not None:
        entity_id = row[0]
        if (not row["role"] and ref.role) or (not row["affiliation"] and ref.affiliation):
            await conn.execute(
                "UPDATE entities SET role = COALESCE(role, ?), affiliation = COALESCE(affiliation, ?) WHERE id = ?",
                (ref.role, ref.affiliation, entity_id),
            )
        if row["kind"] == "unknown" and ref.kind is not EntityKind.unknown:
            await conn.execute("UPDATE entities SET kind = ? WHERE id = ?", (ref.kind.value, entity_id))
    else:
        entity_id = await conn.fetchval(
            """INSERT INTO entities (name, key, kind, role, affiliation, first_seen) VALUES (?, ?, ?, ?, ?, ?)
               RETURNING id""",
            (who.name, who.key, who.kind.value, ref.role, ref.affiliation, now),
        )
    await conn.executemany(
        "INSERT INTO entity_aliases (alias_key, entity_id, alias) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        [(k, entity_id, v) for k, v in entity_aliases(ref, who).items()],
    )
    if ref.kind is EntityKind.person and (row is None or (not row["role"] and ref.role)):
        if row is None:
            await _take_surnames(conn, entity_id, fold_key(ref.name))
        await _refile_spoken(conn, entity_id, now)
    return entity_id


async def _take_surnames(conn: Connection, person: int, key: str) -> None:
    """A person stored with a full name takes the people stored before by one part of it alone
    ("Velko" when "Dana Velko" comes), as "Velko" would have joined "Dana Velko" stored first: the
    same people whatever order the articles came in, while that full name is the only one with the part."""
    words = key.split()
    if len(words) < 2:
        return
    for part in dict.fromkeys(w for w in words if len(w) >= 3):
        rows = await conn.fetch(
            """SELECT e.id, e.name FROM entity_aliases AS a JOIN entities AS e ON e.id = a.entity_id
                WHERE a.alias_key = ? AND e.kind = 'person' AND e.id != ? ORDER BY e.id LIMIT 50""",
            (part, person),
        )
        alone = [r[0] for r in rows if fold_key(r[1]) == part]
        if alone and len(alone) == len(rows):  # no other full name has that part
            for short in alone:
                await merge_entity(conn, short, person)


async def merge_entity(conn: Connection, old: int, new: int) -> None:
    """File everything of entity `old` under `new` (its facts, names and claims), and drop `old`."""
    moved = await conn.fetch(
        "SELECT id, claimant, value, status, story, claim_key, group_key FROM estimates WHERE entity_id = ?", (old,)
    )
    await conn.execute("UPDATE quotes SET entity_id = ? WHERE entity_id = ?", (new, old))
    await conn.execute("UPDATE estimates SET voiced_by = ? WHERE voiced_by = ?", (new, old))
    await conn.execute(
        """INSERT INTO entity_aliases (alias_key, entity_id, alias) SELECT alias_key, ?, alias FROM entity_aliases
            WHERE entity_id = ? ON CONFLICT DO NOTHING""",
        (new, old),
    )
    await _refiled(conn, moved, new, None)
    await conn.execute("DELETE FROM entities WHERE id = ?", (old,))


async def _refiled(conn: Connection, moved: list[Row], entity_id: int | None, voiced_by: int | None) -> None:
    """Estimates filed under another entity (and voice): their claims and claimant groups again."""
    if not moved:
        return
    new_keys = {r["id"]: estimate_key(entity_id, r["claimant"], r["value"], r["status"], r["story"]) for r in moved}
    await conn.executemany(
        "UPDATE estimates SET entity_id = ?, voiced_by = ?, claim_key = ?, group_key = ? WHERE id = ?",
        [(entity_id, voiced_by, new_keys[r["id"]], group_key(entity_id, r["claimant"]), r["id"]) for r in moved],
    )
    await copies.recount_claims(conn, sorted({r["claim_key"] for r in moved} | set(new_keys.values())))
    groups = {r["group_key"] for r in moved} | {group_key(entity_id, r["claimant"]) for r in moved}
    await relatest(conn, sorted(groups))


async def _refile_spoken(conn: Connection, person: int, now: str) -> None:
    """A person known now to speak for a body (a spokesperson's role, from any article): their own
    claims are the body's, voiced by them, as they are when the role was known first."""
    rows = await conn.fetch("SELECT name, role, affiliation FROM entities WHERE id = ? AND role IS NOT NULL", (person,))
    body = speaks_for(_ref(rows[0][0], "person", rows[0][1], rows[0][2])) if rows else None
    if body is None:
        return
    body_id = await upsert_entity(conn, body, now)
    if body_id is None or body_id == person:
        return
    moved = await conn.fetch(
        """SELECT id, claimant, value, status, story, claim_key, group_key FROM estimates
            WHERE entity_id = ? AND voiced_by IS NULL""",
        (person,),
    )
    await _refiled(conn, moved, body_id, person)


async def _bodies_spoken_for(
    conn: Connection, claims: list[Estimate], entity_ids: dict[EntityRef, int | None], now: str
) -> dict[int | None, int | None]:
    """The bodies that claimants this article does not call spokespeople speak for, by what the store
    knows of them from other articles ("Matthew Miller" here, "State Department spokesperson Matthew
    Miller" before): person's entity id → body's entity id."""
    people = {
        entity_ids[e.entity]
        for e in claims
        if e.entity is not None and e.voiced_for is None and e.entity.kind is EntityKind.person
    } - {None}
    out: dict[int | None, int | None] = {}
    for entity_id in people:
        rows = await conn.fetch(
            "SELECT name, role, affiliation FROM entities WHERE id = ? AND role IS NOT NULL", (entity_id,)
        )
        body = (
            speaks_for(EntityRef(name=rows[0][0], kind=EntityKind.person, role=rows[0][1], affiliation=rows[0][2]))
            if rows
            else None
        )
        if body is not None:
            out[entity_id] = await upsert_entity(conn, body, now)
    return out


def entity_aliases(ref: EntityRef, who: Identity) -> dict[str, str]:
    """The folded names an entity is found by: each name it was written as ("NIS", "Seoul's spy agency",
    "United States"), and a person's name parts of three letters or more ("kirby")."""
    out = {fold_key(n): n for n in [ref.name, who.name, *ref.aliases] if fold_key(n)}
    if ref.kind is EntityKind.person:
        for part in fold_key(ref.name).split():
            if len(part) >= 3:
                out.setdefault(part, ref.name)
    return out


async def _same_person(conn: Connection, ref: EntityRef, key: str) -> Row | None:
    """The one stored person a name part or another spelling names: "Kirby" for John Kirby,
    "Zelensky" for Volodymyr Zelenskyy, "Kyrylo Budanov" for Kirill Budanov."""
    words = key.split()
    if len(words) == 1:
        # "Kirby" alone: the one stored person with that name part, when there is exactly one
        rows = await conn.fetch(
            """SELECT e.id, e.kind, e.role, e.affiliation FROM entity_aliases a JOIN entities e ON e.id = a.entity_id
                WHERE a.alias_key = ? AND e.kind = 'person' ORDER BY e.id LIMIT 2""",
            (key,),
        )
        variants = [] if rows else sorted({entity_id for _, entity_id in await variant_aliases(conn, key)})
        if variants:  # "Zelensky" for a stored "Volodymyr Zelenskyy": a spelling variant of one name part
            rows = await conn.fetch(
                f"""SELECT id, kind, role, affiliation FROM entities
                     WHERE kind = 'person' AND id IN ({",".join("?" * len(variants))}) ORDER BY id LIMIT 2""",
                variants,
            )
        return rows[0] if len(rows) == 1 else None
    # a spelling of a stored name: as many words, each nearly the same; looked for by either end
    for part in dict.fromkeys((words[0], words[-1])):
        candidates = await conn.fetch(
            """SELECT e.id, e.kind, e.role, e.affiliation, e.name FROM entity_aliases a JOIN entities e ON e.id = a.entity_id
                WHERE a.alias_key = ? AND e.kind = 'person' ORDER BY e.id LIMIT 50""",
            (part,),
        )
        row = next((c for c in candidates if similar_names(c["name"], ref.name)), None)
        if row is not None:
            return row
    return None


async def resolve_again(conn: Connection) -> None:
    """What a store filed before identity knew better, filed again (migration 0016): each entity keyed
    by its identity now (a phrase that names no one is detached from its facts, which keep their
    words; one whose identity another entity has is merged into the first stored); people whose role
    speaks for a body (a minister's now, as a spokesperson's before) have their own claims filed under
    it, voiced by them; and copies and rewrites are filed as their originals file."""
    now = utcnow().isoformat()
    gone: set[int] = set()
    for r in await conn.fetch("SELECT id, name, key, kind, role, affiliation FROM entities ORDER BY id"):
        if r["id"] in gone:
            continue
        who = identity(_ref(r["name"], r["kind"], r["role"], r["affiliation"]))
        if who is None:
            await _detach(conn, r["id"])
            gone.add(r["id"])
        elif who.key != r["key"]:
            other = await conn.fetchval("SELECT MIN(id) FROM entities WHERE key = ?", (who.key,))
            if other is None:
                await conn.execute("UPDATE entities SET key = ? WHERE id = ?", (who.key, r["id"]))
            else:  # the first stored keeps everything
                await merge_entity(conn, r["id"], other)
                gone.add(r["id"])
    for (person,) in await conn.fetch("SELECT id FROM entities WHERE kind = 'person' AND role IS NOT NULL ORDER BY id"):
        await _refile_spoken(conn, person, now)
    for source_id, root in await conn.fetch(
        "SELECT id, root_id FROM sources WHERE root_id IS NOT NULL AND root_id != id ORDER BY id"
    ):
        await _as_the_original_files(conn, source_id, root)


async def _detach(conn: Connection, entity_id: int) -> None:
    """An entity that names no one dropped: its facts keep their words and stand for no one."""
    await conn.execute("UPDATE quotes SET entity_id = NULL WHERE entity_id = ?", (entity_id,))
    await conn.execute("UPDATE estimates SET voiced_by = NULL WHERE voiced_by = ?", (entity_id,))
    moved = await conn.fetch(
        "SELECT id, claimant, value, status, story, claim_key, group_key FROM estimates WHERE entity_id = ?",
        (entity_id,),
    )
    await _refiled(conn, moved, None, None)
    await conn.execute("DELETE FROM entity_aliases WHERE entity_id = ?", (entity_id,))
    await conn.execute("DELETE FROM entities WHERE id = ?", (entity_id,))
