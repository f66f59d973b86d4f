"""When a claim was made: a date phrase near the reporting verb, resolved against publication."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from briefings.extract.lexicon import MONTHS, WEEKDAYS
from briefings.extract.text import Caseless, caseless
from briefings.models import DateBasis

_MONTH = r"(?:{})\.?".format("|".join(sorted(MONTHS, key=len, reverse=True)))
# written for re.I and read as their caseless twins over the caseless phrase: what they capture is
# lowercase already, whatever letters matched (ſ, ı, İ and the Kelvin sign are ASCII's there)
_EXPLICIT = Caseless(
    rf"\b(?P<m1>{_MONTH})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y1>\d{{4}}))?\b"
    rf"|\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MONTH})(?:,?\s+(?P<y2>\d{{4}}))?\b"
    r"|\b(?P<iso>\d{4}-\d{2}-\d{2})\b"
).twin
_WEEKDAY = Caseless(r"\b(?P<last>last\s+)?(?P<wd>{})\b".format("|".join(WEEKDAYS))).twin
_RELATIVE = Caseless(r"\b(?P<rel>yesterday|today|tonight|last week|last month)\b").twin


@lru_cache(maxsize=4096)
def resolve_date(phrase: str, published: dt.date | None) -> tuple[dt.date | None, DateBasis]:
    """The date a phrase names, relative to the publication date; else the publication date.

    A weekday is the latest such day on or before publication ("told lawmakers Thursday" in an
    article of Thursday 2024-10-24 is that day; "on Monday" is the Monday before).
    """
    found = _first_date(phrase, published)
    if found is not None:
        return found, DateBasis.stated
    if published is not None:
        return published, DateBasis.published
    return None, DateBasis.unknown


# what each kind of date needs, looked for first in the caseless phrase: a digit and a month (or the
# dashes of an ISO date); "day" of a weekday, of "today" and "yesterday"; "tonight"; "last week"
_DIGIT = re.compile(r"\d")
_MONTH_HINT = re.compile(r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec")


def _first_date(phrase: str, published: dt.date | None) -> dt.date | None:
    candidates: list[tuple[int, dt.date]] = []
    low = caseless(phrase)
    if _DIGIT.search(phrase) and ("-" in phrase or _MONTH_HINT.search(low)):
        for m in _EXPLICIT.finditer(low):
            d = _explicit(m, published)
            if d is not None:
                candidates.append((m.start(), d))
    if published is not None and ("day" in low or "tonight" in low or "last " in low):
        for m in _WEEKDAY.finditer(low):
            back = (published.weekday() - WEEKDAYS[m.group("wd")]) % 7
            if m.group("last") and back == 0:
                back = 7
            _days_before(candidates, m.start(), published, back)
        for m in _RELATIVE.finditer(low):
            days = {"yesterday": 1, "today": 0, "tonight": 0, "last week": 7, "last month": 30}[m.group("rel")]
            _days_before(candidates, m.start(), published, days)
    return min(candidates)[1] if candidates else None


def _days_before(candidates: list[tuple[int, dt.date]], at: int, published: dt.date, days: int) -> None:
    """A date `days` before publication, if the calendar has one ("yesterday" of 0001-01-01 has none)."""
    try:
        candidates.append((at, published - dt.timedelta(days=days)))
    except OverflowError:
        pass


def _explicit(m: re.Match[str], published: dt.date | None) -> dt.date | None:
    try:
        if m.group("iso"):
            return dt.date.fromisoformat(m.group("iso"))
        month = MONTHS[(m.group("m1") or m.group("m2")).rstrip(".")]
        day = int(m.group("d1") or m.group("d2"))
        year_text = m.group("y1") or m.group("y2")
        if year_text:
            return dt.date(int(year_text), month, day)
        if published is None:
            return None
        d = dt.date(published.year, month, day)
        return d if d <= published else dt.date(published.year - 1, month, day)
    except ValueError:
        return None
