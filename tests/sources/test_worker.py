"""Reading and extraction off the event loop, within a time budget per article."""

from __future__ import annotations

import asyncio

import pytest

from briefings.models import Article, ArticleMeta
from briefings.sources import worker
from briefings.sources.articles import MAX_ARTICLE_BYTES
from briefings.sources.ingest import ingest_each
from briefings.sources.worker import Extractor
from tests.conftest import article

SMALL = """Officials in Vardia said on Monday that about 4,000 soldiers had crossed into the northern region.
“We have seen columns moving for three days,” Defence Minister Alma Ruiz told lawmakers on Tuesday."""


def long_article(max_bytes: int = MAX_ARTICLE_BYTES - 50_000) -> str:
    """An ordinary report, only very long: every paragraph a claim, a quote and a number."""
    paragraphs, size, i = [], 0, 0
    while size < max_bytes:
        p = (
            f"Officials in district {i} said on Monday that about {1000 + i:,} soldiers had crossed the border. "
            f"“We have seen columns moving for {i % 7 + 2} days,” Defence Minister Alma Ruiz told lawmakers. "
            f"Ruiz said a further {500 + i:,} troops would be sent by the end of the month."
        )
        paragraphs.append(p)
        size += len(p.encode()) + 1
        i += 1
    return "\n".join(paragraphs)


class Heartbeat:
    """A coroutine ticking every 10 ms, as the gateway's heartbeat and every command need the loop."""

    def __init__(self) -> None:
        self.ticks: list[float] = []

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            self.ticks.append(loop.time())
            await asyncio.sleep(0.01)

    def longest_gap(self) -> float:
        return max(b - a for a, b in zip(self.ticks, self.ticks[1:], strict=False))


@pytest.mark.timing
async def test_the_loop_keeps_serving_while_an_article_is_extracted_and_one_over_budget_is_refused(conn, write) -> None:
    big = write("big.txt", article("Ledger", "2025-03-13", long_article()))
    small = write("small.txt", article("Courier", "2025-03-14", SMALL))
    beat = Heartbeat()
    ticking = asyncio.create_task(beat.run())
    try:
        async with Extractor(budget=0.5) as extractor:
            lines = [line async for line in ingest_each(conn, [str(big), str(small)], extractor=extractor)]
    finally:
        ticking.cancel()
    assert (
        lines[0].error == "took longer than 0.5 s to extract (BRIEFINGS_EXTRACT_BUDGET); it was stopped and not stored"
    )
    assert lines[1].result is not None and lines[1].result.added and lines[1].result.estimates == 1
    # the long article was being extracted for half a second at least (its budget): the loop never
    # stopped meanwhile. A loop held by that extraction would show a gap of 0.5 s or more; alone the
    # longest gap is 0.13-0.17 s, and 0.27 s with the suite's other workers busy on 2 cores
    assert len(beat.ticks) > 30 and beat.longest_gap() < 0.4
    rows = await conn.fetch("SELECT origin FROM sources")
    assert [r[0] for r in rows] == [str(small)]


async def test_where_worker_processes_cannot_start_articles_are_still_extracted(monkeypatch, caplog) -> None:
    def no_processes(*args, **kwargs):  # as in a sandbox without a writable /dev/shm for the pool's locks
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(worker, "ProcessPool", no_processes)
    async with Extractor(budget=5) as extractor:
        facts = await extractor.extract(Article(meta=ArticleMeta(outlet="Courier"), body=SMALL, origin="a"))
        again = await extractor.extract(Article(meta=ArticleMeta(outlet="Ledger"), body=SMALL, origin="b"))
    assert [e.value for e in facts.estimates] == [e.value for e in again.estimates] == [4000]
    assert [r.message.split(";")[0] for r in caplog.records if r.levelname == "WARNING"] == [
        "worker processes cannot start here (PermissionError: [Errno 13] Permission denied)"
    ]
