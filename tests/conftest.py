"""Shared fixtures: real SQLite files in a temporary folder, articles written for the tests."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from aiohttp import web

from briefings.store import connect

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def article(outlet: str, published: str, body: str, *, title: str = "", kind: str = "original") -> str:
    head = ["---", f"outlet: {outlet}", f"published: {published}", f"kind: {kind}"]
    if title:
        head.append(f"title: {title}")
    return "\n".join([*head, "---", body.strip(), ""])


def failing_at(call: int, real: Callable[..., Awaitable[Any]], fault: BaseException) -> Callable[..., Awaitable[Any]]:
    """`real`, except that its `call`-th call raises `fault` (a crash, a full disk, at that moment)."""
    calls = 0

    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == call:
            raise fault
        return await real(*args, **kwargs)

    return wrapper


@contextlib.asynccontextmanager
async def serving(app: web.Application) -> AsyncIterator[int]:
    """A real HTTP server for `app` on 127.0.0.1, on a free port (yielded), until the block ends."""
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    finally:
        await runner.cleanup()


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str | bytes], Path]:
    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / "articles" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "store" / "briefings.db"


@pytest.fixture
async def conn(db_path: Path) -> AsyncIterator[aiosqlite.Connection]:
    async with connect(db_path) as c:
        yield c
