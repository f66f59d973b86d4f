"""Extraction, storing and search time against input size for adversarial shapes of text, 10 KB to 2 MB.

    python benchmarks/extract_growth.py [--sizes 10,50,100,500,1000,2000] [--limit SECONDS] [--steps extract,store,search]
        [--shapes WORDS] [--story NAME]

Each shape is text an attacker or an unlucky page could send: no sentence ends, one pattern
repeated, thousands of quotes or names, a letter under tens of thousands of combining marks. Each
step is timed on its own (CPU seconds of this process, the store's thread included): `extract` the
facts, `store` them with the article in a new SQLite store, `search` that store for its first
quote's last word (else the text's first word). Linear work shows as a constant "µs/KB" along each
row; a row whose time per KB grows with the size is quadratic somewhere. A row stops growing once
one size took more than --limit seconds (the rest of it is "-").
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import corpus
from briefings.answers import queries
from briefings.extract import extract
from briefings.models import Article, ArticleMeta
from briefings.store import facts as store
from briefings.store import fulltext
from briefings.story import Story, find_story


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


def _marks(size: int) -> str:
    head, tail = "Mayor Lena Ortiz said: “t", " and more words here.”"
    return head + "\u0301\u0316\u0337" * max(1, (size - len(head) - len(tail)) // 3) + tail


SHAPES: dict[str, Callable[[int], str]] = {
    "Aa Aa Aa … (no sentence end)": _repeat("Aa "),
    "1,000 troops 1,000 troops …": _repeat("1,000 troops "),
    "Kirby said Kirby said …": _repeat("Kirby said "),
    "National Security Service (NSS) …": _repeat("National Security Service (NSS) "),
    "“a quote of words,” he said. …": _repeat("“a quote of many words,” he said. "),
    "‘a quote in single marks,’ she said. …": _repeat("‘a quote of many words,’ she said. "),
    "‘an opening single mark … (never closed)": _repeat("‘an opening single mark "),
    "about 12,000 troops were sent to Kursk, …": _repeat("about 12,000 troops were sent to Kursk, "),
    "President Anna Berg said … (one paragraph)": _repeat("President Anna Berg said the army of Freedonia "),
    "one line a paragraph: Aa said 1,000": _repeat("Aa Bb said 1,000 troops\n"),
    "digits without separators": _repeat("9"),
    "random story words": _words,
    "generated news articles": _news,
    "a letter under combining marks, quoted": _marks,
    # the shapes of a story of tolls (run them with --story hurricane-helene)
    "toll — an aside — rose to 5 — …": _repeat("The toll — in Alder, Birch and Cedar — rose to 5 — "),
    "That number includes 50 people from A, two …": _repeat(
        "That number includes 50 people from Alder, two from Birch. "
    ),
    "According to X, 42 deaths. B had 11, followed by seven": _repeat(
        "According to the agency, Alder suffered 42 deaths. Birch had 11, followed by seven in Cedar. "
    ),
    "wrapped copy: one paragraph of broken lines": lambda size: (
        "Wrapped\n \n" + _repeat("officials reported 12 deaths in the\n\t\tcounty, and more were\n")(size)
    )[:size],
}
STEPS = ("extract", "store", "search")


async def _time_steps(text: str, steps: list[str], folder: Path, story: Story | None = None) -> dict[str, float]:
    """CPU seconds of each step for one text (a new store in `folder`)."""
    took: dict[str, float] = {}
    t0 = time.process_time()
    facts = extract(text, story=story)
    took["extract"] = time.process_time() - t0
    if "store" not in steps and "search" not in steps:
        return took
    article = Article(meta=ArticleMeta(outlet="Growth"), body=text, origin="growth.txt")
    async with store.connect(folder / f"{time.monotonic_ns()}.db") as conn:
        t0 = time.process_time()
        await store.add_article(conn, article, facts)
        took["store"] = time.process_time() - t0
        # a quote's words, when there is one: a hit on a quote folds and cuts its whole text
        word = ([*fulltext.words(facts.quotes[0].text)[-1:]] if facts.quotes else fulltext.words(text)[:1]) or ["said"]
        t0 = time.process_time()
        await queries.search(conn, word[0][: queries.MAX_TEXT_CHARS])
        took["search"] = time.process_time() - t0
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,50,100,500,1000,2000", help="sizes in KB")
    parser.add_argument("--limit", type=float, default=20.0, help="stop a row after a size took this long")
    parser.add_argument("--steps", default=",".join(STEPS), help=f"of {', '.join(STEPS)}")
    parser.add_argument("--shapes", default="", help="only the shapes whose name holds one of these words")
    parser.add_argument("--story", help="extract this story's counts (a name or a file; default: the default story)")
    args = parser.parse_args()
    story = find_story(args.story) if args.story else None
    sizes = [int(s) for s in args.sizes.split(",")]
    steps = [s for s in args.steps.split(",") if s in STEPS]
    wanted = [w.lower() for w in args.shapes.split(",") if w]
    extract("Warm up: “the patterns are compiled once,” Kirby said of 1,000 troops.")
    head = "".join(f"{f'{s} KB':>16}" for s in sizes)
    print(f"{'shape':44}{'step':>8}{head}")
    print(f"{'':52}" + "".join(f"{'s (µs/KB)':>16}" for _ in sizes))
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in SHAPES.items():
            if wanted and not any(w in name.lower() for w in wanted):
                continue
            cells: dict[str, list[str]] = {step: [] for step in steps}
            stopped: set[str] = set()
            for kb in sizes:
                if len(stopped) == len(steps):
                    for step in steps:
                        cells[step].append("-")
                    continue
                took = asyncio.run(_time_steps(make(kb * 1000), steps, Path(tmp), story))
                for step in steps:
                    if step in stopped:
                        cells[step].append("-")
                        continue
                    cells[step].append(f"{took[step]:>7.2f} ({took[step] / kb * 1e6:>6.0f})")
                    if took[step] > args.limit:
                        stopped.add(step)
            for step in steps:
                label = name if step == steps[0] else ""
                print(f"{label:44}{step:>8}" + "".join(f"{c:>16}" for c in cells[step]), flush=True)


if __name__ == "__main__":
    main()
