"""Digests on a clock the tests control: right local time across DST, restarts, crashes, faults."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot import render
from bot.digests import DigestRunner
from briefings.answers import subscriptions as subs
from briefings.answers.digest import build_digest
from briefings.models import Status
from briefings.sources.ingest import ingest_paths
from tests.bot.conftest import running_bot
from tests.conftest import article, failing_at
from tests.discord_emulator import (
    CHANNEL_ID,
    EMBED_LINKS,
    GUILD_ID,
    MEMBER_DEFAULT,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    DiscordEmulator,
)

UTC = dt.UTC
OTHER_CHANNEL = CHANNEL_ID + 1
MEMBER = str(MEMBER_DEFAULT)  # a member without Manage Server


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


async def store_article(store, tmp_path, name: str, body: str, when: dt.datetime, outlet: str = "Ledger") -> None:
    path = tmp_path / "incoming" / f"{name}.txt"
    path.parent.mkdir(exist_ok=True)
    path.write_text(article(outlet, when.date().isoformat(), body), encoding="utf-8")
    (line,) = await ingest_paths(store, [str(path)], now=when)
    assert line.result is not None and line.result.added


async def subscribe(
    store,
    clock,
    channel=CHANNEL_ID,
    *,
    time="08:00",
    zone="Europe/Berlin",
    every=None,
    no_news=False,
    status=None,
    story="north-korean-troops",
):
    return await subs.subscribe(
        store,
        guild_id=GUILD_ID,
        channel_id=channel,
        at=time,
        timezone=zone,
        every=every,
        status=status,
        no_news_line=no_news,
        created_by=None,
        now=clock(),
        story=story,
    )


def digests_in(emulator: DiscordEmulator, channel: int = CHANNEL_ID) -> list[str]:
    return [
        " ".join(e.get("description", "") + str(e.get("fields", "")) for e in m["embeds"])
        for m in emulator.channel_messages(channel)
    ]


async def test_digest_at_the_right_local_time_across_a_dst_change(bot, emulator, store, clock, tmp_path) -> None:
    sub = await subscribe(store, clock)  # 08:00 in Berlin: 07:00 UTC before 30 March 2025, 06:00 UTC after
    await store_article(
        store,
        tmp_path,
        "a",
        "The ministry said 3,000 soldiers had been deployed, officials said.",
        at("2025-03-28T13:00"),
    )
    assert await bot.digests.tick(at("2025-03-29T06:59")) == {}
    assert await bot.digests.tick(at("2025-03-29T07:00")) == {sub.id: "delivered"}
    await store_article(
        store,
        tmp_path,
        "b",
        "The ministry said 5,000 soldiers had been deployed, officials said.",
        at("2025-03-29T12:00"),
    )
    assert await bot.digests.tick(at("2025-03-30T05:59")) == {}
    assert await bot.digests.tick(at("2025-03-30T06:00")) == {sub.id: "delivered"}
    first, second = digests_in(emulator)
    assert "3,000" in first and "5,000" not in first
    assert "5,000" in second and "3,000 → 5,000" in second  # the new claim, and who moved
    sub = await subs.get(store, sub.id)
    assert sub.watermark == at("2025-03-30T06:00") and sub.last_delivery == at("2025-03-30T06:00")


async def test_next_slot_follows_local_time_in_two_zones() -> None:
    base = dict(
        id=1,
        guild_id=1,
        channel_id=1,
        every="day",
        hours=None,
        status=None,
        no_news_line=False,
        pending_until=None,
        failures=0,
        next_retry=None,
        last_error=None,
        paused_reason=None,
        last_delivery=None,
        created_by=None,
    )
    now = at("2025-03-29T12:00")
    berlin = subs.Subscription(
        **base, at_time="08:00", timezone="Europe/Berlin", watermark=now, last_slot=now, created_at=now
    )
    new_york = subs.Subscription(
        **base, at_time="08:00", timezone="America/New_York", watermark=now, last_slot=now, created_at=now
    )
    assert subs.next_slot(berlin, now) == at("2025-03-30T06:00")  # CEST from that night
    assert subs.next_slot(new_york, now) == at("2025-03-30T12:00")  # EDT since 9 March


async def test_restart_between_two_digests_rebuilds_jobs_and_loses_nothing(bot, emulator, store, clock, tmp_path):
    sub = await subscribe(store, clock)
    await store_article(
        store, tmp_path, "a", "Officials said 3,000 soldiers had been deployed.", at("2025-03-28T13:00")
    )
    assert await bot.digests.tick(at("2025-03-29T07:00")) == {sub.id: "delivered"}
    await store_article(
        store, tmp_path, "b", "Officials said 4,000 soldiers had been deployed.", at("2025-03-29T08:00")
    )
    # a new process: nothing in memory, everything from the store
    restarted = DigestRunner(bot, clock)
    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.start(paused=True)  # jobs are built, but time is the test's
    try:
        restarted.attach(scheduler)
        await restarted.reschedule()
        jobs = {j.id for j in scheduler.get_jobs()}
        assert jobs == {"digest-sweep", f"digest-{sub.id}"}
        assert await restarted.tick(at("2025-03-30T06:00")) == {sub.id: "delivered"}
    finally:
        scheduler.shutdown(wait=False)
    first, second = digests_in(emulator)
    assert "4,000" not in first and "4,000" in second and "3,000 soldiers" not in second


async def test_after_downtime_one_catch_up_covers_everything_missed(bot, emulator, store, clock, tmp_path) -> None:
    sub = await subscribe(store, clock)
    for i, day in enumerate(["2025-03-28T20:00", "2025-03-29T20:00", "2025-03-30T20:00"]):
        await store_article(
            store, tmp_path, f"d{i}", f"Officials said {i + 2},000 soldiers had been deployed.", at(day)
        )
    assert await bot.digests.tick(at("2025-04-01T10:00")) == {sub.id: "delivered"}  # three slots missed
    (only,) = digests_in(emulator)
    assert all(n in only for n in ("2,000", "3,000", "4,000"))
    assert (await subs.get(store, sub.id)).last_slot == at("2025-04-01T06:00")
    assert await bot.digests.tick(at("2025-04-01T10:05")) == {}


async def test_crash_after_posting_before_saving_posts_once(bot, emulator, store, clock, tmp_path, monkeypatch):
    sub = await subscribe(store, clock)
    await store_article(
        store, tmp_path, "a", "Officials said 3,000 soldiers had been deployed.", at("2025-03-28T13:00")
    )
    real = subs.finish_delivery

    async def crash(*args, **kwargs):
        raise SystemExit("killed between posting and saving the watermark")

    monkeypatch.setattr(subs, "finish_delivery", crash)
    with pytest.raises(SystemExit):
        await bot.digests.deliver(sub.id, at("2025-03-29T07:00"))
    assert len(emulator.channel_messages()) == 1
    monkeypatch.setattr(subs, "finish_delivery", real)
    # the process comes back a minute later: the same digest, the same nonce, no second post
    assert await DigestRunner(bot, clock).tick(at("2025-03-29T07:01")) == {sub.id: "delivered"}
    assert len(emulator.channel_messages()) == 1
    posts = [r for r in emulator.requests if r.method == "POST" and r.path == f"/channels/{CHANNEL_ID}/messages"]
    assert len(posts) in (1, 2) and len({p.body["nonce"] for p in posts}) == 1
    assert (await subs.get(store, sub.id)).pending_until is None


async def test_crash_then_a_long_downtime_is_caught_by_the_marker(bot, emulator, store, clock, tmp_path, monkeypatch):
    sub = await subscribe(store, clock)
    await store_article(
        store, tmp_path, "a", "Officials said 3,000 soldiers had been deployed.", at("2025-03-28T13:00")
    )
    real = subs.finish_delivery
    monkeypatch.setattr(subs, "finish_delivery", lambda *a, **k: (_ for _ in ()).throw(SystemExit("killed")))
    with pytest.raises(SystemExit):
        await bot.digests.deliver(sub.id, at("2025-03-29T07:00"))
    monkeypatch.setattr(subs, "finish_delivery", real)
    for m in emulator.channel_messages():
        m["nonce"] = None  # days later Discord no longer remembers the nonce
    assert await DigestRunner(bot, clock).tick(at("2025-04-02T07:00")) == {sub.id: "delivered"}
    assert len(emulator.channel_messages()) == 1


async def test_a_rate_limit_is_waited_out(bot, emulator, store, clock, tmp_path) -> None:
    sub = await subscribe(store, clock)
    await store_article(
        store, tmp_path, "a", "Officials said 3,000 soldiers had been deployed.", at("2025-03-28T13:00")
    )
    emulator.fail("POST", rf"/channels/{CHANNEL_ID}/messages", 429, retry_after=0.1)
    assert await bot.digests.tick(at("2025-03-29T07:00")) == {sub.id: "delivered"}
    assert len(emulator.channel_messages()) == 1


@pytest.mark.parametrize(("status", "words"), [(404, "the channel is gone"), (403, "may not post there")])
async def test_a_failing_channel_backs_off_then_pauses_and_holds_up_no_other(
    bot, emulator, store, clock, tmp_path, status, words
) -> None:
    broken = await subscribe(store, clock, channel=OTHER_CHANNEL)
    fine = await subscribe(store, clock, zone="America/New_York")
    await store_article(
        store, tmp_path, "a", "Officials said 3,000 soldiers had been deployed.", at("2025-03-28T13:00")
    )
    emulator.fail("POST", rf"/channels/{OTHER_CHANNEL}/messages", status, times=100)
    now = at("2025-03-29T07:00")
    assert await bot.digests.tick(now) == {broken.id: "failed"}
    assert await bot.digests.tick(now + dt.timedelta(minutes=1)) == {}  # backing off
    assert await bot.digests.tick(at("2025-03-29T12:00")) == {broken.id: "failed", fine.id: "delivered"}
    outcomes = []
    t = at("2025-03-29T12:00")
    for _ in range(10):
        t += dt.timedelta(hours=3)
        outcomes.append((await bot.digests.tick(t)).get(broken.id))
    assert "paused" in outcomes
    paused = await subs.get(store, broken.id)
    assert paused.paused_reason and words in paused.paused_reason
    assert len(digests_in(emulator, CHANNEL_ID)) == 1
    listing = await emulator.answer(emulator.slash("digest list"))
    assert "**Paused**" in listing["embeds"][0]["description"] and words in listing["embeds"][0]["description"]


async def test_nothing_new_posts_nothing_unless_asked(bot, emulator, store, clock) -> None:
    quiet = await subscribe(store, clock, channel=CHANNEL_ID)
    chatty = await subscribe(store, clock, channel=OTHER_CHANNEL, no_news=True)
    assert await bot.digests.tick(at("2025-03-29T07:00")) == {quiet.id: "nothing new", chatty.id: "delivered"}
    assert emulator.channel_messages(CHANNEL_ID) == []
    (line,) = emulator.channel_messages(OTHER_CHANNEL)
    assert line["embeds"][0]["title"] == "Briefing on North Korean troops in Russia: no news"
    assert (await subs.get(store, quiet.id)).watermark == at("2025-03-29T07:00")


async def store_many(store, tmp_path, articles: int) -> None:
    """Enough new claims, quotes and sources for a digest of several messages."""
    for i in range(articles):
        body = "\n".join(
            f"“Statement {i}-{j} on the long negotiations over the border crossings continues today,” "
            f"Envoy Person{i} Lastname{j} said, adding that {1000 + 37 * j + i} soldiers had been deployed."
            for j in range(6)
        )
        await store_article(store, tmp_path, f"n{i}", body, at("2025-03-28T13:00"), outlet=f"Outlet {i}")


async def test_a_digest_too_long_for_one_message_is_split(bot, emulator, store, clock, tmp_path) -> None:
    sub = await subscribe(store, clock, every="6 hours")
    await store_many(store, tmp_path, 40)
    digest = await build_digest(store, at("2025-03-28T12:00"), at("2025-03-28T14:00"))
    messages = render.digest_messages(digest, marker="digest test")
    assert len(messages) > 1
    assert await bot.digests.tick(at("2025-03-28T14:01")) == {sub.id: "delivered"}
    posted = emulator.channel_messages()
    assert len(posted) > 1
    for m in posted:
        assert len(m["embeds"]) <= 10
        assert (
            sum(
                len(e.get("title", ""))
                + len(e.get("description", ""))
                + len(e.get("footer", {}).get("text", ""))
                + sum(len(f["name"]) + len(f["value"]) for f in e.get("fields", []))
                for e in m["embeds"]
            )
            <= 6000
        )
    assert posted[-1]["embeds"][-1]["footer"]["text"].endswith(f"part {len(posted)}/{len(posted)}")
    # a posted digest has no buttons: no embed of it says "Page N of M"; a continued list says so in its title
    footers = [e.get("footer", {}).get("text", "") for m in posted for e in m["embeds"]]
    assert not [f for f in footers if re.search(r"\bPage \d+", f)]
    titles = [e["title"] for m in posted for e in m["embeds"]]
    assert "New claims (continued)" in titles and titles.index("New claims") < titles.index("New claims (continued)")


async def test_managing_needs_manage_server_and_bad_zones_are_refused(bot, emulator) -> None:
    refused = await emulator.interact(
        emulator.slash(
            "digest subscribe", member_permissions=MEMBER, channel=str(CHANNEL_ID), time="08:00", timezone="UTC"
        )
    )
    assert refused.body["data"]["flags"] & 64
    assert refused.body["data"]["content"] == "You need the Manage Server permission to use this."
    bad = await emulator.interact(
        emulator.slash("digest subscribe", channel=str(CHANNEL_ID), time="08:00", timezone="Mars/Olympus")
    )
    assert "'Mars/Olympus' is not a time zone" in bad.body["data"]["content"]
    ok = await emulator.answer(
        emulator.slash("digest subscribe", channel=str(CHANNEL_ID), time="7:30", timezone="Europe/Berlin", every="week")
    )
    assert ok["content"].startswith("Subscription 1: <#")
    assert "every Monday at 07:30" in ok["content"]
    zones = await emulator.interact(emulator.autocomplete("digest subscribe", "timezone", timezone="berl"))
    assert {"name": "Europe/Berlin", "value": "Europe/Berlin"} in zones.body["data"]["choices"]
    listing = await emulator.answer(emulator.slash("digest list"))
    assert "every Monday at 07:30 (Europe/Berlin)" in listing["embeds"][0]["description"]
    gone = await emulator.answer(emulator.slash("digest unsubscribe", id=1))
    assert gone["content"] == "Subscription 1 stopped."
    missing = await emulator.interact(emulator.slash("digest unsubscribe", id=1))
    assert missing.body["data"]["content"] == "There is no subscription 1 in this server; `/digest list` shows them."


async def test_digest_now_is_for_anyone_and_ephemeral(bot, emulator, store, clock, tmp_path) -> None:
    await store_article(
        store, tmp_path, "a", "Officials said 3,000 soldiers had been deployed.", clock() - dt.timedelta(hours=2)
    )
    payload = emulator.slash("digest now", member_permissions=MEMBER, since="6h")
    callback = await emulator.interact(payload)
    assert callback.body["type"] == 5 and callback.body["data"]["flags"] & 64
    msg = await emulator.answer(emulator.slash("digest now", since="6h"))
    assert msg["flags"] & 64 and "3,000" in str(msg["embeds"])


# ---------------------------------------------------------------------------- issue 15


async def test_subscribing_answers_at_once_while_another_channel_is_rate_limited(
    bot, emulator, store, clock, tmp_path
) -> None:
    await subscribe(store, clock, channel=OTHER_CHANNEL)  # due at 07:00 UTC
    await store_article(
        store, tmp_path, "a", "Officials said 3,000 soldiers had been deployed.", at("2025-03-28T13:00")
    )
    clock.now = at("2025-03-29T07:00")
    emulator.fail("POST", rf"/channels/{OTHER_CHANNEL}/messages", 429, retry_after=6)
    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.start(paused=True)  # jobs are built, but time is the test's
    bot.digests.attach(scheduler)
    try:
        start = len(emulator.requests)
        msg = await emulator.answer(
            emulator.slash("digest subscribe", channel=str(CHANNEL_ID), time="09:00", timezone="UTC"), within=10
        )
        assert msg["content"].startswith("Subscription 2: <#")
        assert emulator.refused(start) == []  # every response came inside Discord's deadlines
        assert scheduler.get_job("digest-2") is not None  # scheduled, not delivered on the spot
        assert not [r for r in emulator.requests[start:] if r.path == f"/channels/{OTHER_CHANNEL}/messages"]
    finally:
        scheduler.shutdown(wait=False)


async def test_unsubscribing_answers_at_once_while_another_channel_is_rate_limited(
    bot, emulator, store, clock, tmp_path
) -> None:
    await subscribe(store, clock, channel=OTHER_CHANNEL)  # due at 07:00 UTC
    mine = await subscribe(store, clock)
    await store_article(
        store, tmp_path, "a", "Officials said 3,000 soldiers had been deployed.", at("2025-03-28T13:00")
    )
    clock.now = at("2025-03-29T07:00")
    emulator.fail("POST", rf"/channels/{OTHER_CHANNEL}/messages", 429, retry_after=6)
    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.start(paused=True)
    bot.digests.attach(scheduler)
    try:
        start = len(emulator.requests)
        msg = await emulator.answer(emulator.slash("digest unsubscribe", id=mine.id), within=10)
        assert str(mine.id) in msg["content"]
        assert emulator.refused(start) == []  # answered inside Discord's deadlines
        assert [s.id for s in await subs.all_subscriptions(store)] == [mine.id - 1]
        assert scheduler.get_job(f"digest-{mine.id}") is None
        assert not [r for r in emulator.requests[start:] if r.path == f"/channels/{OTHER_CHANNEL}/messages"]
    finally:
        scheduler.shutdown(wait=False)


async def test_a_subscribe_that_cannot_be_answered_in_time_changes_nothing(bot, emulator, store) -> None:
    payload = emulator.slash("digest subscribe", channel=str(CHANNEL_ID), time="09:00", timezone="UTC")
    start = len(emulator.requests)
    await emulator.dispatch("INTERACTION_CREATE", payload, late_by=3.5)  # the gateway brought it too late
    await emulator.wait_for(lambda r: r.path.endswith(f"/{payload['token']}/callback"), start=start)
    await asyncio.sleep(0.2)  # whatever the bot does after Discord's refusal
    assert await subs.all_subscriptions(store) == []


async def test_an_unsubscribe_that_cannot_be_answered_in_time_changes_nothing(bot, emulator, store, clock) -> None:
    sub = await subscribe(store, clock)
    payload = emulator.slash("digest unsubscribe", id=sub.id)
    start = len(emulator.requests)
    await emulator.dispatch("INTERACTION_CREATE", payload, late_by=3.5)
    await emulator.wait_for(lambda r: r.path.endswith(f"/{payload['token']}/callback"), start=start)
    await asyncio.sleep(0.2)
    assert await subs.get(store, sub.id) is not None


async def test_a_digest_in_parts_resumes_from_the_first_part_not_accepted(bot, emulator, store, clock, tmp_path):
    sub = await subscribe(store, clock, every="6 hours")
    await store_many(store, tmp_path, 12)
    parts = len(
        render.digest_messages(await build_digest(store, at("2025-03-28T12:00"), at("2025-03-28T14:00")), marker="x")
    )
    assert parts >= 2
    emulator.fail("POST", rf"/channels/{CHANNEL_ID}/messages", 403, after=1, message="Missing Permissions")
    assert await bot.digests.tick(at("2025-03-28T14:01")) == {sub.id: "failed"}
    emulator.clock.advance(30 * 60)  # past Discord's nonce window
    assert await bot.digests.tick(at("2025-03-28T14:31")) == {sub.id: "delivered"}
    footers = [m["embeds"][-1]["footer"]["text"] for m in emulator.channel_messages()]
    assert [re.search(r"part \d+/\d+$", f).group(0) for f in footers] == [
        f"part {i}/{parts}" for i in range(1, parts + 1)
    ]
    assert (await subs.get(store, sub.id)).pending_until is None


async def test_a_crash_between_two_parts_resumes_with_the_next_part(bot, emulator, store, clock, tmp_path, monkeypatch):
    sub = await subscribe(store, clock, every="6 hours")
    await store_many(store, tmp_path, 12)
    real = subs.mark_part_sent
    crash = SystemExit("killed after posting part 2, before saving it")
    monkeypatch.setattr(subs, "mark_part_sent", failing_at(2, real, crash))
    with pytest.raises(SystemExit):
        await bot.digests.deliver(sub.id, at("2025-03-28T14:01"))
    monkeypatch.setattr(subs, "mark_part_sent", real)
    emulator.clock.advance(3 * 24 * 3600)  # days later: the nonce is long forgotten, the marker is not
    assert await DigestRunner(bot, clock).tick(at("2025-03-31T14:01")) == {sub.id: "delivered"}
    footers = [m["embeds"][-1]["footer"]["text"] for m in emulator.channel_messages()]
    parts = [re.search(r"part (\d+)/(\d+)$", f).groups() for f in footers]
    assert [int(i) for i, _ in parts] == list(range(1, int(parts[0][1]) + 1))


async def test_a_long_rate_limit_on_one_channel_holds_up_no_other_retry(bot, emulator, store, clock, tmp_path) -> None:
    retrying = await subscribe(store, clock, channel=CHANNEL_ID, time="06:59", zone="UTC")
    slow = await subscribe(store, clock, channel=OTHER_CHANNEL, time="07:00", zone="UTC")
    await store_article(
        store, tmp_path, "a", "Officials said 3,000 soldiers had been deployed.", at("2025-03-28T13:00")
    )
    emulator.fail("POST", rf"/channels/{CHANNEL_ID}/messages", 403, message="Missing Permissions")
    assert await bot.digests.tick(at("2025-03-29T06:59")) == {retrying.id: "failed"}  # retried from 07:01
    emulator.fail("POST", rf"/channels/{OTHER_CHANNEL}/messages", 429, retry_after=20)
    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.start()
    bot.digests.attach(scheduler)
    try:
        start = len(emulator.requests)
        clock.now = at("2025-03-29T07:00")
        scheduler.get_job("digest-sweep").modify(next_run_time=dt.datetime.now(UTC))
        await emulator.wait_for(
            lambda r: r.path == f"/channels/{OTHER_CHANNEL}/messages" and r.status == 429, start=start
        )
        clock.now = at("2025-03-29T07:02")
        scheduler.get_job("digest-sweep").modify(next_run_time=dt.datetime.now(UTC))
        delivered = await emulator.wait_for(
            lambda r: r.method == "POST" and r.path == f"/channels/{CHANNEL_ID}/messages" and r.status == 200,
            start=start,
            within=5,
        )
        assert "3,000" in str(delivered.body["embeds"])
    finally:
        scheduler.shutdown(wait=False)
    assert (await subs.get(store, slow.id)).last_delivery is None  # still waiting out its 429


async def test_a_rate_limit_longer_than_a_minute_is_a_retry_at_discords_time(bot, emulator, store, clock, tmp_path):
    sub = await subscribe(store, clock)
    await store_article(
        store, tmp_path, "a", "Officials said 3,000 soldiers had been deployed.", at("2025-03-28T13:00")
    )
    emulator.fail("POST", rf"/channels/{CHANNEL_ID}/messages", 429, retry_after=200)
    now = at("2025-03-29T07:00")
    result = await asyncio.wait_for(bot.digests.tick(now), 5)  # not waited out inside the delivery
    assert result == {sub.id: "failed"}
    waiting = await subs.get(store, sub.id)
    assert waiting.next_retry >= now + dt.timedelta(seconds=200) and "rate limit" in waiting.last_error
    assert await bot.digests.tick(now + dt.timedelta(seconds=201)) == {sub.id: "delivered"}


@pytest.mark.parametrize(
    ("deny", "missing"),
    [(VIEW_CHANNEL, "View Channel"), (SEND_MESSAGES, "Send Messages"), (EMBED_LINKS, "Embed Links")],
)
async def test_subscribing_checks_the_bots_permissions_in_the_channel(bot, emulator, store, deny, missing) -> None:
    await emulator.set_bot_permissions(OTHER_CHANNEL, deny=deny)
    await asyncio.sleep(0.05)  # the bot hears of the change over the gateway
    refused = await emulator.interact(
        emulator.slash("digest subscribe", channel=str(OTHER_CHANNEL), time="08:00", timezone="UTC")
    )
    assert refused.body["data"]["flags"] & 64
    assert f"<#{OTHER_CHANNEL}>" in refused.body["data"]["content"] and missing in refused.body["data"]["content"]
    assert await subs.all_subscriptions(store) == []


async def test_a_timezone_too_long_for_a_file_name_is_a_plain_refusal(bot, emulator, caplog) -> None:
    zone = "Europe/" + "x" * 5993  # 6,000 characters
    with caplog.at_level(logging.ERROR):
        refused = await emulator.interact(
            emulator.slash("digest subscribe", channel=str(CHANNEL_ID), time="08:00", timezone=zone)
        )
    content = refused.body["data"]["content"]
    assert "is not a time zone" in content and len(content) < 400
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_the_refusal_names_the_permission_as_discord_shows_it(bot, emulator) -> None:
    refused = await emulator.interact(
        emulator.slash(
            "digest subscribe", member_permissions=MEMBER, channel=str(CHANNEL_ID), time="08:00", timezone="UTC"
        )
    )
    assert refused.body["data"]["content"] == "You need the Manage Server permission to use this."


async def test_digest_now_refuses_a_start_in_the_future(bot, emulator) -> None:
    refused = await emulator.interact(emulator.slash("digest now", since="2099-01-01"))
    assert refused.body["type"] == 4 and refused.body["data"]["flags"] & 64
    assert "2099-01-01" in refused.body["data"]["content"] and "future" in refused.body["data"]["content"]


async def test_a_status_digest_is_titled_plainly(bot, emulator, store, clock, tmp_path) -> None:
    sub = await subscribe(store, clock, status=Status.deployed)
    await store_article(
        store, tmp_path, "a", "Officials said 3,000 soldiers had been deployed.", at("2025-03-28T13:00")
    )
    assert await bot.digests.tick(at("2025-03-29T07:00")) == {sub.id: "delivered"}
    (msg,) = emulator.channel_messages()
    assert msg["embeds"][0]["title"] == "Briefing on North Korean troops in Russia (Deployed): the numbers now"


async def test_the_new_sources_embed_is_titled_new_sources(bot, emulator, store, clock, tmp_path) -> None:
    sub = await subscribe(store, clock)
    await store_article(
        store, tmp_path, "a", "Officials said 3,000 soldiers had been deployed.", at("2025-03-28T13:00")
    )
    assert await bot.digests.tick(at("2025-03-29T07:00")) == {sub.id: "delivered"}
    titles = [e["title"] for m in emulator.channel_messages() for e in m["embeds"]]
    assert "New sources" in titles


async def test_digest_list_pages_reach_every_subscription(bot, emulator, store, clock) -> None:
    for _ in range(11):
        await subscribe(store, clock)
    listing = await emulator.answer(emulator.slash("digest list"))
    assert listing["embeds"][0]["footer"]["text"] == "Page 1 of 2"
    await emulator.interact(emulator.click(listing, "Next"))
    page = emulator.messages[int(listing["id"])]["embeds"][0]
    assert page["footer"]["text"] == "Page 2 of 2" and "**11.**" in page["description"]


async def test_admin_confirmations_are_seen_by_the_admin_alone(bot, emulator, store, clock) -> None:
    subscribed = await emulator.answer(
        emulator.slash("digest subscribe", channel=str(CHANNEL_ID), time="08:00", timezone="UTC")
    )
    assert subscribed["content"].startswith("Subscription 1: <#") and subscribed["flags"] & 64
    await subs.record_failure(store, await subs.get(store, 1), clock(), "a test failure")
    resumed = await emulator.answer(emulator.slash("digest resume", id=1))
    assert resumed["content"] == "Subscription 1 resumed." and resumed["flags"] & 64
    stopped = await emulator.answer(emulator.slash("digest unsubscribe", id=1))
    assert stopped["content"] == "Subscription 1 stopped." and stopped["flags"] & 64


async def until(check, within: float = 10.0) -> None:
    """Until `check()` holds (what the bot hears over the gateway arrives in its own time)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + within
    while not await check():
        assert loop.time() < end, "the bot never got there"
        await asyncio.sleep(0.02)


async def test_a_deleted_channel_pauses_its_subscriptions_at_once(bot, emulator, store, clock, tmp_path) -> None:
    gone = await subscribe(store, clock, channel=OTHER_CHANNEL)
    fine = await subscribe(store, clock, zone="UTC")
    await store_article(
        store, tmp_path, "a", "Officials said 3,000 soldiers had been deployed.", at("2025-03-28T13:00")
    )
    await emulator.delete_channel(OTHER_CHANNEL)  # Discord's CHANNEL_DELETE, over the gateway

    async def paused() -> bool:
        return (await subs.get(store, gone.id)).paused_reason is not None

    await until(paused)
    start = len(emulator.requests)
    assert await bot.digests.tick(at("2025-03-29T09:00")) == {fine.id: "delivered"}
    assert not [r for r in emulator.requests[start:] if f"/channels/{OTHER_CHANNEL}/" in r.path]  # not tried once
    listing = (await emulator.answer(emulator.slash("digest list")))["embeds"][0]["description"]
    shown = f"**Paused**: its channel #briefings was deleted (2025-03-28 12:00 UTC). `/digest unsubscribe {gone.id}`"
    assert shown in listing
    refused = await emulator.interact(emulator.slash("digest resume", id=gone.id))
    assert refused.body["data"]["content"].startswith(f"Subscription {gone.id}'s channel is gone")
    assert (await subs.get(store, gone.id)).paused_reason is not None


@pytest.mark.parametrize(
    ("deny", "named", "not_named"),
    [
        (EMBED_LINKS, "the Embed Links permission", ["View Channel", "Send Messages"]),
        (SEND_MESSAGES, "Send Messages", ["View Channel"]),
    ],
)
async def test_a_refusal_at_delivery_names_the_permission_that_is_missing(
    bot, emulator, store, clock, tmp_path, deny, named, not_named
) -> None:
    sub = await subscribe(store, clock, channel=OTHER_CHANNEL)
    await store_article(
        store, tmp_path, "a", "Officials said 3,000 soldiers had been deployed.", at("2025-03-28T13:00")
    )
    await emulator.set_bot_permissions(OTHER_CHANNEL, deny=deny)

    async def heard() -> bool:
        channel = bot.get_channel(OTHER_CHANNEL)
        return bool(channel.overwrites)

    await until(heard)
    assert await bot.digests.tick(at("2025-03-29T07:00")) == {sub.id: "failed"}
    error = (await subs.get(store, sub.id)).last_error
    assert "may not post there" in error and named in error, error
    assert not [name for name in not_named if name in error], error


async def test_a_channel_deleted_while_the_bot_was_away_pauses_when_it_connects(
    emulator, store, clock, tmp_path, db_url
) -> None:
    gone = await subscribe(store, clock, channel=OTHER_CHANNEL)
    kept = await subscribe(store, clock)
    await emulator.delete_channel(OTHER_CHANNEL)  # no bot connected: it hears nothing of it
    async with running_bot(store, tmp_path, clock, db_url):

        async def paused() -> bool:
            return (await subs.get(store, gone.id)).paused_reason is not None

        await until(paused)
    assert (await subs.get(store, gone.id)).paused_reason == "its channel was deleted while the bot was offline"
    assert (await subs.get(store, kept.id)).paused_reason is None
