"""Ingest throughput through the queue: N generated articles, 1 and 2 `briefings worker` processes.

python benchmarks/ingest_workers.py [--articles 10000] [--workers 1 2] [--engine sqlite|postgresql]
                                    [--postgres URL]

Each run queues the articles (as `briefings ingest` queues files) in a fresh store (a SQLite file;
or a PostgreSQL database on a server started from the installed binaries, or the superuser URL
given), starts
the workers as real processes (`briefings worker --until-empty`, each with its Extractor's worker
process), and times them from start to the last one's exit. Then, in this process, the cost of one
article split into extraction (parallel: each worker extracts its own) and storing (on SQLite one
writer at a time), from which the table's last lines say what more workers, or one more machine
on a shared PostgreSQL, could add at most.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import corpus
from benchmarks.query_latency import CACHE, postgres_server
from benchmarks.store_writes import fresh_postgres
from briefings.extract import extract
from briefings.scale import jobs
from briefings.sources.articles import parse_article
from briefings.store.facts import add_article, connect

ROOT = Path(__file__).resolve().parent.parent


def as_file(i: int, text: str, run: str) -> bytes:
    head = f"---\noutlet: Outlet {i % 50}\nurl: https://news.example/{run}/{i}\n---\n"
    return (head + text).encode()


async def queue_all(db: str, texts: list[str], run: str) -> float:
    now = dt.datetime.now(dt.UTC)
    async with connect(db) as conn:
        t0 = time.perf_counter()
        async with conn.transaction() as tx:
            for i, text in enumerate(texts):
                await jobs.queue_file(tx, f"gen-{i}.txt", as_file(i, text, run), ".txt", now=now)
        return time.perf_counter() - t0


def _burn(n: int = 20_000_000) -> None:
    x = 0
    for i in range(n):
        x += i


def machine_ceiling() -> float:
    """How much more work two CPU-bound processes at once do than one on this machine now (2.0 on
    two free cores; less where the host shares them): the most two workers could gain."""
    t0 = time.perf_counter()
    _burn()
    one = time.perf_counter() - t0
    procs = [multiprocessing.get_context("spawn").Process(target=_burn) for _ in range(2)]
    t0 = time.perf_counter()
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    return 2 * one / (time.perf_counter() - t0)


def busy_ticks() -> tuple[int, int]:
    """The machine's busy and total CPU ticks so far (/proc/stat): what every process used."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return sum(fields) - idle, sum(fields)


def run_workers(dbs: list[str]) -> tuple[float, float]:
    """One worker per store in `dbs` (a store may be named twice); wall seconds until every worker
    exited, and the share of the machine's cores that was busy meanwhile (theirs, and anyone's)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFINGS_")}
    env.update(BRIEFINGS_INGEST_QUEUE="true", BRIEFINGS_LOG_LEVEL="WARNING")
    before = busy_ticks()
    t0 = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "briefings.cli", "worker", "--until-empty"],
            cwd=ROOT,
            env={**env, "BRIEFINGS_DB": str(db)},
        )
        for db in dbs
    ]
    for p in procs:
        if p.wait() != 0:
            raise SystemExit(f"a worker exited with {p.returncode}")
    wall = time.perf_counter() - t0
    after = busy_ticks()
    return wall, (after[0] - before[0]) / max(1, after[1] - before[1])


async def outcome(dbs: list[str]) -> tuple[int, float]:
    """Jobs done in these stores, and the seconds from the first job finished to the last (the steady state)."""
    done, firsts, lasts = 0, [], []
    for db in dict.fromkeys(dbs):
        async with connect(db) as conn:
            done += (await jobs.counts(conn))["done"]
            rows = await conn.fetch("SELECT MIN(finished_at), MAX(finished_at) FROM ingest_jobs")
        firsts.append(dt.datetime.fromisoformat(rows[0][0]))
        lasts.append(dt.datetime.fromisoformat(rows[0][1]))
    return done, (max(lasts) - min(firsts)).total_seconds()


async def split_cost(texts: list[str], store: str) -> tuple[float, float]:
    """Milliseconds per article: extracting it (one core), and storing it (the store's transaction)."""
    articles = [parse_article(as_file(i, t, "split"), f"s-{i}.txt", ".txt") for i, t in enumerate(texts)]
    t0 = time.process_time()
    facts = [extract(a.body, None, a.meta.outlet) for a in articles]
    extract_ms = (time.process_time() - t0) / len(articles) * 1000
    times = []
    async with connect(store) as conn:
        for a, f in zip(articles, facts, strict=True):
            t = time.perf_counter()
            await add_article(conn, a, f)
            times.append(time.perf_counter() - t)
    return extract_ms, statistics.fmean(times) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--sample", type=int, default=1000, help="articles timed for the cost split")
    ap.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--postgres", help="a superuser URL of a server to use (default: one started here)")
    args = ap.parse_args()
    texts = corpus(args.articles, seed=args.articles)
    print(
        f"{'store':>18} {'workers':>7} {'articles':>9} {'seconds':>8} {'articles/s':>11} {'speed-up':>9} "
        f"{'steady/s':>9} {'cores busy':>10}"
    )
    ceiling = machine_ceiling()
    base = None
    runs = [("one, shared", n) for n in args.workers]
    if args.engine == "sqlite":
        runs += [("one per worker", n) for n in args.workers if n > 1]
    postgres = args.engine == "postgresql"
    with tempfile.TemporaryDirectory() as tmp, postgres_server(CACHE, args.postgres, needed=postgres) as admin:
        for kind, n in runs:
            if postgres:
                dbs = [asyncio.run(fresh_postgres(admin, f"workers_{n}"))] * n
                asyncio.run(queue_all(dbs[0], texts, f"w{n}"))
            elif kind == "one, shared":
                dbs = [str(Path(tmp) / f"shared-{n}.db")] * n
                asyncio.run(queue_all(dbs[0], texts, f"w{n}"))
            else:  # the upper bound of a store whose writers do not wait for each other
                dbs = [str(Path(tmp) / f"own-{n}-{i}.db") for i in range(n)]
                for i, db in enumerate(dbs):
                    asyncio.run(queue_all(db, texts[i::n], f"own{n}-{i}"))
            wall, cpu = run_workers(dbs)
            done, steady = asyncio.run(outcome(dbs))
            if done != args.articles:
                raise SystemExit(f"{n} workers ({kind}): {done} of {args.articles} done")
            rate = args.articles / wall
            base = base or rate
            print(
                f"{kind:>18} {n:>7} {args.articles:>9,} {wall:>8.1f} {rate:>11.1f} {rate / base:>8.2f}x "
                f"{args.articles / max(steady, 1e-9):>9.1f} {cpu:>10.0%}",
                flush=True,
            )
        ceiling = (ceiling + machine_ceiling()) / 2
        split = asyncio.run(fresh_postgres(admin, "split")) if postgres else str(Path(tmp) / "split.db")
        extract_ms, store_ms = asyncio.run(split_cost(texts[: args.sample], split))
    engine = "PostgreSQL" if postgres else "SQLite"
    print(
        f"\nper article: extraction {extract_ms:.1f} ms of one core; storing {store_ms:.1f} ms ({engine}, one writer)"
    )
    print(f"{engine}'s write rate, storing alone: {1000 / store_ms:,.0f} articles/s")
    print(f"this machine meanwhile: two CPU-bound processes did {ceiling:.2f}x the work of one (the ceiling)")


if __name__ == "__main__":
    main()
