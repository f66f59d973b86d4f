"""Every command end to end: discord.py logs in to the emulator, syncs, and answers interactions."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sys

import pytest

from bot import client
from briefings.answers import queries
from briefings.sources.ingest import ingest_paths
from tests.bot.conftest import running_bot
from tests.conftest import ROOT, article
from tests.discord_emulator import (
    APP_ID,
    ATTACH_FILES,
    CHANNEL_ID,
    OTHER_USER_ID,
    DiscordEmulator,
)

EPHEMERAL = 64


def embed_size(e: dict) -> int:
    return (
        len(e.get("title", ""))
        + len(e.get("description", ""))
        + sum(len(f["name"]) + len(f["value"]) for f in e.get("fields", []))
        + len(e.get("footer", {}).get("text", ""))
    )


def assert_within_limits(msg: dict) -> None:
    assert len(msg.get("content") or "") <= 2000
    for e in msg["embeds"]:
        assert len(e.get("title", "")) <= 256
        assert len(e.get("description", "")) <= 4096
        assert len(e.get("fields", [])) <= 25
        assert all(len(f["value"]) <= 1024 and len(f["name"]) <= 256 for f in e.get("fields", []))
        assert embed_size(e) <= 6000


async def add_articles(store, tmp_path, *texts: str) -> None:
    paths = []
    for i, text in enumerate(texts):
        p = tmp_path / "more" / f"{i}.txt"
        p.parent.mkdir(exist_ok=True)
        p.write_text(text, encoding="utf-8")
        paths.append(str(p))
    await ingest_paths(store, paths)


async def test_login_syncs_commands_without_privileged_intents(bot, emulator: DiscordEmulator) -> None:
    assert set(emulator.commands) == {
        "estimate",
        "quote",
        "search",
        "sources",
        "timeline",
        "who",
        "about",
        "digest",
        "feeds",
    }
    assert int(emulator.commands["feeds"]["default_member_permissions"]) == 1 << 5  # Manage Server
    assert emulator.identify is not None
    assert emulator.identify["intents"] == 1  # guilds only: no members, presences or message content
    assert all(c.get("description") for c in emulator.commands.values())
    timeline = emulator.commands["timeline"]
    assert [o["name"] for o in timeline["options"]] == ["from", "to", "story"]


async def test_estimate_shows_ranges_latest_per_claimant_and_sources(bot, emulator: DiscordEmulator) -> None:
    payload = emulator.slash("estimate", status="deployed")
    callback = await emulator.interact(payload)
    assert callback.body["type"] == 5  # deferred inside the 3 seconds
    msg = await emulator.answer(emulator.slash("estimate", status="deployed"))
    (embed,) = msg["embeds"]
    assert embed["title"] == "North Korean troops in Russia: the picture now"
    # 6: the defence minister's 3,000 is his ministry's claim, as its spokesperson's 10,000 is (issue 20)
    assert "**Deployed**: 3,000–12,000 across 6 claimants" in embed["description"]
    field = next(f for f in embed["fields"] if f["name"].startswith("Latest per claimant"))
    assert "**United States**: at least 3,000" in field["value"]
    assert "NBC News, Scypre.com (1 independent)" in field["value"]
    assert_within_limits(msg)


async def test_estimate_charts_a_change_and_says_when_it_cannot(bot, emulator, store, tmp_path) -> None:
    await add_articles(
        store,
        tmp_path,
        article("Ledger", "2025-03-03", "The defence ministry said on Monday that 3,000 soldiers had been deployed."),
        article(
            "Courier", "2025-03-12", "The defence ministry said on Wednesday that 5,000 soldiers had been deployed."
        ),
    )
    msg = await emulator.answer(emulator.slash("estimate", claimant="defence ministry"))
    assert [a["filename"] for a in msg["attachments"]] == ["estimates.png"]
    (embed,) = msg["embeds"]
    assert embed["image"]["url"] == "attachment://estimates.png"
    moved = next(f for f in embed["fields"] if f["name"] == "Who changed their number")
    assert "3,000 → 5,000 (+2,000)" in moved["value"]

    await emulator.set_bot_permissions(CHANNEL_ID, deny=ATTACH_FILES)
    msg = await emulator.answer(emulator.slash("estimate", claimant="defence ministry"))
    assert msg["attachments"] == []
    assert "chart left out: I lack the Attach Files permission here" in msg["embeds"][0]["footer"]["text"]


async def test_quote_newest_first_with_date_and_source(bot, emulator: DiscordEmulator) -> None:
    msg = await emulator.answer(emulator.slash("quote", speaker="kirby", contains="fair game"))
    (embed,) = msg["embeds"]
    assert embed["title"] == "Quotes by John Kirby"
    assert "> They’re fair game" in embed["description"]
    assert "**John Kirby**, National Security Council spokesperson, 2024-10-23" in embed["description"]
    assert msg["allowed_mentions"] == {"parse": []}


async def test_quotes_dated_by_publication_carry_the_mark_and_one_of_a_kind_is_singular(
    bot, emulator, store, tmp_path
) -> None:
    await add_articles(
        store, tmp_path, article("Ledger", "2025-03-03", "“We will hold the bridge,” Envoy Ada Stone said.")
    )
    msg = await emulator.answer(emulator.slash("quote", speaker="stone"))
    (embed,) = msg["embeds"]
    assert embed["title"] == "Quotes by Ada Stone"  # the name the store knows, not what was typed
    assert "**Ada Stone**, Envoy, 2025-03-03*; Ledger" in embed["description"]
    assert embed["footer"]["text"] == "Newest first · * dated by the article's publication, not by the text"
    who = (await emulator.answer(emulator.slash("who", name="Ada Stone")))["embeds"][0]
    assert "1 quote and 0 estimates stored" in who["description"]
    assert "(2025-03-03*)" in who["fields"][0]["value"]
    sources = (await emulator.answer(emulator.slash("sources")))["embeds"][0]["description"]
    assert "1 quote, 0 estimates; original reporting" in sources


async def test_a_plain_text_article_is_named_by_its_file_and_its_unknown_dates_are_not_marked(
    bot, emulator, store, tmp_path
) -> None:
    path = tmp_path / "kursk-report.txt"
    path.write_text(
        "More troops reach Kursk\n\n"
        "About 1,500 more North Korean soldiers reached the Kursk region, a regional governor said.\n",
        encoding="utf-8",
    )
    await ingest_paths(store, [str(path)])
    sources = (await emulator.answer(emulator.slash("sources")))["embeds"][0]["description"]
    assert "**6. kursk-report.txt**, date unknown: More troops reach Kursk" in sources
    estimate = await emulator.answer(emulator.slash("estimate", claimant="regional governor"))
    lines = " ".join(f["value"] for f in estimate["embeds"][0]["fields"])
    assert "about 1,500 (date unknown; kursk-report.txt)" in lines  # no publication date: no *
    assert "footer" not in estimate["embeds"][0]  # and no footnote for a mark not shown


async def test_speaker_autocomplete_answers_from_memory(bot, emulator: DiscordEmulator) -> None:
    callback = await emulator.interact(emulator.autocomplete("quote", "speaker", speaker="kir"))
    assert callback.body["type"] == 8
    choices = callback.body["data"]["choices"]
    assert choices[0] == {"name": "John Kirby", "value": "John Kirby"}
    callback = await emulator.interact(emulator.autocomplete("quote", "speaker", speaker=""))
    assert 1 <= len(callback.body["data"]["choices"]) <= 25


async def test_search_and_a_malformed_query(bot, emulator: DiscordEmulator) -> None:
    msg = await emulator.answer(emulator.slash("search", text="cannon fodder"))
    assert "**cannon** **fodder**" in msg["embeds"][0]["description"]
    callback = await emulator.interact(emulator.slash("search", text='"cannon fodder'))
    assert callback.body["data"]["flags"] & EPHEMERAL
    assert callback.body["data"]["content"].startswith("The search has an unclosed quote mark")


async def test_sources_who_and_about(bot, emulator: DiscordEmulator) -> None:
    msg = await emulator.answer(emulator.slash("sources"))
    text = msg["embeds"][0]["description"]
    assert "near-copy of source 1" in text and "rewrite of source 1" in text
    msg = await emulator.answer(emulator.slash("who", name="Kirby"))
    assert "**John Kirby**, National Security Council spokesperson" in msg["embeds"][0]["description"]
    assert "Affiliation: United States" in msg["embeds"][0]["description"]
    msg = await emulator.answer(emulator.slash("about"))
    embed = msg["embeds"][0]
    assert embed["title"].startswith("briefings ")
    assert "5 sources" in embed["fields"][0]["value"]


async def test_long_results_page_with_buttons_only_the_asker_can_turn(bot, emulator: DiscordEmulator) -> None:
    msg = await emulator.answer(emulator.slash("timeline"))
    first = msg["embeds"][0]
    assert first["footer"]["text"].startswith("Page 1 of ")
    labels = [c["label"] for row in msg["components"] for c in row["components"]]
    assert labels == ["Previous", "Next"]

    stranger = await emulator.interact(emulator.click(msg, "Next", user_id=OTHER_USER_ID))
    assert stranger.body["type"] == 4 and stranger.body["data"]["flags"] & EPHEMERAL
    assert "Only the person who asked" in stranger.body["data"]["content"]
    assert emulator.messages[int(msg["id"])]["embeds"][0]["footer"]["text"].startswith("Page 1 of ")

    turned = await emulator.interact(emulator.click(msg, "Next"))
    assert turned.body["type"] == 7
    assert turned.body["data"]["embeds"][0]["footer"]["text"].startswith("Page 2 of ")
    assert turned.body["data"]["embeds"][0]["description"] != first["description"]


async def test_a_result_too_long_for_one_message_is_cut_clearly(bot, emulator, store, tmp_path) -> None:
    long_quote = " ".join(["The talks will go on for as long as they must, and we will not give up."] * 90)
    many = "\n".join(f"“Statement number {i} is about the ceasefire talks,” Envoy Paul Ruiz said." for i in range(260))
    await add_articles(
        store, tmp_path, article("Ledger", "2025-03-03", f"“{long_quote},” Envoy Paul Ruiz said.\n{many}")
    )
    msg = await emulator.answer(emulator.slash("quote", speaker="Paul Ruiz"))
    assert_within_limits(msg)
    assert msg["embeds"][0]["footer"]["text"].startswith("Page 1 · ")  # more to come; no total counted
    last = emulator.messages[int(msg["id"])]
    for _ in range(24):
        await emulator.interact(emulator.click(last, "Next"))
        last = emulator.messages[int(msg["id"])]  # the message as the buttons left it
        assert_within_limits(last)
    assert last["embeds"][0]["footer"]["text"].startswith("Page 25 · ")
    assert "…and more: narrow the query" in last["embeds"][0]["description"]
    buttons = {c["label"]: c for row in last["components"] for c in row["components"]}
    assert buttons["Next"].get("disabled") and not buttons["Previous"].get("disabled")
    long_one = [m for m in emulator.messages.values() if "The talks will go on" in str(m.get("embeds"))]
    assert all("…" in str(m["embeds"]) for m in long_one)


@pytest.mark.parametrize("busy_at, first_response", [(8, 4), (0, 5)])  # answered at once; acknowledged first
async def test_a_busy_bot_acknowledges_first_and_answers_in_a_follow_up(
    bot, emulator, monkeypatch, busy_at, first_response
) -> None:
    monkeypatch.setattr(client, "BUSY_AT", busy_at)
    payload = emulator.slash("quote", speaker="kirby")
    msg = await emulator.answer(payload)
    (callback,) = [r for r in emulator.requests if r.path.endswith(f"/{payload['token']}/callback")]
    assert callback.body["type"] == first_response
    assert msg["embeds"][0]["title"] == "Quotes by John Kirby" and "John Kirby" in msg["embeds"][0]["description"]


async def test_a_busy_bot_acknowledges_a_page_turn_first_and_then_turns_the_page(bot, emulator, monkeypatch) -> None:
    msg = await emulator.answer(emulator.slash("timeline"))
    monkeypatch.setattr(client, "BUSY_AT", 0)
    click = emulator.click(msg, "Next")
    callback = await emulator.interact(click)
    assert callback.body["type"] == 6  # deferred update of the message
    await emulator.wait_for(lambda r: r.method == "PATCH" and click["token"] in r.path, within=5)
    assert emulator.messages[int(msg["id"])]["embeds"][0]["footer"]["text"].startswith("Page 2 of ")


async def test_quote_pages_turned_one_by_one_show_every_quote_once_newest_first(bot, emulator, store, tmp_path) -> None:
    await add_articles(
        store,
        tmp_path,
        *(
            article("Ledger", f"2025-03-{day:02d}", f"“Statement {day} is about the talks,” Envoy Paul Ruiz said.")
            for day in range(1, 31)
        ),
    )
    msg = await emulator.answer(emulator.slash("quote", speaker="Ruiz"))
    seen: list[int] = []
    footers = []
    while True:
        embed = emulator.messages[int(msg["id"])]["embeds"][0]
        seen += [int(n) for n in re.findall(r"Statement (\d+) is", embed["description"])]
        footers.append(embed["footer"]["text"].split(" · ")[0])
        buttons = {c["label"]: c for row in emulator.messages[int(msg["id"])]["components"] for c in row["components"]}
        if buttons["Next"].get("disabled"):
            break
        await emulator.interact(emulator.click(emulator.messages[int(msg["id"])], "Next"))
    assert seen == list(range(30, 0, -1))
    assert footers[0] == "Page 1" and footers[-1] == f"Page {len(footers)} of {len(footers)}"
    await emulator.interact(emulator.click(emulator.messages[int(msg["id"])], "Previous"))
    back = emulator.messages[int(msg["id"])]["embeds"][0]["footer"]["text"]
    assert back.startswith(f"Page {len(footers) - 1} of {len(footers)}")


async def test_article_text_cannot_ping_or_format(bot, emulator, store, tmp_path) -> None:
    await add_articles(
        store,
        tmp_path,
        article(
            "Ledger",
            "2025-03-03",
            "“Tell @everyone to read [this](https://evil.example) and <@123456789012345678> now,” Envoy Ada Stone said.",
        ),
    )
    msg = await emulator.answer(emulator.slash("quote", speaker="Ada Stone"))
    text = msg["embeds"][0]["description"]
    assert "@everyone" not in text and "@\u200beveryone" in text
    assert "[this](" not in text and "\\[this\\]" in text
    assert "<@123456789012345678>" not in text
    for r in emulator.requests:
        if r.method in {"POST", "PATCH"} and isinstance(r.body, dict) and ("embeds" in r.body or "content" in r.body):
            assert r.body.get("allowed_mentions") == {"parse": []} or r.body.get("data", {}).get("allowed_mentions")


async def test_bad_input_and_an_internal_error_take_the_one_error_path(bot, emulator, monkeypatch, caplog) -> None:
    callback = await emulator.interact(emulator.slash("timeline", **{"from": "2024-13-01"}))
    assert callback.body["data"]["flags"] & EPHEMERAL
    assert callback.body["data"]["content"] == "'2024-13-01' is not a date for from; write it like 2024-10-24."

    async def broken(conn):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(queries, "sources", broken)
    with caplog.at_level(logging.ERROR):
        callback = await emulator.interact(emulator.slash("sources"))
    assert callback.body["data"]["flags"] & EPHEMERAL
    assert callback.body["data"]["content"].startswith("Something went wrong on our side")
    assert "database on fire" not in callback.body["data"]["content"]
    assert any("database on fire" in (r.exc_text or "") or r.exc_info for r in caplog.records)


async def test_deferred_error_replaces_the_thinking_message_with_an_ephemeral_one(bot, emulator, monkeypatch) -> None:
    async def broken(*args, **kwargs):
        raise queries.QueryError("That claimant is not in the store.")

    monkeypatch.setattr(queries, "estimates", broken)
    payload = emulator.slash("estimate")
    start = len(emulator.requests)
    await emulator.interact(payload)
    follow = await emulator.wait_for(
        lambda r: r.method == "POST" and r.path == f"/webhooks/{APP_ID}/{payload['token']}", start=start
    )
    assert follow.body["content"] == "That claimant is not in the store." and follow.body["flags"] & EPHEMERAL
    assert any(r.method == "DELETE" and r.path.endswith("/messages/@original") for r in emulator.requests[start:])


async def test_rate_limit_is_waited_out(bot, emulator: DiscordEmulator) -> None:
    emulator.fail(
        "POST", r"/interactions/\d+/[\w-]+/callback", 429, retry_after=0.2, message="You are being rate limited."
    )
    msg = await emulator.answer(emulator.slash("about"))
    assert msg["embeds"][0]["title"].startswith("briefings ")
    callbacks = [r for r in emulator.requests if r.path.endswith("/callback")]
    assert len(callbacks) >= 2  # the refused one, then the one that went through


@pytest.mark.parametrize("status", [403, 404])
async def test_rest_errors_are_logged_and_the_user_told(bot, emulator, status, caplog) -> None:
    emulator.fail(
        "POST", rf"/webhooks/{APP_ID}/[\w-]+$", status, message="Missing Access" if status == 403 else "Unknown"
    )
    payload = emulator.slash("estimate")
    start = len(emulator.requests)
    with caplog.at_level(logging.ERROR):
        await emulator.interact(payload)
        told = await emulator.wait_for(
            lambda r: r.method == "POST" and r.path == f"/webhooks/{APP_ID}/{payload['token']}" and "content" in r.body,
            start=start,
        )
    assert told.body["content"].startswith("Discord refused part of the answer")
    assert any("Discord refused a request" in r.getMessage() for r in caplog.records)
    msg = await emulator.answer(emulator.slash("about"))  # and the bot goes on answering
    assert msg["embeds"]


async def test_many_interactions_in_flight(bot, emulator: DiscordEmulator) -> None:
    payloads = [emulator.slash("quote", speaker="Kirby") for _ in range(20)]
    answers = await asyncio.gather(*(emulator.answer(p) for p in payloads))
    assert all(a["embeds"][0]["title"] == "Quotes by John Kirby" for a in answers)


# ---------------------------------------------------------------------------- issue 15


LONG = "2024-10-2" + "4" * 5991  # 6,000 characters, the most a Discord string option carries


@pytest.mark.parametrize(
    ("command", "options", "explains"),
    [
        ("timeline", {"from": LONG}, "is not a date for from"),
        ("timeline", {"to": LONG}, "is not a date for to"),
        ("digest now", {"since": LONG}, "is not a time for since"),
        ("digest subscribe", {"channel": str(CHANNEL_ID), "time": LONG, "timezone": "UTC"}, "is not a time of day"),
        (
            "digest subscribe",
            {"channel": str(CHANNEL_ID), "time": "08:00", "timezone": "UTC", "every": LONG},
            "is not a schedule",
        ),
        ("feeds add", {"url": LONG}, "is not an http(s) address"),
    ],
)
async def test_an_error_repeating_a_long_input_fits_discords_limits(bot, emulator, command, options, explains):
    start = len(emulator.requests)
    refused = await emulator.interact(emulator.slash(command, **options))
    content = refused.body["data"]["content"]
    assert refused.body["data"]["flags"] & EPHEMERAL and explains in content
    assert len(content) <= 500 and content.startswith("'2024-10-24")
    assert emulator.refused(start) == []


async def test_page_buttons_work_after_a_restart_and_past_the_commands_token(
    bot, emulator, store, tmp_path, clock, db_url
) -> None:
    msg = await emulator.answer(emulator.slash("timeline"))
    await bot.close()  # the process stops; what it held in memory is gone
    async with running_bot(store, tmp_path, clock, db_url):
        emulator.clock.advance(20 * 60)  # the command's own token has expired
        start = len(emulator.requests)
        turned = await emulator.interact(emulator.click(msg, "Next"))
        assert turned.body["type"] == 7
        assert turned.body["data"]["embeds"][0]["footer"]["text"].startswith("Page 2 of ")
        back = await emulator.interact(emulator.click(emulator.messages[int(msg["id"])], "Previous"))
        assert back.body["data"]["embeds"][0]["footer"]["text"].startswith("Page 1 of ")
        assert emulator.refused(start) == []


async def test_a_list_whose_query_is_too_long_to_carry_says_it_expired_after_a_restart(
    bot, emulator, store, tmp_path, clock, db_url
) -> None:
    await add_articles(
        store,
        tmp_path,
        *(
            article("Ledger", f"2025-03-{day:02d}", f"“Statement {day} is about the talks,” Envoy Paul Ruiz said.")
            for day in range(1, 31)
        ),
    )
    text = " OR ".join(["talks"] * 20)  # longer than a button's custom_id can carry
    msg = await emulator.answer(emulator.slash("search", text=text))
    turned = await emulator.interact(emulator.click(msg, "Next"))  # in this process, it turns
    assert turned.body["data"]["embeds"][0]["footer"]["text"].startswith("Page 2 of ")
    await bot.close()
    async with running_bot(store, tmp_path, clock, db_url):
        expired = await emulator.interact(emulator.click(emulator.messages[int(msg["id"])], "Next"))
        assert expired.body["type"] == 7 and "expired" in expired.body["data"]["content"]
        assert expired.body["data"]["components"] == []  # nothing left to press that does nothing


async def test_sources_are_titled_sources(bot, emulator) -> None:
    msg = await emulator.answer(emulator.slash("sources"))
    assert msg["embeds"][0]["title"] == "Sources"


async def test_speakers_ingested_by_another_process_are_offered_at_once(bot, emulator, tmp_path, db_url) -> None:
    path = tmp_path / "elsewhere.txt"
    path.write_text(
        article("Ledger", "2025-03-03", "“The talks go on,” Envoy Zorana Quistgaard said on Monday."), encoding="utf-8"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFINGS_")}
    env["BRIEFINGS_DB"] = db_url
    ingest = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "briefings.cli", "ingest", str(path), cwd=ROOT, env=env
    )
    assert await asyncio.wait_for(ingest.wait(), 120) == 0
    callback = await emulator.interact(emulator.autocomplete("quote", "speaker", speaker="quistg"))
    assert {"name": "Zorana Quistgaard", "value": "Zorana Quistgaard"} in callback.body["data"]["choices"]


async def test_search_snippets_escape_article_text_once_and_bold_only_the_matches(
    bot, emulator, store, tmp_path
) -> None:
    await add_articles(
        store,
        tmp_path,
        article(
            "Ledger",
            "2025-03-03",
            "“Read the [full text](https://evil.example) of the ceasefire > draft today,” Envoy Ada Stone said.",
        ),
    )
    msg = await emulator.answer(emulator.slash("search", text="ceasefire"))
    text = msg["embeds"][0]["description"]
    assert "**ceasefire**" in text
    assert "\\[full text\\]" in text and "**full text**" not in text  # article brackets shown as brackets
    assert "\\\\" not in text  # no escape escaped again: no visible backslashes


async def test_page_buttons_an_earlier_version_left_say_they_expired(bot, emulator) -> None:
    msg = await emulator.answer(emulator.slash("timeline"))
    for row in emulator.messages[int(msg["id"])]["components"]:  # as discord.py's views made them
        for button in row["components"]:
            button["custom_id"] = os.urandom(16).hex()
    expired = await emulator.interact(emulator.click(emulator.messages[int(msg["id"])], "Next"))
    assert expired.body["type"] == 7 and "expired" in expired.body["data"]["content"]
    assert expired.body["data"]["components"] == []


# ---------------------------------------------------------------------------- issue 23

MARKUP = "**b** ||s|| [l](http://e.x) <@400000000000000004>"  # 49 characters that would format and ping


@pytest.mark.parametrize("length", [59, 60, 61, 62, 120])
async def test_an_echoed_input_is_escaped_whether_it_is_cut_or_not(bot, emulator, length) -> None:
    typed = (MARKUP + " " + "y" * length)[:length]
    refused = await emulator.interact(emulator.slash("digest now", since=typed))
    content = refused.body["data"]["content"]
    assert "is not a time for since" in content
    echo = content.split("' is not a time")[0]
    assert echo.endswith("…") == (length > 60)  # cut when over 60 characters, as the core cuts it
    assert not re.search(r"(?<!\\)[*|\[<]", content), content  # nothing formats, hides, links or pings
    assert "\\*\\*b\\*\\*" in content and "@\u200b400000000000000004" in content
