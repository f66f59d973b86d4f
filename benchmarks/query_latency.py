"""Query latency, p50 and p99, for each command's query at 10k, 100k and 1M stored facts.

    python benchmarks/query_latency.py [--sizes 10000 100000 1000000] [--runs 1000] [--budget 20]

The store file is read once first (a long-running bot has it in the OS page cache); each query
runs 20 times to warm up, then up to --runs times within --budget seconds (at least 100).

Stores are built once under /tmp/briefings-bench (synthetic facts, see facts.py) and reused.
Targets: p99 <= 10 ms for /estimate and /quote at 1M facts.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.facts import WORDS, build, people_names, popular_name
from bot.render import MAX_PAGES, PAGE_ITEMS
from briefings import queries
from briefings.models import Status
from briefings.store import connect

CACHE = Path("/tmp/briefings-bench")
WARM_UP = 20
MIN_RUNS = 100


def read_through(path: Path) -> None:
    """Read the store file once, so the OS page cache holds it as it would for a long-running bot."""
    with path.open("rb") as f:
        while f.read(1 << 24):
            pass


def pct(samples: list[float], q: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(q * len(s)))]


async def measure(path: Path, runs: int, budget: float, only: list[str]) -> dict[str, tuple[float, float]]:
    rng = random.Random(3)
    names = people_names()
    cases = {
        "/estimate": lambda c: queries.estimates(c),
        "/estimate status": lambda c: queries.estimates(c, status=rng.choice(list(Status))),
        # a full name: a surname alone may be several people
        "/estimate claimant": lambda c: queries.estimates(c, claimant=rng.choice(names)),
        # what /quote reads for its first page (two pages' worth and one more), for speakers drawn as
        # often as they speak; and what the 25th page needs
        "/quote": lambda c: queries.quotes_by(c, popular_name(rng, names), limit=2 * PAGE_ITEMS + 1),
        "/quote page 25": lambda c: queries.quotes_by(c, popular_name(rng, names), limit=MAX_PAGES * PAGE_ITEMS + 1),
        "/search": lambda c: queries.search(c, f"{rng.choice(WORDS)} {rng.choice(WORDS)}", limit=100),
        "/sources": lambda c: queries.sources(c, limit=200),
        "/timeline": lambda c: queries.timeline(c, since=dt.date(2025, 1, 1), until=dt.date(2025, 1, 31)),
        "/who": lambda c: queries.who(c, popular_name(rng, names)),
        "autocomplete names": lambda c: queries.speakers(c),
    }
    out = {}
    async with connect(path) as conn:
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
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--runs", type=int, default=1000, help="samples per query, at most")
    ap.add_argument("--only", nargs="*", default=[], help="just these queries, by name")
    ap.add_argument("--budget", type=float, default=20.0, help="seconds per query (at least 100 samples)")
    args = ap.parse_args()
    results = {}
    for n in args.sizes:
        path = CACHE / f"facts-{n}.db"
        if not path.exists():
            t0 = time.perf_counter()
            build(path, n)
            print(
                f"built {n:,} facts in {time.perf_counter() - t0:.1f} s ({path.stat().st_size / 1e6:.0f} MB)",
                file=sys.stderr,
            )
        read_through(path)
        results[n] = asyncio.run(measure(path, args.runs, args.budget, args.only))
    names = list(next(iter(results.values())))
    header = f"{'query':<22}" + "".join(f"{f'{n:,} facts p50/p99 ms':>28}" for n in args.sizes)
    print(header)
    for q in names:
        print(f"{q:<22}" + "".join(f"{results[n][q][0]:>18.2f} / {results[n][q][1]:<7.2f}" for n in args.sizes))


if __name__ == "__main__":
    main()
