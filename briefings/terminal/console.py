"""The bot's commands answered on a terminal: the same queries and views, rendered as text.

Lines read like the slash commands (see briefings.answers.commands): `/quote Kirby`, `/quote kirby
contains:fair game`, `/estimate claimant:South Korea`, `/search "fair game"`. On a terminal the
line is edited with prompt_toolkit: history kept across runs beside the store, completion of
commands, options, statuses and known names; Ctrl-C drops the line (or stops an answer), Ctrl-D or
`quit` leaves. Piped input is read line by line, without a prompt.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import re
import signal
import stat
import sys
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Protocol

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from rich.console import Console, RenderableType
from rich.text import Text

from briefings import __version__
from briefings.answers import queries
from briefings.answers.commands import (
    ABOUT,
    COMMANDS,
    CommandError,
    CommandSpec,
    Option,
    digest_window,
    followed,
    help_text,
    holdings,
    parse_day,
    parse_line,
    pick_story,
    status_of,
)
from briefings.answers.digest import build_digest
from briefings.answers.queries import story_picture
from briefings.store.db import Connection
from briefings.store.matching import complete_names, fold_key
from briefings.story import Story
from briefings.storyset import StorySet, default_stories
from briefings.terminal import render

log = logging.getLogger(__name__)

Runner = Callable[[Connection, dict[str, str], StorySet, dt.tzinfo], Awaitable[RenderableType]]  # tz: times shown
LEAVE = frozenset({"quit", "exit", "/quit", "/exit"})
HELP = frozenset({"help", "/help", "?"})
HISTORY_FILE = "console.history"
PROMPT = "briefings> "


# ----------------------------------------------------------------------------- answers


async def _estimate(conn: Connection, o: dict[str, str], stories: StorySet, tz: dt.tzinfo) -> RenderableType:
    story = pick_story(stories, o.get("story"))
    picture = await story_picture(conn, story, status=status_of(story, o.get("status")), claimant=o.get("claimant"))
    return render.estimate_picture(picture)


async def _quote(conn: Connection, o: dict[str, str], stories: StorySet, tz: dt.tzinfo) -> RenderableType:
    items = await queries.quotes_by(conn, o["speaker"], contains=o.get("contains"), limit=20)
    return render.quotes(items, o["speaker"])


async def _search(conn: Connection, o: dict[str, str], stories: StorySet, tz: dt.tzinfo) -> RenderableType:
    story = pick_story(stories, o.get("story"))
    return render.search_hits(await queries.search(conn, o["text"], story=story.name, limit=20), o["text"])


async def _sources(conn: Connection, o: dict[str, str], stories: StorySet, tz: dt.tzinfo) -> RenderableType:
    story = pick_story(stories, o["story"]).name if o.get("story") else None
    return render.source_list(await queries.sources(conn, story=story))


async def _timeline(conn: Connection, o: dict[str, str], stories: StorySet, tz: dt.tzinfo) -> RenderableType:
    story = pick_story(stories, o.get("story"))
    since = parse_day(o["from"], "from") if o.get("from") else None
    until = parse_day(o["to"], "to") if o.get("to") else None
    return render.timeline_items(await queries.timeline(conn, story=story.name, since=since, until=until))


async def _who(conn: Connection, o: dict[str, str], stories: StorySet, tz: dt.tzinfo) -> RenderableType:
    return render.who_result(await queries.who(conn, o["name"]), o["name"])


async def _digest(conn: Connection, o: dict[str, str], stories: StorySet, tz: dt.tzinfo) -> RenderableType:
    story = pick_story(stories, o.get("story"))
    since, until = digest_window(o.get("since"), None, dt.datetime.now(dt.UTC))
    return render.digest(await build_digest(conn, since, until, story=story), tz)


async def _about(conn: Connection, o: dict[str, str], stories: StorySet, tz: dt.tzinfo) -> RenderableType:
    stats = await queries.stats(conn)
    return Text(f"briefings {__version__}\n{ABOUT}\n{holdings(stats)}\n{followed(stories, stats)}")


RUNNERS: dict[str, Runner] = {
    "estimate": _estimate,
    "quote": _quote,
    "search": _search,
    "sources": _sources,
    "timeline": _timeline,
    "who": _who,
    "digest": _digest,
    "about": _about,
}
assert set(RUNNERS) == set(COMMANDS), "every shared command has a console answer"


async def answer(
    conn: Connection, line: str, stories: StorySet | None = None, tz: dt.tzinfo = dt.UTC
) -> RenderableType:
    """The console's answer to one line: a view rendered as text (times in `tz`), or a one-sentence error."""
    if line.strip().lower() in HELP:
        return Text(help_text())
    try:
        command, values = parse_line(line)
        return await RUNNERS[command.name](conn, values, stories or default_stories(), tz)
    except CommandError as exc:  # QueryError is one too
        return render.plain(str(exc), "red")


# ------------------------------------------------------------------------ reading lines


class LineReader(Protocol):
    async def read(self) -> str | None:
        """The next line; "" for a line dropped (Ctrl-C); None to leave (Ctrl-D, end of input)."""
        ...


class PipedReader:
    """Lines from a pipe or a file, read by a daemon thread: a process told to stop never waits for
    a line that may not come."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._lines: asyncio.Queue[str | None] | None = None

    def _start(self) -> asyncio.Queue[str | None]:
        loop = asyncio.get_running_loop()
        lines: asyncio.Queue[str | None] = asyncio.Queue()

        def pump() -> None:
            try:
                for line in self._stream:
                    loop.call_soon_threadsafe(lines.put_nowait, line.rstrip("\n"))
            except (OSError, ValueError):  # the stream closed under us
                pass
            with contextlib.suppress(RuntimeError):  # the loop already closed: nobody is reading
                loop.call_soon_threadsafe(lines.put_nowait, None)

        threading.Thread(target=pump, name="console-stdin", daemon=True).start()
        return lines

    async def read(self) -> str | None:
        if self._lines is None:
            self._lines = self._start()
        with _signal_wakes_the_loop(signal.SIGINT):
            return await self._lines.get()


@contextlib.contextmanager
def _signal_wakes_the_loop(sig: int) -> Iterator[None]:
    """The signal's Python handler (asyncio.run's for Ctrl-C: stop the main task), run by the loop.

    A handler set with signal.signal runs only when the main thread next runs Python code: a signal
    that lands on another thread (the reading one), or just before the loop goes to sleep with nothing
    scheduled, would wait there for a line that may never come. The loop's own handlers wake it.
    """
    previous = signal.getsignal(sig)
    if not callable(previous):  # ignored (a background job) or the system's default: left as it is
        yield
        return
    with _loop_handles(sig, previous, sig, None):
        yield


@contextlib.contextmanager
def _loop_handles(sig: int, callback: Callable[..., object], *args: object) -> Iterator[None]:
    """`callback(*args)` on the signal, run by the event loop, for the block; the handler before it back after."""
    loop = asyncio.get_running_loop()
    try:
        previous = signal.getsignal(sig)
        loop.add_signal_handler(sig, callback, *args)
    except (ValueError, RuntimeError, NotImplementedError):  # not the main thread, or no signals here
        yield
        return
    try:
        yield
    finally:
        loop.remove_signal_handler(sig)
        signal.signal(sig, previous)


class PromptReader:
    """Lines edited at a prompt (prompt_toolkit)."""

    def __init__(self, session: PromptSession[str]) -> None:
        self.session = session

    async def read(self) -> str | None:
        try:
            return await self.session.prompt_async(PROMPT)
        except KeyboardInterrupt:  # Ctrl-C: this line is dropped, a fresh prompt follows
            return ""
        except EOFError:  # Ctrl-D on an empty line
            return None


# ---------------------------------------------------------------------------- completion


class KnownNames:
    """Speakers and claimants stored, for completion; read again at most once a minute."""

    REFRESH_EVERY = 60.0

    def __init__(self, stories: StorySet | None = None) -> None:
        self.stories = stories or default_stories()
        self.speakers: list[tuple[str, str]] = []
        self.claimants: list[tuple[str, str]] = []
        self.everyone: list[tuple[str, str]] = []
        self._read_at = -float("inf")

    async def refresh(self, conn: Connection, *, force: bool = False) -> None:
        if not force and time.monotonic() - self._read_at < self.REFRESH_EVERY:
            return
        speakers = await queries.speakers(conn)
        claimants = await queries.claimants(conn)
        counts: dict[str, int] = {}
        for name, n in [*speakers, *claimants]:
            counts[name] = counts.get(name, 0) + n
        self.speakers = [(n, fold_key(n)) for n, _ in speakers]
        self.claimants = [(n, fold_key(n)) for n, _ in claimants]
        self.everyone = [(n, fold_key(n)) for n, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
        self._read_at = time.monotonic()

    def for_option(self, command: str, option: Option) -> list[tuple[str, str]]:
        if command == "quote":
            return self.speakers
        if command == "estimate":
            return self.claimants
        return self.everyone


MOMENT_HINTS = ("12h", "1d", "2d", "7d")
_MARKER = re.compile(r"(?:^|(?<=\s))([A-Za-z]+):")


class CommandCompleter(Completer):
    """Completes commands, their options, statuses and the names stored."""

    def __init__(self, names: KnownNames) -> None:
        self.names = names

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterator[Completion]:
        text = document.text_before_cursor.lstrip()
        if " " not in text:
            word = text.lstrip("/").lower()
            for c in COMMANDS.values():
                if c.name.startswith(word):
                    yield Completion(f"/{c.name}", -len(text), display_meta=c.description)
            for extra in ("help", "quit"):
                if extra.startswith(word) and not text.startswith("/"):
                    yield Completion(extra, -len(text))
            return
        head, _, rest = text.partition(" ")
        spec = COMMANDS.get(head.lstrip("/").lower())
        if spec is None:
            return
        markers = [m for m in _MARKER.finditer(rest) if spec.option(m.group(1).lower())]
        word = re.split(r"\s", rest)[-1]
        if markers:
            last = markers[-1]
            option = spec.option(last.group(1).lower())
            value = rest[last.end() :]
            if option is not None and (option.kind == "name" or not re.search(r"\s", value)):
                yield from self._values(spec, option, value, rest)
                if value and not value.endswith(" "):
                    return
        else:
            first = next((o for o in spec.options if o.required and o.kind == "name"), None)
            if first is not None and ":" not in rest:
                yield from self._values(spec, first, rest, rest)
        if ":" not in word:
            used = {m.group(1).lower() for m in markers}
            for o in spec.options:
                if o.name not in used and o.name.startswith(word.lower()):
                    yield Completion(f"{o.name}:", -len(word), display_meta=o.description)

    def _values(self, spec: CommandSpec, option: Option, typed: str, line: str) -> Iterable[Completion]:
        if option.kind == "story":
            choices: Iterable[str] = [s.name for s in self.names.stories.complete(typed)]
        elif option.kind == "status":  # the statuses of the story the line names (else the default's)
            choices = [n for n in self._story_of(line).status_names() if n.startswith(typed.strip().lower())]
        elif option.choices:
            choices = [c for c in option.choices if c.startswith(typed.strip().lower())]
        elif option.kind == "name":
            choices = complete_names(self.names.for_option(spec.name, option), typed)
        elif option.kind == "moment":
            choices = [h for h in MOMENT_HINTS if h.startswith(typed.strip())]
        else:
            choices = []
        for choice in choices:
            yield Completion(choice, -len(typed))

    def _story_of(self, line: str) -> Story:
        named = re.search(r"(?:^|\s)story:(\S+)", line)
        try:
            return pick_story(self.names.stories, named.group(1) if named else None)
        except CommandError:  # an unknown story (or none, with several followed): the first one's
            return next(iter(self.names.stories))


# --------------------------------------------------------------------------- the console


def history_for(folder: Path) -> History:
    """The lines typed before, kept in the process's local folder (beside a SQLite store), in memory
    when that folder is not writable."""
    path = folder / HISTORY_FILE
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)
    except OSError:
        log.info("console history not kept: %s is not writable", path)
        return InMemoryHistory()
    return FileHistory(str(path))


def prompt_session(names: KnownNames, history: History, **io: object) -> PromptSession[str]:
    """The prompt: `io` may give prompt_toolkit an `input` and `output` (tests use pipes)."""
    return PromptSession(
        history=history,
        completer=CommandCompleter(names),
        complete_while_typing=False,  # Tab completes; typing is never slowed by a menu
        **io,  # type: ignore[arg-type]
    )


def has_input(stream: IO[str] | None) -> bool:
    """Whether lines may ever come from `stream`: a terminal, a pipe, a file or a socket may give
    some; a closed stdin or a device that is no terminal (/dev/null, what `docker run` without `-i`
    and a system service get) never will."""
    if stream is None:
        return False
    try:
        fd = stream.fileno()
        return os.isatty(fd) or not stat.S_ISCHR(os.fstat(fd).st_mode)
    except (OSError, ValueError):  # closed, or no file behind it
        return False


@contextlib.asynccontextmanager
async def console_reader(
    conn: Connection, folder: Path, console: Console, stories: StorySet | None = None
) -> AsyncIterator[LineReader]:
    """A prompt on a terminal; plain lines from a pipe or file."""
    if sys.stdin.isatty() and console.is_terminal:
        names = KnownNames(stories)
        await names.refresh(conn, force=True)
        yield Interactive(PromptReader(prompt_session(names, history_for(folder))), names, conn)
    else:
        yield PipedReader(sys.stdin)


class Interactive:
    """A prompt reader that keeps the names for completion fresh."""

    def __init__(self, reader: PromptReader, names: KnownNames, conn: Connection) -> None:
        self.reader, self.names, self.conn = reader, names, conn

    async def read(self) -> str | None:
        await self.names.refresh(self.conn)
        return await self.reader.read()


def _interruptible(task: asyncio.Task[RenderableType]) -> contextlib.AbstractContextManager[None]:
    """Ctrl-C while an answer is being made stops that answer, not the console."""
    return _loop_handles(signal.SIGINT, task.cancel)


async def run_console(
    conn: Connection, reader: LineReader, console: Console, stories: StorySet | None = None, tz: dt.tzinfo = dt.UTC
) -> None:
    """Answer lines until end of input, Ctrl-D or 'quit'; times are shown in `tz`."""
    render.show(console, Text(f"briefings {__version__}: no Discord token set, so the commands are answered here."))
    render.show(console, Text(help_text(), style="dim"))
    while True:
        line = await reader.read()
        if line is None or line.strip().lower() in LEAVE:
            return
        if not line.strip():
            continue
        task = asyncio.create_task(answer(conn, line, stories, tz), name="console-answer")
        with _interruptible(task):
            try:
                shown = await task
            except asyncio.CancelledError:
                current = asyncio.current_task()
                if current is not None and current.cancelling():  # the console itself is being stopped
                    raise
                shown = Text("Stopped.", style="dim")
        render.show(console, shown)
