"""Who might claim a number: every claimant the rules know of around it, and what a model would read of each.

The rules (core.py) choose one claimant for each count: the speaker of a quotation around it, the
subject of a reporting verb of its sentence, a report its paragraph goes on with, the outlet. This
module gathers the others a reader would weigh — every reporting verb's subject in the sentence, the
report of the paragraph, the people and bodies the article has just quoted or reported, the claimant
of the count before, the outlet — with the facts about each that a model would read (`vector`). It is
what `benchmarks/claimant_eval.py` measures a claimant model with; the extractor asks a decider only
when one is given (`extract(..., claims=…)`), so the rules alone cost nothing more.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from briefings.extract.lexicon import PRONOUNS
from briefings.models import EntityKind, EntityRef

RULE_KINDS = ("quote", "verb", "report", "outlet")  # how the rules chose; anything else is "other"


@dataclass(frozen=True, slots=True)
class ClaimScene:
    """A count and what the rules found around it."""

    body: str
    at: int  # where the number starts in the body
    value: int  # the count
    sentence: int  # where the number's sentence starts
    paragraph: int
    rule_kind: str  # how the rules chose: "quote", "verb", "report", "outlet", "list", "embed", "turn", "parts"
    verbs: int  # reporting verbs in the sentence
    headline: bool


@dataclass
class ClaimCandidate:
    """One person or body (or the outlet) who may claim the count, and how the text points at them."""

    speaker: str
    entity: EntityRef | None
    rule: bool = False
    outlet: bool = False
    pre: int = 0  # 1 for the subject of the nearest reporting verb before the number, 2 the next… 0 none
    pre_gap: int = -1  # characters between that verb and the number
    post: int = 0  # 1 for the first reporting verb after the number… 0 none
    post_gap: int = -1
    inverted: bool = False  # "…, said X", "according to X"
    source: bool = False  # "according to X", "citing X"
    joined: bool = False  # the verb after the number opens a clause of its own ("…, and X reported 25")
    report: bool = False  # the report the paragraph goes on with
    quoted: bool = False  # the speaker of a quotation around the number
    voice: int = 0  # 1 for the last one quoted or reported before the sentence, 2 the one before… 0 none
    voice_paragraphs: int = -1  # paragraphs between that voice and the number
    last_claim: bool = False  # the claimant of the count just before
    last_sentences: int = -1  # sentences between that count and this one
    sources: set[str] = field(default_factory=set)


ClaimDecider = Callable[[ClaimScene, list[ClaimCandidate]], ClaimCandidate | None]


def rules_only(scene: ClaimScene, candidates: list[ClaimCandidate]) -> ClaimCandidate | None:
    """The rules' own choice."""
    return next((c for c in candidates if c.rule), None)


def key_of(speaker: str, entity: EntityRef | None) -> str:
    return (entity.name if entity is not None else speaker).strip().lower()


def merged(found: list[ClaimCandidate]) -> list[ClaimCandidate]:
    """One candidate per person or body: what several ways say about the same one, together; the
    rules' choice first."""
    out: dict[str, ClaimCandidate] = {}
    for c in found:
        key = key_of(c.speaker, c.entity)
        have = out.get(key)
        if have is None:
            out[key] = c
            continue
        have.rule |= c.rule
        have.outlet |= c.outlet
        have.inverted |= c.inverted
        have.source |= c.source
        have.joined |= c.joined
        have.report |= c.report
        have.quoted |= c.quoted
        have.last_claim |= c.last_claim
        for name in ("pre", "post", "voice"):
            mine, theirs = getattr(have, name), getattr(c, name)
            if theirs and (not mine or theirs < mine):
                setattr(have, name, theirs)
        for name in ("pre_gap", "post_gap", "voice_paragraphs", "last_sentences"):
            mine, theirs = getattr(have, name), getattr(c, name)
            if theirs >= 0 and (mine < 0 or theirs < mine):
                setattr(have, name, theirs)
        have.sources |= c.sources
        if have.entity is None and c.entity is not None:
            have.entity = c.entity
    return sorted(out.values(), key=lambda c: not c.rule)


# ------------------------------------------------------------------------------ features


def _log(n: int) -> float:
    return -1.0 if n < 0 else round(math.log1p(n), 4)


def _kind(c: ClaimCandidate, kind: EntityKind) -> float:
    return float(c.entity is not None and c.entity.kind is kind)


ClaimFeature = Callable[[ClaimCandidate, ClaimScene], float]

FEATURES: tuple[tuple[str, ClaimFeature], ...] = (
    ("rule", lambda c, s: float(c.rule)),
    ("rule_by_quote", lambda c, s: float(s.rule_kind == "quote")),
    ("rule_by_verb", lambda c, s: float(s.rule_kind == "verb")),
    ("rule_by_report", lambda c, s: float(s.rule_kind == "report")),
    ("rule_by_outlet", lambda c, s: float(s.rule_kind == "outlet")),
    ("rule_by_other", lambda c, s: float(s.rule_kind not in RULE_KINDS)),
    ("outlet", lambda c, s: float(c.outlet)),
    ("verb_before", lambda c, s: float(c.pre)),
    ("verb_before_gap", lambda c, s: _log(c.pre_gap)),
    ("verb_after", lambda c, s: float(c.post)),
    ("verb_after_gap", lambda c, s: _log(c.post_gap)),
    ("inverted", lambda c, s: float(c.inverted)),
    ("source", lambda c, s: float(c.source)),
    ("joined", lambda c, s: float(c.joined)),
    ("report", lambda c, s: float(c.report)),
    ("quoted", lambda c, s: float(c.quoted)),
    ("voice", lambda c, s: float(c.voice)),
    ("voice_paragraphs", lambda c, s: float(c.voice_paragraphs)),
    ("last_claim", lambda c, s: float(c.last_claim)),
    ("last_sentences", lambda c, s: float(c.last_sentences)),
    ("person", lambda c, s: _kind(c, EntityKind.person)),
    ("body", lambda c, s: _kind(c, EntityKind.body)),
    ("capitalised_words", lambda c, s: float(min(4, sum(1 for w in c.speaker.split() if w[:1].isupper())))),
    ("pronoun", lambda c, s: float(c.speaker.strip().lower() in PRONOUNS)),
    ("ways", lambda c, s: float(len(c.sources))),
    ("verbs", lambda c, s: float(min(s.verbs, 5))),
    ("headline", lambda c, s: float(s.headline)),
)
NAMES: tuple[str, ...] = tuple(name for name, _ in FEATURES)


def vector(c: ClaimCandidate, s: ClaimScene) -> list[float]:
    return [f(c, s) for _, f in FEATURES]


__all__ = ["NAMES", "ClaimCandidate", "ClaimDecider", "ClaimScene", "merged", "rules_only", "vector"]
