"""A small Discord of our own: the REST API and the gateway websocket on 127.0.0.1.

The real discord.py client logs in against it, syncs its commands, receives interactions and
answers them; the tests read what it sent. It refuses what Discord refuses, with Discord's own
error bodies:

- messages over Discord's documented limits (content, embeds and their parts, action rows), with
  `400 {"code": 50035, "errors": {...}, "message": "Invalid Form Body"}` naming each bad field;
- an initial interaction response later than 3 seconds (`404 10062`), a second one (`400 40060`),
  follow-ups and edits with a token older than 15 minutes (`401 50027`) or never acknowledged;
- channel posts the bot may not make: unknown channel `404 10003`, no View Channel `403 50001`, no
  Send Messages (or Attach Files for a file) `403 50013`; embeds without Embed Links are dropped;
  history without Read Message History is empty;
- more than 5 posts per 5 seconds to a channel (`429` with `Retry-After` and `X-RateLimit-*`);
- `enforce_nonce` deduplicates only within a window of a few minutes;
- a simulated member cannot send a command hidden by its `default_member_permissions`, an option
  the client would not let through, or press a disabled button (`Refused` is raised in the test);
- the application as `GET /oauth2/applications/@me` describes it: its owner, or its team (members with
  their roles) for a team's application (`owner_id`, `team`);
- a gateway that is down (`gateway_outage()`, `gateway_down`): open connections are closed, new ones
  answered 503 until it is back; `advertised_gateway` is the address `GET /gateway/bot` names;
- sharding as Discord does it: `GET /gateway/bot` recommends a shard count, each gateway connection
  IDENTIFYs with `shard: [id, count]` and gets only the guilds `(guild_id >> 22) % count == id`
  (READY, GUILD_CREATE and every event of the guild, interactions too); a shard outside
  `0 <= id < count` is closed with `4010 Invalid shard`, and a shard that would hold more than
  2,500 guilds with `4011 Sharding required`.

Time is the emulator's clock: real time plus whatever the test advanced it by (`clock.advance`),
so deadlines and windows are tested without sleeping. Faults (any status, 429 with retry_after)
can still be queued for any route. Only what the bot uses is emulated, in the shapes discord.py
2.7 parses.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

API = "/api/v10"
APP_ID = 100000000000000001
GUILD_ID = 200000000000000002
CHANNEL_ID = 300000000000000003
SECOND_CHANNEL_ID = CHANNEL_ID + 1
USER_ID = 400000000000000004
OTHER_USER_ID = 400000000000000005
BOT_ROLE_ID = 200000000000000009
TEAM_ID = 600000000000000006

# permission bits (https://discord.com/developers/docs/topics/permissions)
ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
USE_APPLICATION_COMMANDS = 1 << 31
ALL_PERMISSIONS = str((1 << 47) - 1)
# what a fresh server gives @everyone, and what the bot's invite asks for
MEMBER_DEFAULT = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES | READ_MESSAGE_HISTORY | (1 << 6)
MEMBER_DEFAULT |= USE_APPLICATION_COMMANDS
BOT_DEFAULT = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES | READ_MESSAGE_HISTORY
# bits that mean nothing without Send Messages / View Channel (Discord drops them, as does discord.py)
_NEEDS_SEND = (1 << 12) | (1 << 17) | EMBED_LINKS | ATTACH_FILES
_CHANNEL_BITS = (1 << 47) - 1 & ~(ADMINISTRATOR | MANAGE_GUILD | (1 << 1) | (1 << 2) | (1 << 7) | (1 << 27))

# Discord's limits (https://discord.com/developers/docs/resources/message, .../channel#embed-limits)
CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TOTAL_MAX = 6000
EMBED_LIMITS = {"title": 256, "description": 4096}
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
AUTHOR_MAX = 256
ACTION_ROWS_MAX = 5
ROW_ITEMS_MAX = 5
CUSTOM_ID_MAX = 100
LABEL_MAX = 80
CHOICES_MAX = 25
CHOICE_MAX = 100
STRING_OPTION_MAX = 6000
NONCE_MAX = 25

RESPONSE_DEADLINE = 3.0  # seconds for the initial response
TOKEN_LIFETIME = 15 * 60.0  # seconds an interaction token may be used for follow-ups and edits
NONCE_WINDOW = 5 * 60.0  # seconds within which enforce_nonce finds an earlier message
CHANNEL_POSTS = (5, 5.0)  # posts per channel, per seconds
GUILDS_PER_SHARD_MAX = 2500  # beyond this Discord requires more shards (close code 4011)

BOT_USER = {
    "id": str(APP_ID),
    "username": "briefings",
    "discriminator": "0",
    "global_name": None,
    "avatar": None,
    "bot": True,
    "flags": 0,
}


class Refused(Exception):
    """What a member's Discord client would not let them send (a hidden command, a disabled button)."""


def user(user_id: int, name: str = "reader") -> dict[str, Any]:
    return {"id": str(user_id), "username": name, "discriminator": "0", "global_name": name, "avatar": None}


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON with exactly `application/json` (a charset suffix makes discord.py read it as text)."""
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json", **(headers or {})}
    )


def error(status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"message": message, "code": code}
    if errors:
        body["errors"] = errors
    return json_response(body, status)


class Clock:
    """Real time, moved forward by the tests when a deadline or a window should pass."""

    def __init__(self) -> None:
        self.offset = 0.0

    def monotonic(self) -> float:
        return time.monotonic() + self.offset

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=self.offset)

    def advance(self, seconds: float) -> None:
        self.offset += seconds


# ---------------------------------------------------------------------------------- validation


class FormErrors:
    """Discord's `errors` tree: {"embeds": {"0": {"title": {"_errors": [...]}}}}."""

    def __init__(self) -> None:
        self.tree: dict[str, Any] = {}

    def add(self, path: tuple[str | int, ...], code: str, message: str) -> None:
        node = self.tree
        for key in path:
            node = node.setdefault(str(key), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def too_long(self, path: tuple[str | int, ...], value: Any, limit: int) -> None:
        if value is not None and len(value) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def required(self, path: tuple[str | int, ...], value: Any) -> None:
        if value is None or value == "":
            self.add(path, "BASE_TYPE_REQUIRED", "This field is required")

    def response(self) -> web.Response | None:
        return error(400, 50035, "Invalid Form Body", self.tree) if self.tree else None


def embed_length(e: dict[str, Any]) -> int:
    return (
        len(e.get("title") or "")
        + len(e.get("description") or "")
        + sum(len(f.get("name") or "") + len(f.get("value") or "") for f in e.get("fields") or [])
        + len((e.get("footer") or {}).get("text") or "")
        + len((e.get("author") or {}).get("name") or "")
    )


def check_message(body: dict[str, Any], errors: FormErrors, at: tuple[str | int, ...] = ()) -> None:
    """A message body against Discord's documented limits."""
    errors.too_long((*at, "content"), body.get("content"), CONTENT_MAX)
    embeds = body.get("embeds") or []
    errors.too_long((*at, "embeds"), embeds, EMBEDS_MAX)
    for i, e in enumerate(embeds):
        for key, limit in EMBED_LIMITS.items():
            errors.too_long((*at, "embeds", i, key), e.get(key), limit)
        fields = e.get("fields") or []
        errors.too_long((*at, "embeds", i, "fields"), fields, FIELDS_MAX)
        for j, f in enumerate(fields):
            errors.required((*at, "embeds", i, "fields", j, "name"), f.get("name"))
            errors.required((*at, "embeds", i, "fields", j, "value"), f.get("value"))
            errors.too_long((*at, "embeds", i, "fields", j, "name"), f.get("name"), FIELD_NAME_MAX)
            errors.too_long((*at, "embeds", i, "fields", j, "value"), f.get("value"), FIELD_VALUE_MAX)
        if "footer" in e:
            errors.too_long((*at, "embeds", i, "footer", "text"), e["footer"].get("text"), FOOTER_MAX)
        if "author" in e:
            errors.too_long((*at, "embeds", i, "author", "name"), e["author"].get("name"), AUTHOR_MAX)
    if sum(embed_length(e) for e in embeds) > EMBED_TOTAL_MAX:
        errors.add((*at, "embeds"), "MAX_EMBED_SIZE_EXCEEDED", f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX}")
    rows = body.get("components") or []
    errors.too_long((*at, "components"), rows, ACTION_ROWS_MAX)
    seen: set[str] = set()
    for i, row in enumerate(rows):
        items = row.get("components") or []
        errors.too_long((*at, "components", i, "components"), items, ROW_ITEMS_MAX)
        for j, c in enumerate(items):
            where = (*at, "components", i, "components", j)
            errors.too_long((*where, "label"), c.get("label"), LABEL_MAX)
            if "custom_id" in c:
                errors.too_long((*where, "custom_id"), c["custom_id"], CUSTOM_ID_MAX)
                if c["custom_id"] in seen:
                    errors.add(
                        (*where, "custom_id"),
                        "COMPONENT_CUSTOM_ID_DUPLICATED",
                        "Component custom id cannot be duplicated",
                    )
                seen.add(c["custom_id"])
    nonce = body.get("nonce")
    if isinstance(nonce, str):
        errors.too_long((*at, "nonce"), nonce, NONCE_MAX)


def is_empty(body: dict[str, Any], files: list[str]) -> bool:
    return not (body.get("content") or body.get("embeds") or files or body.get("sticker_ids") or body.get("poll"))


# ---------------------------------------------------------------------------------- state


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    files: list[str] = field(default_factory=list)
    status: int = 0  # what the emulator answered
    at: float = 0.0  # time.perf_counter() when the request arrived
    response: Any = None  # the JSON the emulator answered with
    fault: bool = False  # answered by a queued fault, not by the emulated Discord


@dataclass
class Fault:
    method: str
    path: re.Pattern[str]
    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    times: int
    after: int  # matching requests let through before the fault starts


@dataclass
class Stall:
    """Requests Discord handles at once but whose answer is lost on the way (a crash in flight)."""

    method: str
    path: re.Pattern[str]
    times: int
    released: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class Interaction:
    id: str
    token: str
    kind: int  # 2 command, 3 component, 4 autocomplete
    user_id: int
    channel_id: int
    created: float = 0.0  # the emulator's monotonic clock when it was dispatched
    response: int | None = None  # the accepted initial response's type
    message_id: int | None = None  # the message @original names
    loading: bool = False  # deferred with "thinking…": the first follow-up replaces that message


@dataclass
class Session:
    """One gateway connection: a shard of the bot, once it has IDENTIFYed."""

    ws: web.WebSocketResponse
    shard: tuple[int, int] | None = None  # (id, count); an unsharded IDENTIFY is (0, 1)
    identify: dict[str, Any] | None = None
    seq: int = 0

    def holds(self, guild_id: int) -> bool:
        return self.shard is not None and shard_of(guild_id, self.shard[1]) == self.shard[0]


def shard_of(guild_id: int, count: int) -> int:
    """Discord's routing of a guild to a shard."""
    return (guild_id >> 22) % count


@dataclass
class Bucket:
    limit: int
    per: float
    used: int = 0
    resets: float = 0.0


class DiscordEmulator:
    def __init__(self) -> None:
        self.app = web.Application()
        self.app.router.add_get("/gateway", self._gateway)
        self.app.router.add_route("*", API + "/{tail:.*}", self._rest)
        self.runner: web.AppRunner | None = None
        self.port = 0
        self.clock = Clock()
        self.requests: list[Recorded] = []
        self.faults: list[Fault] = []
        self.stalls: list[Stall] = []
        self.commands: dict[str, dict[str, Any]] = {}
        self.messages: dict[int, dict[str, Any]] = {}  # every message the bot made, by id
        self.originals: dict[str, int] = {}  # interaction token -> id of the message @original names
        self.interactions: dict[str, Interaction] = {}  # by token
        self.everyone_permissions = MEMBER_DEFAULT
        self.bot_role_permissions = BOT_DEFAULT
        self.channels: dict[int, dict[str, Any]] = {
            CHANNEL_ID: self._channel_data(CHANNEL_ID, "news"),
            SECOND_CHANNEL_ID: self._channel_data(SECOND_CHANNEL_ID, "briefings"),
        }
        self.guild_ids: list[int] = [GUILD_ID]
        self.recommended_shards = 1  # what GET /gateway/bot recommends
        self.advertised_gateway: str | None = None  # what GET /gateway/bot names (default: this gateway)
        self.gateway_down = False  # the gateway refuses every connection (503) while this is set
        self.gateway_attempts: list[float] = []  # when each connection to the gateway was tried (monotonic)
        self.owner_id = USER_ID  # the application's owner (of the team, when `team` is set)
        self.team: dict[int, str] | None = None  # a team's members and their roles: admin, developer, read_only
        self.sessions: list[Session] = []  # every gateway connection, in the order they came
        self.identify: dict[str, Any] | None = None  # the latest IDENTIFY
        self.heartbeats = 0
        self.ready = asyncio.Event()
        self._ids = itertools.count(500000000000000000)
        self._ws: web.WebSocketResponse | None = None
        self._changed = asyncio.Condition()
        self._posted_at: dict[int, float] = {}  # message id -> clock when posted (for the nonce window)
        self._viewer: dict[int, int] = {}  # ephemeral message id -> the only user who sees it
        self._buckets: dict[int, Bucket] = {}  # channel id -> its posts bucket

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        self.runner = web.AppRunner(self.app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        for stall in self.stalls:
            stall.released.set()
        for session in self.sessions:
            if not session.ws.closed:
                await session.ws.close()
        if self.runner is not None:
            await self.runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # ------------------------------------------------------------------ faults and waiting

    def fail(
        self,
        method: str,
        path: str,
        status: int,
        *,
        times: int = 1,
        after: int = 0,
        retry_after: float | None = None,
        message: str = "error",
        code: int | None = None,
    ) -> None:
        """Answer `times` requests matching `path` (a regex on the path after /api/v10) with an error,
        once `after` matching requests have gone through."""
        body: dict[str, Any] = {
            "message": message,
            "code": code if code is not None else {403: 50013, 404: 10008}.get(status, 0),
        }
        headers: dict[str, str] = {}
        if retry_after is not None:
            body.update(retry_after=retry_after, **{"global": False})
            headers = self._limit_headers(limit=5, remaining=0, reset_after=retry_after, bucket="fault")
            headers.update({"Retry-After": str(math.ceil(retry_after)), "X-RateLimit-Scope": "user"})
        self.faults.append(Fault(method, re.compile(path), status, body, headers, times, after))

    def _limit_headers(self, *, limit: int, remaining: int, reset_after: float, bucket: str) -> dict[str, str]:
        # Discord's 429s pass its proxy; without Via, discord.py reads a 429 as a Cloudflare ban
        return {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": bucket,
            "Via": "1.1 google",
        }

    def stall(self, method: str, path: str, *, times: int = 1) -> asyncio.Event:
        """Handle `times` requests matching `path` as Discord would, but hold their answers until the
        returned event is set: the bot's request is accepted, and the bot does not know it."""
        held = Stall(method, re.compile(path), times)
        self.stalls.append(held)
        return held.released

    async def wait_for(
        self, predicate: Callable[[Recorded], bool], *, within: float = 10.0, start: int = 0
    ) -> Recorded:
        """The first request from index `start` on that matches."""

        async def find() -> Recorded:
            async with self._changed:
                while True:
                    for r in self.requests[start:]:
                        if predicate(r):
                            return r
                    await self._changed.wait()

        return await asyncio.wait_for(find(), within)

    def refused(self, start: int = 0) -> list[Recorded]:
        """Requests the emulated Discord refused (not the queued faults), from index `start` on."""
        return [r for r in self.requests[start:] if r.status >= 400 and not r.fault]

    # ------------------------------------------------------------------ gateway

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        self.gateway_attempts.append(time.monotonic())
        if self.gateway_down:  # what the gateway's front answers while Discord's gateway is down
            return web.Response(status=503, text="upstream connect error or disconnect/reset before headers")
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._ws = ws
        session = Session(ws)
        self.sessions.append(session)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None}))
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            payload = json.loads(msg.data)
            op = payload.get("op")
            if op == 1:
                self.heartbeats += 1
                await ws.send_str(json.dumps({"op": 11, "d": None, "s": None, "t": None}))
            elif op == 2:
                shard = payload["d"].get("shard", [0, 1])
                if not self._valid_shard(shard):
                    await ws.close(code=4010, message=b"Invalid shard.")
                    break
                guilds = [g for g in self.guild_ids if shard_of(g, shard[1]) == shard[0]]
                if len(guilds) > GUILDS_PER_SHARD_MAX:
                    await ws.close(code=4011, message=b"Sharding required.")
                    break
                session.shard, session.identify = (shard[0], shard[1]), payload["d"]
                self.identify = payload["d"]
                await self._send(
                    session,
                    "READY",
                    {
                        "v": 10,
                        "user": BOT_USER,
                        "guilds": [{"id": str(g), "unavailable": True} for g in guilds],
                        "session_id": f"emulated-session-{len(self.sessions)}",
                        "resume_gateway_url": self.gateway_url,
                        "application": {"id": str(APP_ID), "flags": 0},
                        "shard": [shard[0], shard[1]],
                    },
                )
                for g in guilds:
                    await self._send(session, "GUILD_CREATE", self.guild(g))
                self.ready.set()
                async with self._changed:
                    self._changed.notify_all()
            elif op == 6:
                await self._send(session, "RESUMED", {})
        return ws

    async def gateway_outage(self) -> None:
        """The gateway goes down: every connection is closed (1001 going away) and new ones are
        refused until `gateway_down` is cleared."""
        self.gateway_down = True
        for session in self.sessions:
            if not session.ws.closed:
                await session.ws.close(code=1001, message=b"Discord is going away")

    @staticmethod
    def _valid_shard(shard: Any) -> bool:
        return (
            isinstance(shard, list)
            and len(shard) == 2
            and all(isinstance(n, int) and not isinstance(n, bool) for n in shard)
            and 0 <= shard[0] < shard[1]
        )

    def shards_connected(self) -> list[tuple[int, int]]:
        """The shards with an open, identified gateway connection."""
        return [s.shard for s in self.sessions if s.shard is not None and not s.ws.closed]

    async def wait_for_shards(self, *shards: tuple[int, int], within: float = 30.0) -> None:
        """Until each of these (id, count) shards has an open, identified connection."""

        async def all_there() -> None:
            async with self._changed:
                while not set(shards) <= set(self.shards_connected()):
                    await self._changed.wait()

        await asyncio.wait_for(all_there(), within)

    def session_for(self, guild_id: int) -> Session:
        """The open connection of the shard that holds this guild, as Discord routes its events."""
        found = [s for s in self.sessions if s.holds(guild_id) and not s.ws.closed]
        assert found, f"no shard's gateway connection holds guild {guild_id}"
        return found[-1]

    async def dispatch(self, event: str, data: dict[str, Any], *, late_by: float = 0.0) -> None:
        """Send a gateway event to the shard of its guild; an interaction may arrive `late_by`
        seconds after Discord created it."""
        if event == "INTERACTION_CREATE":
            self.register(data, age=late_by)
        if "guild_id" in data:
            session = self.session_for(int(data["guild_id"]))
        else:  # no guild (a DM): Discord sends it on shard 0
            found = [s for s in self.sessions if s.shard is not None and s.shard[0] == 0 and not s.ws.closed]
            assert found, "no gateway connection"
            session = found[-1]
        await self._send(session, event, data)

    async def _send(self, session: Session, event: str, data: dict[str, Any]) -> None:
        session.seq += 1
        await session.ws.send_str(json.dumps({"op": 0, "t": event, "s": session.seq, "d": data}))

    def add_guild(self, guild_id: int, channel_id: int, name: str = "news") -> None:
        """Another guild, with one text channel; told to the bot only on its next IDENTIFY."""
        self.guild_ids.append(guild_id)
        self.channels[channel_id] = self._channel_data(channel_id, name, guild_id)

    def guild(self, guild_id: int = GUILD_ID) -> dict[str, Any]:
        return {
            "id": str(guild_id),
            "name": "Newsroom",
            "icon": None,
            "owner_id": str(USER_ID),
            "features": [],
            "emojis": [],
            "stickers": [],
            "roles": [self._role(guild_id, "@everyone", self.everyone_permissions), self._bot_role()],
            "channels": [c for c in self.channels.values() if int(c["guild_id"]) == guild_id],
            "threads": [],
            "members": [self._bot_member()],  # Discord always sends the bot's own member
            "member_count": 3,
            "large": False,
            "unavailable": False,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "system_channel_flags": 0,
            "joined_at": "2024-10-01T00:00:00+00:00",
        }

    @staticmethod
    def _role(role_id: int, name: str, permissions: int, **extra: Any) -> dict[str, Any]:
        return {
            "id": str(role_id),
            "name": name,
            "permissions": str(permissions),
            "position": 0 if role_id != BOT_ROLE_ID else 1,
            "color": 0,
            "hoist": False,
            "managed": role_id == BOT_ROLE_ID,
            "mentionable": False,
            "flags": 0,
            **extra,
        }

    def _bot_role(self) -> dict[str, Any]:
        return self._role(BOT_ROLE_ID, "briefings", self.bot_role_permissions, tags={"bot_id": str(APP_ID)})

    @staticmethod
    def _bot_member() -> dict[str, Any]:
        return {
            "user": BOT_USER,
            "roles": [str(BOT_ROLE_ID)],
            "joined_at": "2024-10-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "nick": None,
            "avatar": None,
        }

    @staticmethod
    def _channel_data(channel_id: int, name: str, guild_id: int = GUILD_ID) -> dict[str, Any]:
        return {
            "id": str(channel_id),
            "type": 0,
            "guild_id": str(guild_id),
            "name": name,
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
        }

    def channel(self, channel_id: int = CHANNEL_ID) -> dict[str, Any]:
        return self.channels.get(channel_id) or self._channel_data(channel_id, "unknown")

    # ------------------------------------------------------------------ permissions

    def bot_permissions(self, channel_id: int) -> int:
        """The bot's permissions in a channel, computed as Discord computes them."""
        base = self.everyone_permissions | self.bot_role_permissions
        if base & ADMINISTRATOR:
            return (1 << 47) - 1
        chan = self.channels.get(channel_id)
        if chan is None:
            return 0
        overwrites = {(o["type"], int(o["id"])): o for o in chan["permission_overwrites"]}
        for key in ((0, int(chan["guild_id"])), (0, BOT_ROLE_ID), (1, APP_ID)):
            if key in overwrites:
                base &= ~int(overwrites[key]["deny"])
                base |= int(overwrites[key]["allow"])
        if not base & SEND_MESSAGES:
            base &= ~_NEEDS_SEND
        if not base & VIEW_CHANNEL:
            base &= ~_CHANNEL_BITS
        return base

    async def set_bot_permissions(self, channel_id: int, *, allow: int = 0, deny: int = 0) -> None:
        """An overwrite for the bot in one channel (as a server admin would set), told to the bot."""
        chan = self.channels[channel_id]
        chan["permission_overwrites"] = [
            o for o in chan["permission_overwrites"] if not (o["type"] == 1 and int(o["id"]) == APP_ID)
        ]
        if allow or deny:
            chan["permission_overwrites"].append({"id": str(APP_ID), "type": 1, "allow": str(allow), "deny": str(deny)})
        if self.sessions:
            await self.dispatch("CHANNEL_UPDATE", chan)

    async def delete_channel(self, channel_id: int) -> None:
        chan = self.channels.pop(channel_id)
        if self.sessions:
            await self.dispatch("CHANNEL_DELETE", chan)

    # ------------------------------------------------------------------ interactions

    def _interaction(
        self,
        itype: int,
        data: dict[str, Any],
        *,
        user_id: int,
        member_permissions: str,
        app_permissions: str | None,
        channel_id: int = CHANNEL_ID,
    ) -> dict[str, Any]:
        iid = next(self._ids)
        member_permissions = self._as_discord_reports(member_permissions)
        guild_id = int(self.channel(channel_id)["guild_id"])
        return {
            "id": str(iid),
            "application_id": str(APP_ID),
            "type": itype,
            "token": f"token-{iid}",
            "version": 1,
            "guild_id": str(guild_id),
            "channel_id": str(channel_id),
            "channel": self.channel(channel_id),
            "member": {
                "user": user(user_id),
                "roles": [],
                "joined_at": "2024-10-01T00:00:00+00:00",
                "deaf": False,
                "mute": False,
                "permissions": member_permissions,
                "flags": 0,
                "nick": None,
                "avatar": None,
            },
            "app_permissions": app_permissions
            if app_permissions is not None
            else str(self.bot_permissions(channel_id)),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild_id)},
            "context": 0,
            "attachment_size_limit": 26214400,
            "data": data,
        }

    def register(self, payload: dict[str, Any], *, age: float = 0.0) -> None:
        """An interaction as Discord creates it; dispatching it does this (tests acting as the bot call it)."""
        self.interactions[payload["token"]] = Interaction(
            id=payload["id"],
            token=payload["token"],
            kind=payload["type"],
            user_id=int(payload["member"]["user"]["id"]),
            channel_id=int(payload["channel_id"]),
            created=self.clock.monotonic() - age,
            message_id=int(payload["message"]["id"]) if "message" in payload else None,
        )

    def _spec(self, name: str) -> dict[str, Any]:
        top = name.split(" ")[0]
        if top not in self.commands:
            raise Refused(f"/{top} is not a command the bot synced")
        if " " not in name:
            return self.commands[top]
        sub = name.split(" ", 1)[1]
        found = [c for c in self.commands[top].get("options", []) if c["name"] == sub and c["type"] == 1]
        if not found:
            raise Refused(f"/{name} is not a subcommand the bot synced")
        return found[0]

    @staticmethod
    def _as_discord_reports(permissions: str) -> str:
        """Discord reports an administrator as holding every permission."""
        return ALL_PERMISSIONS if int(permissions) & ADMINISTRATOR else str(int(permissions))

    def _check_visible(self, name: str, member_permissions: str) -> None:
        """Discord shows a command only to members holding its default_member_permissions."""
        needed = self.commands[name.split(" ")[0]].get("default_member_permissions")
        have = int(member_permissions)
        if needed is not None and not have & ADMINISTRATOR and have & int(needed) != int(needed):
            raise Refused(f"/{name} is hidden from a member without permissions {needed}")

    def _options(
        self, name: str, options: dict[str, Any], focused: str | None = None, *, complete: bool = True
    ) -> list[dict[str, Any]]:
        declared = {o["name"]: o for o in self._spec(name).get("options", [])}
        if complete:
            missing = [n for n, o in declared.items() if o.get("required") and n not in options]
            if missing:
                raise Refused(f"/{name} needs {', '.join(missing)}")
        out = []
        for key, value in options.items():
            if key not in declared:
                raise Refused(f"/{name} has no option {key}")
            spec = declared[key]
            if key != focused:
                self._check_value(name, spec, value)
            option = {"name": key, "type": spec["type"], "value": value}
            if key == focused:
                option["focused"] = True
            out.append(option)
        return out

    def _check_value(self, name: str, spec: dict[str, Any], value: Any) -> None:
        """What Discord's client refuses to send for an option."""
        kind = spec["type"]
        if kind == 3:
            if not isinstance(value, str):
                raise Refused(f"/{name} {spec['name']} takes text")
            if not spec.get("min_length", 0) <= len(value) <= spec.get("max_length", STRING_OPTION_MAX):
                raise Refused(f"/{name} {spec['name']}: {len(value)} characters is outside what Discord sends")
        if kind == 4 and (not isinstance(value, int) or isinstance(value, bool)):
            raise Refused(f"/{name} {spec['name']} takes a whole number")
        if kind in (4, 10):
            if ("min_value" in spec and value < spec["min_value"]) or (
                "max_value" in spec and value > spec["max_value"]
            ):
                raise Refused(f"/{name} {spec['name']}: {value} is outside its range")
        if spec.get("choices") and value not in [c["value"] for c in spec["choices"]]:
            raise Refused(f"/{name} {spec['name']}: {value!r} is not one of its choices")
        if kind == 7 and int(value) not in self.channels:
            raise Refused(f"/{name} {spec['name']}: no channel {value} to pick")

    def slash(
        self,
        name: str,
        /,
        *,
        user_id: int = USER_ID,
        member_permissions: str = ALL_PERMISSIONS,
        app_permissions: str | None = None,
        channel_id: int = CHANNEL_ID,
        **options: Any,
    ) -> dict[str, Any]:
        """A slash command as a member's client sends it; `name` may be "group subcommand"."""
        top = name.split(" ")[0]
        self._spec(name)
        self._check_visible(name, member_permissions)
        opts = self._options(name, options)
        guild = self.channel(channel_id)["guild_id"]
        data: dict[str, Any] = {"id": self.commands[top]["id"], "name": top, "type": 1, "guild_id": guild}
        if " " in name:
            data["options"] = [{"name": name.split(" ", 1)[1], "type": 1, "options": opts}]
        else:
            data["options"] = opts
        channels = [o for o in opts if o["type"] == 7]
        if channels:
            data["resolved"] = {
                "channels": {
                    o["value"]: {**self.channel(int(o["value"])), "permissions": member_permissions} for o in channels
                }
            }
        return self._interaction(
            2,
            data,
            user_id=user_id,
            member_permissions=member_permissions,
            app_permissions=app_permissions,
            channel_id=channel_id,
        )

    def autocomplete(self, name: str, focused: str, /, **options: Any) -> dict[str, Any]:
        top = name.split(" ")[0]
        self._check_visible(name, ALL_PERMISSIONS)
        opts = self._options(name, options, focused, complete=False)
        data: dict[str, Any] = {"id": self.commands[top]["id"], "name": top, "type": 1, "guild_id": str(GUILD_ID)}
        data["options"] = [{"name": name.split(" ", 1)[1], "type": 1, "options": opts}] if " " in name else opts
        return self._interaction(4, data, user_id=USER_ID, member_permissions=ALL_PERMISSIONS, app_permissions=None)

    def click(self, message: dict[str, Any], label: str, *, user_id: int = USER_ID) -> dict[str, Any]:
        """A press of the button with this label, as the member's client sends it."""
        viewer = self._viewer.get(int(message["id"]))
        if viewer is not None and viewer != user_id:
            raise Refused("an ephemeral message is seen only by the member it answered")
        found = [c for row in message.get("components") or [] for c in row["components"] if c.get("label") == label]
        if not found:
            raise Refused(f"no button {label!r} on the message")
        button = found[0]
        if button.get("disabled"):
            raise Refused(f"the {label!r} button is disabled")
        data = {"custom_id": button["custom_id"], "component_type": 2}
        payload = self._interaction(
            3,
            data,
            user_id=user_id,
            member_permissions=ALL_PERMISSIONS,
            app_permissions=None,
            channel_id=int(message["channel_id"]),
        )
        payload["message"] = message
        self.originals[payload["token"]] = int(message["id"])  # @original of a press is its message
        return payload

    async def interact(self, payload: dict[str, Any], *, within: float = 10.0) -> Recorded:
        """Send an interaction and return the bot's accepted initial response to it."""
        start = len(self.requests)
        await self.dispatch("INTERACTION_CREATE", payload)
        path = f"/interactions/{payload['id']}/{payload['token']}/callback"
        return await self.wait_for(lambda r: r.path == path and r.status < 400, within=within, start=start)

    async def answer(self, payload: dict[str, Any], *, within: float = 10.0) -> dict[str, Any]:
        """Send an interaction and return the message the user finally sees (after any defer)."""
        start = len(self.requests)
        callback = await self.interact(payload, within=within)
        if callback.body.get("type") in (5, 6):
            token = payload["token"]
            await self.wait_for(
                lambda r: f"/webhooks/{APP_ID}/{token}" in r.path and r.method in {"POST", "PATCH"} and r.status < 400,
                within=within,
                start=start,
            )
            followups = [
                r
                for r in self.requests[start:]
                if r.method == "POST" and r.path == f"/webhooks/{APP_ID}/{token}" and r.status < 400
            ]
            if followups:
                return self.messages[int(followups[-1].response["id"])]
            return self.messages[self.originals[token]]
        return self.messages[self.originals[payload["token"]]]

    def channel_messages(self, channel_id: int = CHANNEL_ID) -> list[dict[str, Any]]:
        """Messages posted to a channel (not interaction answers), oldest first."""
        return [m for m in self.messages.values() if int(m["channel_id"]) == channel_id and m.get("posted")]

    # ------------------------------------------------------------------ REST

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        arrived = time.perf_counter()
        path = "/" + request.match_info["tail"]
        body: Any = None
        files: list[str] = []
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            for key, value in form.items():
                if key == "payload_json":
                    body = json.loads(str(value))
                elif hasattr(value, "filename"):
                    files.append(value.filename)  # type: ignore[union-attr]
        elif request.can_read_body:
            raw = await request.read()
            body = json.loads(raw) if raw else None
        record = Recorded(
            request.method, path, dict(request.query), body if body is not None else {}, files, at=arrived
        )
        fault = None
        for f in self.faults:
            if f.method == request.method and f.path.search(path) and f.times > 0:
                if f.after > 0:
                    f.after -= 1
                    continue
                fault = f
                break
        if fault is not None:
            fault.times -= 1
            response = json_response(fault.body, fault.status, fault.headers)
            record.fault = True
        else:
            response = self._route(record)
        record.status = response.status
        if isinstance(response, web.Response) and response.body:
            record.response = json.loads(response.body)  # type: ignore[arg-type]
        async with self._changed:
            self.requests.append(record)
            self._changed.notify_all()
        for stall in self.stalls:
            if stall.method == request.method and stall.path.search(path) and stall.times > 0:
                stall.times -= 1
                await stall.released.wait()
                break
        return response

    def _route(self, r: Recorded) -> web.StreamResponse:
        p, m = r.path, r.method
        if m == "GET" and p == "/users/@me":
            return json_response(BOT_USER)
        if m == "GET" and p == "/gateway/bot":
            return json_response(
                {
                    "url": self.advertised_gateway or self.gateway_url,
                    "shards": self.recommended_shards,
                    "session_start_limit": {
                        "total": 1000,
                        "remaining": 1000 - len(self.sessions),
                        "reset_after": 86_400_000,
                        "max_concurrency": 1,
                    },
                }
            )
        if m == "GET" and p == "/oauth2/applications/@me":
            return json_response(self.application())
        if m == "PUT" and re.fullmatch(rf"/applications/{APP_ID}(?:/guilds/\d+)?/commands", p):
            synced = []
            for cmd in r.body:
                cmd = {**cmd, "id": str(next(self._ids)), "application_id": str(APP_ID), "version": "1"}
                self.commands[cmd["name"]] = cmd
                synced.append(cmd)
            return json_response(synced)
        if m == "POST" and (mm := re.fullmatch(r"/interactions/(\d+)/([\w-]+)/callback", p)):
            return self._callback(r, mm.group(1), mm.group(2))
        if mm := re.fullmatch(rf"/webhooks/{APP_ID}/([\w-]+)(?:/messages/(@original|\d+))?", p):
            return self._webhook(r, mm.group(1), mm.group(2))
        if m == "POST" and (mm := re.fullmatch(r"/channels/(\d+)/messages", p)):
            return self._post(r, int(mm.group(1)))
        if m == "GET" and (mm := re.fullmatch(r"/channels/(\d+)/messages", p)):
            return self._history(r, int(mm.group(1)))
        return json_response({"message": f"404: {m} {p} is not emulated", "code": 0}, 404)

    def application(self) -> dict[str, Any]:
        """The application as Discord describes it to its bot: its owner, a user or (for a team's
        application) a team user standing for the team, with the team's members and their roles."""
        app: dict[str, Any] = {
            "id": str(APP_ID),
            "name": "briefings",
            "description": "",
            "icon": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": user(self.owner_id, "owner"),
            "verify_key": "0" * 64,
            "flags": 0,
            "team": None,
            "summary": "",
        }
        if self.team is not None:
            team_id = str(TEAM_ID)
            app["owner"] = {**user(TEAM_ID, f"team{TEAM_ID}"), "discriminator": "0000", "flags": 1024}
            app["team"] = {
                "id": team_id,
                "icon": None,
                "name": "newsroom team",
                "owner_user_id": str(self.owner_id),
                "members": [
                    {"membership_state": 2, "team_id": team_id, "user": user(uid, f"member{uid}"), "role": role}
                    for uid, role in self.team.items()
                ],
            }
        return app

    def _visible(self, channel_id: int) -> web.Response | int:
        """The bot's permissions in a channel it can see; else Discord's refusal."""
        if channel_id not in self.channels:
            return error(404, 10003, "Unknown Channel")
        perms = self.bot_permissions(channel_id)
        if not perms & VIEW_CHANNEL:
            return error(403, 50001, "Missing Access")
        return perms

    def _post(self, r: Recorded, channel_id: int) -> web.Response:
        perms = self._visible(channel_id)
        if isinstance(perms, web.Response):
            return perms
        if not perms & SEND_MESSAGES or (r.files and not perms & ATTACH_FILES):
            return error(403, 50013, "Missing Permissions")
        body = dict(r.body or {})
        errors = FormErrors()
        check_message(body, errors)
        if (refusal := errors.response()) is not None:
            return refusal
        bucket = self._buckets.setdefault(channel_id, Bucket(*CHANNEL_POSTS))
        now = self.clock.monotonic()
        if now >= bucket.resets:
            bucket.used, bucket.resets = 0, now + bucket.per
        if bucket.used >= bucket.limit:
            wait = bucket.resets - now
            headers = self._limit_headers(
                limit=bucket.limit, remaining=0, reset_after=wait, bucket=f"posts-{channel_id}"
            )
            headers.update({"Retry-After": str(math.ceil(wait)), "X-RateLimit-Scope": "user"})
            return json_response(
                {
                    "message": "You are being rate limited.",
                    "retry_after": round(wait, 3),
                    "global": False,
                    "code": 20028,
                },
                429,
                headers,
            )
        nonce = body.get("nonce")
        if nonce and body.get("enforce_nonce"):
            for old in self.channel_messages(channel_id):
                if old.get("nonce") == nonce and now - self._posted_at[int(old["id"])] <= NONCE_WINDOW:
                    return json_response(old)  # Discord returns the message it already has
        if not perms & EMBED_LINKS:
            body["embeds"] = []  # Discord drops a bot's embeds where it may not embed links
        if is_empty(body, r.files):
            return error(400, 50006, "Cannot send an empty message")
        bucket.used += 1
        msg = self._message(body, r.files, channel_id=channel_id)
        msg["posted"] = True
        self._posted_at[int(msg["id"])] = now
        headers = self._limit_headers(
            limit=bucket.limit,
            remaining=bucket.limit - bucket.used,
            reset_after=max(0.0, bucket.resets - now),
            bucket=f"posts-{channel_id}",
        )
        return json_response(msg, headers=headers)

    def _history(self, r: Recorded, channel_id: int) -> web.Response:
        perms = self._visible(channel_id)
        if isinstance(perms, web.Response):
            return perms
        limit = int(r.query.get("limit", "50"))
        if not 1 <= limit <= 100:
            errors = FormErrors()
            errors.add(("limit",), "NUMBER_TYPE_MAX", "int value should be less than or equal to 100.")
            return errors.response()  # type: ignore[return-value]
        if not perms & READ_MESSAGE_HISTORY:
            return json_response([])  # Discord returns no messages, not an error
        return json_response(list(reversed(self.channel_messages(channel_id)))[:limit])

    def _message(
        self,
        body: dict[str, Any] | None,
        files: list[str],
        *,
        channel_id: int = CHANNEL_ID,
        message_id: int | None = None,
    ) -> dict[str, Any]:
        body = body or {}
        mid = message_id or next(self._ids)
        msg = {
            "id": str(mid),
            "channel_id": str(channel_id),
            "type": 0,
            "author": BOT_USER,
            "content": body.get("content") or "",
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "attachments": self._attachments(files),
            "timestamp": self.clock.now().isoformat(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "pinned": False,
            "flags": body.get("flags") or 0,
            "allowed_mentions": body.get("allowed_mentions"),
            "nonce": body.get("nonce"),
        }
        self.messages[mid] = msg
        return msg

    def _attachments(self, files: list[str]) -> list[dict[str, Any]]:
        return [
            {
                "id": str(next(self._ids)),
                "filename": f,
                "size": 1,
                "url": f"https://cdn.invalid/{f}",
                "proxy_url": f"https://cdn.invalid/{f}",
            }
            for f in files
        ]

    def _callback(self, r: Recorded, interaction_id: str, token: str) -> web.Response:
        it = self.interactions.get(token)
        if it is None or it.id != interaction_id or self.clock.monotonic() - it.created > RESPONSE_DEADLINE:
            return error(404, 10062, "Unknown interaction")
        if it.response is not None:
            return error(400, 40060, "Interaction has already been acknowledged.")
        kind = r.body.get("type")
        allowed = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}}[it.kind]
        errors = FormErrors()
        if kind not in allowed:
            errors.add(("type",), "INTERACTION_RESPONSE_TYPE_INVALID", "Invalid interaction response type")
        data = r.body.get("data") or {}
        if kind in (4, 7):
            check_message(data, errors, ("data",))
        if kind == 4 and is_empty(data, r.files):
            return error(400, 50006, "Cannot send an empty message")
        if kind == 8:
            choices = data.get("choices") or []
            errors.too_long(("data", "choices"), choices, CHOICES_MAX)
            for i, c in enumerate(choices):
                errors.too_long(("data", "choices", i, "name"), c.get("name"), CHOICE_MAX)
                if isinstance(c.get("value"), str):
                    errors.too_long(("data", "choices", i, "value"), c["value"], CHOICE_MAX)
        if (refusal := errors.response()) is not None:
            return refusal
        it.response = kind
        result: dict[str, Any] = {"interaction": {"id": interaction_id, "type": it.kind}}
        if kind in (4, 5):
            msg = self._message(data, r.files, channel_id=it.channel_id)
            it.loading = kind == 5
            if (data.get("flags") or 0) & 64:
                self._viewer[int(msg["id"])] = it.user_id
            self.originals[token] = it.message_id = int(msg["id"])
            result["interaction"].update(
                response_message_id=msg["id"],
                response_message_loading=kind == 5,
                response_message_ephemeral=bool((data.get("flags") or 0) & 64),
            )
            result["resource"] = {"type": kind, "message": msg}
        elif kind == 7:  # a button's edit of the message it sits on
            if it.message_id not in self.messages:
                return error(404, 10008, "Unknown Message")
            msg = self.messages[it.message_id]
            msg.update({k: v for k, v in data.items() if k in {"content", "embeds", "components"}})
            result["resource"] = {"type": 7, "message": msg}
        return json_response(result)

    def _webhook(self, r: Recorded, token: str, which: str | None) -> web.StreamResponse:
        it = self.interactions.get(token)
        if it is None or it.response is None:
            return error(404, 10015, "Unknown Webhook")
        if self.clock.monotonic() - it.created > TOKEN_LIFETIME:
            return error(401, 50027, "Invalid Webhook Token")
        errors = FormErrors()
        if r.method in {"POST", "PATCH"}:
            check_message(r.body or {}, errors)
        if (refusal := errors.response()) is not None:
            return refusal
        if which is None and r.method == "POST":  # a follow-up message
            if is_empty(r.body or {}, r.files):
                return error(400, 50006, "Cannot send an empty message")
            if it.loading and it.message_id in self.messages:
                # the first follow-up after "thinking…" takes that message's place, and its visibility
                it.loading = False
                msg = self.messages[it.message_id]
                msg.update({k: v for k, v in (r.body or {}).items() if k in {"content", "embeds", "components"}})
                if r.files:
                    msg["attachments"] = self._attachments(r.files)
                return json_response(msg)
            it.loading = False
            msg = self._message(r.body, r.files, channel_id=it.channel_id)
            if ((r.body or {}).get("flags") or 0) & 64:
                self._viewer[int(msg["id"])] = it.user_id
            return json_response(msg)
        mid = it.message_id if which == "@original" else (int(which) if which else None)
        if mid is None or mid not in self.messages:
            return error(404, 10008, "Unknown Message")
        if r.method == "GET":
            return json_response(self.messages[mid])
        if r.method == "DELETE":
            del self.messages[mid]
            if mid == it.message_id:
                it.loading = False
            return web.Response(status=204)
        if r.method == "PATCH":
            msg = self.messages[mid]
            msg.update({k: v for k, v in (r.body or {}).items() if k in {"content", "embeds", "components"}})
            msg["edited_timestamp"] = self.clock.now().isoformat()
            return json_response(msg)
        return json_response({"message": "405: Method Not Allowed", "code": 0}, 405)
