"""A digest: what is new in the store between two moments, shaped as a briefing."""

from __future__ import annotations

import datetime as dt

from briefings.answers import queries
from briefings.answers.queries import story_picture, story_view
from briefings.answers.views import Change, EstimateView, QuoteView, SourceView, StatusRange, StoryView, View
from briefings.store.db import Connection
from briefings.story import Story
from briefings.storyset import default_stories

NOTABLE_QUOTES = 5


class Digest(View):
    since: dt.datetime
    until: dt.datetime
    story: StoryView | None = None  # whose news: its words label the briefing
    status: str | None
    ranges: list[StatusRange]  # the headline numbers as they stand at `until`
    moves: list[Change]  # claimants whose new claim moved their number
    new_estimates: list[EstimateView]
    notable_quotes: list[QuoteView]
    other_quotes: int
    new_sources: list[SourceView]

    @property
    def empty(self) -> bool:
        return not (self.new_estimates or self.notable_quotes or self.new_sources)


def _notability(q: QuoteView) -> tuple[int, int, int]:
    """Quotes carried by more independent outlets first, then those by named people, then longer."""
    return (q.independent_sources, int(q.entity_id is not None), min(len(q.text), 300))


async def build_digest(
    conn: Connection,
    since: dt.datetime,
    until: dt.datetime,
    *,
    story: Story | None = None,
    status: str | None = None,
) -> Digest:
    """A story's facts stored in (since, until] (`story`: the default one); the same bounds always
    give the same digest, and no other story's facts are in it."""
    story = story or default_stories().implied()
    new = await queries.new_since(conn, since, until, story=story.name)
    picture = await story_picture(conn, story, status=status, stored_until=until)
    estimates = [e for e in new.estimates if status is None or e.status == status]
    fresh = {(e.claimant, e.status) for e in estimates}
    quotes = sorted(new.quotes, key=_notability, reverse=True)
    return Digest(
        since=since,
        until=until,
        story=story_view(story),
        status=status,
        ranges=picture.ranges,
        moves=[c for c in picture.changes if (c.claimant, c.status) in fresh],
        new_estimates=estimates,
        notable_quotes=quotes[:NOTABLE_QUOTES],
        other_quotes=max(0, len(quotes) - NOTABLE_QUOTES),
        new_sources=new.sources,
    )
