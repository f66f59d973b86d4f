"""Extraction throughput in words per second on one core, beside the general-purpose baseline.

    python benchmarks/extract_speed.py [--baseline-python PATH] [--generated N] [--repeat R]

The baseline (spaCy small model + textacy quotes + a parser-based estimate finder) runs in the
interpreter given by --baseline-python, in the same run on the same files; without it, only
briefings is timed. CPU time (process_time) is measured, so the second core does not flatter it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import corpus
from briefings.extract import extract
from briefings.sources.articles import parse_article

ROOT = Path(__file__).resolve().parent.parent


def forget() -> None:
    """Empty the extractor's memo caches, so that every pass reads its articles as never seen."""
    for name, module in list(sys.modules.items()):
        if name.startswith("briefings.extract"):
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def ours(texts: list[str], repeat: int) -> tuple[int, float]:
    extract(texts[0])  # warm: the first call compiles the patterns used inline
    words = sum(len(t.split()) for t in texts) * repeat
    spent = 0.0
    for _ in range(repeat):
        forget()
        start = time.process_time()
        for t in texts:
            extract(t)
        spent += time.process_time() - start
    return words, spent


def baseline(python: str, paths: list[Path]) -> tuple[int, float]:
    out = subprocess.run(
        ["taskset", "-c", "0", python, str(ROOT / "benchmarks" / "baseline_spacy.py"), *map(str, paths)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    data = json.loads(out.strip().splitlines()[-1])
    return data["words"], data["seconds"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline-python")
    ap.add_argument("--generated", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    sets = {
        "seeds": [parse_article(p.read_bytes(), str(p)).body for p in seeds],
        f"generated ({args.generated} articles)": corpus(args.generated),
    }
    print(f"{'corpus':<28} {'extractor':<22} {'words':>9} {'seconds':>9} {'words/s':>11} {'speed-up':>9}")
    for name, texts in sets.items():
        w, s = ours(texts, args.repeat)
        mine = w / s
        row = f"{name:<28} {'briefings':<22} {w:>9,} {s:>9.3f} {mine:>11,.0f}"
        if args.baseline_python:
            with tempfile.TemporaryDirectory() as tmp:
                paths = []
                for i, t in enumerate(texts):
                    p = Path(tmp) / f"{i}.txt"
                    p.write_text(t, encoding="utf-8")
                    paths.append(p)
                bw, bs = baseline(args.baseline_python, paths)
            print(row)
            print(f"{name:<28} {'spaCy sm + textacy':<22} {bw:>9,} {bs:>9.3f} {bw / bs:>11,.0f}")
            print(f"{'':<28} {'':<22} {'':>9} {'':>9} {'':>11} {mine / (bw / bs):>8,.0f}x")
        else:
            print(row)


if __name__ == "__main__":
    main()
