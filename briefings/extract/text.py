"""Paragraphs, sentences and quotation spans, with character offsets into the article body.

Rules over plain text, written for English news copy: abbreviations such as "U.S." and
"Lt. Gen." do not end a sentence; straight and curly double quotes are paired by their context
(a mark after a space opens, a mark before a space or punctuation closes), so a stray or wrongly
curled mark cannot swallow the rest of the article.
"""

from __future__ import annotations

import bisect
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen lt col maj capt cpt sgt adm rep reps sen gov st jr sr inc co corp ltd
    vs etc no nos jan feb mar apr jun jul aug sep sept oct nov dec a.m p.m u.s u.k u.n e.u
    mt ft gen. pres rev hon messrs dept est approx fig""".split()
)

OPEN_QUOTES = "“„«"
CLOSE_QUOTES = "”»"
DOUBLE_MARKS = '"“”„«»'
MARK = re.compile(f"[{re.escape(DOUBLE_MARKS)}]")  # any double quotation mark


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    paragraph: int
    text: str


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    """A quotation: `start`/`end` delimit the quoted words, `open_at`/`close_at` the marks."""

    open_at: int
    close_at: int  # index of the closing mark, or the paragraph end when the quote runs on
    paragraph: int
    closed: bool
    cut: bool = False  # never closed: the text ends inside it (an excerpt cut off mid-quote)

    @property
    def start(self) -> int:
        return self.open_at + 1

    @property
    def end(self) -> int:
        return self.close_at


_LINE = re.compile(r"[^\n]+")
BRACKETED = re.compile(r"\s*\([^)]*\)")  # "(NIS)" after "National Intelligence Service", to drop


@lru_cache(maxsize=4)  # sentences, quotation marks and the article's shape all read the same body's lines
def paragraphs(body: str) -> tuple[Span, ...]:
    """Non-empty lines of the body; news copy puts one paragraph on a line. Copy wrapped at a fixed
    width (blank lines between paragraphs, a paragraph's lines broken mid-sentence: "who previously
    reported 72 deaths, are now" / "deferring to …") has its paragraphs between the blank lines."""
    spans = []
    for m in _LINE.finditer(body):
        text = m.group()
        if text.strip():
            lead = len(text) - len(text.lstrip())
            spans.append(Span(m.start() + lead, m.start() + len(text.rstrip())))
        elif spans:
            spans.append(_BLANK)
    if _wrapped(body, spans):
        return _joined(spans)
    return tuple(s for s in spans if s is not _BLANK)  # shared by every caller of the cache: not to be changed


_BLANK = Span(-1, -1)  # a blank line between lines, while they are read
_WRAP_END = re.compile(r"[\w,’'\-]$")  # a line that stops mid-sentence
_WRAP_START = re.compile(r"[a-z(]")  # and the next goes on in lower case
_WRAPPED = 3  # lines broken mid-sentence that show the copy was wrapped


def _wrapped(body: str, spans: list[Span]) -> bool:
    """Whether the copy was wrapped: blank lines stand between paragraphs, and lines next to each other
    often break a sentence in the middle."""
    if _BLANK not in spans:
        return False
    breaks = 0
    for a, b in pairwise(spans):
        if a is _BLANK or b is _BLANK:
            continue
        if _WRAP_END.search(body, a.end - 1, a.end) and _WRAP_START.match(body, b.start):
            breaks += 1
            if breaks >= _WRAPPED:
                return True
    return False


def _joined(spans: list[Span]) -> tuple[Span, ...]:
    """The lines between blank lines, each run one paragraph."""
    out: list[Span] = []
    run: Span | None = None
    for s in [*spans, _BLANK]:
        if s is _BLANK:
            if run is not None:
                out.append(run)
            run = None
        else:
            run = s if run is None else Span(run.start, s.end)
    return tuple(out)


# A full stop and the space after it; or, in copy that lost its spaces, a full stop glued to the next
# sentence's first word ("… in the battles.Kim Bum-soo has more.", "… killed.”The agency").
# (a think tank's footnote marks go with the sentence they close: "… to Russia.[3] The agency …")
_BOUNDARY = re.compile(r"[.!?…]+[\"”’')\]]*(?:\[\d{1,3}\])*\s+(?=[\"“‘'(\[]?[A-Z0-9])")
_GLUED_BOUNDARY = re.compile(
    r"[.!?…]+[\"”’')\]]*(?:\[\d{1,3}\])*\s+(?=[\"“‘'(\[]?[A-Z0-9])"
    r"|(?<=[a-z]{2}[.!?])(?=[A-Z][a-z]{2})|(?<=[a-z][.!?][”\"])(?=[A-Z][a-z])"
)
_GLUED = re.compile(r"[a-z][.!?][”\"]?[A-Z][a-z]")


_ABBREVIATION_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.")


def _is_abbreviation(text: str, dot: int) -> bool:
    start = dot  # back over the letters and dots before the full stop ("U.S", "Gen", "F"), a word's worth
    floor = max(0, dot - 12)
    while start > floor and text[start - 1] in _ABBREVIATION_CHARS:
        start -= 1
    if start == dot:
        return False
    word = text[start:dot].lower().rstrip(".")
    if len(word) == 1:  # an initial: "John F. Kennedy"
        return True
    return word in ABBREVIATIONS


# No sentence of news copy comes near this; text without full stops (a page's menu, an attack) is
# cut into pieces of at most this size, so that every rule that scans a sentence stays bounded.
MAX_SENTENCE = 1500


def sentences(body: str) -> list[Sentence]:
    out: list[Sentence] = []
    for p_index, para in enumerate(paragraphs(body)):
        text = body[para.start : para.end]
        cut = 0
        boundary = _GLUED_BOUNDARY if _GLUED.search(text) else _BOUNDARY  # copy that lost its spaces
        for m in boundary.finditer(text):
            if text[m.start()] == "." and m.group().startswith(".") and _is_abbreviation(text, m.start()):
                # "U.S. officials" stays one sentence; but "the U.S. The" is rare enough to accept
                continue
            end = m.end() - (len(m.group()) - len(m.group().rstrip()))
            _add_sentence(out, body, para.start + cut, para.start + end, p_index)
            cut = m.end()
        if cut < len(text):
            _add_sentence(out, body, para.start + cut, para.end, p_index)
    return out


def _add_sentence(out: list[Sentence], body: str, start: int, end: int, paragraph: int) -> None:
    """One sentence, or pieces of at most MAX_SENTENCE characters cut at a space."""
    while end - start > MAX_SENTENCE:
        piece = body[start : start + MAX_SENTENCE]
        space = piece.rfind(" ", MAX_SENTENCE // 2)
        cut = start + (space if space > 0 else MAX_SENTENCE)
        out.append(Sentence(start, cut, paragraph, body[start:cut]))
        start = cut + (space > 0)
    if end > start:
        out.append(Sentence(start, end, paragraph, body[start:end]))


def quote_spans(body: str) -> list[QuoteSpan]:
    """Pair double quotation marks paragraph by paragraph.

    A mark opens when what precedes it is a space, an opening bracket or the paragraph start,
    and closes when what follows is a space, punctuation or the paragraph end; curly marks
    that contradict their context (a “ used to close) are read by their context. A quote still
    open at the end of a paragraph runs on into the next paragraph when that one opens with a
    quote mark (the news convention for a quote of several paragraphs); otherwise it is dropped.
    """
    spans: list[QuoteSpan] = []
    paras = paragraphs(body)
    carried: int | None = None  # a quotation running on from the paragraph before, without a mark
    for p_index, para in enumerate(paras):
        open_at: int | None = carried
        carried = None
        for mark in MARK.finditer(body, para.start, para.end):
            i = mark.start()
            is_open = _opens(body, i, para, open_at is not None)
            if is_open is None:
                continue
            if is_open:
                if open_at is None:
                    open_at = i
                # a second opening mark while one is open: keep the first
            elif open_at is not None:
                spans.append(QuoteSpan(open_at, i, p_index, True))
                open_at = None
        if open_at is None:
            continue
        nxt = paras[p_index + 1] if p_index + 1 < len(paras) else None
        if nxt is None:
            spans.append(QuoteSpan(open_at, para.end, p_index, False, cut=True))
        elif body[nxt.start] in '"“„«':
            spans.append(QuoteSpan(open_at, para.end, p_index, False))
        elif _closes_first(body, nxt):
            # the quotation goes on in the next paragraph without a mark of its own and closes there
            spans.append(QuoteSpan(open_at, para.end, p_index, False))
            carried = nxt.start - 1
        # otherwise an unbalanced mark: ignore it and keep going
    return spans


# a quotation in typographic single marks that a verb of saying or a colon goes with: "‘…,’ she said",
# "‘…’, Roe says", "Roe said: ‘…’"; an apostrophe inside ("don’t") has a letter after it, so the
# quotation closes only at a mark followed by no letter. Straight ' pairs nothing: it is the apostrophe.
_SINGLE = re.compile(r"(?<![\w’‘'])‘(?=[\w…])(?:[^‘’“”\"\n]|’(?=\w)){2,600}?[\w.,!?…]’(?!\w)")  # bounded: linear
_SINGLE_SAID = re.compile(
    r"[,.]?\s*(?:[\w’.-]+\s+){0,4}?"
    r"(?:said|says|added|adds|told|tells|warned|wrote|writes|stated|insisted|asked|explained)\b"
)


def single_quote_spans(body: str, spans: list[QuoteSpan]) -> list[QuoteSpan]:
    """Quotations in single marks (‘…’) of three words or more that a verb of saying follows or a
    colon introduces, outside the double-marked ones."""
    if "‘" not in body:
        return []
    paras = paragraphs(body)
    starts = [p.start for p in paras]
    closes = [q.close_at for q in spans]  # in order, as the double-marked quotations do not overlap
    out: list[QuoteSpan] = []
    for m in _SINGLE.finditer(body):
        o, c = m.start(), m.end() - 1
        k = bisect.bisect_left(closes, o)  # the first double-marked quotation that may overlap it
        if len(body[o + 1 : c].split()) < 3 or (k < len(spans) and spans[k].open_at <= c):
            continue
        colon = body[max(0, o - 3) : o].rstrip().endswith(":")
        if not colon and not _SINGLE_SAID.match(body, c + 1):
            continue
        out.append(QuoteSpan(o, c, bisect.bisect_right(starts, o) - 1, True))
    return out


def _opens(body: str, i: int, para: Span, inside: bool) -> bool | None:
    """Whether the mark at `i` opens (True) or closes (False) a quotation, or is neither (None).

    A mark opens when what precedes it is a space, an opening bracket or the paragraph start, and
    closes when what follows is a space, punctuation or the paragraph end (or, for a closing curly
    mark after a full stop, a word run on without a space: "… killed.”The agency"); curly marks
    that contradict their context (a “ used to close) are read by their context.
    """
    c = body[i]
    before = body[i - 1] if i > para.start else " "
    after = body[i + 1] if i + 1 < para.end else " "
    can_open = not before.isalnum() and before not in ".,;:!?" and (after.isalnum() or after in "‘'([…$")
    can_close = (not after.isalnum() or (c in CLOSE_QUOTES and before in ".!?")) and (
        before.isalnum() or before in ".,;:!?…’')]%—-"
    )
    if not can_open and not can_close:
        return None
    if c in OPEN_QUOTES and can_open:
        return True
    if c in CLOSE_QUOTES and can_close:
        return False
    # a straight mark, or a curly one that contradicts its context
    return can_open and not (can_close and inside)


def _closes_first(body: str, para: Span) -> bool:
    """Does the paragraph's first quotation mark close a quotation (one opened in the paragraph before)?"""
    first = MARK.search(body, para.start, para.end)
    return first is not None and _opens(body, first.start(), para, True) is False


def caseless(text: str) -> str:
    """The text lowercased letter for letter (the same length, the same offsets), with an ASCII letter
    wherever re.IGNORECASE matches one ("ſ" → "s", "ı" and "İ" → "i", the Kelvin sign → "k"). A
    case-sensitive pattern of lowercase letters finds in it just what the same pattern with re.I finds
    in the text, and finds it several times faster: a quick test of whether a slower rule can apply."""
    return text.replace("\u0130", "i").replace("\u0131", "i").replace("\u017f", "s").lower()


class Caseless:
    """A pattern written for re.IGNORECASE, run as its case-sensitive twin (the source lowercased) over
    caseless(text): the same matches at the same offsets, since caseless keeps every character's class
    (word, space, digit: checked for all of Unicode), read several times faster. A match's text is the
    caseless text's: where the case of what matched counts, slice the original at the match's offsets."""

    __slots__ = ("twin",)

    def __init__(self, source: str) -> None:
        # an escape in capitals (\W, \S, \D, \B) or by code (\x41) would change its meaning in lowercase
        if re.search(r"\\[A-Zxu]|\(\?-i", source):
            raise ValueError(f"no caseless twin for {source!r}")
        self.twin = re.compile(source.lower().replace("(?p<", "(?P<").replace("(?p=", "(?P="))
        if self.twin.groupindex != re.compile(source, re.I).groupindex:
            raise ValueError(f"group names in capitals in {source!r}")

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.twin.search(caseless(text), pos, endpos)

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.twin.match(caseless(text), pos, endpos)

    def fullmatch(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.twin.fullmatch(caseless(text), pos, endpos)

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        return self.twin.finditer(caseless(text), pos, endpos)


def fold(text: str) -> str:
    """Typographic variants folded for matching: curly apostrophes, non-breaking spaces. (One replace
    a variant: str.translate reads text outside Latin-1, such as curly quotes, a character at a time.)"""
    return (
        text.replace("’", "'")
        .replace("‘", "'")
        .replace("ʹ", "'")
        .replace("ʼ", "'")
        .replace("\u00a0", " ")
        .replace("\u202f", " ")
    )
