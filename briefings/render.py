"""Views rendered as text for a terminal: rich tables for people, JSON for scripts."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from pydantic import BaseModel
from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from briefings.digest import Digest
from briefings.feeds import Feed
from briefings.views import (
    EstimatePicture,
    QuoteView,
    SearchHit,
    SourceView,
    TimelineItem,
    WhoResult,
)


def as_json(value: BaseModel | Sequence[BaseModel]) -> str:
    if isinstance(value, BaseModel):
        data = value.model_dump(mode="json")
    else:
        data = [v.model_dump(mode="json") for v in value]
    return json.dumps(data, ensure_ascii=False, indent=2)


def day(d: dt.date | dt.datetime | None) -> str:
    if d is None:
        return "date unknown"
    if isinstance(d, dt.datetime):
        d = d.date()
    return d.isoformat()


def _table(title: str, *columns: str) -> Table:
    t = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", expand=False)
    for c in columns:
        t.add_column(c, overflow="fold")
    return t


def carried(reported_by: list[str], independent: int) -> str:
    """ "NBC News, Scypre.com (1 independent)": the outlets carrying a claim."""
    if not reported_by:
        return ""
    text = ", ".join(reported_by)
    if len(reported_by) > independent:
        text += f" ({independent} independent)"
    return text


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
        when = day(e.claimed_on) + ("" if e.date_basis.value == "stated" else "*")
        latest.add_row(e.claimant, e.number, e.status.value, when, carried(e.reported_by, e.independent_sources))
    parts.append(latest)
    hidden = sum(r.claimants for r in p.ranges) - len(p.latest)
    if hidden > 0:
        parts.append(
            Text(
                f"…and {hidden:,} more claimants with older numbers, in the ranges above; --claimant finds one.",
                style="dim",
            )
        )
    if any(e.date_basis.value != "stated" for e in p.latest):
        parts.append(Text("* dated by the article's publication, not by the text", style="dim"))
    if p.changes:
        moved = _table("Who changed their number", "claimant", "counts", "before", "after", "change")
        for c in p.changes:
            moved.add_row(
                c.claimant,
                c.status.value,
                f"{c.before:,} ({day(c.before_on)})",
                f"{c.after:,} ({day(c.after_on)})",
                f"{c.delta:+,}",
            )
        parts.append(moved)
    return Group(*parts)


def quotes(items: list[QuoteView], speaker: str) -> RenderableType:
    if not items:
        return Text(f"No quotes by {speaker!r} in the store.")
    t = _table(f"Quotes by {speaker}, newest first", "date", "speaker", "quote", "source")
    for q in items:
        t.add_row(day(q.claimed_on), q.speaker or "", f"“{q.text}”", carried(q.reported_by, q.independent_sources))
    return t


def search_hits(hits: list[SearchHit], text: str) -> RenderableType:
    if not hits:
        return Text(f"Nothing matches {text!r}.")
    t = _table(f"Matches for {text!r}", "kind", "who", "text", "date", "source")
    for h in hits:
        t.add_row(h.kind, h.who or "", h.snippet, day(h.claimed_on), h.source.label)
    return t


def source_list(items: list[SourceView]) -> RenderableType:
    if not items:
        return Text("No sources yet: add articles with `briefings ingest PATH`.")
    t = _table("Sources", "id", "outlet", "published", "title", "facts", "independence")
    for s in items:
        if s.copy_of is not None:
            independence = f"copy of {s.copy_of}"
        elif s.rewrite_of is not None:
            independence = f"rewrite of {s.rewrite_of}"
        elif s.kind.value == "rewrite":
            independence = "rewrite"
        else:
            independence = "original"
        t.add_row(
            str(s.id),
            s.outlet or "?",
            day(s.published),
            s.title or "",
            f"{s.quotes} quotes, {s.estimates} estimates",
            independence,
        )
    return t


def timeline_items(items: list[TimelineItem]) -> RenderableType:
    if not items:
        return Text("No dated claims in that period.")
    t = _table("Timeline of claims", "date", "who", "claim", "source")
    for i in items:
        what = f"“{i.what}”" if i.kind == "quote" else i.what
        t.add_row(
            day(i.claimed_on) + ("" if i.date_basis.value == "stated" else "*"), i.who, what, ", ".join(i.reported_by)
        )
    return t


def who_result(result: WhoResult, name: str) -> RenderableType:
    if result.profile is None:
        if not result.candidates:
            return Text(f"Nobody called {name!r} is in the store.")
        t = _table(
            f"{len(result.candidates)} people and bodies match {name!r}; be more specific",
            "name",
            "role",
            "affiliation",
        )
        for c in result.candidates:
            t.add_row(c.name, c.role or "", c.affiliation or "")
        return t
    p = result.profile
    e = p.entity
    head = Text()
    head.append(e.name, style="bold")
    if e.role:
        head.append(f", {e.role}")
    if e.affiliation:
        head.append(f" ({e.affiliation})")
    head.append(
        f"\n{e.kind.value}; {p.quote_count:,} quotes and {p.estimate_count:,} estimates stored (copies included)"
    )
    if p.first_claim:
        head.append(f", from {day(p.first_claim)} to {day(p.last_claim)}")
    parts: list[RenderableType] = [head]
    if p.estimates:
        t = _table("Latest claims", "date", "number", "counts", "source")
        for x in p.estimates:
            t.add_row(day(x.claimed_on), x.number, x.status.value, x.source.label)
        parts.append(t)
    if p.quotes:
        parts.append(quotes(p.quotes, e.name))
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
            moved.add_row(c.claimant, c.status.value, f"{c.before:,}", f"{c.after:,}", f"{c.delta:+,}")
        parts.append(moved)
    if d.new_estimates:
        t = _table("New claims", "claimant", "number", "counts", "claimed", "source")
        for e in d.new_estimates:
            t.add_row(
                e.claimant, e.number, e.status.value, day(e.claimed_on), carried(e.reported_by, e.independent_sources)
            )
        parts.append(t)
    if d.notable_quotes:
        parts.append(quotes(d.notable_quotes, "everyone"))
        if d.other_quotes:
            parts.append(Text(f"…and {d.other_quotes} more new quotes", style="dim"))
    if d.new_sources:
        parts.append(source_list(d.new_sources))
    return Group(*parts)


def feed_list(items: Sequence[Feed]) -> RenderableType:
    if not items:
        return Text("No feeds: add one with `briefings feeds add URL`.")
    t = _table("Feeds", "id", "feed", "every", "last success", "last error", "taken", "state")
    for f in items:
        state = f.paused_reason or ("retrying" if f.failures else "active")
        t.add_row(
            str(f.id),
            f.title or f.url,
            f"{f.every_minutes} min",
            f.last_success or "never",
            f.last_error or "",
            str(f.articles_taken),
            state,
        )
    return t
