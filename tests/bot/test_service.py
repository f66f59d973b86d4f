"""The service as a process: settings errors and a clean stop on SIGTERM (the console: tests/terminal/test_console.py)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable

from tests.bot.conftest import TOKEN
from tests.conftest import ROOT, SEEDS
from tests.discord_emulator import GUILD_ID, DiscordEmulator


def env_for(tmp_path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFINGS_")}
    env.update({"BRIEFINGS_DB": str(tmp_path / "svc.db"), "BRIEFINGS_SEEDS": str(SEEDS), **extra})
    return env


def start_service(tmp_path, **extra: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot` with these settings, run until it stops."""
    return subprocess.run(
        [sys.executable, "-m", "bot"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env=env_for(tmp_path, **extra),
    )


def test_a_malformed_setting_stops_start_up_with_one_line_and_no_token(tmp_path) -> None:
    secret = "not a token but a secret with spaces"
    run = start_service(tmp_path, BRIEFINGS_DISCORD_TOKEN=secret)
    assert run.returncode == 2
    assert (
        run.stderr.strip()
        == "error: BRIEFINGS_DISCORD_TOKEN does not look like a Discord bot token (three dot-separated parts)"
    )
    assert secret not in run.stdout + run.stderr
    run = start_service(tmp_path, BRIEFINGS_TIMEZONE="Mars/Olympus")
    assert run.returncode == 2 and run.stderr.count("\n") == 1 and "BRIEFINGS_TIMEZONE" in run.stderr


@contextlib.asynccontextmanager
async def bot_process(
    tmp_path, *argv: str, faults: Callable[[DiscordEmulator], None] | None = None, **settings: str
) -> AsyncIterator[tuple[asyncio.subprocess.Process, DiscordEmulator]]:
    """The service (`python ARGV`) logged in to an emulator (answering with `faults` first), its
    gateway connected, until the block ends."""
    emu = DiscordEmulator()
    await emu.start()
    if faults is not None:
        faults(emu)
    proc = None
    try:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            *argv,
            cwd=str(ROOT),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env_for(
                tmp_path,
                BRIEFINGS_DISCORD_TOKEN=TOKEN,
                BRIEFINGS_DEV_GUILD=str(GUILD_ID),
                BRIEFINGS_DISCORD_API=emu.api_base,
                BRIEFINGS_DISCORD_GATEWAY=emu.gateway_url,
                **settings,
            ),
        )
        await asyncio.wait_for(emu.ready.wait(), 60)
        await emu.wait_for(lambda r: r.method == "PUT" and r.path.endswith("/commands"), within=30)
        beat = tmp_path / "gateway.heartbeat"  # written right after "connected" is logged
        deadline = asyncio.get_running_loop().time() + 60  # waited for: a loaded machine may take long
        while not (beat.exists() and '"connected": true' in beat.read_text()):
            assert proc.returncode is None and asyncio.get_running_loop().time() < deadline, "never connected"
            await asyncio.sleep(0.05)
        yield proc, emu
    finally:
        if proc is not None and proc.returncode is None:
            proc.kill()
            await proc.wait()
        await emu.stop()


async def test_sigterm_closes_the_gateway_and_the_process_exits(tmp_path) -> None:
    async with bot_process(tmp_path, "-m", "bot") as (proc, emu):
        health = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "briefings.cli",
            "health",
            env=env_for(tmp_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(health.communicate(), 60)
        assert health.returncode == 0 and b"gateway connected" in out, err
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(proc.wait(), 30)
        stderr = (await proc.stderr.read()).decode()
        assert code == 0, stderr
        assert "stopping: closing the gateway" in stderr
        assert TOKEN not in stderr
        assert emu._ws is not None and emu._ws.closed
        assert not (tmp_path / "gateway.heartbeat").exists()  # stopped on purpose: no stale heartbeat


async def test_briefings_bot_logs_at_the_configured_level(tmp_path) -> None:
    async with bot_process(tmp_path, "-m", "briefings.cli", "bot", BRIEFINGS_LOG_LEVEL="INFO") as (proc, _):
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 30) == 0
        stderr = (await proc.stderr.read()).decode()
        assert "connected as briefings" in stderr
        assert "synced 9 commands to the development guild" in stderr
        assert "stopping: closing the gateway" in stderr


def _outage(requests: int) -> Callable[[DiscordEmulator], None]:
    def answer_503(emu: DiscordEmulator) -> None:
        emu.fail("GET", r"^/users/@me$", 503, times=requests, message="Service Unavailable")

    return answer_503


async def test_discord_answering_5xx_at_login_is_retried_and_said_in_one_line(tmp_path) -> None:
    async with bot_process(tmp_path, "-m", "bot", faults=_outage(3)) as (proc, emu):
        logins = [r for r in emu.requests if r.path == "/users/@me"]
        assert [r.status for r in logins] == [503, 503, 503, 200]
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 30) == 0
        stderr = (await proc.stderr.read()).decode()
    said = [line for line in stderr.splitlines() if "503" in line]
    assert len(said) == 1 and "Discord answered 503 Service Unavailable at login; retrying with back-off" in said[0]
    assert "Traceback" not in stderr and "DiscordServerError" not in stderr and TOKEN not in stderr


async def test_discord_answering_5xx_at_login_past_the_retry_time_is_one_line_and_an_error(tmp_path) -> None:
    emu = DiscordEmulator()
    await emu.start()
    try:
        _outage(1000)(emu)
        env = env_for(
            tmp_path,
            BRIEFINGS_DISCORD_TOKEN=TOKEN,
            BRIEFINGS_DISCORD_API=emu.api_base,
            BRIEFINGS_DISCORD_GATEWAY=emu.gateway_url,
            BRIEFINGS_LOGIN_RETRY="4",
        )
        run = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "bot"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
            env=env,
        )
    finally:
        await emu.stop()
    assert run.returncode != 0
    assert "Traceback" not in run.stderr and "DiscordServerError" not in run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("error: Discord answered 503 at login for ")
    assert last.endswith("s, past BRIEFINGS_LOGIN_RETRY (4 s); try again later")
    assert 3 <= sum(r.path == "/users/@me" for r in emu.requests) < 10  # with back-off, not a tight loop


async def until(check, within: float) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + within
    while not check():
        assert loop.time() < end, "never happened"
        await asyncio.sleep(0.05)


async def test_the_gateway_setting_is_honoured_and_an_outage_is_one_line_with_back_off(tmp_path) -> None:
    emu = DiscordEmulator()
    await emu.start()
    emu.advertised_gateway = "ws://127.0.0.1:9/gateway"  # Discord names its own gateway, not the one set
    emu.gateway_down = True
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=str(ROOT),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env_for(
            tmp_path,
            BRIEFINGS_SEEDS="",
            BRIEFINGS_DISCORD_TOKEN=TOKEN,
            BRIEFINGS_DEV_GUILD=str(GUILD_ID),
            BRIEFINGS_DISCORD_API=emu.api_base,
            BRIEFINGS_DISCORD_GATEWAY=emu.gateway_url,  # without BRIEFINGS_SHARDS
        ),
    )
    try:
        await until(lambda: len(emu.gateway_attempts) >= 3, 60)  # down at start: tried again and again
        emu.gateway_down = False
        await emu.wait_for_shards((0, 1), within=60)
        first, second, third = emu.gateway_attempts[:3]
        assert second - first >= 0.8 and third - second >= 1.6  # backing off: 1 s, then 2 s
        tried = len(emu.gateway_attempts)
        await emu.gateway_outage()  # down while connected
        await until(lambda: len(emu.gateway_attempts) >= tried + 3, 60)
        emu.gateway_down = False
        await emu.wait_for_shards((0, 1), within=60)
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 30) == 0
        stderr = (await proc.stderr.read()).decode()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await emu.stop()
    assert "Traceback" not in stderr, stderr
    lines = stderr.splitlines()
    assert len([line for line in lines if "cannot reach the Discord gateway" in line]) == 1, stderr
    assert f"cannot reach the Discord gateway at {emu.gateway_url} (shard 0): " in stderr
    assert len([line for line in lines if "lost the Discord gateway (shard 0)" in line]) == 1, stderr
    assert len([line for line in lines if "the Discord gateway answers again" in line]) == 2, stderr
