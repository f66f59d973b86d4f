"""Views rendered for a terminal: rich tables for people, JSON for scripts.

Everything that comes from an article or a user reaches the terminal through `plain`, the one place
where text is escaped for it: never read as rich markup ("[/b]" in an outlet's name, "[The troops]"
in a quote stay as written), and without the control characters that could move the cursor, clear
the screen or reorder the line. Matches in search results are styled, not marked in the text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from pydantic import BaseModel
from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from briefings.answers.digest import Digest
from briefings.answers.views import (
    PUBLISHED_NOTE,
    EstimatePicture,
    EstimateView,
    FeedView,
    JobView,
    QuoteView,
    RemovedSource,
    SearchHit,
    SourceView,
    TimelineItem,
    WhoResult,
    carried,
    dated,
    day,
    speaker_shown,
)
from briefings.models import DateBasis
from briefings.words import plural

# C0 and C1 controls but tab and newline, and the bidirectional overrides and isolates
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Text as a terminal may show it: control characters out, tabs as spaces."""
    return _UNSAFE.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).replace("\t", " ")


def plain(text: str | None, style: str = "") -> Text:
    """Untrusted text for the terminal: shown as written, never read as markup."""
    return Text(clean(text or ""), style=style)


# -------------------------------------------------------------------------- the terminal

PIPED_WIDTH = 10_000  # piped output is not wrapped: a table row is one line, for grep and scripts
LONG_WORD = 24  # a word longer than this (an address) may be broken to fit a column; a shorter one never is


def terminal(**options: Any) -> Console:
    """A console on stdout: a terminal's width; piped without COLUMNS set, lines as long as they are."""
    console = Console(**options)
    if not console.is_terminal and "COLUMNS" not in os.environ and "width" not in options:
        console.width = PIPED_WIDTH
    return console


def show(console: Console, renderable: RenderableType) -> None:
    """Print a view with no trailing spaces on its lines (rich pads every cell and title to its width)."""
    console.print(_Trimmed(renderable))


class _Trimmed:
    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        for line in console.render_lines(self.renderable, options, pad=False):
            while line and not line[-1].control and not line[-1].text.rstrip():
                line.pop()
            if line and not line[-1].control:
                last = line.pop()
                line.append(Segment(last.text.rstrip(), last.style, last.control))
            yield from line
            yield Segment.line()


class _FittedTable(Table):
    """A table narrowed, where the terminal is too narrow for it, widest column first and never below
    a column's longest word (up to LONG_WORD characters): names wrap between their words. rich's own
    narrowing, which may cut a word anywhere, is kept for when even the words do not fit."""

    def _calculate_column_widths(self, console: Console, options: ConsoleOptions) -> list[int]:
        ranges = [self._measure_column(console, options, c) for c in self.columns]
        widths = [r.maximum or 1 for r in ranges]
        room = options.max_width
        pads = [self._get_padding_width(c._index) for c in self.columns]
        floors = [
            r.maximum if c.no_wrap else min(r.minimum, LONG_WORD + pad)
            for r, pad, c in zip(ranges, pads, self.columns, strict=True)
        ]
        if sum(widths) <= room or sum(floors) > room or self.expand:
            return super()._calculate_column_widths(console, options)
        for _ in range(sum(widths) - room):
            widest = max(range(len(widths)), key=lambda i: (widths[i] > floors[i], widths[i]))
            widths[widest] -= 1
        return widths


# ------------------------------------------------------------------------------ JSON


def _jsonable(value: Any) -> Any:
    """One timestamp format (RFC 3339 in UTC, "2024-10-24T11:25:00Z"), dates as "2024-10-24",
    numbers as numbers, enums as their values."""
    if isinstance(value, BaseModel):
        return _jsonable(value.model_dump(mode="python"))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _jsonable(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return moment(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def moment(value: dt.datetime) -> str:
    """A moment as every JSON view writes it: RFC 3339 in UTC."""
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def as_json(value: Any) -> str:
    return json.dumps(_jsonable(value), ensure_ascii=False, indent=2)


# ----------------------------------------------------------------------------- pieces


SHOWN_CHARS = 300  # of an address or an error message in a table cell


def when(value: dt.datetime, tz: dt.tzinfo) -> str:
    """A moment for people: "2024-10-24 13:25 KST", in the configured time zone (BRIEFINGS_TIMEZONE)."""
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")


def clipped(text: str | None, limit: int = SHOWN_CHARS) -> str:
    """Untrusted text cut to `limit` characters, with "…" where it was cut."""
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


# columns of short values of one form (numbers, days, counts): never wrapped, the prose beside them is
UNWRAPPED = frozenset(
    {"id", "date", "claimed", "published", "number", "counts", "low", "high", "claimants", "every", "taken"}
    | {"before", "after", "now", "change", "kind"}
)


def _table(title: str | Text, *columns: str) -> Table:
    t = _FittedTable(title=title, box=box.SIMPLE_HEAD, title_justify="left", expand=False)
    for c in columns:
        t.add_column(c, overflow="fold", no_wrap=c in UNWRAPPED)
    return t


def _title(*parts: str | tuple[str, bool]) -> Text:
    """A title of fixed words and untrusted ones (given as (text, True))."""
    out = Text()
    for p in parts:
        out.append_text(plain(p[0]) if isinstance(p, tuple) else Text(p))
    return out


def _note_published(parts: list[RenderableType], bases: Iterable[tuple[dt.date | None, DateBasis]]) -> None:
    if any(d is not None and b is DateBasis.published for d, b in bases):
        parts.append(Text(PUBLISHED_NOTE, style="dim"))


def _estimate_row(e: EstimateView) -> tuple[RenderableType, ...]:
    """A claim as a table row: claimant, number, what it counts, its day, the outlets carrying it."""
    return (
        plain(e.who),
        e.number,
        e.status,
        dated(e.claimed_on, e.date_basis),
        plain(carried(e.reported_by, e.independent_sources)),
    )


# ------------------------------------------------------------------------- one per view


def estimate_picture(p: EstimatePicture) -> RenderableType:
    if not p.latest:
        return Text(f"No estimates of {p.story.title if p.story else 'this story'} match.")
    parts: list[RenderableType] = []
    if p.story is not None:
        parts.append(plain(p.story.title, "bold"))
    ranges = _table("The range across claimants", "counts", "low", "high", "claimants")
    for r in p.ranges:
        ranges.add_row(r.status, f"{r.low:,}", f"{r.high:,}", str(r.claimants))
    parts.append(ranges)
    latest = _table("Latest number per claimant", "claimant", "number", "counts", "claimed", "reported by")
    for e in p.latest:
        latest.add_row(*_estimate_row(e))
    parts.append(latest)
    hidden = sum(r.claimants for r in p.ranges) - len(p.latest)
    if hidden > 0:
        parts.append(
            Text(
                f"…and {plural(hidden, 'more claimant')} with older numbers, in the ranges above; --claimant finds one.",
                style="dim",
            )
        )
    _note_published(parts, ((e.claimed_on, e.date_basis) for e in p.latest))
    if p.changes:
        moved = _table("Who changed their number", "claimant", "counts", "before", "after", "change")
        for c in p.changes:
            moved.add_row(
                plain(c.claimant),
                c.status,
                f"{c.before:,} ({day(c.before_on)})",
                f"{c.after:,} ({day(c.after_on)})",
                f"{c.delta:+,}",
            )
        parts.append(moved)
    return Group(*parts)


def _quote_table(items: Sequence[QuoteView], title: Text, *, title_names_speaker: bool = False) -> Table:
    """Quotes grouped by speaker (in the order of each one's first quote), the name on a group's first
    row only; no speaker column at all when the title already names the one speaker."""
    groups: dict[str | None, list[QuoteView]] = {}
    for q in items:
        groups.setdefault(q.speaker, []).append(q)
    if title_names_speaker and len(groups) == 1:
        t = _table(title, "date", "quote", "source")
        for q in items:
            t.add_row(dated(q.claimed_on, q.date_basis), *_quote_cells(q))
        return t
    t = _table(title, "speaker", "date", "quote", "source")
    for speaker, said in groups.items():
        for n, q in enumerate(said):
            t.add_row(plain(speaker if n == 0 else ""), dated(q.claimed_on, q.date_basis), *_quote_cells(q))
    return t


def _quote_cells(q: QuoteView) -> tuple[Text, Text]:
    return plain(f"“{q.text}”"), plain(carried(q.reported_by, q.independent_sources))


def quotes(items: list[QuoteView], speaker: str) -> RenderableType:
    if not items:
        return _title("No quotes by ", (f"'{speaker}'", True), " in the store.")
    name = speaker_shown(items, speaker)
    parts: list[RenderableType] = [
        _quote_table(
            items,
            _title(f"{plural(len(items), 'quote')} by ", (name, True), ", newest first"),
            title_names_speaker=True,
        )
    ]
    _note_published(parts, ((q.claimed_on, q.date_basis) for q in items))
    return Group(*parts)


def snippet(hit: SearchHit) -> Text:
    """A search hit's snippet with the matching words in bold (a style: the text stays as written)."""
    out = Text()
    for piece, match in hit.segments():
        out.append_text(plain(piece, "bold" if match else ""))
    return out


def search_hits(hits: list[SearchHit], text: str) -> RenderableType:
    if not hits:
        return _title("Nothing matches ", (f"'{text}'", True), ".")
    t = _table(
        _title(f"{plural(len(hits), 'match', 'matches')} for ", (f"'{text}'", True)),
        "kind",
        "who",
        "text",
        "date",
        "source",
    )
    for h in hits:
        outlets = carried(h.reported_by, h.independent_sources) or h.source.label
        t.add_row(h.kind, plain(h.who), snippet(h), dated(h.claimed_on, h.date_basis), plain(outlets))
    parts: list[RenderableType] = [t]
    _note_published(parts, ((h.claimed_on, h.date_basis) for h in hits))
    return Group(*parts)


def independence(s: SourceView) -> str:
    if s.copy_of is not None:
        return f"copy of {s.copy_of}"
    if s.rewrite_of is not None:
        return f"rewrite of {s.rewrite_of}"
    return "rewrite" if s.kind.value == "rewrite" else "original"


def source_list(items: list[SourceView], title: str = "Sources") -> RenderableType:
    if not items:
        return Text("No sources yet: add articles with `briefings ingest PATH`.")
    # the stories each source belongs to, as a column only where they differ: one story's name goes
    # in the title, so that the table keeps its width for the outlets and titles
    kinds = {tuple(s.stories) for s in items}
    several = len(kinds) > 1
    shown: str | Text = title
    if not several and kinds != {()}:
        shown = _title(title, (f" (all of {', '.join(kinds.pop())})", True))
    t = _table(shown, "id", "outlet", "published", "title", "facts", "independence", *(["stories"] if several else []))
    for s in items:
        cells: list[str | Text] = [
            str(s.id),
            plain(s.label),
            day(s.published),
            plain(s.title),
            f"{plural(s.quotes, 'quote')}, {plural(s.estimates, 'estimate')}",
            independence(s),
        ]
        if several:
            cells.append(plain(", ".join(s.stories)))
        t.add_row(*cells)
    return t


def timeline_items(items: list[TimelineItem]) -> RenderableType:
    if not items:
        return Text("No dated claims in that period.")
    t = _table("Timeline of claims", "date", "who", "claim", "source")
    for i in items:
        what = f"“{i.what}”" if i.kind == "quote" else i.what
        t.add_row(dated(i.claimed_on, i.date_basis), plain(i.who), plain(what), plain(", ".join(i.reported_by)))
    parts: list[RenderableType] = [t]
    _note_published(parts, ((i.claimed_on, i.date_basis) for i in items))
    return Group(*parts)


def who_result(result: WhoResult, name: str) -> RenderableType:
    if result.profile is None:
        if not result.candidates:
            return _title("Nobody called ", (f"'{name}'", True), " is in the store.")
        t = _table(
            _title(f"{len(result.candidates)} people and bodies match ", (f"'{name}'", True), "; be more specific"),
            "name",
            "role",
            "affiliation",
        )
        for c in result.candidates:
            t.add_row(plain(c.name), plain(c.role), plain(c.affiliation))
        return t
    p = result.profile
    e = p.entity
    head = Text()
    head.append_text(plain(e.name, "bold"))
    if e.role:
        head.append_text(plain(f", {e.role}"))
    if e.affiliation:
        head.append_text(plain(f" ({e.affiliation})"))
    head.append(
        f"\n{e.kind.value}; {plural(p.quote_count, 'quote')} and {plural(p.estimate_count, 'estimate')} stored"
        " (copies included)"
    )
    if p.first_claim:
        head.append(f", from {day(p.first_claim)} to {day(p.last_claim)}")
    parts: list[RenderableType] = [head]
    if p.estimates:
        t = _table("Latest claims", "date", "number", "counts", "source")
        for x in p.estimates:
            t.add_row(dated(x.claimed_on, x.date_basis), x.number, x.status, plain(x.source.label))
        parts.append(t)
    if p.quotes:
        parts.append(_quote_table(p.quotes, _title("Latest quotes by ", (e.name, True)), title_names_speaker=True))
    _note_published(
        parts, [*((x.claimed_on, x.date_basis) for x in p.estimates), *((q.claimed_on, q.date_basis) for q in p.quotes)]
    )
    return Group(*parts)


def digest(d: Digest, tz: dt.tzinfo = dt.UTC) -> RenderableType:
    """A digest as text: the same briefing the bot posts, its period in the time zone `tz`."""
    span = f"{when(d.since, tz)} to {when(d.until, tz)}"
    if d.empty:
        about = f" about {d.story.title}" if d.story else ""
        return plain(f"No news: nothing new{about} was stored from {span}.")
    about = f" on {d.story.title}" if d.story else ""
    parts: list[RenderableType] = [plain(f"Briefing{about}: what is new from {span}", "bold")]
    if d.ranges:
        r = _table("The numbers now", "counts", "low", "high", "claimants")
        for x in d.ranges:
            r.add_row(x.status, f"{x.low:,}", f"{x.high:,}", str(x.claimants))
        parts.append(r)
    if d.moves:
        moved = _table("Who moved their estimate", "claimant", "counts", "before", "now", "change")
        for c in d.moves:
            moved.add_row(plain(c.claimant), c.status, f"{c.before:,}", f"{c.after:,}", f"{c.delta:+,}")
        parts.append(moved)
    if d.new_estimates:
        t = _table("New claims", "claimant", "number", "counts", "claimed", "source")
        for e in d.new_estimates:
            t.add_row(*_estimate_row(e))
        parts.append(t)
    if d.notable_quotes:
        parts.append(_quote_table(d.notable_quotes, Text("Notable new quotes")))
        if d.other_quotes:
            parts.append(Text(f"…and {plural(d.other_quotes, 'more new quote')}", style="dim"))
    if d.new_sources:
        parts.append(source_list(d.new_sources, "New sources"))
    _note_published(
        parts,
        [
            *((e.claimed_on, e.date_basis) for e in d.new_estimates),
            *((q.claimed_on, q.date_basis) for q in d.notable_quotes),
        ],
    )
    return Group(*parts)


def feed_list(items: Sequence[FeedView], tz: dt.tzinfo = dt.UTC) -> RenderableType:
    """The feeds, then the entries whose last try failed and why (the newest few of each feed)."""
    if not items:
        return Text("No feeds: add one with `briefings feeds add URL`.")
    t = _table("Feeds", "id", "feed", "stories", "every", "last success", "last error", "taken", "state")
    for f in items:
        t.add_row(
            str(f.id),
            plain(clipped(f.title or f.url)),
            plain(", ".join(f.stories)),
            f"{f.every_minutes} min",
            when(f.last_success, tz) if f.last_success else "never",
            plain(clipped(f.last_error)),
            str(f.articles_taken),
            plain(clipped(f.state)),
        )
    failing = [f for f in items if f.entry_errors]
    if not failing:
        return t
    entries = _table("Entries whose last try failed, newest first", "feed", "entry", "error", "tries")
    for f in failing:
        for e in f.entry_errors:
            tries = f"{e.attempts}, " + ("tried again at the next poll" if e.retried else "given up")
            entries.add_row(str(f.id), plain(clipped(e.url)), plain(clipped(e.error)), tries)
        if f.entry_errors_total > len(f.entry_errors):
            entries.add_row(str(f.id), Text(f"…and {f.entry_errors_total - len(f.entry_errors):,} more"))
    return Group(t, entries)


def job_list(items: Sequence[JobView], counts: dict[str, int]) -> RenderableType:
    summary = ", ".join(f"{n} {state}" for state, n in counts.items())
    if not items:
        return Text("No ingest jobs: with BRIEFINGS_INGEST_QUEUE on, `briefings ingest` and feeds queue them.")
    t = _table(f"Ingest jobs ({summary})", "id", "kind", "from", "state", "tries", "outcome or error")
    for j in items:
        result = j.error if j.state in {"failed", "queued"} and j.error else (j.outcome or "")
        if j.source_id is not None and j.state == "done":
            result += f" (source {j.source_id})"
        t.add_row(str(j.id), j.kind, plain(j.origin), j.state, str(j.attempts), plain(result))
    return t


def removed(items: Sequence[RemovedSource]) -> RenderableType:
    lines = Text()
    for r in items:
        lines.append(f"removed source {r.id} (")
        lines.append_text(plain(r.outlet or r.origin))
        if r.title:
            lines.append(": ")
            lines.append_text(plain(r.title))
        lines.append(f"): {plural(r.quotes, 'quote')}, {plural(r.estimates, 'estimate')}")
        if r.independent_now:
            ids = ", ".join(map(str, r.independent_now))
            lines.append(f"; {'sources' if len(r.independent_now) > 1 else 'source'} {ids} now stand on their own")
        lines.append("\n")
    lines.rstrip()
    return lines
