"""Following outlets' feeds: poll (conditional GET), fetch new entries, keep those on the story, ingest.

Faults are isolated per feed and per entry: a feed that times out, answers 404/500, loops its
redirects, serves broken XML or a huge body counts a failure (paused after MAX_FAILURES in a row);
an entry whose page fails, or that fails in any other way, is recorded and retried a few times;
nothing stops the other entries or the other feeds. Each poll has a deadline: past it the entries
it did not reach wait for the next poll. A poll that ran out of time having handled new entries made
progress (a long feed is read over several polls); one that handled none counts as failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp

from briefings.models import SEED_STORY, Article
from briefings.scale import jobs
from briefings.sources.feedxml import FeedEntry
from briefings.sources.ingest import PAGE_MAX_BYTES as PAGE_MAX_BYTES
from briefings.sources.ingest import article_text, fault, fetch_article, item_error, log_item_fault
from briefings.sources.web import USER_AGENT as USER_AGENT
from briefings.sources.web import FetchError as FetchError
from briefings.sources.web import canonical_url as canonical_url
from briefings.sources.web import check_url, fetch
from briefings.sources.web import make_session as make_session
from briefings.sources.worker import DEFAULT_BUDGET, Extractor
from briefings.store import db
from briefings.store.db import Connection, Row
from briefings.store.facts import add_article, find_stored
from briefings.storyset import StorySet, default_stories
from briefings.words import quoted

log = logging.getLogger(__name__)

FEED_MAX_BYTES = 5_000_000
MAX_FAILURES = 5
ENTRY_ATTEMPTS = 3
DEFAULT_POLL_DEADLINE = 120.0  # seconds: under the shortest poll interval (5 minutes)
# characters of a feed's address: servers and browsers stop at about this; a Discord option carries 6,000
URL_MAX = 2000


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
    last_polled: str | None
    paused_reason: str | None
    articles_taken: int
    entries_failed: int
    stories: tuple[str, ...] = ()  # the stories it feeds: an entry is taken when it matches one's topic


def _feed(r: Row) -> Feed:
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
        last_polled=r["last_polled"],
        paused_reason=r["paused_reason"],
        articles_taken=r["articles_taken"],
        entries_failed=r["entries_failed"],
        stories=tuple(json.loads(r["stories"])),
    )


def check_address(url: str, every_minutes: int = 30) -> None:
    """Refuse, in one sentence, a feed address that can never work whatever it serves: not http(s),
    too long, or an address no fetch may reach (a name is judged when it is fetched); and a poll
    interval out of bounds."""
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise FetchError(f"{quoted(url)} is not an http(s) address of a feed")
    if len(text) > URL_MAX:
        raise FetchError(f"an address of {len(text):,} characters is too long for a feed (at most {URL_MAX:,})")
    check_url(text)
    if not 5 <= every_minutes <= 10080:
        raise FetchError("poll every 5 minutes at the most often, and at least once a week")


async def add_feed(
    conn: Connection,
    url: str,
    *,
    every_minutes: int = 30,
    now: dt.datetime,
    title: str | None = None,
    stories: tuple[str, ...] = (SEED_STORY,),
) -> Feed:
    """Store a feed to follow for `stories` (names of stories, checked by the caller; `Poller.follow`
    first shows that it serves a feed)."""
    check_address(url, every_minutes)
    try:
        feed_id = await conn.fetchval(
            "INSERT INTO feeds (url, title, every_minutes, added_at, stories) VALUES (?, ?, ?, ?, ?) RETURNING id",
            (
                url.strip(),
                title,
                every_minutes,
                now.astimezone(dt.UTC).isoformat(),
                json.dumps(list(dict.fromkeys(stories))),
            ),
        )
    except db.IntegrityError:
        raise FetchError(f"{url} is already followed") from None
    feed = await get_feed(conn, feed_id)
    assert feed is not None
    return feed


async def get_feed(conn: Connection, feed_id: int) -> Feed | None:
    row = await conn.fetchone("SELECT * FROM feeds WHERE id = ?", (feed_id,))
    return _feed(row) if row else None


async def list_feeds(conn: Connection) -> list[Feed]:
    return [_feed(r) for r in await conn.fetch("SELECT * FROM feeds ORDER BY id")]


@dataclass(frozen=True)
class EntryFailure:
    """An entry whose last try failed: its address, that try's error, and how many tries it had."""

    feed_id: int
    url: str
    error: str | None
    attempts: int

    @property
    def retried(self) -> bool:
        """Tried again at the next poll (an entry has ENTRY_ATTEMPTS tries)."""
        return self.attempts < ENTRY_ATTEMPTS


SHOWN_ENTRY_FAILURES = 5  # per feed, the newest first


async def entry_failures(
    conn: Connection, *, per_feed: int = SHOWN_ENTRY_FAILURES
) -> dict[int, tuple[list[EntryFailure], int]]:
    """For each feed with entries whose last try failed: the newest `per_feed` of them, and how many
    there are in all (one pass over the failed entries, whatever the number of feeds)."""
    rows = await conn.fetch(
        """SELECT feed_id, url, error, attempts, total FROM (
               SELECT feed_id, url, error, attempts,
                      ROW_NUMBER() OVER (PARTITION BY feed_id ORDER BY first_seen DESC, entry_key) AS n,
                      COUNT(*) OVER (PARTITION BY feed_id) AS total
               FROM feed_entries WHERE outcome = 'failed') AS failed
           WHERE n <= ? ORDER BY feed_id, n""",
        (per_feed,),
    )
    found: dict[int, tuple[list[EntryFailure], int]] = {}
    for r in rows:
        shown, _ = found.setdefault(r["feed_id"], ([], r["total"]))
        shown.append(EntryFailure(r["feed_id"], r["url"], r["error"], r["attempts"]))
    return found


async def remove_feed(conn: Connection, feed_id: int) -> bool:
    return await conn.execute("DELETE FROM feeds WHERE id = ?", (feed_id,)) > 0


async def resume_feed(conn: Connection, feed_id: int) -> bool:
    return await conn.execute("UPDATE feeds SET paused_reason = NULL, failures = 0 WHERE id = ?", (feed_id,)) > 0


def is_due(feed: Feed, now: dt.datetime) -> bool:
    """Time to poll: never polled, or its interval has passed since the last poll (by any process)."""
    if feed.paused_reason:
        return False
    if feed.last_polled is None:
        return True
    return dt.datetime.fromisoformat(feed.last_polled) + dt.timedelta(minutes=feed.every_minutes) <= now


# ------------------------------------------------------------------------------- polling


@dataclass
class PollResult:
    feed_id: int
    taken: int = 0
    skipped: int = 0
    failed: int = 0
    error: str | None = None
    not_modified: bool = False
    queued: int = 0  # entries queued for `briefings worker` (BRIEFINGS_INGEST_QUEUE)
    late: bool = False  # the poll's deadline passed
    handled: int = 0  # entries seen for the first time (or retried) whose outcome this poll recorded
    unfinished: str | None = None  # the deadline passed after progress: the rest wait for the next poll


class Poller:
    """Polls feeds with one shared HTTP session, passed in; each feed on its own, within `deadline`
    seconds a poll. Pages and feeds are read, and articles extracted, by `extractor` (or by one
    started for each poll) within `budget` seconds each."""

    def __init__(
        self,
        conn: Connection,
        session: aiohttp.ClientSession,
        *,
        stories: StorySet | None = None,
        on_ingest: asyncio.Event | None = None,
        extractor: Extractor | None = None,
        budget: float = DEFAULT_BUDGET,
        deadline: float = DEFAULT_POLL_DEADLINE,
        queue: bool = False,
    ) -> None:
        self.conn = conn
        self.queue = queue  # entries go to the ingest queue for workers, instead of being taken here
        self.session = session
        self.stories = stories or default_stories()
        self.on_ingest = on_ingest
        self.extractor = extractor
        self.budget = budget
        self.deadline = deadline
        self._locks: dict[int, asyncio.Lock] = {}

    @contextlib.asynccontextmanager
    async def _extractor(self, given: Extractor | None = None) -> AsyncIterator[Extractor]:
        if given or self.extractor:
            yield given or self.extractor  # type: ignore[misc]
            return
        async with Extractor(self.budget) as own:
            yield own

    async def follow(
        self, url: str, *, every_minutes: int = 30, now: dt.datetime, stories: tuple[str, ...] = (SEED_STORY,)
    ) -> Feed:
        """Add a feed once it is shown to serve one: the address is checked, then fetched once (this
        session's rules: loopback only with BRIEFINGS_ALLOW_LOOPBACK) and read; what can never work
        is refused in one sentence (`FetchError`) and nothing is stored."""
        check_address(url, every_minutes)
        url = url.strip()
        if await self.conn.fetchval("SELECT id FROM feeds WHERE url = ?", (url,)) is not None:
            raise FetchError(f"{url} is already followed")
        try:
            got = await fetch(self.session, url, max_bytes=FEED_MAX_BYTES)
        except FetchError as exc:
            raise FetchError(f"cannot follow {quoted(url)}: {exc}") from None
        async with self._extractor() as extractor:
            parsed = await extractor.read_feed(got.body)
        if parsed.problem:
            if _is_html(got.content_type, got.body):
                raise FetchError(
                    f"{quoted(url)} is a web page, not an RSS or Atom feed: give the address of the site's feed"
                )
            raise FetchError(f"{quoted(url)} does not serve a feed: {parsed.problem}")
        return await add_feed(self.conn, url, every_minutes=every_minutes, now=now, title=parsed.title, stories=stories)

    async def poll_all(self, now: dt.datetime | None = None) -> list[PollResult]:
        feeds = [f for f in await list_feeds(self.conn) if not f.paused_reason]
        async with self._extractor() as extractor:
            return list(await asyncio.gather(*(self.poll(f.id, now, extractor=extractor) for f in feeds)))

    async def poll(
        self, feed_id: int, now: dt.datetime | None = None, *, extractor: Extractor | None = None
    ) -> PollResult:
        """Poll one feed. Never raises for what a feed or an entry does: the result says, and a
        failed poll counts towards pausing the feed."""
        now = now or dt.datetime.now(dt.UTC)
        lock = self._locks.setdefault(feed_id, asyncio.Lock())
        async with lock:
            feed = await get_feed(self.conn, feed_id)
            if feed is None:
                return PollResult(feed_id, error="no such feed")
            if feed.paused_reason:
                return PollResult(feed_id, error=feed.paused_reason)
            result = PollResult(feed.id)
            deadline = asyncio.get_running_loop().time() + self.deadline
            async with self._extractor(extractor) as ex:
                try:
                    await self._poll(feed, now, result, ex, deadline)
                except FetchError as exc:
                    result.error = str(exc)
                except Exception as exc:  # whatever else a feed does is that feed's failure, counted
                    log.warning("feed %s (%s): the poll failed", feed.id, feed.url, exc_info=exc)
                    result.error = f"the poll failed ({fault(exc)})"
            await self._record(feed, now, result)
            if result.taken and self.on_ingest is not None:
                self.on_ingest.set()
            return result

    def _late(self, handled: int | None = None, total: int = 0) -> str:
        late = f"the poll took longer than its {self.deadline:g}-second deadline (BRIEFINGS_POLL_DEADLINE)"
        if handled is None:
            return f"{late} fetching the feed"
        return f"{late}; {handled} of {total} entries were handled, the rest wait for the next poll"

    async def _record(self, feed: Feed, now: dt.datetime, result: PollResult) -> None:
        counts = (result.taken, result.failed, feed.id)
        if result.error is not None and result.late and result.handled:
            # out of time having handled new entries: progress, not a failure (a 10,000-entry feed
            # takes several polls); the rest wait for the next poll
            result.unfinished, result.error = result.error, None
            log.info("feed %s (%s): %s", feed.id, feed.url, result.unfinished)
        if result.error is None:
            await self.conn.execute(
                """UPDATE feeds SET last_polled = ?, last_success = ?, last_error = NULL, failures = 0,
                          articles_taken = articles_taken + ?, entries_failed = entries_failed + ? WHERE id = ?""",
                (now.isoformat(), now.isoformat(), *counts),
            )
            return
        failures = feed.failures + 1
        paused = f"paused after {failures} failed polls in a row: {result.error}" if failures >= MAX_FAILURES else None
        await self.conn.execute(
            """UPDATE feeds SET last_polled = ?, last_error = ?, failures = ?, paused_reason = ?,
                      articles_taken = articles_taken + ?, entries_failed = entries_failed + ? WHERE id = ?""",
            (now.isoformat(), result.error, failures, paused, *counts),
        )
        log.warning("feed %s (%s) failed (%d in a row): %s", feed.id, feed.url, failures, result.error)

    async def _poll(
        self, feed: Feed, now: dt.datetime, result: PollResult, extractor: Extractor, deadline: float
    ) -> None:
        conditional = {}
        if feed.etag:
            conditional["If-None-Match"] = feed.etag
        if feed.last_modified:
            conditional["If-Modified-Since"] = feed.last_modified
        try:
            async with asyncio.timeout_at(deadline) as within:
                got = await fetch(self.session, feed.url, max_bytes=FEED_MAX_BYTES, headers=conditional)
                parsed = None if got.status == 304 else await extractor.read_feed(got.body)
        except TimeoutError:
            if not within.expired():
                raise
            result.error, result.late = self._late(), True
            return
        if parsed is None:
            result.not_modified = True
            return
        if parsed.problem:
            raise FetchError(parsed.problem)
        title = parsed.title or feed.title
        loop = asyncio.get_running_loop()
        for n, entry in enumerate(parsed.entries):
            if loop.time() >= deadline:
                result.error, result.late = self._late(n, len(parsed.entries)), True
                return
            if not await self._entry(feed, title, entry, now, result, extractor, deadline):
                # the one cut short counts as failed
                result.error, result.late = self._late(n + 1, len(parsed.entries)), True
                return
        # only a poll that handled every entry may be answered "not modified" next time
        await self.conn.execute(
            "UPDATE feeds SET title = COALESCE(?, title), etag = ?, last_modified = ? WHERE id = ?",
            (title, got.headers.get("ETag"), got.headers.get("Last-Modified"), feed.id),
        )

    async def _entry(
        self,
        feed: Feed,
        outlet: str | None,
        entry: FeedEntry,
        now: dt.datetime,
        result: PollResult,
        extractor: Extractor,
        deadline: float,
    ) -> bool:
        """Handle one entry; whatever fails is that entry's error. False when the deadline passed."""
        if not entry.link:
            return True
        key = entry.key or entry.link
        url = canonical_url(entry.link)
        seen = await self.conn.fetchone(
            "SELECT outcome, attempts FROM feed_entries WHERE feed_id = ? AND entry_key = ?", (feed.id, key)
        )
        if seen is not None and (seen["outcome"] != "failed" or seen["attempts"] >= ENTRY_ATTEMPTS):
            result.skipped += 1  # already taken: a feed that re-dates its entries changes nothing
            return True
        if self.queue:
            queued = await jobs.queue_entry(
                self.conn, feed.id, key, url, outlet=outlet, title=entry.title, published=entry.published, now=now
            )
            if queued is None:
                result.skipped += 1  # queued by an earlier poll: its job says what came of it
            else:
                result.queued += 1
                result.handled += 1
            return True
        in_time = True
        try:
            outcome, error, source_id = await self._take(feed, url, outlet, entry, extractor, deadline)
        except _DeadlinePassed:
            in_time = False
            outcome, error, source_id = "failed", "the poll's deadline passed while it was being fetched", None
        except Exception as exc:  # any fault of one entry is that entry's error
            log_item_fault(log, f"entry {url} not taken", exc)
            outcome, error, source_id = "failed", item_error(exc), None
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
        result.handled += in_time
        return in_time

    async def _take(
        self, feed: Feed, url: str, outlet: str | None, entry: FeedEntry, extractor: Extractor, deadline: float
    ) -> tuple[str, str | None, int | None]:
        known = await source_at(self.conn, url)
        if known is not None:
            return "duplicate", None, known
        try:
            # fetching, reading and extracting within the poll's deadline; storing is never cut short
            async with asyncio.timeout_at(deadline) as within:
                article = with_entry(await fetch_article(self.session, extractor, url, outlet=outlet), entry)
                belongs = self.stories.fed_by(feed.stories, article_text(article))
                if not belongs:
                    return "off-topic", None, None
                stored = await find_stored(self.conn, article)  # the same text from a new address
                if stored is not None:
                    return "duplicate", None, stored
                facts = await extractor.extract_stories(article, belongs)
        except TimeoutError:
            if within.expired():
                raise _DeadlinePassed from None
            raise
        added = await add_article(self.conn, article, facts)  # its own transaction, whoever else stores
        return ("ingested" if added.added else "duplicate"), None, added.source_id


def _is_html(content_type: str, body: bytes) -> bool:
    """A web page rather than a feed: served as HTML, or starting like one."""
    served_as_html = content_type.lower() in {"text/html", "application/xhtml+xml"}
    return served_as_html or body[:512].lstrip().lower().startswith((b"<!doctype html", b"<html"))


class _DeadlinePassed(Exception):
    pass


async def source_at(conn: Connection, url: str) -> int | None:
    """The first source stored from this (canonical) address, if any: an entry taken before."""
    return await conn.fetchval("SELECT id FROM sources WHERE url = ? ORDER BY id LIMIT 1", (url,))


def with_entry(article: Article, entry: FeedEntry | None) -> Article:
    """The article with its feed entry's title, and its date when the page gave none."""
    if entry is None:
        return article
    update: dict[str, object] = {}
    if entry.title:
        update["title"] = entry.title
    if entry.published and article.meta.published is None:
        update["published"] = entry.published
    return article.model_copy(update={"meta": article.meta.model_copy(update=update)}) if update else article
