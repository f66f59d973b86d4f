"""The event loop's longest stall while one article of the largest accepted size is ingested.

    python benchmarks/loop_stall.py [--kb 1990] [--shapes news,marks]

The bot answers Discord on the loop that ingests (a command has three seconds to answer; the gateway
wants its heartbeats): reading and extraction run in a worker process, and whatever else an
article's text costs (its hashes, its near-copy shingles, its keys) must not hold the loop either.
A ticker on the loop wakes every millisecond while a file is ingested into a new SQLite store
(extraction in a worker, as the service runs it); the table gives the longest gap between two ticks
and the ingest's wall time.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.extract_growth import SHAPES
from briefings.models import Article, ArticleMeta
from briefings.sources.ingest import ingest_paths
from briefings.sources.worker import Extractor
from briefings.store.facts import connect

CHOICES = {
    "news": "generated news articles",
    "marks": "a letter under combining marks, quoted",
    "words": "random story words",
    "kirby": "Kirby said Kirby said …",
}


async def _ticker(longest: list[float], stop: asyncio.Event) -> None:
    last = time.perf_counter()
    while not stop.is_set():
        await asyncio.sleep(0.001)
        now = time.perf_counter()
        longest[0] = max(longest[0], now - last)
        last = now


async def measure(text: str, folder: Path) -> tuple[float, float, str]:
    path = folder / f"{time.monotonic_ns()}.txt"
    path.write_text(text, encoding="utf-8")
    async with connect(folder / f"{path.stem}.db") as conn, Extractor(budget=120) as extractor:
        warm = Article(meta=ArticleMeta(), body="Warm up: “a quote,” Kirby said.", origin="warm")
        await extractor.extract(warm)  # the worker started: not timed
        longest, stop = [0.0], asyncio.Event()
        ticking = asyncio.create_task(_ticker(longest, stop))
        await asyncio.sleep(0.01)
        t0 = time.perf_counter()
        (line,) = await ingest_paths(conn, [str(path)], extractor=extractor)
        took = time.perf_counter() - t0
        stop.set()
        await ticking
    return longest[0], took, line.describe().split(": ", 2)[-1][:60]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kb", type=int, default=1990, help="the article's size in KB (the cap is 2,000,000 bytes)")
    parser.add_argument("--shapes", default=",".join(CHOICES), help=f"of {', '.join(CHOICES)}")
    args = parser.parse_args()
    print(f"{'shape':42}{'bytes':>12}{'longest stall':>16}{'ingest':>10}  outcome")
    with tempfile.TemporaryDirectory() as tmp:
        for key in args.shapes.split(","):
            name = CHOICES[key]
            cap = args.kb * 1000  # bytes, not characters: the cap is on the file
            sample = SHAPES[name](cap)
            text = SHAPES[name](int(cap * len(sample) / len(sample.encode())) - 8)
            stall, took, outcome = asyncio.run(measure(text, Path(tmp)))
            size = len(text.encode())
            print(f"{name:42}{size:>12,}{stall * 1000:>13.0f} ms{took:>8.1f} s  {outcome}", flush=True)


if __name__ == "__main__":
    main()
