"""What queries return: plain pydantic views that the CLI, the console and the bot all render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from briefings.models import SEED_STORY, DateBasis, EntityKind, Qualifier, SourceKind
from briefings.words import source_label

if TYPE_CHECKING:
    from briefings.scale.jobs import Job
    from briefings.sources.feeds import EntryFailure, Feed, PollResult

HEDGE_WORDS = {
    Qualifier.exact: "",
    Qualifier.approx: "about ",
    Qualifier.at_least: "at least ",
    Qualifier.more_than: "more than ",
    Qualifier.up_to: "up to ",
    Qualifier.range: "",
}


# how every face words a view's parts (the terminal and the bot alike)
PUBLISHED_MARK = "*"
PUBLISHED_NOTE = "* dated by the article's publication, not by the text"


def day(d: dt.date | dt.datetime | None) -> str:
    if d is None:
        return "date unknown"
    if isinstance(d, dt.datetime):
        d = d.date()
    return d.isoformat()


def dated(d: dt.date | None, basis: DateBasis) -> str:
    """A claim's day, with the mark of a date taken from the article's publication."""
    return day(d) + (PUBLISHED_MARK if d is not None and basis is DateBasis.published else "")


def carried(reported_by: list[str], independent: int) -> str:
    """ "NBC News, Scypre.com (1 independent)": the outlets carrying a claim."""
    if not reported_by:
        return ""
    text = ", ".join(reported_by)
    if len(reported_by) > independent:
        text += f" ({independent} independent)"
    return text


def speaker_shown(items: Sequence[QuoteView], typed: str) -> str:
    """The name quotes are shown under: the person they resolved to, else what was typed."""
    names = {q.speaker for q in items if q.speaker}
    return names.pop() if len(names) == 1 else typed


def number(value: int, low: int | None, high: int | None, qualifier: Qualifier) -> str:
    """A number as its claimant hedged it: "at least 3,000", "1,000–3,000"."""
    if qualifier is Qualifier.range and low is not None and high is not None:
        return f"{low:,}–{high:,}"
    return f"{HEDGE_WORDS[qualifier]}{value:,}"


class View(BaseModel):
    model_config = ConfigDict(frozen=True)


class StoryView(View):
    """A story as the answers name it: its name and title, and its statuses' labels, in its order."""

    name: str
    title: str
    statuses: list[tuple[str, str]] = []  # (name, label)

    def label(self, status: str) -> str:
        """A status as the story labels it ("Deployed (in Russia)"); its name when it has no label."""
        return next((label for name, label in self.statuses if name == status), status)

    @property
    def status_names(self) -> list[str]:
        return [name for name, _ in self.statuses]


class SourceRef(View):
    id: int
    outlet: str | None
    title: str | None
    published: dt.datetime | None
    url: str | None
    origin: str  # the path or address it was ingested from

    @property
    def label(self) -> str:
        return source_label(self.id, self.outlet, self.origin)


class EstimateView(View):
    id: int
    claimant: str
    entity_id: int | None
    voiced_by: str | None = None  # the spokesperson who voiced the claimant body's claim
    value: int
    low: int | None
    high: int | None
    qualifier: Qualifier
    status: str  # one of its story's statuses
    story: str = SEED_STORY
    claimed_on: dt.date | None
    date_basis: DateBasis
    source: SourceRef
    sentence: str
    reported_by: list[str]  # outlets carrying the same claim, copies and rewrites folded in
    independent_sources: int  # sources that are not copies or rewrites of each other

    @property
    def number(self) -> str:
        """ "at least 3,000", "1,000–3,000"."""
        return number(self.value, self.low, self.high, self.qualifier)

    @property
    def who(self) -> str:
        """The claimant as shown: "Pentagon (Sabrina Singh)" for a claim a spokesperson voiced."""
        return f"{self.claimant} ({self.voiced_by})" if self.voiced_by else self.claimant


class Change(View):
    claimant: str
    status: str
    before: int
    after: int
    before_on: dt.date | None
    after_on: dt.date | None

    @property
    def delta(self) -> int:
        return self.after - self.before


class StatusRange(View):
    status: str
    low: int
    high: int
    claimants: int


class HistoryPoint(View):
    claimant: str
    status: str
    claimed_on: dt.date
    value: int


class EstimatePicture(View):
    """The latest number per claimant and status, the range across claimants, who moved."""

    latest: list[EstimateView]
    ranges: list[StatusRange]
    changes: list[Change]
    history: list[HistoryPoint]
    story: StoryView | None = None  # whose picture: its words label the answer


class QuoteView(View):
    id: int
    speaker: str | None
    entity_id: int | None
    role: str | None
    affiliation: str | None
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
    snippet: str  # the part of the text around the matches, as plain text
    highlights: list[tuple[int, int]]  # [start, end) of each matching word in the snippet
    claimed_on: dt.date | None
    date_basis: DateBasis
    source: SourceRef

    def segments(self) -> list[tuple[str, bool]]:
        """The snippet cut into (text, is_a_match) pieces, for a face to style the matches its own way."""
        out: list[tuple[str, bool]] = []
        at = 0
        for start, end in self.highlights:
            if start > at:
                out.append((self.snippet[at:start], False))
            out.append((self.snippet[start:end], True))
            at = end
        if at < len(self.snippet):
            out.append((self.snippet[at:], False))
        return out


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
    stories: list[str] = []  # the stories it belongs to

    @property
    def label(self) -> str:
        return source_label(self.id, self.outlet, self.origin)


class RemovedSource(View):
    """A source removed with its facts; `independent_now` are its former copies and rewrites, which
    now count as their own (or their chain's) independent source."""

    id: int
    outlet: str | None
    title: str | None
    url: str | None
    origin: str
    published: dt.datetime | None
    quotes: int
    estimates: int
    independent_now: list[int]


class TimelineItem(View):
    """One claim on its day: an estimate (value, qualifier, status...) or a quote (text)."""

    claimed_on: dt.date
    date_basis: DateBasis
    kind: str  # "estimate" or "quote"
    id: int  # the estimate's or the quote's id
    who: str
    entity_id: int | None
    text: str | None  # the quote; None for an estimate
    value: int | None  # the estimate's number; None for a quote
    low: int | None
    high: int | None
    qualifier: Qualifier | None
    status: str | None
    source: SourceRef
    reported_by: list[str]
    independent_sources: int

    @property
    def what(self) -> str:
        """ "about 12,000 planned", or the quote."""
        if self.kind == "quote" or self.value is None or self.qualifier is None or self.status is None:
            return self.text or ""
        return f"{number(self.value, self.low, self.high, self.qualifier)} {self.status}"


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
    stories: dict[str, int] = {}  # sources per story
    sources: int
    quotes: int
    estimates: int
    entities: int
    first_claim: dt.date | None
    last_claim: dt.date | None


class EntryErrorView(View):
    """A feed's entry whose last try failed: its address, why, how many tries it had, and whether
    the next poll tries it again."""

    url: str
    error: str | None
    attempts: int
    retried: bool  # tried again at the next poll


class FeedView(View):
    """A followed feed: when it last worked, its last error, what it took, whether it is paused, and
    its entries whose last try failed (the newest few, and how many in all)."""

    id: int
    url: str
    title: str | None
    every_minutes: int
    state: str  # "active", "retrying" or why it is paused
    last_success: dt.datetime | None
    last_error: str | None
    failures: int  # in a row
    articles_taken: int
    entries_failed: int
    entry_errors: list[EntryErrorView]
    entry_errors_total: int
    stories: list[str] = []  # the stories it feeds

    @classmethod
    def of(cls, feed: Feed, entry_errors: tuple[list[EntryFailure], int] = ([], 0)) -> FeedView:
        shown, total = entry_errors
        return cls(
            id=feed.id,
            url=feed.url,
            title=feed.title,
            every_minutes=feed.every_minutes,
            state=feed.paused_reason or ("retrying" if feed.failures else "active"),
            last_success=dt.datetime.fromisoformat(feed.last_success) if feed.last_success else None,
            last_error=feed.last_error,
            failures=feed.failures,
            articles_taken=feed.articles_taken,
            entries_failed=feed.entries_failed,
            entry_errors=[
                EntryErrorView(url=e.url, error=e.error, attempts=e.attempts, retried=e.retried) for e in shown
            ],
            entry_errors_total=total,
            stories=list(feed.stories),
        )


class JobView(View):
    """One ingest job in the queue (`briefings jobs`): what it is, where it stands, what came of it."""

    id: int
    kind: str  # file, page or feed-entry
    origin: str
    state: str  # queued, running, done or failed
    attempts: int
    outcome: str | None  # done: added, unchanged, ingested, duplicate, off-topic
    source_id: int | None
    error: str | None  # the last failed attempt's
    feed_id: int | None

    @classmethod
    def of(cls, job: Job) -> JobView:
        return cls(
            id=job.id,
            kind=job.kind,
            origin=job.origin,
            state=job.state,
            attempts=job.attempts,
            outcome=job.outcome,
            source_id=job.source_id,
            error=job.error,
            feed_id=job.feed_id,
        )


class PollView(View):
    """One feed's poll: "ok", "not modified" or its error, and what its entries came to."""

    feed_id: int
    state: str
    error: str | None
    taken: int
    skipped: int
    failed: int

    @classmethod
    def of(cls, r: PollResult) -> PollView:
        state = "error" if r.error else ("not modified" if r.not_modified else "ok")
        if r.unfinished:
            state = "ok, unfinished: the rest next poll"
        if r.queued:
            state += f" ({r.queued} entries queued for the workers)"
        return cls(feed_id=r.feed_id, state=state, error=r.error, taken=r.taken, skipped=r.skipped, failed=r.failed)


class IngestItem(View):
    """One path or address given to `ingest`, and what came of it."""

    path: str
    outcome: str  # "added", "unchanged" or "failed"
    source_id: int | None
    quotes: int
    estimates: int
    copy_of: int | None
    rewrite_of: int | None
    error: str | None
