"""The real discord.py client against the emulator, over a store holding the seeds (on each engine)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator

import discord
import pytest
import yarl

from bot.client import BriefingsBot
from briefings.service import seed_if_empty
from briefings.settings import Settings
from briefings.sources.feeds import make_session
from briefings.sources.worker import DEFAULT_BUDGET
from briefings.store.facts import connect
from tests.conftest import SEEDS, FakeClock
from tests.discord_emulator import GUILD_ID, DiscordEmulator

TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAx.GabcDE.emulated-token-not-a-secret-xyz"


@pytest.fixture
async def emulator(monkeypatch) -> AsyncIterator[DiscordEmulator]:
    emu = DiscordEmulator()
    await emu.start()
    monkeypatch.setattr(discord.http.Route, "BASE", emu.api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(emu.gateway_url))
    yield emu
    await emu.stop()


@pytest.fixture
async def store(db_url):
    async with connect(db_url) as conn:
        await seed_if_empty(conn, SEEDS, DEFAULT_BUDGET)
        yield conn


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(dt.datetime(2025, 3, 28, 12, 0, tzinfo=dt.UTC))


@contextlib.asynccontextmanager
async def running_bot(store, tmp_path, clock, db_url: str) -> AsyncIterator[BriefingsBot]:
    """A bot process's life: logged in to the emulator until the block ends."""
    settings = Settings(
        discord_token=TOKEN,
        db=db_url,
        state_dir=tmp_path,
        dev_guild=GUILD_ID,
        seeds=None,
        feed_timeout=2,
        allow_loopback=True,
    )
    async with make_session(settings.feed_timeout, allow_loopback=settings.allow_loopback) as session:
        # digests are driven by the tests' clock, not by a running scheduler
        client = BriefingsBot(store, settings, session=session, guild_ready_timeout=0.05, schedule=False, clock=clock)
        task = asyncio.create_task(client.start(TOKEN))
        await asyncio.wait_for(client.wait_until_ready(), 15)
        try:
            yield client
        finally:
            await client.close()
            await asyncio.wait_for(task, 10)


@pytest.fixture
async def bot(emulator, store, tmp_path, clock, db_url) -> AsyncIterator[BriefingsBot]:
    async with running_bot(store, tmp_path, clock, db_url) as client:
        yield client
