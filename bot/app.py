"""Starting the service: open the store, seed it when empty, then the bot (with a token) or the console."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from pathlib import Path

import aiosqlite
import discord
import yarl
from rich.console import Console

from bot.client import BriefingsBot
from briefings import feeds, queries
from briefings.console import run_console
from briefings.ingest import ingest_paths
from briefings.settings import Settings, SettingsError, load_settings
from briefings.store import StoreError, connect

log = logging.getLogger("briefings.service")


async def seed_if_empty(conn: aiosqlite.Connection, seeds: Path | None) -> int:
    """Ingest the seed articles into an empty store; returns how many were added."""
    if seeds is None or not await asyncio.to_thread(seeds.is_dir) or (await queries.stats(conn)).sources:
        return 0
    lines = await ingest_paths(conn, [str(seeds)])
    for line in lines:
        if line.error:
            log.warning("%s", line.describe())
    added = sum(1 for line in lines if line.result and line.result.added)
    log.info("seeded an empty store with %d articles from %s", added, seeds)
    return added


async def _stdin_line() -> str | None:
    line = await asyncio.to_thread(sys.stdin.readline)
    return line if line else None


def point_at(settings: Settings) -> None:
    """Use another Discord-compatible API and gateway when the settings name them."""
    if settings.discord_api:
        discord.http.Route.BASE = settings.discord_api.rstrip("/")
    if settings.discord_gateway:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway)


async def run_bot(conn: aiosqlite.Connection, settings: Settings) -> None:
    """Run until the gateway closes or SIGTERM/SIGINT arrives; then close everything cleanly."""
    assert settings.discord_token is not None
    point_at(settings)
    async with feeds.make_session(settings.feed_timeout, allow_loopback=settings.allow_loopback) as session:
        await _run(BriefingsBot(conn, settings, session=session), settings)


async def _run(bot: BriefingsBot, settings: Settings) -> None:
    assert settings.discord_token is not None
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with bot:
        runner = asyncio.create_task(bot.start(settings.discord_token.get_secret_value()), name="discord-gateway")
        stopper = asyncio.create_task(stop.wait(), name="stop-signal")
        done, _ = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if stopper in done:
            log.info("stopping: closing the gateway")
            await bot.close()
        else:
            stopper.cancel()
        await runner  # re-raises a start-up failure such as a refused token


async def serve(settings: Settings) -> None:
    async with connect(settings.db) as conn:
        await seed_if_empty(conn, settings.seeds)
        if settings.discord_token is None:
            await run_console(conn, _stdin_line, Console())
        else:
            await run_bot(conn, settings)


def main(argv: list[str] | None = None) -> int:
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        asyncio.run(serve(settings))
    except discord.LoginFailure:
        print("error: Discord refused the token; check BRIEFINGS_DISCORD_TOKEN", file=sys.stderr)
        return 1
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0
