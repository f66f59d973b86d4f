"""Pydantic models shared by extraction, the store and the queries.

Everything here is plain data: no I/O, no discord.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

SEED_STORY = "north-korean-troops"  # the bundled default story: every fact stored before stories is its


class ArticleError(ValueError):
    """An article that cannot be read or stored; the message is one sentence for the user."""


class Qualifier(StrEnum):
    exact = "exact"
    approx = "approx"
    at_least = "at_least"
    more_than = "more_than"
    up_to = "up_to"
    range = "range"


class Status(StrEnum):
    """The default story's statuses (an estimate's status is any story's status name: see briefings.story)."""

    planned = "planned"
    deployed = "deployed"
    frontline = "frontline"
    casualties = "casualties"


class DateBasis(StrEnum):
    """Where a claim's date comes from."""

    stated = "stated"  # resolved from the text ("told lawmakers Thursday")
    published = "published"  # the article's publication date, as a fallback
    unknown = "unknown"  # neither is known


class SourceKind(StrEnum):
    original = "original"
    rewrite = "rewrite"


class EntityKind(StrEnum):
    person = "person"
    body = "body"  # a government, agency, ministry, outlet, country speaking as one
    unknown = "unknown"


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Evidence(Frozen):
    """The sentence a fact was read from, with its character span in the article body."""

    sentence: str
    start: int
    end: int


class EntityRef(Frozen):
    """A person or body as an article names it, with what the article says about it."""

    name: str
    kind: EntityKind = EntityKind.unknown
    role: str | None = None
    affiliation: str | None = None
    aliases: tuple[str, ...] = ()  # other names the article gives it: "NIS" for the National Intelligence Service


class Quote(Frozen):
    text: str
    speaker: str | None  # as the article attributes it, resolved ("John Kirby", "Yoon Suk Yeol's office")
    entity: EntityRef | None  # the person or body the quote belongs to
    date: dt.date | None
    date_basis: DateBasis
    evidence: Evidence


class Estimate(Frozen):
    claimant: str
    entity: EntityRef | None  # None when the outlet itself makes the claim
    voiced_for: EntityRef | None = None  # the body a spokesperson claimant speaks for
    value: int
    low: int | None = None
    high: int | None = None
    qualifier: Qualifier
    status: str  # one of its story's status names ("planned", "killed")
    date: dt.date | None
    date_basis: DateBasis
    evidence: Evidence


class Extraction(Frozen):
    quotes: list[Quote] = Field(default_factory=list)
    estimates: list[Estimate] = Field(default_factory=list)
    entities: list[EntityRef] = Field(default_factory=list)


class ArticleMeta(Frozen):
    outlet: str | None = None
    title: str | None = None
    published: dt.datetime | None = None  # timezone-aware
    url: str | None = None
    kind: SourceKind = SourceKind.original


class Article(Frozen):
    """One article: its metadata and its body text, as read from a file or page."""

    meta: ArticleMeta
    body: str
    origin: str  # where it came from: a path or a URL
