"""What the attribution model reads of each candidate speaker: small pure functions, one number each.

Each function takes a candidate and its quotation's scene (candidates.py) and gives a number; the
model never sees the text itself. The order of FEATURES is the order of the model's inputs: a new
feature goes at the end, with a new MODEL_VERSION (model.py) and a retrained artifact.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from briefings.extract.candidates import Candidate, Scene, through_pronoun
from briefings.extract.lexicon import BODY_WORDS, PRONOUNS
from briefings.extract.names import is_role_word
from briefings.models import EntityKind

Feature = Callable[[Candidate, Scene], float]


_OF_QUOTATION: set[Feature] = set()  # the features of the quotation alone, the same for each candidate


def of_quotation(f: Feature) -> Feature:
    """Marks a feature of the quotation alone: read once a quotation, not once a candidate."""
    _OF_QUOTATION.add(f)
    return f


def _log(n: int) -> float:
    """A distance in characters, squashed: -1 when there is none."""
    return -1.0 if n < 0 else round(math.log1p(n), 4)


def rule(c: Candidate, s: Scene) -> float:
    return float(c.rule)


@of_quotation
def rule_by_verb(c: Candidate, s: Scene) -> float:
    """The rules chose through a reporting verb of the quotation's sentence (their surest way)."""
    return float(s.rule_kind in ("verb", "label"))


@of_quotation
def rule_by_voice(c: Candidate, s: Scene) -> float:
    """The rules chose whoever spoke before (no verb in the quotation's sentence)."""
    return float(s.rule_kind in ("voice", "previous"))


@of_quotation
def rule_none(c: Candidate, s: Scene) -> float:
    return float(not s.rule_kind)


def verb_before(c: Candidate, s: Scene) -> float:
    """1 for the subject of the nearest reporting verb before the quotation, 2 the next… 0 for none."""
    return float(c.pre)


def verb_before_gap(c: Candidate, s: Scene) -> float:
    return _log(c.pre_gap)


def verb_after(c: Candidate, s: Scene) -> float:
    """1 for the subject of the first reporting verb after the quotation ("…," said X), 0 for none."""
    return float(c.post)


def verb_after_gap(c: Candidate, s: Scene) -> float:
    return _log(c.post_gap)


def source(c: Candidate, s: Scene) -> float:
    """Named as where a report came from ("according to X", "citing X"), not as one speaking."""
    return float(c.source)


def voice(c: Candidate, s: Scene) -> float:
    """1 for the last one quoted or reported before the quotation, 2 the one before… 0 for none."""
    return float(c.voice)


def voice_paragraphs(c: Candidate, s: Scene) -> float:
    return float(c.voice_paragraphs)


def previous_speaker(c: Candidate, s: Scene) -> float:
    return float(c.previous)


def mention_before(c: Candidate, s: Scene) -> float:
    return _log(c.before)


def mention_after(c: Candidate, s: Scene) -> float:
    return _log(c.after)


def paragraphs_back(c: Candidate, s: Scene) -> float:
    return float(c.paragraphs_back)


def in_sentence(c: Candidate, s: Scene) -> float:
    return float(c.in_sentence)


def subject(c: Candidate, s: Scene) -> float:
    """Named as a sentence's subject or a speaker somewhere near."""
    return float(c.subject)


def mentions(c: Candidate, s: Scene) -> float:
    return float(min(c.mentions, 10))


def pronoun(c: Candidate, s: Scene) -> float:
    """Proposed through a pronoun ("she said"), which the rules resolved to someone."""
    return float(c.pronoun)


def person(c: Candidate, s: Scene) -> float:
    return float(c.entity is not None and c.entity.kind is EntityKind.person)


def body(c: Candidate, s: Scene) -> float:
    return float(c.entity is not None and c.entity.kind is EntityKind.body)


def known(c: Candidate, s: Scene) -> float:
    """The article names them as someone the rules know (an entity), not a bare phrase ("Critics")."""
    return float(c.entity is not None and c.entity.kind is not EntityKind.unknown)


_WORD = re.compile(r"[\w’'.-]+")


def capitalised_words(c: Candidate, s: Scene) -> float:
    """How many words of the name are capitalised: "Jane Roe" 2, "the ministry" 0."""
    return float(min(3, sum(1 for w in _WORD.findall(c.speaker) if w[:1].isupper())))


def words(c: Candidate, s: Scene) -> float:
    return float(min(8, len(c.speaker.split())))


def generic(c: Candidate, s: Scene) -> float:
    """Made only of role and body words ("spokesperson", "the ministry", "officials"): no one named."""
    ws = [w.lower().strip(",.’'s") for w in c.speaker.split()]
    ws = [w for w in ws if w not in ("the", "a", "an", "of", "and")]
    return float(bool(ws) and all(w in BODY_WORDS or is_role_word(w) for w in ws))


def has_role(c: Candidate, s: Scene) -> float:
    """The article gives them a title or role ("the minister, Jane Roe")."""
    return float(c.entity is not None and bool(c.entity.role))


def lowercase(c: Candidate, s: Scene) -> float:
    """A description, not a name ("a witness", "protesters")."""
    return float(c.speaker[:1].islower())


def is_pronoun(c: Candidate, s: Scene) -> float:
    return float(c.speaker.strip().lower() in PRONOUNS)


def name_only(c: Candidate, s: Scene) -> float:
    """Found only as a capitalised name near the quotation, not as anyone the rules read."""
    return float(c.name_only)


def before_rank(c: Candidate, s: Scene) -> float:
    """1 for the candidate named nearest before the quotation, 2 the next… 0 when not named before it."""
    return float(min(c.before_rank, 6))


def after_rank(c: Candidate, s: Scene) -> float:
    return float(min(c.after_rank, 6))


@of_quotation
def rule_known(c: Candidate, s: Scene) -> float:
    """The rules' choice is someone they know as a person or body (not a bare phrase like "Critics")."""
    e = s.rule.entity if s.rule is not None else None
    return float(e is not None and e.kind is not EntityKind.unknown)


@of_quotation
def rule_words(c: Candidate, s: Scene) -> float:
    """How many capitalised words the rules' choice has (0 for "the witness", 1 for "Mrs", 2 for "Jane Roe")."""
    return float(min(3, sum(1 for w in _WORD.findall(s.rule.speaker) if w[:1].isupper()))) if s.rule else -1.0


@of_quotation
def rule_pronoun(c: Candidate, s: Scene) -> float:
    """The rules chose through a pronoun ("he said"): the one it stands for may be wrong."""
    return float(s.rule is not None and through_pronoun(s.body, s.rule))


def speaks(c: Candidate, s: Scene) -> float:
    """Named next to a verb of saying near the quotation ("Roe said", "said Roe")."""
    return float(c.speaks)


def place(c: Candidate, s: Scene) -> float:
    """A country or its people ("North Korean"), spoken of more often than speaking."""
    return float(c.place)


@of_quotation
def quote_capitalised(c: Candidate, s: Scene) -> float:
    """The quotation opens with a capital: a sentence someone said, more often than a phrase ("so-called")."""
    text = s.body[s.span.start : s.span.end].lstrip(" ‘'…([")
    return float(text[:1].isupper())


@of_quotation
def quote_punctuated(c: Candidate, s: Scene) -> float:
    """The quotation holds a sentence's punctuation (, . ? !): speech, more often than a slogan or a name."""
    return float(any(ch in ",.?!;" for ch in s.body[s.span.start : s.span.end].rstrip(" ,.?!’'")))


@of_quotation
def embedded(c: Candidate, s: Scene) -> float:
    """Words of the sentence both before and after the quotation: a phrase quoted inside the writer's sentence."""
    before = any(ch.isalnum() for ch in s.body[s.sentence.start : s.span.open_at])
    after = any(ch.isalnum() for ch in s.body[s.span.close_at + 1 : s.sentence.end])
    return float(before and after)


def sources(c: Candidate, s: Scene) -> float:
    """In how many ways the text points at them (a verb, a voice, the quotation before, a mention)."""
    return float(len(c.sources))


@of_quotation
def opens_paragraph(c: Candidate, s: Scene) -> float:
    return float(s.index == 0 or s.sentences[s.index - 1].paragraph != s.sentence.paragraph)


@of_quotation
def whole_paragraph(c: Candidate, s: Scene) -> float:
    """The quotation is all its paragraph says: a statement quoted paragraph by paragraph."""
    return float(not s.pre and not s.post and opens_paragraph(c, s) and s.span.close_at >= s.sentence.end - 2)


@of_quotation
def opens_sentence(c: Candidate, s: Scene) -> float:
    return float(not any(ch.isalnum() for ch in s.body[s.sentence.start : s.span.open_at]))


@of_quotation
def quote_words(c: Candidate, s: Scene) -> float:
    return _log(len(s.body[s.span.start : s.span.end].split()))


@of_quotation
def first_paragraph(c: Candidate, s: Scene) -> float:
    """The quotation is in the article's first paragraph (a headline)."""
    return float(s.sentence.paragraph == 0)


@of_quotation
def previous_nearby(c: Candidate, s: Scene) -> float:
    """Paragraphs back to the quotation before (-1: none near)."""
    return float(s.span.paragraph - s.previous_paragraph) if s.previous_paragraph >= 0 else -1.0


FEATURES: tuple[Feature, ...] = (
    rule,
    rule_by_verb,
    rule_by_voice,
    rule_none,
    verb_before,
    verb_before_gap,
    verb_after,
    verb_after_gap,
    source,
    voice,
    voice_paragraphs,
    previous_speaker,
    mention_before,
    mention_after,
    paragraphs_back,
    in_sentence,
    subject,
    mentions,
    pronoun,
    person,
    body,
    known,
    capitalised_words,
    words,
    generic,
    has_role,
    lowercase,
    is_pronoun,
    sources,
    opens_paragraph,
    whole_paragraph,
    opens_sentence,
    quote_words,
    first_paragraph,
    previous_nearby,
    name_only,
    before_rank,
    after_rank,
    rule_known,
    rule_words,
    rule_pronoun,
    speaks,
    place,
    quote_capitalised,
    quote_punctuated,
    embedded,
)
NAMES: tuple[str, ...] = tuple(f.__name__ for f in FEATURES)


_OWN = [(k, f) for k, f in enumerate(FEATURES) if f not in _OF_QUOTATION]
_SHARED = [(k, f) for k, f in enumerate(FEATURES) if f in _OF_QUOTATION]


def vector(c: Candidate, s: Scene) -> list[float]:
    return [f(c, s) for f in FEATURES]


def vectors(cs: list[Candidate], s: Scene) -> list[list[float]]:
    """Each candidate's vector, the quotation's own features read once: the same as vector() of each."""
    if not cs:
        return []
    base = [0.0] * len(FEATURES)
    for k, f in _SHARED:
        base[k] = f(cs[0], s)
    out = []
    for c in cs:
        x = base.copy()
        for k, f in _OWN:
            x[k] = f(c, s)
        out.append(x)
    return out
