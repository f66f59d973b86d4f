"""Names for autocomplete, kept in memory so that answers come well inside Discord's 3 seconds."""

from __future__ import annotations

import aiosqlite

from briefings import queries
from briefings.matching import complete_names, fold_key

MAX_CHOICES = 25
CHOICE_MAX = 100


class NameIndex:
    """Speakers and claimants with their folded forms, most frequent first."""

    def __init__(self) -> None:
        self._speakers: list[tuple[str, str]] = []
        self._everyone: list[tuple[str, str]] = []

    async def refresh(self, conn: aiosqlite.Connection) -> None:
        speakers = await queries.speakers(conn)
        counts: dict[str, int] = dict(speakers)
        for name, n in await queries.claimants(conn):
            counts[name] = counts.get(name, 0) + n
        self._speakers = [(name, fold_key(name)) for name, _ in speakers]
        self._everyone = [(name, fold_key(name)) for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]

    @staticmethod
    def _complete(names: list[tuple[str, str]], typed: str) -> list[str]:
        return [n[:CHOICE_MAX] for n in complete_names(names, typed, MAX_CHOICES)]

    def speakers(self, typed: str) -> list[str]:
        return self._complete(self._speakers, typed)

    def everyone(self, typed: str) -> list[str]:
        return self._complete(self._everyone, typed)
