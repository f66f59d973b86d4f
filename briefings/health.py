"""Health: is the database readable, and, when the bot runs, has it kept its gateway connection?

The bot writes a heartbeat file beside the database every HEARTBEAT_EVERY while it runs; the check
fails when that file says the gateway has been disconnected (or silent) for longer than MAX_SILENCE.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from briefings.commands import plural
from briefings.store import schema_version

HEARTBEAT_EVERY = dt.timedelta(seconds=30)
MAX_SILENCE = dt.timedelta(seconds=180)


def heartbeat_path(db: Path, shards: str | None = None) -> Path:
    """Beside the database; a bot process that runs some shards (BRIEFINGS_SHARDS) has its own."""
    if shards:
        return db.parent / f"gateway-shards-{shards.replace('/', 'of').replace(',', '_')}.heartbeat"
    return db.parent / "gateway.heartbeat"


def write_heartbeat(
    path: Path,
    *,
    connected: bool,
    now: dt.datetime,
    last_connected: dt.datetime | None,
    started: dt.datetime | None = None,
) -> None:
    data = {
        "at": now.isoformat(),
        "connected": connected,
        "last_connected": last_connected.isoformat() if last_connected else None,
        "started": (started or now).isoformat(),
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    tmp.replace(path)  # atomic: the check never reads half a file


@dataclass(frozen=True)
class Health:
    ok: bool
    message: str


def check(db: Path, now: dt.datetime, max_silence: dt.timedelta = MAX_SILENCE, *, shards: str | None = None) -> Health:
    if not db.exists():
        return Health(False, f"the database {db} does not exist")
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            sources = conn.execute("SELECT COUNT(*) FROM sources").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return Health(False, f"the database {db} is unreadable: {exc}")
    if version != schema_version():
        return Health(False, f"the database has schema version {version}, expected {schema_version()}")
    parts = [f"database readable ({plural(sources, 'source')})"]
    beat = heartbeat_path(db, shards)
    if beat.exists():
        try:
            data = json.loads(beat.read_text(encoding="utf-8"))
            at = dt.datetime.fromisoformat(data["at"])
            last = dt.datetime.fromisoformat(data["last_connected"]) if data.get("last_connected") else None
            started = dt.datetime.fromisoformat(data.get("started") or data["at"])
        except (OSError, ValueError, KeyError) as exc:
            return Health(False, f"the bot's heartbeat file is unreadable: {exc}")
        if now - at > max_silence:
            return Health(False, f"the bot has not reported for {int((now - at).total_seconds())} s")
        if not data.get("connected"):
            since = last or started  # a bot that just started gets the same grace as one reconnecting
            if now - since > max_silence:
                return Health(False, "the bot has had no gateway connection for too long")
            parts.append("gateway connecting")
        else:
            parts.append("gateway connected")
    return Health(True, "ok: " + "; ".join(parts))
