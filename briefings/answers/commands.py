"""The commands' shared vocabulary, for every face (the CLI, the console, the Discord bot): what the
commands and their options are called, how their values are read, the one error class for a bad
input, and the about text.

A console line reads like a slash command: `/quote Kirby`, `/quote speaker:"John Kirby" contains:fair
game`, `/estimate claimant:South Korea`, `/timeline 2024-10-01 2024-10-31`. An option's value runs to
the next `name:` of that command; quote marks group words and are kept where they mean something (a
phrase in /search).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefings.storyset import listed
from briefings.words import plural, quoted

if TYPE_CHECKING:
    from briefings.answers.views import Stats
    from briefings.story import Story
    from briefings.storyset import StorySet

ABOUT = (
    "briefings keeps a community briefed on the news stories it follows: who claims what, when, and how sure. "
    "It reads articles, extracts direct quotes with their speakers and each story's numbers (troops, a toll, "
    "a crowd) with claimant, hedge, status and date, and links every fact to its sentence."
)

MAX_STORY_CHARS = 100  # a story's name or title as typed
DIGEST_SINCE = dt.timedelta(days=1)  # a digest asked for without `since` covers the last day


class CommandError(ValueError):
    """A bad input, in any face; the message is one sentence for the user."""


def holdings(s: Stats) -> str:
    """What the store holds, as /about says it in every face."""
    span = f", with claims dated {s.first_claim} to {s.last_claim}" if s.first_claim else ""
    return (
        f"The store holds {plural(s.sources, 'source')}, {plural(s.quotes, 'quote')}, "
        f"{plural(s.estimates, 'estimate')} and {plural(s.entities, 'person or body', 'people and bodies')}{span}."
    )


def pick_story(stories: StorySet, typed: str | None) -> Story:
    """The story a command names (its name or title, in any case), else the one it means by naming
    none (the default); an unknown story, or none where several are followed without a default, is
    one sentence."""
    text = " ".join((typed or "").split())
    if not text:
        implied = stories.implied()
        if implied is None:
            raise CommandError(f"Name a story: {listed(stories.names)}.")
        return implied
    found = stories.find(text) if len(text) <= MAX_STORY_CHARS else None
    if found is None:
        raise CommandError(f"There is no story {quoted(text)}; the stories are {listed(stories.names)}.")
    return found


def pick_stories(stories: StorySet, typed: str | None) -> list[Story]:
    """Stories named in one value, separated by commas ("hurricane-helene, hong-kong-protests");
    none named: the one a command naming none means."""
    parts = [p for p in (typed or "").split(",") if p.strip()]
    if not parts:
        return [pick_story(stories, None)]
    return list({s.name: s for s in (pick_story(stories, p) for p in parts)}.values())


def status_of(story: Story, typed: str | None) -> str | None:
    """A status a command names, as its story calls it (name or label, any case); None when none is
    named. A status the story does not have is one sentence naming the story's."""
    text = " ".join((typed or "").split())
    if not text:
        return None
    key = text.casefold()
    for status in story.statuses:
        if key in (status.name.casefold(), status.label.casefold()):
            return status.name
    raise CommandError(
        f"{quoted(text)} is not a status of {story.name}; its statuses are {listed(story.status_names())}."
    )


def followed(stories: StorySet, s: Stats) -> str:
    """The stories followed, as /about says it in every face: each one's name, title and sources."""
    lines = []
    for story in stories:
        mark = " (the default)" if story.name == stories.default else ""
        lines.append(f"- {story.name}{mark}: {story.title}, {plural(s.stories.get(story.name, 0), 'source')}")
    return "Stories followed:\n" + "\n".join(lines)


# ------------------------------------------------------------------------------ values


def parse_day(value: str, option: str) -> dt.date:
    """ "2024-10-24" as a date; anything else is one sentence naming the option."""
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(f"{quoted(value)} is not a date for {option}; write it like 2024-10-24.") from None


_AGO = re.compile(r"(\d{1,4})\s*([hd])")


def parse_moment(value: str, option: str, now: dt.datetime) -> dt.datetime:
    """ "2024-10-24", "2024-10-24T08:00+02:00" or "12h"/"2d" before `now`, as an aware datetime."""
    text = value.strip().lower()
    ago = _AGO.fullmatch(text)
    if ago:
        unit = dt.timedelta(hours=1) if ago.group(2) == "h" else dt.timedelta(days=1)
        return now - int(ago.group(1)) * unit
    try:
        when = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(
            f"{quoted(value)} is not a time for {option}; write 2024-10-24, 2024-10-24T08:00+00:00, 12h or 2d."
        ) from None
    when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    try:
        when.astimezone(dt.UTC)
    except OverflowError:
        raise CommandError(f"{quoted(value)} is too far from today to be a time for {option}.") from None
    return when


def digest_window(since: str | None, until: str | None, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """A digest's period from its options: `since` defaults to a day before `until`, `until` to now."""
    end = parse_moment(until, "until", now) if until and until.strip() else now
    start = parse_moment(since, "since", now) if since and since.strip() else end - DIGEST_SINCE
    if start >= end:
        raise CommandError("since must be before until: the period would end before it starts.")
    return start, end


def parse_count(value: str, option: str, low: int = 1, high: int = 1000) -> int:
    """A whole number between `low` and `high`."""
    text = value.strip().replace(",", "").replace("_", "")
    if not text.isascii() or not text.isdigit() or len(text) > 9 or not low <= int(text) <= high:
        raise CommandError(f"{option} must be a whole number from {low:,} to {high:,}, not {quoted(value)}.")
    return int(text)


# ------------------------------------------------------------------- commands, options


@dataclass(frozen=True)
class Option:
    name: str
    description: str
    required: bool = False
    choices: tuple[str, ...] = ()
    kind: str = "text"  # "text", "name" (a speaker or claimant), "day", "moment", "story", "status" (of the story)
    raw: bool = False  # the value is kept as typed, quote marks included (search syntax)


@dataclass(frozen=True)
class CommandSpec:
    name: str
    description: str
    options: tuple[Option, ...] = ()

    def option(self, name: str) -> Option | None:
        return next((o for o in self.options if o.name == name), None)


STORY = Option("story", "which story (the default one when left out)", kind="story")

COMMANDS: dict[str, CommandSpec] = {
    c.name: c
    for c in (
        CommandSpec(
            "estimate",
            "a story's latest numbers per claimant, their range, and who changed",
            (
                Option("status", "what the number counts (one of the story's statuses)", kind="status"),
                Option("claimant", "only this claimant (part of a name is enough)", kind="name"),
                STORY,
            ),
        ),
        CommandSpec(
            "quote",
            "a speaker's quotes, newest first",
            (
                Option("speaker", "who said it (part of a name is enough)", required=True, kind="name"),
                Option("contains", "only quotes with these words"),
            ),
        ),
        CommandSpec(
            "search",
            "full-text search over quotes and claims",
            (Option("text", 'words to find; "exact phrase", OR and NOT work too', required=True, raw=True), STORY),
        ),
        CommandSpec(
            "sources",
            "the articles in the store, with their stories, copies and rewrites marked",
            (Option("story", "only this story's articles", kind="story"),),
        ),
        CommandSpec(
            "timeline",
            "dated claims in order, one line per claim",
            (
                Option("from", "first day, like 2024-10-20", kind="day"),
                Option("to", "last day, like 2024-11-05", kind="day"),
                STORY,
            ),
        ),
        CommandSpec(
            "who",
            "a person's or body's role, affiliation and claims",
            (Option("name", "part of a name is enough", required=True, kind="name"),),
        ),
        CommandSpec(
            "digest",
            "what was stored since a moment (default: a day ago)",
            (Option("since", "like 2024-10-24, 2024-10-24T08:00+00:00, 12h or 2d", kind="moment"), STORY),
        ),
        CommandSpec("about", "what this is and what it holds"),
    )
}


# ------------------------------------------------------------------------------ a line

_QUOTES = "\"'"
_MARKER = re.compile(r"([A-Za-z]+):")


def _opens(text: str, i: int) -> bool:
    """A quote mark at `i` opens a quoted part: at a word's start or right after an option's colon."""
    return text[i] in _QUOTES and (i == 0 or text[i - 1].isspace() or text[i - 1] == ":")


def _closes(text: str, i: int, mark: str) -> bool:
    """A quote mark at `i` closes one opened by `mark`: an apostrophe only at a word's end ("They're")."""
    return text[i] == mark and (mark == '"' or i + 1 == len(text) or not text[i + 1].isalnum())


def _segments(rest: str, names: set[str]) -> list[tuple[str | None, str]]:
    """The arguments cut at each `name:` of the command (outside quote marks, at a word's start)."""
    out: list[tuple[str | None, str]] = []
    name: str | None = None
    start = i = 0
    mark: str | None = None
    while i < len(rest):
        if mark:
            if _closes(rest, i, mark):
                mark = None
            i += 1
            continue
        if _opens(rest, i):
            mark = rest[i]
            i += 1
            continue
        m = _MARKER.match(rest, i) if i == 0 or rest[i - 1].isspace() else None
        if m and m.group(1).lower() in names:
            out.append((name, rest[start:i]))
            name, start = m.group(1).lower(), m.end()
            i = m.end()
            continue
        i += 1
    if mark:
        raise CommandError("That line has an unclosed quote mark.")
    out.append((name, rest[start:]))
    return [(n, v.strip()) for n, v in out if n is not None or v.strip()]


def split_words(text: str) -> list[str]:
    """Words, with quote marks grouping (and removed from) the words they enclose."""
    words: list[str] = []
    current: list[str] = []
    mark: str | None = None
    started = False
    for i, c in enumerate(text):
        if mark:
            if _closes(text, i, mark):
                mark = None
            else:
                current.append(c)
        elif _opens(text, i) and not current:
            mark, started = c, True
        elif c.isspace():
            if current or started:
                words.append("".join(current))
            current, started = [], False
        else:
            current.append(c)
    if mark:
        raise CommandError("That line has an unclosed quote mark.")
    if current or started:
        words.append("".join(current))
    return words


def _value(option: Option, text: str) -> str:
    return text if option.raw else " ".join(split_words(text))


def parse_line(line: str) -> tuple[CommandSpec, dict[str, str]]:
    """ "/quote Kirby contains:fair game" → the command and its options' values."""
    line = line.strip()
    head, _, rest = line.lstrip("/").partition(" ")
    name = head.strip().lower()
    if not name:
        raise CommandError("Type a command, or 'help'.")
    command = COMMANDS.get(name)
    if command is None:
        raise CommandError(f"There is no command {quoted(name)}; type 'help' for the list.")
    values: dict[str, str] = {}
    loose = ""
    for option_name, text in _segments(rest, {o.name for o in command.options}):
        if option_name is None:
            loose = text
            continue
        if option_name in values:
            raise CommandError(f"/{name} was given {option_name} twice.")
        option = command.option(option_name)
        assert option is not None
        values[option_name] = _value(option, text)
    if loose:
        free = [o for o in command.options if o.name not in values]
        # a story is named with story: (the words of a name run on), unless it is all the command takes
        free = [o for o in free if o.kind != "story"] or free
        if not free:
            names = ", ".join(o.name for o in command.options) or "no options"
            raise CommandError(f"/{name} takes {names}; {quoted(loose)} is one value too many.")
        words = split_words(loose)
        if len(free) == 1 or free[0].required or len(words) == 1:
            values[free[0].name] = _value(free[0], loose)  # the first free option takes every word
        else:  # in order, the last free option taking the words left
            for option, word in zip(free[:-1], words, strict=False):
                values[option.name] = word
            if len(words) >= len(free):
                values[free[-1].name] = " ".join(words[len(free) - 1 :])
    for option in command.options:
        value = values.get(option.name, "")
        if option.required and not value.strip():
            raise CommandError(f"/{name} needs {option.name}, for example: /{name} {option.name}:...")
        if option.choices and value:
            values[option.name] = value = value.strip().lower()
            if value not in option.choices:
                raise CommandError(f"{option.name} must be one of {', '.join(option.choices)}.")
    return command, values


def help_text() -> str:
    lines = ["Commands (like the bot's slash commands):"]
    for c in COMMANDS.values():
        opts = " ".join(f"{o.name}:…" if o.required else f"[{o.name}:…]" for o in c.options)
        lines.append(f"  /{c.name} {opts}".rstrip() + f"  — {c.description}")
    lines.append("  help  — this list;  quit (or Ctrl-D)  — leave")
    return "\n".join(lines)
