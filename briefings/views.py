"""What queries return: plain pydantic views that the CLI, the console and the bot all render."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from briefings.models import DateBasis, EntityKind, Qualifier, SourceKind, Status

HEDGE_WORDS = {
    Qualifier.exact: "",
    Qualifier.approx: "about ",
    Qualifier.at_least: "at least ",
    Qualifier.more_than: "more than ",
    Qualifier.up_to: "up to ",
    Qualifier.range: "",
}


class View(BaseModel):
    model_config = ConfigDict(frozen=True)


class SourceRef(View):
    id: int
    outlet: str | None
    title: str | None
    published: dt.datetime | None
    url: str | None

    @property
    def label(self) -> str:
        return self.outlet or self.title or f"source {self.id}"


class EstimateView(View):
    id: int
    claimant: str
    entity_id: int | None
    value: int
    low: int | None
    high: int | None
    qualifier: Qualifier
    status: Status
    claimed_on: dt.date | None
    date_basis: DateBasis
    source: SourceRef
    sentence: str
    reported_by: list[str]  # outlets carrying the same claim, copies and rewrites folded in
    independent_sources: int  # sources that are not copies or rewrites of each other

    @property
    def number(self) -> str:
        """ "at least 3,000", "1,000–3,000"."""
        if self.qualifier is Qualifier.range and self.low is not None and self.high is not None:
            return f"{self.low:,}–{self.high:,}"
        return f"{HEDGE_WORDS[self.qualifier]}{self.value:,}"


class Change(View):
    claimant: str
    status: Status
    before: int
    after: int
    before_on: dt.date | None
    after_on: dt.date | None

    @property
    def delta(self) -> int:
        return self.after - self.before


class StatusRange(View):
    status: Status
    low: int
    high: int
    claimants: int


class HistoryPoint(View):
    claimant: str
    status: Status
    claimed_on: dt.date
    value: int


class EstimatePicture(View):
    """The latest number per claimant and status, the range across claimants, who moved."""

    latest: list[EstimateView]
    ranges: list[StatusRange]
    changes: list[Change]
    history: list[HistoryPoint]


class QuoteView(View):
    id: int
    speaker: str | None
    entity_id: int | None
    role: str | None
    text: str
    claimed_on: dt.date | None
    date_basis: DateBasis
    source: SourceRef
    reported_by: list[str]
    independent_sources: int


class SearchHit(View):
    kind: str  # "quote" or "estimate"
    id: int
    who: str | None
    text: str  # the quote, or the sentence of the estimate
    snippet: str  # the matching words marked with [ ]
    # the same snippet as (text, is a match) pieces: a bracket in the article is no mark
    snippet_parts: list[tuple[str, bool]] = []
    claimed_on: dt.date | None
    source: SourceRef


class SourceView(View):
    id: int
    outlet: str | None
    title: str | None
    published: dt.datetime | None
    url: str | None
    origin: str
    kind: SourceKind
    copy_of: int | None
    rewrite_of: int | None
    quotes: int
    estimates: int
    ingested_at: dt.datetime


class TimelineItem(View):
    claimed_on: dt.date
    date_basis: DateBasis
    kind: str  # "estimate" or "quote"
    who: str
    what: str  # "about 12,000 planned" or the quote
    source: SourceRef
    reported_by: list[str]


class EntityView(View):
    id: int
    name: str
    kind: EntityKind
    role: str | None
    affiliation: str | None
    aliases: list[str]


class Profile(View):
    entity: EntityView
    quotes: list[QuoteView]  # the latest few, copies folded
    estimates: list[EstimateView]  # the latest few, copies folded
    quote_count: int  # every stored quote, copies included
    estimate_count: int
    first_claim: dt.date | None
    last_claim: dt.date | None


class WhoResult(View):
    """A profile when the name is one person or body; otherwise the candidates."""

    profile: Profile | None
    candidates: list[EntityView]


class NewSince(View):
    """What was stored after a moment: the raw material of a digest."""

    since: dt.datetime
    until: dt.datetime
    estimates: list[EstimateView]
    quotes: list[QuoteView]
    sources: list[SourceView]

    @property
    def empty(self) -> bool:
        return not (self.estimates or self.quotes or self.sources)


class Stats(View):
    sources: int
    quotes: int
    estimates: int
    entities: int
    first_claim: dt.date | None
    last_claim: dt.date | None
