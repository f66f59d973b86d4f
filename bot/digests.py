"""Delivering digests to channels: never lose a fact, never post the same digest twice.

Each subscription keeps a watermark. A delivery first records the end of the digest it is about to
send (pending_until), then posts it with a nonce derived from the subscription, its watermark and
that end, then moves the watermark. After a crash between posting and saving, the retry rebuilds the
very same digest with the very same nonce: Discord's enforce_nonce answers with the message it
already has instead of posting again, and, past Discord's nonce window, the marker in the digest's
footer found among the channel's latest messages tells the retry it was already delivered.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot import render
from briefings import subscriptions as subs
from briefings.digest import Digest, build_digest

if TYPE_CHECKING:
    from bot.client import BriefingsBot

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
RETRY_EVERY = dt.timedelta(minutes=1)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def describe_http_error(exc: discord.HTTPException) -> str:
    if isinstance(exc, discord.NotFound):
        return "Discord answered 404: the channel is gone or hidden from the bot"
    if isinstance(exc, discord.Forbidden):
        return "Discord answered 403: the bot may not post there (it needs View Channel, Send Messages, Embed Links)"
    return f"Discord answered {exc.status}: {exc.text or 'no reason given'}"


class DigestRunner:
    """Decides which subscriptions are due at a moment and delivers their digests, each on its own."""

    def __init__(self, bot: BriefingsBot, clock: Clock = utcnow) -> None:
        self.bot = bot
        self.clock = clock
        self.scheduler: AsyncIOScheduler | None = None
        self._locks: dict[int, asyncio.Lock] = {}

    # ---------------------------------------------------------------------- scheduling

    def attach(self, scheduler: AsyncIOScheduler) -> None:
        """Use the bot's scheduler: one job per subscription, plus a sweep for retries and back-offs."""
        self.scheduler = scheduler
        scheduler.add_job(
            self.tick,
            IntervalTrigger(seconds=RETRY_EVERY.total_seconds()),
            id="digest-sweep",
            replace_existing=True,
            coalesce=True,
            max_instances=1,
        )

    async def reschedule(self) -> None:
        """Jobs for exactly the stored subscriptions; then one catch-up pass for whatever was missed."""
        if self.scheduler is not None:
            for job in self.scheduler.get_jobs():
                if job.id.startswith("digest-") and job.id != "digest-sweep":
                    job.remove()
            for sub in await subs.all_subscriptions(self.bot.conn):
                self.scheduler.add_job(
                    self.run_one,
                    subs.trigger_for(sub),
                    args=[sub.id],
                    id=f"digest-{sub.id}",
                    coalesce=True,
                    max_instances=1,
                    misfire_grace_time=None,
                )
        await self.tick()

    # ---------------------------------------------------------------------- delivering

    async def tick(self, now: dt.datetime | None = None) -> dict[int, str]:
        """Deliver every subscription due at `now`; one failing channel holds up no other."""
        now = now or self.clock()
        due = [s for s in await subs.all_subscriptions(self.bot.conn) if subs.needs_delivery(s, now)]
        results = await asyncio.gather(*(self.deliver(s.id, now) for s in due), return_exceptions=True)
        out: dict[int, str] = {}
        for sub, result in zip(due, results, strict=True):
            if isinstance(result, BaseException):
                log.error("digest %s failed unexpectedly", sub.id, exc_info=result)
                out[sub.id] = f"error: {result}"
            else:
                out[sub.id] = result
        return out

    async def run_one(self, sub_id: int) -> str:
        now = self.clock()
        sub = await subs.get(self.bot.conn, sub_id)
        if sub is None or not subs.needs_delivery(sub, now):
            return "not due"
        return await self.deliver(sub_id, now)

    async def deliver(self, sub_id: int, now: dt.datetime) -> str:
        lock = self._locks.setdefault(sub_id, asyncio.Lock())
        async with lock:
            sub = await subs.get(self.bot.conn, sub_id)
            if sub is None:
                return "gone"
            sub = await subs.start_delivery(self.bot.conn, sub, now)
            assert sub.pending_until is not None
            digest = await build_digest(self.bot.conn, sub.watermark, sub.pending_until, status=sub.status)
            if digest.empty and not sub.no_news_line:
                await subs.finish_delivery(self.bot.conn, sub, now, delivered=False)
                return "nothing new"
            try:
                await self.post(sub, digest)
            except discord.HTTPException as exc:
                reason = describe_http_error(exc)
                sub = await subs.record_failure(self.bot.conn, sub, now, reason)
                log.warning(
                    "digest %s to channel %s failed (%d in a row): %s", sub.id, sub.channel_id, sub.failures, reason
                )
                return "paused" if sub.paused_reason else "failed"
            await subs.finish_delivery(self.bot.conn, sub, now, delivered=True)
            return "delivered"

    async def post(self, sub: subs.Subscription, digest: Digest) -> None:
        channel = self.bot.get_partial_messageable(sub.channel_id, guild_id=sub.guild_id)
        key = sub.digest_key
        messages = render.digest_messages(digest, marker=f"digest {key}")
        if await self._already_posted(channel, key, len(messages)):
            log.info("digest %s (%s) was already in channel %s", sub.id, key, sub.channel_id)
            return
        for part, embeds in enumerate(messages):
            await channel.send(embeds=embeds, nonce=f"{key}-{part}", allowed_mentions=discord.AllowedMentions.none())

    async def _already_posted(self, channel: discord.PartialMessageable, key: str, parts: int) -> bool:
        """Whether the last part of this digest is among the channel's latest messages."""
        marker = f"digest {key} · part {parts}/{parts}" if parts > 1 else f"digest {key}"
        try:
            async for message in channel.history(limit=20):
                if message.author.id == getattr(self.bot.user, "id", None) and any(
                    (e.footer.text or "").endswith(marker) for e in message.embeds
                ):
                    return True
        except discord.HTTPException:
            return False  # no Read Message History: the nonce alone guards the retry
        return False
