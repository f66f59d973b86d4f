"""Ingest of N generated articles (names, numbers and phrasing varied): time and store size.

python benchmarks/ingest.py [--sizes 1000 10000 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import corpus
from briefings.models import Article, ArticleMeta
from briefings.sources.ingest import ingest_article
from briefings.sources.worker import Extractor
from briefings.store.facts import connect


async def run(n: int, folder: Path) -> tuple[float, int, int, int]:
    db = folder / f"ingest-{n}.db"
    texts = corpus(n, seed=n)
    words = sum(len(t.split()) for t in texts)
    async with connect(db) as conn, Extractor() as extractor:  # extraction in a worker, as the service runs it
        t0 = time.perf_counter()
        for i, text in enumerate(texts):
            meta = ArticleMeta(outlet=f"Outlet {i % 50}", url=f"https://news.example/{n}/{i}")
            await ingest_article(conn, Article(meta=meta, body=text, origin=f"gen-{i}"), extractor=extractor)
        seconds = time.perf_counter() - t0
        facts = await conn.fetchval("SELECT (SELECT COUNT(*) FROM quotes) + (SELECT COUNT(*) FROM estimates)")
        await conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return seconds, db.stat().st_size, facts, words


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    args = ap.parse_args()
    print(f"{'articles':>9} {'words':>11} {'facts':>9} {'seconds':>9} {'articles/s':>11} {'store MB':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            seconds, size, facts, words = asyncio.run(run(n, Path(tmp)))
            print(
                f"{n:>9,} {words:>11,} {facts:>9,} {seconds:>9.1f} {n / seconds:>11,.0f} {size / 1e6:>9.1f}", flush=True
            )


if __name__ == "__main__":
    main()
