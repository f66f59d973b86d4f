"""Following outlets' feeds: poll (conditional GET), fetch new entries, keep those on the story, ingest.

Faults are isolated per feed and per entry: a feed that times out, answers 404/500, loops its
redirects, serves broken XML or a huge body counts a failure (paused after MAX_FAILURES in a row);
an entry whose page fails is recorded and retried a few times; nothing stops the other feeds.
"""

from __future__ import annotations

import asyncio
import calendar
import datetime as dt
import logging
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import aiohttp
import aiosqlite
import feedparser
from multidict import CIMultiDict

from briefings import __version__
from briefings.articles import ArticleError, parse_article
from briefings.ingest import ingest_article
from briefings.models import Article

log = logging.getLogger(__name__)

USER_AGENT = f"briefings/{__version__} (self-hosted news briefing bot; feed reader)"
FEED_MAX_BYTES = 5_000_000
PAGE_MAX_BYTES = 3_000_000
MAX_REDIRECTS = 5
MAX_FAILURES = 5
ENTRY_ATTEMPTS = 3
DEFAULT_TOPIC = (
    "north korea|north korean|north koreans|pyongyang|dprk; troop|troops|soldier|soldiers|russia|kursk|ukraine"
)
_TRACKING = re.compile(r"^(?:utm_\w+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid|ref|smid|taid)$", re.I)


def make_session(timeout_seconds: float) -> aiohttp.ClientSession:
    """The one HTTP session of a process: created at start-up and passed to whatever fetches."""
    timeout = aiohttp.ClientTimeout(total=timeout_seconds, connect=min(10.0, timeout_seconds))
    return aiohttp.ClientSession(timeout=timeout, headers={"User-Agent": USER_AGENT})


class FetchError(RuntimeError):
    """A fetch that failed; the message says why in one sentence."""


@dataclass(frozen=True)
class Topic:
    """Every group must match somewhere in the title or text; a group matches when any of its words does."""

    groups: tuple[re.Pattern[str], ...]

    @classmethod
    def parse(cls, spec: str) -> Topic:
        groups = []
        for group in spec.split(";"):
            words = [w.strip() for w in group.split("|") if w.strip()]
            if words:
                groups.append(re.compile(r"\b(?:{})\b".format("|".join(re.escape(w) for w in words)), re.I))
        return cls(tuple(groups))

    def matches(self, text: str) -> bool:
        return all(g.search(text) for g in self.groups)


def canonical_url(url: str) -> str:
    """One spelling per page: lower-case scheme and host, no fragment, no tracking parameters."""
    parts = urlsplit(url.strip())
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)])
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))


@dataclass
class Fetched:
    status: int
    body: bytes
    content_type: str
    url: str
    headers: CIMultiDict[str]  # case-insensitive, as HTTP headers are


async def fetch(
    session: aiohttp.ClientSession, url: str, *, max_bytes: int, headers: dict[str, str] | None = None
) -> Fetched:
    """GET with a size cap and a redirect limit; raises FetchError with a one-line reason."""
    try:
        async with session.get(
            url,
            headers={"User-Agent": USER_AGENT, **(headers or {})},
            max_redirects=MAX_REDIRECTS,
            allow_redirects=True,
        ) as resp:
            if resp.status == 304:
                return Fetched(304, b"", "", str(resp.url), CIMultiDict(resp.headers))
            if resp.status >= 400:
                raise FetchError(f"the server answered {resp.status} {resp.reason or ''}".strip())
            declared = resp.content_length
            if declared is not None and declared > max_bytes:
                raise FetchError(f"the body is {declared:,} bytes, over the {max_bytes:,}-byte limit")
            body = bytearray()
            async for chunk in resp.content.iter_chunked(65536):
                body += chunk
                if len(body) > max_bytes:
                    raise FetchError(f"the body is over the {max_bytes:,}-byte limit")
            return Fetched(resp.status, bytes(body), resp.content_type or "", str(resp.url), CIMultiDict(resp.headers))
    except aiohttp.TooManyRedirects:
        raise FetchError(f"more than {MAX_REDIRECTS} redirects (a redirect loop?)") from None
    except TimeoutError:
        raise FetchError("the server did not answer in time") from None
    except aiohttp.ClientError as exc:
        raise FetchError(f"the connection failed ({exc.__class__.__name__}: {exc})") from None


# ------------------------------------------------------------------------------ store


@dataclass(frozen=True)
class Feed:
    id: int
    url: str
    title: str | None
    every_minutes: int
    etag: str | None
    last_modified: str | None
    last_success: str | None
    last_error: str | None
    failures: int
    paused_reason: str | None
    articles_taken: int
    entries_failed: int


def _feed(r: aiosqlite.Row) -> Feed:
    return Feed(
        id=r["id"],
        url=r["url"],
        title=r["title"],
        every_minutes=r["every_minutes"],
        etag=r["etag"],
        last_modified=r["last_modified"],
        last_success=r["last_success"],
        last_error=r["last_error"],
        failures=r["failures"],
        paused_reason=r["paused_reason"],
        articles_taken=r["articles_taken"],
        entries_failed=r["entries_failed"],
    )


async def add_feed(conn: aiosqlite.Connection, url: str, *, every_minutes: int = 30, now: dt.datetime) -> Feed:
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise FetchError(f"'{url}' is not an http(s) address of a feed")
    if not 5 <= every_minutes <= 10080:
        raise FetchError("poll every 5 minutes at the most often, and at least once a week")
    try:
        cur = await conn.execute(
            "INSERT INTO feeds (url, every_minutes, added_at) VALUES (?, ?, ?)",
            (url.strip(), every_minutes, now.astimezone(dt.UTC).isoformat()),
        )
    except aiosqlite.IntegrityError:
        raise FetchError(f"{url} is already followed") from None
    feed = await get_feed(conn, cur.lastrowid or 0)
    assert feed is not None
    return feed


async def get_feed(conn: aiosqlite.Connection, feed_id: int) -> Feed | None:
    async with conn.execute("SELECT * FROM feeds WHERE id = ?", (feed_id,)) as cur:
        row = await cur.fetchone()
    return _feed(row) if row else None


async def list_feeds(conn: aiosqlite.Connection) -> list[Feed]:
    async with conn.execute("SELECT * FROM feeds ORDER BY id") as cur:
        return [_feed(r) for r in await cur.fetchall()]


async def remove_feed(conn: aiosqlite.Connection, feed_id: int) -> bool:
    cur = await conn.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))
    return cur.rowcount > 0


async def resume_feed(conn: aiosqlite.Connection, feed_id: int) -> bool:
    cur = await conn.execute("UPDATE feeds SET paused_reason = NULL, failures = 0 WHERE id = ?", (feed_id,))
    return cur.rowcount > 0


# ------------------------------------------------------------------------------- polling


@dataclass
class PollResult:
    feed_id: int
    taken: int = 0
    skipped: int = 0
    failed: int = 0
    error: str | None = None
    not_modified: bool = False


class Poller:
    """Polls feeds with one shared HTTP session, passed in; each feed on its own."""

    def __init__(
        self,
        conn: aiosqlite.Connection,
        session: aiohttp.ClientSession,
        *,
        topic: Topic | None = None,
        on_ingest: asyncio.Event | None = None,
    ) -> None:
        self.conn = conn
        self.session = session
        self.topic = topic or Topic.parse(DEFAULT_TOPIC)
        self.on_ingest = on_ingest
        self._locks: dict[int, asyncio.Lock] = {}

    async def poll_all(self, now: dt.datetime | None = None) -> list[PollResult]:
        feeds = [f for f in await list_feeds(self.conn) if not f.paused_reason]
        return list(await asyncio.gather(*(self.poll(f.id, now) for f in feeds)))

    async def poll(self, feed_id: int, now: dt.datetime | None = None) -> PollResult:
        now = now or dt.datetime.now(dt.UTC)
        lock = self._locks.setdefault(feed_id, asyncio.Lock())
        async with lock:
            feed = await get_feed(self.conn, feed_id)
            if feed is None:
                return PollResult(feed_id, error="no such feed")
            if feed.paused_reason:
                return PollResult(feed_id, error=feed.paused_reason)
            try:
                return await self._poll(feed, now)
            except FetchError as exc:
                return await self._failed(feed, now, str(exc))

    async def _failed(self, feed: Feed, now: dt.datetime, error: str) -> PollResult:
        failures = feed.failures + 1
        paused = f"paused after {failures} failed polls in a row: {error}" if failures >= MAX_FAILURES else None
        await self.conn.execute(
            "UPDATE feeds SET last_polled = ?, last_error = ?, failures = ?, paused_reason = ? WHERE id = ?",
            (now.isoformat(), error, failures, paused, feed.id),
        )
        log.warning("feed %s (%s) failed (%d in a row): %s", feed.id, feed.url, failures, error)
        return PollResult(feed.id, error=error)

    async def _poll(self, feed: Feed, now: dt.datetime) -> PollResult:
        conditional = {}
        if feed.etag:
            conditional["If-None-Match"] = feed.etag
        if feed.last_modified:
            conditional["If-Modified-Since"] = feed.last_modified
        got = await fetch(self.session, feed.url, max_bytes=FEED_MAX_BYTES, headers=conditional)
        result = PollResult(feed.id)
        if got.status == 304:
            result.not_modified = True
        else:
            parsed = feedparser.parse(got.body)
            if not parsed.entries and (parsed.bozo or not parsed.get("version")):
                raise FetchError(f"the feed is not readable RSS or Atom ({parsed.get('bozo_exception')})")
            title = parsed.feed.get("title") or feed.title
            for entry in parsed.entries:
                await self._entry(feed, title, entry, now, result)
            await self.conn.execute(
                "UPDATE feeds SET title = COALESCE(?, title), etag = ?, last_modified = ? WHERE id = ?",
                (title, got.headers.get("ETag"), got.headers.get("Last-Modified"), feed.id),
            )
        await self.conn.execute(
            """UPDATE feeds SET last_polled = ?, last_success = ?, last_error = NULL, failures = 0,
                      articles_taken = articles_taken + ?, entries_failed = entries_failed + ? WHERE id = ?""",
            (now.isoformat(), now.isoformat(), result.taken, result.failed, feed.id),
        )
        if result.taken and self.on_ingest is not None:
            self.on_ingest.set()
        return result

    async def _entry(self, feed: Feed, outlet: str | None, entry: dict, now: dt.datetime, result: PollResult) -> None:
        link = entry.get("link")
        if not link:
            return
        key = str(entry.get("id") or link)
        url = canonical_url(link)
        async with self.conn.execute(
            "SELECT outcome, attempts FROM feed_entries WHERE feed_id = ? AND entry_key = ?", (feed.id, key)
        ) as cur:
            seen = await cur.fetchone()
        if seen is not None and (seen["outcome"] != "failed" or seen["attempts"] >= ENTRY_ATTEMPTS):
            result.skipped += 1  # already taken: a feed that re-dates its entries changes nothing
            return
        outcome, error, source_id = await self._take(url, outlet, entry)
        if outcome == "ingested":
            result.taken += 1
        elif outcome == "failed":
            result.failed += 1
        else:
            result.skipped += 1
        await self.conn.execute(
            """INSERT INTO feed_entries (feed_id, entry_key, url, outcome, error, source_id, first_seen)
               VALUES (?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (feed_id, entry_key) DO UPDATE SET outcome = excluded.outcome, error = excluded.error,
                   source_id = excluded.source_id, attempts = feed_entries.attempts + 1""",
            (feed.id, key, url, outcome, error, source_id, now.isoformat()),
        )

    async def _take(self, url: str, outlet: str | None, entry: dict) -> tuple[str, str | None, int | None]:
        async with self.conn.execute("SELECT id FROM sources WHERE url = ? LIMIT 1", (url,)) as cur:
            known = await cur.fetchone()
        if known is not None:
            return "duplicate", None, known[0]
        try:
            article = await fetch_article(self.session, url, outlet=outlet, entry=entry)
        except (FetchError, ArticleError) as exc:
            log.info("entry %s not taken: %s", url, exc)
            return "failed", str(exc), None
        if not self.topic.matches(f"{article.meta.title or ''}\n{article.body}"):
            return "off-topic", None, None
        added = await ingest_article(self.conn, article)
        return ("ingested" if added.added else "duplicate"), None, added.source_id


async def fetch_article(
    session: aiohttp.ClientSession, url: str, *, outlet: str | None = None, entry: dict | None = None
) -> Article:
    """A page's main text as an article, with the feed entry's title and date when it has them."""
    got = await fetch(session, url, max_bytes=PAGE_MAX_BYTES)
    if got.content_type not in {"text/html", "application/xhtml+xml"}:
        raise FetchError(f"the page is {got.content_type or 'of no declared type'}, not HTML")
    article = parse_article(got.body, url, ".html")
    meta = article.meta.model_copy(update={"url": canonical_url(url), "outlet": article.meta.outlet or outlet})
    if entry is not None:
        if entry.get("title"):
            meta = meta.model_copy(update={"title": entry["title"]})
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        if stamp and meta.published is None:
            meta = meta.model_copy(update={"published": dt.datetime.fromtimestamp(calendar.timegm(stamp), dt.UTC)})
    return article.model_copy(update={"meta": meta})
