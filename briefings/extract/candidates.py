"""Who might have said a quotation: every speaker the rules know of around it, for the model to choose from.

The rules (core.py) find the quotation and propose one speaker; this module gathers the others a
reader would weigh — the subjects of the reporting verbs of its sentence, the people and bodies the
article has just quoted or reported, the speaker of the quotation before, and every person or body
named in its paragraph and the two before — with the facts about each that the features read. One
candidate per person or body: what several sources say about the same one is merged.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from briefings.extract.lexicon import COUNTRIES, MONTHS, NOT_NAME, PRONOUNS, SPEECH_VERBS, TITLE_ABBREVIATIONS
from briefings.extract.names import Mentions, is_participle
from briefings.extract.text import QuoteSpan, Sentence
from briefings.models import EntityKind, EntityRef

PARAGRAPHS_BACK = 2  # named people and bodies are looked for this many paragraphs before the quotation's
MENTIONS_AFTER = 300  # and this many characters after it (“…,” said the minister, Jane Roe, who …)
MAX_MENTIONS = 40  # a hostile text naming thousands: the nearest this many, so the work stays linear
MAX_VOICES = 8  # who was quoted or reported last, newest first
NEAREST = 4  # of those only named near the quotation, the nearest this many before it and after it
_NAMED_ONLY = frozenset({"mention", "name"})


@dataclass(frozen=True, slots=True)
class Said:
    """A reporting verb's subject (an Attribution of core.py, as this module needs it)."""

    speaker: str
    entity: EntityRef | None
    start: int
    end: int
    source: bool = False  # "according to X": where a report comes from
    at: int = -1  # where its reporting verb stands (-1: not known)


@dataclass(frozen=True, slots=True)
class Voice:
    said: Said
    paragraph: int


@dataclass(frozen=True, slots=True)
class Scene:
    """A quotation and what the rules found around it."""

    body: str
    span: QuoteSpan
    sentence: Sentence
    sentences: list[Sentence]
    index: int  # the sentence's index in `sentences`
    rule: Said | None  # the rules' choice
    rule_kind: str  # how the rules chose: "verb", "label", "voice", "previous", "asked" or "" (no one)
    pre: list[Said]  # reporting verbs before the quotation in its sentence
    post: list[Said]  # reporting verbs after it in the sentence it closes in
    voices: list[Voice]  # who was quoted or reported, oldest first (the last MAX_VOICES)
    previous: Said | None  # the speaker of the quotation before, when near
    previous_paragraph: int  # its paragraph (-1 when there is none)
    mentions: Mentions
    memo: dict = field(default_factory=dict)  # what one article's quotations share: read once an article
    run_paragraph: int = -1  # where the quotation began when it runs on from paragraphs before (-1: it does not)


@dataclass
class Candidate:
    """One person or body who may have said the quotation, and how the text points at them."""

    speaker: str
    entity: EntityRef | None
    said: Said | None = None  # the reporting verb's subject, when a verb names them (for the date)
    rule: bool = False
    pre: int = 0  # 1 + the index from the end of the verbs before the quote (1 = nearest), 0 = none
    pre_gap: int = -1  # characters between that verb's phrase and the opening mark
    post: int = 0  # 1 + index of the verbs after the quote (1 = nearest)
    post_gap: int = -1  # characters between the closing mark and that verb's phrase
    source: bool = False
    voice: int = 0  # 1 + how many voices came after theirs (1 = the last one quoted or reported)
    voice_paragraphs: int = -1  # paragraphs between their voice and the quotation
    previous: bool = False
    before: int = -1  # characters from their nearest mention before the quotation to its mark
    after: int = -1  # characters from the closing mark to their nearest mention after it
    paragraphs_back: int = -1  # paragraphs between their nearest mention before and the quotation
    in_sentence: bool = False
    name_only: bool = False  # found only as capitalised words the rules did not read as anyone
    speaks: bool = False  # a mention of them stands next to a verb of saying ("Roe said", "said Roe")
    place: bool = False  # a country or its people ("Gaza", "North Korean"): spoken of more than speaking
    before_rank: int = 0  # 1 for the candidate named nearest before the quotation, 2 the next… 0 for not before
    after_rank: int = 0  # the same after it
    subject: bool = False  # a mention of them is a sentence's subject or a speaker
    mentions: int = 0  # mentions in the window
    pronoun: bool = False  # proposed through a pronoun ("he said")
    addressed: bool = False  # a mention of them is spoken to ("told Jane Roe", "said to reporters")
    subject_near: bool = False  # a subject or speaker of the quotation's sentence or the one before
    sentences_back: int = -1  # sentences between their nearest mention before and the quotation's sentence
    person_rank: int = 0  # 1 for the person named nearest before the quotation, 2 the next… 0 for none
    leads: int = -1  # sentences back to the nearest sentence before the quotation that they open (-1: none)
    sources: set[str] = field(default_factory=set)


ADJACENT = 4  # characters between a quotation's mark and a verb phrase that introduces or closes it


def settled(span: QuoteSpan, said: Said) -> bool:
    """A reporting verb right at the quotation ("…," said Jane Roe / Jane Roe said: "…") naming someone
    in full: nothing around it to weigh (the trained model never overruled one when it was asked)."""
    e = said.entity
    if e is None or e.kind not in (EntityKind.person, EntityKind.body):
        return False
    if sum(1 for w in e.name.split() if w[:1].isupper()) < 2:
        return False
    if said.end <= span.open_at + 1:
        return span.open_at - said.end <= ADJACENT
    return span.close_at <= said.start and said.start - span.close_at <= ADJACENT


def key_of(speaker: str, entity: EntityRef | None) -> str:
    return (entity.name if entity is not None else speaker).strip().lower()


def through_pronoun(body: str, said: Said) -> bool:
    """ "he said", "said she": the verb's subject is a pronoun the rules resolved."""
    words = body[said.start : said.end].split()
    return bool(words) and (words[0].lower() in PRONOUNS or words[-1].lower().strip(",.") in PRONOUNS)


_WORDS_AFTER = re.compile(r"\W*(\w+)(?:\W+(\w+))?(?:\W+(\w+))?")
_WORDS_BEFORE = re.compile(r"(\w+)\W*(?:(\w+)\W*)?$")


def is_place(name: str) -> bool:
    """A country, its capital or its people ("Seoul", "North Korean"), as the lexicon knows them."""
    return name.lower().removeprefix("the ") in COUNTRIES


def speaks_near(body: str, start: int, end: int) -> bool:
    """A verb of saying within three words after the name ("Roe said", "Roe, 54, told") or two before
    it ("said Roe", "says minister Roe")."""
    after = _WORDS_AFTER.match(body, end, min(len(body), end + 40))
    before = _WORDS_BEFORE.search(body, max(0, start - 30), start)
    words = [*(after.groups() if after else ()), *(before.groups() if before else ())]
    return any(w is not None and w.lower() in SPEECH_VERBS for w in words)


def _paragraph_at(sentences: list[Sentence], at: int) -> int:
    k = bisect.bisect_right(sentences, at, key=_start) - 1
    return sentences[max(k, 0)].paragraph if sentences else 0


def _start(s: Sentence) -> int:
    return s.start


def gather(scene: Scene) -> list[Candidate]:
    """The candidates for one quotation, the rules' choice first when there is one."""
    found: dict[str, Candidate] = {}

    def get(said_speaker: str, entity: EntityRef | None, said: Said | None, how: str) -> Candidate | None:
        if not said_speaker.strip():
            return None
        k = key_of(said_speaker, entity)
        c = found.get(k)
        if c is None:
            c = found[k] = Candidate(said_speaker if entity is None else entity.name, entity, said)
        elif c.said is None:
            c.said = said
        c.sources.add(how)
        return c

    q = scene.span
    if scene.rule is not None:
        c = get(scene.rule.speaker, scene.rule.entity, scene.rule, "rule")
        if c is not None:
            c.rule = True
    for n, s in enumerate(reversed(scene.pre), 1):
        c = get(s.speaker, s.entity, s, "pre")
        if c is not None and not c.pre:
            c.pre, c.pre_gap, c.source = n, max(0, q.open_at - s.end), c.source or s.source
    for n, s in enumerate(scene.post, 1):
        c = get(s.speaker, s.entity, s, "post")
        if c is not None and not c.post:
            c.post, c.post_gap, c.source = n, max(0, s.start - q.close_at), c.source or s.source
    for n, v in enumerate(reversed(scene.voices[-MAX_VOICES:]), 1):
        if v.said.speaker.lower() in PRONOUNS:
            continue
        c = get(v.said.speaker, v.said.entity, None, "voice")
        if c is not None and not c.voice:
            c.voice, c.voice_paragraphs = n, max(0, q.paragraph - v.paragraph)
    if scene.previous is not None:
        c = get(scene.previous.speaker, scene.previous.entity, None, "previous")
        if c is not None:
            c.previous = True
    _add_mentions(scene, found, get)
    _add_names(scene, found, get)
    for c in found.values():
        c.pronoun = c.said is not None and through_pronoun(scene.body, c.said)
    out = list(found.values())
    for attr, rank in (("before", "before_rank"), ("after", "after_rank")):
        near = sorted((c for c in out if getattr(c, attr) >= 0), key=lambda c: getattr(c, attr))
        for n, c in enumerate(near, 1):
            setattr(c, rank, n)
    people = sorted((c for c in out if c.before >= 0 and _is_person(c)), key=lambda c: c.before)
    for n, c in enumerate(people, 1):
        c.person_rank = n
    # someone only named, and named further off than the nearest few, is left out: it is rarely the
    # speaker, and every candidate costs the model a scoring
    out = [c for c in out if c.sources - _NAMED_ONLY or 0 < c.before_rank <= NEAREST or 0 < c.after_rank <= NEAREST]
    out.sort(key=lambda c: not c.rule)  # stable: the rules' choice first, then in the order found
    return out


def _is_person(c: Candidate) -> bool:
    """A person, as the rules read them or as a capitalised name they did not read."""
    return c.entity.kind is EntityKind.person if c.entity is not None else c.name_only


_ADDRESSING = re.compile(
    r"(?:\b(?:told|tells|tell|telling|asked|asks|asking|interviewed|thanked|urged|addressed)"
    r"|\b(?:said|says|saying|spoke|speaking|speaks|talking|talked|talks|explained|wrote|writing|interview)"
    r"\s+(?:to|with))\s+(?:the\s+)?$",
    re.I,
)


def addressed_at(body: str, start: int) -> bool:
    """The words before `start` make what follows someone spoken to ("told Jane Roe", "said to the
    court", "in an interview with the paper"), not someone speaking."""
    return _ADDRESSING.search(body, max(0, start - 30), start) is not None


# what may stand before a sentence's subject: a conjunction, an opening phrase closed by a comma, an article
_OPENING = re.compile(
    r"\W*(?:(?:But|And|So|Yet|Still|Then|However|Meanwhile|Later|Earlier|Now)\b,?\s*)?"
    r"(?:[^,.;:!?“”\"]{1,60},\s*)?(?:(?:the|The|a|A|an|An)\s+)?"
)


def _leads(scene: Scene, k: int, at: int) -> bool:
    """The mention at `at` opens sentence `k` as its subject ("Roe, 56, said", "In her speech, Roe …")."""
    return scene.sentences[k].start <= at and _OPENING.fullmatch(scene.body, scene.sentences[k].start, at) is not None


def _sentence_at(sentences: list[Sentence], at: int) -> int:
    return max(0, bisect.bisect_right(sentences, at, key=_start) - 1)


def _window(scene: Scene) -> tuple[int, int]:
    """Where named candidates are looked for: from the paragraph PARAGRAPHS_BACK before the
    quotation's to MENTIONS_AFTER characters after it."""
    q = scene.span
    sents = scene.sentences
    # a quotation that runs on over paragraphs is looked at from where it began
    first_para = max(0, (scene.run_paragraph if scene.run_paragraph >= 0 else q.paragraph) - PARAGRAPHS_BACK)
    k = scene.index
    while k > 0 and sents[k - 1].paragraph >= first_para:
        k -= 1
    return (sents[k].start if sents else 0), min(len(scene.body), q.close_at + MENTIONS_AFTER)


def _named_at(scene: Scene, c: Candidate, at: int, end: int) -> None:
    """What a naming of candidate `c` from `at` to `end` tells: how near the quotation, on which side."""
    q = scene.span
    c.speaks = c.speaks or _speaks(scene, at, end)
    c.addressed = c.addressed or addressed_at(scene.body, at)
    if at < q.open_at:
        gap = q.open_at - at
        if c.before < 0 or gap < c.before:
            c.before = gap
            c.paragraphs_back = max(0, q.paragraph - _paragraph_at(scene.sentences, at))
            c.sentences_back = max(0, scene.index - _sentence_at(scene.sentences, at))
        k = _sentence_at(scene.sentences, at)
        back = scene.index - k
        if 0 <= back and (c.leads < 0 or back < c.leads) and _leads(scene, k, at):
            c.leads = back
        c.in_sentence = c.in_sentence or at >= scene.sentence.start
    else:
        gap = at - q.close_at
        if c.after < 0 or gap < c.after:
            c.after = gap
        c.in_sentence = c.in_sentence or at < scene.sentence.end


def _add_mentions(scene: Scene, found: dict[str, Candidate], get) -> None:
    q = scene.span
    lo, hi = _window(scene)
    for m in scene.mentions.between(lo, hi, MAX_MENTIONS):
        e = m.entity
        if e.kind not in (EntityKind.person, EntityKind.body) or m.phrase.strip().lower() in PRONOUNS:
            continue
        if q.open_at <= m.at <= q.close_at:
            continue  # named inside the quotation: spoken of, not speaking
        c = get(e.name, e, None, "mention")
        if c is None:
            continue
        c.mentions += 1
        c.subject = c.subject or m.subject
        near = scene.sentences[max(0, scene.index - 1)].start if scene.sentences else 0
        c.subject_near = c.subject_near or (m.subject and near <= m.at < scene.sentence.end)
        c.place = c.place or is_place(e.name)
        _named_at(scene, c, m.at, m.at + len(m.phrase))


# two or three capitalised words in a row ("Mark Rowley", "Sir Ann Lee", "Jean-Paul de la Roche"): a name
# the rules may not have read as a speaker
_NAME = re.compile(
    r"(?<![\w’'])(?:[A-Z][a-z]?\.|[A-Z][\w’'-]*)"  # an initial or short title may end with a full stop
    r"(?:\s+(?:(?:de|la|van|von|der|den|bin|al|da|del|di|le)\s+)*(?:[A-Z][a-z]?\.|[A-Z][\w’'-]*)){1,5}"
)
_WORD_CAP = re.compile(r"(?<![\w’'-])[A-Z][\w’'-]+")  # one capitalised word: a surname, when it is one
_NOT_NAME_WORD = NOT_NAME | frozenset(MONTHS) | frozenset(PRONOUNS) | {"i", "mr", "mrs", "ms", "dr", "sir"}


def _name_words(text: str) -> list[str]:
    """The words of a capitalised run that can be a name: the last run of two or more between common
    words ("Saturn The Cassini" is none), titles in front left out ("Sir Ann Lee" is "Ann Lee")."""
    runs: list[list[str]] = [[]]
    for w in text.split():
        low = w.lower().rstrip(".")
        if (low in _NOT_NAME_WORD and low not in TITLE_ABBREVIATIONS) or is_participle(w):
            runs.append([])
        elif not (low in TITLE_ABBREVIATIONS or low in {"sir", "dame"}) or runs[-1]:
            runs[-1].append(w)
    named = [r for r in runs if len(r) >= 2]
    return named[-1] if named else []


def _speaks(scene: Scene, start: int, end: int) -> bool:
    key = ("speaks", start, end)
    said = scene.memo.get(key)
    if said is None:
        said = scene.memo[key] = speaks_near(scene.body, start, end)
    return said


def _names_between(
    scene: Scene, lo: int, hi: int, pattern: re.Pattern[str] = _NAME, limit: int = MAX_MENTIONS
) -> list[tuple[int, int, str]]:
    """The capitalised runs (or, with _WORD_CAP, words) from `lo` to `hi`, read once a paragraph an article."""
    bounds = scene.memo.get("paragraphs")
    if bounds is None:
        bounds = scene.memo["paragraphs"] = {}
        for sent in scene.sentences:
            a, b = bounds.get(sent.paragraph, (sent.start, sent.end))
            bounds[sent.paragraph] = (min(a, sent.start), max(b, sent.end))
    out: list[tuple[int, int, str]] = []
    first = _paragraph_at(scene.sentences, lo)
    last = _paragraph_at(scene.sentences, hi)
    for p in range(first, last + 1):
        found = scene.memo.get(("names", pattern, p))
        if found is None:
            a, b = bounds.get(p, (0, 0))
            found = scene.memo[("names", pattern, p)] = [
                (m.start(), m.end(), m.group()) for m in pattern.finditer(scene.body, a, b)
            ]
        starts = scene.memo.get(("starts", pattern, p))
        if starts is None:
            starts = scene.memo[("starts", pattern, p)] = [x[0] for x in found]
        i, j = bisect.bisect_left(starts, lo), bisect.bisect_left(starts, hi)
        out.extend(x for x in found[max(i, j - limit) : j] if x[1] <= hi)
    return out[-limit:]


def _without_possessive(name: str) -> str:
    """ "Jane Roe’s" is Jane Roe; "Pistorius" keeps its s."""
    return name[:-2] if name.endswith(("’s", "'s")) else name


def _add_names(scene: Scene, found: dict[str, Candidate], get) -> None:
    """Capitalised names around the quotation the rules read as no one, merged by surname with those known."""
    q = scene.span
    lo, hi = _window(scene)
    surnames = {c.speaker.split()[-1].lower(): c for c in found.values() if c.speaker.split()}
    for at, end, text in _names_between(scene, lo, hi):
        if q.open_at <= at <= q.close_at:
            continue
        ws = _name_words(text)
        if len(ws) < 2:
            continue
        name = _without_possessive(" ".join(ws).strip(",."))
        c = surnames.get(ws[-1].lower().strip(",.")) or found.get(name.lower())
        if c is None:
            c = get(name, None, None, "name")
            if c is None:
                continue
            c.name_only = True
            c.place = is_place(name)
            surnames[ws[-1].lower()] = c
        _named_at(scene, c, at, end)
    # a person named in full before is then named by surname alone ("Hours later, Roe, 56, gave a
    # speech …"): that naming tells where they stand too, though the rules read no verb of it
    people = {k: c for k, c in surnames.items() if _is_person(c) and len(c.speaker.split()) > 1}
    if not people:
        return
    for at, end, text in _names_between(scene, lo, hi, _WORD_CAP, 4 * MAX_MENTIONS):
        if q.open_at <= at <= q.close_at:
            continue
        c = people.get(_without_possessive(text).lower())
        if c is not None:
            _named_at(scene, c, at, end)
