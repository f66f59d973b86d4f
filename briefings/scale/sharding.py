"""Which shards this process runs, and which guild (and so which digest or feed) belongs to which.

Discord splits a bot's guilds into shards by `(guild_id >> 22) % shard_count`; `BRIEFINGS_SHARDS`
(for example `0-1/4`: shards 0 and 1 of 4) says which of them this process connects, so that several
processes together cover all of them. Work that belongs to no guild (a feed) is given a home shard
the same way, by its id. Pure functions: the leases that make a dead process's share someone
else's live in briefings.scale.leases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_SHARDS = 100_000  # far beyond any bot: a typo like 0-1/40000000 is refused, not launched
_SPEC = re.compile(r"^\s*([\d\s,\-]+)/\s*(\d+)\s*$")
_PART = re.compile(r"^(\d+)(?:-(\d+))?$")
EXAMPLE = "write it like 0-1/4 (shards 0 and 1 of 4), 2/4 or 0,2/4"


def shard_of(snowflake: int, count: int) -> int:
    """The shard a guild is on, as Discord routes it."""
    return (snowflake >> 22) % count


def home_shard(item_id: int, count: int) -> int:
    """The shard whose process looks after an item that belongs to no guild (a feed), by its id."""
    return item_id % count


@dataclass(frozen=True, slots=True)
class Shards:
    """Some shards of `count`: the ones this process runs."""

    ids: tuple[int, ...]
    count: int

    @classmethod
    def parse(cls, text: str) -> Shards:
        """`0-1/4`, `2/4`, `0,2-3/8`; a bad value raises ValueError, one sentence naming the value."""
        shown = f"'{text.strip()}'"
        m = _SPEC.match(text)
        if m is None:
            raise ValueError(f"{shown} names no shards; {EXAMPLE}")
        count = int(m.group(2))
        if not 1 <= count <= MAX_SHARDS:
            raise ValueError(f"{shown} has a shard count of {count}; it must be 1 to {MAX_SHARDS:,}")
        ids: set[int] = set()
        for part in m.group(1).split(","):
            pm = _PART.match(part.replace(" ", ""))
            if pm is None:
                raise ValueError(f"{shown} names no shards; {EXAMPLE}")
            first, last = int(pm.group(1)), int(pm.group(2) or pm.group(1))
            if first > last:
                raise ValueError(f"{shown} has a range from {first} down to {last}; write the lower shard first")
            if last >= count:
                raise ValueError(f"{shown} names shard {last}, but {count} shards are numbered 0 to {count - 1}")
            ids.update(range(first, last + 1))
        return cls(tuple(sorted(ids)), count)

    @classmethod
    def all_of(cls, count: int) -> Shards:
        return cls(tuple(range(count)), count)

    def __str__(self) -> str:
        runs: list[str] = []
        start = prev = self.ids[0]
        for i in [*self.ids[1:], None]:
            if i is not None and i == prev + 1:
                prev = i
                continue
            runs.append(str(start) if start == prev else f"{start}-{prev}")
            if i is not None:
                start = prev = i
        return f"{','.join(runs)}/{self.count}"

    @property
    def everything(self) -> bool:
        return len(self.ids) == self.count

    def holds_guild(self, guild_id: int) -> bool:
        return shard_of(guild_id, self.count) in self.ids

    def holds_item(self, item_id: int) -> bool:
        return home_shard(item_id, self.count) in self.ids
