"""`briefings worker`: claim ingest jobs from the store's queue, read, extract and store each one.

Any number of workers run at once, on any machines that reach the store: each claims one job at a
time (briefings.scale.jobs), extracts it in its Extractor's worker process within the time budget, and
stores it in one transaction. Whatever goes wrong with a job is that job's error (retried a few
times, then kept as failed); the worker goes on with the next. SIGTERM lets the job in hand finish.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from dataclasses import dataclass

import aiohttp

from briefings.models import Article, ArticleError
from briefings.scale import jobs
from briefings.scale.leases import Clock, holder_name, utcnow
from briefings.sources.feeds import ENTRY_ATTEMPTS, get_feed, source_at, with_entry
from briefings.sources.feedxml import FeedEntry
from briefings.sources.ingest import article_of, article_text, fetch_article, ingest_article, item_error
from briefings.sources.web import FetchError
from briefings.sources.worker import Extractor
from briefings.store.db import Connection, Transaction
from briefings.store.facts import add_article, find_stored
from briefings.storyset import StorySet, default_stories

log = logging.getLogger(__name__)

IDLE_WAIT = 1.0  # seconds between looks at an empty queue


BATCH = 8  # jobs claimed at once, and settled in one transaction


@dataclass(frozen=True, slots=True)
class _Done:
    job: jobs.Job
    outcome: str | None = None
    source_id: int | None = None
    error: str | None = None
    final: bool = False


class QueueWorker:
    """Claims up to `batch` jobs at a time, works them one by one, and settles the batch (marks
    each done or failed, with what came of feed entries) in one transaction: fewer commits per
    article. A crash before settling leaves the batch to be claimed again when its claim lapses;
    the store then finds those articles stored ("unchanged"), and adds nothing twice."""

    def __init__(
        self,
        conn: Connection,
        extractor: Extractor,
        *,
        session: aiohttp.ClientSession | None = None,
        stories: StorySet | None = None,
        name: str | None = None,
        clock: Clock = utcnow,
        hold: dt.timedelta = jobs.CLAIM_FOR,
        batch: int = BATCH,
    ) -> None:
        self.conn = conn
        self.extractor = extractor
        self.session = session
        self.stories = stories or default_stories()
        self.name = name or holder_name("worker")
        self.clock = clock
        self.hold = hold
        self.batch = batch

    async def run(self, *, stop: asyncio.Event | None = None, until_empty: bool = False) -> int:
        """Work jobs until `stop` is set (or, with `until_empty`, until none is ready); how many."""
        done = 0
        stop = stop or asyncio.Event()
        while not stop.is_set():
            handled = await self.run_batch(stop)
            done += handled
            if handled:
                continue
            if until_empty:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), IDLE_WAIT)
        return done

    async def run_batch(self, stop: asyncio.Event | None = None) -> int:
        """Claim a batch and see it through; how many jobs it had (0: none was ready)."""
        # held while this worker lives (renewed every third of the hold), however long the batch takes
        claimed = await jobs.claim_many(self.conn, self.name, now=self.clock(), hold=self.hold, limit=self.batch)
        if not claimed:
            return 0
        keeping = asyncio.create_task(self._keep_claim([j.id for j in claimed]), name="job-claims")
        settled: list[_Done] = []
        try:
            for job in claimed:
                if stop is not None and stop.is_set():
                    break
                settled.append(await self._attempt(job))
        finally:
            keeping.cancel()
            await self._settle(settled)
            await jobs.give_back(self.conn, [j.id for j in claimed[len(settled) :]], self.name)
        return len(settled)

    async def _attempt(self, job: jobs.Job) -> _Done:
        try:
            outcome, source_id = await self._process(job)
        except Exception as exc:  # any fault of one job is that job's error
            error = item_error(exc)
            # the article's own fault comes out the same every time; a fetch or the store may do better later
            own = isinstance(exc, ArticleError) and not isinstance(exc, FetchError)
            final = own or job.attempts >= jobs.MAX_ATTEMPTS
            log.warning("job %s (%s) failed, attempt %d%s: %s", job.id, job.origin, job.attempts,
                        ", the last" if final else "", error)  # fmt: skip
            return _Done(job, error=error, final=final)
        log.info("job %s (%s): %s%s", job.id, job.origin, outcome, f" as source {source_id}" if source_id else "")
        return _Done(job, outcome=outcome, source_id=source_id)

    async def _settle(self, settled: list[_Done]) -> None:
        """What came of each job, in one transaction."""
        if not settled:
            return
        now = self.clock()
        async with self.conn.transaction() as tx:
            for d in settled:
                if d.error is not None:
                    await jobs.fail(tx, d.job, self.name, d.error, now=now, final=d.final)
                    if d.final and d.job.kind == "feed-entry":
                        await self._record_entry(tx, d.job, "failed", d.error, None)
                else:
                    assert d.outcome is not None
                    await jobs.finish(tx, d.job, self.name, d.outcome, d.source_id, now=now)
                    if d.job.kind == "feed-entry":
                        await self._record_entry(tx, d.job, d.outcome, None, d.source_id)

    async def _keep_claim(self, job_ids: list[int]) -> None:
        while True:
            await asyncio.sleep(self.hold.total_seconds() / 3)
            kept = await jobs.hold_on(self.conn, job_ids, self.name, now=self.clock(), hold=self.hold)
            if kept < len(job_ids):
                log.warning("%d jobs are no longer this worker's (their claim lapsed)", len(job_ids) - kept)
                return

    async def _process(self, job: jobs.Job) -> tuple[str, int | None]:
        if job.kind == "file":
            assert job.body is not None
            article = await article_of(self.extractor, job.body, job.origin, job.suffix or "")
            added = await ingest_article(
                self.conn, article, extractor=self.extractor, stories=self.stories, story=job.story
            )
            return ("added" if added.added else "unchanged"), added.source_id
        assert job.url is not None
        if self.session is None:
            raise RuntimeError("this worker has no HTTP session for fetching pages")
        if job.kind == "page":
            article = await fetch_article(self.session, self.extractor, job.url)
            added = await ingest_article(
                self.conn, article, extractor=self.extractor, stories=self.stories, story=job.story
            )
            return ("added" if added.added else "unchanged"), added.source_id
        return await self._entry(job)

    async def _entry(self, job: jobs.Job) -> tuple[str, int | None]:
        """A feed entry, as the poller takes one in-process (briefings.sources.feeds.Poller._take)."""
        assert job.url is not None and self.session is not None
        known = await source_at(self.conn, job.url)
        if known is not None:
            return "duplicate", known
        published = job.meta.get("published")
        entry = FeedEntry(
            link=job.url,
            key=job.entry_key,
            title=job.meta.get("title"),
            published=dt.datetime.fromisoformat(published) if published else None,
        )
        fetched = await fetch_article(self.session, self.extractor, job.url, outlet=job.meta.get("outlet"))
        article: Article = with_entry(fetched, entry)
        feed = await get_feed(self.conn, job.feed_id) if job.feed_id is not None else None
        belongs = self.stories.fed_by(feed.stories if feed else (), article_text(article))
        if not belongs:
            return "off-topic", None
        stored = await find_stored(self.conn, article)  # the same text from a new address
        if stored is not None:
            return "duplicate", stored
        facts = await self.extractor.extract_stories(article, belongs)
        added = await add_article(self.conn, article, facts)
        return ("ingested" if added.added else "duplicate"), added.source_id

    async def _record_entry(
        self, tx: Transaction, job: jobs.Job, outcome: str, error: str | None, source_id: int | None
    ) -> None:
        """What came of a feed's entry, where `feeds list` and the next poll read it."""
        now = self.clock().isoformat()
        attempts = max(job.attempts, ENTRY_ATTEMPTS) if outcome == "failed" else job.attempts  # final: not polled again
        await tx.execute(
            """INSERT INTO feed_entries (feed_id, entry_key, url, outcome, error, source_id, first_seen, attempts)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (feed_id, entry_key) DO UPDATE SET outcome = excluded.outcome, error = excluded.error,
                   source_id = excluded.source_id, attempts = excluded.attempts""",
            (job.feed_id, job.entry_key, job.url, outcome, error, source_id, now, attempts),
        )
        await tx.execute(
            "UPDATE feeds SET articles_taken = articles_taken + ?, entries_failed = entries_failed + ? WHERE id = ?",
            (int(outcome == "ingested"), int(outcome == "failed"), job.feed_id),
        )
