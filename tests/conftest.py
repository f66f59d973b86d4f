"""Shared fixtures: real stores on both engines (SQLite files in a temporary folder; databases of a
real PostgreSQL server started for the session, see tests/postgres.py), articles written for the tests.

A test that uses `conn` or `db_url` runs once on each engine, unless marked
`@pytest.mark.engines("sqlite")`. Without PostgreSQL installed, its PostgreSQL runs are skipped with
the reason; with BRIEFINGS_TEST_POSTGRES=require (as CI sets it) they fail instead.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import fcntl
import itertools
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from briefings.store.db import Connection
from briefings.store.facts import connect
from tests.postgres import REQUIRE, create_database, database_url, drop_database, temporary_server

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
ENGINES = ("sqlite", "postgresql")
TEMPLATE = "briefings_template"  # a store at the current schema, copied for each test


@pytest.fixture(autouse=True)
def _alone_when_timed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests run in parallel (pytest-xdist), more of them than the machine has cores, since most wait.
    A test that measures time must not share the cores: every test holds a shared lock on one file of
    the session while it runs, a test marked `timing` an exclusive one, so it runs alone."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # the session's, not the worker's
    with open(shared / "timing.lock", "a") as lock:
        timed = request.node.get_closest_marker("timing") is not None
        fcntl.flock(lock, fcntl.LOCK_EX if timed else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


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


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "engines(*names): run only on these engines (sqlite, postgresql)")
    config.addinivalue_line(
        "markers",
        "timing: the test measures time (the event loop's stalls, a budget or deadline of a second or two),"
        " so it runs with no other test beside it",
    )


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto` (pyproject.toml's addopts): twice the cores this process may use, 4 at least and 16 at
    most, as the tests mostly wait on processes and servers rather than compute; each worker is a
    session of its own (its temporary folders, its PostgreSQL server, its ports from the system).
    PYTEST_XDIST_AUTO_NUM_WORKERS, when set, decides instead."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # pytest-xdist's own reading of it
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(max(4, 2 * cores), 16)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    given = {name.strip() for m in metafunc.definition.iter_markers("parametrize") for name in _names(m.args[0])}
    if "engine" in metafunc.fixturenames and "engine" not in given:  # a test may list its engines with its cases
        marker = metafunc.definition.get_closest_marker("engines")
        metafunc.parametrize("engine", marker.args if marker else ENGINES)


def _names(argnames: str | list[str] | tuple[str, ...]) -> list[str]:
    return argnames.split(",") if isinstance(argnames, str) else list(argnames)


class FakeClock:
    """The time the tests say it is."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


class Postgres:
    """The session's server: a fresh database for each test, empty or holding a current store."""

    def __init__(self, admin: str) -> None:
        self.admin = admin
        self.names = itertools.count(1)

    def url(self, database: str) -> str:
        return database_url(self.admin, database)

    async def create(self, *, store: bool = True) -> str:
        name = f"test_{os.getpid()}_{next(self.names)}"
        return await create_database(self.admin, name, template=TEMPLATE if store else None)

    async def drop(self, url: str) -> None:
        await drop_database(self.admin, url)

    @contextlib.asynccontextmanager
    async def database(self, *, store: bool = True) -> AsyncIterator[str]:
        """A database of its own for the block (holding an empty current store, or nothing), dropped after."""
        url = await self.create(store=store)
        try:
            yield url
        finally:
            await self.drop(url)


async def _make_template(admin: str) -> None:
    async with connect(await create_database(admin, TEMPLATE, replace=True)):
        pass


def _in_a_thread(work: Coroutine[Any, Any, None]) -> None:
    """Run a coroutine to its end on a loop of its own (the fixture may be set up inside a test's loop)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, work).result()


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """A PostgreSQL server for the session: BRIEFINGS_TEST_POSTGRES may name one (a superuser URL);
    else one is started from the installed binaries."""
    given = os.environ.get(REQUIRE, "")
    if given.startswith(("postgresql://", "postgres://")):
        _in_a_thread(_make_template(given))
        yield Postgres(given)
        return
    with contextlib.ExitStack() as stack:
        try:
            server = stack.enter_context(temporary_server())
        except RuntimeError as exc:
            if given == "require":
                pytest.fail(f"PostgreSQL is required ({REQUIRE}=require) but cannot be started: {exc}")
            pytest.skip(f"PostgreSQL tests need a PostgreSQL server: {exc}")
        _in_a_thread(_make_template(server.url()))
        yield Postgres(server.url())


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
    """A SQLite store's path, not created yet (for what only SQLite has: files, pragmas)."""
    return tmp_path / "store" / "briefings.db"


@pytest.fixture
async def db_url(engine: str, db_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """A store as BRIEFINGS_DB names it, on the test's engine: a SQLite file not created yet, or a
    PostgreSQL database of its own holding an empty store at the current schema."""
    async with _store_target(engine, db_path, request, store=True) as url:
        yield url


@pytest.fixture
async def empty_db_url(engine: str, db_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """A store not made yet: a SQLite path where nothing is, or an empty PostgreSQL database."""
    async with _store_target(engine, db_path, request, store=False) as url:
        yield url


@contextlib.asynccontextmanager
async def _store_target(
    engine: str, db_path: Path, request: pytest.FixtureRequest, *, store: bool
) -> AsyncIterator[str]:
    if engine == "sqlite":
        yield str(db_path)
        return
    pg: Postgres = request.getfixturevalue("postgres")
    async with pg.database(store=store) as url:
        yield url


@pytest.fixture
def new_store(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> Callable[[str], Any]:
    """`async with new_store(name) as conn`: a fresh store of its own on the test's engine per name."""

    @contextlib.asynccontextmanager
    async def fresh(name: str) -> AsyncIterator[Connection]:
        async with _store_target(engine, tmp_path / name / "briefings.db", request, store=True) as url:
            async with connect(url) as conn:
                yield conn

    return fresh


@pytest.fixture
async def conn(db_url: str) -> AsyncIterator[Connection]:
    async with connect(db_url) as c:
        yield c
