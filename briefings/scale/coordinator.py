"""One bot process's share of the work that several processes split: digests and feed polls.

A process runs some shards (BRIEFINGS_SHARDS) and holds a lease on each while it lives. A digest is
delivered by the process whose shards hold its guild; a feed is polled by the process whose shards
hold the feed's home shard (its id modulo the shard count). A shard whose lease nobody renews (its
process was killed, or is not started yet) is an orphan: any process may then do its work. Either
way the work itself is done under a lease of its own ('digest:<id>', 'feed:<id>'), so that of two
processes that both think it theirs only one does it, and a process killed half-way leaves it to
the next one after its lease lapses.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from briefings.scale.leases import DEFAULT_TTL, Clock, Leases, holder_name, utcnow
from briefings.scale.sharding import Shards, home_shard, shard_of
from briefings.store.db import Connection

log = logging.getLogger(__name__)

SHARD_PREFIX = "shard:"


def shard_lease(shard_id: int, count: int) -> str:
    return f"{SHARD_PREFIX}{shard_id}/{count}"


@dataclass(frozen=True, slots=True)
class Share:
    """What this process may do now: a snapshot taken once per sweep."""

    shards: Shards | None  # None: this process runs every shard
    orphans: frozenset[int]  # shards of the same count that no live process holds

    def guild(self, guild_id: int) -> bool:
        return self.shards is None or self._mine(shard_of(guild_id, self.shards.count))

    def item(self, item_id: int) -> bool:
        return self.shards is None or self._mine(home_shard(item_id, self.shards.count))

    def _mine(self, shard: int) -> bool:
        assert self.shards is not None
        return shard in self.shards.ids or shard in self.orphans


class Coordinator:
    """Holds this process's shard leases, tells what is its share, and guards each piece of work."""

    def __init__(
        self,
        conn: Connection,
        shards: Shards | None,
        *,
        ttl: dt.timedelta = DEFAULT_TTL,
        clock: Clock = utcnow,
        holder: str | None = None,
    ) -> None:
        self.shards = shards
        self.leases = Leases(conn, holder or holder_name(str(shards) if shards else "all"), ttl=ttl, clock=clock)
        self._refused: set[str] = set()  # shard leases another process holds (told once)
        self._orphans: frozenset[int] = frozenset()
        self._started = clock()

    @property
    def holder(self) -> str:
        return self.leases.holder

    async def hold_shards(self) -> None:
        """Take (or keep) the lease of each shard this process runs."""
        if self.shards is None:
            return
        for shard_id in self.shards.ids:
            name = shard_lease(shard_id, self.shards.count)
            if await self.leases.take(name):
                self._refused.discard(name)
            elif name not in self._refused:
                self._refused.add(name)
                holder = (await self.leases.live(name)).get(name, "another process")
                log.error(
                    "shard %s/%s is held by %s as well: two processes run the same shard; check BRIEFINGS_SHARDS",
                    shard_id,
                    self.shards.count,
                    holder,
                )

    async def share(self) -> Share:
        if self.shards is None or self.shards.everything:
            return Share(self.shards, frozenset())
        if self.leases.clock() - self._started < self.leases.ttl:
            # processes started together take their shards within a lease's time: until then a
            # shard nobody holds is one whose process is still starting, not an orphan
            return Share(self.shards, frozenset())
        live = await self.leases.live(SHARD_PREFIX)
        orphans = frozenset(
            i
            for i in range(self.shards.count)
            if i not in self.shards.ids and shard_lease(i, self.shards.count) not in live
        )
        return Share(self.shards, orphans)

    @contextlib.asynccontextmanager
    async def doing(self, name: str) -> AsyncIterator[bool]:
        """Within the block, lease `name` is this process's (True), or another's (False: leave it)."""
        taken = await self.leases.take(name)
        try:
            yield taken
        finally:
            if taken:
                await self.leases.give_up(name)

    async def keep(self, on_orphans: Callable[[], Awaitable[object]]) -> None:
        """While the process lives: renew every lease a third of their time before they lapse; when
        a shard becomes an orphan (its process stopped renewing), call `on_orphans` at once."""
        every = self.leases.ttl.total_seconds() / 3
        while True:
            try:
                await self.tend(on_orphans)
            except Exception:  # a locked or unreachable store: try again at the next round
                log.warning("could not renew this process's leases", exc_info=True)
            await asyncio.sleep(every)

    async def tend(self, on_orphans: Callable[[], Awaitable[object]]) -> None:
        """One round of `keep`."""
        await self.leases.renew()
        await self.hold_shards()
        share = await self.share()
        new = share.orphans - self._orphans
        self._orphans = share.orphans
        if new:
            log.info("shards %s have no live process: their digests and feeds are taken over", sorted(new))
            await on_orphans()

    async def close(self) -> None:
        await self.leases.close()
