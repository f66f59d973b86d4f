"""Who said a quotation: the rules propose candidates, the trained model chooses among them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache

from briefings.extract.candidates import Candidate, Scene
from briefings.extract.features import vector
from briefings.extract.model import Model, ModelError, packaged, probability

log = logging.getLogger(__name__)

Decider = Callable[[Scene, list[Candidate]], Candidate | None]


def rules_only(scene: Scene, candidates: list[Candidate]) -> Candidate | None:
    """The rules' own choice (what the extractor did before the model)."""
    return next((c for c in candidates if c.rule), None)


def by(model: Model) -> Decider:
    """A decider with `model`: the candidate it scores highest, if it beats the rules' choice by the
    model's margin; when the rules proposed no one, that candidate if the model gives it the model's
    threshold."""

    def decide(scene: Scene, candidates: list[Candidate]) -> Candidate | None:
        if not candidates:
            return None
        scores = [model.score(vector(c, scene)) for c in candidates]
        best = max(range(len(candidates)), key=scores.__getitem__)  # ties: the first, the rules' choice
        rule = next((k for k, c in enumerate(candidates) if c.rule), None)
        if rule is not None:
            return candidates[best] if scores[best] - scores[rule] >= model.margin else candidates[rule]
        return candidates[best] if probability(scores[best]) >= model.threshold else None

    return decide


@lru_cache(maxsize=1)
def default() -> Decider:
    """The packaged model's decider, read once; without a usable artifact, the rules alone (one warning)."""
    try:
        return by(packaged())
    except ModelError as exc:
        log.warning("%s; attributing quotations by the rules alone", exc)
        return rules_only
