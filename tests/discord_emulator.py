"""A small Discord of our own: the REST API and the gateway websocket on 127.0.0.1.

The real discord.py client logs in against it, syncs its commands, receives interactions and
answers them; the tests read what it sent. Faults (403, 404, 429 with retry_after) can be queued
for any route. Only what the bot uses is emulated, in the shapes discord.py 2.7 parses.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
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
USER_ID = 400000000000000004
OTHER_USER_ID = 400000000000000005
ALL_PERMISSIONS = str((1 << 47) - 1)
ATTACH_FILES = 1 << 15

BOT_USER = {
    "id": str(APP_ID),
    "username": "briefings",
    "discriminator": "0",
    "global_name": None,
    "avatar": None,
    "bot": True,
    "flags": 0,
}


def user(user_id: int, name: str = "reader") -> dict[str, Any]:
    return {"id": str(user_id), "username": name, "discriminator": "0", "global_name": name, "avatar": None}


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON with exactly `application/json` (a charset suffix makes discord.py read it as text)."""
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json", **(headers or {})}
    )


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    files: list[str] = field(default_factory=list)
    status: int = 0  # what the emulator answered
    at: float = 0.0  # time.perf_counter() when the request arrived


@dataclass
class Fault:
    method: str
    path: re.Pattern[str]
    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    times: int


class DiscordEmulator:
    def __init__(self) -> None:
        self.app = web.Application()
        self.app.router.add_get("/gateway", self._gateway)
        self.app.router.add_route("*", API + "/{tail:.*}", self._rest)
        self.runner: web.AppRunner | None = None
        self.port = 0
        self.requests: list[Recorded] = []
        self.faults: list[Fault] = []
        self.commands: dict[str, dict[str, Any]] = {}
        self.messages: dict[int, dict[str, Any]] = {}  # every message the bot made, by id
        self.originals: dict[str, int] = {}  # interaction token -> id of its response message
        self.identify: dict[str, Any] | None = None
        self.heartbeats = 0
        self.ready = asyncio.Event()
        self._ids = itertools.count(500000000000000000)
        self._ws: web.WebSocketResponse | None = None
        self._seq = 0
        self._changed = asyncio.Condition()

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
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()
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
        retry_after: float | None = None,
        message: str = "error",
    ) -> None:
        """Answer the next `times` requests matching `path` (a regex on the path after /api/v10) with an error."""
        body: dict[str, Any] = {"message": message, "code": {403: 50013, 404: 10008}.get(status, 0)}
        headers: dict[str, str] = {}
        if retry_after is not None:
            body.update(retry_after=retry_after, **{"global": False})
            # Discord's own 429s pass its proxy; without Via, discord.py reads a 429 as a Cloudflare ban
            headers = {"Retry-After": str(retry_after), "X-RateLimit-Scope": "user", "Via": "1.1 google"}
        self.faults.append(Fault(method, re.compile(path), status, body, headers, times))

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

    # ------------------------------------------------------------------ gateway

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._ws = ws
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
                self.identify = payload["d"]
                await self.dispatch(
                    "READY",
                    {
                        "v": 10,
                        "user": BOT_USER,
                        "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
                        "session_id": "emulated-session",
                        "resume_gateway_url": self.gateway_url,
                        "application": {"id": str(APP_ID), "flags": 0},
                    },
                )
                await self.dispatch("GUILD_CREATE", self.guild())
                self.ready.set()
            elif op == 6:
                await self.dispatch("RESUMED", {})
        return ws

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        assert self._ws is not None, "no gateway connection"
        self._seq += 1
        await self._ws.send_str(json.dumps({"op": 0, "t": event, "s": self._seq, "d": data}))

    def guild(self) -> dict[str, Any]:
        return {
            "id": str(GUILD_ID),
            "name": "Newsroom",
            "icon": None,
            "owner_id": str(USER_ID),
            "features": [],
            "emojis": [],
            "stickers": [],
            "roles": [
                {
                    "id": str(GUILD_ID),
                    "name": "@everyone",
                    "permissions": ALL_PERMISSIONS,
                    "position": 0,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                    "flags": 0,
                }
            ],
            "channels": [self.channel()],
            "threads": [],
            "members": [],
            "member_count": 2,
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
    def channel(channel_id: int = CHANNEL_ID) -> dict[str, Any]:
        return {
            "id": str(channel_id),
            "type": 0,
            "guild_id": str(GUILD_ID),
            "name": "news",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
        }

    # ------------------------------------------------------------------ interactions

    def _interaction(
        self, itype: int, data: dict[str, Any], *, user_id: int, member_permissions: str, app_permissions: str
    ) -> dict[str, Any]:
        iid = next(self._ids)
        return {
            "id": str(iid),
            "application_id": str(APP_ID),
            "type": itype,
            "token": f"token-{iid}",
            "version": 1,
            "guild_id": str(GUILD_ID),
            "channel_id": str(CHANNEL_ID),
            "channel": self.channel(),
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
            "app_permissions": app_permissions,
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(GUILD_ID)},
            "context": 0,
            "attachment_size_limit": 26214400,
            "data": data,
        }

    def _options(self, name: str, options: dict[str, Any], focused: str | None = None) -> list[dict[str, Any]]:
        if " " in name:  # a subcommand: "digest subscribe"
            group, sub = name.split(" ", 1)
            spec = next(c for c in self.commands[group]["options"] if c["name"] == sub)
        else:
            spec = self.commands[name]
        declared = {o["name"]: o for o in spec.get("options", [])}
        out = []
        for key, value in options.items():
            option = {"name": key, "type": declared[key]["type"], "value": value}
            if key == focused:
                option["focused"] = True
            out.append(option)
        return out

    def slash(
        self,
        name: str,
        /,
        *,
        user_id: int = USER_ID,
        member_permissions: str = ALL_PERMISSIONS,
        app_permissions: str = ALL_PERMISSIONS,
        **options: Any,
    ) -> dict[str, Any]:
        """A slash command; `name` may be "group subcommand"."""
        top = name.split(" ")[0]
        opts = self._options(name, options)
        data: dict[str, Any] = {"id": self.commands[top]["id"], "name": top, "type": 1, "guild_id": str(GUILD_ID)}
        if " " in name:
            data["options"] = [{"name": name.split(" ", 1)[1], "type": 1, "options": opts}]
        else:
            data["options"] = opts
        channels = [o for o in opts if o["type"] == 7]
        if channels:
            data["resolved"] = {
                "channels": {
                    o["value"]: {**self.channel(int(o["value"])), "permissions": ALL_PERMISSIONS} for o in channels
                }
            }
        return self._interaction(
            2, data, user_id=user_id, member_permissions=member_permissions, app_permissions=app_permissions
        )

    def autocomplete(self, name: str, focused: str, /, **options: Any) -> dict[str, Any]:
        top = name.split(" ")[0]
        opts = self._options(name, options, focused)
        data: dict[str, Any] = {"id": self.commands[top]["id"], "name": top, "type": 1, "guild_id": str(GUILD_ID)}
        data["options"] = [{"name": name.split(" ", 1)[1], "type": 1, "options": opts}] if " " in name else opts
        return self._interaction(
            4, data, user_id=USER_ID, member_permissions=ALL_PERMISSIONS, app_permissions=ALL_PERMISSIONS
        )

    def click(self, message: dict[str, Any], label: str, *, user_id: int = USER_ID) -> dict[str, Any]:
        button = next(c for row in message["components"] for c in row["components"] if c.get("label") == label)
        data = {"custom_id": button["custom_id"], "component_type": 2}
        payload = self._interaction(
            3, data, user_id=user_id, member_permissions=ALL_PERMISSIONS, app_permissions=ALL_PERMISSIONS
        )
        payload["message"] = message
        self.originals[payload["token"]] = int(message["id"])  # the message this click edits
        return payload

    async def interact(self, payload: dict[str, Any], *, within: float = 10.0) -> Recorded:
        """Send an interaction and return the bot's callback to it."""
        start = len(self.requests)
        await self.dispatch("INTERACTION_CREATE", payload)
        path = f"/interactions/{payload['id']}/{payload['token']}/callback"
        return await self.wait_for(lambda r: r.path == path and r.status < 400, within=within, start=start)

    async def answer(self, payload: dict[str, Any], *, within: float = 10.0) -> dict[str, Any]:
        """Send an interaction and return the message the user finally sees (after any defer)."""
        start = len(self.requests)
        callback = await self.interact(payload, within=within)
        if callback.body.get("type") == 5:
            token = payload["token"]
            await self.wait_for(
                lambda r: f"/webhooks/{APP_ID}/{token}" in r.path and r.method in {"POST", "PATCH"},
                within=within,
                start=start,
            )
            followups = [
                r for r in self.requests[start:] if r.method == "POST" and r.path == f"/webhooks/{APP_ID}/{token}"
            ]
            if followups:
                return self.messages[followups[-1].body["__id"]]
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
        fault = next(
            (f for f in self.faults if f.method == request.method and f.path.search(path) and f.times > 0), None
        )
        if fault is not None:
            fault.times -= 1
            response = json_response(fault.body, fault.status, fault.headers)
        else:
            response = self._route(record)
        record.status = response.status
        async with self._changed:
            self.requests.append(record)
            self._changed.notify_all()
        return response

    def _route(self, r: Recorded) -> web.StreamResponse:
        p, m = r.path, r.method
        if m == "GET" and p == "/users/@me":
            return json_response(BOT_USER)
        if m == "GET" and p == "/oauth2/applications/@me":
            return json_response(
                {
                    "id": str(APP_ID),
                    "name": "briefings",
                    "description": "",
                    "icon": None,
                    "bot_public": True,
                    "bot_require_code_grant": False,
                    "owner": user(USER_ID, "owner"),
                    "verify_key": "0" * 64,
                    "flags": 0,
                    "team": None,
                    "summary": "",
                }
            )
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
            channel_id = int(mm.group(1))
            nonce = (r.body or {}).get("nonce")
            if nonce and (r.body or {}).get("enforce_nonce"):
                for old in self.channel_messages(channel_id):
                    if old.get("nonce") == nonce:  # Discord returns the message it already has
                        return json_response(old)
            msg = self._message(r.body, r.files, channel_id=channel_id)
            msg["posted"] = True
            return json_response(msg)
        if m == "GET" and (mm := re.fullmatch(r"/channels/(\d+)/messages", p)):
            limit = int(r.query.get("limit", "50"))
            return json_response(list(reversed(self.channel_messages(int(mm.group(1)))))[:limit])
        return json_response({"message": f"404: {m} {p} is not emulated", "code": 0}, 404)

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
            "attachments": [
                {
                    "id": str(next(self._ids)),
                    "filename": f,
                    "size": 1,
                    "url": f"https://cdn.invalid/{f}",
                    "proxy_url": f"https://cdn.invalid/{f}",
                }
                for f in files
            ],
            "timestamp": dt.datetime.now(dt.UTC).isoformat(),
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
        if isinstance(body, dict):
            body["__id"] = mid
        return msg

    def _callback(self, r: Recorded, interaction_id: str, token: str) -> web.Response:
        kind = r.body.get("type")
        data = r.body.get("data") or {}
        result: dict[str, Any] = {"interaction": {"id": interaction_id, "type": 2}}
        if kind in (4, 5):
            msg = self._message(data, r.files)
            self.originals[token] = int(msg["id"])
            result["interaction"].update(
                response_message_id=msg["id"],
                response_message_loading=kind == 5,
                response_message_ephemeral=bool((data.get("flags") or 0) & 64),
            )
            result["resource"] = {"type": kind, "message": msg}
        elif kind == 7:  # a button's edit of the message it sits on
            msg = self.messages[self.originals[token]]
            msg.update({k: v for k, v in data.items() if k in {"content", "embeds", "components"}})
            result["resource"] = {"type": 7, "message": msg}
        return json_response(result)

    def _webhook(self, r: Recorded, token: str, which: str | None) -> web.StreamResponse:
        if which is None and r.method == "POST":  # a follow-up message
            return json_response(self._message(r.body, r.files))
        mid = self.originals.get(token) if which == "@original" else (int(which) if which else None)
        if mid is None or mid not in self.messages:
            return json_response({"message": "Unknown Message", "code": 10008}, 404)
        if r.method == "GET":
            return json_response(self.messages[mid])
        if r.method == "DELETE":
            del self.messages[mid]
            return web.Response(status=204)
        if r.method == "PATCH":
            msg = self.messages[mid]
            msg.update({k: v for k, v in (r.body or {}).items() if k in {"content", "embeds", "components"}})
            msg["edited_timestamp"] = dt.datetime.now(dt.UTC).isoformat()
            return json_response(msg)
        return json_response({"message": "405", "code": 0}, 405)
