"""A story: what a community follows, defined in one TOML file.

A story names what an article must mention to belong to it (its topic), what a number must count to
be one of its estimates (its quantity: the nouns, unit words and exclusions), and the statuses those
numbers take, each with the words that signal it. The extractor reads its rules from here
(`briefings.extract.estimates`); the store, the commands and the digest read the names and labels.

Plain data and validation only: no I/O but `load_story`'s one read of a file.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

DEFAULT_STORY = "north-korean-troops"
MAX_STORY_BYTES = 256 * 1024  # a story file is a page of word lists, not a data set
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_STATUS_NAME = re.compile(r"[a-z][a-z0-9_]*")
_PHRASE = re.compile(r"[\w'’.&-]+\*?(?:\s+[\w'’.&-]+\*?)*")  # words and spaces; `*` ends a word with any ending


class StoryError(ValueError):
    """A story file that cannot be used; one line per mistake, each naming the file and the key."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("\n".join(lines))


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _phrases(values: tuple[str, ...]) -> tuple[str, ...]:
    out = []
    for v in values:
        v = " ".join(v.split()).lower()
        if not _PHRASE.fullmatch(v):
            raise ValueError(f"{v!r} is not a word or phrase (letters, digits, spaces; '*' to end a word freely)")
        out.append(v)
    return tuple(out)


def _patterns(values: tuple[str, ...]) -> tuple[str, ...]:
    for v in values:
        # the extractor runs patterns over lowercased text: an escape in capitals would change meaning
        if re.search(r"\\[A-Zxu]|\(\?-i", v):
            raise ValueError(f"pattern {v!r}: escapes in capitals (\\W, \\S, \\D, \\B) and \\x, \\u are not allowed")
        try:
            re.compile(v)
        except re.error as e:
            raise ValueError(f"pattern {v!r} is not a regular expression: {e}") from None
    return values


def _named(pattern: re.Pattern[str], what: str) -> Callable[[str], str]:
    def check(v: str) -> str:
        if not pattern.fullmatch(v):
            raise ValueError(f"{v!r} is not {what}")
        return v

    return check


def _not_blank(v: str, info: ValidationInfo) -> str:
    if not v.strip():
        raise ValueError(f"empty {info.field_name}")
    return v.strip()


def phrase_pattern(phrases: tuple[str, ...]) -> str:
    """One regular expression (lowercase, for caseless text) matching any of `phrases` as whole words."""
    alts = []
    for p in sorted(set(phrases), key=len, reverse=True):
        words = []
        for w in p.split():
            stem = re.sub("['’]", "['’]", re.escape(w.rstrip("*")))
            words.append(stem + (r"[\w'’-]*" if w.endswith("*") else ""))
        alts.append(r"\s+".join(words))
    return r"\b(?:{})\b".format("|".join(alts)) if alts else r"(?!)"


class Topic(_Model):
    """What an article must mention to belong to the story: one of `any_of`, and for each entry of
    `all_of` one of its '|'-separated words (whole words, any case)."""

    any_of: tuple[str, ...] = ()
    all_of: tuple[str, ...] = ()

    @field_validator("any_of", "all_of")
    @classmethod
    def _words(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for entry in v:
            for w in entry.split("|"):
                if not w.strip():
                    raise ValueError(f"{entry!r} has an empty word")
        return tuple(" ".join(e.split()) for e in v)

    @model_validator(mode="after")
    def _something(self) -> Topic:
        if not self.any_of and not self.all_of:
            raise ValueError("give any_of or all_of: a topic that names no word takes every article")
        return self

    def groups(self) -> list[list[str]]:
        """Groups of alternatives, every group to be matched: the topic as the feeds' setting reads it."""
        out = [list(self.any_of)] if self.any_of else []
        out += [[w.strip() for w in e.split("|")] for e in self.all_of]
        return out

    def as_setting(self) -> str:
        """The topic in the `BRIEFINGS_TOPIC` syntax: '|' between alternatives, ';' between groups."""
        return "; ".join("|".join(g) for g in self.groups())

    def matches(self, text: str) -> bool:
        return all(
            re.search(r"\b(?:{})\b".format("|".join(re.escape(w) for w in g)), text, re.I) for g in self.groups()
        )


class Quantity(_Model):
    """What makes a number one of the story's counts.

    - `nouns`: a number followed by one of these is a count by itself ("9,000 troops", "2,000 protesters")
      and takes the default status when no cue says otherwise; `weak_nouns` only from 100 up.
    - `people`: general nouns ("people", "residents") that make a count only where a status cue
      speaks of them ("30 people died"; "30 people were rescued" is not a count), or, when
      `people_among` is given, only in a sentence that names one of those words and tells of no loss.
    - `adjectives`: words that may stand between the number and its noun ("12 more confirmed deaths").
    - `units`: unit words counted whole: "two brigades of 6,000 each" is 12,000.
    - `exclude`: words that make the number something else when they are the nearest cue
      ("500 people were rescued", "3,000 police deployed").
    - `context`: words that let a bare number count ("the 9,000 sent", in a sentence about troops).
    - `force`: the country whose forces the story counts; other countries' forces are not counted;
      `front_countries`: countries at war, where being is no "country of deployment".
    - `past_events`: a number in a clause that names an earlier year is another event's figure.
    """

    nouns: tuple[str, ...] = ()
    weak_nouns: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    people_among: tuple[str, ...] = ()
    adjectives: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    force: str | None = None
    front_countries: tuple[str, ...] = ()
    past_events: bool = True
    min: int = Field(default=2, ge=1)
    max: int = Field(default=2_000_000, ge=1)

    _p = field_validator(
        "nouns", "weak_nouns", "people", "people_among", "adjectives", "units", "exclude", "context", "front_countries"
    )(_phrases)

    @model_validator(mode="after")
    def _counts(self) -> Quantity:
        if not self.nouns and not self.people:
            raise ValueError("give nouns or people: without them no number is a count")
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is more than max ({self.max})")
        return self


class StatusDef(_Model):
    """One status: its name (stored), its label (shown) and what signals it.

    `cues` are words and phrases ('*' ends a word freely: "hospitali*"); `patterns` are regular
    expressions for what phrases cannot say; `places` are place names that signal it ("Kursk");
    `unless` are phrases that, just before a cue, make it hypothetical ("could suffer"). At most one
    status is the `default`, taken by a count whose noun alone makes it one ("9,000 troops")."""

    name: str
    label: str
    cues: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    before: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    default: bool = False
    loss: bool = False

    _n = field_validator("name")(_named(_STATUS_NAME, "a status name (lowercase letters, digits, '_')"))
    _l = field_validator("label")(_not_blank)
    _p = field_validator("cues", "places", "before")(_phrases)
    _r = field_validator("patterns", "unless")(_patterns)

    @model_validator(mode="after")
    def _signalled(self) -> StatusDef:
        if not (self.cues or self.patterns or self.places or self.default):
            raise ValueError(f"status {self.name!r} has no cues, patterns or places, and is not the default")
        return self


class Story(_Model):
    name: str
    title: str
    topic: Topic
    quantity: Quantity
    statuses: tuple[StatusDef, ...]
    # how a number's status is chosen among the cues of its clause: the nearest cue ("12 dead and 30
    # missing"), or the first status in `precedence` order that has a cue there
    status_by: Literal["nearest", "precedence"] = "nearest"
    precedence: tuple[str, ...] = ()
    seeds: str | None = None  # a folder of seed articles, relative to the story file

    _n = field_validator("name")(_named(_SLUG, "a story name (lowercase words joined by '-': north-korean-troops)"))
    _t = field_validator("title")(_not_blank)

    @model_validator(mode="after")
    def _statuses(self) -> Story:
        names = [s.name for s in self.statuses]
        if not names:
            raise ValueError("statuses: give at least one [[statuses]] table")
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"statuses: {', '.join(twice)} given twice")
        defaults = [s.name for s in self.statuses if s.default]
        if len(defaults) > 1:
            raise ValueError(f"statuses: only one may be the default, not {', '.join(defaults)}")
        unknown = [p for p in self.precedence if p not in names]
        if unknown:
            raise ValueError(f"precedence: {', '.join(unknown)} is not one of the statuses ({', '.join(names)})")
        return self

    def status(self, name: str) -> StatusDef:
        for s in self.statuses:
            if s.name == name:
                return s
        raise KeyError(f"story {self.name!r} has no status {name!r} (it has {', '.join(self.status_names())})")

    def status_names(self) -> list[str]:
        return [s.name for s in self.statuses]

    def default_status(self) -> StatusDef | None:
        return next((s for s in self.statuses if s.default), None)

    def matches(self, text: str) -> bool:
        """Whether an article (its title and text) belongs to the story."""
        return self.topic.matches(text)


def _where(loc: tuple[int | str, ...], data: object) -> str:
    """'statuses[2] (killed).cues' for pydantic's ('statuses', 2, 'cues')."""
    parts: list[str] = []
    node = data
    for p in loc:
        if isinstance(p, int):
            name = (
                node[p].get("name") if isinstance(node, list) and p < len(node) and isinstance(node[p], dict) else None
            )
            parts[-1] += f"[{p + 1}]" + (f" ({name})" if name else "")
        else:
            parts.append(str(p))
        try:
            node = node[p]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            node = None
    return ".".join(parts) or "(file)"


def parse_story(text: str, origin: str) -> Story:
    """A story from TOML text; `origin` names it in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise StoryError([f"{origin}: not valid TOML: {e}"]) from None
    try:
        return Story.model_validate(data)
    except ValidationError as e:
        lines = []
        for err in e.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown key"
            elif err["type"] == "missing":
                msg = "missing"
            lines.append(f"{origin}: {_where(loc, data)}: {msg}")
        raise StoryError(lines) from None


def load_story(path: str | Path) -> Story:
    """The story in a TOML file; StoryError with one line per mistake."""
    p = Path(path)
    try:
        with p.open("rb") as f:
            raw = f.read(MAX_STORY_BYTES + 1)
    except OSError as e:
        raise StoryError([f"{p}: cannot read: {e.strerror or e}"]) from None
    if len(raw) > MAX_STORY_BYTES:
        raise StoryError([f"{p}: larger than {MAX_STORY_BYTES // 1024} KiB: not a story file"])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise StoryError([f"{p}: not UTF-8 text"]) from None
    story = parse_story(text, str(p))
    if story.seeds is not None and not Path(story.seeds).is_absolute():
        story = story.model_copy(update={"seeds": str((p.parent / story.seeds).resolve())})
    return story


def bundled_stories() -> dict[str, Story]:
    """The stories shipped with briefings (briefings/stories/*.toml), by name."""
    out = {}
    folder = resources.files("briefings") / "stories"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            story = parse_story(entry.read_text(encoding="utf-8"), f"briefings/stories/{entry.name}")
            out[story.name] = story
    return out


def stories_in(folder: str | Path) -> dict[str, Story]:
    """The stories of a folder's *.toml files, by name; StoryError lists every bad file's mistakes."""
    out: dict[str, Story] = {}
    errors: list[str] = []
    for path in sorted(Path(folder).glob("*.toml")):
        try:
            story = load_story(path)
        except StoryError as e:
            errors += e.lines
            continue
        if story.name in out:
            errors.append(f"{path}: name: {story.name!r} is already the name of another story in {folder}")
        out[story.name] = story
    if errors:
        raise StoryError(errors)
    return out


def find_story(name_or_path: str | Path | None = None, folder: str | Path | None = None) -> Story:
    """A story by file path, by name in `folder`, or by bundled name (None: the default story)."""
    key = str(name_or_path) if name_or_path is not None else DEFAULT_STORY
    if key.endswith(".toml") or "/" in key or Path(key).is_file():
        return load_story(key)
    if folder is not None and Path(folder).is_dir():
        found = stories_in(folder)
        if key in found:
            return found[key]
    bundled = bundled_stories()
    if key in bundled:
        return bundled[key]
    known = sorted(set(bundled) | (set(stories_in(folder)) if folder is not None and Path(folder).is_dir() else set()))
    raise StoryError([f"{key}: no such story (known: {', '.join(known)}) and no such file"])


__all__ = [
    "DEFAULT_STORY",
    "Quantity",
    "StatusDef",
    "Story",
    "StoryError",
    "Topic",
    "bundled_stories",
    "find_story",
    "load_story",
    "parse_story",
    "phrase_pattern",
    "stories_in",
]
