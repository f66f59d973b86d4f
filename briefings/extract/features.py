"""What the attribution model reads of each candidate speaker: small pure functions, one number each.

Each function takes a candidate and its quotation's scene (candidates.py) and gives a number; the
model never sees the text itself. The order of FEATURES is the order of the model's inputs: a new
feature goes at the end, with a new MODEL_VERSION (model.py) and a retrained artifact.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from briefings.extract.candidates import Candidate, Said, Scene, through_pronoun
from briefings.extract.lexicon import BODY_WORDS, DOCUMENTS, GENERIC_SPEAKERS, PRONOUNS, PRONOUNS_PERSON
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


_LOWER = re.compile(r"(?<![\w’'-])[a-z][a-z’'-]*")
_STOP = frozenset("the a an of and for to in on at by from".split())


def _lowercase_words(s: Scene) -> frozenset[str]:
    """The words the article writes in lower case somewhere: common words, not names (read once an article)."""
    found = s.memo.get("lowercase")
    if found is None:
        found = s.memo["lowercase"] = frozenset(m.group() for m in _LOWER.finditer(s.body))
    return found


def _words_of_name(c: Candidate) -> list[str]:
    return [w for w in (x.strip(",.’'").lower() for x in c.speaker.split()) if w and w not in _STOP]


def _singular(w: str) -> str:
    return w[:-2] if w.endswith(("’s", "'s")) else w


def common_words(c: Candidate, s: Scene) -> float:
    """The share of the candidate's words the article also writes in lower case, roles and bodies
    left out: "Critics", "Some", "the vote comes" are common words read as a name; "Jane Roe" none."""
    ws = [_singular(w) for w in _words_of_name(c)]
    ws = [w for w in ws if w not in BODY_WORDS and not is_role_word(w)]
    if not ws:
        return 0.0
    low = _lowercase_words(s)
    return round(sum(1 for w in ws if w in low) / len(ws), 4)


def head_common(c: Candidate, s: Scene) -> float:
    """The candidate's last word is a common word of the article ("Government", "victims", "pain")."""
    ws = _words_of_name(c)
    return float(bool(ws) and (_singular(ws[-1]) in _lowercase_words(s) or c.speaker.split()[-1][:1].islower()))


def plural(c: Candidate, s: Scene) -> float:
    """The candidate's head word is a plural common noun ("critics", "officials", "victims"): many
    people, which "he said" never continues."""
    ws = _words_of_name(c)
    if not ws:
        return 0.0
    w = ws[-1]
    if not w.endswith("s") or w.endswith(("ss", "us", "is", "’s", "'s")):
        return 0.0
    common = w in _lowercase_words(s) or w in GENERIC_SPEAKERS or w in BODY_WORDS or is_role_word(w)
    return float(common or c.speaker.split()[-1][:1].islower())


def document(c: Candidate, s: Scene) -> float:
    """A document or an event rather than someone: "statement", "report", "video"."""
    return float(any(w in DOCUMENTS or w in _EVENTS for w in _words_of_name(c)))


_EVENTS = frozenset("interview briefing conference remarks speech address message hearing ruling verdict".split())
# news outlets and wire services: what passes a quotation on more often than says it
_MEDIA = frozenset(
    """media news newspaper newspapers paper broadcaster television tv radio outlet outlets agency press wire
    times post journal herald tribune telegraph guardian gazette daily reuters ap afp ani pti ians cnn bbc npr abc
    cbs nbc msnbc fox xinhua tass ria interfax yonhap kcna bloomberg axios politico""".split()
)


def media(c: Candidate, s: Scene) -> float:
    """A news outlet or wire service ("CNN", "state media", "the New York Times")."""
    return float(any(w in _MEDIA for w in _words_of_name(c)))


def addressed(c: Candidate, s: Scene) -> float:
    """Spoken to near the quotation ("told Jane Roe", "said to reporters"), not speaking."""
    return float(c.addressed)


def reported_by(c: Candidate, s: Scene) -> float:
    """Their verb passes a report on ("X reported", "according to X", "citing X") rather than saying it."""
    if c.said is None or c.said.at < 0:
        return 0.0
    m = _WORD.match(s.body, c.said.at)
    return float(c.said.source or (m is not None and m.group().lower() in _PASSING_ON))


_PASSING_ON = frozenset("reported reports reporting according citing cited quoted quoting published aired".split())


def pronoun_mismatch(c: Candidate, s: Scene) -> float:
    """Proposed through "he" or "she" but many or a body ("critics", "the ministry"), or through "it"
    or "they" but one person: the pronoun was resolved to the wrong one."""
    if not c.pronoun or c.said is None:
        return 0.0
    words = s.body[c.said.start : c.said.end].lower().replace(",", " ").split()
    singular = any(w in PRONOUNS_PERSON for w in words)
    many = plural(c, s) or (c.entity is not None and c.entity.kind is EntityKind.body)
    one = c.entity is not None and c.entity.kind is EntityKind.person and not plural(c, s)
    return float((singular and bool(many)) or (not singular and one))


def subject_near(c: Candidate, s: Scene) -> float:
    """A subject or speaker of the quotation's sentence or the one before: who "he said" continues."""
    return float(c.subject_near)


def sentences_back(c: Candidate, s: Scene) -> float:
    return float(min(c.sentences_back, 10))


def person_rank(c: Candidate, s: Scene) -> float:
    """1 for the person named nearest before the quotation, 2 the next… 0 for none."""
    return float(min(c.person_rank, 6))


def leads(c: Candidate, s: Scene) -> float:
    """Sentences back to the nearest one they open as its subject (-1: none): whom "he said" continues."""
    return float(min(c.leads, 6))


@of_quotation
def runs_on(c: Candidate, s: Scene) -> float:
    """Paragraphs since the quotation began, when it runs on from paragraphs before (0: it does not)."""
    return float(min(10, s.span.paragraph - s.run_paragraph)) if s.run_paragraph >= 0 else 0.0


@of_quotation
def after_colon(c: Candidate, s: Scene) -> float:
    """A colon stands right before the quotation's opening mark, or before that of the quotation it runs
    on from ("… released a statement:"): someone named before introduces it."""
    if s.run_paragraph < 0:
        return float(s.body[max(0, s.span.open_at - 8) : s.span.open_at].rstrip().endswith(":"))
    memo = s.memo.get(("colon", s.run_paragraph))
    if memo is None:
        first = next((x for x in s.sentences if x.paragraph == s.run_paragraph), None)
        at = first.start if first is not None else s.span.open_at
        memo = s.memo[("colon", s.run_paragraph)] = s.body[max(0, at - 8) : at].rstrip().endswith(":")
    return float(memo)


# the verbs that report speech itself, not an act that may go with it ("shows", "called", "questioned")
_SAYING = frozenset(
    """said says say told tells tell added adds stated states asked asks wrote writes continued replied insisted
    explained declared noted warned saying telling adding writing""".split()
)


def _verb_strength(s: Scene, said: Said | None) -> float:
    if said is None or said.at < 0:
        return 0.0
    m = _WORD.match(s.body, said.at)
    word = m.group().lower() if m is not None else ""
    return 2.0 if word in _SAYING else 1.0


def verb_strength(c: Candidate, s: Scene) -> float:
    """2 when their verb says ("said", "told", "added"), 1 for another reporting verb ("shows",
    "described"), 0 when no verb names them."""
    return _verb_strength(s, c.said)


@of_quotation
def rule_verb_strength(c: Candidate, s: Scene) -> float:
    """The same for the rules' choice: a weak verb is a doubtful choice."""
    return _verb_strength(s, s.rule)


_OPENER = re.compile(
    r"\W*(?:(?:But|And|So|Yet|Still|Then|However|Meanwhile|Later|Earlier|Now)\b,?\s*)?"
    r"(?:(?:the|The|a|A|an|An|both|Both)\s+)?([\w’'-]+)"
)
_NOT_SUBJECT = _STOP | frozenset("after before during when while as if since with under despite also".split())


def other_subject(c: Candidate, s: Scene) -> float:
    """The writer's words of the quotation's sentence open with someone not this candidate ("Veloria
    has warned that its navy “…”", "The parties agreed to “…”"): 0 for them, for a pronoun, a phrase
    of time or place, or a sentence that opens with the quotation."""
    if c.leads == 0:
        return 0.0
    key = ("opener", s.span.open_at)
    if key not in s.memo:  # read once a quotation
        m = _OPENER.match(s.body, s.sentence.start, s.span.open_at)
        w = m.group(1).lower() if m else ""
        s.memo[key] = "" if w in PRONOUNS or w in _NOT_SUBJECT else w
    w = s.memo[key]
    return float(bool(w) and w not in _words_of_name(c))


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
    common_words,
    head_common,
    plural,
    document,
    media,
    addressed,
    reported_by,
    pronoun_mismatch,
    subject_near,
    sentences_back,
    person_rank,
    leads,
    runs_on,
    after_colon,
    verb_strength,
    rule_verb_strength,
    other_subject,
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
