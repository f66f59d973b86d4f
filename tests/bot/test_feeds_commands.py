"""/feeds through the Discord emulator, polling a local site; new facts reach queries and digests."""

from __future__ import annotations

import asyncio
import re

import pytest

from briefings.answers import queries
from briefings.sources import feeds
from tests.discord_emulator import (
    GUILD_ID,
    MEMBER_DEFAULT,
    OTHER_USER_ID,
    USER_ID,
    DiscordEmulator,
    Refused,
)
from tests.sources.test_feeds import site  # noqa: F401 - the local HTTP server fixture

TEAM_OWNER = 400000000000000007


async def test_add_list_and_remove_a_feed(bot, emulator: DiscordEmulator, site, store) -> None:  # noqa: F811
    added = await emulator.answer(emulator.slash("feeds add", url=f"{site.base}/rss", every=15))
    assert added["content"].startswith("Following feed 1 for north-korean-troops every 15 minutes")
    assert added["flags"] & 64  # an admin's confirmation is theirs alone
    for _ in range(600):  # the first poll runs in the background (it starts a worker: seconds on a busy machine)
        (feed,) = await feeds.list_feeds(store)
        if feed.last_success:
            break
        await asyncio.sleep(0.05)
    assert feed.articles_taken == 1
    assert 2000 in [e.value for e in (await queries.estimates(store, claimant="defence ministry")).latest]
    assert "Lena Park" in bot.names.speakers("park")  # autocomplete knows the new speaker

    listing = await emulator.answer(emulator.slash("feeds list"))
    text = listing["embeds"][0]["description"]
    assert listing["flags"] & 64 and "**1.** Wire · every 15 min" in text and "1 article taken, 1 entry failed" in text
    # the last success as Discord shows a moment: in each reader's own time zone, not raw ISO
    assert re.search(r"last success <t:\d+:f>", text), text

    removed = await emulator.interact(emulator.slash("feeds remove", id=1))
    assert removed.body["data"]["content"] == "Feed 1 removed." and removed.body["data"]["flags"] & 64
    assert await feeds.list_feeds(store) == []


async def test_feeds_are_hidden_without_manage_server_and_explain_bad_input(bot, emulator: DiscordEmulator) -> None:
    with pytest.raises(Refused, match="hidden"):  # Discord does not even show /feeds to such a member
        emulator.slash("feeds add", member_permissions=str(MEMBER_DEFAULT), url="https://x.example/rss")
    bad = await emulator.interact(emulator.slash("feeds add", url="not a url"))
    assert bad.body["data"]["flags"] & 64 and "is not an http(s) address of a feed" in bad.body["data"]["content"]
    gone = await emulator.interact(emulator.slash("feeds remove", id=99))
    assert gone.body["data"]["content"] == "There is no feed 99; `/feeds list` shows them."


async def test_feeds_list_pages_reach_every_feed(bot, emulator: DiscordEmulator, store, clock) -> None:
    for i in range(11):
        await feeds.add_feed(store, f"https://outlet{i}.example/rss", now=clock())
    listing = await emulator.answer(emulator.slash("feeds list"))
    assert listing["embeds"][0]["footer"]["text"] == "Page 1 of 2"
    await emulator.interact(emulator.click(listing, "Next"))
    page = emulator.messages[int(listing["id"])]["embeds"][0]
    assert page["footer"]["text"] == "Page 2 of 2" and "**11.**" in page["description"]


REFUSED = "The feeds are shared by every server this bot is in, so only its owner can change them"


async def test_another_servers_admin_sees_the_feeds_but_cannot_change_them(bot, emulator, store, clock) -> None:
    await feeds.add_feed(store, "https://outlet.example/rss", now=clock())
    for name, options in (("feeds add", {"url": "https://other.example/rss"}), ("feeds remove", {"id": 1})):
        refused = await emulator.interact(emulator.slash(name, user_id=OTHER_USER_ID, **options))
        assert refused.body["data"]["flags"] & 64 and refused.body["data"]["content"].startswith(REFUSED)
    refused = await emulator.interact(emulator.slash("feeds resume", user_id=OTHER_USER_ID, id=1))
    assert refused.body["data"]["content"].startswith(REFUSED)
    assert [f.url for f in await feeds.list_feeds(store)] == ["https://outlet.example/rss"]
    listing = (await emulator.answer(emulator.slash("feeds list", user_id=OTHER_USER_ID)))["embeds"][0]
    assert "outlet.example" in listing["description"]
    assert listing["footer"]["text"] == "Shared by every server this bot is in; only its owner changes them"
    owners = (await emulator.answer(emulator.slash("feeds list")))["embeds"][0]
    assert "outlet.example" in owners["description"] and "footer" not in owners
    # the application's owner (whom Discord names at GET /oauth2/applications/@me) may
    removed = await emulator.interact(emulator.slash("feeds remove", id=1))
    assert removed.body["data"]["content"] == "Feed 1 removed."
    assert any(r.path == "/oauth2/applications/@me" for r in emulator.requests)


async def test_the_admin_servers_setting_and_a_teams_developers_may_change_the_feeds(
    bot, emulator, store, clock, monkeypatch
) -> None:
    emulator.owner_id = TEAM_OWNER
    emulator.team = {TEAM_OWNER: "admin", OTHER_USER_ID: "developer", USER_ID: "read_only"}
    await feeds.add_feed(store, "https://outlet.example/rss", now=clock())
    developer = await emulator.interact(emulator.slash("feeds resume", user_id=OTHER_USER_ID, id=1))
    assert developer.body["data"]["content"] == "Feed 1 resumed."
    read_only = await emulator.interact(emulator.slash("feeds resume", id=1))
    assert read_only.body["data"]["content"].startswith(REFUSED)
    monkeypatch.setattr(bot.settings, "admin_guilds", str(GUILD_ID))  # BRIEFINGS_ADMIN_GUILDS names this server
    admin = await emulator.interact(emulator.slash("feeds resume", id=1))
    assert admin.body["data"]["content"] == "Feed 1 resumed."


async def test_adding_a_page_that_is_no_feed_or_an_address_too_long_is_refused(bot, emulator, site, store) -> None:  # noqa: F811
    start = len(emulator.requests)
    page = await emulator.answer(emulator.slash("feeds add", url=f"{site.base}/page/on"))
    assert page["flags"] & 64 and page["content"] == (
        f"'{site.base}/page/on' is a web page, not an RSS or Atom feed: give the address of the site's feed."
    )
    url = f"{site.base}/rss?q=" + "a" * 5900
    long = await emulator.interact(emulator.slash("feeds add", url=url))
    assert long.body["data"]["flags"] & 64
    assert (
        long.body["data"]["content"] == f"An address of {len(url):,} characters is too long for a feed (at most 2,000)."
    )
    assert await feeds.list_feeds(store) == [] and site.hits == {"/page/on": 1}
    assert emulator.refused(start) == []
