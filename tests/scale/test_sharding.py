"""BRIEFINGS_SHARDS: which shards a process runs, and which guild or feed belongs to which shard."""

from __future__ import annotations

import pytest

from briefings.scale.sharding import Shards, home_shard, shard_of
from briefings.settings import SettingsError, load_settings
from tests.test_cli import briefings


@pytest.mark.parametrize(
    ("text", "ids", "count", "shown"),
    [
        ("0-1/4", (0, 1), 4, "0-1/4"),
        ("2/4", (2,), 4, "2/4"),
        (" 0, 2-3 / 8 ", (0, 2, 3), 8, "0,2-3/8"),
        ("0/1", (0,), 1, "0/1"),
        ("3,1,2/4", (1, 2, 3), 4, "1-3/4"),
    ],
)
def test_a_shard_spec_names_some_shards_of_a_count(text, ids, count, shown) -> None:
    shards = Shards.parse(text)
    assert (shards.ids, shards.count, str(shards)) == (ids, count, shown)
    assert shards.everything == (len(ids) == count)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("4/4", "'4/4' names shard 4, but 4 shards are numbered 0 to 3"),
        ("0-5/4", "names shard 5, but 4 shards are numbered 0 to 3"),
        ("3-1/4", "has a range from 3 down to 1; write the lower shard first"),
        ("0/0", "has a shard count of 0; it must be 1 to 100,000"),
        ("0-1", "names no shards; write it like 0-1/4"),
        ("a/4", "names no shards"),
        ("-1/4", "names no shards"),
        ("0,,1/4", "names no shards"),
        ("0/99999999999", "has a shard count of 99999999999"),
    ],
)
def test_a_bad_shard_spec_is_one_sentence_naming_the_setting(text, says) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(shards=text)
    message = str(caught.value)
    assert message.startswith("BRIEFINGS_SHARDS ") and says in message and "\n" not in message


def test_unset_or_blank_is_every_shard_in_this_process() -> None:
    assert load_settings(shards="  ").shard_plan is None
    assert load_settings().shard_plan is None
    assert load_settings(shards="1/2").shard_plan == Shards((1,), 2)


def test_guilds_go_to_shards_as_discord_routes_them() -> None:
    # Discord's documented example: (guild_id >> 22) % num_shards
    guild = 197038439483310086  # 46977674548 << 22, plus the low bits Discord ignores here
    assert shard_of(guild, 1) == 0
    assert shard_of(guild, 2) == (guild >> 22) % 2
    assert [shard_of((n << 22) | 12345, 4) for n in range(8)] == [0, 1, 2, 3, 0, 1, 2, 3]
    two = Shards.parse("1/2")
    assert two.holds_guild(1 << 22) and not two.holds_guild(2 << 22)
    assert [home_shard(i, 3) for i in (1, 2, 3, 4)] == [1, 2, 0, 1]
    assert two.holds_item(3) and not two.holds_item(4)


def test_the_service_refuses_a_bad_spec_before_it_starts(tmp_path) -> None:
    done = briefings("bot", BRIEFINGS_DB=str(tmp_path / "s.db"), BRIEFINGS_SHARDS="2/2")
    assert done.returncode == 2
    assert done.stderr == "error: BRIEFINGS_SHARDS '2/2' names shard 2, but 2 shards are numbered 0 to 1\n"
    assert not (tmp_path / "s.db").exists()


def test_each_shard_set_has_its_own_heartbeat_and_health_reads_its_own(tmp_path) -> None:
    import datetime as dt

    from briefings.health import check, heartbeat_path, write_heartbeat
    from briefings.store.facts import connect as open_store

    db = tmp_path / "b.db"

    async def make() -> None:
        async with open_store(db):
            pass

    import asyncio

    asyncio.run(make())
    now = dt.datetime(2025, 3, 28, 12, 0, tzinfo=dt.UTC)
    mine, other = heartbeat_path(tmp_path, "0-1/4"), heartbeat_path(tmp_path, "2-3/4")
    assert len({mine, other, heartbeat_path(tmp_path)}) == 3 and mine.parent == tmp_path
    write_heartbeat(mine, connected=True, now=now, last_connected=now)
    write_heartbeat(other, connected=False, now=now - dt.timedelta(hours=1), last_connected=None)
    assert asyncio.run(check(db, now, shards="0-1/4")).message.endswith("gateway connected")
    assert not asyncio.run(check(db, now, shards="2-3/4")).ok  # that process has not reported for an hour
