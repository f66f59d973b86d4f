"""Reading and extracting articles in a worker process, within a time budget, off the event loop.

Turning a page into text (trafilatura) and text into facts are CPU work on hostile input: on the
event loop they would stall the bot (gateway heartbeats, every command's three-second deadline).
They run here in a pool of worker processes (pebble's `ProcessPool`, which stops a worker whose
task runs past its timeout and starts a fresh one: the standard library's process pool cannot stop
a running task). A task over budget is refused with one line saying so, and the next one runs.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import logging
import multiprocessing
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

from briefings.extract import extract
from briefings.models import SEED_STORY, Article, ArticleError, Extraction
from briefings.sources.articles import parse_article, parse_page
from briefings.sources.feedxml import ParsedFeed, parse_feed
from briefings.story import Story

log = logging.getLogger(__name__)

DEFAULT_BUDGET = 20.0  # seconds; the README's figures put a 1,000-word article at about 14 ms
TASKS_PER_WORKER = 200  # then a fresh worker: whatever one process keeps in memory stays bounded
T = TypeVar("T")


class BudgetExceeded(ArticleError):
    """An article whose reading or extraction ran past its time budget; it is not stored."""


def _context() -> multiprocessing.context.BaseContext:
    # a fork server started once (from a single-threaded process, with the extractor imported) forks
    # each worker quickly; forking the bot itself would copy its threads' locks mid-use. trafilatura
    # is left to each worker's first page (about 0.1 s): preloaded, it kept 12 MB more resident for
    # the fork server's life, which is the service's
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["briefings.sources.worker"])
    return ctx


def _facts(
    body: str, published: dt.date | None, outlet: str | None, stories: tuple[Story, ...]
) -> dict[str, Extraction]:
    """The article's extraction for each story (none given: the default story's, under its name)."""
    if not stories:
        facts = extract(body, published, outlet)
        return {SEED_STORY: facts}
    return {story.name: extract(body, published, outlet, story) for story in stories}


class Extractor:
    """A pool of worker processes for reading and extracting articles, each task within `budget`
    seconds. Started on first use, stopped by `close()` (or `async with`); one per process or run."""

    def __init__(self, budget: float = DEFAULT_BUDGET, *, workers: int = 1) -> None:
        if budget <= 0:
            raise ValueError("the extraction budget must be positive")
        self.budget = budget
        self.workers = workers
        self._pool: ProcessPool | None = None
        self._lock = threading.Lock()  # pools are started in threads, off the event loop
        self._threads: concurrent.futures.ThreadPoolExecutor | None = None  # where processes cannot start

    async def __aenter__(self) -> Extractor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.stop()
            await asyncio.to_thread(pool.join)
        if self._threads is not None:
            self._threads.shutdown(wait=False, cancel_futures=True)

    async def read(self, data: bytes, origin: str, suffix: str = "") -> Article:
        """A file's bytes as an article (`parse_article`), read in a worker."""
        return await self._run("read", parse_article, data, origin, suffix)

    async def read_page(self, data: bytes, origin: str, charset: str | None = None) -> Article:
        """A fetched HTML page as an article, decoded by its declared charset (`parse_page`)."""
        return await self._run("read", parse_page, data, origin, charset)

    async def read_feed(self, data: bytes) -> ParsedFeed:
        """A fetched feed's title and entries (`parse_feed`)."""
        return await self._run("read", parse_feed, data)

    async def extract(self, article: Article) -> Extraction:
        """The article's facts for the default story, extracted in a worker."""
        return next(iter((await self.extract_stories(article, ())).values()))

    async def extract_stories(self, article: Article, stories: tuple[Story, ...]) -> dict[str, Extraction]:
        """The article's facts for each of its stories (by name), extracted in one task in a worker:
        the stories' estimates differ, its quotes do not."""
        published = article.meta.published.date() if article.meta.published else None
        return await self._run("extract", _facts, article.body, published, article.meta.outlet, tuple(stories))

    def _schedule(self, fn: Callable[..., T], args: tuple[Any, ...]) -> concurrent.futures.Future[T]:
        with self._lock:
            for attempt in (1, 2):
                if self._pool is None:
                    self._pool = ProcessPool(max_workers=self.workers, max_tasks=TASKS_PER_WORKER, context=_context())
                try:
                    return self._pool.schedule(fn, args, timeout=self.budget)
                except RuntimeError:  # a pool that broke (no worker could start, or all died): a new one, once
                    if attempt == 2:
                        raise
                    log.warning("the extraction pool broke; starting a new one", exc_info=True)
                    broken, self._pool = self._pool, None
                    broken.stop()
        raise AssertionError("unreachable")

    async def _run(self, what: str, fn: Callable[..., T], *args: Any) -> T:
        if self._threads is not None:
            return await self._in_thread(what, fn, args)
        try:
            # the first task starts the pool (and, once per process, the fork server): not on the loop
            future = await asyncio.to_thread(self._schedule, fn, args)
        except OSError as exc:  # e.g. no writable /dev/shm for the pool's locks
            log.warning(
                "worker processes cannot start here (%s: %s); reading and extraction run in threads, "
                "which keep the event loop serving but cannot be stopped at the budget",
                type(exc).__name__,
                exc,
            )
            with self._lock:
                if self._threads is None:
                    self._threads = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="extract")
            return await self._in_thread(what, fn, args)
        try:
            return await asyncio.wrap_future(future)  # cancelled: pebble stops the worker running it
        except TimeoutError:
            raise BudgetExceeded(
                f"took longer than {self.budget:g} s to {what} (BRIEFINGS_EXTRACT_BUDGET); it was stopped and not stored"
            ) from None
        except ProcessExpired as exc:
            log.warning("an extraction worker died (exit code %s)", exc.exitcode)
            raise ArticleError(f"stopped its {what} worker (exit code {exc.exitcode}); it was not stored") from None

    async def _in_thread(self, what: str, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        assert self._threads is not None
        work = asyncio.get_running_loop().run_in_executor(self._threads, fn, *args)
        try:
            return await asyncio.wait_for(work, self.budget)
        except TimeoutError:
            raise BudgetExceeded(
                f"took longer than {self.budget:g} s to {what} (BRIEFINGS_EXTRACT_BUDGET); it was not stored"
            ) from None
