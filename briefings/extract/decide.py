"""Who said a quotation: the rules propose candidates, the trained model chooses among them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache

from briefings.extract.candidates import Candidate, Scene
from briefings.extract.features import vector
from briefings.extract.model import Model, ModelError, packaged

log = logging.getLogger(__name__)

Decider = Callable[[Scene, list[Candidate]], Candidate | None]


def rules_only(scene: Scene, candidates: list[Candidate]) -> Candidate | None:
    """The rules' own choice (what the extractor did before the model)."""
    return next((c for c in candidates if c.rule), None)


def by(model: Model) -> Decider:
    """A decider with `model`: the candidate it scores highest; when the rules proposed no one, that
    candidate only if the model gives it at least the model's threshold."""

    def decide(scene: Scene, candidates: list[Candidate]) -> Candidate | None:
        if not candidates:
            return None
        scores = [model.score(vector(c, scene)) for c in candidates]
        best = max(range(len(candidates)), key=scores.__getitem__)  # ties: the first, the rules' choice
        pick = candidates[best]
        if (
            not pick.rule
            and not any(c.rule for c in candidates)
            and model.probability(vector(pick, scene)) < (model.threshold)
        ):
            return None
        return pick

    return decide


@lru_cache(maxsize=1)
def default() -> Decider:
    """The packaged model's decider, read once; without a usable artifact, the rules alone (one warning)."""
    try:
        return by(packaged())
    except ModelError as exc:
        log.warning("%s; attributing quotations by the rules alone", exc)
        return rules_only
