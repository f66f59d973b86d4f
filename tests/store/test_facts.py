"""The store's schema: migrations, pragmas, version checks; entities shared across articles."""

from __future__ import annotations

import asyncio
import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from briefings.answers import queries
from briefings.extract import extract
from briefings.models import (
    Article,
    ArticleMeta,
    DateBasis,
    EntityKind,
    EntityRef,
    Estimate,
    Evidence,
    Extraction,
    Qualifier,
    Quote,
    Status,
)
from briefings.sources.ingest import ingest_paths
from briefings.store import facts as store
from briefings.store.facts import (
    StoreError,
    UnstorableError,
    add_article,
    connect,
    db,
    fold_key,
    migrations,
    quote_key,
    schema_version,
    sql_statements,
)
from tests.conftest import SEEDS, article


async def test_new_store_has_wal_foreign_keys_and_current_version(db_path) -> None:
    async with connect(db_path) as conn:
        assert await conn.fetchval("PRAGMA journal_mode") == "wal"
        assert await conn.fetchval("PRAGMA foreign_keys") == 1
        assert await conn.fetchval("PRAGMA user_version") == schema_version()


def test_both_engines_have_the_same_schema_version() -> None:
    """A migration added for one engine and not the other fails here."""
    assert schema_version(db.SQLITE) == schema_version(db.POSTGRESQL)
    assert {m.number for m in migrations(db.POSTGRESQL)} <= {m.number for m in migrations(db.SQLITE)}


async def test_a_new_store_is_made_at_the_current_version_on_each_engine(empty_db_url) -> None:
    async with connect(empty_db_url) as conn:
        assert await store._version(conn) == schema_version(conn.dialect)
        with pytest.raises(db.IntegrityError):  # foreign keys hold on both
            await conn.execute("INSERT INTO entity_aliases (alias_key, entity_id, alias) VALUES ('x', 999, 'x')")
    async with connect(empty_db_url) as conn:  # a second start changes nothing
        assert await store._version(conn) == schema_version(conn.dialect)


async def test_a_read_only_start_on_a_database_without_a_store_makes_none(empty_db_url, engine) -> None:
    if engine == "sqlite":
        Path(empty_db_url).parent.mkdir(parents=True)
        await asyncio.to_thread(Path(empty_db_url).touch)
    with pytest.raises(StoreError, match="there is no store at"):
        async with connect(empty_db_url, create=False):
            pass
    async with db.open_database(empty_db_url) as raw:  # nothing was made
        if raw.dialect.postgresql:
            assert await raw.fetchval("SELECT to_regclass('store_version')") is None
        else:
            assert await raw.fetchval("SELECT COUNT(*) FROM sqlite_master") == 0


async def _set_version(target: str, number: int) -> None:
    async with db.open_database(target) as raw:
        if raw.dialect.postgresql:
            await raw.execute("UPDATE store_version SET version = ?", (number,))
        else:
            await raw.execute(f"PRAGMA user_version = {number}")


async def test_store_from_a_newer_version_is_refused(db_url) -> None:
    async with connect(db_url):
        pass
    await _set_version(db_url, schema_version() + 1)
    with pytest.raises(StoreError, match="newer than this briefings"):
        async with connect(db_url):
            pass


async def test_a_file_that_is_not_a_database_is_refused(tmp_path) -> None:
    bad = tmp_path / "notes.db"
    bad.write_text("these are my notes, not a database " * 100)
    with pytest.raises(StoreError, match="not a usable briefings database"):
        async with connect(bad):
            pass


async def test_upgrading_caps_the_outlets_each_claim_keeps(db_path) -> None:
    async with connect(db_path):
        pass
    raw = sqlite3.connect(db_path)  # as a store migrated to version 4 had it: every outlet listed
    raw.execute("PRAGMA user_version = 4")
    outlets = [f"Outlet {i}" for i in range(30)]
    raw.execute("INSERT INTO claim_stats (claim_key, independent, outlets) VALUES ('k', 30, ?)", (json.dumps(outlets),))
    raw.commit()
    raw.close()
    async with connect(db_path) as conn:
        rows = await conn.fetch("SELECT outlets FROM claim_stats WHERE claim_key = 'k'")
    assert json.loads(rows[0][0]) == outlets[:8]


def test_quotes_that_differ_in_a_doubled_digit_are_different_quotes() -> None:
    assert quote_key("We lost 100 men at the border") != quote_key("We lost 10 men at the border")
    assert fold_key("Brigade 22") != fold_key("Brigade 2")


async def test_upgrading_separates_quotes_an_older_version_merged(db_path, write) -> None:
    texts = ["“We lost 100 men,” Envoy Paul Ruiz said.", "“We lost 10 men,” Envoy Paul Ruiz said."]
    paths = [write(f"{i}.txt", article(f"Outlet {i}", f"2025-03-0{i + 1}", t)) for i, t in enumerate(texts)]
    async with connect(db_path) as conn:
        await ingest_paths(conn, [str(p) for p in paths])
    raw = sqlite3.connect(db_path)  # as version 5 stored them: one key for both, one claim carried twice
    raw.execute("PRAGMA user_version = 5")
    raw.execute("UPDATE quotes SET claim_key = 'q:old'")
    raw.execute("DELETE FROM claim_stats")
    raw.execute("DELETE FROM claim_roots")
    raw.execute(
        """INSERT INTO claim_stats (claim_key, independent, outlets) VALUES ('q:old', 2, '["Outlet 0", "Outlet 1"]')"""
    )
    raw.execute("INSERT INTO claim_roots SELECT 'q:old', id FROM sources")
    raw.commit()
    raw.close()
    async with connect(db_path) as conn:
        quotes = await queries.quotes_by(conn, "Ruiz")
        stale = await conn.fetch("SELECT COUNT(*) FROM claim_stats WHERE claim_key = 'q:old'")
    assert sorted(q.text for q in quotes) == ["We lost 10 men", "We lost 100 men"]
    assert sorted((q.reported_by, q.independent_sources) for q in quotes) == [(["Outlet 0"], 1), (["Outlet 1"], 1)]
    assert stale[0][0] == 0


async def test_the_same_person_in_two_articles_is_one_entity(conn) -> None:
    texts = [
        "“We will hold the line,” Defence Minister Alma Ruiz told lawmakers on Tuesday.",
        "“Our position has not changed at all,” Ruiz said on Friday.",
        "“Talks are the only way forward now,” said Alma Ruiz, speaking in Geneva.",
    ]
    for i, body in enumerate(texts):
        a = Article(meta=ArticleMeta(outlet=f"Outlet {i}"), body=body, origin=f"{i}.txt")
        await add_article(conn, a, extract(body))
    ids = [r[0] for r in await conn.fetch("SELECT DISTINCT entity_id FROM quotes")]
    assert len(ids) == 1
    assert tuple(await conn.fetchone("SELECT name, role FROM entities WHERE id = ?", (ids[0],))) == (
        "Alma Ruiz",
        "Defence Minister",
    )


def _start_ingest(db: str | Path, paths: list[Path]) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFINGS_")}
    env["BRIEFINGS_DB"] = str(db)
    return subprocess.Popen(
        [sys.executable, "-m", "briefings.cli", "ingest", *map(str, paths)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _outcomes(outs: list[str]) -> tuple[list[str], list[str]]:
    lines = [line for out in outs for line in out.splitlines()]
    added = sorted(line.split(" ")[1] for line in lines if line.startswith("added: "))
    unchanged = sorted(line.split(" ")[1] for line in lines if line.startswith("unchanged: "))
    return added, unchanged


def _stored(target: str) -> list[str]:
    async def read() -> list[str]:
        async with connect(target) as conn:
            return [r[0] for r in await conn.fetch("SELECT origin FROM sources ORDER BY origin")]

    return asyncio.run(read())


def _seeds_as(folder: Path, outlet_suffix: str) -> list[Path]:
    """The seed articles as other outlets carried them: new articles, the same work to extract."""
    folder.mkdir(parents=True)
    out = []
    for seed in sorted(SEEDS.glob("*.txt")):
        text = re.sub(r"(?m)^outlet: (.*)$", rf"outlet: \1 {outlet_suffix}", seed.read_text(encoding="utf-8"), count=1)
        (folder / seed.name).write_text(text, encoding="utf-8")
        out.append(folder / seed.name)
    return out


ROUNDS = {"sqlite": 10, "postgresql": 6}  # each a chance for the two processes to meet in a race


@pytest.mark.parametrize(("engine", "round_"), [(e, n) for e, rounds in ROUNDS.items() for n in range(rounds)])
def test_two_writers_at_once_on_fresh_and_existing_stores(tmp_path, engine, round_, request) -> None:
    """A round of two `briefings ingest` processes started together on one store: on a fresh store
    (both migrate it and store the seeds), then on that store, existing now (both store the same new
    articles). Every process succeeds, and every article is stored once, by one of the two. The rounds
    are tests of their own, so that they run in parallel."""
    if engine == "sqlite":
        store = str(tmp_path / "store" / "briefings.db")
    else:
        pg = request.getfixturevalue("postgres")
        store = asyncio.run(pg.create(store=False))
        request.addfinalizer(lambda: asyncio.run(pg.drop(store)))  # not left on a server the tests were given
    seeds = sorted(map(str, SEEDS.glob("*.txt")))
    new = _seeds_as(tmp_path / "new", f"({round_})")
    for name, paths, expected in (("fresh", [SEEDS], seeds), ("existing", new, sorted(map(str, new)))):
        pair = [_start_ingest(store, paths), _start_ingest(store, paths)]
        outs = []
        for proc in pair:
            out, err = proc.communicate(timeout=300)
            assert (proc.returncode, err) == (0, ""), (name, err)
            outs.append(out)
        assert _outcomes(outs) == (expected, expected), name
    assert _stored(store) == sorted([*seeds, *map(str, new)])


def test_migration_files_split_into_statements_as_sqlite_reads_them() -> None:
    sql = """-- a comment; with a semicolon
CREATE TABLE t (a TEXT DEFAULT 'x;y');
CREATE TRIGGER tr AFTER INSERT ON t BEGIN
    UPDATE t SET a = 'z;' WHERE rowid = new.rowid;
END;
/* trailing */
"""
    assert [s.strip() for s in sql_statements(sql)] == [
        "-- a comment; with a semicolon\nCREATE TABLE t (a TEXT DEFAULT 'x;y');",
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n    UPDATE t SET a = 'z;' WHERE rowid = new.rowid;\nEND;",
    ]
    for step in migrations():  # every shipped SQL migration splits into complete statements (else it is Python's)
        if step.sql is None:
            assert step.upgrade is not None, step.name
            continue
        assert all(sqlite3.complete_statement(s) for s in sql_statements(step.sql))


async def test_values_the_store_cannot_hold_are_that_articles_error(conn) -> None:
    body = "Officials said 1,000,000,000,000,000,000,000 troops had moved, which no one believed."
    evidence = Evidence(sentence=body, start=0, end=len(body))

    def estimate(value: int) -> Extraction:
        return Extraction(
            estimates=[
                Estimate(
                    claimant="Officials",
                    entity=None,
                    value=value,
                    qualifier=Qualifier.exact,
                    status=Status.deployed,
                    date=None,
                    date_basis=DateBasis.unknown,
                    evidence=evidence,
                )
            ]
        )

    a = Article(meta=ArticleMeta(outlet="Ledger"), body=body, origin="a.txt")
    with pytest.raises(UnstorableError, match=r"a number \(1,000,000,000,000,000,000,000\) beyond what the store"):
        await add_article(conn, a, estimate(10**21))
    with pytest.raises(UnstorableError, match="a number of about 401 digits"):
        await add_article(conn, a, estimate(10**400))
    quote = Quote(
        text="We \ud800 hold", speaker="Ruiz", entity=None, date=None, date_basis=DateBasis.unknown, evidence=evidence
    )
    with pytest.raises(UnstorableError, match="not valid Unicode"):
        await add_article(conn, a, Extraction(quotes=[quote]))
    with pytest.raises(UnstorableError, match="a NUL character"):  # PostgreSQL's text cannot hold one
        await add_article(conn, a.model_copy(update={"body": body + "\x00"}), estimate(1000))
    assert await conn.fetchval("SELECT COUNT(*) FROM sources") == 0
    stored = await add_article(conn, a, estimate(2**63 - 1))  # the largest 64-bit integer is kept
    assert stored.added and await conn.fetchval("SELECT value FROM estimates") == 2**63 - 1


async def test_the_same_text_from_the_same_outlet_at_a_new_address_is_unchanged(conn) -> None:
    body = "“We will hold the line,” Defence Minister Alma Ruiz told lawmakers on Tuesday."
    first = await add_article(
        conn,
        Article(meta=ArticleMeta(outlet="Ledger", url="https://l.example/a?id=1"), body=body, origin="1"),
        extract(body),
    )
    moved = Article(meta=ArticleMeta(outlet="Ledger", url="https://l.example/a?id=2"), body=f"  {body}\n", origin="2")
    again = await add_article(conn, moved, extract(body))
    elsewhere = await add_article(conn, moved.model_copy(update={"meta": ArticleMeta(outlet="Courier")}), extract(body))
    assert first.added and (again.added, again.source_id) == (False, first.source_id)
    assert elsewhere.added  # another outlet's copy is a source: a near-copy of the first, or it of it (undated both)
    copies = {s.id: s.copy_of for s in await queries.sources(conn) if s.copy_of is not None}
    assert copies in ({elsewhere.source_id: first.source_id}, {first.source_id: elsewhere.source_id})


async def test_a_python_migration_step_computes_in_python_on_each_engine(db_url, monkeypatch) -> None:
    """A later step that must compute what SQLite's migrations call registered functions for
    (fold_key …) runs as Python in the migration's transaction, on either engine."""
    async with connect(db_url) as conn:
        await conn.execute(
            "INSERT INTO entities (name, key, kind, first_seen) VALUES ('Zoë  KIRBY', 'stale', 'person', 't')"
        )

    async def upgrade(tx: db.Transaction) -> None:
        for entity_id, name in await tx.fetch("SELECT id, name FROM entities"):
            await tx.execute("UPDATE entities SET key = ? WHERE id = ?", (fold_key(name), entity_id))

    shipped = store.migrations

    def with_step(dialect: db.Dialect = db.SQLITE) -> list[store.Migration]:
        steps = shipped(dialect)
        return [*steps, store.Migration(steps[-1].number + 1, "rekey.py", upgrade=upgrade)]

    monkeypatch.setattr(store, "migrations", with_step)
    async with connect(db_url) as conn:
        assert await store._version(conn) == schema_version(conn.dialect) == shipped(conn.dialect)[-1].number + 1
        assert await conn.fetchval("SELECT key FROM entities") == "zoe kirby"


@pytest.mark.parametrize("work", ["shingle_hashes", "quote_key", "body_hash"])
async def test_the_work_on_an_articles_text_leaves_the_event_loop_serving(conn, monkeypatch, work) -> None:
    # a 2 MB text's near-copy shingles took seconds on the loop, past Discord's three-second deadline;
    # each step here waits for the loop to answer it, which the loop can only do if it is free
    loop = asyncio.get_running_loop()
    answered: list[bool] = []
    real = getattr(store, work)

    def waiting_for_the_loop(*args):
        asked = threading.Event()
        loop.call_soon_threadsafe(asked.set)
        answered.append(asked.wait(10))
        return real(*args)

    monkeypatch.setattr(store, work, waiting_for_the_loop)
    body = "“The ferry runs again on Monday,” harbour master Ines Vale said of the repaired pier."
    added = await add_article(conn, Article(meta=ArticleMeta(outlet="Ledger"), body=body, origin="a"), extract(body))
    assert added.added and added.quotes == 1
    assert answered and all(answered)


async def test_a_surname_alone_and_the_full_name_in_one_article_store_as_one_person(conn) -> None:
    """An article whose facts name "Velko" alone before "Dana Velko" (the extractor did not join
    them): the full name takes the surname's row, and the facts filed under "Velko" follow it
    instead of pointing at a row that is gone (which failed on a foreign key)."""
    body = "Velko said 300 buses were running. Dana Velko, the transport chief, spoke later."
    evidence = Evidence(sentence=body, start=0, end=len(body))
    alone = EntityRef(name="Velko", kind=EntityKind.person)
    full = EntityRef(name="Dana Velko", kind=EntityKind.person, role="transport chief")
    facts = Extraction(
        quotes=[
            Quote(
                speaker="Velko",
                entity=alone,
                text="300 buses were running",
                date=None,
                date_basis=DateBasis.unknown,
                evidence=evidence,
            )
        ],
        estimates=[
            Estimate(
                claimant="Velko",
                entity=alone,
                value=300,
                qualifier=Qualifier.exact,
                status=Status.deployed,
                date=None,
                date_basis=DateBasis.unknown,
                evidence=evidence,
            )
        ],
        entities=[alone, full],
    )
    await add_article(conn, Article(meta=ArticleMeta(outlet="Ledger"), body=body, origin="v.txt"), facts)
    rows = await conn.fetch(
        "SELECT e.name FROM quotes q JOIN entities e ON e.id = q.entity_id"
        " UNION ALL SELECT e.name FROM estimates s JOIN entities e ON e.id = s.entity_id"
    )
    assert [r[0] for r in rows] == ["Dana Velko", "Dana Velko"]
