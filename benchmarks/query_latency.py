"""Query latency, p50 and p99, for each command's query at 10k, 100k and 1M stored facts, on SQLite
and PostgreSQL side by side, in a store holding three stories (a third of the sources each; each
query names one, drawn at random).

    python benchmarks/query_latency.py [--sizes 10000 100000 1000000] [--engines sqlite postgresql]
                                       [--runs 1000] [--budget 20] [--postgres URL]

The stores are built once under /tmp/briefings-bench (synthetic facts, see facts.py) and reused: the
SQLite file, and its copy in a PostgreSQL database `facts_<n>` made by migrate-store. Without
--postgres (a superuser URL of a server of your own), a PostgreSQL server is started from the
installed binaries with its data kept in /tmp/briefings-bench/pg. Each store is read once first (a
long-running bot has it in the OS page cache); each query runs 20 times to warm up, then up to --runs
times within --budget seconds (at least 100). The PostgreSQL server is on loopback, as a database
on the bot's own machine would be; one on another machine adds its network round trips.

Targets: p99 <= 10 ms for /estimate and /quote at 1M facts, on both engines.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import gc
import random
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg

from benchmarks.facts import STORIES, WORDS, build, build_postgres, people_names, popular_name
from bot.render import MAX_PAGES, PAGE_ITEMS
from briefings.answers import queries
from briefings.store.facts import connect
from tests.postgres import database_url, temporary_server

CACHE = Path("/tmp/briefings-bench")
WARM_UP = 20
MIN_RUNS = 100
# a server for the benchmark: memory for the stores' hot pages, as a deployment would give it
# (and durable, unlike the tests' server: fsync on, every commit flushed, as SQLite's WAL commits are)
SERVER_SETTINGS = (
    "shared_buffers=2GB",
    "effective_cache_size=8GB",
    "work_mem=16MB",
    "max_wal_size=8GB",
    "fsync=on",
    "synchronous_commit=on",
    "full_page_writes=on",
)


def read_through(paths: list[Path]) -> None:
    """Read the store's files once, so the OS page cache holds them as it would for a long-running bot."""
    for path in paths:
        try:
            with path.open("rb") as f:
                while f.read(1 << 24):
                    pass
        except OSError:  # another user's server: its files are its own
            return


def pct(samples: list[float], q: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(q * len(s)))]


async def measure(target: str, runs: int, budget: float, only: list[str]) -> dict[str, tuple[float, float]]:
    rng = random.Random(3)
    names = people_names()
    stories = list(STORIES)

    def story() -> dict:
        """One of the store's three stories, with its statuses, as a command names it."""
        name = rng.choice(stories)
        return {"story": name, "statuses": STORIES[name]}

    cases = {
        "/estimate": lambda c: queries.estimates(c, **story()),
        "/estimate status": lambda c: queries.estimates(c, **(s := story()), status=rng.choice(s["statuses"])),
        # a full name: a surname alone may be several people
        "/estimate claimant": lambda c: queries.estimates(c, **story(), claimant=rng.choice(names)),
        # what /quote reads for its first page (two pages' worth and one more), for speakers drawn as
        # often as they speak; and what the 25th page needs
        "/quote": lambda c: queries.quotes_by(c, popular_name(rng, names), limit=2 * PAGE_ITEMS + 1),
        "/quote page 25": lambda c: queries.quotes_by(c, popular_name(rng, names), limit=MAX_PAGES * PAGE_ITEMS + 1),
        "/search": lambda c: queries.search(
            c, f"{rng.choice(WORDS)} {rng.choice(WORDS)}", story=rng.choice(stories), limit=100
        ),
        "/sources": lambda c: queries.sources(c, limit=200),
        "/sources story": lambda c: queries.sources(c, story=rng.choice(stories), limit=200),
        "/timeline": lambda c: queries.timeline(
            c, story=rng.choice(stories), since=dt.date(2025, 1, 1), until=dt.date(2025, 1, 31)
        ),
        "/who": lambda c: queries.who(c, popular_name(rng, names)),
        "autocomplete names": lambda c: queries.speakers(c),
    }
    out = {}
    async with connect(target) as conn:
        await queries.estimates(conn)
        gc.collect()
        gc.freeze()  # as the bot does after start-up
        for name, make in cases.items():
            if only and name not in only:
                continue
            for _ in range(WARM_UP):
                await make(conn)
            samples: list[float] = []
            deadline = time.perf_counter() + budget
            while len(samples) < runs and (len(samples) < MIN_RUNS or time.perf_counter() < deadline):
                t0 = time.perf_counter()
                await make(conn)
                samples.append((time.perf_counter() - t0) * 1000)
            out[name] = (statistics.median(samples), pct(samples, 0.99))
        gc.unfreeze()
    return out


def sqlite_store(cache: Path, n: int) -> Path:
    path = cache / f"facts-{n}.db"
    if not path.exists():
        t0 = time.perf_counter()
        build(path, n)
        print(f"SQLite: built {n:,} facts in {time.perf_counter() - t0:.1f} s ({path.stat().st_size / 1e6:.0f} MB)")
    return path


async def postgres_store(cache: Path, admin: str, n: int) -> str:
    name = f"facts_{n}"
    conn = await asyncpg.connect(admin)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await conn.execute(f"CREATE DATABASE {name}")
    finally:
        await conn.close()
    url = database_url(admin, name)
    copied = await build_postgres(url, sqlite_store(cache, n))
    if copied is not None:
        print(f"PostgreSQL: copied {n:,} facts by migrate-store in {copied.seconds:.1f} s")
    return url


async def postgres_size(url: str) -> tuple[int, Path]:
    conn = await asyncpg.connect(url)
    try:
        size = await conn.fetchval("SELECT pg_database_size(current_database())")
        folder = await conn.fetchval(
            "SELECT current_setting('data_directory') || '/base/' || oid FROM pg_database WHERE datname = current_database()"
        )
    finally:
        await conn.close()
    return size, Path(folder)


def files_of(folder: Path) -> list[Path]:
    return sorted(f for f in folder.glob("*") if f.is_file()) if folder.is_dir() else []


@contextlib.contextmanager
def postgres_server(cache: Path, given: str | None, *, needed: bool = True) -> Iterator[str]:
    """The superuser URL of the benchmark's PostgreSQL server: `given`, else one started from the
    installed binaries and kept under `cache`; nothing is started when it is not `needed` (SQLite only)."""
    if given or not needed:
        yield given or ""
        return
    with temporary_server(cache / "pg", settings=SERVER_SETTINGS) as server:
        yield server.url()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--engines", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"])
    ap.add_argument("--runs", type=int, default=1000, help="samples per query, at most")
    ap.add_argument("--only", nargs="*", default=[], help="just these queries, by name")
    ap.add_argument("--budget", type=float, default=20.0, help="seconds per query (at least 100 samples)")
    ap.add_argument("--postgres", help="a superuser URL of a server to use (default: one started here)")
    ap.add_argument("--cache", type=Path, default=CACHE, help=f"where the stores are built and kept (default {CACHE})")
    args = ap.parse_args()
    results: dict[tuple[int, str], dict[str, tuple[float, float]]] = {}
    with postgres_server(args.cache, args.postgres, needed="postgresql" in args.engines) as admin:
        for n in args.sizes:
            for engine in args.engines:
                if engine == "sqlite":
                    path = sqlite_store(args.cache, n)
                    read_through([path])
                    target = str(path)
                    print(f"SQLite {n:,} facts: {path.stat().st_size / 1e6:.0f} MB", file=sys.stderr)
                else:
                    target = asyncio.run(postgres_store(args.cache, admin, n))
                    size, folder = asyncio.run(postgres_size(target))
                    read_through(files_of(folder))
                    print(f"PostgreSQL {n:,} facts: {size / 1e6:.0f} MB", file=sys.stderr)
                results[(n, engine)] = asyncio.run(measure(target, args.runs, args.budget, args.only))
    columns = [(n, e) for n in args.sizes for e in args.engines]
    names = list(next(iter(results.values())))
    label = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    print(f"{'p50 / p99 ms':<20}" + "".join(f"{f'{n:,} {label[e]}':>20}" for n, e in columns))
    for q in names:
        print(f"{q:<20}" + "".join(f"{results[c][q][0]:>11.2f} / {results[c][q][1]:<6.2f}" for c in columns))


if __name__ == "__main__":
    main()
