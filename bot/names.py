"""Names for autocomplete, kept in memory so that answers come well inside Discord's 3 seconds, and
read again when the store has changed (another process's `briefings ingest`, say): SQLite's
data_version, PostgreSQL's snapshot, differ then (Connection.data_version)."""

from __future__ import annotations

import asyncio
import contextlib

from bot.tasks import spawn
from briefings.answers import queries
from briefings.store.db import Connection
from briefings.store.matching import complete_names, fold_key

MAX_CHOICES = 25
CHOICE_MAX = 100
REFRESH_WAIT = 1.0  # seconds an autocomplete waits for names read again; later ones get them all the same


class NameIndex:
    """Speakers and claimants with their folded forms, most frequent first."""

    def __init__(self) -> None:
        self._speakers: list[tuple[str, str]] = []
        self._everyone: list[tuple[str, str]] = []
        self._version: object = None
        self._reading: asyncio.Future[None] | None = None

    async def refresh(self, conn: Connection) -> None:
        self._version = await conn.data_version()  # before reading: a write meanwhile means reading again
        speakers = await queries.speakers(conn)
        counts: dict[str, int] = dict(speakers)
        for name, n in await queries.claimants(conn):
            counts[name] = counts.get(name, 0) + n
        self._speakers = [(name, fold_key(name)) for name, _ in speakers]
        self._everyone = [(name, fold_key(name)) for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]

    async def refresh_if_changed(self, conn: Connection) -> None:
        """Read the names again when another connection committed since they were read; waits for
        that at most REFRESH_WAIT (one reading at a time, shared by every autocomplete asking)."""
        if await conn.data_version() == self._version:
            return
        if self._reading is None or self._reading.done():
            self._reading = spawn(self.refresh(conn), "names-refresh")  # a failure is logged
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(self._reading), REFRESH_WAIT)

    @staticmethod
    def _complete(names: list[tuple[str, str]], typed: str) -> list[str]:
        return [n[:CHOICE_MAX] for n in complete_names(names, typed, MAX_CHOICES)]

    def speakers(self, typed: str) -> list[str]:
        return self._complete(self._speakers, typed)

    def everyone(self, typed: str) -> list[str]:
        return self._complete(self._everyone, typed)
