"""A feed's bytes to its title and entries (feedparser), as plain data a worker process sends back.

Pure: parsing a large or hostile feed is CPU work, so `briefings.sources.worker` runs this off the event loop.
"""

from __future__ import annotations

import calendar
import datetime as dt
import time
from dataclasses import dataclass, field

import feedparser


@dataclass(frozen=True, slots=True)
class FeedEntry:
    link: str | None
    key: str | None = None  # the entry's id (guid), when it has one
    title: str | None = None
    published: dt.datetime | None = None  # timezone-aware


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str | None
    entries: list[FeedEntry] = field(default_factory=list)
    problem: str | None = None  # why this is not readable RSS or Atom, when it is not


def parse_feed(data: bytes) -> ParsedFeed:
    """The feed's title and entries; `problem` is set when the bytes are no feed at all."""
    parsed = feedparser.parse(data)
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        return ParsedFeed(None, problem=f"the feed is not readable RSS or Atom ({parsed.get('bozo_exception')})")
    entries = [
        FeedEntry(
            link=_text(e.get("link")),
            key=_text(e.get("id")),
            title=_text(e.get("title")),
            published=_moment(e.get("published_parsed") or e.get("updated_parsed")),
        )
        for e in parsed.entries
    ]
    return ParsedFeed(_text(parsed.feed.get("title")), entries)


def _text(value: object) -> str | None:
    """A title as text; a NUL (which no store keeps, and no title needs) is dropped."""
    text = str(value).replace("\x00", "") if value else None
    return text or None


def _moment(stamp: time.struct_time | None) -> dt.datetime | None:
    if not stamp:
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(stamp), dt.UTC)
    except (OverflowError, OSError, ValueError):  # a date no calendar holds: as if none were given
        return None
