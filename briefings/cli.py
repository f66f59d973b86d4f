"""The `briefings` command line: ingest articles, query the store, print one article's facts, run the service.

Every command reads the same settings (the environment, then `.env`: briefings.settings); `--db` and
`-v` go before or after the command's name; every command but `bot` prints `--format json` for
scripts (docs/json.md); and every problem is one line on stderr, "error: ...", never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import os
import select
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from rich.console import Console, RenderableType
from rich.text import Text

from briefings import __version__
from briefings.answers import queries
from briefings.answers.commands import (
    COMMANDS,
    CommandError,
    digest_window,
    parse_count,
    parse_day,
    pick_stories,
    pick_story,
    status_of,
)
from briefings.answers.digest import build_digest
from briefings.answers.queries import story_picture
from briefings.answers.views import FeedView, IngestItem, JobView, PollView
from briefings.extract import extract
from briefings.logs import configure_logging
from briefings.models import ArticleError, Extraction
from briefings.scale import jobs
from briefings.settings import Settings, SettingsError, check_store, load_settings
from briefings.sources import feeds
from briefings.sources.articles import parse_article
from briefings.sources.ingest import IngestLine, ingest_each
from briefings.sources.worker import Extractor
from briefings.store.db import Connection, is_postgres, shown
from briefings.store.facts import StoreError, connect
from briefings.story import StoryError, find_story
from briefings.terminal import render

log = logging.getLogger("briefings")

# commands that only read: on a store that does not exist they say so and create nothing
READ_ONLY = frozenset({"estimate", "quote", "search", "sources", "timeline", "who", "digest", "jobs"})
READ_ONLY_FEEDS = frozenset({"list"})


def _opt(command: str, option: str) -> str:
    """An option's description, shared with the console and the bot."""
    spec = COMMANDS[command].option(option)
    assert spec is not None
    return spec.description


def extraction_json(ex: Extraction) -> dict:
    """One article's facts in the evaluation format (../shared/eval/README.md), plus evidence; the
    fields are named as in the stored views (docs/json.md)."""
    return {
        "quotes": [
            {
                "speaker": q.speaker,
                "text": q.text,
                "role": q.entity.role if q.entity else None,
                "affiliation": q.entity.affiliation if q.entity else None,
                "claimed_on": q.date.isoformat() if q.date else None,
                "date_basis": q.date_basis.value,
                "sentence": q.evidence.sentence,
                "span": [q.evidence.start, q.evidence.end],
            }
            for q in ex.quotes
        ],
        "estimates": [
            {
                "claimant": e.claimant,
                "voiced_for": e.voiced_for.name if e.voiced_for else None,
                "value": e.value,
                "low": e.low,
                "high": e.high,
                "qualifier": e.qualifier.value,
                "status": e.status,
                "claimed_on": e.date.isoformat() if e.date else None,
                "date_basis": e.date_basis.value,
                "sentence": e.evidence.sentence,
                "span": [e.evidence.start, e.evidence.end],
            }
            for e in ex.estimates
        ],
        "entities": [e.model_dump(mode="json") for e in ex.entities],
    }


# ------------------------------------------------------------------------------ parsing


class Parser(argparse.ArgumentParser):
    """argparse, with a bad command line told in one line like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    # --db and -v are read before or after the command's name: the copies on each command leave
    # the value given before it alone unless they are given themselves
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        help="the store: a SQLite file or a postgresql:// URL (default: $BRIEFINGS_DB)",
    )
    shared.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="log what happens")

    parser = Parser(prog="briefings", description="Who claims what, when, and how sure: a fact store for a news story.")
    parser.add_argument("--version", action="version", version=f"briefings {__version__}")
    parser.add_argument(
        "--db",
        default=None,
        help="the store: a SQLite file or a postgresql:// URL (default: $BRIEFINGS_DB, else data/briefings.db)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", default=False, help="log what happens")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=Parser)

    def add(parent: Any, name: str, help_text: str, *, formats: bool = True) -> argparse.ArgumentParser:
        p = parent.add_parser(name, help=help_text, description=help_text, parents=[shared])
        if formats:
            p.add_argument(
                "--format", choices=["table", "json"], default="table", help="table for people, json for scripts"
            )
        return p

    def story(p: argparse.ArgumentParser, help_text: str = "which story (default: $BRIEFINGS_STORY)") -> None:
        p.add_argument("--story", metavar="NAME", help=help_text)

    p = add(sub, "ingest", "add article files, folders or web pages (http/https addresses) to the store")
    p.add_argument("paths", nargs="+", metavar="PATH_OR_URL")
    story(p, "the story they belong to (default: every story whose topic they match, else $BRIEFINGS_STORY)")

    p = add(sub, "remove", "remove sources ingested by mistake, with their facts, by id, URL or path")
    p.add_argument("sources", nargs="+", metavar="ID_OR_URL")

    p = add(sub, "feeds", "follow outlets' RSS/Atom feeds", formats=False)
    feeds_sub = p.add_subparsers(dest="feeds_command", required=True, metavar="ACTION", parser_class=Parser)
    fa = add(feeds_sub, "add", "follow a feed")
    fa.add_argument("url")
    fa.add_argument("--every", default="30", metavar="MINUTES", help="poll interval (default 30)")
    story(fa, "the stories it feeds, separated by commas (default: $BRIEFINGS_STORY)")
    add(feeds_sub, "list", "feeds with last success, last error and articles taken")
    fr = add(feeds_sub, "remove", "stop following a feed")
    fr.add_argument("id")
    fr = add(feeds_sub, "resume", "poll a paused feed again")
    fr.add_argument("id")
    add(feeds_sub, "poll", "poll every feed now")

    p = add(sub, "extract", "print one article's facts without storing them")
    p.set_defaults(format="json")
    p.add_argument(
        "--story",
        metavar="NAME_OR_PATH",
        help="the story whose counts to find: a bundled story's name or a story file (default: north-korean-troops)",
    )
    p.add_argument("file")

    p = add(sub, "estimate", COMMANDS["estimate"].description)
    p.add_argument("--status", help=_opt("estimate", "status"))
    p.add_argument("--claimant", help=_opt("estimate", "claimant"))
    story(p)
    p.add_argument("--since", metavar="DAY", help="claims made on or after this day, like 2024-10-24")
    p.add_argument("--until", metavar="DAY", help="claims made on or before this day")

    p = add(sub, "quote", COMMANDS["quote"].description)
    p.add_argument("name", nargs="+", help=_opt("quote", "speaker"))
    p.add_argument("--contains", help=_opt("quote", "contains"))
    p.add_argument("--limit", default="50", help=f"at most this many (1 to {queries.MAX_LIMIT:,}; default 50)")

    p = add(sub, "search", COMMANDS["search"].description)
    p.add_argument("text", nargs="+", help=_opt("search", "text"))
    story(p)

    story(add(sub, "sources", COMMANDS["sources"].description), "only this story's articles (default: all)")

    p = add(sub, "timeline", COMMANDS["timeline"].description)
    p.add_argument("--from", "--since", dest="since", metavar="DAY", help=_opt("timeline", "from"))
    p.add_argument("--to", "--until", dest="until", metavar="DAY", help=_opt("timeline", "to"))
    story(p)

    p = add(sub, "who", COMMANDS["who"].description)
    p.add_argument("name", nargs="+", help=_opt("who", "name"))

    add(sub, "bot", "run the service: the Discord bot, or the console when no token is set", formats=False)
    p = add(
        sub,
        "worker",
        "ingest queued jobs (BRIEFINGS_INGEST_QUEUE) until stopped, on this or any machine",
        formats=False,
    )
    p.add_argument("--until-empty", action="store_true", help="stop once no job is ready")
    p = add(sub, "jobs", "the ingest queue: jobs waiting, running and failed (with their error), then the latest done")
    p.add_argument("--limit", default="50", help="at most this many (default 50)")
    add(sub, "health", "exit 0 when the database is readable and, if the bot runs, its gateway is connected")

    p = add(sub, "migrate-store", "copy a SQLite store into an empty PostgreSQL database, ids and all")
    p.add_argument("source", metavar="FROM", help="the SQLite store, like data/briefings.db")
    p.add_argument("target", metavar="TO", help="the PostgreSQL database, like postgresql://briefings@db/briefings")

    p = add(sub, "digest", "the briefing of what was stored in a period, as a subscribed channel gets it")
    p.add_argument("--since", metavar="TIME", help=f"{_opt('digest', 'since')} (default: a day before --until)")
    p.add_argument("--until", metavar="TIME", help="the same forms (default: now)")
    p.add_argument("--status", help="only numbers of this kind (one of the story's statuses)")
    story(p)
    return parser


# ----------------------------------------------------------------------------- commands

Handler = Callable[[Connection, argparse.Namespace, Settings, Console], Awaitable[int]]


def _show(console: Console, args: argparse.Namespace, value: Any, table: RenderableType) -> int:
    if args.format == "json":
        print(render.as_json(value))
    else:
        render.show(console, table)
    return 0


async def _ingest(conn: Connection, args: argparse.Namespace, settings: Settings, console: Console) -> int:
    if settings.ingest_queue:
        return await _ingest_queued(conn, args, settings)
    lines: list[IngestLine] = []
    async with (
        Extractor(settings.extract_budget) as extractor,
        feeds.make_session(settings.feed_timeout, allow_loopback=settings.allow_loopback) as session,
    ):
        # each line as soon as its item is done: what was stored is said even if a later item fails
        stories = settings.story_set()
        named = pick_story(stories, args.story).name if args.story else None
        async for line in ingest_each(
            conn, args.paths, extractor=extractor, session=session, stories=stories, story=named
        ):
            lines.append(line)
            if args.format != "json":
                print(render.clean(line.describe()), file=sys.stderr if line.error else sys.stdout, flush=True)
    return _ingest_summary(lines, args)


async def _ingest_queued(conn: Connection, args: argparse.Namespace, settings: Settings) -> int:
    """`ingest` with the queue on: each file is read here and queued whole, each address queued for a
    worker to fetch; then each job's outcome is awaited and told, as the in-process ingest tells it."""
    from briefings.sources.ingest import expand_items, read_file

    now = dt.datetime.now(dt.UTC)
    named = pick_story(settings.story_set(), args.story).name if args.story else None
    queued: dict[int, str] = {}
    lines: list[IngestLine] = []
    for item in expand_items(args.paths):
        try:
            if item.problem is not None:
                raise ArticleError(item.problem)
            if item.url is not None:
                queued[await jobs.queue_page(conn, item.url, now=now, story=named)] = item.shown
            else:
                assert item.path is not None
                data = await read_file(item.path)
                queued[await jobs.queue_file(conn, item.shown, data, item.path.suffix, now=now, story=named)] = (
                    item.shown
                )
        except ArticleError as exc:
            lines.append(IngestLine(item.shown, error=str(exc)))
            if args.format != "json":
                print(render.clean(lines[-1].describe()), file=sys.stderr, flush=True)
    if queued and args.format != "json":
        print(f"queued {len(queued)} jobs for the workers (`briefings worker`); waiting for them", file=sys.stderr)
    waiting, told, started = dict(queued), False, asyncio.get_running_loop().time()
    while waiting:
        for job in await jobs.finished(conn, list(waiting)):
            shown = waiting.pop(job.id)
            line = IngestLine(shown, error=job.error) if job.state == "failed" else await _job_line(conn, shown, job)
            lines.append(line)
            if args.format != "json":
                print(render.clean(line.describe()), file=sys.stderr if line.error else sys.stdout, flush=True)
        if waiting:
            if not told and asyncio.get_running_loop().time() - started > 15 and args.format != "json":
                counts = await jobs.counts(conn)
                if not counts["running"]:
                    told = True
                    print("no worker has taken a job yet: is `briefings worker` running?", file=sys.stderr)
            await asyncio.sleep(0.2)
    return _ingest_summary(lines, args)


async def _job_line(conn: Connection, shown: str, job: jobs.Job) -> IngestLine:
    from briefings.store.facts import AddResult

    rows = await conn.fetch(
        """SELECT (SELECT COUNT(*) FROM quotes WHERE source_id = :s), (SELECT COUNT(*) FROM estimates WHERE source_id = :s),
                  rewrite_of FROM sources WHERE id = :s""",
        {"s": job.source_id},
    )
    quotes, estimates, rewrite_of = rows[0] if rows else (0, 0, None)
    result = AddResult(
        source_id=job.source_id or 0,
        added=job.outcome == "added",
        quotes=quotes,
        estimates=estimates,
        rewrite_of=rewrite_of,
    )
    return IngestLine(shown, result=result)


def _ingest_summary(lines: list[IngestLine], args: argparse.Namespace) -> int:
    failed = sum(1 for line in lines if line.error)
    added = sum(1 for line in lines if line.result and line.result.added)
    if args.format == "json":
        items = [_ingest_item(line) for line in lines]
        print(
            render.as_json({"added": added, "unchanged": len(lines) - added - failed, "failed": failed, "items": items})
        )
        return 1 if failed else 0
    print(f"{added} added, {len(lines) - added - failed} unchanged, {failed} failed")
    return 1 if failed else 0


def _ingest_item(line: IngestLine) -> IngestItem:
    r = line.result
    outcome = "failed" if line.error else ("added" if r and r.added else "unchanged")
    return IngestItem(
        path=line.path,
        outcome=outcome,
        source_id=r.source_id if r else None,
        quotes=r.quotes if r else 0,
        estimates=r.estimates if r else 0,
        copy_of=r.copy_of if r else None,
        rewrite_of=r.rewrite_of if r else None,
        error=line.error,
    )


async def _remove(conn: Connection, args: argparse.Namespace, settings: Settings, console: Console) -> int:
    from briefings.answers.removal import find_source, remove_source

    ids = [await find_source(conn, ref) for ref in args.sources]  # every one found before any goes
    done = [await remove_source(conn, sid) for sid in dict.fromkeys(ids)]
    return _show(console, args, done, render.removed(done))


async def _estimate(conn: Connection, args: argparse.Namespace, settings: Settings, console: Console) -> int:
    story = pick_story(settings.story_set(), args.story)
    since = parse_day(args.since, "--since") if args.since else None
    until = parse_day(args.until, "--until") if args.until else None
    status = status_of(story, args.status)
    pic = await story_picture(conn, story, status=status, claimant=args.claimant, since=since, until=until)
    return _show(console, args, pic, render.estimate_picture(pic))


async def _quote(conn: Connection, args: argparse.Namespace, settings: Settings, console: Console) -> int:
    name = " ".join(args.name)
    limit = parse_count(args.limit, "--limit", 1, queries.MAX_LIMIT)
    items = await queries.quotes_by(conn, name, contains=args.contains, limit=limit)
    return _show(console, args, items, render.quotes(items, name))


async def _search(conn: Connection, args: argparse.Namespace, settings: Settings, console: Console) -> int:
    text = " ".join(args.text)
    hits = await queries.search(conn, text, story=pick_story(settings.story_set(), args.story).name)
    return _show(console, args, hits, render.search_hits(hits, text))


async def _sources(conn: Connection, args: argparse.Namespace, settings: Settings, console: Console) -> int:
    story = pick_story(settings.story_set(), args.story).name if args.story else None
    items = await queries.sources(conn, story=story)
    return _show(console, args, items, render.source_list(items))


async def _timeline(conn: Connection, args: argparse.Namespace, settings: Settings, console: Console) -> int:
    since = parse_day(args.since, "--from") if args.since else None
    until = parse_day(args.until, "--to") if args.until else None
    story = pick_story(settings.story_set(), args.story)
    items = await queries.timeline(conn, story=story.name, since=since, until=until)
    return _show(console, args, items, render.timeline_items(items))


async def _who(conn: Connection, args: argparse.Namespace, settings: Settings, console: Console) -> int:
    name = " ".join(args.name)
    result = await queries.who(conn, name)
    return _show(console, args, result, render.who_result(result, name))


async def _digest(conn: Connection, args: argparse.Namespace, settings: Settings, console: Console) -> int:
    since, until = digest_window(args.since, args.until, dt.datetime.now(dt.UTC))
    story = pick_story(settings.story_set(), args.story)
    d = await build_digest(conn, since, until, story=story, status=status_of(story, args.status))
    return _show(console, args, d, render.digest(d, ZoneInfo(settings.timezone)))


async def _feeds(conn: Connection, args: argparse.Namespace, settings: Settings, console: Console) -> int:
    action = args.feeds_command
    if action == "add":
        every = parse_count(args.every, "--every", 5, 10080)
        fed = tuple(s.name for s in pick_stories(settings.story_set(), args.story))
        async with feeds.make_session(settings.feed_timeout, allow_loopback=settings.allow_loopback) as session:
            poller = feeds.Poller(conn, session, budget=settings.extract_budget)  # shows the feed works first
            added = await poller.follow(args.url, every_minutes=every, now=dt.datetime.now(dt.UTC), stories=fed)
        feed = FeedView.of(added)
        line = Text(f"following feed {feed.id}: ").append_text(render.plain(feed.url))
        return _show(console, args, feed, line.append(f" every {feed.every_minutes} minutes for {', '.join(fed)}"))
    if action in {"remove", "resume"}:
        feed_id = parse_count(args.id, "the feed id", 1, 2**62)
        done = await (feeds.remove_feed if action == "remove" else feeds.resume_feed)(conn, feed_id)
        if not done:
            raise queries.QueryError(f"There is no feed {feed_id}; `briefings feeds list` shows them.")
        what = "removed" if action == "remove" else "resumed"
        return _show(console, args, {"id": feed_id, what: True}, Text(f"feed {feed_id} {what}"))
    if action == "list":
        failures = await feeds.entry_failures(conn)
        items = [FeedView.of(f, failures.get(f.id, ([], 0))) for f in await feeds.list_feeds(conn)]
        return _show(console, args, items, render.feed_list(items, ZoneInfo(settings.timezone)))
    async with feeds.make_session(settings.feed_timeout, allow_loopback=settings.allow_loopback) as session:
        poller = feeds.Poller(
            conn,
            session,
            stories=settings.story_set(),
            budget=settings.extract_budget,
            deadline=settings.poll_deadline,
            queue=settings.ingest_queue,
        )
        results = [PollView.of(r) for r in await poller.poll_all()]
    lines = Text()
    for r in results:
        state = f"error: {r.error}" if r.error else r.state
        lines.append_text(
            render.plain(f"feed {r.feed_id}: {state}; {r.taken} taken, {r.skipped} skipped, {r.failed} failed\n")
        )
    lines.rstrip()
    _show(console, args, results, lines if lines.plain else Text("No feeds to poll."))
    return 1 if any(r.error or r.failed for r in results) else 0  # as ingest: 1 when anything failed


async def _jobs(conn: Connection, args: argparse.Namespace, settings: Settings, console: Console) -> int:
    limit = parse_count(args.limit, "--limit", 1, 10_000)
    items = [JobView.of(j) for j in await jobs.recent(conn, limit=limit)]
    return _show(console, args, items, render.job_list(items, await jobs.counts(conn)))


async def _worker(conn: Connection, args: argparse.Namespace, settings: Settings, console: Console) -> int:
    import signal

    from briefings.sources.queue_worker import QueueWorker

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with (
        Extractor(settings.extract_budget) as extractor,
        feeds.make_session(settings.feed_timeout, allow_loopback=settings.allow_loopback) as session,
    ):
        worker = QueueWorker(conn, extractor, session=session, stories=settings.story_set())
        log.info("worker %s: taking ingest jobs from the store", worker.name)
        done = await worker.run(stop=stop, until_empty=args.until_empty)
    log.info("worker %s: %d jobs done; stopping", worker.name, done)
    return 0


HANDLERS: dict[str, Handler] = {
    "ingest": _ingest,
    "remove": _remove,
    "estimate": _estimate,
    "quote": _quote,
    "search": _search,
    "sources": _sources,
    "timeline": _timeline,
    "who": _who,
    "digest": _digest,
    "feeds": _feeds,
    "jobs": _jobs,
    "worker": _worker,
}


def _extract(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        story = find_story(args.story)
    except StoryError as exc:
        print(render.clean(f"error: {exc}"), file=sys.stderr)
        return 2
    try:
        article = parse_article(path.read_bytes(), str(path), path.suffix)
    except ArticleError as exc:
        print(render.clean(f"error: {path}: {exc}"), file=sys.stderr)
        return 1
    except OSError as exc:
        print(render.clean(f"error: {path}: cannot be read ({exc.strerror or exc})"), file=sys.stderr)
        return 1
    published = article.meta.published.date() if article.meta.published else None
    facts = extract(article.body, published, article.meta.outlet, story)
    if args.format == "json":
        print(json.dumps(extraction_json(facts), ensure_ascii=False, indent=2))
    else:
        console = render.terminal()
        for q in facts.quotes:
            render.show(console, render.plain(f"{q.speaker or '?'}: “{q.text}”"))
        for e in facts.estimates:
            render.show(console, render.plain(f"{e.claimant}: {e.value:,} ({e.qualifier.value}, {e.status})"))
    return 0


def _health(args: argparse.Namespace, settings: Settings) -> int:
    from briefings.health import check

    result = asyncio.run(
        check(settings.db, dt.datetime.now(dt.UTC), local_dir=settings.local_dir, shards=settings.shards)
    )
    if args.format == "json":
        print(json.dumps({"ok": result.ok, "message": result.message}))
    else:
        print(result.message, file=sys.stdout if result.ok else sys.stderr)
    return 0 if result.ok else 1


def _store_named(args: argparse.Namespace, settings: Settings) -> str:
    """Where the store's path comes from, as an error message names it."""
    if args.db is not None:
        return "--db"
    return "BRIEFINGS_DB" if "db" in settings.model_fields_set else "the default store"


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    console = render.terminal(soft_wrap=False)
    async with connect(settings.db, create=_writes(args)) as conn:
        return await HANDLERS[args.command](conn, args, settings, console)


def _migrate_store(args: argparse.Namespace) -> int:
    from briefings.store.copy_store import migrate_store

    if not is_postgres(args.source):
        check_store(Path(args.source), "FROM", create=False)
    copied = asyncio.run(migrate_store(args.source, args.target))
    if args.format == "json":
        print(json.dumps({"tables": copied.rows, "indexed": copied.indexed, "seconds": round(copied.seconds, 3)}))
        return 0
    for table, n in copied.rows.items():
        print(f"{table:<16} {n:>10,} rows")
    print(f"{'search index':<16} {copied.indexed:>10,} facts")
    print(f"copied into {shown(args.target)} in {copied.seconds:.1f} s")
    return 0


def _writes(args: argparse.Namespace) -> bool:
    if args.command == "feeds":
        return args.feeds_command not in READ_ONLY_FEEDS
    return args.command not in READ_ONLY


def _serve(settings: Settings) -> int:
    from briefings.service import ServiceError, serve

    try:
        asyncio.run(serve(settings))
    except ServiceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run one command; its exit code. A reader that leaves early (`| head`) ends it quietly."""
    try:
        code = _main(argv)
        sys.stdout.flush()  # what is still buffered goes now, while a closed pipe can be told apart
        return code
    except BrokenPipeError:
        if not _stdout_gone():
            raise
        # nothing more can be shown; Python's own flush at exit would fail again, so stdout goes nowhere
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _stdout_gone() -> bool:
    """stdout is a pipe whose reader has closed it."""
    try:
        poll = select.poll()
        poll.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & (select.POLLERR | select.POLLHUP) for _, events in poll.poll(0))
    except (OSError, ValueError, AttributeError):  # no stdout at all, or no poll() on this system
        return True


def _main(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(**({"db": args.db} if args.db is not None else {}))
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.command in {"bot", "worker"}:
        configure_logging(logging.DEBUG if args.verbose else settings.log_level)
    else:
        configure_logging(logging.INFO if args.verbose else logging.WARNING)
    try:
        if args.command == "extract":
            return _extract(args)
        if args.command == "health":
            return _health(args, settings)
        if args.command == "migrate-store":
            return _migrate_store(args)
        if not is_postgres(settings.db):
            check_store(Path(settings.db), _store_named(args, settings), create=args.command == "bot" or _writes(args))
        if args.command == "bot":
            return _serve(settings)
        return asyncio.run(_run(args, settings))
    except (CommandError, StoreError, feeds.FetchError, SettingsError) as exc:
        print(f"error: {render.clean(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
