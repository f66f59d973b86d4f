"""`briefings migrate-store`: a SQLite store copied into PostgreSQL holds every row, and every
question gets the same answer from the copy as from the original."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from briefings.answers import queries
from briefings.answers import subscriptions as subs
from briefings.answers.digest import build_digest
from briefings.answers.removal import remove_source
from briefings.cli import main
from briefings.models import Status
from briefings.sources import feeds
from briefings.sources.ingest import ingest_paths
from briefings.store.copy_store import TABLES, migrate_store
from briefings.store.db import Connection
from briefings.store.facts import StoreError, connect
from tests.conftest import SEEDS, article

pytestmark = pytest.mark.engines("postgresql")  # from SQLite (db_path) into PostgreSQL (db_url)

NOW = dt.datetime(2025, 3, 28, 12, 0, tzinfo=dt.UTC)
MORE = [
    article(
        "Ledger",
        "2025-03-03",
        """Vardia's defence ministry said on Monday that about 3,000 soldiers had been deployed to the border.
“We have no intention of crossing the border,” Defence Minister Alma Ruiz told reporters on Monday.
Ministry spokesperson Lena Park said 1,200 troops had reached the front line.""",
    ),
    article(
        "Courier",
        "2025-03-12",
        """Vardia's defence ministry said on Wednesday that more than 5,000 soldiers had been deployed to the border.
“The situation has changed and we must be ready,” Ruiz said in a televised address on Tuesday.""",
    ),
    article(  # a syndicated copy
        "Courier Syndication",
        "2025-03-12",
        """Vardia's defence ministry said on Wednesday that more than 5,000 soldiers had been deployed to the border.
“The situation has changed and we must be ready,” Ruiz said in a televised address on Tuesday.""",
    ),
    article("Gazette", "2025-03-14", "“Sudža is calm tonight,” Governor Ilse Varga said. Nothing else was said."),
]


async def stocked_sqlite(path: Path, write) -> None:
    """A SQLite store with something in every table: seeds and copies, a removal, feeds with entries
    seen, subscriptions with a digest half delivered."""
    paths = [write(f"more-{i}.txt", text) for i, text in enumerate(MORE)]
    async with connect(path) as conn:
        await ingest_paths(conn, [str(SEEDS), *map(str, paths)], now=NOW - dt.timedelta(days=1))
        gone = await conn.fetchval("SELECT id FROM sources WHERE outlet = 'Gazette'")
        await remove_source(conn, gone)
        feed = await feeds.add_feed(conn, "https://wire.example/rss", every_minutes=15, now=NOW)
        await conn.execute(
            """INSERT INTO feed_entries (feed_id, entry_key, url, outcome, attempts, error, source_id, first_seen)
               VALUES (?, 'a', 'https://wire.example/a', 'ingested', 1, NULL, 1, ?),
                      (?, 'b', 'https://wire.example/b', 'failed', 2, 'the page answered 500', NULL, ?)""",
            (feed.id, NOW.isoformat(), feed.id, NOW.isoformat()),
        )
        sub = await subs.subscribe(
            conn,
            guild_id=2**60,
            channel_id=2**61 + 5,
            at="08:00",
            timezone="Europe/Berlin",
            every=None,
            status=Status.deployed,
            no_news_line=True,
            created_by=2**59,
            now=NOW - dt.timedelta(days=3),
        )
        sub = await subs.start_delivery(conn, sub, NOW)
        await subs.save_parts(conn, sub.id, ['[{"title": "part one"}]', '[{"title": "part two"}]'])
        await subs.mark_part_sent(conn, sub.id, 1, 2**62 + 7)
        await subs.subscribe(
            conn,
            guild_id=2**60,
            channel_id=99,
            at="18:30",
            timezone="UTC",
            every="6 hours",
            status=None,
            no_news_line=False,
            created_by=None,
            now=NOW,
        )


async def rows_of(conn: Connection, table: str, columns: list[str]) -> list[tuple]:
    quoted = ", ".join(f'"{c}"' for c in columns)
    return sorted((tuple(r) for r in await conn.fetch(f"SELECT {quoted} FROM {table}")), key=repr)


async def answers(conn: Connection) -> dict[str, object]:
    """What every question asked of the store answers (search's hits compared as a set: the engines
    rank them differently)."""
    out: dict[str, object] = {"stats": await queries.stats(conn), "sources": await queries.sources(conn)}
    out["estimate"] = await queries.estimates(conn)
    for status in Status:
        out[f"estimate {status}"] = await queries.estimates(conn, status=status)
    out["estimate since"] = await queries.estimates(conn, since=dt.date(2024, 10, 1), until=dt.date(2025, 12, 1))
    names = [name for name, _ in [*await queries.speakers(conn), *await queries.claimants(conn)]]
    assert len(names) >= 10
    for name in names:
        for what, ask in (
            ("quote", lambda n: queries.quotes_by(conn, n)),
            ("who", lambda n: queries.who(conn, n)),
            ("estimate claimant", lambda n: queries.estimates(conn, claimant=n)),
        ):
            try:
                out[f"{what} {name}"] = await ask(name)
            except queries.QueryError as exc:  # an ambiguous name: the same sentence on both
                out[f"{what} {name}"] = str(exc)
    for text in ("troops", "border OR Kursk", '"fair game"', "sold*", "ministry NOT ready", "Kursk*", "kirby"):
        hits = await queries.search(conn, text, limit=1000)
        out[f"search {text}"] = sorted(h.model_dump_json() for h in hits)
    out["timeline"] = await queries.timeline(conn)
    out["new since"] = await queries.new_since(conn, dt.datetime(2000, 1, 1, tzinfo=dt.UTC), NOW)
    out["digest"] = await build_digest(conn, NOW - dt.timedelta(days=30), NOW)
    out["subscriptions"] = await subs.all_subscriptions(conn)
    out["digest parts"] = [await subs.digest_parts(conn, s.id) for s in out["subscriptions"]]  # type: ignore[attr-defined]
    out["feeds"] = await feeds.list_feeds(conn)
    return out


async def test_every_row_and_every_answer_is_the_same_in_the_copy(db_path, db_url, write) -> None:
    await stocked_sqlite(db_path, write)
    copied = await migrate_store(db_path, db_url)
    assert copied.rows["sources"] >= 8 and copied.rows["digest_parts"] == 2 and copied.rows["feed_entries"] == 2
    async with connect(db_path) as old, connect(db_url) as new:
        for table in TABLES:
            columns = [r[0] for r in await new.fetch(f"SELECT * FROM {table} LIMIT 0")] or [
                r[0]
                for r in await new.fetch(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                    (table,),
                )
            ]
            mine, theirs = await rows_of(old, table, columns), await rows_of(new, table, columns)
            assert mine == theirs, table
            assert len(mine) == copied.rows[table]
        facts = "SELECT kind, fact_id FROM facts_fts"
        assert sorted(map(tuple, await old.fetch(facts))) == sorted(map(tuple, await new.fetch(facts)))
        assert copied.indexed == len(await new.fetch(facts))
        before, after = await answers(old), await answers(new)
        assert before.keys() == after.keys()
        for key in before:
            assert before[key] == after[key], key


async def test_the_copy_goes_on_where_the_original_stopped(db_path, db_url, write) -> None:
    await stocked_sqlite(db_path, write)
    await migrate_store(db_path, db_url)
    async with connect(db_url) as conn:
        top = await conn.fetchval("SELECT MAX(id) FROM sources")
        path = write("new.txt", article("Herald", "2025-03-20", "“We are watching,” Envoy Omar Said said on Thursday."))
        (line,) = await ingest_paths(conn, [str(path)])
        assert line.result is not None and line.result.added and line.result.source_id == top + 1
        assert [q.text for q in await queries.quotes_by(conn, "Omar Said")] == ["We are watching"]
        (sub, _) = await subs.all_subscriptions(conn)
        assert sub.pending_until is not None  # the digest half delivered goes on from its second part
        assert [p.message_id for p in await subs.digest_parts(conn, sub.id)] == [2**62 + 7, None]


async def test_a_store_is_copied_only_into_an_empty_postgresql_store(db_path, db_url, write, tmp_path) -> None:
    await stocked_sqlite(db_path, write)
    await migrate_store(db_path, db_url)
    with pytest.raises(StoreError, match="is not empty"):
        await migrate_store(db_path, db_url)
    with pytest.raises(StoreError, match="give TO as a postgresql:// URL"):
        await migrate_store(db_path, str(tmp_path / "other.db"))
    with pytest.raises(StoreError, match="FROM is a PostgreSQL URL"):
        await migrate_store(db_url, db_url)
    with pytest.raises(StoreError, match="there is no SQLite store"):
        await migrate_store(tmp_path / "missing.db", db_url)


async def test_the_command_copies_and_says_what_it_copied(db_path, db_url, write, capsys) -> None:
    await stocked_sqlite(db_path, write)
    url = db_url.replace("postgres@", "postgres:not-shown@")
    assert await _cli(["migrate-store", str(db_path), url]) == 0
    out = capsys.readouterr().out
    assert "sources" in out and "search index" in out and "not-shown" not in out and "postgres:***@" in out
    assert await _cli(["migrate-store", str(db_path), url]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: the PostgreSQL store at ") and "is not empty" in err and "not-shown" not in err


async def _cli(argv: list[str]) -> int:
    import asyncio

    return await asyncio.to_thread(main, argv)  # the command runs its own event loop
