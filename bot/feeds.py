"""Feed polls in the bot process: one job per feed, with jitter, on the bot's scheduler."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from briefings import feeds

if TYPE_CHECKING:
    import aiohttp

    from bot.client import BriefingsBot

log = logging.getLogger(__name__)
JITTER_SECONDS = 60


class FeedJobs:
    def __init__(self, bot: BriefingsBot, session: aiohttp.ClientSession) -> None:
        self.bot = bot
        self.poller = feeds.Poller(
            bot.conn,
            session,
            topic=feeds.Topic.parse(bot.settings.topic),
            budget=bot.settings.extract_budget,  # pages read and facts extracted in a worker process
            deadline=bot.settings.poll_deadline,
        )
        self.scheduler: AsyncIOScheduler | None = None

    async def schedule(self, scheduler: AsyncIOScheduler) -> None:
        """Jobs for exactly the stored feeds."""
        self.scheduler = scheduler
        for job in scheduler.get_jobs():
            if job.id.startswith("feed-"):
                job.remove()
        for feed in await feeds.list_feeds(self.bot.conn):
            self.add_job(feed)

    def add_job(self, feed: feeds.Feed) -> None:
        if self.scheduler is None:
            return
        self.scheduler.add_job(
            self.run,
            IntervalTrigger(minutes=feed.every_minutes, jitter=JITTER_SECONDS),
            args=[feed.id],
            id=f"feed-{feed.id}",
            replace_existing=True,
            coalesce=True,
            max_instances=1,
        )

    def remove_job(self, feed_id: int) -> None:
        if self.scheduler is not None and self.scheduler.get_job(f"feed-{feed_id}") is not None:
            self.scheduler.remove_job(f"feed-{feed_id}")

    async def run(self, feed_id: int) -> feeds.PollResult:
        result = await self.poller.poll(feed_id)
        if result.taken:
            log.info("feed %s: %d new articles", feed_id, result.taken)
            await self.bot.names.refresh(self.bot.conn)  # new speakers for autocomplete
        return result
