"""The stories one deployment follows, and how every face (the CLI, the console, the bot) names one.

The bundled stories are always there; a folder of story files (BRIEFINGS_STORIES) adds more, a file
named like a bundled story replacing it. The default story (BRIEFINGS_STORY, the seed story unless
set otherwise) is the one a command means when it names none; a deployment without a default must
name one whenever it follows several. An unknown story, or a status its story does not have, is one
sentence (`CommandError`), the same in every face.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from briefings import queries
from briefings.commands import CommandError, quoted
from briefings.db import Connection
from briefings.models import SEED_STORY
from briefings.story import Story, StoryError, bundled_stories, stories_in
from briefings.views import EstimatePicture, StoryView

MAX_STORY_CHARS = 100  # a story's name as typed
CHOICES_SHOWN = 25  # Discord's limit of autocomplete choices


def _listed(names: list[str]) -> str:
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]


class StorySet:
    """The stories followed, by name, in order (bundled first, then the folder's), and the default."""

    def __init__(self, stories: Iterable[Story], default: str | None = SEED_STORY) -> None:
        self._stories: dict[str, Story] = {}
        for story in stories:
            self._stories[story.name] = story
        if not self._stories:
            raise StoryError(["no story is known"])
        if default is not None and default not in self._stories:
            raise StoryError([f"{quoted(default)} is not a story; the stories are {_listed(self.names)}"])
        self.default = default

    @classmethod
    def load(cls, folder: Path | None = None, default: str | None = SEED_STORY) -> StorySet:
        """The bundled stories and those of `folder` (each `*.toml` in it: one named like a bundled
        story replaces it); a broken file is `StoryError`, one line per mistake naming the file."""
        stories = bundled_stories()
        if folder is not None:
            if not folder.is_dir():
                raise StoryError([f"{folder} is not a folder of story files"])
            stories.update(stories_in(folder))
        return cls(stories.values(), default)

    @property
    def names(self) -> list[str]:
        return list(self._stories)

    def __iter__(self) -> Iterator[Story]:
        return iter(self._stories.values())

    def __len__(self) -> int:
        return len(self._stories)

    def __contains__(self, name: object) -> bool:
        return name in self._stories

    def get(self, name: str) -> Story | None:
        return self._stories.get(name)

    @property
    def optional(self) -> bool:
        """May a command leave its story out? With a default, or with one story only."""
        return self.default is not None or len(self._stories) == 1

    # ------------------------------------------------------------------ a command's story

    def pick(self, typed: str | None) -> Story:
        """The story a command names (its name, in any case; or its title), else the default."""
        text = " ".join((typed or "").split())
        if not text:
            if self.default is not None:
                return self._stories[self.default]
            if len(self._stories) == 1:
                return next(iter(self._stories.values()))
            raise CommandError(f"Name a story: {_listed(self.names)}.")
        if len(text) > MAX_STORY_CHARS:
            raise CommandError(f"There is no story {quoted(text)}; the stories are {_listed(self.names)}.")
        key = text.casefold()
        for story in self._stories.values():
            if key in (story.name.casefold(), story.title.casefold()):
                return story
        raise CommandError(f"There is no story {quoted(text)}; the stories are {_listed(self.names)}.")

    def pick_many(self, typed: str | None) -> list[Story]:
        """Stories named in one value, separated by commas ("hurricane-helene, hong-kong-protests");
        none named: the default's."""
        parts = [p for p in (typed or "").split(",") if p.strip()]
        if not parts:
            return [self.pick(None)]
        return list({s.name: s for s in (self.pick(p) for p in parts)}.values())

    def complete(self, typed: str, limit: int = CHOICES_SHOWN) -> list[Story]:
        """The stories whose name or title holds what was typed, those starting with it first."""
        key = " ".join(typed.split()).casefold()
        found = [s for s in self._stories.values() if key in s.name.casefold() or key in s.title.casefold()]
        found.sort(key=lambda s: not (s.name.casefold().startswith(key) or s.title.casefold().startswith(key)))
        return found[:limit]

    # ----------------------------------------------------------------- the articles' stories

    def of_article(self, text: str, named: str | None = None) -> list[Story]:
        """The stories an article belongs to: the one named (`ingest --story`), else every story
        whose topic its title and text match, else the default (the store kept every article before
        stories, and still does)."""
        if named and named.strip():
            return [self.pick(named)]
        matching = [s for s in self._stories.values() if s.topic.matches(text)]
        if matching:
            return matching
        return [self.pick(None)] if self.optional else []

    def fed_by(self, names: Iterable[str], text: str) -> tuple[Story, ...]:
        """Of the stories a feed feeds (by name; one no longer followed is left out), those whose topic
        an entry's title and text match: none, and the entry is off-topic."""
        found = (self._stories.get(n) for n in names)
        return tuple(s for s in found if s is not None and s.topic.matches(text))


@cache
def default_stories() -> StorySet:
    """The bundled stories, the seed story the default: what a caller given no settings follows."""
    return StorySet.load()


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
    names = [s.name for s in story.statuses]
    raise CommandError(f"{quoted(text)} is not a status of {story.name}; its statuses are {_listed(names)}.")


def story_view(story: Story) -> StoryView:
    """A story as the answers name it."""
    return StoryView(name=story.name, title=story.title, statuses=[(s.name, s.label) for s in story.statuses])


async def story_picture(
    conn: Connection, story: Story, *, status: str | None = None, **when: object
) -> EstimatePicture:
    """A story's estimates (`queries.estimates`), labelled with the story's words. `status` is one
    of its status names (see `status_of`); `when` the query's claimant, since, until, stored_until."""
    picture = await queries.estimates(
        conn,
        story=story.name,
        statuses=story.status_names(),
        status=status,
        **when,  # type: ignore[arg-type]
    )
    return picture.model_copy(update={"story": story_view(story)})
