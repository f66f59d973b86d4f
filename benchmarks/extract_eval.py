"""Leave-one-set-out evaluation of the quote attribution model: the score that counts.

    .venv/bin/python benchmarks/extract_eval.py --shared ../shared

For each of the five training slices and four development sets, a model is trained on the eight
others (briefings.extract.train, the same code and seed as the shipped model) and the held-out set's
articles are extracted with it and scored by ../shared/eval/score.py's own rules; "rules" is the
extractor with the rules alone. Prints one table: quotes P/R/F1 before and after, and estimates F1
where the gold annotates estimates (the model decides quotations' speakers, and through them some
claimants). Needs the `[train]` extra.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from types import ModuleType

from briefings.cli import extraction_json
from briefings.extract.core import extract
from briefings.extract.decide import Decider, by, rules_only
from briefings.extract.train import DataSet, articles, collect, data_sets, fit, scorer


def score_set(ds: DataSet, decide: Decider, score: ModuleType) -> dict[str, int]:
    """score.py's totals for one set extracted with `decide`."""
    total: dict[str, int] = {}
    for art in articles(ds):
        pred = extraction_json(extract(art.body, art.published, art.outlet, decide=decide))
        for k, v in score.score_article(art.gold, pred).items():
            if k != "errors":
                total[k] = total.get(k, 0) + v
    return total


def _cells(score: ModuleType, t: dict[str, int]) -> tuple[str, str]:
    p, r, f = score.prf(t["q_tp"], t["q_fp"], t["q_fn"])
    quotes = f"{p:.3f} / {r:.3f} / **{f:.3f}**"
    has_estimates = t["e_tp"] + t["e_fn"] > 0
    ef = score.prf(t["e_tp"], t["e_fp"], t["e_fn"])[2]
    return quotes, f"{ef:.3f}" if has_estimates else "—"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=Path("../shared"))
    ap.add_argument("--kind", choices=("trees", "logistic"), default="trees")
    ap.add_argument("--margin", type=float, help="try another margin than training's (log-odds)")
    ap.add_argument("--threshold", type=float, help="try another threshold than training's")
    args = ap.parse_args(argv)
    score = scorer(args.shared)
    sets = data_sets(args.shared)
    data = collect(sets, score)
    print("| held out | quotes P / R / F1, rules | quotes P / R / F1, model | estimates F1 rules → model |")
    print("|---|---|---|---|")
    sums = {"before": {}, "after": {}}
    for ds in sets:
        model = fit([q for name, quotes in data.items() if name != ds.name for q in quotes], args.kind)
        if args.margin is not None or args.threshold is not None:
            model = replace(
                model,
                margin=model.margin if args.margin is None else args.margin,
                threshold=model.threshold if args.threshold is None else args.threshold,
            )
        before = score_set(ds, rules_only, score)
        after = score_set(ds, by(model), score)
        for side, t in (("before", before), ("after", after)):
            for k, v in t.items():
                sums[side][k] = sums[side].get(k, 0) + v
        qb, eb = _cells(score, before)
        qa, ea = _cells(score, after)
        print(f"| {ds.name} | {qb} | {qa} | {eb} → {ea} |", flush=True)
    qb, _ = _cells(score, sums["before"])
    qa, _ = _cells(score, sums["after"])
    print(f"| all (pooled) | {qb} | {qa} | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
