"""One deployment, three stories, in Discord: each story's /estimate has only its numbers and its
statuses, its options offer the story's words, and a digest of one story carries none of another's."""

from __future__ import annotations

import datetime as dt

from briefings.answers import subscriptions as subs
from briefings.sources.ingest import ingest_paths
from tests.bot.test_digests import subscribe
from tests.discord_emulator import CHANNEL_ID, GUILD_ID, DiscordEmulator
from tests.stories import STORY_ARTICLES, write_story_articles

EPHEMERAL = 64


def everything(msg: dict) -> str:
    """All the text of a message's embeds."""
    parts = []
    for e in msg["embeds"]:
        parts += [e.get("title", ""), e.get("description", ""), e.get("footer", {}).get("text", "")]
        parts += [f["name"] + " " + f["value"] for f in e.get("fields", [])]
    return " ".join(parts)


async def test_each_story_answers_estimate_with_only_its_numbers_and_statuses(bot, emulator, store, tmp_path) -> None:
    await ingest_paths(store, write_story_articles(tmp_path))

    storm = await emulator.answer(emulator.slash("estimate", story="hurricane-helene"))
    text = everything(storm)
    assert storm["embeds"][0]["title"] == "Hurricane Helene: the human toll: the picture now"
    assert "**Killed**: 41 across 1 claimant" in text and "**Missing**: 17 across 1 claimant" in text
    assert "Latest per claimant: Killed" in text
    for other in ("220,000", "7,500", "Deployed", "Crowd", "Arrested", "12,000"):
        assert other not in text

    march = await emulator.answer(emulator.slash("estimate", story="hong-kong-protests"))
    text = everything(march)
    assert march["embeds"][0]["title"] == "Hong Kong protests (2019): the picture now"
    assert "**Crowd**: 220,000" in text and "**Arrested**: 36" in text
    for other in ("41", "7,500", "Deployed", "Missing", "12,000"):
        assert other not in text

    troops = await emulator.answer(emulator.slash("estimate"))  # the default story
    text = everything(troops)
    assert troops["embeds"][0]["title"] == "North Korean troops in Russia: the picture now"
    assert "7,500" in text and "**Deployed**" in text
    for other in ("220,000", "Crowd", "Missing", "**Killed**"):
        assert other not in text

    killed = await emulator.answer(emulator.slash("estimate", story="hurricane-helene", status="killed"))
    assert "41" in everything(killed) and "17" not in everything(killed)


async def test_story_and_status_options_offer_the_storys_words(bot, emulator, store, tmp_path) -> None:
    callback = await emulator.interact(emulator.autocomplete("estimate", "story", story="hurr"))
    assert callback.body["data"]["choices"] == [
        {"name": "hurricane-helene: Hurricane Helene: the human toll", "value": "hurricane-helene"}
    ]
    callback = await emulator.interact(
        emulator.autocomplete("estimate", "status", story="hong-kong-protests", status="")
    )
    assert [c["value"] for c in callback.body["data"]["choices"]] == ["attended", "arrested", "injured", "killed"]
    assert callback.body["data"]["choices"][0]["name"] == "Crowd (attended)"
    callback = await emulator.interact(emulator.autocomplete("estimate", "status", status="fr"))  # the default's
    assert [c["value"] for c in callback.body["data"]["choices"]] == ["frontline"]


async def test_an_unknown_story_or_a_status_it_lacks_is_one_sentence(bot, emulator, store) -> None:
    callback = await emulator.interact(emulator.slash("estimate", story="volcano"))
    assert callback.body["data"]["flags"] & EPHEMERAL
    assert callback.body["data"]["content"].startswith(
        "There is no story 'volcano'; the stories are hong-kong-protests, hurricane-helene and north-korean-troops."
    )
    callback = await emulator.interact(emulator.slash("estimate", story="hurricane-helene", status="deployed"))
    assert callback.body["data"]["content"].startswith(
        "'deployed' is not a status of hurricane-helene; its statuses are killed, injured, missing and displaced."
    )


async def test_sources_and_about_show_the_stories(bot, emulator, store, tmp_path) -> None:
    await ingest_paths(store, write_story_articles(tmp_path))
    listed = everything(await emulator.answer(emulator.slash("sources", story="hong-kong-protests")))
    assert "Harbour Daily" in listed and "hong-kong-protests" in listed
    assert "Coastal Herald" not in listed and "Fictional Wire" not in listed
    about = everything(await emulator.answer(emulator.slash("about")))
    assert "hurricane-helene: Hurricane Helene: the human toll, 1 source" in about
    assert "north-korean-troops (the default)" in about


async def test_a_digest_of_one_story_never_carries_another_storys_facts(bot, emulator, store, clock, tmp_path) -> None:
    sub = await subscribe(store, clock, zone="UTC", story="hurricane-helene")
    stored_at = clock() + dt.timedelta(hours=1)
    await ingest_paths(store, write_story_articles(tmp_path), now=stored_at)
    assert await bot.digests.tick(clock() + dt.timedelta(days=1)) == {sub.id: "delivered"}
    (posted,) = emulator.channel_messages(CHANNEL_ID)
    text = everything(posted)
    assert "Briefing on Hurricane Helene: the human toll" in text
    assert "41" in text and "Lena Ortiz" in text and "Coastal Herald" in text
    for name in STORY_ARTICLES:
        if name != "storm":
            for fact in STORY_ARTICLES[name].facts:
                assert fact not in text, (name, fact)


async def test_digest_subscribe_is_per_story_and_checks_the_status_by_its_story(
    bot, emulator: DiscordEmulator, store
) -> None:
    def subscribing(status: str) -> dict:
        return emulator.slash(
            "digest subscribe",
            channel=str(CHANNEL_ID),
            time="08:00",
            timezone="UTC",
            story="hong-kong-protests",
            status=status,
        )

    callback = await emulator.interact(subscribing("deployed"))
    assert callback.body["data"]["content"].startswith("'deployed' is not a status of hong-kong-protests")
    msg = await emulator.answer(subscribing("arrested"))
    assert "a briefing on Hong Kong protests (2019) every day at 08:00 (UTC) of Arrested numbers" in msg["content"]
    (sub,) = await subs.all_subscriptions(store, GUILD_ID)
    assert (sub.story, sub.status) == ("hong-kong-protests", "arrested")
