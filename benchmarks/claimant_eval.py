"""Would a trained model choose who claims a number better than the rules? Leave one set out, and see.

    .venv/bin/python benchmarks/claimant_eval.py --shared ../shared

Only the four development sets annotate estimates (gold/dev.json, dev2.json, helene.json,
protests.json), each with its story. For each, a claimant model is trained on the other three: every
count the rules find whose value the gold holds gives one row per candidate claimant
(briefings/extract/claimants.py), labelled by the gold's accepted names with ../shared/eval/score.py's
own matching. The held-out set is then extracted with the model choosing among the candidates (it
overrules the rules' choice only by a margin, in log-odds, as the quote model does) and scored by
score.py. Prints one table: estimates F1 (P/R, wrong claimants) and status accuracy per held-out set,
rules alone against rules+model, for gradient-boosted trees and a logistic regression at two margins,
and the ceiling: the gold's own pick among the same candidates.
Needs the `[train]` extra (scikit-learn). The model is measured here, not shipped: see
docs/extraction.md for the decision.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from benchmarks.extract_train import SEED, Article, DataSet, articles, data_sets, scorer
from briefings.cli import extraction_json
from briefings.extract.claimants import ClaimCandidate, ClaimDecider, ClaimScene, rules_only, vector
from briefings.extract.core import extract
from briefings.story import Story, find_story

STORIES = {
    "seeds": "north-korean-troops",
    "dev2": "north-korean-troops",
    "helene": "hurricane-helene",
    "protests": "hong-kong-protests",
}
MARGINS = (0.0, 2.0)


@dataclass
class Rows:
    xs: list[list[float]]
    ys: list[int]


def _extract(art: Article, story: Story, claims: ClaimDecider | None) -> dict:
    return extraction_json(extract(art.body, art.published, art.outlet, story, claims=claims))


def rows_of(art: Article, story: Story, score: ModuleType) -> Rows:
    """Each count of the article the gold holds a value of: its candidates' features and labels."""
    out = Rows([], [])
    gold = art.gold.get("estimates", [])

    def recorder(scene: ClaimScene, candidates: list[ClaimCandidate]) -> ClaimCandidate | None:
        names = [n for g in gold if scene.value in score.as_list(g["value"]) for n in g["claimant"]]
        if names and len(candidates) > 1:
            for c in candidates:
                out.xs.append(vector(c, scene))
                out.ys.append(int(score.names_match(c.speaker, names)))
        return rules_only(scene, candidates)

    _extract(art, story, recorder)
    return out


def fit(rows: Rows, kind: str):  # type: ignore[no-untyped-def]
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression

    if kind == "trees":
        model = GradientBoostingClassifier(
            n_estimators=80, max_depth=3, learning_rate=0.1, min_samples_leaf=5, random_state=SEED
        )
    else:
        model = LogisticRegression(max_iter=2000, C=1.0)
    model.fit(rows.xs, rows.ys)
    return model


def decider(model, margin: float) -> ClaimDecider:  # type: ignore[no-untyped-def]
    def decide(scene: ClaimScene, candidates: list[ClaimCandidate]) -> ClaimCandidate | None:
        if len(candidates) < 2:
            return rules_only(scene, candidates)
        scores = list(model.decision_function([vector(c, scene) for c in candidates]))
        best = max(range(len(candidates)), key=scores.__getitem__)
        rule = next((k for k, c in enumerate(candidates) if c.rule), None)
        if rule is None or scores[best] - scores[rule] >= margin:
            return candidates[best]
        return candidates[rule]

    return decide


def oracle(gold: list[dict], score: ModuleType) -> ClaimDecider:
    """The candidate the gold accepts, when there is one: how far any model choosing among these
    candidates could go (a ceiling, not a result)."""

    def decide(scene: ClaimScene, candidates: list[ClaimCandidate]) -> ClaimCandidate | None:
        names = [n for g in gold if scene.value in score.as_list(g["value"]) for n in g["claimant"]]
        right = [c for c in candidates if names and score.names_match(c.speaker, names)]
        return right[0] if right else rules_only(scene, candidates)

    return decide


def scored(ds: DataSet, story: Story, score: ModuleType, claims: ClaimDecider | str | None) -> str:
    total: dict[str, int] = {}
    for art in articles(ds):
        decide = oracle(art.gold.get("estimates", []), score) if claims == "oracle" else claims
        res = score.score_article(art.gold, _extract(art, story, decide))  # type: ignore[arg-type]
        for k, v in res.items():
            if k != "errors":
                total[k] = total.get(k, 0) + v
    p, r, f = score.prf(total["e_tp"], total["e_fp"], total["e_fn"])
    status = total["status_ok"] / total["e_tp"] if total["e_tp"] else 0.0
    return f"{f:>6.3f} {p:>6.3f} {r:>6.3f} {total['e_found_wrong_claimant']:>6} {status:>7.2f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=Path("../shared"))
    args = ap.parse_args(argv)
    score = scorer(args.shared)
    sets = [ds for ds in data_sets(args.shared) if ds.name in STORIES]
    stories = {name: find_story(story) for name, story in STORIES.items()}
    rows = {}
    for ds in sets:
        got = Rows([], [])
        for art in articles(ds):
            r = rows_of(art, stories[ds.name], score)
            got.xs += r.xs
            got.ys += r.ys
        rows[ds.name] = got
    print("claimant choice, leave one set out: estimates F1, P, R, wrong claimants, status accuracy")
    print(f"{'held out':10} {'decider':22} {'F1':>6} {'P':>6} {'R':>6} {'wrong':>6} {'status':>7}  train rows")
    for ds in sets:
        train = Rows([], [])
        for other in sets:
            if other.name != ds.name:
                train.xs += rows[other.name].xs
                train.ys += rows[other.name].ys
        story = stories[ds.name]
        print(f"{ds.name:10} {'rules':22} {scored(ds, story, score, None)}", flush=True)
        for kind in ("trees", "logistic"):
            model = fit(train, kind)
            for margin in MARGINS:
                label = f"rules+{kind} m={margin:g}"
                line = scored(ds, story, score, decider(model, margin))
                print(f"{'':10} {label:22} {line}  {len(train.ys)} ({sum(train.ys)} right)", flush=True)
        print(f"{'':10} {'ceiling (gold picks)':22} {scored(ds, story, score, 'oracle')}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
