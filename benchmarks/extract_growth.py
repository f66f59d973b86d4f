"""Extraction time against input size for adversarial shapes of text, 10 KB to 2 MB.

    python benchmarks/extract_growth.py [--sizes 10,50,100,500,1000,2000] [--limit SECONDS]

Each shape is text an attacker or an unlucky page could send: no sentence ends, one pattern
repeated, thousands of quotes or names. Linear extraction shows as a constant "µs/KB" column down
each shape; a shape whose time per KB grows with the size is quadratic somewhere. A shape stops
growing once one size took more than --limit seconds (the rest of its row is "-").
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import corpus
from briefings.extract import extract


def _repeat(unit: str) -> Callable[[int], str]:
    return lambda size: (unit * (size // len(unit) + 1))[:size]


def _words(size: int) -> str:
    rng = random.Random(size)
    vocab = ["Kirby", "said", "the", "troops", "NIS", "about", "North", "Korean", "1,000", "(NIS)", "he", "“", "”"]
    out: list[str] = []
    n = 0
    while n < size:
        w = rng.choice(vocab)
        out.append(w)
        n += len(w) + 1
    return " ".join(out)[:size]


def _news(size: int) -> str:
    text = "\n".join(corpus(max(1, size // 700), seed=size))
    return text[:size]


SHAPES: dict[str, Callable[[int], str]] = {
    "Aa Aa Aa … (no sentence end)": _repeat("Aa "),
    "1,000 troops 1,000 troops …": _repeat("1,000 troops "),
    "Kirby said Kirby said …": _repeat("Kirby said "),
    "National Security Service (NSS) …": _repeat("National Security Service (NSS) "),
    "“a quote of words,” he said. …": _repeat("“a quote of many words,” he said. "),
    "about 12,000 troops were sent to Kursk, …": _repeat("about 12,000 troops were sent to Kursk, "),
    "President Anna Berg said … (one paragraph)": _repeat("President Anna Berg said the army of Freedonia "),
    "one line a paragraph: Aa said 1,000": _repeat("Aa Bb said 1,000 troops\n"),
    "digits without separators": _repeat("9"),
    "random story words": _words,
    "generated news articles": _news,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,50,100,500,1000,2000", help="sizes in KB")
    parser.add_argument("--limit", type=float, default=20.0, help="stop a shape after a size took this long")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    extract("Warm up: “the patterns are compiled once,” Kirby said of 1,000 troops.")
    head = "".join(f"{f'{s} KB':>16}" for s in sizes)
    print(f"{'shape':44}{head}")
    print(f"{'':44}" + "".join(f"{'s (µs/KB)':>16}" for _ in sizes))
    for name, make in SHAPES.items():
        cells = []
        stopped = False
        for kb in sizes:
            if stopped:
                cells.append(f"{'-':>16}")
                continue
            text = make(kb * 1000)
            t0 = time.process_time()
            extract(text)
            took = time.process_time() - t0
            cells.append(f"{took:>7.2f} ({took / kb * 1e6:>6.0f})")
            stopped = took > args.limit
        print(f"{name:44}" + "".join(f"{c:>16}" for c in cells), flush=True)


if __name__ == "__main__":
    main()
