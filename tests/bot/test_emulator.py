"""The emulator refuses what Discord refuses, with Discord's own error bodies: these tests act as a
bot speaking raw HTTP to it, so that the bot's own tests can trust a success to mean Discord's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.discord_emulator import (
    APP_ID,
    CHANNEL_ID,
    GUILD_ID,
    MEMBER_DEFAULT,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    DiscordEmulator,
    Refused,
)

POSTS = f"/channels/{CHANNEL_ID}/messages"


@pytest.fixture
async def discord() -> AsyncIterator[DiscordEmulator]:
    emu = DiscordEmulator()
    await emu.start()
    yield emu
    await emu.stop()


async def call(emu: DiscordEmulator, method: str, path: str, body: Any = None) -> tuple[int, Any, dict[str, str]]:
    async with aiohttp.ClientSession() as http, http.request(method, emu.api_base + path, json=body) as r:
        data = await r.json() if r.content_type == "application/json" else None
        return r.status, data, dict(r.headers)


def command(emu: DiscordEmulator) -> dict[str, Any]:
    """An interaction created by Discord but answered by the test, not by a bot."""
    emu.commands["about"] = {"id": "1", "name": "about", "type": 1, "options": []}
    payload = emu.slash("about")
    emu.register(payload)
    return payload


def embed(**parts: Any) -> dict[str, Any]:
    return {"title": "t", "description": "d", **parts}


TOO_LONG = [
    ({"content": "x" * 2001}, ("content",), "BASE_TYPE_MAX_LENGTH"),
    ({"embeds": [embed(title="x" * 257)]}, ("embeds", "0", "title"), "BASE_TYPE_MAX_LENGTH"),
    ({"embeds": [embed(description="x" * 4097)]}, ("embeds", "0", "description"), "BASE_TYPE_MAX_LENGTH"),
    (
        {"embeds": [embed(fields=[{"name": "n", "value": "v"}] * 26)]},
        ("embeds", "0", "fields"),
        "BASE_TYPE_MAX_LENGTH",
    ),
    (
        {"embeds": [embed(fields=[{"name": "n" * 257, "value": "v"}])]},
        ("embeds", "0", "fields", "0", "name"),
        "BASE_TYPE_MAX_LENGTH",
    ),
    (
        {"embeds": [embed(fields=[{"name": "n", "value": "v" * 1025}])]},
        ("embeds", "0", "fields", "0", "value"),
        "BASE_TYPE_MAX_LENGTH",
    ),
    ({"embeds": [embed(footer={"text": "x" * 2049})]}, ("embeds", "0", "footer", "text"), "BASE_TYPE_MAX_LENGTH"),
    ({"embeds": [embed(author={"name": "x" * 257})]}, ("embeds", "0", "author", "name"), "BASE_TYPE_MAX_LENGTH"),
    (
        {"embeds": [embed(description="x" * 4000), embed(description="x" * 2100)]},
        ("embeds",),
        "MAX_EMBED_SIZE_EXCEEDED",
    ),
    ({"embeds": [embed()] * 11}, ("embeds",), "BASE_TYPE_MAX_LENGTH"),
    (
        {"content": "x", "components": [{"type": 1, "components": []}] * 6},
        ("components",),
        "BASE_TYPE_MAX_LENGTH",
    ),
]


@pytest.mark.parametrize(("body", "path", "code"), TOO_LONG)
async def test_a_message_over_a_limit_is_refused_with_the_errors_tree(discord, body, path, code) -> None:
    status, data, _ = await call(discord, "POST", POSTS, body)
    assert status == 400 and data["code"] == 50035 and data["message"] == "Invalid Form Body"
    node = data["errors"]
    for key in path:
        node = node[key]
    assert node["_errors"][0]["code"] == code
    assert discord.channel_messages() == []


async def test_the_same_limits_hold_for_interaction_responses_and_follow_ups(discord) -> None:
    payload = command(discord)
    callback = f"/interactions/{payload['id']}/{payload['token']}/callback"
    status, data, _ = await call(discord, "POST", callback, {"type": 4, "data": {"content": "x" * 2001}})
    assert status == 400 and data["errors"]["data"]["content"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"
    assert (await call(discord, "POST", callback, {"type": 5}))[0] == 200  # a refused one acknowledged nothing
    status, data, _ = await call(discord, "POST", f"/webhooks/{APP_ID}/{payload['token']}", {"content": "x" * 2001})
    assert status == 400 and data["code"] == 50035


async def test_an_initial_response_after_three_seconds_is_an_unknown_interaction(discord) -> None:
    payload = command(discord)
    discord.clock.advance(3.01)
    status, data, _ = await call(
        discord, "POST", f"/interactions/{payload['id']}/{payload['token']}/callback", {"type": 5}
    )
    assert (status, data) == (404, {"message": "Unknown interaction", "code": 10062})
    status, data, _ = await call(discord, "POST", f"/webhooks/{APP_ID}/{payload['token']}", {"content": "late"})
    assert status == 404 and data["code"] == 10015  # never acknowledged: no follow-up either


async def test_a_second_initial_response_is_refused(discord) -> None:
    payload = command(discord)
    callback = f"/interactions/{payload['id']}/{payload['token']}/callback"
    assert (await call(discord, "POST", callback, {"type": 4, "data": {"content": "hello"}}))[0] == 200
    status, data, _ = await call(discord, "POST", callback, {"type": 4, "data": {"content": "again"}})
    assert status == 400 and data["code"] == 40060


async def test_follow_ups_need_a_token_younger_than_fifteen_minutes(discord) -> None:
    payload = command(discord)
    await call(discord, "POST", f"/interactions/{payload['id']}/{payload['token']}/callback", {"type": 5})
    webhook = f"/webhooks/{APP_ID}/{payload['token']}"
    discord.clock.advance(14 * 60)
    assert (await call(discord, "PATCH", webhook + "/messages/@original", {"content": "in time"}))[0] == 200
    discord.clock.advance(61)
    for method, path in (("POST", webhook), ("PATCH", webhook + "/messages/@original")):
        status, data, _ = await call(discord, method, path, {"content": "too late"})
        assert (status, data["code"]) == (401, 50027)


async def test_channel_posts_check_the_bots_permissions(discord) -> None:
    assert (await call(discord, "POST", POSTS, {"content": "hello"}))[0] == 200
    await discord.set_bot_permissions(CHANNEL_ID, deny=SEND_MESSAGES)
    status, data, _ = await call(discord, "POST", POSTS, {"content": "hello"})
    assert (status, data["code"]) == (403, 50013)
    await discord.set_bot_permissions(CHANNEL_ID, deny=VIEW_CHANNEL)
    status, data, _ = await call(discord, "POST", POSTS, {"content": "hello"})
    assert (status, data["code"]) == (403, 50001)
    status, data, _ = await call(discord, "POST", f"/channels/{CHANNEL_ID + 99}/messages", {"content": "hello"})
    assert (status, data["code"]) == (404, 10003)
    assert len(discord.channel_messages()) == 1


async def test_a_sixth_post_within_five_seconds_is_rate_limited_with_headers(discord) -> None:
    for i in range(5):
        status, _, headers = await call(discord, "POST", POSTS, {"content": f"post {i}"})
        assert status == 200 and headers["X-RateLimit-Remaining"] == str(4 - i)
    status, data, headers = await call(discord, "POST", POSTS, {"content": "one too many"})
    assert status == 429 and data["retry_after"] > 0 and data["global"] is False
    assert int(headers["Retry-After"]) >= 1
    assert headers["X-RateLimit-Remaining"] == "0" and float(headers["X-RateLimit-Reset-After"]) > 0
    assert {"X-RateLimit-Limit", "X-RateLimit-Reset", "X-RateLimit-Bucket", "X-RateLimit-Scope"} <= set(headers)
    discord.clock.advance(5)
    assert (await call(discord, "POST", POSTS, {"content": "later"}))[0] == 200


async def test_a_queued_429_carries_the_same_headers(discord) -> None:
    discord.fail("POST", POSTS, 429, retry_after=1.5)
    status, data, headers = await call(discord, "POST", POSTS, {"content": "hello"})
    assert status == 429 and data["retry_after"] == 1.5 and headers["Retry-After"] == "2"
    assert headers["X-RateLimit-Remaining"] == "0" and "X-RateLimit-Reset-After" in headers


async def test_a_nonce_is_honoured_only_within_a_few_minutes(discord) -> None:
    body = {"content": "digest", "nonce": "abc-1", "enforce_nonce": True}
    first = (await call(discord, "POST", POSTS, body))[1]
    discord.clock.advance(60)
    assert (await call(discord, "POST", POSTS, body))[1]["id"] == first["id"]
    discord.clock.advance(10 * 60)
    assert (await call(discord, "POST", POSTS, body))[1]["id"] != first["id"]
    assert len(discord.channel_messages()) == 2


async def test_history_without_read_message_history_is_empty(discord) -> None:
    await call(discord, "POST", POSTS, {"content": "hello"})
    assert len((await call(discord, "GET", POSTS + "?limit=20"))[1]) == 1
    await discord.set_bot_permissions(CHANNEL_ID, deny=1 << 16)
    assert (await call(discord, "GET", POSTS + "?limit=20"))[1] == []


async def test_hidden_commands_and_disabled_buttons_cannot_be_sent(discord) -> None:
    discord.commands["feeds"] = {
        "id": "2",
        "name": "feeds",
        "type": 1,
        "options": [],
        "default_member_permissions": "32",
    }
    with pytest.raises(Refused, match="hidden"):
        discord.slash("feeds", member_permissions=str(MEMBER_DEFAULT))
    discord.slash("feeds")  # an administrator sees it
    message = {
        "id": "1",
        "channel_id": str(CHANNEL_ID),
        "components": [{"type": 1, "components": [{"type": 2, "label": "Next", "custom_id": "n", "disabled": True}]}],
    }
    with pytest.raises(Refused, match="disabled"):
        discord.click(message, "Next")


# ------------------------------------------------------------------------------ sharding


async def identify(emu: DiscordEmulator, http: aiohttp.ClientSession, shard: Any) -> aiohttp.ClientWebSocketResponse:
    ws = await http.ws_connect(emu.gateway_url)
    hello = await ws.receive_json()
    assert hello["op"] == 10
    d: dict[str, Any] = {"token": "t", "intents": 1, "properties": {}}
    if shard is not None:
        d["shard"] = shard
    await ws.send_json({"op": 2, "d": d})
    return ws


async def events(ws: aiohttp.ClientWebSocketResponse, n: int) -> list[dict[str, Any]]:
    return [await ws.receive_json(timeout=5) for _ in range(n)]


@pytest.mark.parametrize("shard", [[2, 2], [-1, 2], [0, 0], [0], "0/2", [True, 2]])
async def test_a_shard_outside_its_count_is_closed_with_4010(discord, shard) -> None:
    async with aiohttp.ClientSession() as http:
        ws = await identify(discord, http, shard)
        msg = await ws.receive(timeout=5)
        assert msg.type is aiohttp.WSMsgType.CLOSE and msg.data == 4010
    assert discord.shards_connected() == []


async def test_a_shard_holding_too_many_guilds_is_closed_with_4011(discord, monkeypatch) -> None:
    import tests.discord_emulator as emulator_module

    monkeypatch.setattr(emulator_module, "GUILDS_PER_SHARD_MAX", 1)
    discord.add_guild(GUILD_ID + (1 << 23), CHANNEL_ID + 10)  # the same shard of 1 as GUILD_ID
    async with aiohttp.ClientSession() as http:
        ws = await identify(discord, http, None)
        msg = await ws.receive(timeout=5)
        assert msg.type is aiohttp.WSMsgType.CLOSE and msg.data == 4011


async def test_each_shard_gets_only_its_guilds_and_their_events(discord) -> None:
    other = ((GUILD_ID >> 22) + 1) << 22  # the next shard of 2
    assert (GUILD_ID >> 22) % 2 != (other >> 22) % 2
    discord.add_guild(other, CHANNEL_ID + 10, "elsewhere")
    mine = (GUILD_ID >> 22) % 2
    status, gateway, _ = await call(discord, "GET", "/gateway/bot")
    assert status == 200 and gateway["shards"] == 1 and gateway["url"] == discord.gateway_url
    async with aiohttp.ClientSession() as http:
        first = await identify(discord, http, [mine, 2])
        ready, created = await events(first, 2)
        second = await identify(discord, http, [1 - mine, 2])
        ready2, created2 = await events(second, 2)
        assert ready["t"] == "READY" and ready["d"]["shard"] == [mine, 2]
        assert [g["id"] for g in ready["d"]["guilds"]] == [str(GUILD_ID)]
        assert created["d"]["id"] == str(GUILD_ID) and [c["id"] for c in created["d"]["channels"]] == [
            str(CHANNEL_ID),
            str(CHANNEL_ID + 1),
        ]
        assert [g["id"] for g in ready2["d"]["guilds"]] == [str(other)]
        assert [c["id"] for c in created2["d"]["channels"]] == [str(CHANNEL_ID + 10)]
        await discord.wait_for_shards((0, 2), (1, 2))
        # an interaction in a guild reaches that guild's shard alone
        payload = command(discord)
        payload.update(guild_id=str(other), channel_id=str(CHANNEL_ID + 10))
        await discord.dispatch("INTERACTION_CREATE", payload)
        (got,) = await events(second, 1)
        assert got["t"] == "INTERACTION_CREATE" and got["d"]["id"] == payload["id"]
        with pytest.raises(TimeoutError):
            await first.receive_json(timeout=0.3)
