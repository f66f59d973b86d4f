"""The ingest queue and `briefings worker`, on a real store on each engine shared by several connections."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import subprocess
import sys
import time

import pytest

from briefings.answers import queries
from briefings.scale import jobs
from briefings.sources import feeds
from briefings.sources.feeds import Poller, add_feed, list_feeds
from briefings.sources.queue_worker import QueueWorker
from briefings.sources.worker import Extractor
from briefings.store.facts import connect
from tests.conftest import ROOT, FakeClock, article
from tests.sources.test_feeds import site  # noqa: F401 - the local HTTP server fixture

T0 = dt.datetime(2025, 3, 28, 12, 0, tzinfo=dt.UTC)


def story(n: int) -> bytes:
    body = f"The defence ministry said on Monday that {1000 + n:,} soldiers had been deployed to the border."
    return article(f"Outlet {n}", "2025-03-03", body).encode()


@pytest.fixture
async def extractor():
    async with Extractor() as ex:
        yield ex


async def test_two_workers_take_every_job_once_and_store_every_article(db_url, extractor) -> None:
    async with connect(db_url) as conn:
        ids = [await jobs.queue_file(conn, f"story-{n}.txt", story(n), ".txt", now=T0) for n in range(12)]
    async with contextlib.AsyncExitStack() as stack:
        conns = [await stack.enter_async_context(connect(db_url)) for _ in range(2)]
        workers = [QueueWorker(c, extractor, name=f"W{i}", clock=FakeClock(T0)) for i, c in enumerate(conns)]
        done = await asyncio.gather(*(w.run(until_empty=True) for w in workers))
        assert sum(done) == 12
        claimed = await conns[0].fetch("SELECT claimed_by, COUNT(*) FROM ingest_jobs GROUP BY claimed_by")
        assert sum(n for _, n in claimed) == 12
        every = [await jobs.get(conns[0], i) for i in ids]
        assert all(j is not None and j.state == "done" and j.outcome == "added" and j.attempts == 1 for j in every)
        assert len({j.source_id for j in every if j}) == 12
        assert len(await queries.sources(conns[0])) == 12


async def test_a_failing_job_is_its_own_error_retried_then_kept_as_failed(conn, site, extractor) -> None:  # noqa: F811
    clock = FakeClock(T0)
    bad = await jobs.queue_page(conn, f"{site.base}/page/500", now=T0)
    empty = await jobs.queue_file(conn, "empty.txt", b"   \n", ".txt", now=T0)
    good = await jobs.queue_file(conn, "good.txt", story(1), ".txt", now=T0)
    async with feeds.make_session(2, allow_loopback=True) as session:
        worker = QueueWorker(conn, extractor, session=session, name="W", clock=clock)
        assert await worker.run(until_empty=True) == 3
        await _retries(worker, clock, bad, good)
    unreadable = await jobs.get(conn, empty)  # the article's own fault: final at once
    assert (unreadable.state, unreadable.attempts, unreadable.error) == ("failed", 1, "is empty")
    assert await jobs.counts(conn) == {"queued": 0, "running": 0, "done": 1, "failed": 2}


async def _retries(worker: QueueWorker, clock: FakeClock, bad: int, good: int) -> None:
    conn = worker.conn
    failed = await jobs.get(conn, bad)
    assert failed.state == "queued" and failed.attempts == 1 and failed.error
    assert (await jobs.get(conn, good)).state == "done"
    assert await worker.run(until_empty=True) == 0  # backing off: not before 30 s
    clock.now += dt.timedelta(seconds=31)
    assert await worker.run(until_empty=True) == 1
    clock.now += dt.timedelta(seconds=61)
    assert await worker.run(until_empty=True) == 1
    final = await jobs.get(conn, bad)
    assert final.state == "failed" and final.attempts == jobs.MAX_ATTEMPTS and final.error == failed.error
    clock.now += dt.timedelta(days=1)
    assert await worker.run(until_empty=True) == 0  # a failed job stays failed


async def test_a_job_whose_worker_stopped_is_claimed_again_after_its_claim_lapses(conn, extractor) -> None:
    clock = FakeClock(T0)
    job_id = await jobs.queue_file(conn, "a.txt", story(2), ".txt", now=T0)
    taken = await jobs.claim(conn, "dead worker", now=T0)
    assert taken is not None and taken.id == job_id
    other = QueueWorker(conn, extractor, name="W", clock=clock)
    assert await other.run(until_empty=True) == 0  # claimed, and the claim holds
    clock.now += jobs.CLAIM_FOR + dt.timedelta(seconds=1)
    assert await other.run(until_empty=True) == 1
    done = await jobs.get(conn, job_id)
    assert done.state == "done" and done.attempts == 2
    await jobs.finish(conn, taken, "dead worker", "added", None, now=clock.now)  # the dead one, back: ignored
    assert (await jobs.get(conn, job_id)).source_id == done.source_id


async def test_feed_entries_are_queued_once_and_the_worker_records_what_came_of_them(conn, site, extractor) -> None:  # noqa: F811
    clock = FakeClock(T0)
    feed = await add_feed(conn, f"{site.base}/rss", now=T0)
    async with feeds.make_session(2, allow_loopback=True) as session:
        poller = Poller(conn, session, queue=True)
        first = await poller.poll(feed.id, T0)
        assert (first.queued, first.taken, first.error) == (3, 0, None)
        assert site.hits.get("/page/on") is None  # the poll fetched the feed only
        worker = QueueWorker(conn, extractor, session=session, stories=poller.stories, name="W", clock=clock)
        for _ in range(jobs.MAX_ATTEMPTS):
            await worker.run(until_empty=True)
            clock.now += dt.timedelta(minutes=5)
        (listed,) = await list_feeds(conn)
        assert (listed.articles_taken, listed.entries_failed) == (1, 1)
        outcomes = dict(await conn.fetch("SELECT url, outcome FROM feed_entries"))
        assert sorted(outcomes.values()) == ["failed", "ingested", "off-topic"]
        assert [e.value for e in (await queries.estimates(conn)).latest] == [2000]
        # the next poll queues nothing again (the feed answers 304; entries already queued are skipped)
        again = await poller.poll(feed.id, T0 + dt.timedelta(hours=1))
        assert again.queued == 0
        assert site.hits["/page/on"] == 1


def cli(*argv: str, db, **env: str) -> subprocess.Popen[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFINGS_")}
    return subprocess.Popen(
        [sys.executable, "-m", "briefings.cli", *argv],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**clean, "BRIEFINGS_DB": str(db), "BRIEFINGS_INGEST_QUEUE": "true", "COLUMNS": "200", **env},
    )


def test_ingest_with_the_queue_waits_for_a_worker_and_tells_the_same_lines(tmp_path) -> None:
    db = tmp_path / "q.db"
    (tmp_path / "in").mkdir()
    for n in range(3):
        (tmp_path / "in" / f"{n}.txt").write_bytes(story(n))
    (tmp_path / "in" / "empty.txt").write_text("  ")
    ingest = cli("ingest", str(tmp_path / "in"), "/nonexistent/file.txt", db=db)
    try:
        deadline = 60
        while deadline and not db.exists():
            deadline -= 1
            time.sleep(0.2)
        worker = cli("worker", "--until-empty", db=db)
        _, worker_err = worker.communicate(timeout=120)
        assert worker.returncode == 0, worker_err
        out, err = ingest.communicate(timeout=120)
    finally:
        if ingest.poll() is None:
            ingest.kill()
    assert "queued 4 jobs for the workers" in err
    assert "error: /nonexistent/file.txt: does not exist" in err
    assert out.count("added: ") == 3 and "1 estimate" in out
    assert "3 added, 0 unchanged, 2 failed" in out
    assert "empty.txt: " in err
    listed, _ = cli("jobs", db=db).communicate(timeout=60)
    assert "Ingest jobs (0 queued, 0 running, 3 done, 1 failed)" in listed, listed
