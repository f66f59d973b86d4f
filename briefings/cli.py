"""The `briefings` command line: ingest articles, query the store, print one article's facts."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiosqlite
from rich.console import Console, RenderableType

from briefings import __version__, feeds, queries, render
from briefings.articles import ArticleError, parse_article
from briefings.digest import build_digest
from briefings.extract import extract
from briefings.ingest import ingest_each
from briefings.models import Extraction, Status
from briefings.settings import SettingsError, load_settings
from briefings.store import StoreError, connect
from briefings.worker import Extractor

DEFAULT_DB = "data/briefings.db"
log = logging.getLogger("briefings")


def extraction_json(ex: Extraction) -> dict:
    """One article's facts in the evaluation format (../shared/eval/README.md), plus evidence."""
    return {
        "quotes": [
            {
                "speaker": q.speaker,
                "text": q.text,
                "role": q.entity.role if q.entity else None,
                "affiliation": q.entity.affiliation if q.entity else None,
                "date": q.date.isoformat() if q.date else None,
                "date_basis": q.date_basis.value,
                "sentence": q.evidence.sentence,
                "span": [q.evidence.start, q.evidence.end],
            }
            for q in ex.quotes
        ],
        "estimates": [
            {
                "claimant": e.claimant,
                "value": e.value,
                **({"low": e.low, "high": e.high} if e.low is not None else {}),
                "qualifier": e.qualifier.value,
                "status": e.status.value,
                "date": e.date.isoformat() if e.date else None,
                "date_basis": e.date_basis.value,
                "sentence": e.evidence.sentence,
                "span": [e.evidence.start, e.evidence.end],
            }
            for e in ex.estimates
        ],
        "entities": [e.model_dump(mode="json") for e in ex.entities],
    }


def _date_arg(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date like 2024-10-24") from None


def _datetime_arg(value: str) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a time like 2024-10-24T08:00+00:00") from None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefings", description="Who claims what, when, and how sure: a fact store for a news story."
    )
    parser.add_argument("--version", action="version", version=f"briefings {__version__}")
    parser.add_argument("--db", default=None, help=f"the SQLite store (default: $BRIEFINGS_DB or {DEFAULT_DB})")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, help_text: str, *, formats: bool = True) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        if formats:
            p.add_argument(
                "--format", choices=["table", "json"], default="table", help="table for people, json for scripts"
            )
        return p

    p = add("ingest", "add article files, folders or web pages (http/https addresses) to the store", formats=False)
    p.add_argument("paths", nargs="+", metavar="PATH_OR_URL")

    p = add("feeds", "follow outlets' RSS/Atom feeds", formats=False)
    feeds_sub = p.add_subparsers(dest="feeds_command", required=True, metavar="ACTION")
    fa = feeds_sub.add_parser("add", help="follow a feed")
    fa.add_argument("url")
    fa.add_argument("--every", type=int, default=30, metavar="MINUTES", help="poll interval (default 30)")
    feeds_sub.add_parser("list", help="feeds with last success, last error and articles taken")
    fr = feeds_sub.add_parser("remove", help="stop following a feed")
    fr.add_argument("id", type=int)
    feeds_sub.add_parser("poll", help="poll every feed now")

    p = add("extract", "print one article's facts without storing them")
    p.set_defaults(format="json")
    p.add_argument("file")

    p = add("estimate", "the latest troop numbers per claimant, their range, and who changed")
    p.add_argument("--status", choices=[s.value for s in Status])
    p.add_argument("--claimant")
    p.add_argument("--since", type=_date_arg, help="claims made on or after this date")
    p.add_argument("--until", type=_date_arg, help="claims made on or before this date")

    p = add("quote", "a speaker's quotes, newest first")
    p.add_argument("name", nargs="+")
    p.add_argument("--contains", help="only quotes containing these words")
    p.add_argument("--limit", type=int, default=50)

    p = add("search", "full-text search over quotes and claims")
    p.add_argument("text", nargs="+")

    add("sources", "the articles in the store, with copies and rewrites marked")

    p = add("timeline", "dated claims in order")
    p.add_argument("--since", type=_date_arg)
    p.add_argument("--until", type=_date_arg)

    p = add("who", "a person's or body's role, affiliation and claims")
    p.add_argument("name", nargs="+")

    add("bot", "run the service: the Discord bot, or the console when no token is set", formats=False)
    add("health", "exit 0 when the database is readable and, if the bot runs, its gateway is connected", formats=False)

    p = add("digest", "the briefing of what was stored since a moment, as a subscribed channel gets it")
    p.add_argument("--since", type=_datetime_arg, required=True, help="a time like 2024-10-24T08:00+00:00")
    p.add_argument("--until", type=_datetime_arg, help="default: now")
    p.add_argument("--status", choices=[s.value for s in Status])
    return parser


Handler = Callable[[aiosqlite.Connection, argparse.Namespace, Console], Awaitable[int]]


async def _show(console: Console, args: argparse.Namespace, value, table: RenderableType) -> int:  # type: ignore[no-untyped-def]
    if args.format == "json":
        print(render.as_json(value))
    else:
        console.print(table)
    return 0


async def _ingest(conn: aiosqlite.Connection, args: argparse.Namespace, console: Console) -> int:
    settings = load_settings()
    added = unchanged = failed = 0
    async with (
        Extractor(settings.extract_budget) as extractor,
        feeds.make_session(settings.feed_timeout, allow_loopback=settings.allow_loopback) as session,
    ):
        # each line as soon as its item is done: what was stored is said even if a later item fails
        async for line in ingest_each(conn, args.paths, extractor=extractor, session=session):
            if line.error:
                failed += 1
                print(line.describe(), file=sys.stderr, flush=True)
                continue
            assert line.result is not None
            added, unchanged = added + line.result.added, unchanged + (not line.result.added)
            print(line.describe(), flush=True)
    print(f"{added} added, {unchanged} unchanged, {failed} failed")
    return 1 if failed else 0


async def _estimate(conn: aiosqlite.Connection, args: argparse.Namespace, console: Console) -> int:
    status = Status(args.status) if args.status else None
    pic = await queries.estimates(conn, status=status, claimant=args.claimant, since=args.since, until=args.until)
    return await _show(console, args, pic, render.estimate_picture(pic))


async def _quote(conn: aiosqlite.Connection, args: argparse.Namespace, console: Console) -> int:
    name = " ".join(args.name)
    items = await queries.quotes_by(conn, name, contains=args.contains, limit=args.limit)
    return await _show(console, args, items, render.quotes(items, name))


async def _search(conn: aiosqlite.Connection, args: argparse.Namespace, console: Console) -> int:
    text = " ".join(args.text)
    hits = await queries.search(conn, text)
    return await _show(console, args, hits, render.search_hits(hits, text))


async def _sources(conn: aiosqlite.Connection, args: argparse.Namespace, console: Console) -> int:
    items = await queries.sources(conn)
    return await _show(console, args, items, render.source_list(items))


async def _timeline(conn: aiosqlite.Connection, args: argparse.Namespace, console: Console) -> int:
    items = await queries.timeline(conn, since=args.since, until=args.until)
    return await _show(console, args, items, render.timeline_items(items))


async def _who(conn: aiosqlite.Connection, args: argparse.Namespace, console: Console) -> int:
    name = " ".join(args.name)
    result = await queries.who(conn, name)
    return await _show(console, args, result, render.who_result(result, name))


async def _digest(conn: aiosqlite.Connection, args: argparse.Namespace, console: Console) -> int:
    until = args.until or dt.datetime.now(dt.UTC)
    d = await build_digest(conn, args.since, until, status=Status(args.status) if args.status else None)
    return await _show(console, args, d, render.digest(d))


async def _feeds(conn: aiosqlite.Connection, args: argparse.Namespace, console: Console) -> int:
    action = args.feeds_command
    if action == "add":
        feed = await feeds.add_feed(conn, args.url, every_minutes=args.every, now=dt.datetime.now(dt.UTC))
        print(f"following feed {feed.id}: {feed.url} every {feed.every_minutes} minutes")
    elif action == "remove":
        if not await feeds.remove_feed(conn, args.id):
            raise queries.QueryError(f"There is no feed {args.id}; `briefings feeds list` shows them.")
        print(f"feed {args.id} removed")
    elif action == "list":
        console.print(render.feed_list(await feeds.list_feeds(conn)))
    else:
        settings = load_settings()
        async with feeds.make_session(settings.feed_timeout, allow_loopback=settings.allow_loopback) as session:
            poller = feeds.Poller(
                conn,
                session,
                topic=feeds.Topic.parse(settings.topic),
                budget=settings.extract_budget,
                deadline=settings.poll_deadline,
            )
            for r in await poller.poll_all():
                state = f"error: {r.error}" if r.error else ("not modified" if r.not_modified else "ok")
                print(f"feed {r.feed_id}: {state}; {r.taken} taken, {r.skipped} skipped, {r.failed} failed")
    return 0


HANDLERS: dict[str, Handler] = {
    "ingest": _ingest,
    "estimate": _estimate,
    "quote": _quote,
    "search": _search,
    "sources": _sources,
    "timeline": _timeline,
    "who": _who,
    "digest": _digest,
    "feeds": _feeds,
}


def _extract(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        article = parse_article(path.read_bytes(), str(path), path.suffix)
    except ArticleError as exc:
        print(f"error: {path}: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {path}: cannot be read ({exc.strerror or exc})", file=sys.stderr)
        return 1
    published = article.meta.published.date() if article.meta.published else None
    facts = extract(article.body, published, article.meta.outlet)
    if args.format == "json":
        print(json.dumps(extraction_json(facts), ensure_ascii=False, indent=2))
    else:
        console = Console()
        for q in facts.quotes:
            console.print(f"{q.speaker or '?'}: “{q.text}”")
        for e in facts.estimates:
            console.print(f"{e.claimant}: {e.value:,} ({e.qualifier.value}, {e.status.value})")
    return 0


async def _run(args: argparse.Namespace) -> int:
    db = args.db or os.environ.get("BRIEFINGS_DB") or DEFAULT_DB
    console = Console(soft_wrap=False)
    async with connect(db) as conn:
        return await HANDLERS[args.command](conn, args, console)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.command == "extract":
        return _extract(args)
    if args.command == "health":
        from briefings.health import check

        db = Path(args.db or os.environ.get("BRIEFINGS_DB") or DEFAULT_DB)
        result = check(db, dt.datetime.now(dt.UTC))
        print(result.message, file=sys.stdout if result.ok else sys.stderr)
        return 0 if result.ok else 1
    if args.command == "bot":
        # the Discord adapter lives outside the core; it is loaded only when asked for
        import importlib

        return importlib.import_module("bot.app").main()
    try:
        return asyncio.run(_run(args))
    except (queries.QueryError, StoreError, feeds.FetchError, SettingsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
