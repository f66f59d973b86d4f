"""Who said a quotation: the rules propose candidates, the trained model chooses among them."""

from __future__ import annotations

import logging
from collections.abc import Callable

from briefings.extract.candidates import Candidate, Scene
from briefings.extract.features import vectors
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
        if len(candidates) == 1 and candidates[0].rule:
            return candidates[0]  # nothing to weigh it against: what the model would choose, unscored
        scores = [model.score(x) for x in vectors(candidates, scene)]
        best = max(range(len(candidates)), key=scores.__getitem__)  # ties: the first, the rules' choice
        rule = next((k for k, c in enumerate(candidates) if c.rule), None)
        if rule is not None:
            return candidates[best] if scores[best] - scores[rule] >= model.margin else candidates[rule]
        return candidates[best] if probability(scores[best]) >= model.threshold else None

    return decide


_DEFAULT: list[Decider] = []  # the packaged model's decider, once made


def default() -> Decider:
    """The packaged model's decider, read once a process; without a usable artifact, the rules alone
    (one warning)."""
    if not _DEFAULT:
        try:
            _DEFAULT.append(by(packaged()))
        except ModelError as exc:
            log.warning("%s; attributing quotations by the rules alone", exc)
            _DEFAULT.append(rules_only)
    return _DEFAULT[0]
