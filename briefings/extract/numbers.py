"""Numbers as news writes them: "12,000", "12 000", "1.2 million", "twelve thousand", "a thousand"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefings.extract.lexicon import MULTIPLIERS, NUMBER_WORDS
from briefings.extract.text import Caseless, caseless

_WORD = "|".join(sorted([*list(NUMBER_WORDS), "hundred", "thousand", "million"], key=len, reverse=True))
# (the first digit is matched before the look back at the character before it: a pattern that opens
# with a digit is searched for by skipping to the digits, one that opens with a look-behind is tried
# at every character)
DIGITS = re.compile(
    r"(?P<digits>\d(?<![\w.,$€£]\d)(?:\d{0,2}(?:[,\u202f\u00a0 ]\d{3})+(?![\d])|\d*(?:\.\d+)?))"
    r"(?:(?:\s*|-)(?P<mult>hundred|thousand|million|k)\b)?",  # "1.2 million", "15-thousand", "47-hundred"
    re.I,
)
# "four-thousand-100": words for the thousands, digits for the rest
_WORDS_THEN_DIGITS = re.compile(r"[\s-]+(?:and\s+)?(\d{1,3})\b(?![,.]\d)")
WORDS = Caseless(rf"\b(?P<words>(?:an?\s+)?(?:(?:{_WORD})(?:[\s-]+(?:and\s+)?)?)*(?:{_WORD}))\b")
# spelled numbers are looked for only where one of these words makes a head count likely (in the
# caseless text: the pattern is case-sensitive)
_SPELLED_HINT = re.compile(
    r"hundred|thousand|million|killed|wounded|dead|captured|casualt|brigades?|battalions?|divisions?|regiments?"
)


_WORD_SPLIT = re.compile(r"[\s-]+")
_SEPARATORS = str.maketrans("", "", ",\u202f\u00a0 ")


@dataclass(frozen=True, slots=True)
class Number:
    value: int
    start: int
    end: int
    text: str
    spelled: bool  # written in words


def words_value(text: str) -> int | None:
    """ "twelve thousand" → 12000, "a thousand" → 1000, "two hundred fifty" → 250; None for an amount
    without a count ("several thousand" leaves "thousand", which is no figure)."""
    total = current = 0
    seen = counted = False
    for w in _WORD_SPLIT.split(caseless(text)):
        if w in {"and", ""}:
            continue
        if w in {"a", "an"}:
            current = 1
            counted = True
            continue
        if w in NUMBER_WORDS:
            current += NUMBER_WORDS[w]
            seen = counted = True
        elif w == "hundred":
            current = (current or 1) * 100
            seen = True
        elif w in {"thousand", "million"}:
            total += (current or 1) * MULTIPLIERS[w]
            current = 0
            seen = True
        else:
            return None
    return total + current if seen and counted else None


# More digits than this are no head count (a phone number, an id, an attack on the parser): the
# value is never built, so no float overflows and no integer too big for the store comes out.
MAX_DIGITS = 10


def _digits_value(raw: str, mult: str) -> int | None:
    """ "12000" → 12000, "1.2" with "million" → 1200000, exactly (no float); None past MAX_DIGITS."""
    whole, _, fraction = raw.partition(".")
    if len(whole) > MAX_DIGITS or len(fraction) > 6:
        return None
    if fraction and not mult:
        return None  # a decimal without "million" is no head count
    scale = MULTIPLIERS[mult] if mult else 1
    return (int(whole) * 10 ** len(fraction) + int(fraction or 0)) * scale // 10 ** len(fraction)


def find_numbers(text: str, low: str | None = None, hint: re.Pattern[str] | None = None) -> list[Number]:
    """The head counts a sentence writes, in digits or in words; `low` is caseless(text), when the
    caller has it already; `hint` adds words (in the caseless text) that make spelled numbers likely."""
    out = []
    for m in DIGITS.finditer(text):
        raw = m.group("digits").translate(_SEPARATORS)
        value = _digits_value(raw, caseless(m.group("mult") or ""))
        if value is None:
            continue
        out.append(Number(value, m.start(), m.end(), m.group(), False))
    low = caseless(text) if low is None else low
    if _SPELLED_HINT.search(low) or (hint is not None and hint.search(low)):
        taken = [(n.start, n.end) for n in out]
        for m in WORDS.twin.finditer(low):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue  # "thousand" in "2.5 thousand" belongs to the digits
            value = words_value(text[m.start("words") : m.end("words")])  # as written, not caseless
            if value is None:
                continue
            end = m.end()
            rest = _WORDS_THEN_DIGITS.match(text, end) if value % 1000 == 0 else None
            if rest:  # "four-thousand-100": the digits are part of this number, not one of their own
                value += int(rest.group(1))
                end = rest.end()
                out = [n for n in out if not (n.start == rest.start(1) and n.end == rest.end(1))]
            out.append(Number(value, m.start(), end, text[m.start() : end], True))
        out.sort(key=lambda n: n.start)
    return out
