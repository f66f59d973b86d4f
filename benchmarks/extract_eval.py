"""Leave-one-set-out evaluation of the quote attribution model: the score that counts.

    .venv/bin/python benchmarks/extract_eval.py --shared ../shared

For each of the five training slices and four development sets, a model is trained on the eight
others (benchmarks/extract_train.py, the same code and seed as the shipped model) and the held-out set's
articles are extracted with it and scored by ../shared/eval/score.py's own rules; "rules" is the
extractor with the rules alone. Prints one table: quotes P/R/F1 before and after, and estimates F1
where the gold annotates estimates (the model decides quotations' speakers, and through them some
claimants). `--kinds` prints the quotation errors by kind instead (wrong speaker, no speaker, not
found, extra). Needs the `[train]` extra.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from benchmarks.extract_train import collect, data_sets, kinds_table, leave_one_out, scorer


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=Path("../shared"))
    ap.add_argument("--kind", choices=("trees", "logistic"), default="trees")
    ap.add_argument("--margin", type=float, help="try another margin than training's (log-odds)")
    ap.add_argument("--threshold", type=float, help="try another threshold than training's")
    ap.add_argument("--kinds", action="store_true", help="print the errors by kind instead (rules → model)")
    args = ap.parse_args(argv)
    score = scorer(args.shared)
    sets = data_sets(args.shared)
    data = collect(sets, score)
    lines = (
        kinds_table(sets, data, score)
        if args.kinds
        else leave_one_out(sets, data, score, args.kind, args.margin, args.threshold)
    )
    for line in lines:
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
