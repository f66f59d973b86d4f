"""How to reach the database: the store's own thin layer (briefings.db) or SQLAlchemy Core 2.x async
(the aiosqlite and asyncpg drivers under it), measured on the statements the commands really run.

    python benchmarks/engines.py [--size 1000000] [--runs 2000] [--postgres URL]

The statements `/estimate` and `/quote` (its first page) issue are recorded once, on the synthetic
stores query_latency.py builds; then each command's statements are replayed in order, `--runs`
times, through: the driver alone (aiosqlite, asyncpg: the floor), briefings.db, and SQLAlchemy's
AsyncConnection with text() statements, its connection held across commands as the store's is;
p50 / p99 ms per command. Then the cost of importing SQLAlchemy's asyncio extension in a fresh
process (time, resident memory). SQLAlchemy is not a dependency: `pip install 'sqlalchemy[asyncio]>=2'`
to run this.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.facts import people_names, popular_name
from benchmarks.query_latency import CACHE, pct, postgres_server, postgres_store, read_through, sqlite_store
from bot.render import PAGE_ITEMS
from briefings.answers import queries
from briefings.store import db
from briefings.store.facts import connect

Recorded = list[tuple[str, Any]]


async def record(target: str, runs: int) -> dict[str, list[Recorded]]:
    """The statements each command runs, for `runs` different askings (speakers drawn as they speak)."""
    rng = random.Random(5)
    names = people_names()
    commands: dict[str, Callable[[db.Connection], Awaitable[object]]] = {
        "/estimate": lambda c: queries.estimates(c),
        "/quote": lambda c: queries.quotes_by(c, popular_name(rng, names), limit=2 * PAGE_ITEMS + 1),
    }
    out: dict[str, list[Recorded]] = {}
    async with connect(target) as conn:
        store_class = type(conn)
        plain = store_class.fetch
        for name, run in commands.items():
            out[name] = []
            for _ in range(min(runs, 200)):
                seen: Recorded = []

                async def fetch(self: db.Connection, sql: str, params: Any = (), seen: Recorded = seen) -> list:
                    seen.append((sql, params))
                    return await plain(self, sql, params)

                store_class.fetch = fetch  # type: ignore[method-assign]
                try:
                    await run(conn)
                finally:
                    store_class.fetch = plain  # type: ignore[method-assign]
                out[name].append(seen)
    return out


def named(sql: str, params: Any) -> tuple[str, dict[str, Any]]:
    """A statement as SQLAlchemy's text() takes it: :name binds."""
    if isinstance(params, dict):
        return sql, params
    count = 0

    def sub(m: re.Match[str]) -> str:
        nonlocal count
        if m.group(0) != "?":
            return m.group(0)
        count += 1
        return f":p{count}"

    text = re.sub(r"'(?:[^']|'')*'|\?", sub, sql)
    return text, {f"p{i}": v for i, v in enumerate(params, start=1)}


async def replay(
    run_one: Callable[[str, Any], Awaitable[object]], askings: list[Recorded], runs: int
) -> tuple[float, float]:
    for asking in askings[:20]:  # warm up: statement caches, the server's buffers
        for sql, params in asking:
            await run_one(sql, params)
    samples = []
    for i in range(runs):
        asking = askings[i % len(askings)]
        t0 = time.perf_counter()
        for sql, params in asking:
            await run_one(sql, params)
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), pct(samples, 0.99)


async def measure(engine: str, target: str, runs: int) -> dict[tuple[str, str], tuple[float, float]]:
    askings = await record(target, runs)
    out: dict[tuple[str, str], tuple[float, float]] = {}
    gc.collect()
    gc.freeze()
    # the driver alone
    if engine == "sqlite":
        import aiosqlite

        raw = await aiosqlite.connect(target, isolation_level=None)
        raw.row_factory = aiosqlite.Row
        await raw.execute("PRAGMA cache_size = -8192")
        for command, asked in askings.items():
            out[(command, "driver")] = await replay(lambda s, p: raw.execute_fetchall(s, p), asked, runs)
        await raw.close()
    else:
        import asyncpg

        raw = await asyncpg.connect(target, statement_cache_size=db.STATEMENT_CACHE)
        for command, asked in askings.items():

            async def run_pg(s: str, p: Any) -> object:
                text, args = db._pg_args(s, p)
                return await raw.fetch(text, *args)

            out[(command, "driver")] = await replay(run_pg, asked, runs)
        await raw.close()
    # briefings.db
    async with connect(target) as conn:
        for command, asked in askings.items():
            out[(command, "briefings.db")] = await replay(conn.fetch, asked, runs)
    # SQLAlchemy Core, async
    try:
        from sqlalchemy import text
        from sqlalchemy.ext.asyncio import create_async_engine
    except ImportError:
        print("SQLAlchemy is not installed: pip install 'sqlalchemy[asyncio]>=2'", file=sys.stderr)
        return out
    url = (
        f"sqlite+aiosqlite:///{target}"
        if engine == "sqlite"
        else target.replace("postgresql://", "postgresql+asyncpg://", 1)
    )
    alchemy = create_async_engine(url)
    async with alchemy.connect() as sa:
        if engine == "sqlite":
            await sa.exec_driver_sql("PRAGMA cache_size = -8192")
        statements: dict[str, Any] = {}

        async def run_sa(s: str, p: Any) -> object:
            sql, binds = named(s, p)
            stmt = statements.get(sql)
            if stmt is None:
                stmt = statements[sql] = text(sql)
            return (await sa.execute(stmt, binds)).fetchall()

        for command, asked in askings.items():
            out[(command, "SQLAlchemy Core")] = await replay(run_sa, asked, runs)
    await alchemy.dispose()
    gc.unfreeze()
    return out


def import_cost() -> tuple[float, float]:
    """Seconds and MB of resident memory that importing SQLAlchemy's asyncio extension adds."""
    probe = (
        "import os, time, briefings.store.facts\n"
        "rss = lambda: int(open('/proc/self/statm').read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 1e6\n"
        "r0 = rss(); t = time.perf_counter()\n"
        "import sqlalchemy.ext.asyncio, sqlalchemy.dialects.postgresql.asyncpg, sqlalchemy.dialects.sqlite.aiosqlite\n"
        "print(time.perf_counter() - t, rss() - r0)"
    )
    runs = [subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True) for _ in range(5)]
    values = [tuple(map(float, r.stdout.split())) for r in runs]
    return statistics.median(v[0] for v in values), statistics.median(v[1] for v in values)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=2000)
    ap.add_argument("--postgres", help="a superuser URL of a server to use (default: one started here)")
    ap.add_argument("--cache", type=Path, default=CACHE)
    args = ap.parse_args()
    results: dict[str, dict[tuple[str, str], tuple[float, float]]] = {}
    path = sqlite_store(args.cache, args.size)
    read_through([path])
    results["SQLite"] = asyncio.run(measure("sqlite", str(path), args.runs))
    with postgres_server(args.cache, args.postgres) as admin:
        target = asyncio.run(postgres_store(args.cache, admin, args.size))
        results["PostgreSQL"] = asyncio.run(measure("postgresql", target, args.runs))
    print(f"{args.size:,} facts, p50 / p99 ms per command")
    print(f"{'command':<11}{'access':<17}" + "".join(f"{e:>20}" for e in results))
    keys = list(next(iter(results.values())))
    for command, access in keys:
        print(
            f"{command:<11}{access:<17}"
            + "".join(f"{r[(command, access)][0]:>11.2f} / {r[(command, access)][1]:<6.2f}" for r in results.values())
        )
    try:
        seconds, mb = import_cost()
        print(
            f"importing SQLAlchemy's asyncio extension and both dialects: {seconds * 1000:.0f} ms, +{mb:.0f} MB resident"
        )
    except subprocess.CalledProcessError:
        pass


if __name__ == "__main__":
    main()
