"""`briefings health`: the database must be readable; a running bot must keep its gateway."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest

from briefings.health import check, heartbeat_path, write_heartbeat
from briefings.models import Article, ArticleMeta, Extraction
from briefings.store.facts import add_article, connect

NOW = dt.datetime(2025, 3, 28, 12, 0, tzinfo=dt.UTC)


async def test_a_readable_store_without_a_bot_is_healthy(db_path) -> None:
    assert not (await check(db_path, NOW)).ok  # nothing there yet
    async with connect(db_path):
        pass
    result = await check(db_path, NOW)
    assert result.ok and result.message == "ok: database readable (0 sources)"
    async with connect(db_path) as conn:
        await add_article(conn, Article(meta=ArticleMeta(outlet="Ledger"), body="One story.", origin="a"), Extraction())
    assert (await check(db_path, NOW)).message == "ok: database readable (1 source)"


async def test_an_unreadable_database_fails(tmp_path) -> None:
    bad = tmp_path / "broken.db"
    bad.write_bytes(b"definitely not sqlite" * 100)
    result = await check(bad, NOW)
    assert not result.ok and "unreadable" in result.message


async def test_the_gateway_heartbeat_decides_when_the_bot_runs(db_path) -> None:
    async with connect(db_path):
        pass
    beat = heartbeat_path(db_path.parent)
    write_heartbeat(beat, connected=True, now=NOW, last_connected=NOW)
    assert (await check(db_path, NOW + dt.timedelta(seconds=30))).message.endswith("gateway connected")
    assert not (await check(db_path, NOW + dt.timedelta(minutes=10))).ok  # the bot stopped reporting
    write_heartbeat(beat, connected=False, now=NOW, last_connected=NOW - dt.timedelta(seconds=60))
    assert (await check(db_path, NOW)).ok  # a short reconnect is fine
    write_heartbeat(beat, connected=False, now=NOW, last_connected=NOW - dt.timedelta(minutes=5))
    result = await check(db_path, NOW)
    assert not result.ok and "no gateway connection" in result.message
    write_heartbeat(beat, connected=False, now=NOW, last_connected=None, started=NOW - dt.timedelta(seconds=20))
    assert (await check(db_path, NOW)).message.endswith("gateway connecting")  # just started: grace
    write_heartbeat(beat, connected=False, now=NOW, last_connected=None, started=NOW - dt.timedelta(minutes=5))
    assert not (await check(db_path, NOW)).ok  # never connected


@pytest.mark.engines("postgresql")
async def test_a_postgresql_store_is_checked_through_its_url(db_url, empty_db_url, tmp_path) -> None:
    result = await check(db_url, NOW, local_dir=tmp_path)
    assert result.ok and result.message == "ok: database readable (0 sources)"
    write_heartbeat(heartbeat_path(tmp_path), connected=True, now=NOW, last_connected=NOW)
    assert (await check(db_url, NOW, local_dir=tmp_path)).message.endswith("gateway connected")
    assert "holds no briefings store" in (await check(empty_db_url, NOW, local_dir=tmp_path)).message
    missing = db_url.replace("postgres@", "postgres:secret-word@").rsplit("/", 1)[0] + "/no_such_database"
    result = await check(missing, NOW, local_dir=tmp_path)
    assert not result.ok and "unreadable" in result.message and "secret-word" not in result.message


def test_heartbeats_written_at_once_by_several_threads_all_land(tmp_path) -> None:
    # the bot's timer and a gateway disconnect can each write a beat in a thread at the same moment:
    # neither may fail, and the file left is one whole beat
    path = tmp_path / "gateway.heartbeat"
    now = dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC)
    failures: list[BaseException] = []

    def beat(n: int) -> None:
        for _ in range(200):
            try:
                write_heartbeat(path, connected=n % 2 == 0, now=now, last_connected=now)
            except BaseException as exc:  # collected for the assertion below
                failures.append(exc)

    threads = [threading.Thread(target=beat, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert json.loads(path.read_text(encoding="utf-8"))["at"] == now.isoformat()
    assert [p.name for p in tmp_path.iterdir()] == ["gateway.heartbeat"]  # no temporary file left behind
