"""From an article's text to its quotes, a story's estimates and the people and bodies behind them.

Pure functions of the text and the publication date: rules over a sentence splitter, no model.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from briefings.extract import candidates as cand
from briefings.extract.claimants import ClaimCandidate, ClaimDecider, ClaimScene, merged
from briefings.extract.claimants import key_of as claim_key
from briefings.extract.dates import resolve_date
from briefings.extract.decide import Decider, default
from briefings.extract.estimates import Rules, article_year, breaks_down_before, counts_in, rules
from briefings.extract.identity import NO_NAME, identity, seat, speaks_for
from briefings.extract.layout import INTERVIEWER, Label, LabelKind, layout
from briefings.extract.lexicon import (
    BODY_WORDS,
    COUNTRIES,
    DOCUMENTS,
    INVERTIBLE,
    MONTHS,
    NUMBER_WORDS,
    PRONOUNS,
    SPEECH_VERBS,
    WEEKDAYS,
)
from briefings.extract.names import (
    DETERMINERS,
    PHRASE_TOKENS,
    VERB_HELPERS,
    Mentions,
    Tok,
    clause_subject,
    clean_phrase,
    country_of,
    is_participle,
    is_role_word,
    opens_clause,
    parse_phrase,
    phrase_after,
    phrase_text,
    split_appositive,
    subject_before,
    tok,
    tokenize,
)
from briefings.extract.text import (
    DOUBLE_MARKS,
    MARK,
    Caseless,
    QuoteSpan,
    Sentence,
    caseless,
    fold,
    paragraphs,
    quote_spans,
    sentences,
    single_quote_spans,
)
from briefings.models import DateBasis, EntityKind, EntityRef, Estimate, Evidence, Extraction, Quote
from briefings.story import DEFAULT_STORY, Story, bundled_stories

MIN_QUOTE_WORDS = 3


@dataclass(frozen=True, slots=True)
class Attribution:
    """A reporting verb in a sentence and who it attributes to."""

    at: int  # character offset of the verb (or of "according to")
    end: int  # end of the attribution phrase
    start: int  # start of the attribution phrase (the subject, when it comes first)
    speaker: str  # as resolved for display
    entity: EntityRef | None
    inverted: bool = False
    source: bool = False  # "according to X", "citing X": where a report comes from, not who speaks in it


@dataclass(frozen=True, slots=True)
class _Voice:
    """Someone the text has just quoted or reported, in paragraph `paragraph`, sentence `sentence`."""

    attribution: Attribution
    paragraph: int
    sentence: int


@dataclass
class _Context:
    body: str
    published: dt.date | None
    outlet: str | None
    mentions: Mentions
    quotes: list[tuple[QuoteSpan, Quote]]  # in the order of the text
    attributions: dict[int, list[Attribution]] = field(default_factory=dict)
    quote_opens: list[int] = field(default_factory=list)  # where each of `quotes` opens, for bisect
    voices: list[_Voice] = field(default_factory=list)  # who spoke, quoted or reported, in order
    labels: list[Label] = field(default_factory=list)  # the layout's speaker labels not yet reached
    turn: Attribution | None = None  # the transcript's speaker at this point
    interviewee: Attribution | None = None  # the last one answering in a transcript
    quote_labels: dict[int, Attribution] = field(default_factory=dict)  # label end → who the quotation after it is from
    report: tuple[int, Attribution] | None = None  # a paragraph's report going on: (paragraph, who reports it)
    documents: dict[str, tuple[str, EntityRef | None]] = field(default_factory=dict)  # "report" → who issued it
    tokens: dict[int, list[Tok]] = field(default_factory=dict)  # each sentence's tokens, by its start, once read
    words: tuple[int, set[str]] = (-1, set())  # the current sentence's words (its start, the words)
    titles: list[QuoteSpan] = field(default_factory=list)  # names in quotation marks: the “I Want to Live” project
    decide: Decider | None = None  # who said a quotation, among the candidates the rules gather
    candidates_memo: dict = field(default_factory=dict)  # what the quotations' candidates share (candidates.py)
    weigh_all: bool = False  # ask `decide` about settled quotations too (training records every one)
    claims: ClaimDecider | None = None  # who claims a count, among the candidates (None: the rules alone)
    last_claim: tuple[int, str, EntityRef | None] | None = None  # the count before: its sentence's start, claimant
    headlines: set[int] = field(default_factory=set)  # the headline's paragraphs

    def add_voice(self, voice: _Voice) -> None:
        if voice.attribution.speaker and voice.attribution.speaker.lower() not in PRONOUNS:
            self.voices.append(voice)

    def add_quote(self, span: QuoteSpan, quote: Quote) -> None:
        self.quotes.append((span, quote))
        self.quote_opens.append(span.open_at)

    def quote_around(self, at: int) -> Quote | None:
        """The attributed quote whose marks enclose offset `at`."""
        k = bisect.bisect_left(self.quote_opens, at) - 1
        if k >= 0:
            span, quote = self.quotes[k]
            if span.open_at < at < span.close_at and quote.speaker:
                return quote
        return None


@functools.cache
def default_story() -> Story:
    """The bundled default story, read once, when first needed."""
    return bundled_stories()[DEFAULT_STORY]


_FIGURE_VERBS = frozenset(
    """put puts raised raises lowered lowers revised revises updated updates increased cut cuts
    gave gives give released releases issued issues published publishes offered offers""".split()
)
_REPORTING_WORDS = SPEECH_VERBS | {"according", "citing", "quoting", "per"} | _FIGURE_VERBS
_FIGURE_WORDS = frozenset(
    "number figure figures toll total estimate estimates count tally strength turnout crowd attendance".split()
)
_WORDS = re.compile(r"[a-z]+")


def extract(
    body: str,
    published: dt.date | None = None,
    outlet: str | None = None,
    story: Story | None = None,
    *,
    decide: Decider | None = None,
    weigh_all: bool = False,
    claims: ClaimDecider | None = None,
) -> Extraction:
    """Every quote and estimate in an article body, with evidence and resolved speakers. The estimates
    are the counts of `story` (None: the default story); quotes do not depend on it. `decide` chooses
    each quotation's speaker among its candidates (default: the packaged attribution model); a
    quotation a verb right beside it gives to someone named in full is settled without it, unless
    `weigh_all`. `claims`, when given, chooses each count's claimant among the candidates the rules
    gather (claimants.py); without it the rules' choice stands."""
    story = story if story is not None else default_story()
    year = article_year(body, published.year if published is not None else None)
    story_rules = rules(story)
    lay = layout(body)
    body = lay.text  # the speaker labels blanked out: the sentence rules read the text they label
    sents = sentences(body)
    marked = quote_spans(body)
    marked = sorted([*marked, *single_quote_spans(body, marked)], key=lambda q: q.open_at)
    titled = [_is_title(body, q) for q in marked]
    spans = [q for q, title in zip(marked, titled, strict=True) if not title]
    ctx = _Context(body, published, outlet, Mentions(body), [], labels=list(reversed(lay.labels)))
    ctx.decide = decide or default()
    ctx.weigh_all = weigh_all
    ctx.claims = claims
    ctx.titles = [q for q, title in zip(marked, titled, strict=True) if title]
    _register_acronyms(ctx, sents)
    _register_names(ctx, sents, spans)
    headline_paras = ctx.headlines = _headline_paragraphs(body)
    embeds = _embedded_posts(body, published)
    estimates: list[tuple[bool, Estimate]] = []
    pending_runon: list[int] = []
    opens = [q.start for q in spans]  # a quotation run on without a mark opens its paragraph
    for index, sent in enumerate(sents):
        _reach_labels(ctx, sent, index)
        _register_subjects(ctx, sent, spans)
        _register_documents(ctx, sent)  # first: "released a report …, and the report said" in one sentence
        attrs = _attributions(ctx, sent, spans)
        for q in spans[bisect.bisect_left(opens, sent.start) : bisect.bisect_left(opens, sent.end)]:
            quote = _attribute_quote(ctx, q, index, sents, attrs, spans)
            if quote is not None and q.cut and not quote.speaker:
                quote = None  # an excerpt cut off inside a quotation: kept only when someone said it
            if quote is not None:
                ctx.add_quote(q, quote)
                if quote.speaker:
                    said = Attribution(q.open_at, q.open_at, q.open_at, quote.speaker, quote.entity)
                    ctx.add_voice(_Voice(said, sent.paragraph, index))
                if not q.closed:
                    pending_runon.append(len(ctx.quotes) - 1)
                elif pending_runon and quote.speaker:
                    for i in pending_runon:
                        qs, old = ctx.quotes[i]
                        if old.speaker is None:
                            ctx.quotes[i] = (
                                qs,
                                old.model_copy(update={"speaker": quote.speaker, "entity": quote.entity}),
                            )
                    pending_runon = []
        for a in attrs:
            if not _passed_on(ctx.body, a, attrs):
                ctx.add_voice(_Voice(a, sent.paragraph, index))
        headline = sent.paragraph in headline_paras
        prev = sents[index - 1] if index > 0 and sents[index - 1].paragraph == sent.paragraph else None
        last = estimates[-1][2] if estimates and estimates[-1][1] == index - 1 else None  # the sentence before's
        for est in _estimates_in(ctx, sent, spans, attrs, embeds.get(sent.paragraph), prev, story_rules, year, last):
            estimates.append((headline, index, est))
        _source_named_after(ctx, sent, index, attrs, estimates)
        counted = {e.claimant for _, i, e in estimates[-8:] if i == index}
        _keep_report(ctx, sent, attrs, spans, counted)
    quotes = _dedupe_quotes([q for _, q in ctx.quotes])
    found = _dedupe_estimates(estimates, outlet or "the article", story.status_by == "nearest")
    named = _entities(ctx.mentions)
    quotes, found, named = _named_after_description(body, quotes, found, named)
    quotes, found = _dated_by_remarks(ctx, quotes, found)
    return Extraction(quotes=quotes, estimates=_one_claimant(found), entities=named)


def _keep_report(
    ctx: _Context, sent: Sentence, attrs: list[Attribution], spans: list[QuoteSpan], counted: set[str]
) -> None:
    """A paragraph that reports someone ("X said that 8,000 troops were training.") goes on reporting
    them in the sentences after it that name no one ("The first 2,400 will move in March."); a
    quotation ends that: what follows a quoted remark is the writer's own. A source heading the
    paragraph ("According to X, …") goes on only when its sentence gave it one of the story's counts
    (`counted`: the claimants of the sentence's counts): a source of rainfall is no source of the toll."""
    k = bisect.bisect_left(spans, sent.start, key=_open_at)
    quoted = k < len(spans) and spans[k].open_at < sent.end
    if quoted or (ctx.report is not None and ctx.report[0] != sent.paragraph):
        ctx.report = None
    # a report that leads its sentence ("X said that …"), not one that closes it ("…, X announced.")
    leading = [
        a
        for a in attrs
        if a.speaker
        and a.speaker.lower() not in PRONOUNS
        and (
            (not a.inverted and _REPORT_VERB.match(ctx.body, a.at))
            # "According to the agency, A suffered 42 deaths. B had 11.": a source heading the paragraph
            or (
                a.source
                and a.speaker in counted
                and _ACCORDING.match(ctx.body, a.at)
                and not ctx.body[sent.start : a.at].strip()
            )
        )
        and sent.end - a.end > 40
    ]
    if leading and not quoted:
        ctx.report = (sent.paragraph, leading[-1])


_ACCORDING = re.compile(r"(?i:according)\s+to\b")
_REPORT_VERB = re.compile(
    r"(?:said|says|told|tells|reported|reports|stated|states|estimated|estimates|believes|believed|assessed|assesses|"
    r"claimed|claims|announced|announces|confirmed|confirms|added|adds|noted|notes|warned|warns|revealed|explained)\b"
)


_SOURCE_AFTER = re.compile(
    r"\W*(?:That|This|Those|These|The\s+(?:figures?|numbers?|estimates?|tally|count))\s*(?:is|was|are|were|’s|'s)\s+"
    r"(?:according\s+to|based\s+on|from)\b"
)
_FIGURE_SOURCE = re.compile(
    r"\W*The\s+(?:new\s+|latest\s+|revised\s+|updated\s+)?(?:estimates?|figures?|numbers?|assessment|tally|count|toll)\b"
    r"[^.;]{0,80}?\b(?:by|from)\s+(?P<who>[^,.;]{3,80}?)(?=,|\s+(?:comes?|came|is|was|shows?|showed|follows?|followed|matches)\b)"
)


def _source_named_after(
    ctx: _Context, sent: Sentence, index: int, attrs: list[Attribution], estimates: list[tuple[bool, int, Estimate]]
) -> None:
    """A sentence that names the source of the one before: "That is according to the ministry.",
    "The new estimate, shared with the paper by the ministry, …". The claims of the sentence before that
    only the outlet or an unnamed description stood for are that source's."""
    source: Attribution | None = None
    if _SOURCE_AFTER.match(sent.text):
        source = next((a for a in attrs if a.source), None)
    else:
        figure = _FIGURE_SOURCE.match(sent.text)
        if figure:
            at = sent.start + figure.start("who")
            speaker, entity = _resolve(ctx, figure.group("who"), at)
            source = Attribution(at, at, at, speaker, entity)
    if source is None or not source.speaker:
        return
    default = ctx.outlet or "the article"
    unnamed: set[str] = set()
    # the sentence before's, read from the end back (both lists are in the order of the text)
    for k in range(len(estimates) - 1, -1, -1):
        headline, i, e = estimates[k]
        if i < index - 1:
            break
        if i == index - 1 and (e.claimant == default or (e.entity is not None and not _named(e.entity))):
            if e.claimant != default:
                unnamed.add(e.claimant)
            estimates[k] = (headline, i, e.model_copy(update={"claimant": source.speaker, "entity": source.entity}))
    for k in range(len(ctx.quotes) - 1, -1, -1):  # the description's quotes in the sentence before, too
        span, q = ctx.quotes[k]
        if q.evidence.start < sent.start - 600:
            break
        if q.speaker in unnamed and q.evidence.start < sent.start:
            ctx.quotes[k] = (span, q.model_copy(update={"speaker": source.speaker, "entity": source.entity}))


# ------------------------------------------------------------------------------ names


_TITLES = (
    r"spokes(?:person|man|woman)|minister|president|secretary|adviser|advisor|official|chief|director|leader|"
    r"envoy|ambassador|commander|general|premier|chancellor|senator|governor|colonel|analyst|negotiator"
)
_TITLE_ABBREVIATIONS = r"Rep|Sen|Gen|Lt|Mr|Ms|Mrs|Dr"
# a title ("spokesperson ", any case) or an abbreviated one ("Gen. ", in capitals): the two kinds are
# looked for apart (the first as a Caseless twin), their matches taken as one alternation's would be
_TITLE_WORD = Caseless(rf"\b(?:{_TITLES})\s+")
_ABBREVIATED_TITLE = re.compile(rf"\b(?:{_TITLE_ABBREVIATIONS})\.?\s+")
_TITLE_ABBREVIATION_HINT = re.compile(_TITLE_ABBREVIATIONS)  # quick: opens with a letter, no \b
# after the title: up to four words of department ("of State", "for Foreign Affairs"), then a name
_NAME_AFTER_TITLE = re.compile(
    r"(?:(?:of|for|and|to|the)\s+|[A-Z][\w’'ʹ.\-]*\s+){0,5}?"
    r"[A-Z][a-z]+(?:[\-][A-Za-z]+)?(?:\s+[A-Z][a-z]+(?:[\-][a-z]+)?){1,2}\b(?!\s+[A-Z])"
)
_CAP_WORD_BEFORE = re.compile(r"(?:[A-Z][\w’'ʹ.\-]*\s+){1,6}$")


def _title_words(text: str) -> Iterator[re.Match[str]]:
    """The matches of `_TITLE_WORD|_ABBREVIATED_TITLE` in the text, left to right, as finditer of the
    alternation gives them: the leftmost, the first kind on a tie, the next looked for after its end.
    (A match of the first kind is of the caseless text: its offsets are the text's.)"""
    low = caseless(text)
    pos = 0
    # the next match of each kind at or after `pos` (a match at a given offset does not depend on where
    # the search began), or None once a kind has no more
    word = _TITLE_WORD.twin.search(low)
    short = _ABBREVIATED_TITLE.search(text) if _TITLE_ABBREVIATION_HINT.search(text) else None
    while word is not None or short is not None:
        if word is not None and word.start() < pos:
            word = _TITLE_WORD.twin.search(low, pos)
        if short is not None and short.start() < pos:
            short = _ABBREVIATED_TITLE.search(text, pos)
        if word is None and short is None:
            return
        m = word if short is None or (word is not None and word.start() <= short.start()) else short
        yield m
        pos = m.end()


def _titled_names(text: str) -> list[tuple[int, str]]:
    """ "National Security Council spokesperson John Kirby": a title, the words before it, a name."""
    out: list[tuple[int, str]] = []
    for t in _title_words(text):
        m = _NAME_AFTER_TITLE.match(text, t.end())
        if m is None:
            continue
        title = _title_start(text, t.start())
        before = _CAP_WORD_BEFORE.search(text, max(0, title - 80), title)
        start = before.start() if before else title
        out.append((start, text[start : m.end()]))
    return out


_TITLE_MODIFIERS = frozenset({"press", "communications"})  # "deputy press secretary"
_TITLE_PART_BEFORE = re.compile(r"([\w’'ʹ.]+)([\s-])$")


def _title_start(text: str, at: int) -> int:
    """Where a title ending in the word at `at` begins: a title is read whole, its lowercase words and
    hyphenated parts too ("secretary general", "deputy press secretary", "Secretary-General")."""
    for _ in range(4):
        m = _TITLE_PART_BEFORE.search(text, max(0, at - 40), at)
        if m is None:
            break
        word, joint = m.groups()
        if not (is_role_word(word) or word.lower() in _TITLE_MODIFIERS or (joint == "-" and word[:1].isalpha())):
            break
        at = m.start()
    return at


_APPOSITIVE_AFTER = re.compile(
    r"\b([A-Z][a-z]+(?:[\- ][A-Z][a-z]+(?:-[a-z]+)?){0,2}), ((?:the|a|an) [^,.;“”\"]{3,90}?)(?=,|\s+(?:who|said|told)\b)"
)
_PLACE_BEFORE = re.compile(r"\b(?:in|at|near|across|outside|inside|around|throughout|into)\s+$")
_APPOSITIVE_BEFORE = re.compile(
    r"\b((?:The|the) [^,.;“”\"]{3,60}?), ((?:\d{1,3}-year-old\s+)?(?:[a-z]+\s+){0,2}"
    r"[A-Z][a-z]+(?: [A-Z][a-z]+(?:-[a-z]+)?){0,2}),"
)
# "a 26-year-old sniper identified only by his surname Ri", "the commander, who goes by the codename "Puls"",
# "21-year-old Paek": people news names by a part of their name, an age or a code name
_PARTLY_NAMED = re.compile(
    r"(?P<desc>\b(?:(?:[Aa]n?|[Tt]he|[Oo]ne|[Aa]nother)\s+)?(?:\d{1,3}-year-old\s+)?(?:[a-z][a-z\-]+\s+){0,3}?"
    r"[a-z][a-z\-]+)?\s*,?\s*(?:who\s+)?(?:(?:was\s+)?identified\s+(?:only\s+)?(?:by\s+(?:his|her|their)\s+(?:sur|last\s+|first\s+|family\s+)?"
    r"name|as)|(?:goes|went)\s+by\s+the\s+(?:code\s?name|nickname|call\s?sign|name)|"
    r"(?:gave|gives|used|uses)\s+(?:only\s+)?(?:his|her|their)\s+(?:code\s?name|nickname|call\s?sign|first\s+name|surname|name)|"
    r"surnamed|named|codenamed|nicknamed)"
    r"\s+[\"“]?(?P<name>[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2})[\"”]?"
    r"|(?P<age>\b\d{1,3}-year-old\s+(?:former\s+)?(?:[a-z][a-z\-]+\s+){0,3}?)(?P<aged>[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2})\b"
)


_NAMED_HINT = re.compile(r"\b(?:identified|goes|went|gave|gives|used|uses|surnamed|named|codenamed|nicknamed)\b")


def _register_names(ctx: _Context, sents: list[Sentence], spans: list[QuoteSpan]) -> None:
    """Named people with their titles, in order, for resolving "Kirby", "he" and roles later."""
    for sent in sents:
        text = sent.text
        for offset, phrase in _titled_names(text):
            at = sent.start + offset
            if _inside_quote(at, spans):
                continue
            ref = parse_phrase(phrase)
            if ref is not None and ref.kind is EntityKind.person and len(ref.name.split()) >= 2:
                ctx.mentions.add(ref, at, phrase, _opens(text, offset))
        if ", " not in text and "year-old" not in text and not _NAMED_HINT.search(text):
            continue  # no appositive, no age, no "identified as": nothing more to register
        # appositives: "Jeon Ha-kyou, a spokesperson for Seoul’s defence ministry,", "Kim, a 32-year-old defector"
        for m in _APPOSITIVE_AFTER.finditer(text):
            at = sent.start + m.start()
            if _inside_quote(at, spans) or (len(m.group(1).split()) == 1 and not _describes_person(m.group(2))):
                continue
            if _PLACE_BEFORE.search(text, max(0, m.start() - 12), m.start()):
                continue  # "40 people died in Alder, the county sheriff said": a place, then the speaker
            ref = split_appositive(f"{m.group(1)}, {m.group(2)}")
            if ref is not None and ref.kind is EntityKind.person and ref.role:
                ctx.mentions.add(ref, at, m.group(), _opens(text, m.start()))
        for m in _APPOSITIVE_BEFORE.finditer(text):
            at = sent.start + m.start()
            described = parse_phrase(m.group(1))
            if described is None or described.kind is not EntityKind.person:
                continue  # "to the United Nations, Vassily Nebenzia": a body ends a longer phrase, not a role
            ref = split_appositive(f"{m.group(1)}, {m.group(2)}")
            if ref is not None and ref.kind is EntityKind.person and ref.role and not _inside_quote(at, spans):
                ctx.mentions.add(ref, at, m.group(), _opens(text, m.start()))
        if "year-old" not in text and not _NAMED_HINT.search(text):
            continue
        for m in _PARTLY_NAMED.finditer(text):
            at = sent.start + m.start()
            name = m.group("name") or m.group("aged")
            if _inside_quote(at, spans) or not _is_person_name(name):
                continue
            desc = clean_phrase(m.group("desc") or m.group("age") or "")
            ctx.mentions.add(
                EntityRef(name=name, kind=EntityKind.person, role=desc or None, affiliation=country_of(desc)),
                at,
                m.group(),
                _opens(text, m.start()),
            )


_LEAD_IN = re.compile(
    r"\W*(?:(?:[A-Z][a-z]+\s+){0,2}(?:On|In|At|Last|Earlier|Later|Meanwhile|But|And|However|Separately|During|After)"
    r"\b[^,]{0,50},\s*)?(?:[Tt]he\s+|[Aa]n?\s+)?"
)


# a name and the lowercase word after it (its verb), where a sentence or a clause after "but" opens:
# "Roe questioned the ruling.", "…, but Chief Moss disagreed."
_SUBJECT_NAME = re.compile(r"((?:[A-Z][a-z]+\.?\s+)?[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){0,2})\s+(?=[a-z])")
_ROLE_BEFORE_NAME = re.compile(r"[Tt]he\s+((?:[a-z-]+\s+){1,3})(?=[A-Z])")
_CLAUSE_OPENS = re.compile(r"[,;]\s+(?:but|and|while|whereas)\s+")


def _register_subjects(ctx: _Context, sent: Sentence, spans: list[QuoteSpan]) -> None:
    """The person a sentence or its clause after "but" is about, named by name ("Roe questioned the
    ruling"): whom a "he said" after it continues, as a speaker would be."""
    text = sent.text
    lead = _LEAD_IN.match(text)
    starts = [lead.end() if lead else 0]
    if "," in text or ";" in text:
        starts += [m.end() for m in _CLAUSE_OPENS.finditer(text)]
    for start in starts:
        role = _ROLE_BEFORE_NAME.match(text, start)
        if role is not None and any(is_role_word(w) for w in role.group(1).split()):
            start = role.end()  # "…, but the prime minister Edouard Philippe defended …"
        m = _SUBJECT_NAME.match(text, start)
        at = sent.start + start
        if m is None or _inside_quote(at, spans):
            continue
        if is_participle(m.group(1).split()[0]):
            continue  # "Addressing Roe as though she were there, the judge …": a clause, not a name
        ref = ctx.mentions.resolve(m.group(1), at)
        if ref is not None and ref.kind is EntityKind.person and len(ref.name.split()) >= 2:
            ctx.mentions.add(ref, at, m.group(1), subject=True)


def _opens(text: str, offset: int) -> bool:
    """Does the mention at `offset` open its sentence (after a lead-in such as "On Monday,"): its subject."""
    return _LEAD_IN.fullmatch(text, 0, offset) is not None


def _describes_person(desc: str) -> bool:
    ref = parse_phrase(desc)
    return ref is not None and ref.kind is EntityKind.person


def _is_person_name(name: str) -> bool:
    ref = parse_phrase(name)
    return ref is not None and ref.kind is EntityKind.person and ref.name == name


_ACRONYM = re.compile(r"\s\(([A-Z]{2,6})\)")
_NAME_WORD = re.compile(r"[A-Z][\w’']+|of|and|for|the")


def _register_acronyms(ctx: _Context, sents: list[Sentence]) -> None:
    """ "the National Intelligence Service (NIS)": later "NIS" names the same body."""
    for sent in sents:
        for m in _ACRONYM.finditer(sent.text):
            letters = m.group(1)
            # the words just before the bracket (a name is a few of them), back to the first that cannot be in it
            window = sent.text[max(0, m.start() - 160) : m.start()]
            words: list[re.Match[str]] = []
            for w in reversed(list(re.finditer(r"\S+", window))):
                if not _NAME_WORD.fullmatch(w.group()) or (words and words[0].start() - w.end() != 1):
                    break
                words.insert(0, w)
            # the name is the run of words whose initials spell the acronym
            for k in range(len(words)):
                if words[k].group() in {"of", "and", "for"}:
                    continue  # a name starts with its own word, not with the "of" that joins it to another
                name = " ".join(w.group() for w in words[k:])
                initials = "".join(w.group()[0] for w in words[k:] if w.group()[0].isupper())
                if initials == letters:
                    ref = parse_phrase(name)
                    if ref is not None:
                        ref = ref.model_copy(update={"name": name, "aliases": (letters,)})
                        ctx.mentions.acronyms[letters] = ref
                        at = sent.start + max(0, m.start() - 160) + words[0].start()
                        ctx.mentions.add(ref, at, name)
                    break


_SINGLE_MARKS = frozenset("‘’")


def _outside(toks: list[Tok], spans: list[QuoteSpan]) -> list[Tok]:
    """The tokens outside the quotations (both in order: one walk along each)."""
    out: list[Tok] = []
    k = 0
    for t in toks:
        while k < len(spans) and spans[k].close_at <= t.start:
            k += 1
        if k < len(spans) and spans[k].open_at < t.start < spans[k].close_at:
            continue
        if t.text in _SINGLE_MARKS and any(t.start in (q.open_at, q.close_at) for q in spans[max(0, k - 1) : k + 1]):
            continue  # a single mark is no word of the sentence ("‘…,’ the minister says")
        out.append(t)
    return out


def _spans_over(spans: list[QuoteSpan], start: int, end: int) -> list[QuoteSpan]:
    """The quotations reaching into text[start:end] (spans are in order and do not overlap)."""
    first = max(0, bisect.bisect_left(spans, start, key=_open_at) - 1)
    last = bisect.bisect_left(spans, end, key=_open_at)
    return [q for q in spans[first:last] if q.open_at < end and q.close_at > start]


def _inside_quote(at: int, spans: list[QuoteSpan]) -> bool:
    if len(spans) <= 8:
        return any(q.open_at < at < q.close_at for q in spans)
    k = bisect.bisect_left(spans, at, key=_open_at) - 1  # spans are in order and do not overlap
    return k >= 0 and spans[k].open_at < at < spans[k].close_at


def _open_at(q: QuoteSpan) -> int:
    return q.open_at


def _reach_labels(ctx: _Context, sent: Sentence, index: int) -> None:
    """The layout's labels up to this sentence: who speaks in a transcript turn, or in the quotation
    after a "Quote from X:" or sound-bite label."""
    while ctx.labels and ctx.labels[-1].at < sent.end:
        label = ctx.labels.pop()
        if label.who == INTERVIEWER:
            said = Attribution(label.at, label.end, label.at, INTERVIEWER, None)
        elif not label.who:  # "A:": the one answering: the last to answer, else the one the article is about
            said = ctx.interviewee
            person = ctx.mentions.resolve("he", label.at) if said is None else None
            if person is not None:
                said = Attribution(label.at, label.end, label.at, person.name, person)
        else:
            speaker, entity = _resolve(ctx, label.who, label.at)
            said = Attribution(label.at, label.end, label.at, speaker, entity)
        if said is None:
            ctx.turn = None if label.kind is LabelKind.turn else ctx.turn
            continue
        if label.kind is LabelKind.turn:
            ctx.turn = said
            if said.speaker != INTERVIEWER:
                ctx.interviewee = said
            ctx.add_voice(_Voice(said, sent.paragraph, index))
        else:
            ctx.quote_labels[label.end] = said


_FIRST_PERSON = frozenset({"i", "we"})
_PRONOUN_PHRASE = re.compile(r"(?i)he|she|it|they|(?:his|her|its|their) .+")
_DOCUMENT_WORDS = "|".join(sorted(DOCUMENTS, key=len, reverse=True))
_DOCUMENT_PHRASE = rf"(?:(?:new|latest|same|full|leaked|classified|recent)\s+)?(?P<doc>{_DOCUMENT_WORDS})"
_THE_DOCUMENT = re.compile(rf"(?i:the|this|that|its|their|his|her)\s+{_DOCUMENT_PHRASE}")
_A_DOCUMENT = re.compile(_DOCUMENT_PHRASE, re.I)
_DEFINITE_BEFORE = re.compile(r"\b(?:the|this|that|its|their)\s+$", re.I)
# "the ministry released a report", "a video shared by the army", "the ministry's assessment"
_ISSUED = re.compile(
    r"\b(?:released|published|issued|shared|posted|put out|presented|submitted|circulated|made public)\s+"
    rf"(?:(?:a|an|the|its|their|his|her|new|latest|\w+-\w+|\w+)\s+){{0,3}}?(?P<doc>{_DOCUMENT_WORDS})\b",
    re.I,
)
_ISSUED_BY = re.compile(
    rf"\b(?P<doc>{_DOCUMENT_WORDS})\s+(?:(?:released|published|issued|shared|posted|circulated|put out)\s+)?"
    rf"(?:(?:{'|'.join(WEEKDAYS)}|on\s+\w+)\s+)?(?:by|from)\s+",  # "a statement Tuesday from the office"
    re.I,
)
# "the office acknowledged in a statement", "Roe said in a written statement": who issued it, the verb's subject
_IN_DOCUMENT = re.compile(
    r"\b(?P<verb>said|says|\w+ed)\s+(?:\w+\s+){0,2}?in\s+(?:a|an|its|their|his|her)\s+"
    rf"(?:(?:written|joint|brief|short|new|separate)\s+)?(?P<doc>{_DOCUMENT_WORDS})\b",
    re.I,
)


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and word[:-1] in DOCUMENTS else word


def _tokens_of(ctx: _Context, sent: Sentence) -> list[Tok]:
    """A sentence's tokens, read once for the rules that need them (the last sentence's only: nothing piles up)."""
    if sent.start not in ctx.tokens:
        ctx.tokens = {sent.start: tokenize(sent.text, sent.start)}
    return ctx.tokens[sent.start]


def _register_documents(ctx: _Context, sent: Sentence) -> None:
    """Who issued the reports, statements and videos a sentence tells of, for "the report said" later."""
    text = sent.text
    if not DOCUMENTS.intersection(_words_of(ctx, sent)):
        return
    found = [(m, "issued") for m in _ISSUED.finditer(text)] + [(m, "by") for m in _ISSUED_BY.finditer(text)]
    found += [(m, "in") for m in _IN_DOCUMENT.finditer(text)]
    if not found:
        return
    found.sort(key=lambda f: f[0].start())  # the last one told of is the one "the statement" means
    toks = _tokens_of(ctx, sent)
    starts = [t.start for t in toks]
    for m, how in found:
        if how in ("issued", "in"):  # the subject of "released", of "said in a statement"
            verb = bisect.bisect_left(starts, sent.start + m.start())
            phrase = subject_before(toks, verb) if verb < len(toks) else None
        else:  # the phrase after "by"
            phrase = phrase_after(toks, bisect.bisect_left(starts, sent.start + m.end()))
        if phrase:
            who = phrase_text(text, phrase, sent.start)
            at = min(p.start for p in phrase if p.start >= 0)
            speaker, entity = _resolve(ctx, who, at)
            if speaker:
                doc = _singular(caseless(m.group("doc")))
                ctx.documents[doc] = ctx.documents[""] = (speaker, entity)


def _resolve(ctx: _Context, phrase: str, at: int) -> tuple[str, EntityRef | None]:
    if ctx.turn is not None and phrase.strip().lower() in _FIRST_PERSON:
        return ctx.turn.speaker, ctx.turn.entity  # "We believe …" in a transcript: the one speaking
    document = _THE_DOCUMENT.fullmatch(phrase.strip())
    if (
        document is None
        and _A_DOCUMENT.fullmatch(phrase.strip())
        and _DEFINITE_BEFORE.search(ctx.body, max(0, at - 8), at)
    ):
        document = _A_DOCUMENT.fullmatch(phrase.strip())  # "The report said", its article left out of the phrase
    if document:  # "the report said": whoever issued the report the article told of
        issuer = ctx.documents.get(_singular(caseless(document.group("doc")))) or ctx.documents.get("")
        return issuer if issuer is not None else ("", None)
    entity = ctx.mentions.resolve(phrase, at)
    if entity is None:
        return phrase.strip(), None
    if _PRONOUN_PHRASE.fullmatch(phrase.strip()):
        ctx.mentions.touch(entity, at, phrase)  # a pronoun keeps its antecedent current
    else:
        entity = ctx.mentions.add(entity, at, phrase, subject=True)
    return entity.name, entity


# ------------------------------------------------------------------------ attribution


def _attributions(ctx: _Context, sent: Sentence, spans: list[QuoteSpan]) -> list[Attribution]:
    """Reporting verbs outside quotations, with their resolved subjects, left to right."""
    cached = ctx.attributions.get(sent.start)
    if cached is not None:
        return cached
    words = _words_of(ctx, sent)
    if not _REPORTING_WORDS.intersection(words) and not (
        "in" in words and (DOCUMENTS.intersection(words) or _TALLY_WORDS.intersection(words))
    ):
        ctx.attributions[sent.start] = []
        return []
    local = _spans_over(spans, sent.start, sent.end)
    toks = _tokens_of(ctx, sent)
    if local:
        # the words inside quotation marks are the quote's, not the sentence's; the marks around a word
        # or two ("the codename “Wolf”") are no quotation at all and go with it
        marks = {m for q in local if _too_short(ctx.body, q) for m in (q.open_at, q.close_at)}
        toks = [t for t in _outside(toks, local) if t.start not in marks]
    # a title in quotation marks (the “I Want to Live” project) is one capitalised word of the sentence
    titles = ctx.titles[  # in the order of the text, as the sentences are
        bisect.bisect_left(ctx.titles, sent.start, key=_open_at) : bisect.bisect_left(
            ctx.titles, sent.end, key=_open_at
        )
    ]
    if titles:
        toks = _titles_as_words(ctx.body, toks, titles)
    if MARK.search(sent.text):
        quoting = {m for q in local for m in (q.open_at, q.close_at)}
        toks = [t for t in toks if t.text not in _MARK_TOKENS or t.start in quoting]
    out: list[Attribution] = []
    for i in [k for k, t in enumerate(toks) if t.low in _VERB_CANDIDATES]:  # the words that can report
        t = toks[i]
        low = t.low
        phrase: list[Tok] | None = None
        inverted = False
        source = False
        if low in _CLAIMING and any(x.low in {"lives", "life"} for x in toks[i + 1 : i + 6]):
            continue  # "the floods have claimed 39 lives": a toll taken, not a claim made
        if low == "according" and i + 1 < len(toks) and toks[i + 1].low == "to":
            # "according to a bulletin issued by X", "according to figures from X": the issuer, not the paper
            phrase = phrase_after(toks, _in_document_by(toks, i + 1) or i + 2)
            inverted = source = True
        elif low == "per":
            # "Per the health department, 95 people have died": "according to", opening its clause
            if not _PER_SOURCE.match(sent.text, t.start - sent.start):
                continue
            if i > 0 and toks[i - 1].text not in {",", "—", "("}:
                continue
            phrase = phrase_after(toks, i + 1)
            inverted = source = True
        elif low in {"citing", "quoting"}:
            phrase = phrase_after(toks, _in_document_by(toks, i) or i + 1)
            inverted = source = True
        elif low == "in" and _in_document_by(toks, i):
            phrase = phrase_after(toks, _in_document_by(toks, i))  # "In a report published by X, …"
            inverted = source = True
        elif low in _SAYING and i >= 2 and toks[i - 1].low == "as" and toks[i - 2].low in {"quoted", "cited"}:
            # "X was quoted as saying": the subject stands before the passive
            phrase = subject_before(toks, _before_passive(toks, i - 2))
        elif low in _SAYING and i >= 2 and toks[i - 1].low == "as":
            phrase = _quoted_object(toks, i - 1)  # "KCNA quoted the commission as saying": the commission
        elif low in _SAYING and i >= 2 and toks[i - 1].low == "heard":
            passive = _before_passive(toks, i - 1)  # "a soldier was heard shouting"
            phrase = subject_before(toks, passive)
            if phrase is None and passive > 0 and toks[passive - 1].low == "and":
                phrase = clause_subject(toks, passive - 1)  # "X suffers injuries and was heard saying"
        elif low in _FIGURE_VERBS and any(x.low in _FIGURE_WORDS for x in toks[i + 1 : i + 5]):
            phrase = subject_before(toks, i)  # "the ministry put the number at 7,000", "raised its estimate to"
        elif low in SPEECH_VERBS and not t.cap and i + 2 < len(toks) and toks[i + 1].low == "by":
            # "it was announced by the ministry that …", "estimates reported by the paper": the agent
            phrase = phrase_after(toks, i + 2)
            inverted = True
        elif low in SPEECH_VERBS and not t.cap and low.endswith("ed") and _document_object(toks, i):
            continue  # "in a written statement posted on Monday": the document's description, not a verb of its own
        elif low in SPEECH_VERBS and not t.cap:
            # a participle's subject is its clause's ("published a video in Korean calling for …"),
            # unless it has one of its own ("with officials saying …")
            participle = low.endswith("ing") and not any(x.low == "with" for x in toks[max(0, i - 6) : i])
            phrase = None if participle else subject_before(toks, i)
            if phrase is None and i > 0 and toks[i - 1].text == ",":
                phrase = _relative_subject(toks, i - 1)  # "Jane Roe, 26, who has worked there for years, told"
            told = low in {"told", "tells"} and toks[i - 1].text == ","  # "…, told CNN": CNN is spoken to
            if phrase is None and low in INVERTIBLE and not told and i > 0 and toks[i - 1].text in {",", "”", '"'}:
                phrase = phrase_after(toks, i + 1)
                if phrase and (opens_clause(toks, phrase) or (toks[i - 1].text == "," and not _names_one(phrase))):
                    # "Tom Hale, the victim's father, said the grief “…”": a bare comma before "said" closes
                    # an aside, and the common noun after it opens what was said, not who said it
                    phrase = None
                inverted = bool(phrase)
            coordinated = i > 0 and toks[i - 1].low in {"and", "but", "also"}
            if phrase is None and coordinated:
                phrase = _coordinated_subject(toks, i - 1)  # "that Kim hosted the families and expressed …"
            if phrase is None and out and (low.endswith("ing") or coordinated):
                prev = out[-1]
                # "X said …, but the chief disagreed, adding …": a clause of its own since X's verb has
                # its own subject, who is the one adding
                own = _clause_since(toks, i - 1, prev.at) if low.endswith("ing") else None
                if own is None:
                    out.append(Attribution(t.start, t.end, t.start, prev.speaker, prev.entity))
                    continue
                phrase = own
            if phrase is None and low.endswith("ing") and i > 0:
                # "Lind declined to comment, saying …", "Kim met the families, promising them …"
                phrase = clause_subject(toks, i - 1)
        if phrase:
            text = phrase_text(sent.text, phrase, sent.start)
            start = min(p.start for p in phrase if p.start >= 0)
            speaker, entity = _resolve(ctx, text, start)
            if speaker and not _is_time_phrase(text):  # "Mrs May" is someone, "May 3" a day
                end = max(p.end for p in phrase if p.start >= 0)
                out.append(
                    Attribution(t.start, max(end, t.end), min(start, t.start), speaker, entity, inverted, source)
                )
    ctx.attributions[sent.start] = out
    return out


_MARK_TOKENS = frozenset(DOUBLE_MARKS)


def _document_object(toks: list[Tok], i: int) -> bool:
    """The word before index `i` is a document named after a preposition ("in a written statement
    posted", "on its website published"): `i` describes it, it is no subject of its own."""
    if i == 0 or _singular(toks[i - 1].low) not in DOCUMENTS:
        return False
    for k in range(i - 2, max(-1, i - 6), -1):
        if toks[k].low in {"in", "on", "via", "through", "with", "by"}:
            return True
        if toks[k].low not in DETERMINERS and not toks[k].text.isalpha():
            return False
    return False


def _clause_since(toks: list[Tok], before: int, since: int) -> list[Tok] | None:
    """The subject of a clause of its own opened after offset `since` and before index `before`
    ("…, but the chief disagreed, adding"): the nearest verb back whose subject stands after `since`."""
    for k in range(before - 1, max(0, before - PHRASE_TOKENS), -1):
        t = toks[k]
        if t.start <= since:
            break
        if t.cap or not t.text.isalpha() or not (t.low.endswith("ed") or t.low in VERB_HELPERS) or is_role_word(t.text):
            continue
        phrase = subject_before(toks, k)
        if (
            phrase
            and any(p.low not in DETERMINERS for p in phrase)
            and min(p.start for p in phrase if p.start >= 0) > since
        ):
            return phrase
    return None


def _names_one(phrase: list[Tok]) -> bool:
    """The phrase names someone: a capitalised word, a role ("the minister") or a body ("the ministry")."""
    return any(p.cap or is_role_word(p.text) or p.low in BODY_WORDS for p in phrase)


def _words_of(ctx: _Context, sent: Sentence) -> set[str]:
    """The sentence's words, lowercase, read once for the checks that skip what cannot apply."""
    if ctx.words[0] != sent.start:
        ctx.words = (sent.start, set(_WORDS.findall(sent.text.lower())))
    return ctx.words[1]


_CLAIMING = frozenset("claim claims claimed claiming".split())
_SAYING = frozenset("saying shouting telling writing adding warning chanting screaming yelling".split())
_VERB_CANDIDATES = _REPORTING_WORDS | _SAYING | {"in"}
_PER_SOURCE = re.compile(
    r"(?i:per)\s+(?:the\s+|an?\s+)?(?!(?i:cent|capita|day|hour|week|month|year|person|head)\b)[A-Za-z]"
)
_PASSIVE_HELPERS = frozenset("was is were are be been being has have had widely also reportedly once".split())


def _before_passive(toks: list[Tok], k: int) -> int:
    """ "X was widely quoted as saying": the index of the passive's first word, whose subject is X."""
    while k > 0 and toks[k - 1].low in _PASSIVE_HELPERS:
        k -= 1
    return k


def _quoted_object(toks: list[Tok], as_at: int) -> list[Tok] | None:
    """ "State media quoted the minister, Alma Ruiz, as saying": the one quoted, between the verb and "as"."""
    for k in range(as_at - 1, max(-1, as_at - 16), -1):
        if toks[k].low in {"quoted", "cited", "quoting", "citing", "quotes", "cites"}:
            inner = toks[k + 1 : as_at]
            while inner and inner[-1].text == ",":
                inner.pop()
            if not inner or len(inner) > 14:
                return None
            return [tok(",", -1, -1) if x.text == "," else x for x in inner]
        if toks[k].text in {".", ";", ":"}:
            return None
    return None


def _relative_subject(toks: list[Tok], comma: int) -> list[Tok] | None:
    """The subject a relative clause ends before the verb at `comma` + 1 describes: "Jane Roe, 26, who
    has worked there for years, told": the one before ", who" (and an age), looked for back to the clause's
    start."""
    for k in range(comma - 1, max(0, comma - PHRASE_TOKENS), -1):
        t = toks[k]
        if t.text in {";", ":", "“", "”", '"'} or t.low in SPEECH_VERBS:
            return None
        if t.low in {"who", "which"} and toks[k - 1].text == ",":
            j = k - 1
            if j >= 2 and toks[j - 1].text.isdigit() and toks[j - 2].text == ",":
                j -= 2  # an age between the name and its clause
            return subject_before(toks, j)
    return None


def _coordinated_subject(toks: list[Tok], conj: int) -> list[Tok] | None:
    """The subject of the verb that the one after "and" at `conj` is coordinated with, looked for back
    to the start of its clause: "… that Kim hosted the families, and expressed “grief …”"."""
    for k in range(conj - 1, max(0, conj - 24), -1):
        t = toks[k]
        if t.text in {";", ":"} or t.low == "that":
            return None
        verb_like = t.low.endswith("ed") or t.low in VERB_HELPERS or t.low in SPEECH_VERBS
        if verb_like and not t.cap and t.text.isalpha() and toks[k - 1].low not in DETERMINERS:
            phrase = subject_before(toks, k)
            if phrase and any(p.cap for p in phrase):
                return phrase
    return None


# what counts or lists as a document does: "in a tally from the agency", "in a list released by"
_TALLY_WORDS = frozenset("tally tallies count counts list lists tabulation database tracker".split())
_ISSUED_WORDS = frozenset(
    "published released issued seen shared compiled kept obtained posted tweeted provided circulated given".split()
)
# a date between the issuing and its issuer: "a report released Monday by X", "published on 3 May by"
_ISSUED_WHEN = frozenset([*WEEKDAYS, *MONTHS, "on", "late", "early", "earlier", "last", "this", "night", "morning"])
# the words a document's name may open with: "in an Oct. 16 tally", "in the agency's latest report"
_DOCUMENT_MODIFIERS = frozenset(
    "new latest updated revised official preliminary final daily weekly internal separate own state federal".split()
)


def _in_document_by(toks: list[Tok], i: int) -> int:
    """After "in" at `i`: the index of the issuer in "in a report (published) by X", "in an Oct. 16
    tally from X", else 0."""
    k = i + 1
    while (
        k < len(toks)
        and k < i + 6
        and toks[k].low not in DOCUMENTS
        and toks[k].low not in _TALLY_WORDS
        and (
            toks[k].low in DETERMINERS
            or toks[k].low in _DOCUMENT_MODIFIERS
            or toks[k].cap
            or toks[k].text == "."
            or toks[k].text.isdigit()
            or (k < i + 4 and toks[k].text.isalpha())
        )
    ):
        k += 1
    if k >= len(toks) or (toks[k].low not in DOCUMENTS and toks[k].low not in _TALLY_WORDS):
        return 0
    k += 1
    if k < len(toks) and toks[k].low in _ISSUED_WORDS:
        k += 1
        end = min(len(toks), k + 4)
        while k < end and (toks[k].low in _ISSUED_WHEN or toks[k].text.isdigit()):
            k += 1
    return k + 1 if k + 1 < len(toks) and toks[k].low in {"by", "from"} else 0


def _titles_as_words(body: str, toks: list[Tok], titles: list[QuoteSpan]) -> list[Tok]:
    out: list[Tok] = []
    for t in toks:
        title = next((q for q in titles if q.open_at <= t.start <= q.close_at), None)
        if title is None:
            out.append(t)
        elif t.start == title.open_at + 1 or (t.start == title.open_at and body[t.start + 1 : t.start + 2] == " "):
            out.append(tok(body[title.start : title.end], title.start, title.end))
    return out


def _too_short(body: str, q: QuoteSpan) -> bool:
    return len(_QUOTE_WORD.findall(body, q.start, q.end)) < MIN_QUOTE_WORDS


_TIME_PHRASE_WORDS = frozenset([*WEEKDAYS, "on", "last", "this", "week"])


_DAY_NUMBER = re.compile(r"\d{1,4}(?:st|nd|rd|th)?")


def _is_time_phrase(text: str) -> bool:
    """ "on Monday", "last week", "July 1", "Sept. 30, 2031": a time, never someone who says or claims."""
    words = [w.strip(".,").lower() for w in text.split()]
    return all(w in _TIME_PHRASE_WORDS or w in MONTHS or _DAY_NUMBER.fullmatch(w) for w in words)


def _attribute_quote(
    ctx: _Context,
    q: QuoteSpan,
    index: int,
    sents: list[Sentence],
    attrs: list[Attribution],
    spans: list[QuoteSpan],
) -> Quote | None:
    body = ctx.body
    sent = sents[index]
    text = body[q.start : q.end].strip()
    text = _without_trailing_punctuation(text)
    if len(_QUOTE_WORD.findall(text)) < MIN_QUOTE_WORDS:
        return None  # "neo-Nazi invaders" is three words, as a reader counts them; "fake news" is two
    k = bisect.bisect_right(sents, q.close_at, key=_start_of) - 1
    end_sent = sents[k] if k >= 0 and sents[k].start <= q.close_at < sents[k].end + 1 else sent
    end_attrs = attrs if end_sent is sent else _attributions(ctx, end_sent, spans)
    lead = body[sent.start : q.open_at]
    starts_sentence = not any(c.isalnum() or c == "_" for c in _strip_dateline(lead))
    pre = [a for a in attrs if a.end <= q.open_at + 1]
    post = [a for a in end_attrs if a.start >= q.close_at]
    labelled = _quote_label(ctx, q)
    chosen = labelled or _choose_attribution(body, q, pre, post, starts_sentence)
    how = "label" if labelled else "verb" if chosen else ""
    if _ASKED.search(body, max(sent.start, q.open_at - 40), q.open_at):
        # "nodded when asked, “Do you want to go home?”": the question of someone unnamed
        chosen, how = Attribution(q.open_at, q.open_at, q.open_at, QUESTIONER, None), "asked"
    speaker: str | None = None
    entity: EntityRef | None = None
    if chosen is None:
        chosen = _voice_before(ctx, q, index, sents, starts_sentence)
        how = "voice" if chosen else ""
    prev = _previous_quote(ctx, q)
    if chosen is None and prev is not None:
        how = "previous"
    pick = _decide(ctx, q, index, sents, chosen, how, pre, post, prev, _run_paragraph(ctx, q, spans))
    said = chosen if pick is not None and pick.rule else None
    if pick is not None and said is None and not (pick.rule or pick.previous):
        said = pick.said  # another reporting verb's subject than the rules'
    if pick is None:
        date, basis = resolve_date("", ctx.published)
    elif said is not None:
        speaker, entity = (said.speaker, said.entity) if pick.rule else (pick.speaker, pick.entity)
        date, basis = resolve_date(body[said.start : said.end + 40] + " " + lead[:40], ctx.published)
    elif prev is not None and (pick.rule or pick.previous):
        speaker, entity, date, basis = prev.speaker, prev.entity, prev.date, prev.date_basis
    else:
        speaker, entity = pick.speaker, pick.entity
        date, basis = resolve_date(lead[:40], ctx.published)
    if entity is not None and _title_alone(entity):
        # "‘…,’ minister says" over the story that names "Minister Dana Velko": the person the article names
        # with that title, before the quotation or after it; a title nobody holds stays (readers name
        # "the judge" or "the general" so when the article names no one)
        holder = ctx.mentions.role_holder(entity.role or entity.name, q.open_at)
        if holder is not None:
            speaker, entity = holder.name, holder
    ev_end = max(end_sent.end, q.close_at)
    return Quote(
        text=text,
        speaker=speaker,
        entity=entity,
        date=date,
        date_basis=basis,
        evidence=Evidence(sentence=body[sent.start : ev_end], start=sent.start, end=ev_end),
    )


def _title_alone(e: EntityRef) -> bool:
    """A speaker that is a title and nothing more ("minister", "the foreign minister"), which names no one
    ("a spokesperson for the ministry" or "France’s party leader" say whose)."""
    words = fold(e.name).lower().split()
    return (
        e.role == e.name
        and any(is_role_word(w) for w in words)
        and all(w in {"the", "a", "an"} or is_role_word(w) for w in words)
    )


def _run_paragraph(ctx: _Context, q: QuoteSpan, spans: list[QuoteSpan]) -> int:
    """The paragraph where a quotation that runs on from the paragraphs before began ("“… [no closing
    mark] / “…"), -1 when the quotation before closed; each quotation's answer is kept, so a long run is
    read once."""
    runs = ctx.candidates_memo.setdefault("runs", {})
    k = bisect.bisect_left(spans, q.open_at, key=_open_at)
    before = spans[k - 1] if k > 0 else None
    if before is None or before.closed or before.paragraph != q.paragraph - 1:
        run = -1
    else:
        run = runs.get(before.open_at, -1)
        run = before.paragraph if run < 0 else run
    runs[q.open_at] = run
    return run


def _said(a: Attribution) -> cand.Said:
    return cand.Said(a.speaker, a.entity, a.start, a.end, a.source, a.at)


def _decide(
    ctx: _Context,
    q: QuoteSpan,
    index: int,
    sents: list[Sentence],
    chosen: Attribution | None,
    how: str,
    pre: list[Attribution],
    post: list[Attribution],
    prev: Quote | None,
    run_paragraph: int = -1,
) -> cand.Candidate | None:
    """The quotation's speaker, chosen by ctx.decide among the candidates around it (the rules' first)."""
    rule = _said(chosen) if chosen is not None else None
    if how == "verb" and rule is not None and not ctx.weigh_all and cand.settled(q, rule):
        return cand.Candidate(rule.speaker, rule.entity, rule, rule=True)
    previous = None
    if prev is not None and prev.speaker:
        previous = cand.Said(prev.speaker, prev.entity, prev.evidence.start, prev.evidence.start)
        if rule is None:
            rule = previous
    scene = cand.Scene(
        body=ctx.body,
        span=q,
        sentence=sents[index],
        sentences=sents,
        index=index,
        rule=rule,
        rule_kind=how,
        pre=[_said(a) for a in pre],
        post=[_said(a) for a in post],
        voices=[cand.Voice(_said(v.attribution), v.paragraph) for v in ctx.voices[-cand.MAX_VOICES :]],
        previous=previous,
        previous_paragraph=ctx.quotes[-1][0].paragraph if ctx.quotes else -1,
        mentions=ctx.mentions,
        memo=ctx.candidates_memo,
        run_paragraph=run_paragraph,
    )
    candidates = cand.gather(scene)
    if how == "asked" or ctx.decide is None:
        return next((c for c in candidates if c.rule), None)  # a question put by someone unnamed: the rules'
    return ctx.decide(scene, candidates)


def _start_of(s: Sentence) -> int:
    return s.start


_DATELINE = re.compile(r"^.*?[—–]\s*$")


def _strip_dateline(lead: str) -> str:
    """ "SEOUL, South Korea — " and "Oct. 24, 2024, 4:25 PM GMT+5 SEOUL —" open a story, not a clause."""
    return _DATELINE.sub("", lead) if "—" in lead or "–" in lead else lead


QUESTIONER = "questioner"  # who asks a question the article quotes without naming them
_ASKED = re.compile(r"\b(?:when|after|as|if|before|once|being|was|were|is|are)\s+asked\s*[,:]?\s*$", re.I)


def _without_trailing_punctuation(text: str) -> str:
    """The text without the commas, semicolons, colons and spaces (any of Unicode's) it ends with, in
    one backward pass: what the pattern [,;:\\s]+$ removes (a pattern retries at every run of spaces)."""
    end = len(text)
    while end and (text[end - 1] in ",;:" or text[end - 1].isspace()):
        end -= 1
    return text[:end]


_QUOTE_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_INTRO_GAP = re.compile(r"[\s,]*(?::|\bthat\b)?\s*")  # "X said: “", "X said “", "X said that “"
_COMMA_GAP = re.compile(r"\s*,\s*")
_AFTER_GAP = re.compile(r"[\s,.;:!?’'”\"—–-]*")
_CLAUSE_IN_GAP = re.compile(r"\bthat\b|[,;:]|\b(?:is|are|was|were|has|have|had|will|would|could|can|may|might)\b")


def _quote_label(ctx: _Context, q: QuoteSpan) -> Attribution | None:
    """The speaker a "Quote from X:" or "[Sound bite: X]" label right before the quotation names."""
    for end in range(q.open_at, max(-1, q.open_at - 8), -1):  # the label ends right before the mark
        said = ctx.quote_labels.get(end)
        if said is not None and not ctx.body[end : q.open_at].strip():
            return said
    return None


def _choose_attribution(
    body: str, q: QuoteSpan, pre: list[Attribution], post: list[Attribution], starts_sentence: bool
) -> Attribution | None:
    """Which reporting verb a quotation belongs to. The one that introduces it ("X said: “…”", "X told
    reporters that “…”", "promising them “…”") wins; then one right after it ("“…,” said X", "“…”, X
    noted"), over a verb further back in a clause of its own ("…, which X have claimed, “…,” said Y");
    a named speaker before the quote, over a report that ends the sentence ("…,” local media reported")."""
    intro = pre[-1] if pre else None
    gap = body[intro.end : q.open_at] if intro is not None else ""
    adjacent = post[0] if post and _AFTER_GAP.fullmatch(body, q.close_at + 1, post[0].start) else None
    comma = _COMMA_GAP.fullmatch(gap) is not None
    if intro is not None:
        if _INTRO_GAP.fullmatch(gap) and not (adjacent and comma):
            return intro
        words = gap.split()
        if (0 < len(words) <= 4 and not _CLAUSE_IN_GAP.search(gap)) or _OBJECT_THAT.fullmatch(gap):
            return intro  # the quotation is the verb's object: "described it as “…”", "told lawmakers that “…”"
        if _names_someone(intro) and not (adjacent and comma):
            return intro
    if adjacent is not None:
        return adjacent
    trailing = post[-1] if post and _ENDS_SENTENCE.fullmatch(body, post[-1].end, post[-1].end + 3) else None
    if trailing is not None and body[trailing.start - 2 : trailing.start].strip() == ",":
        return trailing  # "…, the ministry noted.": the one who says all of the sentence
    if not starts_sentence and pre:
        return pre[-1]
    if post:
        return post[0]
    return pre[-1] if pre else None


_OBJECT_THAT = re.compile(r"(?:\s*\w+){1,3}\s+that\s*")
_ENDS_SENTENCE = re.compile(r"[\s.!?”\"’']*")


_PASSING_ON = frozenset("reported according citing quoting".split())


def _passed_on(body: str, a: Attribution, attrs: list[Attribution]) -> bool:
    """ "X said …, as reported by AFP", "…, the agency reported": an outlet that passes on what someone
    else in the sentence said is not the voice the next quotation continues."""
    verb = _WORDS.match(body, a.at)
    if verb is None or verb.group().lower() not in _PASSING_ON:
        return False
    return any(b is not a and b.speaker != a.speaker and b.entity is not None for b in attrs)


def _names_someone(a: Attribution) -> bool:
    """A speaker the article names ("Maria Zakharova", "the NIS", "South Korean intelligence"), not a
    generic one ("intelligence", "local media", "the ministry")."""
    return a.entity is not None and _named(a.entity)


def _named(e: EntityRef) -> bool:
    if e.kind is EntityKind.unknown:
        return False
    if e.kind is EntityKind.person:
        return e.name != e.role and any(w[:1].isupper() for w in e.name.split())
    words = e.name.split()
    return any(w.isupper() and len(w) > 1 for w in words) or any(
        w[:1].isupper() and w.lower().rstrip("'’s") not in BODY_WORDS for w in words
    )


_SMALL_WORDS = frozenset("a an the of to in on for and or with at by from as is".split())
_WORD_BEFORE = re.compile(r"(\w+)\W*$")


def _is_title(body: str, q: QuoteSpan) -> bool:
    """Marks around a name, not a quotation: a title in capitals (the “I Want to Live” project, the
    “Free Voices” group), unless a verb of speech introduces it (shouting “For General Kim”)."""
    text = body[q.start : q.end].strip()
    words = text.split()
    if len(words) < 2 or len(words) > 6 or re.search(r"[.,;:!?…]", text):
        return False
    if not words[0][:1].isupper() or not all(w[:1].isupper() for w in words if w.lower() not in _SMALL_WORDS):
        return False
    before = _WORD_BEFORE.search(body, max(0, q.open_at - 30), q.open_at)
    return before is None or fold(before.group(1)).lower() not in _REPORTING_WORDS


def _voice_before(
    ctx: _Context, q: QuoteSpan, index: int, sents: list[Sentence], starts_sentence: bool
) -> Attribution | None:
    """An unattributed quotation that opens its sentence continues the one quoted or reported in the
    sentence before; one that opens its paragraph, the last one quoted or reported in the paragraph before."""
    if not ctx.voices or not starts_sentence:
        return None
    sent = sents[index]
    opens_paragraph = index == 0 or sents[index - 1].paragraph != sent.paragraph
    last = ctx.voices[-1]
    if last.paragraph == sent.paragraph and last.sentence >= index - 1:
        first = index - 1
    elif opens_paragraph and last.paragraph == sent.paragraph - 1:
        first = min(v.sentence for v in ctx.voices[-8:] if v.paragraph == last.paragraph)
    else:
        return None
    # one who speaks outranks where the report came from ("…," he said, according to the agency)
    recent = [v.attribution for v in ctx.voices[-8:] if v.sentence >= first]
    speaking = [a for a in recent if not a.source]
    return (speaking or recent)[-1]


def _previous_quote(ctx: _Context, q: QuoteSpan) -> Quote | None:
    """A quote with no attribution continues the speaker of the quote just before it."""
    if not ctx.quotes:
        return None
    prev_span, prev = ctx.quotes[-1]
    if q.paragraph - prev_span.paragraph > 1:
        return None
    between = ctx.body[prev_span.close_at + 1 : q.open_at]
    if len(between) > 400:
        return None
    return prev if prev.speaker else None


# -------------------------------------------------------------------------- estimates


def _estimates_in(
    ctx: _Context,
    sent: Sentence,
    spans: list[QuoteSpan],
    attrs: list[Attribution],
    embed: tuple[str, dt.date | None] | None,
    prev: Sentence | None,
    story: Rules,
    year: int | None,
    last: Estimate | None = None,
) -> list[Estimate]:
    """The story's counts in one sentence (`estimates.counts_in`), each with its claimant and date.
    `last` is the last count of the sentence before, which a sentence that breaks it down ("That number
    includes 50 people from Alder, …") goes on counting, for the same claimant when it names none."""
    out: list[Estimate] = []
    status = last.status if last is not None else None
    parts = last is not None and breaks_down_before(sent.text) and not attrs
    prev_at = 0  # where the count before in the sentence is
    for c in counts_in(sent.text, story, prev.text if prev is not None else None, year, status):
        kind = "other"
        if c.common:
            speaker, entity, date_text = ctx.outlet or "the article", None, ""
        elif parts and last is not None and ctx.quote_around(c.start + sent.start) is None:
            speaker, entity, date_text, kind = last.claimant, last.entity, "", "parts"
        elif c.part and out and not any(prev_at < a.at - sent.start < c.start for a in attrs):
            # "310 deaths, 200 of them in Alder": a part by place is the total's claimant's
            speaker, entity, date_text, kind = out[-1].claimant, out[-1].entity, "", "parts"
        else:
            speaker, entity, date_text, kind = _claimant(ctx, sent, c.start + sent.start, spans, attrs, embed)
        if ctx.claims is not None and not c.common:
            chosen = _decide_claim(ctx, sent, c.start + sent.start, c.value, attrs, speaker, entity, kind)
            if chosen is not None and (chosen.speaker, chosen.entity) != (speaker, entity):
                speaker, entity, date_text = chosen.speaker, chosen.entity, ""
        ctx.last_claim = (sent.start, speaker, entity)
        prev_at = c.start
        if embed is not None and speaker == embed[0]:
            date, basis = (embed[1], DateBasis.stated) if embed[1] else resolve_date("", ctx.published)
        else:
            date, basis = resolve_date(date_text, ctx.published)
        out.append(
            Estimate(
                claimant=speaker,
                entity=entity,
                voiced_for=speaks_for(entity) if entity is not None else None,
                value=c.value,
                low=c.low,
                high=c.high,
                qualifier=c.qualifier,
                status=c.status,
                date=date,
                date_basis=basis,
                evidence=Evidence(sentence=sent.text, start=sent.start, end=sent.end),
            )
        )
    return out


def _claimant(
    ctx: _Context,
    sent: Sentence,
    at: int,
    spans: list[QuoteSpan],
    attrs: list[Attribution],
    embed: tuple[str, dt.date | None] | None,
) -> tuple[str, EntityRef | None, str, str]:
    """Who makes the claim at offset `at`: the speaker of a quote around it, the nearest
    reporting verb's subject, "according to ...", an embedded post's author, or the outlet; with the
    text that may date it, and how it was chosen (claimants.ClaimScene.rule_kind)."""
    quote = ctx.quote_around(at)
    if quote is not None:
        return quote.speaker or "", quote.entity, quote.evidence.sentence, "quote"
    attrs = [a for a in attrs if not _generic(a.speaker)]
    pre = [a for a in attrs if a.at < at]
    # a verb after the number claims it, unless its subject opens a clause of its own after it
    # ("12 deaths were reported in Alder, and Birch has reported 25": the 12 is not Birch's)
    post = [
        a
        for a in attrs
        if a.at > at and not (not a.inverted and _CLAUSE_JOIN.search(ctx.body, max(at, a.start - 24), a.start))
    ]
    chosen = pre[-1] if pre else (post[0] if post else None)
    item = _list_item(ctx, sent, at, chosen) if chosen is not None else None
    if item is not None:
        speaker, entity = _resolve(ctx, item, at)
        if speaker:
            return speaker, entity, ctx.body[chosen.start : chosen.end + 40], "list"
    if chosen is not None:
        # when: by the chosen verb, else by another reporting verb of the sentence ("“…,” Kirby told
        # reporters Wednesday, saying the U.S. believes …"), else by the sentence's opening words
        window = ctx.body[chosen.start : chosen.end + 40]
        lead = sent.text.split(",", 1)[0] if "," in sent.text else ""
        if len(attrs) < 2 or resolve_date(window, ctx.published)[1] is DateBasis.stated:
            return chosen.speaker, chosen.entity, f"{window} … {lead}", "verb"
        others = [ctx.body[a.start : a.end + 40] for a in attrs if a.at != chosen.at]
        return chosen.speaker, chosen.entity, " … ".join([window, *others, lead]), "verb"
    counter = _counted_by(ctx, sent, at) or _by_count_of(ctx, sent)
    if counter is not None:
        return counter[0], counter[1], ctx.body[max(sent.start, at - 80) : at], "verb"
    if embed is not None:
        return embed[0], EntityRef(name=embed[0], kind=EntityKind.unknown), "", "embed"
    if ctx.turn is not None and ctx.turn.speaker != INTERVIEWER:
        return ctx.turn.speaker, ctx.turn.entity, "", "turn"  # a transcript: the one speaking
    if ctx.report is not None and ctx.report[0] == sent.paragraph and not _OWN_SUM.match(sent.text):
        said = ctx.report[1]  # the paragraph goes on with the report of the sentence before
        return said.speaker, said.entity, ctx.body[said.start : said.end + 40], "report"
    outlet = ctx.outlet or "the article"
    return outlet, None, "", "outlet"


# who counted a number told just before it: "The Associated Press counted at least 230 deaths", "An AP
# tally found 230 deaths" (the tally's word is no part of the name)
_COUNTED = re.compile(
    r"\b(?P<verb>counted|tallied|recorded|documented|logged|found|finds|shows|showed|counts|tallies|records|"
    r"spoke\s+of|speaks\s+of)\s+"
    r"(?:(?:at\s+least|more\s+than|about|around|nearly|almost|over|some|an\s+estimated)\s+)?$"
)
_TALLY_HEADS = _TALLY_WORDS | {"analysis", "review", "survey", "study", "data", "figures"}


def _counted_by(ctx: _Context, sent: Sentence, at: int) -> tuple[str, EntityRef | None] | None:
    """The subject of a verb of counting right before the number at `at` ("X counted at least 230"), or
    the maker of a tally that found it ("An X tally found 230"): "found" and "shows" only after a tally."""
    m = _COUNTED.search(ctx.body, max(sent.start, at - 40), at)
    if m is None:
        return _counted_item(ctx, sent, at)
    toks = _tokens_of(ctx, sent)
    verb = next((k for k, t in enumerate(toks) if t.start == m.start("verb")), None)
    if verb is None:
        return None
    phrase = subject_before(toks, verb)
    if not phrase:
        return None
    tally = any(t.low in _TALLY_HEADS for t in toks[max(0, verb - 3) : verb])  # "An AP tally found"
    if m.group("verb") in {"found", "finds", "shows", "showed"} and not tally:
        return None  # "rescuers found 12 bodies": who found them, not who counted
    if tally:
        phrase = [p for p in phrase if p.low not in DETERMINERS and p.low not in _TALLY_HEADS]
    if not phrase:
        return None
    text = phrase_text(sent.text, phrase, sent.start)
    speaker, entity = _resolve(ctx, text, min(p.start for p in phrase if p.start >= 0))
    if not speaker or _generic(speaker) or speaker.lower() in PRONOUNS:
        return None
    return speaker, entity


# a verb of counting and its number, earlier in the sentence: "the unions counted 20,000 marchers, …"
_COUNTED_EARLIER = re.compile(r"\b(?:counted|tallied|recorded|documented|logged|spoke\s+of)\s+(?:[a-z]+\s+){0,2}?\d")


def _counted_item(ctx: _Context, sent: Sentence, at: int) -> tuple[str, EntityRef | None] | None:
    """An item of an elliptical list after a count by someone who counted it: "the unions counted 20,000
    marchers and the prefecture 8,500": the 8,500 is the prefecture's."""
    head = _COUNTED_EARLIER.search(ctx.body, max(sent.start, at - 160), at)
    if head is None or any(c in ctx.body[head.end() : at] for c in ".;:"):
        return None
    item = _LIST_ITEM.search(ctx.body[max(head.end(), at - 80) : at])
    if item is None or _is_time_phrase(item.group("name")):
        return None
    name = item.group("name")
    if name[:1].islower() and name.split()[-1] not in BODY_WORDS:
        return None  # "the rest 5": no body
    return _resolve(ctx, name, at - len(name))


_BY_COUNT = re.compile(
    r"\b[Bb]y\s+(?:the\s+)?(?P<who>[A-Za-z][\w.’'-]*(?:\s+[A-Za-z][\w.’'-]*){0,4}?)(?:['’]s?)?\s+(?:own\s+)?"
    r"(?:count|counts|estimate|estimates|tally|figures|reckoning|calculations?|numbers)\b"
)
_NO_ONE = frozenset("one some another any their its his her our my most many several other official".split())


def _by_count_of(ctx: _Context, sent: Sentence) -> tuple[str, EntityRef | None] | None:
    """The one whose count a sentence says it tells ("by the organisers' estimate"); not "by one count",
    "by official figures"."""
    if "by" not in _words_of(ctx, sent):
        return None
    m = _BY_COUNT.search(sent.text)
    if m is None or m.group("who").split()[0].lower() in _NO_ONE:
        return None
    who = re.sub(r"['’]s?$", "", m.group("who"))  # "the organisers'", "the government's"
    speaker, entity = _resolve(ctx, who, sent.start + m.start("who"))
    if not speaker or _generic(speaker):
        return None
    return speaker, entity


_CLAIM_VOICES = 6  # the voices before a count a claimant model weighs, newest first


def _decide_claim(
    ctx: _Context,
    sent: Sentence,
    at: int,
    value: int,
    attrs: list[Attribution],
    speaker: str,
    entity: EntityRef | None,
    kind: str,
) -> ClaimCandidate | None:
    """The claimant `ctx.claims` chooses for the count at `at` among every candidate the rules know of
    (claimants.py), the rules' own choice (`speaker`, how: `kind`) first."""
    assert ctx.claims is not None
    outlet = ctx.outlet or "the article"
    found = [
        ClaimCandidate(speaker, entity, rule=True, outlet=speaker == outlet and entity is None, sources={"rule"}),
        ClaimCandidate(outlet, None, outlet=True, sources={"outlet"}),
    ]
    usable = [a for a in attrs if a.speaker and not _generic(a.speaker)]
    before = [a for a in usable if a.at < at]
    after = [a for a in usable if a.at > at]
    for rank, a in enumerate(reversed(before), 1):
        found.append(
            ClaimCandidate(
                a.speaker,
                a.entity,
                pre=rank,
                pre_gap=max(0, at - a.end),
                inverted=a.inverted,
                source=a.source,
                sources={"verb"},
            )
        )
    for rank, a in enumerate(after, 1):
        joined = not a.inverted and _CLAUSE_JOIN.search(ctx.body, max(at, a.start - 24), a.start) is not None
        found.append(
            ClaimCandidate(
                a.speaker,
                a.entity,
                post=rank,
                post_gap=max(0, a.start - at),
                inverted=a.inverted,
                source=a.source,
                joined=joined,
                sources={"verb"},
            )
        )
    if ctx.report is not None and ctx.report[0] == sent.paragraph:
        said = ctx.report[1]
        found.append(ClaimCandidate(said.speaker, said.entity, report=True, sources={"report"}))
    quote = ctx.quote_around(at)
    if quote is not None and quote.speaker:
        found.append(ClaimCandidate(quote.speaker, quote.entity, quoted=True, sources={"quote"}))
    seen: set[str] = set()
    rank = 0
    for v in reversed(ctx.voices):
        if v.attribution.at >= sent.start:
            continue
        key = claim_key(v.attribution.speaker, v.attribution.entity)
        if key in seen:
            continue
        seen.add(key)
        rank += 1
        found.append(
            ClaimCandidate(
                v.attribution.speaker,
                v.attribution.entity,
                voice=rank,
                voice_paragraphs=sent.paragraph - v.paragraph,
                sources={"voice"},
            )
        )
        if rank >= _CLAIM_VOICES:
            break
    if ctx.last_claim is not None:
        where, who, ent = ctx.last_claim
        found.append(
            ClaimCandidate(
                who, ent, last_claim=True, last_sentences=ctx.body.count(".", where, sent.start), sources={"last"}
            )
        )
    scene = ClaimScene(
        ctx.body, at, value, sent.start, sent.paragraph, kind, len(attrs), sent.paragraph in ctx.headlines
    )
    return ctx.claims(scene, merged(found))


# the outlet adding up what it reported ("This brings the total confirmed deaths to eight"): its own sum
_OWN_SUM = re.compile(
    r"\W*(?:This|That|These|Which|It)\s+(?:brings|brought|raises|raised|pushes|pushed|takes|took|puts)\s+"
    r"(?:the|its|their)\s+(?:[\w'’-]+\s+){0,4}?(?:total|toll|tally|count|number)\b"
)


_GENERIC_CLAIMANTS = frozenset(
    "people persons residents survivors victims individuals civilians locals families citizens others".split()
)


def _generic(speaker: str) -> bool:
    """ "people believed to …", "the survivors", "residents across the county": a general noun, no claimant."""
    words = speaker.split()
    if words and words[0].lower() == "the":
        words = words[1:]
    return bool(words) and words[0] in _GENERIC_CLAIMANTS and not any(w[:1].isupper() for w in words)


_CLAUSE_JOIN = re.compile(r"[,;]\s+(?:and|but|while|whereas)\s+(?:(?:the|an?)\s+)?\Z", re.I)
_NUMBER_AFTER = re.compile(
    r"\w+\s+(?:(?:at\s+least|more\s+than|about|around|nearly|almost|over|some)\s+)?(?:\d|(?:{})\b)".format(
        "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
    ),
    re.I,
)
_LIST_ITEM = re.compile(
    r"(?:,|\band)\s+(?:and\s+)?(?P<name>[A-Z][\w'’.-]*(?:\s+(?:of\s+)?[A-Z][\w'’.-]*){0,4}|the\s+[a-z]+)\s+"
    r"(?:(?:at\s+least|more\s+than|about|around|nearly|almost|over|some)\s+)?$"
)


def _list_item(ctx: _Context, sent: Sentence, at: int, head: Attribution) -> str | None:
    """ "Alder reported 12 deaths, Birch 7 and Ostland 3": the name an item of an elliptical list puts
    before its number, whose verb and noun carry over from a named head ("<Name> <verb> <number>");
    a list of places after one reporter ("officials reported 10 deaths in A and 5 in B") stays theirs."""
    if head.inverted or head.source or not head.speaker[:1].isupper() or not head.at < at:
        return None
    if not _NUMBER_AFTER.match(ctx.body, head.at, min(sent.end, head.at + 60)):
        return None
    between = ctx.body[max(head.end, at - 80) : at]
    m = _LIST_ITEM.search(between)
    if m is None or any(c in ctx.body[head.end : at] for c in ".;:") or _is_time_phrase(m.group("name")):
        return None
    if m.group("name")[:1].islower() and m.group("name").split()[-1] not in BODY_WORDS:
        return None  # "officials reported 10 deaths, the rest 5": no body
    return m.group("name")


# ---------------------------------------------------------------------- article shape


def _headline_paragraphs(body: str) -> set[int]:
    """Leading lines without closing punctuation: a headline (and its repeats) above the story."""
    out = set()
    for i, p in enumerate(paragraphs(body)):
        line = body[p.start : p.end]
        if re.search(r"[.!?”\"’)]$", line) or len(line.split()) > 25:
            break
        out.add(i)
    return out


_EMBED = re.compile(
    r"^[—–-]\s*(?P<name>[^()\n]{1,60}?)\s*\((?P<handle>@\w{1,30})\)\s+(?P<date>[A-Z][a-z]+\.? \d{1,2}, \d{4})"
)


def _embedded_posts(body: str, published: dt.date | None) -> dict[int, tuple[str, dt.date | None]]:
    """An embedded social-media post ("— Name (@handle) October 18, 2024") speaks for the line above."""
    out: dict[int, tuple[str, dt.date | None]] = {}
    for i, p in enumerate(paragraphs(body)):
        m = _EMBED.match(body[p.start : p.end])
        if m and i > 0:
            date, basis = resolve_date(m.group("date"), published or dt.date.max)
            name = m.group("name").strip()
            if fold(name).lower().strip(" '") in NO_NAME:  # an account that names no one
                name = "an anonymous account"
            out[i - 1] = (
                f"{name} ({m.group('handle')})",
                date if basis is DateBasis.stated else None,
            )
    return out


# ------------------------------------------------------------------------ the results


def _named_after_description(
    body: str, quotes: list[Quote], found: list[Estimate], named: list[EntityRef]
) -> tuple[list[Quote], list[Estimate], list[EntityRef]]:
    """ "A ministry spokesperson said 4,000 troops … “… 4,000 …,” Dana Velko told reporters.": the person
    named in the very next sentence with the same number of the same status, and no role of their own
    in the article, is the role-holder the sentence before described: they get the role (and so speak
    for its body), and the date the description's sentence gave."""
    renamed: dict[EntityRef, EntityRef] = {}
    dated: dict[int, tuple[dt.date | None, DateBasis]] = {}
    for a, b in itertools.pairwise(found):
        if a.entity is None or b.entity is None or (a.value, a.status) != (b.value, b.status):
            continue
        if a.entity.kind is not EntityKind.person or identity(a.entity) is not None:
            continue  # not a role-holder only described ("a ministry spokesperson")
        if b.entity.kind is not EntityKind.person or b.entity.role or identity(b.entity) is None:
            continue  # not someone named without a role
        if body[a.evidence.end : b.evidence.start].strip():
            continue  # not the very next sentence
        renamed[b.entity] = b.entity.model_copy(
            update={"role": a.entity.role or a.entity.name, "affiliation": b.entity.affiliation or a.entity.affiliation}
        )
        if a.date_basis is DateBasis.stated and b.date_basis is not DateBasis.stated:
            dated[id(b)] = (a.date, a.date_basis)
    if not renamed:
        return quotes, found, named
    out = []
    for e in found:
        ref = renamed.get(e.entity) if e.entity is not None else None
        if ref is not None:
            date, basis = dated.get(id(e), (e.date, e.date_basis))
            e = e.model_copy(update={"entity": ref, "voiced_for": speaks_for(ref), "date": date, "date_basis": basis})
        out.append(e)
    return (
        [q.model_copy(update={"entity": renamed[q.entity]}) if q.entity in renamed else q for q in quotes],
        out,
        [renamed.get(ref, ref) for ref in named],
    )


def _one_claimant(found: list[Estimate]) -> list[Estimate]:
    """One statement, one claimant: where an article gives a number of a status to a government as a
    whole ("Japan said", "according to the Japanese government") and to one body of that country
    (its defence ministry, or a minister or spokesperson who speaks for it), the government's is that
    body's claim, voiced by no one, and dated as the body's when the text dates only that one. With
    several of its bodies giving the number, whose it is stays open."""
    bodies: dict[tuple[int, str, str], dict[str, EntityRef]] = {}  # (number, status, country) → its bodies
    dates: dict[tuple[int, str, str], dt.date] = {}
    for e in found:
        body = e.voiced_for or (e.entity if e.entity is not None and e.entity.kind is EntityKind.body else None)
        where = seat(body) if body is not None else None
        who = identity(body) if body is not None and where is not None and not where[1] else None
        if where is not None and who is not None:
            key = (e.value, e.status, where[0])
            bodies.setdefault(key, {}).setdefault(who.key, body)
            if e.date is not None and e.date_basis is DateBasis.stated:
                dates.setdefault(key, e.date)
    if not bodies:
        return found
    out = []
    for e in found:
        where = seat(e.entity) if e.entity is not None and e.voiced_for is None else None
        if where is not None and where[1] and len(only := bodies.get((e.value, e.status, where[0]), {})) == 1:
            key = (e.value, e.status, where[0])
            update: dict[str, object] = {"voiced_for": next(iter(only.values()))}
            when = dates.get(key)
            if when is not None and e.date_basis is not DateBasis.stated:
                update |= {"date": when, "date_basis": DateBasis.stated}
            e = e.model_copy(update=update)
        out.append(e)
    return out


REMARKS_PARAGRAPHS = 3  # how far after a dated statement an undated "he said" still reports those remarks
# where remarks were made: "told reporters", "in a televised address", "at a press conference"
_SETTING = Caseless(
    r"\b(?:told|tells|telling)\s+(?:(?:the|a|an|his|her|their)\s+)?(?P<told>[a-z]+)"
    r"|\b(?:in|at|during)\s+(?:a|an|the|his|her|their)\s+(?:[a-z-]+\s+){0,2}?(?P<at>address|interview|briefing|"
    r"conference|statement|speech|post|meeting|hearing|session|broadcast|call|appearance|summit|rally)\b"
)
_QUOTED = re.compile(r"[“\"][^”\"]{0,1500}[”\"]")


def _settings(text: str) -> frozenset[str]:
    """The settings a sentence names for its reporting verbs, outside its quotations."""
    text = _QUOTED.sub(" ", text)
    return frozenset(m.group("told") or m.group("at") for m in _SETTING.finditer(text))


_PRESENT_REPORT = Caseless(r"\b(?:says|tells|adds|writes|argues|insists|warns|believes|estimates|thinks)\b")


def _voice_key(speaker: str | None, entity: EntityRef | None) -> str | None:
    who = identity(entity) if entity is not None else None
    return who.key if who is not None else (speaker.lower() if speaker else None)


def _dated_by_remarks(ctx: _Context, quotes: list[Quote], found: list[Estimate]) -> tuple[list[Quote], list[Estimate]]:
    """A statement the text does not date, by someone whose remarks it dated just before ("… fair game,"
    Roe told reporters Monday. … "…," she said.), reports those remarks: it takes their date, not the
    article's. The date stays the publication's where the verb is in the present ("she says": now),
    where it names another setting ("told parliament" after "in a televised address on Tuesday"), or
    where the remarks were dated more than a few paragraphs before."""
    starts = [p.start for p in paragraphs(ctx.body)]
    events: list[tuple[int, int, str | None, dt.date | None, Quote | Estimate | Attribution]] = []
    for v in ctx.voices:  # "Roe told lawmakers Thursday": dated remarks, with or without a fact in them
        a = v.attribution
        if not a.source and a.at != a.start:
            date, basis = resolve_date(ctx.body[a.start : a.end + 40], ctx.published)
            if basis is DateBasis.stated:
                events.append((a.start, 0, _voice_key(a.speaker, a.entity), date, a))
    # a fact after the dated verbs of its own sentence ("…,” which she told lawmakers Thursday …)
    events += [(e.evidence.end, 1, _voice_key(e.claimant, e.entity), e.date, e) for e in found]
    events += [(q.evidence.end, 2, _voice_key(q.speaker, q.entity), q.date, q) for q in quotes]
    events.sort(key=lambda item: (item[0], item[1]))
    # voice → the date of their last dated remarks, its paragraph, its settings
    dated: dict[str, tuple[dt.date, int, frozenset[str]]] = {}
    changed: dict[int, dt.date] = {}  # id of a fact → the date of the remarks it reports
    for at, _, key, date, fact in events:
        if key is None or date is None:
            continue
        if isinstance(fact, Attribution):
            paragraph = bisect.bisect_right(starts, at) - 1
            dated[key] = (date, paragraph, _settings(ctx.body[fact.start : fact.end + 60]))
            continue
        paragraph = bisect.bisect_right(starts, fact.evidence.start) - 1
        if fact.date_basis is DateBasis.stated:
            dated[key] = (date, paragraph, _settings(fact.evidence.sentence))
        elif fact.date_basis is DateBasis.published and key in dated:
            when, where, settings = dated[key]
            sentence = fact.evidence.sentence
            if (
                paragraph - where <= REMARKS_PARAGRAPHS
                and not _PRESENT_REPORT.search(sentence)
                and _settings(sentence) <= settings
            ):
                changed[id(fact)] = when
    if not changed:
        return quotes, found
    remarks = {"date_basis": DateBasis.stated}
    return (
        [q.model_copy(update={**remarks, "date": changed[id(q)]}) if id(q) in changed else q for q in quotes],
        [e.model_copy(update={**remarks, "date": changed[id(e)]}) if id(e) in changed else e for e in found],
    )


_NON_WORDS = re.compile(r"\W+")


def _dedupe_quotes(quotes: list[Quote]) -> list[Quote]:
    seen: set[str] = set()
    out = []
    for q in quotes:
        key = _NON_WORDS.sub(" ", q.text.lower()).strip()
        if key in seen:
            continue
        seen.add(key)
        out.append(q)
    return out


_SMALL_TOLL = 10


def _dedupe_estimates(found: list[tuple[bool, int, Estimate]], outlet: str, tolls: bool = False) -> list[Estimate]:
    """One estimate per claimant, number and status; a headline's number only when the body lacks it;
    a number the outlet states on its own only when no one in the article is said to claim it (a lede
    that gives the figure first does not hide whose figure it is). In a story of tolls (`tolls`), small
    numbers recur for different places ("two died in X", "two in Y"): one per sentence, and the outlet's
    small numbers are its own."""
    body_values = {e.value for headline, _, e in found if not headline}
    claimed = {e.value for _, _, e in found if e.claimant != outlet and not (tolls and e.value < _SMALL_TOLL)}
    out: list[Estimate] = []
    seen: set[tuple[str, int, str, int]] = set()
    for headline, _, e in found:
        if headline and e.value in body_values:
            continue
        if e.claimant == outlet and e.entity is None and e.value in claimed:
            continue
        key = (e.claimant.lower(), e.value, e.status, e.evidence.start if tolls and e.value < _SMALL_TOLL else -1)
        if key in seen:
            continue
        seen.add(key)
        out.append(e)
    return out


def _entities(mentions: Mentions) -> list[EntityRef]:
    """The people and bodies the article names (not those it only describes: "the soldier")."""
    out: dict[str, EntityRef] = {}
    for e in mentions.entities():
        if identity(e) is None:
            continue
        if e.kind is EntityKind.person and (len(e.name.split()) < 2 and not e.role):
            continue
        if e.name.lower() in COUNTRIES and e.kind is not EntityKind.body:
            continue
        out[e.name] = e
    return list(out.values())


__all__ = ["extract"]
