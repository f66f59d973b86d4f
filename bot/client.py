"""The discord.py bot: resources passed in, cogs added in setup_hook, one error path for every command."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from discord import app_commands
from discord.ext import commands
from discord.gateway import DiscordWebSocket
from discord.shard import Shard

from bot.chart import Charts
from bot.cogs import digests as digest_commands
from bot.cogs import facts as fact_commands
from bot.cogs import feeds as feed_commands
from bot.common import NO_MENTIONS, UserInputError, permission_names
from bot.digests import Clock, DigestRunner, utcnow
from bot.feeds import FeedJobs
from bot.names import NameIndex
from bot.paging import OldPageButton, PageButton, Pages
from bot.render import clip, safe
from bot.tasks import spawn
from briefings.answers import queries
from briefings.answers.commands import CommandError, pick_story
from briefings.answers.queries import QueryError
from briefings.answers.views import Stats
from briefings.health import HEARTBEAT_EVERY, heartbeat_path, write_heartbeat
from briefings.scale.coordinator import Coordinator
from briefings.words import SHOWN_INPUT, quoted

if TYPE_CHECKING:
    import aiohttp
    import yarl

    from briefings.settings import Settings
    from briefings.store.db import Connection

log = logging.getLogger(__name__)

# commands being answered at once beyond which a new one is acknowledged first ("thinking…") and
# answered in a follow-up: under a burst every asker hears back at once, and none nears Discord's
# three-second limit for the first response
BUSY_AT = 8
# a 429 asking for longer is not waited out inside a request (discord.py's least): the interaction's
# deadline would pass, and a digest retries at the time Discord gave instead of holding its task
RATE_LIMIT_WAIT_MAX = 30.0
CONTENT_MAX = 2000  # characters in a message's content
# seconds between attempts to reach a gateway that does not answer: doubling from the first to the last
GATEWAY_RETRY_FIRST = 1.0
GATEWAY_RETRY_MAX = 120.0
ECHO_MAX = 60  # characters of the user's own input repeated in an error


def typed_values(interaction: discord.Interaction) -> list[str]:
    """The text the user typed into the command's options (subcommands included)."""
    out: list[str] = []
    stack = list((interaction.data or {}).get("options", []))  # type: ignore[call-overload]
    while stack:
        option = stack.pop()
        stack.extend(option.get("options", []))
        if isinstance(option.get("value"), str):
            out.append(option["value"])
    return out


def fit_echoes(message: str, typed: list[str]) -> str:
    """An error that repeats the user's input repeats it escaped, and cut when long; the whole
    message within Discord's 2,000 characters. The core repeats an input as `quoted()` makes it (on
    one line, cut at SHOWN_INPUT characters), so that is the form looked for and escaped here,
    whatever its length; an input repeated whole is cut and escaped the same way."""
    for value in sorted(set(typed), key=len, reverse=True):
        for form in dict.fromkeys((value, value.strip())):
            if not form:
                continue
            echo = quoted(form)
            shown = f"'{safe(echo[1:-1])}'"
            if len(form) > SHOWN_INPUT:  # long enough to be nothing but the input wherever it appears
                message = message.replace(f"'{form}'", shown).replace(form, shown[1:-1])
            if echo != shown:
                message = message.replace(echo, shown)
    return clip(message, CONTENT_MAX)


def one_line(exc: BaseException) -> str:
    """The last cause's words, on one line: "Connect call failed ('127.0.0.1', 1)"."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    words = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    text = " ".join(words.split()) or type(exc).__name__
    return text[:200]


class GatewayOutages(logging.Filter):
    """discord.py logs a traceback at every attempt to reconnect a shard while the gateway is down
    ('discord.shard'): one warning line per outage instead, and a line when the shard is back."""

    RECONNECTING = "Attempting a reconnect for shard ID %s in %.2fs"

    def __init__(self) -> None:
        super().__init__()
        self.down: set[int] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg != self.RECONNECTING or not isinstance(record.args, tuple):
            return True
        shard = record.args[0]
        if shard in self.down:
            return False
        self.down.add(shard)
        cause = record.exc_info[1] if record.exc_info else None
        record.msg = "lost the Discord gateway (shard %s): %s; reconnecting with back-off"
        record.args = (shard, one_line(cause) if cause else "no reason given")
        record.exc_info, record.exc_text = None, None
        record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        return True

    def back(self, shard: int) -> None:
        if shard in self.down:
            self.down.discard(shard)
            log.info("the Discord gateway answers again (shard %s)", shard)


def intents() -> discord.Intents:
    """Only the guilds intent: slash commands need no privileged intent, not even message content."""
    it = discord.Intents.none()
    it.guilds = True
    return it


class BriefingsBot(commands.AutoShardedBot):
    """The bot, in one process or several: discord.py's sharding runs the shards BRIEFINGS_SHARDS
    names (all of them, as many as Discord recommends, when unset), and the coordinator splits the
    digests and feed polls with the other processes (briefings.scale.coordinator)."""

    def __init__(
        self,
        conn: Connection,
        settings: Settings,
        *,
        session: aiohttp.ClientSession,
        clock: Clock = utcnow,
        schedule: bool = True,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("max_ratelimit_timeout", RATE_LIMIT_WAIT_MAX)
        plan = settings.shard_plan
        if plan is not None:
            kwargs.update(shard_ids=list(plan.ids), shard_count=plan.count)
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents(),
            allowed_mentions=NO_MENTIONS,
            help_command=None,
            **kwargs,
        )
        self.conn = conn
        self.settings = settings
        self.stories = settings.story_set()  # the stories followed: each command's `story` names one
        self.names = NameIndex()
        self.pages = Pages()
        self.charts = Charts()
        self.coordinator = Coordinator(conn, plan, ttl=dt.timedelta(seconds=settings.lease_seconds), clock=clock)
        self.digests = DigestRunner(self, clock)
        self.feeds = FeedJobs(self, session)
        self.scheduler = AsyncIOScheduler(timezone=dt.UTC)
        self._schedule = schedule  # tests drive digests with their own clock instead
        self._caught_up = False
        self._started = dt.datetime.now(dt.UTC)
        self._last_connected: dt.datetime | None = None
        self._stats: tuple[dt.datetime, Stats] | None = None
        self.tree.on_error = self.on_app_command_error
        self._answering = 0
        self._outages = GatewayOutages()

    async def launch_shards(self) -> None:
        """discord.py's, but the gateway BRIEFINGS_DISCORD_GATEWAY names is the one used, with or
        without BRIEFINGS_SHARDS (left to itself, discord.py takes the one GET /gateway/bot advertises
        when it asks Discord for the shard count)."""
        logging.getLogger("discord.shard").addFilter(self._outages)
        if self.shard_count is None and self.settings.discord_gateway:
            self.shard_count, _, _ = await self.http.get_bot_gateway()  # Discord's recommended count
        await super().launch_shards()  # with a count, it connects to DiscordWebSocket.DEFAULT_GATEWAY

    async def launch_shard(self, gateway: yarl.URL, shard_id: int, *, initial: bool = False) -> None:
        """discord.py's first connection of a shard, retried with back-off (GATEWAY_RETRY_FIRST,
        doubling, at most GATEWAY_RETRY_MAX seconds) and one log line per outage, where discord.py
        logs a traceback every 5 seconds for as long as the gateway does not answer."""
        delay, since = GATEWAY_RETRY_FIRST, None
        loop = asyncio.get_running_loop()
        while True:
            try:
                coro = DiscordWebSocket.from_client(self, initial=initial, gateway=gateway, shard_id=shard_id)
                ws = await asyncio.wait_for(coro, timeout=self.shard_connect_timeout)
                break
            except Exception as exc:  # what discord.py retries: the gateway is down or unreachable
                if self.is_closed():  # stopped meanwhile (SIGTERM): no shard to launch
                    return
                if since is None:
                    since = loop.time()
                    log.warning(
                        "cannot reach the Discord gateway at %s (shard %s): %s; retrying with back-off",
                        gateway,
                        shard_id,
                        one_line(exc),
                    )
                await asyncio.sleep(delay)
                delay = min(delay * 2, GATEWAY_RETRY_MAX)
        if since is not None:
            log.info("the Discord gateway answers again after %.0f s (shard %s)", loop.time() - since, shard_id)
        # what discord.py's launch_shard does with the connection (its attributes, discord.py 2.7)
        shard = Shard(ws, self, self._AutoShardedClient__queue.put_nowait)  # type: ignore[attr-defined]
        self._AutoShardedClient__shards[shard_id] = shard  # type: ignore[attr-defined]
        shard.launch()

    async def on_shard_connect(self, shard_id: int) -> None:
        self._outages.back(shard_id)

    async def on_shard_resumed(self, shard_id: int) -> None:
        self._outages.back(shard_id)

    async def setup_hook(self) -> None:
        await self.names.refresh(self.conn)
        # page buttons of any list this bot ever sent, across restarts (and those of earlier versions)
        self.add_dynamic_items(PageButton, OldPageButton)
        await fact_commands.setup(self)
        await digest_commands.setup(self)
        await feed_commands.setup(self)
        if self.settings.dev_guild:
            guild = discord.Object(id=self.settings.dev_guild)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to the development guild %s", len(synced), self.settings.dev_guild)
        else:
            synced = await self.tree.sync()
            log.info("synced %d global commands", len(synced))

        if self._schedule:
            await self.coordinator.hold_shards()  # before any sweep asks which shards have no process
            self._leases = spawn(self.coordinator.keep(self._take_over), "leases")
            self.scheduler.start()
            self.digests.attach(self.scheduler)
            await self.feeds.schedule(self.scheduler)
        self._heartbeat = spawn(self._keep_heartbeat(), "gateway-heartbeat")
        # what start-up made (modules, commands, the names index) lives as long as the process:
        # frozen, full collections stop walking it, which made 20 ms pauses under load (benchmarks/)
        gc.collect()
        gc.freeze()

    @contextlib.asynccontextmanager
    async def answering(self, interaction: discord.Interaction) -> AsyncIterator[None]:
        """Around a command's work: acknowledges first when many commands are being answered."""
        self._answering += 1
        try:
            if self._answering > BUSY_AT and not interaction.response.is_done():
                # a button press acknowledges as an update of its message; a command, as "thinking…"
                component = interaction.type is discord.InteractionType.component
                await interaction.response.defer(thinking=not component)
            yield
        finally:
            self._answering -= 1

    async def story_choices(self, current: str) -> list[app_commands.Choice[str]]:
        """Autocomplete for a `story` option: the stories whose name or title holds what was typed."""
        return [
            app_commands.Choice(name=f"{s.name}: {s.title}"[:100], value=s.name) for s in self.stories.complete(current)
        ]

    def status_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        """Autocomplete for a `status` option: the statuses of the story the command names so far
        (else the default's, or the first story's), as that story labels them."""
        try:
            story = pick_story(self.stories, interaction.namespace.story)
        except CommandError:
            story = next(iter(self.stories))
        key = current.strip().casefold()
        return [
            app_commands.Choice(name=f"{s.label} ({s.name})"[:100], value=s.name)
            for s in story.statuses
            if key in s.name.casefold() or key in s.label.casefold()
        ][:25]

    async def stats(self) -> Stats:
        """What the store holds, counted at most once a minute (a count of a million rows is not free)."""
        now = dt.datetime.now(dt.UTC)
        if self._stats is None or now - self._stats[0] > dt.timedelta(minutes=1):
            self._stats = (now, await queries.stats(self.conn))
        return self._stats[1]

    async def _take_over(self) -> None:
        """Shards without a live process: their due digests and feeds are this process's to do."""
        if self._caught_up:  # before the catch-up at READY, that one sweep does it
            await self.digests.sweep()
        await self.feeds.sweep()

    def connected(self) -> bool:
        """Every shard this process runs has its gateway connection open."""
        shards = self.shards
        return (
            self.is_ready()
            and not self.is_closed()
            and bool(shards)
            and all(not s.is_closed() for s in shards.values())
        )

    async def _beat(self) -> None:
        now = dt.datetime.now(dt.UTC)
        connected = self.connected()
        if connected:
            self._last_connected = now
        await asyncio.to_thread(
            write_heartbeat,
            heartbeat_path(self.settings.local_dir, self.settings.shards),
            connected=connected,
            now=now,
            last_connected=self._last_connected,
            started=self._started,
        )

    async def _keep_heartbeat(self) -> None:
        """Tell `briefings health` (the container's HEALTHCHECK) whether the gateway is connected."""
        while not self.is_closed():
            await self._beat()
            await asyncio.sleep(HEARTBEAT_EVERY.total_seconds())

    async def on_resumed(self) -> None:
        await self._beat()

    async def on_disconnect(self) -> None:
        if not self.is_closed():
            await self._beat()

    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        await self.digests.channel_deleted(channel)

    async def on_ready(self) -> None:
        shards = f" on shards {self.settings.shards}" if self.settings.shards else ""
        log.info("connected as %s to %d guilds%s", self.user, len(self.guilds), shards)
        await self._beat()
        await self.digests.channels_gone()
        if self._schedule and not self._caught_up:
            self._caught_up = True
            await self.digests.reschedule()  # jobs from the store, and one catch-up for missed slots

    async def close(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        await self.digests.close()
        await self.feeds.close()
        for task in (getattr(self, "_leases", None), getattr(self, "_heartbeat", None)):
            if task is not None:
                task.cancel()
        # a process that stops on purpose hands its shards, digests and feeds over at once
        with contextlib.suppress(Exception):
            await self.coordinator.close()
        await super().close()
        logging.getLogger("discord.shard").removeFilter(self._outages)
        # a bot that stopped on purpose leaves no stale heartbeat behind
        heartbeat_path(self.settings.local_dir, self.settings.shards).unlink(missing_ok=True)

    async def on_app_command_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        """The one error path: a short, true message for the user; the traceback for the log."""
        await self.explain(interaction, error)

    async def explain(self, interaction: discord.Interaction, error: BaseException) -> None:
        """Commands and buttons alike: a short, true message for the user; the traceback for the log."""
        original = getattr(error, "original", error)
        if isinstance(original, (QueryError, CommandError, UserInputError)):
            message = fit_echoes(str(original), typed_values(interaction))
        elif isinstance(error, app_commands.MissingPermissions):
            s = "s" if len(error.missing_permissions) > 1 else ""
            message = f"You need the {permission_names(error.missing_permissions)} permission{s} to use this."
        elif isinstance(error, app_commands.BotMissingPermissions):
            s = "s" if len(error.missing_permissions) > 1 else ""
            message = f"I need the {permission_names(error.missing_permissions)} permission{s} here."
        elif isinstance(error, app_commands.NoPrivateMessage):
            message = "This command works only in a server."
        elif isinstance(error, app_commands.CommandOnCooldown):
            message = f"Slow down: try again in {error.retry_after:.0f} seconds."
        elif isinstance(original, discord.RateLimited):
            log.warning("Discord rate-limited /%s for %.0f s", _name(interaction), original.retry_after)
            message = f"Discord asks me to slow down; please try again in {original.retry_after:.0f} seconds."
        elif isinstance(original, discord.HTTPException):
            log.error("Discord refused a request for /%s", _name(interaction), exc_info=original)
            message = "Discord refused part of the answer; please try again in a moment."
        else:
            log.error("/%s failed", _name(interaction), exc_info=original)
            message = "Something went wrong on our side and it has been logged; please try again."
        await send_error(interaction, message)


def _name(interaction: discord.Interaction) -> str:
    if interaction.command:
        return interaction.command.qualified_name
    return "a button" if interaction.type is discord.InteractionType.component else "?"


async def send_error(interaction: discord.Interaction, message: str) -> None:
    try:
        if not interaction.response.is_done():
            await interaction.response.send_message(message, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        if not interaction.extras.get("answered"):
            # a public "thinking…" placeholder would otherwise stay; the error goes to the asker alone
            await interaction.delete_original_response()
        await interaction.followup.send(message, ephemeral=True, allowed_mentions=NO_MENTIONS)
    except discord.HTTPException:
        log.warning("could not tell the user about an error in /%s", _name(interaction), exc_info=True)
