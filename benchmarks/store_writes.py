"""The store's write rate on each engine: articles stored per second once their facts are extracted
(add_article alone: copy detection, entities, claims, the search index, in one transaction under the
store's write lock), by one writer and by two at once.

    python benchmarks/store_writes.py [--articles 2000] [--postgres URL]

Articles come from benchmarks/corpus.py, extracted once beforehand; each engine gets a fresh store.
Two writers are two connections (two processes' worth) storing alternate articles at once: on SQLite
they take turns at its one write lock, on PostgreSQL at the store's advisory lock. This is the ceiling
the database puts on ingest, whatever the number of workers extracting.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from benchmarks.corpus import corpus
from benchmarks.query_latency import CACHE, pct, postgres_server
from briefings.extract import extract
from briefings.models import Article, ArticleMeta, Extraction
from briefings.store.facts import add_article, connect
from tests.postgres import create_database


async def store_all(targets: list[str], items: list[tuple[Article, Extraction]]) -> tuple[float, list[float]]:
    """Seconds to store every item, the writers (one per target connection) taking alternate ones."""
    times: list[float] = []

    async def writer(conn, mine: list[tuple[Article, Extraction]]) -> None:
        for article, facts in mine:
            t0 = time.perf_counter()
            await add_article(conn, article, facts)
            times.append((time.perf_counter() - t0) * 1000)

    async with contextlib.AsyncExitStack() as stack:
        # each writer its own store: another process's connection, as far as the database can tell
        conns = [await stack.enter_async_context(connect(t)) for t in targets]
        t0 = time.perf_counter()
        await asyncio.gather(*(writer(c, items[i :: len(conns)]) for i, c in enumerate(conns)))
        return time.perf_counter() - t0, times


async def fresh_postgres(admin: str, name: str) -> str:
    """An empty database `name` on the benchmark's server, made anew."""
    return await create_database(admin, name, replace=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--postgres", help="a superuser URL of a server to use (default: one started here)")
    ap.add_argument("--cache", type=Path, default=CACHE)
    args = ap.parse_args()
    t0 = time.perf_counter()
    items = []
    for i, text in enumerate(corpus(args.articles, seed=11)):
        meta = ArticleMeta(outlet=f"Outlet {i % 50}", url=f"https://news.example/w/{i}")
        items.append((Article(meta=meta, body=text, origin=f"gen-{i}"), extract(text, None, meta.outlet)))
    print(f"extracted {len(items):,} articles in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    rows = []
    with tempfile.TemporaryDirectory() as tmp, postgres_server(args.cache, args.postgres) as admin:
        for engine in ("SQLite", "PostgreSQL"):
            for writers in (1, 2):
                if engine == "SQLite":
                    target = str(Path(tmp) / f"writes-{writers}.db")
                else:
                    target = asyncio.run(fresh_postgres(admin, f"writes_{writers}"))
                seconds, times = asyncio.run(store_all([target] * writers, items))
                rows.append((engine, writers, seconds, statistics.median(times), pct(times, 0.99)))
    print(f"{'engine':<12}{'writers':>8}{'articles/s':>12}{'ms each p50':>13}{'p99':>8}")
    for engine, writers, seconds, p50, p99 in rows:
        print(f"{engine:<12}{writers:>8}{len(items) / seconds:>12.0f}{p50:>13.2f}{p99:>8.2f}")


if __name__ == "__main__":
    main()
