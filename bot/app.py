"""The Discord face of the service: the bot, run by `briefings bot` (briefings.service) when a token
is set; it finds this module through the "briefings.faces" entry point. `python -m bot` is the same
as `briefings bot`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

import aiohttp
import discord
import yarl

from bot.client import BriefingsBot, one_line
from briefings.service import ServiceError
from briefings.settings import Settings
from briefings.sources import feeds
from briefings.store.db import Connection

log = logging.getLogger("briefings.service")

LOGIN_BACKOFF_FIRST = 1.0  # seconds before the first retry of a login Discord answered with 5xx
LOGIN_BACKOFF_MAX = 60.0  # the longest wait between two tries


def point_at(settings: Settings) -> None:
    """Use another Discord-compatible API and gateway when the settings name them."""
    if settings.discord_api:
        discord.http.Route.BASE = settings.discord_api.rstrip("/")
    if settings.discord_gateway:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway)


async def run_bot(conn: Connection, settings: Settings) -> None:
    """Run until the gateway closes or SIGTERM/SIGINT arrives; then close everything cleanly. A
    start-up that cannot go on (a refused token, Discord unreachable) is one `ServiceError` line."""
    assert settings.discord_token is not None
    point_at(settings)
    try:
        async with feeds.make_session(settings.feed_timeout, allow_loopback=settings.allow_loopback) as session:
            await _run(BriefingsBot(conn, settings, session=session), settings)
    except discord.LoginFailure:
        raise ServiceError("Discord refused the token; check BRIEFINGS_DISCORD_TOKEN") from None
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        where = settings.discord_api or discord.http.Route.BASE
        setting = " (BRIEFINGS_DISCORD_API)" if settings.discord_api else ""
        raise ServiceError(f"cannot reach Discord at {where}{setting}: {one_line(exc)}") from None


async def _run(bot: BriefingsBot, settings: Settings) -> None:
    assert settings.discord_token is not None
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with bot:
        runner = asyncio.create_task(_start(bot, settings), name="discord-gateway")
        stopper = asyncio.create_task(stop.wait(), name="stop-signal")
        done, _ = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if stopper in done:
            log.info("stopping: closing the gateway")
            await bot.close()
        else:
            stopper.cancel()
        await runner  # re-raises a start-up failure such as a refused token


async def _start(bot: BriefingsBot, settings: Settings) -> None:
    """Log in, then connect the gateway (`bot.start`), retrying the login with back-off while Discord
    answers it with a server error (an outage): one line when the outage begins, and one `ServiceError`
    line when it outlasts `settings.login_retry`."""
    assert settings.discord_token is not None
    token = settings.discord_token.get_secret_value()
    loop = asyncio.get_running_loop()
    began: float | None = None
    wait = LOGIN_BACKOFF_FIRST
    while True:
        try:
            await bot.login(token)
            break
        except discord.DiscordServerError as exc:
            now = loop.time()
            if began is None:
                began = now
                log.warning(
                    "Discord answered %s %s at login; retrying with back-off for up to %g s (BRIEFINGS_LOGIN_RETRY)",
                    exc.status,
                    exc.response.reason or "",
                    settings.login_retry,
                )
            if now + wait - began > settings.login_retry:
                raise ServiceError(
                    f"Discord answered {exc.status} at login for {now - began:.0f} s, past BRIEFINGS_LOGIN_RETRY "
                    f"({settings.login_retry:g} s); try again later"
                ) from None
            await asyncio.sleep(wait)
            wait = min(2 * wait, LOGIN_BACKOFF_MAX)
    if began is not None:
        log.info("logged in to Discord after %.0f s of server errors", loop.time() - began)
    await bot.connect()


def main(argv: list[str] | None = None) -> int:
    from briefings.cli import main as cli_main

    return cli_main(["bot", *(argv or [])])
