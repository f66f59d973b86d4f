"""Delivering digests to channels: never lose a fact, never post any part of a digest twice.

Each subscription keeps a watermark. A delivery first records the end of the digest it is about to
send (pending_until), renders it once into parts kept in the store, then posts the parts in order,
marking each with the message Discord made of it, and moves the watermark when the last is in. A
retry (after a refusal, a rate limit or a crash) posts only the parts not yet accepted. Against a
crash between Discord accepting a part and the mark being saved, every part is posted with a nonce
derived from the digest and the part: within Discord's nonce window, enforce_nonce answers with the
message it already has; past it, the part's marker in the footer, found among the channel's latest
messages, tells the retry it was already delivered.

Deliveries run as tasks of their own: the once-a-minute sweep and each subscription's job only start
them, so one channel held by a long 429 or a slow refusal holds up no other.

With several bot processes (BRIEFINGS_SHARDS), a process delivers the digests of the guilds on its
shards, and those of shards no live process holds; each delivery runs under the subscription's lease
('digest:<id>'), and what is due is read again once the lease is held, so of two processes that
both find a digest theirs one delivers it and the other finds it delivered. One killed half-way
leaves its lease to lapse; the next process resumes the same digest from the store, and the nonces
and footer markers keep any part it had posted from being posted again.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot import render
from bot.common import permission_names
from bot.tasks import spawn
from briefings.answers import subscriptions as subs
from briefings.answers.digest import build_digest

if TYPE_CHECKING:
    from bot.client import BriefingsBot

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
RETRY_EVERY = dt.timedelta(minutes=1)
HISTORY_LOOKED_AT = 50  # latest channel messages searched for parts posted before a crash
EMPTY_MESSAGE = 50006  # Discord's code for a message left empty: its embeds dropped without Embed Links


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


NEEDED_IN_CHANNEL = ("view_channel", "send_messages", "embed_links")  # to post a digest at all


def missing_in(channel: object) -> list[str] | None:
    """What of NEEDED_IN_CHANNEL the bot lacks in a channel, computed from its roles and the channel's
    overwrites as the gateway told them; None when the bot knows no such channel in a server."""
    if not isinstance(channel, discord.abc.GuildChannel):
        return None
    perms = channel.permissions_for(channel.guild.me)
    return [p for p in NEEDED_IN_CHANNEL if not getattr(perms, p)]


def describe_http_error(exc: discord.HTTPException, missing: list[str] | None = None) -> str:
    """Why Discord refused a digest, in a line for `/digest list`; `missing` names the permissions
    the bot lacks in the channel, when it knows."""
    if isinstance(exc, discord.NotFound):
        return "Discord answered 404: the channel is gone or hidden from the bot"
    if missing and (isinstance(exc, discord.Forbidden) or exc.code == EMPTY_MESSAGE):
        s = "s" if len(missing) > 1 else ""
        return f"Discord answered {exc.status}: the bot may not post there (it needs the {permission_names(missing)} permission{s})"
    if isinstance(exc, discord.Forbidden):
        needed = permission_names(list(NEEDED_IN_CHANNEL))
        return f"Discord answered 403: the bot may not post there (it needs {needed})"
    return f"Discord answered {exc.status}: {exc.text or 'no reason given'}"


def part_marker(key: str, number: int, parts: int) -> str:
    """What ends the last footer of a digest's part: names the digest and the part."""
    return f"digest {key}" if parts == 1 else f"digest {key} · part {number}/{parts}"


class DigestRunner:
    """Decides which subscriptions are due at a moment and delivers their digests, each on its own."""

    def __init__(self, bot: BriefingsBot, clock: Clock = utcnow) -> None:
        self.bot = bot
        self.clock = clock
        self.scheduler: AsyncIOScheduler | None = None
        self._locks: dict[int, asyncio.Lock] = {}
        self._running: dict[int, asyncio.Task[str]] = {}  # deliveries in flight, by subscription

    # ---------------------------------------------------------------------- scheduling

    def attach(self, scheduler: AsyncIOScheduler) -> None:
        """Use the bot's scheduler: one job per subscription, plus a sweep for retries and back-offs."""
        self.scheduler = scheduler
        scheduler.add_job(
            self.sweep,
            IntervalTrigger(seconds=RETRY_EVERY.total_seconds()),
            id="digest-sweep",
            replace_existing=True,
            coalesce=True,
            max_instances=1,
        )

    async def reschedule(self) -> None:
        """Jobs for exactly the stored subscriptions; then one catch-up sweep for whatever was missed."""
        if self.scheduler is not None:
            for job in self.scheduler.get_jobs():
                if job.id.startswith("digest-") and job.id != "digest-sweep":
                    job.remove()
            for sub in await subs.all_subscriptions(self.bot.conn):
                self.schedule(sub)
        await self.sweep()

    def schedule(self, sub: subs.Subscription) -> None:
        """The job of one subscription, added or replaced; nothing is delivered here."""
        if self.scheduler is None:
            return
        self.scheduler.add_job(
            self.run_one,
            subs.trigger_for(sub),
            args=[sub.id],
            id=f"digest-{sub.id}",
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )

    async def channel_deleted(self, channel: discord.abc.GuildChannel) -> list[int]:
        """Discord deleted a channel: its subscriptions pause at once, saying so in `/digest list`."""
        when = self.clock().astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        paused = await subs.pause_channel(
            self.bot.conn, channel.id, f"its channel #{channel.name} was deleted ({when})"
        )
        if paused:
            log.info("channel %s was deleted: paused subscriptions %s", channel.id, paused)
        return paused

    async def channels_gone(self) -> list[int]:
        """At connection: subscriptions whose channel is no longer in its server (deleted while the
        bot was away) pause, as on the channel-delete event; servers this process does not see, or
        that Discord says are unavailable, are left alone."""
        paused: list[int] = []
        for sub in await subs.all_subscriptions(self.bot.conn):
            guild = self.bot.get_guild(sub.guild_id)
            if sub.paused_reason or guild is None or guild.unavailable or guild.get_channel(sub.channel_id):
                continue
            paused += await subs.pause_channel(
                self.bot.conn, sub.channel_id, "its channel was deleted while the bot was offline"
            )
        if paused:
            log.info("channels deleted while the bot was offline: paused subscriptions %s", paused)
        return paused

    def unschedule(self, sub_id: int) -> None:
        if self.scheduler is not None and self.scheduler.get_job(f"digest-{sub_id}") is not None:
            self.scheduler.remove_job(f"digest-{sub_id}")

    # ---------------------------------------------------------------------- starting deliveries

    def _start(self, sub_id: int, now: dt.datetime) -> asyncio.Task[str]:
        running = self._running.get(sub_id)
        if running is not None and not running.done():
            return running
        task = spawn(self.deliver(sub_id, now), f"digest-{sub_id}")
        self._running[sub_id] = task
        task.add_done_callback(lambda t: self._running.pop(sub_id, None) if self._running.get(sub_id) is t else None)
        return task

    async def _due(self, now: dt.datetime) -> list[subs.Subscription]:
        """The subscriptions due at `now` that are this process's to deliver."""
        due = [s for s in await subs.all_subscriptions(self.bot.conn) if subs.needs_delivery(s, now)]
        if not due:
            return due
        share = await self.bot.coordinator.share()
        return [s for s in due if share.guild(s.guild_id)]

    async def sweep(self, now: dt.datetime | None = None) -> list[int]:
        """Start delivering every subscription due at `now` that is not being delivered; returns at once."""
        now = now or self.clock()
        started = [s.id for s in await self._due(now) if s.id not in self._running]
        for sub_id in started:
            self._start(sub_id, now)
        return started

    async def run_one(self, sub_id: int) -> None:
        """A subscription's scheduled time: start its delivery if it is due."""
        now = self.clock()
        sub = await subs.get(self.bot.conn, sub_id)
        if (
            sub is not None
            and subs.needs_delivery(sub, now)
            and (await self.bot.coordinator.share()).guild(sub.guild_id)
        ):
            self._start(sub_id, now)

    async def tick(self, now: dt.datetime | None = None) -> dict[int, str]:
        """Deliver every subscription due at `now` and wait for the outcomes, each on its own."""
        now = now or self.clock()
        due = await self._due(now)
        results = await asyncio.gather(*(self._start(s.id, now) for s in due), return_exceptions=True)
        out: dict[int, str] = {}
        for sub, result in zip(due, results, strict=True):
            if isinstance(result, BaseException):  # its task has logged it
                out[sub.id] = f"error: {result}"
            else:
                out[sub.id] = result
        return out

    async def close(self) -> None:
        """Stop deliveries in flight (the store says where each one was)."""
        running = [t for t in self._running.values() if not t.done()]
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)

    # ---------------------------------------------------------------------- delivering

    async def deliver(self, sub_id: int, now: dt.datetime) -> str:
        lock = self._locks.setdefault(sub_id, asyncio.Lock())
        async with lock, self.bot.coordinator.doing(f"digest:{sub_id}") as ours:
            if not ours:
                return "another process is delivering it"
            sub = await subs.get(self.bot.conn, sub_id)  # read under the lease: another may have delivered it
            if sub is None:
                return "gone"
            if not subs.needs_delivery(sub, now):
                return "not due"
            retrying = sub.pending_until is not None
            sub = await subs.start_delivery(self.bot.conn, sub, now)
            assert sub.pending_until is not None
            parts = await subs.digest_parts(self.bot.conn, sub.id)
            if not parts:
                story = self.bot.stories.get(sub.story)
                if story is None:  # its story file was taken out of BRIEFINGS_STORIES
                    return await self._failed(sub, now, f"its story {sub.story} is no longer followed")
                digest = await build_digest(
                    self.bot.conn, sub.watermark, sub.pending_until, story=story, status=sub.status
                )
                if digest.empty and not sub.no_news_line:
                    await subs.finish_delivery(self.bot.conn, sub, now, delivered=False)
                    return "nothing new"
                messages = render.digest_messages(digest, marker=f"digest {sub.digest_key}")
                payloads = [json.dumps([e.to_dict() for e in embeds]) for embeds in messages]
                parts = await subs.save_parts(self.bot.conn, sub.id, payloads)
            try:
                await self.post(sub, parts, look_back=retrying)
            except discord.RateLimited as exc:  # longer than the bot waits out: come back when Discord says
                reason = f"Discord's rate limit: it asked to wait {exc.retry_after:.0f} s"
                return await self._failed(sub, now, reason, not_before=now + dt.timedelta(seconds=exc.retry_after))
            except discord.HTTPException as exc:
                missing = missing_in(self.bot.get_channel(sub.channel_id))
                return await self._failed(sub, now, describe_http_error(exc, missing))
            await subs.finish_delivery(self.bot.conn, sub, now, delivered=True)
            return "delivered"

    async def _failed(
        self, sub: subs.Subscription, now: dt.datetime, reason: str, *, not_before: dt.datetime | None = None
    ) -> str:
        sub = await subs.record_failure(self.bot.conn, sub, now, reason, not_before=not_before)
        log.warning("digest %s to channel %s failed (%d in a row): %s", sub.id, sub.channel_id, sub.failures, reason)
        return "paused" if sub.paused_reason else "failed"

    async def post(self, sub: subs.Subscription, parts: list[subs.DigestPart], *, look_back: bool) -> None:
        """Post the parts Discord has not accepted yet, in order, marking each as it is accepted."""
        channel = self.bot.get_partial_messageable(sub.channel_id, guild_id=sub.guild_id)
        key = sub.digest_key
        accepted = {p.number for p in parts if p.message_id is not None}
        if look_back:  # an earlier attempt may have posted a part without living to mark it
            accepted |= await self._find_posted(
                channel, sub, [p for p in parts if p.number not in accepted], len(parts)
            )
        for part in parts:
            if part.number in accepted:
                continue
            embeds = [discord.Embed.from_dict(e) for e in json.loads(part.payload)]
            message = await channel.send(
                embeds=embeds, nonce=f"{key}-{part.number}", allowed_mentions=discord.AllowedMentions.none()
            )
            await subs.mark_part_sent(self.bot.conn, sub.id, part.number, message.id)

    async def _find_posted(
        self, channel: discord.PartialMessageable, sub: subs.Subscription, unmarked: list[subs.DigestPart], total: int
    ) -> set[int]:
        """Mark the parts whose marker is among the channel's latest messages; their numbers."""
        wanted = {part_marker(sub.digest_key, p.number, total): p.number for p in unmarked}
        found: set[int] = set()
        if not wanted:
            return found
        me = getattr(self.bot.user, "id", None)
        try:
            async for message in channel.history(limit=HISTORY_LOOKED_AT):
                if message.author.id != me:
                    continue
                for marker, number in wanted.items():
                    if number not in found and any((e.footer.text or "").endswith(marker) for e in message.embeds):
                        log.info("digest %s part %d was already in channel %s", sub.id, number, sub.channel_id)
                        await subs.mark_part_sent(self.bot.conn, sub.id, number, message.id)
                        found.add(number)
        except discord.HTTPException:
            pass  # no history to read: the nonce alone guards the retry
        return found
