"""Ingest: files, folders and web pages in, one transaction per article, one clear line per item.

Reading (HTML to text) and extraction run in worker processes within a time budget
(`briefings.sources.worker`); whatever goes wrong with one item is that item's one-line error, and the
rest still go in.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from briefings.models import Article, ArticleError
from briefings.sources.articles import MAX_ARTICLE_BYTES, is_html, parse_article
from briefings.sources.web import FetchError, canonical_url, fetch
from briefings.sources.worker import Extractor
from briefings.store.db import Connection
from briefings.store.facts import AddResult, add_article, find_stored
from briefings.story import Story
from briefings.storyset import StorySet, default_stories
from briefings.words import plural

log = logging.getLogger(__name__)

ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".article", ".html", ".htm"})
PAGE_MAX_BYTES = 3_000_000
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_URL = re.compile(r"^https?://", re.I)


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
        facts = f"{plural(r.quotes, 'quote')}, {plural(r.estimates, 'estimate')}"
        return f"added: {self.path} as source {r.source_id}: {facts}{extra}"


@dataclass(frozen=True, slots=True)
class _Item:
    shown: str
    path: Path | None = None
    url: str | None = None
    problem: str | None = None


def expand_items(items: Iterable[str]) -> Iterator[_Item]:
    """Each web address, and each article file under the given paths (sorted), in the order given;
    a missing path gives a problem instead."""
    for raw in items:
        if _URL.match(raw):
            yield _Item(raw, url=raw)
            continue
        path = Path(raw)
        try:
            if path.is_dir():
                files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES)
                if not files:
                    yield _Item(raw, problem="is a folder with no article files (.txt, .md, .html)")
                for f in files:
                    yield _Item(str(f), path=f)
            elif path.is_file():
                yield _Item(raw, path=path)
            elif path.exists():
                yield _Item(raw, problem="is not a regular file")
            else:
                yield _Item(raw, problem="does not exist")
        except OSError as exc:  # a folder that cannot be listed
            yield _Item(raw, problem=f"cannot be read ({exc.strerror or exc})")


def item_error(exc: Exception) -> str:
    """What went wrong with one item, in one line for the user (the traceback is logged)."""
    if isinstance(exc, ArticleError | FetchError):
        return str(exc)
    return f"failed ({fault(exc)}); it was not stored"


def log_item_fault(logger: logging.Logger, what: str, exc: Exception) -> None:
    """One item's failure in the log: one line for what an item may do (a 404, a file that is not an
    article), the traceback only for what no item should cause (a bug)."""
    if isinstance(exc, ArticleError | FetchError):
        logger.info("%s: %s", what, exc)
    else:
        logger.info("%s", what, exc_info=exc)


def fault(exc: BaseException) -> str:
    """An unexpected exception in one line: its class and the start of its message."""
    detail = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


async def read_file(path: Path) -> bytes:
    """An article file's bytes, refused in one sentence when it is over the size cap or unreadable."""
    try:
        size = (await asyncio.to_thread(path.stat)).st_size
        if size > MAX_ARTICLE_BYTES:
            raise ArticleError(f"is {size:,} bytes, over the {MAX_ARTICLE_BYTES:,}-byte limit for one article")
        return await asyncio.to_thread(path.read_bytes)
    except OSError as exc:
        raise ArticleError(f"cannot be read ({exc.strerror or exc})") from None


async def article_of(extractor: Extractor, data: bytes, origin: str, suffix: str) -> Article:
    """A file's bytes as an article: HTML read by trafilatura (CPU work, in a worker), anything else
    by its front matter and text (one linear pass)."""
    if is_html(data[:500].decode("utf-8", errors="replace"), suffix):
        return await extractor.read(data, origin, suffix)
    return parse_article(data, origin, suffix)


async def read_article(extractor: Extractor, path: Path) -> Article:
    return await article_of(extractor, await read_file(path), str(path), path.suffix)


async def fetch_article(
    session: aiohttp.ClientSession, extractor: Extractor, url: str, *, outlet: str | None = None
) -> Article:
    """A page's main text as an article, decoded by its declared charset, read in a worker."""
    got = await fetch(session, url, max_bytes=PAGE_MAX_BYTES)
    if got.content_type not in HTML_TYPES:
        raise FetchError(f"the page is {got.content_type or 'of no declared type'}, not HTML")
    article = await extractor.read_page(got.body, url, got.charset)
    meta = article.meta.model_copy(update={"url": canonical_url(url), "outlet": article.meta.outlet or outlet})
    return article.model_copy(update={"meta": meta})


def article_text(article: Article) -> str:
    """What a story's topic is matched against: the title and the text."""
    return f"{article.meta.title or ''}\n{article.body}"


def stories_of(article: Article, stories: StorySet, named: str | None = None) -> tuple[Story, ...]:
    """The stories an article belongs to (see `StorySet.of_article`); none is that article's error."""
    found = stories.of_article(article_text(article), named)
    if not found:
        raise ArticleError(f"matches no story's topic ({', '.join(stories.names)}); name its story with --story")
    return tuple(found)


async def ingest_article(
    conn: Connection,
    article: Article,
    *,
    extractor: Extractor | None = None,
    now: dt.datetime | None = None,
    stories: StorySet | None = None,
    story: str | None = None,
) -> AddResult:
    """Extract (in a worker, within its budget) and store one article, once for each story it
    belongs to (the one named by `story`, else those whose topic it matches, else the default); one
    already stored is not extracted again. Without an extractor, one is started for this article alone."""
    stored = await find_stored(conn, article)
    if stored is not None:
        return AddResult(source_id=stored, added=False)
    belongs = stories_of(article, stories or default_stories(), story)
    if extractor is None:
        async with Extractor() as own:
            facts = await own.extract_stories(article, belongs)
    else:
        facts = await extractor.extract_stories(article, belongs)
    return await add_article(conn, article, facts, now=now)


async def ingest_each(
    conn: Connection,
    items: Iterable[str],
    *,
    extractor: Extractor,
    session: aiohttp.ClientSession | None = None,
    now: dt.datetime | None = None,
    stories: StorySet | None = None,
    story: str | None = None,
) -> AsyncIterator[IngestLine]:
    """Ingest every article under `items` (files, folders and, with a session, http(s) addresses),
    yielding each one's line as soon as it is known. Whatever goes wrong with one item is its error
    line; the rest still go in."""
    for item in expand_items(items):
        if item.problem is not None:
            yield IngestLine(item.shown, error=item.problem)
            continue
        try:
            if item.url is not None:
                if session is None:
                    raise ArticleError("is a web address; only the command line's ingest fetches pages")
                article = await fetch_article(session, extractor, item.url)
            else:
                assert item.path is not None
                article = await read_article(extractor, item.path)
            result = await ingest_article(conn, article, extractor=extractor, now=now, stories=stories, story=story)
        except Exception as exc:
            log_item_fault(log, f"{item.shown} not ingested", exc)
            yield IngestLine(item.shown, error=item_error(exc))
            continue
        log.debug("ingested %s as source %s", item.shown, result.source_id)
        yield IngestLine(item.shown, result=result)


async def ingest_paths(
    conn: Connection,
    paths: Iterable[str],
    *,
    now: dt.datetime | None = None,
    extractor: Extractor | None = None,
    stories: StorySet | None = None,
    story: str | None = None,
) -> list[IngestLine]:
    """Ingest every article under `paths`; a bad file is reported and the rest still go in.
    Without an extractor, one (with the default budget) is started for this batch."""
    if extractor is None:
        async with Extractor() as own:
            return await ingest_paths(conn, paths, now=now, extractor=own, stories=stories, story=story)
    return [line async for line in ingest_each(conn, paths, extractor=extractor, now=now, stories=stories, story=story)]
