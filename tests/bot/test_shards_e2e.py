"""Two bot processes, each on one shard of two, against the emulator and one store: every command
answered once, every digest posted once, every feed polled once; one process killed (SIGKILL) in
the middle of a delivery, and its digest and feeds taken over by the other without a repeat."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import re
import signal
import sys
from collections.abc import AsyncIterator

from aiohttp import web

from briefings.answers import subscriptions as subs
from briefings.scale import leases
from briefings.service import seed_if_empty
from briefings.sources import feeds
from briefings.store.facts import connect
from tests.bot.conftest import TOKEN
from tests.conftest import ROOT, SEEDS
from tests.discord_emulator import CHANNEL_ID, GUILD_ID, DiscordEmulator, shard_of

OTHER_GUILD = ((GUILD_ID >> 22) + 1) << 22  # on the other shard of two
OTHER_CHANNEL = CHANNEL_ID + 10
LEASE_SECONDS = 6  # a killed process's work is taken over after this (the default is 30)
STORY = """<html><head><title>Troops, part {n}</title></head><body><article>
<h1>Report {n}: more North Korean troops reach Russia</h1>
<p>About {count:,} more North Korean soldiers arrived in Russia this week, the defence ministry in Seoul said on day {n}.</p>
<p>The new arrivals are being trained at bases in the far east before moving west, officials said in report {n}.</p>
</article></body></html>"""


class Outlets:
    """Feeds /feed/N, each with one entry, the page /story/N; every request counted."""

    def __init__(self) -> None:
        self.hits: dict[str, int] = {}
        self.base = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.hits[request.path] = self.hits.get(request.path, 0) + 1
        if m := re.fullmatch(r"/feed/(\d+)", request.path):
            n = m.group(1)
            xml = (
                f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire {n}</title><item>'
                f"<title>Report {n}</title><link>{self.base}/story/{n}</link><guid>story-{n}</guid>"
                "</item></channel></rss>"
            )
            return web.Response(text=xml, content_type="application/rss+xml")
        if m := re.fullmatch(r"/story/(\d+)", request.path):
            n = int(m.group(1))
            return web.Response(text=STORY.format(n=n, count=1000 + n), content_type="text/html")
        return web.Response(status=404)


@contextlib.asynccontextmanager
async def outlets() -> AsyncIterator[Outlets]:
    site = Outlets()
    app = web.Application()
    app.router.add_get("/{tail:.*}", site.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    tcp = web.TCPSite(runner, "127.0.0.1", 0)
    await tcp.start()
    site.base = f"http://127.0.0.1:{tcp._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
    try:
        yield site
    finally:
        await runner.cleanup()


def bot_env(emu: DiscordEmulator, db, shards: str, state) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFINGS_")}
    env.update(
        BRIEFINGS_DB=str(db),
        BRIEFINGS_STATE_DIR=str(state),  # the heartbeat: beside a SQLite store, a folder of its own with PostgreSQL
        BRIEFINGS_SEEDS="",
        BRIEFINGS_DISCORD_TOKEN=TOKEN,
        BRIEFINGS_DISCORD_API=emu.api_base,
        BRIEFINGS_DISCORD_GATEWAY=emu.gateway_url,
        BRIEFINGS_SHARDS=shards,
        BRIEFINGS_LEASE_SECONDS=str(LEASE_SECONDS),
        BRIEFINGS_ALLOW_LOOPBACK="true",
        BRIEFINGS_FEED_TIMEOUT="5",
        BRIEFINGS_LOG_LEVEL="INFO",
    )
    return env


def log_file(path):
    return open(path, "wb")  # closed by the test


async def start_bot(emu: DiscordEmulator, db, shards: str, log, state) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=str(ROOT), stdout=log, stderr=log, env=bot_env(emu, db, shards, state)
    )


async def until(check, *, within: float, what: str):
    """Poll the store (or the emulator) until `check()` is true: the processes work on their own clocks."""
    loop = asyncio.get_running_loop()
    end = loop.time() + within
    while True:
        result = await check()
        if result:
            return result
        if loop.time() > end:
            raise AssertionError(f"not within {within} s: {what}")
        await asyncio.sleep(0.2)


def digest_posts(emu: DiscordEmulator, channel: int) -> list[dict]:
    return [
        m
        for m in emu.channel_messages(channel)
        if any("digest " in (e.get("footer") or {}).get("text", "") for e in m["embeds"])
    ]


async def answered_once(emu: DiscordEmulator, name: str, channel: int) -> None:
    payload = emu.slash(name, channel_id=channel)
    callback = await emu.interact(payload, within=15)
    assert callback.status == 200
    await asyncio.sleep(0.3)  # a second answer (from a process that should not have had it) would be refused
    calls = [r for r in emu.requests if r.path == f"/interactions/{payload['id']}/{payload['token']}/callback"]
    assert len(calls) == 1, calls


async def test_two_processes_split_the_work_and_one_takes_over_when_the_other_is_killed(tmp_path, db_url) -> None:
    assert shard_of(GUILD_ID, 2) == 0 and shard_of(OTHER_GUILD, 2) == 1
    db = db_url  # a SQLite file both processes open, or one PostgreSQL database
    emu = DiscordEmulator()
    emu.add_guild(OTHER_GUILD, OTHER_CHANNEL)
    await emu.start()
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    async with outlets() as site:
        async with connect(db) as conn:
            await seed_if_empty(conn, SEEDS, budget=20)
            # feed N's home shard is N % 2: feeds 1 and 3 are shard 1's, 2 and 4 shard 0's
            for n in range(1, 5):
                await feeds.add_feed(conn, f"{site.base}/feed/{n}", every_minutes=60, now=long_ago)
            for guild, channel in ((GUILD_ID, CHANNEL_ID), (OTHER_GUILD, OTHER_CHANNEL)):
                await subs.subscribe(
                    conn,
                    guild_id=guild,
                    channel_id=channel,
                    at="00:00",
                    timezone="UTC",
                    every="6 hours",
                    status=None,
                    no_news_line=False,
                    created_by=None,
                    now=long_ago,  # the seeds came after: due at once, with something to say
                )
        # shard 1's digest is posted and Discord accepts it, but the answer never reaches the process
        released = emu.stall("POST", rf"^/channels/{OTHER_CHANNEL}/messages$")
        logs = [log_file(tmp_path / f"bot-{i}.log") for i in (0, 1)]
        first = await start_bot(emu, db, "0/2", logs[0], tmp_path)
        second = await start_bot(emu, db, "1/2", logs[1], tmp_path)
        try:
            await emu.wait_for_shards((0, 2), (1, 2), within=60)
            await emu.wait_for(lambda r: r.method == "PUT" and r.path.endswith("/commands"), within=30)

            # every command answered once, by the process of its guild's shard
            await until(lambda: _ready(emu), within=30, what="both processes answer")
            await answered_once(emu, "sources", CHANNEL_ID)
            await answered_once(emu, "sources", OTHER_CHANNEL)

            # every feed polled once, each by the process of its home shard
            async with connect(db) as conn:
                await until(lambda: _all_polled(conn, 4), within=60, what="the four feeds polled")
            for n in range(1, 5):
                assert site.hits.get(f"/feed/{n}") == 1 and site.hits.get(f"/story/{n}") == 1, site.hits
            # shard 0's digest posted once; shard 1's accepted once, its process still waiting
            await until(lambda: _posted(emu, CHANNEL_ID, 1), within=60, what="shard 0's digest")
            await until(lambda: _posted(emu, OTHER_CHANNEL, 1), within=60, what="shard 1's digest, in flight")
            async with connect(db) as conn:
                pending = [s for s in await subs.all_subscriptions(conn) if s.guild_id == OTHER_GUILD]
                assert pending[0].pending_until is not None  # the process never heard Discord accept it

            second.send_signal(signal.SIGKILL)
            await second.wait()
            async with connect(db) as conn:
                # added while shard 1 has no process (feed 5 is shard 1's): polled by the survivor
                await feeds.add_feed(conn, f"{site.base}/feed/5", every_minutes=60, now=dt.datetime.now(dt.UTC))
                await until(lambda: _delivered(conn, OTHER_GUILD), within=LEASE_SECONDS * 4, what="the takeover")
                await until(lambda: _all_polled(conn, 5), within=LEASE_SECONDS * 4, what="feed 5 polled")
                held = await leases.live(conn, "", now=dt.datetime.now(dt.UTC))
            assert all("[0/2]" in holder for holder in held.values()), held
            # taken over without a repeat: the part Discord had accepted was found, not posted again
            assert len(digest_posts(emu, OTHER_CHANNEL)) == 1
            assert len(digest_posts(emu, CHANNEL_ID)) == 1
            assert [site.hits.get(f"/feed/{n}") for n in range(1, 6)] == [1, 1, 1, 1, 1], site.hits
            assert site.hits.get("/story/5") == 1
            await answered_once(emu, "sources", CHANNEL_ID)  # the survivor still answers its own
        finally:
            released.set()
            for proc in (first, second):
                if proc.returncode is None:
                    proc.send_signal(signal.SIGTERM)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(proc.wait(), 30)
            for log in logs:
                log.close()
            await emu.stop()
    first_log = (tmp_path / "bot-0.log").read_text()
    second_log = (tmp_path / "bot-1.log").read_text()
    assert "on shards 0/2" in first_log and "on shards 1/2" in second_log
    assert "shards [1] have no live process" in first_log
    assert "Traceback" not in first_log, first_log[-3000:]
    assert first.returncode == 0


async def _ready(emu: DiscordEmulator) -> bool:
    return "sources" in emu.commands


async def _all_polled(conn, n: int) -> bool:
    listed = await feeds.list_feeds(conn)
    return len(listed) == n and all(f.last_success for f in listed)


async def _posted(emu: DiscordEmulator, channel: int, n: int) -> bool:
    return len(digest_posts(emu, channel)) >= n


async def _delivered(conn, guild: int) -> bool:
    (sub,) = [s for s in await subs.all_subscriptions(conn) if s.guild_id == guild]
    return sub.pending_until is None and sub.last_delivery is not None
