"""The bot as a process against the Discord emulator: cold start, interaction latency, idle memory.

    python benchmarks/bot_latency.py [--facts 1000000] [--in-flight 100]

Cold start is from spawning `python -m bot` to the emulator sending READY and the command sync;
latency is from INTERACTION_CREATE to the interaction callback (and to the answer the user sees, which
after a defer is the follow-up), with N interactions in flight, taken from the times the emulator
received the bot's requests; speakers are drawn as often as they speak;
memory is the process's resident set when idle, over a store of the given number of facts.
Targets: p99 <= 100 ms with 100 in flight; ready <= 2 s; idle RSS <= 100 MB with 1M facts.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.facts import build, people_names, popular_name
from benchmarks.query_latency import read_through
from tests.discord_emulator import GUILD_ID, DiscordEmulator

ROOT = Path(__file__).resolve().parent.parent

TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAx.GabcDE.emulated-token-not-a-secret-xyz"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def prepare(facts: int) -> Path:
    """A copy of the synthetic store for the bot to run on."""
    cache = Path("/tmp/briefings-bench") / f"facts-{facts}.db"
    if not cache.exists():
        build(cache, facts)
    work = Path("/tmp/briefings-bench/bot")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    db = work / "briefings.db"
    shutil.copy(cache, db)
    read_through(db)
    return db


def p50_p99(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return statistics.median(samples), samples[min(len(samples) - 1, int(0.99 * len(samples)))]


async def burst(
    emu: DiscordEmulator, payloads: list[dict[str, Any]]
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Send every interaction at once; (p50, p99) in ms to the callback and to the answer the user
    sees (the callback, or the follow-up after a defer), from the emulator's arrival times."""
    start = len(emu.requests)
    sent: dict[str, float] = {}
    for p in payloads:
        sent[p["token"]] = time.perf_counter()
        await emu.dispatch("INTERACTION_CREATE", p)
    callbacks: dict[str, Any] = {}
    answers: dict[str, Any] = {}
    deadline = time.perf_counter() + 120
    while len(answers) < len(payloads) and time.perf_counter() < deadline:
        for r in emu.requests[start:]:
            parts = r.path.strip("/").split("/")
            if parts[0] == "interactions" and parts[-1] == "callback" and r.status < 400:
                callbacks[parts[2]] = r
                if r.body.get("type") not in (5, 6):  # answered in the callback itself, not deferred
                    answers[parts[2]] = r
            elif parts[0] == "webhooks" and r.method in {"POST", "PATCH"} and parts[2] in sent:
                answers.setdefault(parts[2], r)
        await asyncio.sleep(0.02)
    if len(answers) < len(payloads):
        raise RuntimeError(f"only {len(answers)} of {len(payloads)} interactions were answered")
    return (
        p50_p99([(callbacks[t].at - sent[t]) * 1000 for t in sent]),
        p50_p99([(answers[t].at - sent[t]) * 1000 for t in sent]),
    )


async def main(facts: int, in_flight: int) -> None:
    db = await asyncio.to_thread(prepare, facts)
    emu = DiscordEmulator()
    await emu.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFINGS_")}
    env.update(
        BRIEFINGS_DB=str(db),
        BRIEFINGS_SEEDS="",
        BRIEFINGS_DISCORD_TOKEN=TOKEN,
        BRIEFINGS_DEV_GUILD=str(GUILD_ID),
        BRIEFINGS_DISCORD_API=emu.api_base,
        BRIEFINGS_DISCORD_GATEWAY=emu.gateway_url,
        BRIEFINGS_LOG_LEVEL="WARNING",
    )
    t0 = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", cwd=str(ROOT), env=env)
    try:
        await asyncio.wait_for(emu.ready.wait(), 60)
        ready = time.perf_counter() - t0
        await emu.wait_for(lambda r: r.method == "PUT" and r.path.endswith("/commands"), within=60)
        synced = time.perf_counter() - t0
        await asyncio.sleep(3)
        idle_before = rss_mb(proc.pid)

        rng = random.Random(5)
        names = people_names()
        results = {}
        for label, make in (
            ("/quote", lambda i: emu.slash("quote", speaker=popular_name(rng, names))),
            ("/estimate", lambda i: emu.slash("estimate")),
            ("/about", lambda i: emu.slash("about")),
        ):
            await emu.answer(make(0), within=60)  # warm
            results[label] = await burst(emu, [make(i) for i in range(in_flight)])
        # turning a /quote page: the next page is read and built when the button is pressed
        asked = [await emu.answer(emu.slash("quote", speaker=names[1 + i % 10]), within=60) for i in range(in_flight)]
        results["/quote Next page"] = await burst(emu, [emu.click(m, "Next") for m in asked])
        await asyncio.sleep(3)
        idle_after = rss_mb(proc.pid)
    finally:
        proc.terminate()
        await proc.wait()
        await emu.stop()
    print(f"store: {facts:,} facts; {in_flight} interactions in flight")
    print(f"{'measure':<40} {'value':>12} {'target':>10}")
    print(f"{'cold start to READY':<40} {ready:>10.2f} s {'2 s':>10}")
    print(f"{'cold start to commands synced':<40} {synced:>10.2f} s")
    for label, (callback, answer) in results.items():
        print(f"{label + ' callback p50 / p99':<40} {callback[0]:>5.0f}/{callback[1]:<5.0f}ms {'100 ms':>10}")
        if answer != callback:
            print(f"{label + ' answer p50 / p99':<40} {answer[0]:>5.0f}/{answer[1]:<5.0f}ms")
    print(f"{'idle RSS after start':<40} {idle_before:>9.0f} MB {'100 MB':>10}")
    print(f"{'idle RSS after the interactions':<40} {idle_after:>9.0f} MB")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--facts", type=int, default=1_000_000)
    ap.add_argument("--in-flight", type=int, default=100)
    args = ap.parse_args()
    asyncio.run(main(args.facts, args.in_flight))
