"""Ingest: files and folders in, one transaction per article, one clear line per problem."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from briefings.articles import MAX_ARTICLE_BYTES, ArticleError, parse_article
from briefings.extract import extract
from briefings.models import Article
from briefings.store import AddResult, add_article

log = logging.getLogger(__name__)

ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".article", ".html", ".htm"})


@dataclass(frozen=True, slots=True)
class IngestLine:
    """The outcome for one path: `result` when stored (or already stored), `error` otherwise."""

    path: str
    result: AddResult | None = None
    error: str | None = None

    def describe(self) -> str:
        if self.error is not None:
            return f"error: {self.path}: {self.error}"
        r = self.result
        assert r is not None
        if not r.added:
            return f"unchanged: {self.path} (already stored as source {r.source_id})"
        extra = ""
        if r.copy_of is not None:
            extra = f"; a near-copy of source {r.copy_of}, not counted as independent"
        elif r.rewrite_of is not None:
            extra = f"; a rewrite of source {r.rewrite_of}, not counted as independent"
        return f"added: {self.path} as source {r.source_id}: {r.quotes} quotes, {r.estimates} estimates{extra}"


def expand(paths: Iterable[str]) -> Iterator[tuple[str, Path | None, str | None]]:
    """Each article file under the given paths, sorted; a missing path gives an error instead."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES)
            if not files:
                yield raw, None, "is a folder with no article files (.txt, .md, .html)"
            for f in files:
                yield str(f), f, None
        elif path.is_file():
            yield raw, path, None
        elif path.exists():
            yield raw, None, "is not a regular file"
        else:
            yield raw, None, "does not exist"


def read_article(path: Path, default_tz: dt.tzinfo = dt.UTC) -> Article:
    size = path.stat().st_size
    if size > MAX_ARTICLE_BYTES:
        raise ArticleError(f"is {size:,} bytes, over the {MAX_ARTICLE_BYTES:,}-byte limit for one article")
    return parse_article(path.read_bytes(), str(path), path.suffix, default_tz)


async def ingest_article(conn: aiosqlite.Connection, article: Article, *, now: dt.datetime | None = None) -> AddResult:
    published = article.meta.published.date() if article.meta.published else None
    facts = extract(article.body, published, article.meta.outlet)
    return await add_article(conn, article, facts, now=now)


async def ingest_paths(
    conn: aiosqlite.Connection, paths: Iterable[str], *, now: dt.datetime | None = None
) -> list[IngestLine]:
    """Ingest every article under `paths`; a bad file is reported and the rest still go in."""
    lines = []
    for shown, path, problem in expand(paths):
        if path is None:
            lines.append(IngestLine(shown, error=problem))
            continue
        try:
            article = read_article(path)
            result = await ingest_article(conn, article, now=now)
        except ArticleError as exc:
            lines.append(IngestLine(shown, error=str(exc)))
            continue
        except OSError as exc:
            lines.append(IngestLine(shown, error=f"cannot be read ({exc.strerror or exc})"))
            continue
        log.info("ingested %s as source %s", shown, result.source_id)
        lines.append(IngestLine(shown, result=result))
    return lines
