"""/feeds through the Discord emulator, polling a local site; new facts reach queries and digests."""

from __future__ import annotations

import asyncio

import pytest

from briefings.answers import queries
from briefings.sources import feeds
from tests.discord_emulator import MEMBER_DEFAULT, DiscordEmulator, Refused
from tests.sources.test_feeds import site  # noqa: F401 - the local HTTP server fixture


async def test_add_list_and_remove_a_feed(bot, emulator: DiscordEmulator, site, store) -> None:  # noqa: F811
    added = await emulator.interact(emulator.slash("feeds add", url=f"{site.base}/rss", every=15))
    assert added.body["data"]["content"].startswith("Following feed 1 every 15 minutes")
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

    removed = await emulator.interact(emulator.slash("feeds remove", id=1))
    assert removed.body["data"]["content"] == "Feed 1 removed."
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
