"""The connection API both engines share (briefings.db): statements, transactions, locks, errors."""

from __future__ import annotations

import asyncio

import pytest

from briefings.store import db
from briefings.store.db import numbered, shown
from briefings.store.facts import connect


def test_placeholders_become_numbered_outside_strings_comments_and_casts() -> None:
    sql = "SELECT '?', \"a?\", x::text FROM t WHERE a = ? AND b = ? -- why?\n AND c = '::x' /* ? */"
    assert numbered(sql) == (
        "SELECT '?', \"a?\", x::text FROM t WHERE a = $1 AND b = $2 -- why?\n AND c = '::x' /* ? */",
        None,
    )
    assert numbered("SELECT :a, :b, :a, '12:30', CAST(:b AS BIGINT)") == (
        "SELECT $1, $2, $1, '12:30', CAST($2 AS BIGINT)",
        ("a", "b"),
    )
    with pytest.raises(ValueError, match="both"):
        numbered("SELECT ?, :a")


def test_a_url_is_shown_without_its_password() -> None:
    assert (
        shown("postgresql://bot:hunter2@db.example:5432/briefings") == "postgresql://bot:***@db.example:5432/briefings"
    )
    assert shown("postgresql://bot@db/briefings") == "postgresql://bot@db/briefings"
    assert shown("data/briefings.db") == "data/briefings.db"


async def test_rows_rowcounts_and_values(conn) -> None:
    await conn.execute("INSERT INTO feeds (url, added_at) VALUES (?, ?)", ("https://a.example/rss", "t"))
    await conn.executemany("INSERT INTO feeds (url, added_at) VALUES (?, ?)", [("https://b.example/rss", "t")] * 1)
    assert await conn.execute("UPDATE feeds SET failures = failures + 1") == 2
    assert await conn.execute("UPDATE feeds SET failures = 0 WHERE url = ?", ("nowhere",)) == 0
    row = await conn.fetchone("SELECT url, failures FROM feeds ORDER BY url")
    assert (row["url"], row[1]) == ("https://a.example/rss", 1)
    assert tuple(row) == ("https://a.example/rss", 1)
    assert await conn.fetchval("SELECT COUNT(*) FROM feeds WHERE url LIKE :p", {"p": "%b.example%"}) == 1
    assert await conn.fetchone("SELECT url FROM feeds WHERE id = -1") is None
    batches = [len(b) async for b in conn.iterate("SELECT url FROM feeds ORDER BY url", batch=1)]
    assert batches == [1, 1]


async def test_a_transaction_is_all_or_nothing_and_unseen_until_committed(conn) -> None:
    with pytest.raises(db.IntegrityError):
        async with conn.transaction() as tx:
            await tx.execute("INSERT INTO feeds (url, added_at) VALUES ('https://a.example/rss', 't')")
            await tx.execute("INSERT INTO feeds (url, added_at) VALUES ('https://a.example/rss', 't')")
    assert await conn.fetchval("SELECT COUNT(*) FROM feeds") == 0
    inside = asyncio.Event()
    go_on = asyncio.Event()

    async def writer() -> None:
        async with conn.transaction() as tx:
            await tx.execute("INSERT INTO feeds (url, added_at) VALUES ('https://b.example/rss', 't')")
            assert await tx.fetchval("SELECT COUNT(*) FROM feeds") == 1  # its own write, seen
            inside.set()
            await go_on.wait()

    task = asyncio.create_task(writer())
    await inside.wait()
    assert await conn.fetchval("SELECT COUNT(*) FROM feeds") == 0  # another task does not see it yet
    go_on.set()
    await task
    assert await conn.fetchval("SELECT COUNT(*) FROM feeds") == 1


async def test_a_statement_outside_the_transaction_its_task_holds_is_refused(conn) -> None:
    async with conn.transaction() as tx:
        with pytest.raises(RuntimeError, match="use the transaction's connection"):
            await conn.execute("DELETE FROM feeds")
        async with conn.transaction() as same:  # the same transaction, not a new one
            assert same is tx
    await conn.execute("DELETE FROM feeds")  # once it ended


async def test_two_transactions_on_the_same_lock_take_turns(conn) -> None:
    order: list[str] = []
    held = asyncio.Event()

    async def first() -> None:
        async with conn.transaction() as tx:
            await tx.lock("briefings:test")
            order.append("first in")
            held.set()
            await asyncio.sleep(0.2)
            order.append("first out")

    async def second() -> None:
        await held.wait()
        async with conn.transaction() as tx:
            await tx.lock("briefings:test")
            order.append("second in")

    await asyncio.gather(first(), second())
    assert order == ["first in", "first out", "second in"]


@pytest.mark.engines("postgresql")
async def test_try_lock_says_whether_another_transaction_holds_it(conn) -> None:
    held, release = asyncio.Event(), asyncio.Event()

    async def holder() -> None:
        async with conn.transaction() as tx:
            assert await tx.try_lock("briefings:feed:1")
            held.set()
            await release.wait()

    task = asyncio.create_task(holder())
    await held.wait()
    async with conn.transaction() as tx:
        assert not await tx.try_lock("briefings:feed:1")
        assert await tx.try_lock("briefings:feed:2")
    release.set()
    await task
    async with conn.transaction() as tx:
        assert await tx.try_lock("briefings:feed:1")  # released with its transaction


async def test_the_data_version_changes_when_another_connection_commits(db_url) -> None:
    async with connect(db_url) as one, connect(db_url) as other:
        before = await one.data_version()
        assert await one.data_version() == before  # reading changes nothing
        await other.execute("INSERT INTO feeds (url, added_at) VALUES ('https://a.example/rss', 't')")
        assert await one.data_version() != before


async def test_values_no_column_can_hold_are_data_errors(conn) -> None:
    with pytest.raises(db.DataError):
        await conn.execute("INSERT INTO feeds (url, added_at, failures) VALUES ('u', 't', ?)", (2**64,))
    with pytest.raises(db.DataError):
        await conn.execute("INSERT INTO feeds (url, added_at) VALUES (?, 't')", ("bad \ud800 text",))


async def test_an_unreachable_server_is_one_sentence_without_the_password() -> None:
    with pytest.raises(db.DatabaseError, match=r"cannot open the database at postgresql://bot:\*\*\*@127\.0\.0\.1:1/x"):
        async with db.open_database("postgresql://bot:hunter2@127.0.0.1:1/x"):
            pass
