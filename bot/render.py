"""Views as Discord embeds, within Discord's limits, with article text that cannot format or ping."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from functools import lru_cache

import discord

from briefings import __version__
from briefings.answers.commands import ABOUT, followed, holdings
from briefings.answers.digest import Digest
from briefings.answers.views import (
    PUBLISHED_MARK,
    Change,
    EstimatePicture,
    EstimateView,
    QuoteView,
    SearchHit,
    SourceView,
    Stats,
    StatusRange,
    StoryView,
    TimelineItem,
    WhoResult,
    carried,
    dated,
    day,
    speaker_shown,
)
from briefings.models import DateBasis
from briefings.storyset import StorySet
from briefings.words import plural

TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000
PAGE_ITEMS = 8  # entries on one page: a screenful, whatever the characters allow
MAX_PAGES = 25

COLOUR = discord.Colour(0x2F6F9F)


def _label(story: StoryView | None, status: str) -> str:
    """A status as its story labels it ("At the front", "Crowd"); its name without a story."""
    return story.label(status) if story is not None else status


# a bare or <bracketed> address is left whole (escapes inside it would break the link); article text
# around it has every character that formats, links or mentions escaped, each exactly once
_URL = r"<[^: >]+:\/[^ >]+>|(?:https?|steam):\/\/[^\s<]+[^<.,:;\"\'\]\s]"
_MARKUP = re.compile(
    rf"(?P<url>{_URL})|(?P<char>[\\*_~`|\[\]<])|^(?P<lead>[ \t]*)(?:(?P<line>>|#|-)|(?P<number>\d+)\.)", re.MULTILINE
)


def _escape(m: re.Match[str]) -> str:
    if m.group("url"):
        return m.group("url")
    if m.group("char"):
        return "\\" + m.group("char")
    if m.group("line"):
        return m.group("lead") + "\\" + m.group("line")
    return m.group("lead") + m.group("number") + "\\."  # Discord escapes punctuation, not digits


@lru_cache(maxsize=4096)  # names, roles and outlets repeat on every line of a page
def safe(text: str) -> str:
    """Article text shown literally, escaped once: no markdown, no masked links, no mentions, no
    <t:…>, <#…> or <@…> tags, no headings, quotes or lists at a line's start."""
    return _MARKUP.sub(_escape, discord.utils.escape_mentions(text))


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut on a word with an ellipsis when it must be cut."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - 1)]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    # never leave a dangling escape backslash
    while cut.endswith("\\"):
        cut = cut[:-1]
    return cut + "…"


def carried_text(reported_by: list[str], independent: int) -> str:
    return safe(carried(reported_by, independent))


PUBLISHED_NOTE = "* dated by the article's publication, not by the text"


def published_note(*dates: tuple[dt.date | None, DateBasis]) -> str | None:
    """The footnote for days marked `*`, when any of these is (as the terminal's tables say it)."""
    return PUBLISHED_NOTE if any(dated(d, b).endswith(PUBLISHED_MARK) for d, b in dates) else None


def footnotes(*notes: str | None) -> str | None:
    return " · ".join(n for n in notes if n) or None


def embed(title: str, description: str = "", footer: str | None = None) -> discord.Embed:
    e = discord.Embed(title=clip(title, TITLE_MAX), description=clip(description, DESCRIPTION_MAX), colour=COLOUR)
    if footer:
        e.set_footer(text=clip(footer, FOOTER_MAX))
    return e


def add_lines_field(e: discord.Embed, name: str, lines: Sequence[str], *, total: int | None = None) -> None:
    """A field of lines that fits 1,024 characters, ending "…and N more" when they do not all fit
    (or when `total` says there are more than the lines given)."""
    if len(e.fields) >= FIELDS_MAX:
        return
    total = max(total or 0, len(lines))
    out: list[str] = []
    used = 0
    for i, line in enumerate(lines):
        line = clip(line, FIELD_VALUE_MAX - 40)
        rest = total - i - 1
        tail = f"\n…and {rest} more" if rest else ""
        if used + len(line) + 1 + len(tail) > FIELD_VALUE_MAX - 20:
            out.append(f"…and {total - i} more")
            break
        out.append(line)
        used += len(line) + 1
    else:
        if total > len(lines):
            out.append(f"…and {total - len(lines)} more")
    e.add_field(name=clip(name, FIELD_NAME_MAX), value="\n".join(out) or "—", inline=False)


def paginate(
    title: str,
    entries: Sequence[str],
    *,
    empty: str,
    footer: str | None = None,
    more: bool = False,
    numbered: bool = True,
) -> list[discord.Embed]:
    """Entries over as many embeds as needed, each within the limits; past 25 pages "…and N more".
    `more` says that entries exist beyond these: pages are then numbered without a total. Pages
    shown all at once (`numbered=False`, a posted digest: no buttons turn them) carry no "Page N of
    M"; the ones after the first are titled "(continued)"."""
    if not entries:
        return [embed(title, empty, footer)]
    pages: list[list[str]] = [[]]
    size = 0
    for raw in entries:
        entry = clip(raw, 1500)
        if pages[-1] and (len(pages[-1]) >= PAGE_ITEMS or size + len(entry) + 2 > DESCRIPTION_MAX - 200):
            pages.append([])
            size = 0
        pages[-1].append(entry)
        size += len(entry) + 2
    shown = pages[:MAX_PAGES]
    hidden = sum(len(p) for p in pages[MAX_PAGES:])
    out = []
    for n, page in enumerate(shown, start=1):
        text = "\n\n".join(page)
        if n == MAX_PAGES and (hidden or more):
            text += f"\n\n…and {'more' if more else f'{hidden} more'}: narrow the query to see them."
        parts = [f"Page {n}" if more else f"Page {n} of {len(shown)}"] if numbered and (len(shown) > 1 or more) else []
        if footer:
            parts.append(footer)
        heading = title if numbered or n == 1 else f"{title} (continued)"
        out.append(embed(heading, text, " · ".join(parts) or None))
    return out


# ---------------------------------------------------------------------- one per command


def _range_line(r: StatusRange, story: StoryView | None) -> str:
    spread = f"{r.low:,}" if r.low == r.high else f"{r.low:,}–{r.high:,}"
    return f"**{safe(_label(story, r.status))}**: {spread} across {plural(r.claimants, 'claimant')}"


def _estimate_line(e: EstimateView) -> str:
    when = dated(e.claimed_on, e.date_basis)
    outlets = carried_text(e.reported_by, e.independent_sources)
    return f"**{safe(e.who)}**: {e.number} ({when}{'; ' + outlets if outlets else ''})"


def _change_line(c: Change, story: StoryView | None, *, dated: bool = False) -> str:
    line = f"**{safe(c.claimant)}** ({safe(_label(story, c.status))}): {c.before:,} → {c.after:,} ({c.delta:+,})"
    return line + (f", {day(c.before_on)} to {day(c.after_on)}" if dated else "")


def estimate_embed(p: EstimatePicture, *, chart_note: str | None = None) -> discord.Embed:
    title = safe(p.story.title) if p.story else "Estimates"
    if not p.latest:
        return embed(title, "No estimates match. Try without filters, or `/sources` to see what is stored.")
    e = embed(f"{title}: the picture now", "\n".join(_range_line(r, p.story) for r in p.ranges))
    claimants = {r.status: r.claimants for r in p.ranges}
    known = p.story.status_names if p.story else []
    for status in [*known, *sorted({x.status for x in p.latest} - set(known))]:
        lines = [_estimate_line(x) for x in p.latest if x.status == status]
        if lines:
            name = f"Latest per claimant: {safe(_label(p.story, status))}"
            add_lines_field(e, name, lines, total=claimants.get(status))
    if p.changes:
        add_lines_field(e, "Who changed their number", [_change_line(c, p.story, dated=True) for c in p.changes])
    footer = footnotes(published_note(*((x.claimed_on, x.date_basis) for x in p.latest)), chart_note)
    if footer:
        e.set_footer(text=clip(footer, FOOTER_MAX))
    return e


def quote_entries(items: Sequence[QuoteView]) -> list[str]:
    out = []
    for q in items:
        role = f", {safe(q.role)}" if q.role else ""
        outlets = carried_text(q.reported_by, q.independent_sources)
        out.append(
            f"> {safe(clip(q.text, 1200))}\n— **{safe(q.speaker or '?')}**{role}, "
            f"{dated(q.claimed_on, q.date_basis)}; {outlets}"
        )
    return out


def quote_pages(items: Sequence[QuoteView], speaker: str, *, more: bool = False) -> list[discord.Embed]:
    """A speaker's quotes, titled with the name they resolved to (not what was typed)."""
    return paginate(
        f"Quotes by {safe(speaker_shown(items, speaker))}",
        quote_entries(items),
        empty=f"No quotes by {safe(speaker)} in the store.",
        footer=footnotes("Newest first", published_note(*((q.claimed_on, q.date_basis) for q in items))),
        more=more,
    )


def search_pages(hits: Sequence[SearchHit], text: str) -> list[discord.Embed]:
    entries = []
    for h in hits:
        snippet = "".join(f"**{safe(t)}**" if hit else safe(t) for t, hit in h.segments())
        entries.append(
            f"{'Quote' if h.kind == 'quote' else 'Claim'} · **{safe(h.who or '?')}** · "
            f"{dated(h.claimed_on, h.date_basis)} · {safe(h.source.label)}\n{snippet}"
        )
    return paginate(
        f"Search: {safe(text)}",
        entries,
        empty=f"Nothing matches {safe(text)}.",
        footer=published_note(*((h.claimed_on, h.date_basis) for h in hits)),
    )


def source_pages(items: Sequence[SourceView], title: str = "Sources", *, numbered: bool = True) -> list[discord.Embed]:
    entries = []
    for s in items:
        if s.copy_of is not None:
            independence = f"near-copy of source {s.copy_of}"
        elif s.rewrite_of is not None:
            independence = f"rewrite of source {s.rewrite_of}"
        else:
            independence = "rewrite" if s.kind.value == "rewrite" else "original reporting"
        headline = safe(s.title or "untitled")
        if s.url and s.url.startswith(("http://", "https://")):
            headline = f"[{headline}]({s.url.replace(')', '%29')})"
        stories = f"; {safe(', '.join(s.stories))}" if s.stories else ""
        entries.append(
            f"**{s.id}. {safe(s.label)}**, {day(s.published)}: {headline}\n"
            f"{plural(s.quotes, 'quote')}, {plural(s.estimates, 'estimate')}; {independence}{stories}"
        )
    return paginate(title, entries, empty="No sources yet.", numbered=numbered)


def timeline_pages(items: Sequence[TimelineItem]) -> list[discord.Embed]:
    entries = []
    for i in items:
        what = f"“{safe(clip(i.what, 600))}”" if i.kind == "quote" else safe(i.what)
        entries.append(
            f"**{dated(i.claimed_on, i.date_basis)}** · **{safe(i.who)}**: {what} "
            f"({', '.join(safe(r) for r in i.reported_by)})"
        )
    return paginate(
        "Timeline of claims",
        entries,
        empty="No dated claims in that period.",
        footer=published_note(*((i.claimed_on, i.date_basis) for i in items)),
    )


def who_pages(result: WhoResult, name: str) -> list[discord.Embed]:
    if result.profile is None:
        if not result.candidates:
            return [embed(f"Who is {safe(name)}?", f"Nobody called {safe(name)} is in the store.")]
        lines = [
            f"**{safe(c.name)}**"
            + (f", {safe(c.role)}" if c.role else "")
            + (f" ({safe(c.affiliation)})" if c.affiliation else "")
            for c in result.candidates
        ]
        return paginate(
            f"{plural(len(result.candidates), 'person or body matches', 'people and bodies match')} {safe(name)}",
            lines,
            empty="",
            footer="Be more specific",
        )
    p = result.profile
    ent = p.entity
    desc = [f"**{safe(ent.name)}**" + (f", {safe(ent.role)}" if ent.role else "")]
    if ent.affiliation:
        desc.append(f"Affiliation: {safe(ent.affiliation)}")
    desc.append(
        f"{plural(p.quote_count, 'quote')} and {plural(p.estimate_count, 'estimate')} stored (copies included)"
        + (f", {day(p.first_claim)} to {day(p.last_claim)}" if p.first_claim else "")
    )
    note = published_note(*((x.claimed_on, x.date_basis) for x in [*p.estimates, *p.quotes]))
    first = embed(f"Who is {safe(ent.name)}?", "\n".join(desc), note)
    if p.estimates:
        add_lines_field(
            first,
            "Latest claims",
            [
                f"{x.number} {safe(x.status)} ({dated(x.claimed_on, x.date_basis)}, {safe(x.source.label)})"
                for x in p.estimates
            ],
        )
    if p.quotes:
        add_lines_field(
            first,
            "Latest quotes",
            [f"“{safe(clip(q.text, 300))}” ({dated(q.claimed_on, q.date_basis)})" for q in p.quotes],
        )
    return [first]


def about_embed(stats: Stats, stories: StorySet) -> discord.Embed:
    e = embed(f"briefings {__version__}", ABOUT)
    e.add_field(name="What it holds", value=holdings(stats), inline=False)
    e.add_field(
        name="Stories", value=clip(safe(followed(stories, stats).partition("\n")[2]), FIELD_VALUE_MAX), inline=False
    )
    e.add_field(
        name="Commands", value="`/estimate` `/quote` `/search` `/sources` `/timeline` `/who` `/about`", inline=False
    )
    return e


# ---------------------------------------------------------------------------- digests

EMBEDS_PER_MESSAGE = 10
MARKER_ROOM = 120  # footer characters kept free for the digest marker


def _digest_embeds(d: Digest) -> list[discord.Embed]:
    span = f"{d.since.strftime('%Y-%m-%d %H:%M')} to {d.until.strftime('%Y-%m-%d %H:%M')} UTC"
    scope = f" on {safe(d.story.title)}" if d.story else ""
    if d.status:
        scope += f" ({safe(_label(d.story, d.status))})"
    if d.empty:
        return [embed(f"Briefing{scope}: no news", f"Nothing new was stored from {span}.")]
    head = [f"What is new from {span}.", *(_range_line(r, d.story) for r in d.ranges)]
    first = embed(f"Briefing{scope}: the numbers now", "\n".join(head))
    if d.moves:
        add_lines_field(
            first,
            "Who moved their estimate",
            [_change_line(c, d.story) for c in d.moves],
        )
    out = [first]
    if d.new_estimates:
        out += paginate(
            "New claims",
            [_estimate_line(e) + f" · {safe(_label(d.story, e.status))}" for e in d.new_estimates],
            empty="",
            footer=published_note(*((e.claimed_on, e.date_basis) for e in d.new_estimates)),
            numbered=False,
        )
    if d.notable_quotes:
        entries = quote_entries(d.notable_quotes)
        if d.other_quotes:
            entries.append(f"…and {plural(d.other_quotes, 'more new quote')}: `/quote` finds them.")
        out += paginate(
            "Notable new quotes",
            entries,
            empty="",
            footer=published_note(*((q.claimed_on, q.date_basis) for q in d.notable_quotes)),
            numbered=False,
        )
    if d.new_sources:
        out += source_pages(d.new_sources, title="New sources", numbered=False)
    return out


def digest_messages(d: Digest, *, marker: str) -> list[list[discord.Embed]]:
    """The digest as messages of at most 10 embeds and 6,000 characters, each marked in its last footer."""
    messages: list[list[discord.Embed]] = [[]]
    size = 0
    for e in _digest_embeds(d):
        if e.footer.text and len(e.footer.text) > FOOTER_MAX - MARKER_ROOM:
            e.set_footer(text=clip(e.footer.text, FOOTER_MAX - MARKER_ROOM))
        n = len(e)
        if messages[-1] and (len(messages[-1]) >= EMBEDS_PER_MESSAGE or size + n > EMBED_TOTAL_MAX - MARKER_ROOM):
            messages.append([])
            size = 0
        messages[-1].append(e)
        size += n
    for i, embeds in enumerate(messages, start=1):
        tag = marker if len(messages) == 1 else f"{marker} · part {i}/{len(messages)}"
        last = embeds[-1]
        last.set_footer(text=f"{last.footer.text} · {tag}" if last.footer.text else tag)
    return messages
