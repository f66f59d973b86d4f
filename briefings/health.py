"""Health: is the database readable, and, when the bot runs, has it kept its gateway connection?

The bot writes a heartbeat file in its local folder (beside a SQLite store; BRIEFINGS_STATE_DIR)
every HEARTBEAT_EVERY while it runs; the check fails when that file says the gateway has been
disconnected (or silent) for longer than MAX_SILENCE.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from briefings.store import db as engines
from briefings.store.facts import schema_version
from briefings.words import plural

HEARTBEAT_EVERY = dt.timedelta(seconds=30)
MAX_SILENCE = dt.timedelta(seconds=180)


def heartbeat_path(folder: Path, shards: str | None = None) -> Path:
    """The heartbeat file in a process's local folder (Settings.local_dir); a bot process that runs
    some shards (BRIEFINGS_SHARDS) has its own."""
    if shards:
        return folder / f"gateway-shards-{shards.replace('/', 'of').replace(',', '_')}.heartbeat"
    return folder / "gateway.heartbeat"


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
    path.parent.mkdir(parents=True, exist_ok=True)  # with PostgreSQL, the local folder may be new
    # a file of its own for each write: two beats at once (the timer's and a disconnect's, each in a
    # thread) must not rename one temporary file from under each other
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(json.dumps(data))
        os.replace(name, path)  # atomic: the check never reads half a file
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class Health:
    ok: bool
    message: str


async def check(
    store: str | Path,
    now: dt.datetime,
    max_silence: dt.timedelta = MAX_SILENCE,
    *,
    local_dir: Path | None = None,
    shards: str | None = None,
) -> Health:
    """Is the store (a SQLite file, or a postgresql:// URL) readable at the current schema, and, if
    a heartbeat is in `local_dir` (by default the SQLite store's folder), is the gateway connected?"""
    if engines.is_postgres(store):
        state = await _postgres(str(store))
        local = local_dir or Path("data")
    else:
        state = _sqlite(Path(store))
        local = local_dir or Path(store).parent
    if isinstance(state, Health):
        return state
    version, sources, latest = state
    if version != latest:
        return Health(False, f"the database has schema version {version}, expected {latest}")
    parts = [f"database readable ({plural(sources, 'source')})"]
    beat = heartbeat_path(local, shards)
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


def _sqlite(db: Path) -> tuple[int, int, int] | Health:
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
    return version, sources, schema_version(engines.SQLITE)


async def _postgres(url: str) -> tuple[int, int, int] | Health:
    import asyncpg

    try:
        conn = await asyncpg.connect(url, timeout=5)
    except Exception as exc:  # refused, unreachable, a bad password, a URL no driver can read
        return Health(False, f"the database {engines.shown(url)} is unreadable: {' '.join(str(exc).split())}")
    try:
        if await conn.fetchval("SELECT to_regclass('store_version') IS NULL"):
            return Health(False, f"the database {engines.shown(url)} holds no briefings store")
        version = await conn.fetchval("SELECT MAX(version) FROM store_version")
        sources = await conn.fetchval("SELECT COUNT(*) FROM sources")
    except asyncpg.PostgresError as exc:
        return Health(False, f"the database {engines.shown(url)} is unreadable: {' '.join(str(exc).split())}")
    finally:
        await conn.close()
    return int(version or 0), sources, schema_version(engines.POSTGRESQL)
