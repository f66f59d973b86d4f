"""Leases in the store: one process at a time holds a shard, delivers a digest, polls a feed.

A lease is a row naming its holder and when it expires. Taking one is one statement (an upsert that
changes the row only when it is free, expired or already ours, and says whether it did), so two
processes asking at once get one answer each; a holder renews what it holds while it lives, and a
killed process's leases lapse after their time, to be taken by whoever asks next. Times are the
asking process's clock, in UTC: the machines of one deployment keep their clocks in step (NTP),
and a lease lasts far longer than they drift.

The SQL is plain (INSERT … ON CONFLICT … RETURNING, as SQLite 3.35+ and PostgreSQL both read it);
what an engine could do better is marked below.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
from collections.abc import Callable, Iterable

from briefings.store.db import Connection

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
DEFAULT_TTL = dt.timedelta(seconds=30)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def moment(when: dt.datetime) -> str:
    """A moment as leases and jobs keep it: UTC, always with microseconds, so text order is time order."""
    if when.tzinfo is None:
        raise ValueError("leases keep timezone-aware times only")
    return when.astimezone(dt.UTC).isoformat(timespec="microseconds")


def holder_name(what: str = "") -> str:
    """This process, as leases name it: host, pid, and a random part (pids are reused)."""
    tag = f"[{what}]" if what else ""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}{tag}"


# --------------------------------------------------------------------------------- statements
# Engine-specific: on PostgreSQL, session advisory locks (pg_try_advisory_lock) could stand for these
# rows where a lease lives exactly as long as one connection; rows are kept because they also say
# who holds what (`briefings jobs`, logs) and outlive a reconnect within their time.


async def acquire(
    conn: Connection, name: str, holder: str, *, now: dt.datetime, ttl: dt.timedelta = DEFAULT_TTL
) -> bool:
    """Take (or renew) lease `name` for `holder` until now + ttl, if it is free, expired or ours."""
    rows = await conn.fetch(
        """INSERT INTO leases (name, holder, expires_at, acquired_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at,
                  acquired_at = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at
                                     ELSE excluded.acquired_at END
            WHERE leases.holder = excluded.holder OR leases.expires_at <= ?
           RETURNING holder""",
        (name, holder, moment(now + ttl), moment(now), moment(now)),
    )
    return bool(rows)


async def renew(
    conn: Connection,
    names: Iterable[str],
    holder: str,
    *,
    now: dt.datetime,
    ttl: dt.timedelta = DEFAULT_TTL,
) -> set[str]:
    """Extend the leases among `names` that `holder` still holds; returns those. One that lapsed and
    was taken by another process is not among them: its work is that process's now."""
    wanted = list(dict.fromkeys(names))
    kept: set[str] = set()
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        rows = await conn.fetch(
            f"""UPDATE leases SET expires_at = ? WHERE holder = ? AND name IN ({",".join("?" * len(chunk))})
                RETURNING name""",
            [moment(now + ttl), holder, *chunk],
        )
        kept.update(r[0] for r in rows)
    return kept


async def release(conn: Connection, name: str, holder: str) -> None:
    """Give lease `name` up, if `holder` holds it: the next process to ask gets it at once."""
    await conn.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder))


async def release_all(conn: Connection, holder: str) -> None:
    await conn.execute("DELETE FROM leases WHERE holder = ?", (holder,))


async def live(conn: Connection, prefix: str, *, now: dt.datetime) -> dict[str, str]:
    """The unexpired leases whose names start with `prefix`: name → holder."""
    rows = await conn.fetch(
        "SELECT name, holder FROM leases WHERE substr(name, 1, ?) = ? AND expires_at > ?",
        (len(prefix), prefix, moment(now)),
    )
    return {r[0]: r[1] for r in rows}


# ---------------------------------------------------------------------------------- a holder


class Leases:
    """The leases one process holds: taken, renewed together, given up; all on one connection."""

    def __init__(
        self,
        conn: Connection,
        holder: str | None = None,
        *,
        ttl: dt.timedelta = DEFAULT_TTL,
        clock: Clock = utcnow,
    ) -> None:
        self.conn = conn
        self.holder = holder or holder_name()
        self.ttl = ttl
        self.clock = clock
        self.held: set[str] = set()

    async def take(self, name: str) -> bool:
        if await acquire(self.conn, name, self.holder, now=self.clock(), ttl=self.ttl):
            self.held.add(name)
            return True
        self.held.discard(name)
        return False

    async def give_up(self, name: str) -> None:
        self.held.discard(name)
        await release(self.conn, name, self.holder)

    async def renew(self) -> set[str]:
        """Renew everything held; returns the leases lost (taken by another process after lapsing)."""
        if not self.held:
            return set()
        kept = await renew(self.conn, self.held, self.holder, now=self.clock(), ttl=self.ttl)
        lost = self.held - kept
        for name in sorted(lost):
            log.warning("lost lease %s: another process took it after it lapsed", name)
        self.held = kept
        return lost

    async def live(self, prefix: str) -> dict[str, str]:
        return await live(self.conn, prefix, now=self.clock())

    async def close(self) -> None:
        """Give up every lease: a process that stops on purpose leaves its work to others at once."""
        self.held.clear()
        await release_all(self.conn, self.holder)
