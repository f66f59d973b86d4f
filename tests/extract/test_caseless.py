"""Caseless patterns: a pattern written for re.IGNORECASE, read as its case-sensitive twin over
caseless text, finds the same matches at the same offsets."""

import random
import re

import pytest

from briefings.extract.core import _TITLE_ABBREVIATIONS, _TITLES, _title_words
from briefings.extract.text import Caseless, caseless

SOURCES = [
    r"\b(?:killed|wounded|casualt\w*|POWs?|prisoners? of war)\b",
    r"\b(?:at least|no fewer than|a minimum of)\s+$",
    r"(?P<count>\w+)\s+(?:brigades?|units?)\s+of\s+$",
    r"\b(?:not|yet to|never|no)\b[^,.;]{0,30}$",
    r"[a-z]+['’]ll\b",
]
# letters that re.IGNORECASE matches beyond their two cases: long s, dotless and dotted i, Kelvin sign
VARIANTS = {"s": "Sſ", "i": "Iıİ", "k": "K\u212a"}


def _vary(rng: random.Random, word: str) -> str:
    out = []
    for c in word:
        r = rng.random()
        out.append(rng.choice(VARIANTS[c]) if c in VARIANTS and r < 0.3 else c.upper() if r < 0.5 else c)
    return "".join(out)


@pytest.mark.parametrize("source", SOURCES)
def test_the_same_matches_as_ignorecase_even_for_odd_letters(source: str) -> None:
    rng = random.Random(source)
    words = [*re.findall(r"[a-z]+", source), "3,000", "’ll", ",", ".", "troops", "—"]
    plain, twin = re.compile(source, re.I), Caseless(source)
    for _ in range(3000):
        text = " ".join(_vary(rng, rng.choice(words)) for _ in range(rng.randint(1, 7))) + rng.choice(["", " "])
        assert [m.span() for m in twin.finditer(text)] == [m.span() for m in plain.finditer(text)], text
        assert bool(twin.search(text, 1, len(text) - 1)) == bool(plain.search(text, 1, len(text) - 1)), text


def test_caseless_keeps_every_offset() -> None:
    text = "İstanbul’s Kelvin ſoldiers"
    assert len(caseless(text)) == len(text)
    assert caseless(text) == "istanbul’s kelvin soldiers"


@pytest.mark.parametrize("source", [r"\W+troops", r"\Bkill", r"\x41rmy", r"(?-i:Army)"])
def test_a_pattern_that_lowercase_would_change_is_refused(source: str) -> None:
    with pytest.raises(ValueError):
        Caseless(source)


def test_titles_found_apart_come_as_one_alternation_gives_them() -> None:
    alternation = re.compile(rf"\b(?i:{_TITLES})\s+|\b(?:{_TITLE_ABBREVIATIONS})\.?\s+")
    words = [*re.findall(r"[a-z]+", _TITLES), "Gen.", "Mr", "Mrs.", "Dr", "Kim", "said", ",", "generals"]
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(_vary(rng, rng.choice(words)) + rng.choice([" ", "", "  ", "-", "."]) for _ in range(6))
        assert [m.span() for m in _title_words(text)] == [m.span() for m in alternation.finditer(text)], text
