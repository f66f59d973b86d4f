"""Leases in a real store on each engine, shared by two connections as two processes share it."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt

import pytest

from briefings.scale import leases
from briefings.scale.coordinator import Coordinator, shard_lease
from briefings.scale.sharding import Shards
from briefings.store.facts import connect
from tests.conftest import FakeClock

T0 = dt.datetime(2025, 3, 28, 12, 0, tzinfo=dt.UTC)
TTL = dt.timedelta(seconds=30)


@pytest.fixture
async def two(db_url):
    """Two connections to one store: two processes."""
    async with connect(db_url) as a, connect(db_url) as b:
        yield a, b


async def test_a_lease_is_one_holders_until_it_lapses_or_is_given_up(two) -> None:
    a, b = two
    assert await leases.acquire(a, "feed:1", "A", now=T0, ttl=TTL)
    assert not await leases.acquire(b, "feed:1", "B", now=T0 + dt.timedelta(seconds=29), ttl=TTL)
    assert await leases.acquire(a, "feed:1", "A", now=T0 + dt.timedelta(seconds=20), ttl=TTL)  # renewed
    assert not await leases.acquire(b, "feed:1", "B", now=T0 + dt.timedelta(seconds=40), ttl=TTL)
    # A stopped renewing: 30 s after its last renewal the lease is B's
    assert await leases.acquire(b, "feed:1", "B", now=T0 + dt.timedelta(seconds=50), ttl=TTL)
    assert await leases.live(a, "feed:", now=T0 + dt.timedelta(seconds=51)) == {"feed:1": "B"}
    # A, back, cannot renew what B holds now
    assert await leases.renew(a, ["feed:1"], "A", now=T0 + dt.timedelta(seconds=52), ttl=TTL) == set()
    await leases.release(a, "feed:1", "A")  # not A's: nothing happens
    assert not await leases.acquire(a, "feed:1", "A", now=T0 + dt.timedelta(seconds=53), ttl=TTL)
    await leases.release(b, "feed:1", "B")
    assert await leases.acquire(a, "feed:1", "A", now=T0 + dt.timedelta(seconds=54), ttl=TTL)


async def test_of_many_asking_at_once_exactly_one_gets_it(db_url) -> None:
    async with connect(db_url) as first:
        await leases.acquire(first, "warm-up", "x", now=T0)
    async with contextlib.AsyncExitStack() as stack:
        conns = [await stack.enter_async_context(connect(db_url)) for _ in range(6)]
        got = await asyncio.gather(*(leases.acquire(c, "digest:7", f"P{i}", now=T0) for i, c in enumerate(conns)))
        assert sum(got) == 1


async def test_renewing_keeps_what_is_still_held_and_names_what_was_lost(two, caplog) -> None:
    a, b = two
    clock = FakeClock(T0)
    mine = leases.Leases(a, "A", ttl=TTL, clock=clock)
    assert await mine.take("feed:1") and await mine.take("feed:2")
    clock.now = T0 + dt.timedelta(seconds=31)  # A was stalled past its leases' time
    assert await leases.acquire(b, "feed:2", "B", now=clock.now, ttl=TTL)
    assert await mine.renew() == {"feed:2"}
    assert mine.held == {"feed:1"} and "lost lease feed:2" in caplog.text
    await mine.close()
    assert await leases.live(b, "", now=clock.now) == {"feed:2": "B"}


async def test_the_share_of_a_process_is_its_shards_and_the_orphans(two) -> None:
    a, b = two
    clock = FakeClock(T0)
    first = Coordinator(a, Shards.parse("0/2"), ttl=TTL, clock=clock, holder="A")
    guild_on_0, guild_on_1 = 2 << 22, 3 << 22
    await first.hold_shards()
    # within a lease's time of starting, a shard nobody holds is one whose process is starting too
    assert (await first.share()).orphans == set()
    clock.now = T0 + dt.timedelta(seconds=30)
    # the second process has not started: shard 1 is an orphan, so its guilds and feeds are A's too
    share = await first.share()
    assert share.orphans == {1} and share.guild(guild_on_1) and share.item(3)
    second = Coordinator(b, Shards.parse("1/2"), ttl=TTL, clock=clock, holder="B")
    await second.hold_shards()
    share = await first.share()
    assert share.orphans == set() and share.guild(guild_on_0) and not share.guild(guild_on_1)
    assert share.item(2) and not share.item(3)
    # the second stops renewing (killed): after the lease's time its work is the first's
    taken_over: list[int] = []
    await first.tend(lambda: _note(taken_over))
    clock.now = T0 + dt.timedelta(seconds=50)
    await first.tend(lambda: _note(taken_over))
    assert taken_over == []
    clock.now = T0 + dt.timedelta(seconds=61)
    await first.tend(lambda: _note(taken_over))
    assert taken_over == [1] and (await first.share()).guild(guild_on_1)
    await first.tend(lambda: _note(taken_over))
    assert taken_over == [1]  # told once, when the shard became an orphan


async def _note(into: list[int]) -> None:
    into.append(1)


async def test_two_processes_on_one_shard_are_told_and_the_work_still_goes_to_one(two, caplog) -> None:
    a, b = two
    first = Coordinator(a, Shards.parse("0-1/2"), ttl=TTL, clock=FakeClock(T0), holder="A")
    again = Coordinator(b, Shards.parse("1/2"), ttl=TTL, clock=FakeClock(T0), holder="B")
    await first.hold_shards()
    await again.hold_shards()
    assert "shard 1/2 is held by A as well" in caplog.text
    assert shard_lease(1, 2) not in again.leases.held
    async with first.doing("digest:5") as mine, again.doing("digest:5") as theirs:
        assert mine and not theirs
    async with again.doing("digest:5") as theirs:  # given up when the first was done
        assert theirs


async def test_a_process_that_stops_on_purpose_hands_over_at_once(two) -> None:
    a, b = two
    clock = FakeClock(T0)
    first = Coordinator(a, Shards.parse("0/2"), ttl=TTL, clock=clock, holder="A")
    other = Coordinator(b, Shards.parse("1/2"), ttl=TTL, clock=clock, holder="B")
    await first.hold_shards()
    await other.hold_shards()
    clock.now = T0 + dt.timedelta(seconds=31)
    await first.leases.renew()
    assert (await other.share()).orphans == set()
    await first.close()
    assert (await other.share()).orphans == {0}
