"""Train the attribution model from the annotated articles in ../shared, in one command.

    python benchmarks/extract_train.py --shared ../shared

reads the five training slices (train/quotes/) and the four development sets (eval/gold/), runs the
extractor with the rules alone over every article, labels each candidate speaker of each quotation
found with the gold's accepted names (by ../shared/eval/score.py's own matching, imported here at
training time only), fits the model with a fixed seed and writes briefings/extract/model.json and
docs/model-card.md. The same data gives the same bytes. Needs the `[train]` extra (scikit-learn).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.util
import json
import logging
import math
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from briefings.extract.candidates import Candidate, Scene
from briefings.extract.core import extract
from briefings.extract.decide import Decider, by, rules_only
from briefings.extract.features import NAMES, vectors
from briefings.extract.model import MODEL_VERSION, Model, artifact_path
from briefings.sources.articles import parse_article
from briefings.story import find_story

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent

SEED = 20
SLICES = ("politics", "business", "courts", "science", "world")
DEV_SETS = ("seeds", "dev2", "helene", "protests")
TREES = 120
DEPTH = 3
RATE = 0.1
LEAF = 5  # fewest training rows in a leaf: no rule for one article's odd sentence
THRESHOLD = 0.4  # the model names someone the rules did not when it gives them this much (chosen leaving sets out)
MARGIN = 1.0  # and overrules the rules' choice for a candidate this much likelier, in log-odds (the same)


@dataclass(frozen=True, slots=True)
class DataSet:
    name: str
    gold: Path
    texts: Path
    story: str | None = None  # the bundled story whose counts the set's gold holds (None: the default)


def data_sets(shared: Path) -> list[DataSet]:
    """The training slices and development sets under ../shared, in a fixed order."""
    out = [DataSet(n, shared / "train" / "quotes" / f"{n}.json", shared / "train" / "quotes" / n) for n in SLICES]
    out += [
        DataSet("seeds", shared / "eval" / "gold" / "dev.json", shared / "seeds"),
        DataSet("dev2", shared / "eval" / "gold" / "dev2.json", shared / "eval" / "dev2"),
        DataSet("helene", shared / "eval" / "gold" / "helene.json", shared / "eval" / "helene", "hurricane-helene"),
        DataSet(
            "protests", shared / "eval" / "gold" / "protests.json", shared / "eval" / "protests", "hong-kong-protests"
        ),
    ]
    return out


def scorer(shared: Path) -> ModuleType:
    """../shared/eval/score.py, for its matching rules (training and evaluation only)."""
    path = shared / "eval" / "score.py"
    spec = importlib.util.spec_from_file_location("briefings_eval_score", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"error: {path} cannot be imported")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@dataclass
class Article:
    name: str  # set/file
    gold: dict
    body: str
    published: dt.date | None
    outlet: str | None


def articles(ds: DataSet) -> Iterator[Article]:
    gold = json.loads(ds.gold.read_text(encoding="utf-8"))
    for art in gold["articles"]:
        path = ds.texts / art["file"]
        a = parse_article(path.read_bytes(), str(path), path.suffix)
        published = a.meta.published.date() if a.meta.published else None
        yield Article(f"{ds.name}/{art['file']}", art, a.body, published, a.meta.outlet)


@dataclass
class QuoteRows:
    """One quotation found by the extractor: its candidates' features and labels."""

    text: str
    rows: list[list[float]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)
    in_gold: bool = True  # the quotation is one the gold holds


def record(art: Article) -> list[tuple[str, list[list[float]], list[str]]]:
    """Each quotation the rules find in the article, with its candidates' features and names."""
    seen: list[tuple[str, list[list[float]], list[str]]] = []

    def recorder(scene: Scene, candidates: list[Candidate]) -> Candidate | None:
        text = scene.body[scene.span.start : scene.span.end]
        seen.append((text, vectors(candidates, scene), [c.speaker for c in candidates]))
        return rules_only(scene, candidates)

    extract(art.body, art.published, art.outlet, decide=recorder, weigh_all=True)
    return seen


def labelled(art: Article, score: ModuleType) -> list[QuoteRows]:
    """The article's quotations matched to a gold quote, each candidate labelled by the gold's names."""
    out = []
    gold = art.gold["quotes"]
    for text, rows, speakers in record(art):
        if not rows:
            continue
        # a quotation the gold does not hold (a slogan, a sign, a title) has no right speaker: every
        # candidate is wrong, which teaches the model when to name no one
        names = [n for g in gold if score.texts_match(text, g["text"]) for n in g["speaker"]]
        labels = [int(bool(names) and score.names_match(s, names)) for s in speakers]
        out.append(QuoteRows(text, rows, labels, speakers, bool(names)))
    return out


def collect(sets: list[DataSet], score: ModuleType) -> dict[str, list[QuoteRows]]:
    """Every set's labelled quotations, by set name."""
    return {ds.name: [q for art in articles(ds) for q in labelled(art, score)] for ds in sets}


def fit(quotes: list[QuoteRows], kind: str = "trees") -> Model:
    """The model fitted to every candidate of every quotation (a fixed seed: the same data, the same model)."""
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression

    xs: list[list[float]] = []
    ys: list[int] = []
    for q in quotes:
        xs.extend(q.rows)
        ys.extend(q.labels)
    if kind == "logistic":
        import numpy as np

        x = np.array(xs)
        mean, scale = x.mean(axis=0), x.std(axis=0)
        scale[scale == 0] = 1.0
        lr = LogisticRegression(C=1.0, max_iter=5000, random_state=SEED).fit((x - mean) / scale, ys)
        w = lr.coef_[0] / scale
        b = float(lr.intercept_[0] - (lr.coef_[0] * mean / scale).sum())
        return Model(
            "logistic",
            weights=tuple(round(float(v), 6) for v in w),
            bias=round(b, 6),
            threshold=THRESHOLD,
            margin=MARGIN,
        )
    gbt = GradientBoostingClassifier(
        n_estimators=TREES,
        max_depth=DEPTH,
        learning_rate=RATE,
        min_samples_leaf=LEAF,
        subsample=1.0,
        random_state=SEED,
    ).fit(xs, ys)
    prior = float(gbt.init_.class_prior_[1])
    init = math.log(prior / (1 - prior))
    trees = []
    for est in gbt.estimators_[:, 0]:
        t = est.tree_
        nodes = []
        for i in range(t.node_count):
            leaf = t.children_left[i] == -1
            nodes.append(
                (
                    -1 if leaf else int(t.feature[i]),
                    0.0 if leaf else round(float(t.threshold[i]), 6),
                    int(t.children_left[i]),
                    int(t.children_right[i]),
                    round(float(t.value[i][0][0]), 6) if leaf else 0.0,
                )
            )
        trees.append(tuple(nodes))
    return Model("trees", init=round(init, 6), rate=RATE, trees=tuple(trees), threshold=THRESHOLD, margin=MARGIN)


def dumps(model: Model) -> str:
    return json.dumps(model.to_json(), separators=(",", ":"), sort_keys=True) + "\n"


def candidate_recall(quotes: list[QuoteRows]) -> tuple[int, int]:
    """How many quotations have the right speaker among their candidates, of how many."""
    return sum(1 for q in quotes if any(q.labels)), sum(1 for q in quotes if q.in_gold)


def score_set(ds: DataSet, decide: Decider, score: ModuleType) -> dict[str, int]:
    """score.py's totals for one set extracted with `decide`."""
    from briefings.cli import extraction_json  # the evaluation format, as `briefings extract --format json`

    story = find_story(ds.story) if ds.story else None
    total: dict[str, int] = {}
    for art in articles(ds):
        pred = extraction_json(extract(art.body, art.published, art.outlet, story, decide=decide))
        for k, v in score.score_article(art.gold, pred).items():
            if k != "errors":
                total[k] = total.get(k, 0) + v
    return total


KINDS = ("wrong speaker", "no speaker", "not found", "extra")


def error_kinds(ds: DataSet, decide: Decider, score: ModuleType) -> dict[str, int]:
    """The set's quotation errors by kind: a gold quotation found with a wrong speaker, found with no
    one named, not found at all; and a quotation the gold does not hold given a speaker (extra)."""
    from briefings.cli import extraction_json

    out = dict.fromkeys(KINDS, 0)
    for art in articles(ds):
        pred = extraction_json(extract(art.body, art.published, art.outlet, decide=decide))["quotes"]
        pred = [q for q in pred if len(score.norm_text(q["text"]).split()) >= score.MIN_QUOTE_WORDS]
        named = [q for q in pred if (q["speaker"] or "").strip()]
        gold = art.gold["quotes"]
        right = [
            any(
                score.texts_match(q["text"], g["text"]) and score.names_match(q["speaker"], g["speaker"]) for q in named
            )
            for g in gold
        ]
        for g, ok in zip(gold, right, strict=True):
            found = [q for q in pred if score.texts_match(q["text"], g["text"])]
            if ok:
                continue
            if any((q["speaker"] or "").strip() for q in found):
                out["wrong speaker"] += 1
            elif found:
                out["no speaker"] += 1
            else:
                out["not found"] += 1
        out["extra"] += sum(1 for q in named if not any(score.texts_match(q["text"], g["text"]) for g in gold))
    return out


def kinds_table(sets: list[DataSet], data: dict[str, list[QuoteRows]], score: ModuleType) -> Iterator[str]:
    """The errors by kind of each set, with the rules alone and with a model that did not see it."""
    yield "| held out | " + " | ".join(f"{k}, rules → model" for k in KINDS) + " |"
    yield "|---|" + "---:|" * len(KINDS)
    sums = {side: dict.fromkeys(KINDS, 0) for side in ("rules", "model")}
    for ds in sets:
        model = fit([q for name, quotes in data.items() if name != ds.name for q in quotes])
        before, after = error_kinds(ds, rules_only, score), error_kinds(ds, by(model), score)
        for k in KINDS:
            sums["rules"][k] += before[k]
            sums["model"][k] += after[k]
        yield f"| {ds.name} | " + " | ".join(f"{before[k]} → {after[k]}" for k in KINDS) + " |"
    yield "| all | " + " | ".join(f"{sums['rules'][k]} → {sums['model'][k]}" for k in KINDS) + " |"


def _cells(score: ModuleType, t: dict[str, int]) -> tuple[str, str]:
    p, r, f = score.prf(t["q_tp"], t["q_fp"], t["q_fn"])
    ef = score.prf(t["e_tp"], t["e_fp"], t["e_fn"])[2]
    return f"{p:.3f} / {r:.3f} / **{f:.3f}**", f"{ef:.3f}" if t["e_tp"] + t["e_fn"] else "—"


def leave_one_out(
    sets: list[DataSet],
    data: dict[str, list[QuoteRows]],
    score: ModuleType,
    kind: str = "trees",
    margin: float | None = None,
    threshold: float | None = None,
) -> Iterator[str]:
    """The leave-one-set-out table, a Markdown line at a time: each set scored with the rules alone and
    with a model trained on all the other sets."""
    yield "| held out | quotes P / R / F1, rules | quotes P / R / F1, model | estimates F1, rules → model |"
    yield "|---|---|---|---|"
    sums: dict[str, dict[str, int]] = {"before": {}, "after": {}}
    for ds in sets:
        model = fit([q for name, quotes in data.items() if name != ds.name for q in quotes], kind)
        model = replace(
            model,
            margin=model.margin if margin is None else margin,
            threshold=model.threshold if threshold is None else threshold,
        )
        before = score_set(ds, rules_only, score)
        after = score_set(ds, by(model), score)
        for side, t in (("before", before), ("after", after)):
            for k, v in t.items():
                sums[side][k] = sums[side].get(k, 0) + v
        (qb, eb), (qa, ea) = _cells(score, before), _cells(score, after)
        yield f"| {ds.name} | {qb} | {qa} | {eb} → {ea} |"
    yield f"| all (pooled) | {_cells(score, sums['before'])[0]} | {_cells(score, sums['after'])[0]} | |"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=Path("../shared"), help="the team's shared data folder")
    ap.add_argument("--out", type=Path, default=artifact_path(), help="where to write the model")
    ap.add_argument("--card", type=Path, default=ROOT / "docs" / "model-card.md", help="where to write the model card")
    ap.add_argument("--no-eval", action="store_true", help="leave the leave-one-set-out table out of the card")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    score = scorer(args.shared)
    sets = data_sets(args.shared)
    data = collect(sets, score)
    everything = [q for name in data for q in data[name]]
    model = fit(everything)
    text = dumps(model)
    args.out.write_text(text, encoding="utf-8")
    digest = hashlib.sha256(text.encode()).hexdigest()
    log.info("wrote %s (%d bytes, sha256 %s)", args.out, len(text), digest[:16])
    table = [] if args.no_eval else list(leave_one_out(sets, data, score))
    args.card.write_text(card(data, model, digest, len(text), table), encoding="utf-8")
    log.info("wrote %s", args.card)
    return 0


def card(data: dict[str, list[QuoteRows]], model: Model, digest: str, size: int, table: list[str]) -> str:
    lines = [
        "# Model card: quote attribution",
        "",
        "Written by `python benchmarks/extract_train.py --shared ../shared` (do not edit by hand)"
        f" on {dt.datetime.now(dt.UTC).date().isoformat()}.",
        "",
        f"- Artifact: `briefings/extract/model.json`, version {MODEL_VERSION}, {size:,} bytes, sha256 `{digest}`.",
        f"- Model: gradient-boosted trees ({len(model.trees)} trees of depth {DEPTH}, rate {RATE}, at least {LEAF}"
        f" rows a leaf, seed {SEED}; scikit-learn at training time), scored in pure Python at run time. Each"
        " candidate speaker of a quotation is scored; the best overrules the rules' choice when its log-odds"
        f" are {model.margin} higher, and names the speaker of a quotation the rules gave no one when its"
        f" probability is at least {model.threshold}.",
        f"- Features ({len(NAMES)}, `briefings/extract/features.py`): {', '.join(NAMES)}.",
        "- Data: every quotation the extractor finds in the sets below that matches a gold quotation;"
        " its candidates labelled right when their name matches the gold's accepted names (score.py's rules).",
        "",
        "| set | quotations matched | right speaker among candidates | candidate rows |",
        "|---|---:|---:|---:|",
    ]
    for name, quotes in data.items():
        have, n = candidate_recall(quotes)
        lines.append(f"| {name} | {n} | {have} | {sum(len(q.rows) for q in quotes)} |")
    lines += [
        "",
        "Quotations the gold does not hold (slogans, signs, titles in marks) are kept with every candidate"
        " labelled wrong: they teach the model when to name no one.",
        "",
        "## Scores (leave one set out)",
        "",
        "Each set scored by a model trained on the eight others, by ../shared/eval/score.py's rules"
        " (`benchmarks/extract_eval.py` prints the same table); a score on the data the model was fitted to"
        " would be no result.",
        "",
        *(table or ["(not computed: trained with --no-eval)"]),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
