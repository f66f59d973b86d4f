"""The stories one deployment follows: the bundled ones, always there, and those of a folder of story
files (BRIEFINGS_STORIES), a file named like a bundled story replacing it; and the default story
(BRIEFINGS_STORY, the seed story unless set otherwise), the one a command means when it names none.
A deployment without a default names its story whenever it follows several. How a command's words
name a story or one of its statuses, and the one sentence for a mistake, are in
`briefings.answers.commands` (`pick_story`, `status_of`).

Plain data, low in the tree: ingest, feeds and every face read it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from briefings.models import SEED_STORY
from briefings.story import Story, StoryError, bundled_stories, stories_in
from briefings.words import quoted

CHOICES_SHOWN = 25  # Discord's limit of autocomplete choices


def listed(names: list[str]) -> str:
    """ "a, b and c"."""
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
            raise StoryError([f"{quoted(default)} is not a story; the stories are {listed(self.names)}"])
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

    def implied(self) -> Story | None:
        """The story a command that names none means: the default, else the only one; else None."""
        if self.default is not None:
            return self._stories[self.default]
        return next(iter(self._stories.values())) if len(self._stories) == 1 else None

    def find(self, typed: str) -> Story | None:
        """The story whose name or title this is, in any case and spacing; None when none is."""
        key = " ".join(typed.split()).casefold()
        return next((s for s in self if key in (s.name.casefold(), s.title.casefold())), None)

    def complete(self, typed: str, limit: int = CHOICES_SHOWN) -> list[Story]:
        """The stories whose name or title holds what was typed, those starting with it first."""
        key = " ".join(typed.split()).casefold()
        found = [s for s in self if key in s.name.casefold() or key in s.title.casefold()]
        found.sort(key=lambda s: not (s.name.casefold().startswith(key) or s.title.casefold().startswith(key)))
        return found[:limit]

    # ----------------------------------------------------------------- the articles' stories

    def of_article(self, text: str, named: str | None = None) -> list[Story]:
        """The stories an article belongs to: the one named (`ingest --story`; a story no longer
        followed is a ValueError), else every story whose topic its title and text match, else the
        story a command naming none means (the store kept every article before stories, and still does)."""
        if named:
            story = self._stories.get(named)
            if story is None:
                raise ValueError(f"its story {quoted(named)} is not followed; the stories are {listed(self.names)}")
            return [story]
        matching = [s for s in self if s.topic.matches(text)]
        if matching:
            return matching
        implied = self.implied()
        return [implied] if implied is not None else []

    def fed_by(self, names: Iterable[str], text: str) -> tuple[Story, ...]:
        """Of the stories a feed feeds (by name; one no longer followed is left out), those whose topic
        an entry's title and text match: none, and the entry is off-topic."""
        found = (self._stories.get(n) for n in names)
        return tuple(s for s in found if s is not None and s.topic.matches(text))


@cache
def default_stories() -> StorySet:
    """The bundled stories, the seed story the default: what a caller given no settings follows."""
    return StorySet.load()
