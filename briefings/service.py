"""The service, as `briefings bot` runs it: open the store, seed it when empty, then answer the
commands, on Discord when a token is set (the `bot` package, found as the "discord" face), in the
console otherwise."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Coroutine
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from rich.console import Console

from briefings.answers import queries
from briefings.settings import SettingsError
from briefings.sources.ingest import ingest_paths
from briefings.sources.worker import Extractor
from briefings.store.db import Connection
from briefings.store.facts import connect
from briefings.storyset import StorySet
from briefings.terminal import render
from briefings.terminal.console import console_reader, has_input, run_console

if TYPE_CHECKING:
    from briefings.settings import Settings

log = logging.getLogger("briefings.service")

FACES = "briefings.faces"  # the entry-point group where a face registers how it runs
Face = Callable[[Connection, "Settings"], Awaitable[None]]


class ServiceError(RuntimeError):
    """The service cannot start or go on; the message is one line (never the token)."""


async def seed_if_empty(conn: Connection, seeds: Path | None, budget: float, stories: StorySet | None = None) -> int:
    """Ingest the seed articles into an empty store, each read and extracted within `budget`
    seconds (BRIEFINGS_EXTRACT_BUDGET); returns how many were added."""
    if seeds is None or not await asyncio.to_thread(seeds.is_dir) or (await queries.stats(conn)).sources:
        return 0
    async with Extractor(budget) as extractor:
        lines = await ingest_paths(conn, [str(seeds)], extractor=extractor, stories=stories)
    for line in lines:
        if line.error:
            log.warning("%s", line.describe())
    added = sum(1 for line in lines if line.result and line.result.added)
    log.info("seeded an empty store with %d articles from %s", added, seeds)
    return added


def face(name: str) -> Face:
    """The face registered under `name` (the Discord bot registers "discord")."""
    found = entry_points(group=FACES, name=name)
    if not found:
        raise ServiceError(f"the {name} face is not installed; reinstall briefings (pip install -e .)")
    return next(iter(found)).load()


NO_TOKEN_NOR_INPUT = (
    "BRIEFINGS_DISCORD_TOKEN is not set, and the console it would run instead has no terminal or piped input:"
    " set the token (in .env or the environment), or give the console a terminal (docker run -it)"
)


async def serve(settings: Settings, *, console: Console | None = None) -> None:
    if settings.discord_token is None and console is None and not has_input(sys.stdin):
        # a container or service started without its token: say so, and fail, rather than answer
        # an input that never comes (and exit 0, which a restart policy turns into a loop)
        raise SettingsError(NO_TOKEN_NOR_INPUT)
    stories = settings.story_set()
    async with connect(settings.db) as conn:
        await seed_if_empty(conn, settings.seeds, settings.extract_budget, stories)
        if settings.discord_token is None:
            out = console or render.terminal()
            async with console_reader(conn, settings.local_dir, out, stories) as reader:
                await until_terminated(run_console(conn, reader, out, stories, ZoneInfo(settings.timezone)))
        else:
            await face("discord")(conn, settings)


async def until_terminated(work: Coroutine[Any, Any, None]) -> None:
    """Run `work` to its end, or until SIGTERM (what `docker stop` sends) asks the service to stop:
    then `work` is cancelled and the service closes cleanly, as it does at the end of its input."""
    task = asyncio.ensure_future(work)
    loop = asyncio.get_running_loop()
    try:
        loop.add_signal_handler(signal.SIGTERM, task.cancel)
    except (NotImplementedError, RuntimeError, ValueError):  # no signals here (not the main thread)
        await task
        return
    try:
        await task
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if current is not None and current.cancelling():  # the service itself is being cancelled
            raise
        log.info("stopping: SIGTERM")
    finally:
        loop.remove_signal_handler(signal.SIGTERM)
