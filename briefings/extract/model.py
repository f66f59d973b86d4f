"""The attribution model: plain weights in a JSON file beside this module, read once, scored in pure Python.

The artifact (model.json) is written by `python benchmarks/extract_train.py --shared ../shared` and
holds its version, the names of the features it was trained on (features.NAMES, in order) and
either a logistic regression (`weights`, `bias`) or gradient-boosted trees (`init`, `rate`,
`trees`, each tree a list of nodes `[feature, threshold, left, right, value]`, feature -1 for a
leaf). A missing, unreadable or stale artifact raises ModelError with one line saying what to do.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from briefings.extract.features import NAMES

MODEL_VERSION = 3  # the artifact's layout and features; a change needs a retrained artifact
ARTIFACT = "model.json"
RETRAIN = "python benchmarks/extract_train.py --shared ../shared"


class ModelError(Exception):
    """The attribution model cannot be used: its message is one line, with the fix."""


@dataclass(frozen=True, slots=True)
class Model:
    kind: str  # "logistic" or "trees"
    weights: tuple[float, ...] = ()
    bias: float = 0.0
    init: float = 0.0
    rate: float = 0.0
    trees: tuple[tuple[tuple[int, float, int, int, float], ...], ...] = ()
    threshold: float = 0.5  # a quotation the rules gave no one goes to the best candidate from this probability
    margin: float = 0.0  # the rules' choice is overruled only by a candidate this much likelier (log-odds)

    _score: Callable[[list[float]], float] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_score", _compiled(self))

    def score(self, x: list[float]) -> float:
        """The candidate's log-odds of being the speaker."""
        assert self._score is not None
        return self._score(x)

    def probability(self, x: list[float]) -> float:
        return probability(self.score(x))

    def to_json(self) -> dict:
        out: dict = {
            "version": MODEL_VERSION,
            "features": list(NAMES),
            "kind": self.kind,
            "threshold": self.threshold,
            "margin": self.margin,
        }
        if self.kind == "logistic":
            out |= {"weights": list(self.weights), "bias": self.bias}
        else:
            out |= {"init": self.init, "rate": self.rate, "trees": [[list(n) for n in t] for t in self.trees]}
        return out


def _compiled(model: Model) -> Callable[[list[float]], float]:
    """The model as one Python function of the feature vector: the trees as nested comparisons, as
    tree compilers do (ten times faster than walking the nodes). Its source is made of the artifact's
    numbers alone, each read as an int or a float first."""
    if model.kind == "logistic":
        terms = " + ".join(f"{float(w)!r} * x[{k}]" for k, w in enumerate(model.weights) if w)
        source = f"def score(x):\n    return {float(model.bias)!r}" + (f" + {terms}" if terms else "") + "\n"
    else:
        lines = ["def score(x):", f"    r = {float(model.init)!r}"]
        for tree in model.trees:
            _branch(tree, 0, 1, float(model.rate), lines)
        lines.append("    return r")
        source = "\n".join(lines) + "\n"
    scope: dict = {}
    exec(compile(source, "<attribution model>", "exec"), scope)
    return scope["score"]


def _branch(
    tree: tuple[tuple[int, float, int, int, float], ...], k: int, depth: int, rate: float, out: list[str]
) -> None:
    if not 0 <= k < len(tree) or depth > 64:
        raise ValueError(f"tree node {k} is out of the tree")
    feature, threshold, left, right, value = tree[k]
    pad = "    " * depth
    if int(feature) < 0:
        out.append(f"{pad}r += {rate * float(value)!r}")
        return
    if int(feature) >= len(NAMES):
        raise ValueError(f"tree node {k} reads feature {feature}")
    out.append(f"{pad}if x[{int(feature)}] <= {float(threshold)!r}:")
    _branch(tree, int(left), depth + 1, rate, out)
    out.append(f"{pad}else:")
    _branch(tree, int(right), depth + 1, rate, out)


def probability(z: float) -> float:
    """Log-odds as a probability."""
    return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0


def from_json(data: object, where: str = ARTIFACT) -> Model:
    """A model from its JSON form; ModelError when it is not one this code can use."""
    if not isinstance(data, dict):
        raise ModelError(f"attribution model {where} is not a JSON object: rebuild it with `{RETRAIN}`")
    if data.get("version") != MODEL_VERSION or data.get("features") != list(NAMES):
        raise ModelError(
            f"attribution model {where} is stale (version {data.get('version')!r}, this code reads "
            f"{MODEL_VERSION} with {len(NAMES)} features): rebuild it with `{RETRAIN}`"
        )
    try:
        if data["kind"] == "logistic":
            weights = tuple(float(w) for w in data["weights"])
            if len(weights) != len(NAMES):
                raise ValueError("one weight per feature")
            return Model(
                "logistic",
                weights=weights,
                bias=float(data["bias"]),
                threshold=float(data["threshold"]),
                margin=float(data["margin"]),
            )
        trees = tuple(
            tuple((int(n[0]), float(n[1]), int(n[2]), int(n[3]), float(n[4])) for n in tree) for tree in data["trees"]
        )
        return Model(
            "trees",
            init=float(data["init"]),
            rate=float(data["rate"]),
            trees=trees,
            threshold=float(data["threshold"]),
            margin=float(data["margin"]),
        )
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise ModelError(f"attribution model {where} is damaged ({exc}): rebuild it with `{RETRAIN}`") from None


def read(path: Path) -> Model:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"attribution model {path} is missing: build it with `{RETRAIN}`") from None
    except (OSError, ValueError) as exc:
        raise ModelError(f"attribution model {path} cannot be read ({exc}): rebuild it with `{RETRAIN}`") from None
    return from_json(data, str(path))


def artifact_path() -> Path:
    return Path(str(resources.files("briefings.extract") / ARTIFACT))


_LOADED: dict[str, Model] = {}  # the packaged model, once read: part of the program, not a memo of any input


def packaged() -> Model:
    """The model shipped in the package, read once a process."""
    model = _LOADED.get(ARTIFACT)
    if model is None:
        model = _LOADED[ARTIFACT] = read(artifact_path())
    return model
