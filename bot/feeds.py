"""Feed polls in the bot process: a sweep on the bot's scheduler polls each feed when it is due.

A feed is due when its interval has passed since its last poll, whichever process made it: the
store says when that was, so a feed taken over from a stopped process (or added with the command
line while the bot runs) is polled on time, and never twice in one interval. With several bot
processes each sweeps the feeds of its share (briefings.scale.coordinator) and polls one under the feed's
lease ('feed:<id>'), reading again under the lease whether it is still due.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.tasks import spawn
from briefings.sources import feeds

if TYPE_CHECKING:
    import aiohttp

    from bot.client import BriefingsBot

log = logging.getLogger(__name__)
SWEEP_EVERY = dt.timedelta(seconds=30)  # how late past its interval a feed may be polled


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class FeedJobs:
    def __init__(self, bot: BriefingsBot, session: aiohttp.ClientSession) -> None:
        self.bot = bot
        self.poller = feeds.Poller(
            bot.conn,
            session,
            stories=bot.stories,
            budget=bot.settings.extract_budget,  # pages read and facts extracted in a worker process
            deadline=bot.settings.poll_deadline,
            queue=bot.settings.ingest_queue,  # entries for `briefings worker` processes
        )
        self._running: dict[int, asyncio.Task[feeds.PollResult | None]] = {}

    async def schedule(self, scheduler: AsyncIOScheduler) -> None:
        """The sweep, every SWEEP_EVERY, starting now."""
        scheduler.add_job(
            self.sweep,
            IntervalTrigger(seconds=SWEEP_EVERY.total_seconds()),
            id="feed-sweep",
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            next_run_time=utcnow(),
        )

    async def sweep(self, now: dt.datetime | None = None) -> list[int]:
        """Start polling every due feed of this process's share that is not being polled; returns at once."""
        now = now or utcnow()
        due = [f for f in await feeds.list_feeds(self.bot.conn) if feeds.is_due(f, now) and f.id not in self._running]
        if not due:
            return []
        share = await self.bot.coordinator.share()
        started = [f.id for f in due if share.item(f.id)]
        for feed_id in started:
            self.start(feed_id)
        return started

    def start(self, feed_id: int) -> asyncio.Task[feeds.PollResult | None]:
        running = self._running.get(feed_id)
        if running is not None and not running.done():
            return running
        task = spawn(self.run(feed_id), f"feed-{feed_id}")
        self._running[feed_id] = task
        task.add_done_callback(lambda t: self._running.pop(feed_id, None) if self._running.get(feed_id) is t else None)
        return task

    async def run(self, feed_id: int) -> feeds.PollResult | None:
        """Poll one feed if it is due and no other process is polling it; None when it was left."""
        async with self.bot.coordinator.doing(f"feed:{feed_id}") as ours:
            if not ours:
                log.debug("feed %s is being polled by another process", feed_id)
                return None
            feed = await feeds.get_feed(self.bot.conn, feed_id)  # under the lease: polled meanwhile?
            if feed is None or not feeds.is_due(feed, utcnow()):
                return None
            result = await self.poller.poll(feed_id)
            if result.taken:
                log.info("feed %s: %d new articles", feed_id, result.taken)
                await self.bot.names.refresh(self.bot.conn)  # new speakers for autocomplete
        return result

    async def close(self) -> None:
        """Stop the polls in flight (what each stored is kept; the rest waits for the next poll)."""
        running = [t for t in self._running.values() if not t.done()]
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
