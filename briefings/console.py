"""The bot's commands answered on a terminal: the same queries and views, rendered as text.

Lines look like the slash commands: `/quote Kirby`, `/quote speaker:Kirby contains:fair`,
`/estimate status:deployed`, `/timeline from:2024-10-01`. Options may be given by name or in order.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiosqlite
from rich.console import Console, RenderableType
from rich.text import Text

from briefings import __version__, queries, render
from briefings.digest import build_digest
from briefings.models import Status

ABOUT = (
    "briefings keeps a community briefed on one news story: who claims what, when, and how sure. "
    "It reads articles, extracts direct quotes with their speakers and troop numbers with claimant, hedge, "
    "status and date, and links every fact to its sentence."
)


class CommandError(ValueError):
    """A line the console cannot run; the message says why in one sentence."""


@dataclass(frozen=True)
class Option:
    name: str
    required: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Command:
    name: str
    description: str
    options: tuple[Option, ...]
    run: Callable[[aiosqlite.Connection, dict[str, str]], Awaitable[RenderableType]]


def parse_day(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(f"'{value}' is not a date for {option}; write it like 2024-10-24.") from None


async def _estimate(conn: aiosqlite.Connection, o: dict[str, str]) -> RenderableType:
    status = Status(o["status"]) if o.get("status") else None
    return render.estimate_picture(await queries.estimates(conn, status=status, claimant=o.get("claimant")))


async def _quote(conn: aiosqlite.Connection, o: dict[str, str]) -> RenderableType:
    items = await queries.quotes_by(conn, o["speaker"], contains=o.get("contains"), limit=20)
    return render.quotes(items, o["speaker"])


async def _search(conn: aiosqlite.Connection, o: dict[str, str]) -> RenderableType:
    return render.search_hits(await queries.search(conn, o["text"], limit=20), o["text"])


async def _sources(conn: aiosqlite.Connection, o: dict[str, str]) -> RenderableType:
    return render.source_list(await queries.sources(conn))


async def _timeline(conn: aiosqlite.Connection, o: dict[str, str]) -> RenderableType:
    since = parse_day(o["from"], "from") if o.get("from") else None
    until = parse_day(o["to"], "to") if o.get("to") else None
    return render.timeline_items(await queries.timeline(conn, since=since, until=until))


async def _who(conn: aiosqlite.Connection, o: dict[str, str]) -> RenderableType:
    return render.who_result(await queries.who(conn, o["name"]), o["name"])


async def _digest(conn: aiosqlite.Connection, o: dict[str, str]) -> RenderableType:
    now = dt.datetime.now(dt.UTC)
    since = parse_moment(o["since"], "since", now) if o.get("since") else now - dt.timedelta(days=1)
    return render.digest(await build_digest(conn, since, now))


def parse_moment(value: str, option: str, now: dt.datetime) -> dt.datetime:
    """ "2024-10-24", "2024-10-24T08:00+02:00" or "6h"/"2d" before `now`, as an aware datetime."""
    text = value.strip().lower()
    ago = re.fullmatch(r"(\d{1,4})\s*([hd])", text)
    if ago:
        unit = dt.timedelta(hours=1) if ago.group(2) == "h" else dt.timedelta(days=1)
        return now - int(ago.group(1)) * unit
    try:
        when = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(
            f"'{value}' is not a time for {option}; write 2024-10-24, 2024-10-24T08:00 or 12h."
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


async def _about(conn: aiosqlite.Connection, o: dict[str, str]) -> RenderableType:
    s = await queries.stats(conn)
    span = f" claimed from {s.first_claim} to {s.last_claim}" if s.first_claim else ""
    return Text(
        f"briefings {__version__}\n{ABOUT}\n"
        f"The store holds {s.sources} sources, {s.quotes} quotes, {s.estimates} estimates{span}, "
        f"about {s.entities} people and bodies."
    )


COMMANDS: dict[str, Command] = {
    c.name: c
    for c in (
        Command(
            "estimate",
            "the latest troop numbers per claimant",
            (
                Option("status", choices=tuple(s.value for s in Status)),
                Option("claimant"),
            ),
            _estimate,
        ),
        Command("quote", "a speaker's quotes, newest first", (Option("speaker", True), Option("contains")), _quote),
        Command("search", "full-text search over quotes and claims", (Option("text", True),), _search),
        Command("sources", "the articles in the store", (), _sources),
        Command("timeline", "dated claims in order", (Option("from"), Option("to")), _timeline),
        Command("who", "a person's or body's role and claims", (Option("name", True),), _who),
        Command("digest", "what is new since a moment (default: a day ago)", (Option("since"),), _digest),
        Command("about", "what this is and what it holds", (), _about),
    )
}


def parse_line(line: str) -> tuple[Command, dict[str, str]]:
    """ "/quote Kirby contains:fair game" → the command and its options."""
    try:
        words = shlex.split(line.strip().lstrip("/"))
    except ValueError:
        raise CommandError("That line has an unclosed quote mark.") from None
    if not words:
        raise CommandError("Type a command, or 'help'.")
    name, rest = words[0].lower(), words[1:]
    command = COMMANDS.get(name)
    if command is None:
        raise CommandError(f"There is no command '{name}'; type 'help' for the list.")
    names = {o.name for o in command.options}
    values: dict[str, str] = {}
    loose: list[str] = []
    for w in rest:
        key, sep, value = w.partition(":")
        if sep and key.lower() in names:
            values[key.lower()] = value
        else:
            loose.append(w)
    if loose:
        free = [o for o in command.options if o.name not in values]
        if not free:
            raise CommandError(f"/{name} takes no more options than {', '.join(sorted(names)) or 'none'}.")
        if len(free) == 1 or free[0].required or len(loose) == 1:
            values[free[0].name] = " ".join(loose)  # the first free option takes the words
        else:
            for option, word in zip(free, loose, strict=False):
                values[option.name] = word
    for option in command.options:
        if option.required and not values.get(option.name, "").strip():
            raise CommandError(f"/{name} needs {option.name}, for example: /{name} {option.name}:...")
        if option.choices and values.get(option.name) and values[option.name] not in option.choices:
            raise CommandError(f"{option.name} must be one of {', '.join(option.choices)}.")
    return command, values


def help_text() -> str:
    lines = ["Commands (like the bot's slash commands):"]
    for c in COMMANDS.values():
        opts = " ".join(f"{o.name}:…" if o.required else f"[{o.name}:…]" for o in c.options)
        lines.append(f"  /{c.name} {opts}".rstrip() + f"  — {c.description}")
    lines.append("  quit  — leave")
    return "\n".join(lines)


async def answer(conn: aiosqlite.Connection, line: str) -> RenderableType:
    """The console's answer to one line: a view rendered as text, or a one-sentence error."""
    if line.strip().lower() in {"help", "/help", "?"}:
        return Text(help_text())
    try:
        command, values = parse_line(line)
        return await command.run(conn, values)
    except (CommandError, queries.QueryError) as exc:
        return Text(str(exc), style="red")


async def run_console(
    conn: aiosqlite.Connection,
    read_line: Callable[[], Awaitable[str | None]],
    console: Console,
) -> None:
    """Answer lines until end of input or 'quit'."""
    console.print(Text(f"briefings {__version__}: no Discord token set, so the commands are answered here."))
    console.print(Text(help_text(), style="dim"))
    while True:
        line = await read_line()
        if line is None or line.strip().lower() in {"quit", "exit", "/quit"}:
            return
        if not line.strip():
            continue
        console.print(await answer(conn, line))
