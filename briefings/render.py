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
import re
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel
from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from briefings.commands import plural
from briefings.digest import Digest
from briefings.models import DateBasis
from briefings.views import (
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
)

# C0 and C1 controls but tab and newline, and the bidirectional overrides and isolates
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
PUBLISHED_MARK = "*"
PUBLISHED_NOTE = "* dated by the article's publication, not by the text"


def clean(text: str) -> str:
    """Text as a terminal may show it: control characters out, tabs as spaces."""
    return _UNSAFE.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).replace("\t", " ")


def plain(text: str | None, style: str = "") -> Text:
    """Untrusted text for the terminal: shown as written, never read as markup."""
    return Text(clean(text or ""), style=style)


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


def day(d: dt.date | dt.datetime | None) -> str:
    if d is None:
        return "date unknown"
    if isinstance(d, dt.datetime):
        d = d.date()
    return d.isoformat()


def dated(d: dt.date | None, basis: DateBasis) -> str:
    """A claim's day, with the mark of a date taken from the article's publication."""
    return day(d) + (PUBLISHED_MARK if d is not None and basis is DateBasis.published else "")


def _table(title: str | Text, *columns: str) -> Table:
    t = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", expand=False)
    for c in columns:
        t.add_column(c, overflow="fold")
    return t


def _title(*parts: str | tuple[str, bool]) -> Text:
    """A title of fixed words and untrusted ones (given as (text, True))."""
    out = Text()
    for p in parts:
        out.append_text(plain(p[0]) if isinstance(p, tuple) else Text(p))
    return out


def carried(reported_by: list[str], independent: int) -> str:
    """ "NBC News, Scypre.com (1 independent)": the outlets carrying a claim."""
    if not reported_by:
        return ""
    text = ", ".join(reported_by)
    if len(reported_by) > independent:
        text += f" ({independent} independent)"
    return text


def _note_published(parts: list[RenderableType], bases: Iterable[tuple[dt.date | None, DateBasis]]) -> None:
    if any(d is not None and b is DateBasis.published for d, b in bases):
        parts.append(Text(PUBLISHED_NOTE, style="dim"))


def speaker_shown(items: Sequence[QuoteView], typed: str) -> str:
    """The name quotes are shown under: the person they resolved to, else what was typed."""
    names = {q.speaker for q in items if q.speaker}
    return names.pop() if len(names) == 1 else typed


def _estimate_row(e: EstimateView) -> tuple[RenderableType, ...]:
    """A claim as a table row: claimant, number, what it counts, its day, the outlets carrying it."""
    return (
        plain(e.who),
        e.number,
        e.status.value,
        dated(e.claimed_on, e.date_basis),
        plain(carried(e.reported_by, e.independent_sources)),
    )


# ------------------------------------------------------------------------- one per view


def estimate_picture(p: EstimatePicture) -> RenderableType:
    if not p.latest:
        return Text("No troop estimates match.")
    parts: list[RenderableType] = []
    ranges = _table("The range across claimants", "counts", "low", "high", "claimants")
    for r in p.ranges:
        ranges.add_row(r.status.value, f"{r.low:,}", f"{r.high:,}", str(r.claimants))
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
                c.status.value,
                f"{c.before:,} ({day(c.before_on)})",
                f"{c.after:,} ({day(c.after_on)})",
                f"{c.delta:+,}",
            )
        parts.append(moved)
    return Group(*parts)


def _quote_table(items: Sequence[QuoteView], title: Text) -> Table:
    t = _table(title, "date", "speaker", "quote", "source")
    for q in items:
        t.add_row(
            dated(q.claimed_on, q.date_basis),
            plain(q.speaker),
            plain(f"“{q.text}”"),
            plain(carried(q.reported_by, q.independent_sources)),
        )
    return t


def quotes(items: list[QuoteView], speaker: str) -> RenderableType:
    if not items:
        return _title("No quotes by ", (f"'{speaker}'", True), " in the store.")
    name = speaker_shown(items, speaker)
    parts: list[RenderableType] = [
        _quote_table(items, _title(f"{plural(len(items), 'quote')} by ", (name, True), ", newest first"))
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
    t = _table(title, "id", "outlet", "published", "title", "facts", "independence")
    for s in items:
        t.add_row(
            str(s.id),
            plain(s.label),
            day(s.published),
            plain(s.title),
            f"{plural(s.quotes, 'quote')}, {plural(s.estimates, 'estimate')}",
            independence(s),
        )
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
            t.add_row(dated(x.claimed_on, x.date_basis), x.number, x.status.value, plain(x.source.label))
        parts.append(t)
    if p.quotes:
        parts.append(_quote_table(p.quotes, _title("Latest quotes by ", (e.name, True))))
    _note_published(
        parts, [*((x.claimed_on, x.date_basis) for x in p.estimates), *((q.claimed_on, q.date_basis) for q in p.quotes)]
    )
    return Group(*parts)


def digest(d: Digest) -> RenderableType:
    """A digest as text: the same briefing the bot posts."""
    span = f"{d.since.isoformat(timespec='minutes')} to {d.until.isoformat(timespec='minutes')}"
    if d.empty:
        return Text(f"No news: nothing new was stored from {span}.")
    parts: list[RenderableType] = [Text(f"Briefing: what is new from {span}", style="bold")]
    if d.ranges:
        r = _table("The numbers now", "counts", "low", "high", "claimants")
        for x in d.ranges:
            r.add_row(x.status.value, f"{x.low:,}", f"{x.high:,}", str(x.claimants))
        parts.append(r)
    if d.moves:
        moved = _table("Who moved their estimate", "claimant", "counts", "before", "now", "change")
        for c in d.moves:
            moved.add_row(plain(c.claimant), c.status.value, f"{c.before:,}", f"{c.after:,}", f"{c.delta:+,}")
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


def feed_list(items: Sequence[FeedView]) -> RenderableType:
    if not items:
        return Text("No feeds: add one with `briefings feeds add URL`.")
    t = _table("Feeds", "id", "feed", "every", "last success", "last error", "taken", "state")
    for f in items:
        t.add_row(
            str(f.id),
            plain(f.title or f.url),
            f"{f.every_minutes} min",
            moment(f.last_success) if f.last_success else "never",
            plain(f.last_error),
            str(f.articles_taken),
            plain(f.state),
        )
    return t


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
