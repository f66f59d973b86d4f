"""The store's schema: migrations, pragmas, version checks; entities shared across articles."""

from __future__ import annotations

import json
import sqlite3

import pytest

from briefings import queries
from briefings.extract import extract
from briefings.ingest import ingest_paths
from briefings.models import Article, ArticleMeta
from briefings.store import StoreError, add_article, connect, fold_key, quote_key, schema_version
from tests.conftest import article


async def test_new_store_has_wal_foreign_keys_and_current_version(db_path) -> None:
    async with connect(db_path) as conn:
        async with conn.execute("PRAGMA journal_mode") as cur:
            assert (await cur.fetchone())[0] == "wal"
        async with conn.execute("PRAGMA foreign_keys") as cur:
            assert (await cur.fetchone())[0] == 1
        async with conn.execute("PRAGMA user_version") as cur:
            assert (await cur.fetchone())[0] == schema_version()


async def test_store_from_a_newer_version_is_refused(db_path) -> None:
    async with connect(db_path):
        pass
    raw = sqlite3.connect(db_path)
    raw.execute(f"PRAGMA user_version = {schema_version() + 1}")
    raw.close()
    with pytest.raises(StoreError, match="newer than this briefings"):
        async with connect(db_path):
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
        rows = await conn.execute_fetchall("SELECT outlets FROM claim_stats WHERE claim_key = 'k'")
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
    raw.execute("""INSERT INTO claim_stats VALUES ('q:old', 2, '["Outlet 0", "Outlet 1"]')""")
    raw.execute("INSERT INTO claim_roots SELECT 'q:old', id FROM sources")
    raw.commit()
    raw.close()
    async with connect(db_path) as conn:
        quotes = await queries.quotes_by(conn, "Ruiz")
        stale = await conn.execute_fetchall("SELECT COUNT(*) FROM claim_stats WHERE claim_key = 'q:old'")
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
    async with conn.execute("SELECT DISTINCT entity_id FROM quotes") as cur:
        ids = [r[0] for r in await cur.fetchall()]
    assert len(ids) == 1
    async with conn.execute("SELECT name, role FROM entities WHERE id = ?", (ids[0],)) as cur:
        assert tuple(await cur.fetchone()) == ("Alma Ruiz", "Defence Minister")
