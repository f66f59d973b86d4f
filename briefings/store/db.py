"""The store's connection: one small API over SQLite (aiosqlite) and PostgreSQL (asyncpg).

SQL is written once, with `?` placeholders (or `:name` ones), in what both engines read alike; on
PostgreSQL the placeholders become `$1, $2 …` (translated once per statement text and cached). Where
the engines differ, `conn.dialect` gives the fragment for this engine (see `Dialect`), and code that
must differ more says `if conn.dialect.postgresql:`.

    async with open_database("data/briefings.db") as conn:          # or "postgresql://…"
        rows = await conn.fetch("SELECT id, name FROM entities WHERE key = ?", (key,))
        n = await conn.execute("UPDATE feeds SET failures = 0 WHERE id = ?", (feed_id,))
        async with conn.transaction() as tx:                       # all or nothing
            await tx.lock("briefings:feed:7")                      # held until the transaction ends
            await tx.execute(...)

Rows are the driver's own (sqlite3.Row, asyncpg.Record): `row["name"]`, `row[0]`, unpacking.

One `Connection` is shared by a whole process, concurrent tasks included. On PostgreSQL it is a pool:
each statement outside a transaction runs on whichever connection is free, and a transaction holds
one connection of its own until it ends. On SQLite it is two connections to the file: one that
reads, and one that writes, used by one task at a time (an asyncio lock), so a transaction's writes
are seen by other tasks only once committed, as on PostgreSQL. A transaction on SQLite always holds
the store's write lock (BEGIN IMMEDIATE); on PostgreSQL it locks what its statements touch, and
`lock(name)` takes an advisory lock as well.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import contextvars
import functools
import hashlib
import json
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiosqlite

log = logging.getLogger(__name__)

Params = Sequence[Any] | Mapping[str, Any]
Row = Any  # sqlite3.Row or asyncpg.Record: both give row["column"], row[0] and unpacking

POSTGRES_SCHEMES = ("postgresql://", "postgres://")
BUSY_TIMEOUT_SECONDS = 30.0  # SQLite: a second writer (another process) waits this long for the first
PAGE_CACHE_KIB = 8 * 1024  # SQLite: 8 MB of page cache took /estimate at 1M facts from 3 ms to under 1 ms
POOL_MAX = 10  # PostgreSQL: connections one process holds at most (a transaction holds one)
STATEMENT_CACHE = 1024  # PostgreSQL: prepared statements kept per connection


class DatabaseError(RuntimeError):
    """The database cannot be opened or used; the message is one sentence (never a password)."""


class IntegrityError(Exception):
    """A write that a constraint of the schema refused (a unique key taken, a foreign key missing)."""


class DataError(Exception):
    """A value the database cannot hold (an integer beyond 64 bits, text that is not Unicode)."""


def is_postgres(target: str | Path) -> bool:
    """Does `target` name a PostgreSQL database (a postgresql:// URL) rather than a SQLite file?"""
    return isinstance(target, str) and target.lower().startswith(POSTGRES_SCHEMES)


def shown(target: str | Path) -> str:
    """The store as a message may name it: a URL's password is never shown."""
    text = str(target)
    if not is_postgres(text):
        return text
    try:
        parts = urlsplit(text)
        if parts.password is None:
            return text
        host = parts.netloc.rsplit("@", 1)[1]
        return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))
    except ValueError:
        return text.split("://", 1)[0] + "://…"


# ----------------------------------------------------------------------------- dialects


@dataclass(frozen=True, slots=True)
class Dialect:
    """The SQL of one engine, where the two differ. Everything else is written once."""

    name: str  # "sqlite" or "postgresql"

    @property
    def postgresql(self) -> bool:
        return self.name == "postgresql"

    @property
    def ilike(self) -> str:
        """LIKE, ignoring case (SQLite's LIKE ignores the case of ASCII letters; PostgreSQL's ILIKE of all)."""
        return "ILIKE" if self.postgresql else "LIKE"

    def contains(self, haystack: str, needle: str) -> str:
        """A condition: the text `haystack` contains `needle` (two SQL expressions)."""
        return f"strpos({haystack}, {needle}) > 0" if self.postgresql else f"instr({haystack}, {needle}) > 0"

    def each(self, sql_type: str = "TEXT", param: str = "?") -> str:
        """A subquery over the values of one list parameter (pass it `array(values)`), as a column
        named `value`: `WHERE id IN ({dialect.each('BIGINT')})`."""
        if self.postgresql:
            return f"SELECT unnest(CAST({param} AS {sql_type}[])) AS value"
        return f"SELECT value FROM json_each({param})"

    def array(self, values: Iterable[Any]) -> Any:
        """The parameter that `each()` reads."""
        return list(values) if self.postgresql else json.dumps(list(values))

    def json_array(self, expr: str, order: str) -> str:
        """An aggregate: the values of `expr` as a JSON array (text), ordered by `order`. (SQLite
        takes the order of the rows it is given: order them by the same in the subquery.)"""
        return f"CAST(json_agg({expr} ORDER BY {order}) AS TEXT)" if self.postgresql else f"json_group_array({expr})"


SQLITE = Dialect("sqlite")
POSTGRESQL = Dialect("postgresql")


def lock_key(name: str) -> int:
    """A named lock as PostgreSQL's advisory locks know it: a signed 64-bit number."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


_PLACEHOLDER = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|/\*.*?\*/|::|\?|(?<![\w:]):([A-Za-z_]\w*)""", re.S)


@functools.lru_cache(maxsize=4096)
def numbered(sql: str) -> tuple[str, tuple[str, ...] | None]:
    """SQL with `?` or `:name` placeholders as PostgreSQL reads it ($1, $2 …), and the names in
    order (None for `?`). Strings, quoted names, comments and casts (::) are left as they are."""
    count = 0
    names: dict[str, int] = {}
    kinds: set[str] = set()

    def sub(m: re.Match[str]) -> str:
        nonlocal count
        token = m.group(0)
        if token == "?":
            kinds.add("?")
            count += 1
            return f"${count}"
        if m.group(1):
            kinds.add(":")
            return f"${names.setdefault(m.group(1), len(names) + 1)}"
        return token

    out = _PLACEHOLDER.sub(sub, sql)
    if len(kinds) > 1:
        raise ValueError("a statement uses both ? and :name placeholders")
    return out, (tuple(names) if ":" in kinds else None)


def _pg_args(sql: str, params: Params) -> tuple[str, list[Any]]:
    text, names = numbered(sql)
    if names is None:
        return text, list(params)  # type: ignore[arg-type]
    assert isinstance(params, Mapping), "named placeholders take a mapping"
    return text, [params[n] for n in names]


# ----------------------------------------------------------------------------- the API


_active: contextvars.ContextVar[tuple[Connection, asyncio.Task[Any] | None, Transaction] | None] = (
    contextvars.ContextVar("briefings_db_transaction", default=None)
)


class Connection(abc.ABC):
    """What every part of briefings reads and writes the store through (see the module's doc)."""

    dialect: Dialect

    @abc.abstractmethod
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; how many rows it changed."""

    @abc.abstractmethod
    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement for each row of parameters, all or none."""

    @abc.abstractmethod
    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        """Every row a query returns."""

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """The first row a query returns, or None (say LIMIT 1 when more could come)."""
        rows = await self.fetch(sql, params)
        return rows[0] if rows else None

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        """The first column of the first row, or None."""
        rows = await self.fetch(sql, params)
        return rows[0][0] if rows else None

    @abc.abstractmethod
    def iterate(self, sql: str, params: Params = (), *, batch: int = 2000) -> AsyncIterator[list[Row]]:
        """The rows of a large query, `batch` at a time, without holding them all."""

    @abc.abstractmethod
    def transaction(self) -> contextlib.AbstractAsyncContextManager[Transaction]:
        """A transaction, committed when the block ends and rolled back when it raises; inside a
        transaction it is the same one (no nesting)."""

    @abc.abstractmethod
    async def data_version(self) -> object:
        """A value that changes whenever anyone commits a write to the store (SQLite's
        data_version; PostgreSQL's current snapshot): read again when it differs."""

    async def copy_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Insert many rows at once (PostgreSQL's COPY; SQLite's executemany), in one transaction."""
        async with self.transaction() as tx:
            await tx.copy_rows(table, columns, rows)


class Transaction(Connection):
    """A connection inside one transaction: every statement is part of it."""

    @abc.abstractmethod
    async def copy_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Insert many rows at once, as part of this transaction."""

    @abc.abstractmethod
    async def lock(self, name: str) -> None:
        """Hold the lock `name` until the transaction ends, waiting for whoever holds it. On SQLite
        every transaction holds the store's one write lock already."""

    @abc.abstractmethod
    async def try_lock(self, name: str) -> bool:
        """Take the lock `name` for the rest of the transaction if nobody holds it; whether it did."""


def _held(owner: Connection) -> Transaction | None:
    """The open transaction this task holds on `owner`, if any."""
    held = _active.get()
    if held is not None and held[0] is owner and held[2].open and held[1] is _task():
        return held[2]
    return None


def _not_inside(owner: Connection) -> None:
    """Refuse a statement on the shared connection from the task holding a transaction on it: it
    would not be part of the transaction (and on SQLite it would wait for it forever)."""
    if _held(owner) is not None:
        raise RuntimeError("a statement outside the transaction this task holds: use the transaction's connection")


def _task() -> asyncio.Task[Any] | None:
    try:
        return asyncio.current_task()
    except RuntimeError:
        return None


@contextlib.asynccontextmanager
async def open_database(
    target: str | Path, *, sqlite_functions: Sequence[tuple[str, int, Callable[..., Any]]] = ()
) -> AsyncIterator[Connection]:
    """The database at `target` (a path: SQLite, created if missing; a postgresql:// URL: PostgreSQL),
    closed when the block ends. `sqlite_functions` are registered on SQLite's connections (name,
    number of arguments, function), for SQL that calls them. Raises `DatabaseError`."""
    if is_postgres(target):
        async with _open_postgres(str(target)) as conn:
            yield conn
    else:
        async with _open_sqlite(Path(target), sqlite_functions) as conn:
            yield conn


# ----------------------------------------------------------------------------- SQLite


async def _sqlite_connection(
    path: Path, functions: Sequence[tuple[str, int, Callable[..., Any]]]
) -> aiosqlite.Connection:
    # transactions are explicit (isolation_level None); the timeout is SQLite's busy timeout
    raw = await aiosqlite.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_SECONDS)
    try:
        raw.row_factory = aiosqlite.Row
        for name, n, fn in functions:
            await raw.create_function(name, n, fn, deterministic=True)
        await raw.execute("PRAGMA foreign_keys = ON")
        await raw.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        await raw.execute("PRAGMA journal_mode = WAL")
        await raw.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
    except BaseException:
        await raw.close()
        raise
    return raw


@contextlib.asynccontextmanager
async def _open_sqlite(
    path: Path, functions: Sequence[tuple[str, int, Callable[..., Any]]]
) -> AsyncIterator[Connection]:
    memory = str(path) == ":memory:"
    if not memory:
        path.parent.mkdir(parents=True, exist_ok=True)
    opened: list[aiosqlite.Connection] = []
    try:
        try:
            writer = await _sqlite_connection(path, functions)
            opened.append(writer)
            reader = writer if memory else await _sqlite_connection(path, functions)
            if reader is not writer:
                opened.append(reader)
        except aiosqlite.DatabaseError as exc:
            raise DatabaseError(f"{path} is not a usable briefings database: {exc}") from exc
        except Exception as exc:
            raise DatabaseError(f"cannot open the database at {path}: {exc}") from exc
        yield SQLiteStore(reader, writer)
    finally:
        # every connection closed, whatever closing another raised: each has a thread of its own
        # that would keep the process from ending
        failed: BaseException | None = None
        for raw in opened:
            try:
                await raw.close()
            except BaseException as exc:  # raised again once all are closed
                failed = failed or exc
        if failed is not None:
            raise failed


def _sqlite_errors(exc: BaseException) -> BaseException:
    if isinstance(exc, sqlite3.IntegrityError):
        return IntegrityError(str(exc))
    if isinstance(exc, OverflowError | UnicodeEncodeError):
        return DataError(str(exc))
    return exc


class _SQLiteStatements:
    """Statements on one aiosqlite connection."""

    dialect = SQLITE
    raw: aiosqlite.Connection

    async def _execute(self, sql: str, params: Params) -> int:
        try:
            cur = await self.raw.execute(sql, params)
        except (sqlite3.IntegrityError, OverflowError, UnicodeEncodeError) as exc:
            raise _sqlite_errors(exc) from None
        return cur.rowcount

    async def _executemany(self, sql: str, rows: Iterable[Params]) -> None:
        try:
            await self.raw.executemany(sql, rows)
        except (sqlite3.IntegrityError, OverflowError, UnicodeEncodeError) as exc:
            raise _sqlite_errors(exc) from None

    async def _fetch(self, sql: str, params: Params) -> list[Row]:
        try:
            return list(await self.raw.execute_fetchall(sql, params))  # one hop to the database thread
        except (sqlite3.IntegrityError, OverflowError, UnicodeEncodeError) as exc:
            raise _sqlite_errors(exc) from None

    async def _iterate(self, sql: str, params: Params, batch: int) -> AsyncIterator[list[Row]]:
        async with self.raw.execute(sql, params) as cur:
            while rows := await cur.fetchmany(batch):
                yield list(rows)

    async def _data_version(self) -> object:
        rows = await self.raw.execute_fetchall("PRAGMA data_version")
        return rows[0][0]


_READS = re.compile(r"\s*(?:--[^\n]*\n\s*)*(?:SELECT|WITH|VALUES|EXPLAIN|PRAGMA\s+\w+\s*(?:\(|;|$))", re.I)


def _writes(sql: str) -> bool:
    """Does a statement given to fetch() write (INSERT … RETURNING, a PRAGMA that sets)?"""
    return _READS.match(sql) is None


class SQLiteStore(_SQLiteStatements, Connection):
    """A SQLite file: reads on one connection, writes on another, one writing task at a time."""

    def __init__(self, reader: aiosqlite.Connection, writer: aiosqlite.Connection) -> None:
        self.raw = reader
        self.writer = writer
        self.write_lock = asyncio.Lock()

    async def execute(self, sql: str, params: Params = ()) -> int:
        _not_inside(self)
        async with self.write_lock:
            return await SQLiteTransaction(self, self.writer)._execute(sql, params)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        async with self.transaction() as tx:
            await tx.executemany(sql, rows)

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        _not_inside(self)
        if _writes(sql):  # INSERT … RETURNING: on the writing connection, in its turn
            async with self.write_lock:
                return await SQLiteTransaction(self, self.writer)._fetch(sql, params)
        return await self._fetch(sql, params)

    def iterate(self, sql: str, params: Params = (), *, batch: int = 2000) -> AsyncIterator[list[Row]]:
        _not_inside(self)
        return self._iterate(sql, params, batch)

    async def data_version(self) -> object:
        return await self._data_version()

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        held = _held(self)
        if held is not None:
            yield held
            return
        async with self.write_lock:
            tx = SQLiteTransaction(self, self.writer)
            await tx.raw.execute("BEGIN IMMEDIATE")  # the write lock: another process waits (busy timeout)
            token = _active.set((self, _task(), tx))
            try:
                yield tx
            except BaseException:
                await tx.rollback()
                raise
            else:
                await tx.raw.execute("COMMIT")
            finally:
                tx.open = False
                _active.reset(token)


class SQLiteTransaction(_SQLiteStatements, Transaction):
    def __init__(self, store: SQLiteStore, raw: aiosqlite.Connection) -> None:
        self.store = store
        self.raw = raw
        self.open = True

    async def execute(self, sql: str, params: Params = ()) -> int:
        return await self._execute(sql, params)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._executemany(sql, rows)

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        return await self._fetch(sql, params)

    def iterate(self, sql: str, params: Params = (), *, batch: int = 2000) -> AsyncIterator[list[Row]]:
        return self._iterate(sql, params, batch)

    async def data_version(self) -> object:
        return await self._data_version()

    async def copy_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        marks = ", ".join("?" * len(columns))
        await self._executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        yield self

    async def lock(self, name: str) -> None:
        return None  # BEGIN IMMEDIATE holds the store's write lock already

    async def try_lock(self, name: str) -> bool:
        return True

    async def rollback(self) -> None:
        """Roll back if the transaction is still open (SQLite ends some on its own, e.g. disk full)."""
        if self.raw.in_transaction:
            with contextlib.suppress(sqlite3.OperationalError):  # it ended meanwhile
                await self.raw.execute("ROLLBACK")


# ----------------------------------------------------------------------------- PostgreSQL


def _pg_errors(exc: BaseException) -> BaseException:
    import asyncpg
    from asyncpg.exceptions import _base

    if isinstance(exc, asyncpg.IntegrityConstraintViolationError):
        return IntegrityError(str(exc))
    # the server's data exceptions (a NUL in text, a number out of range), and a value the driver
    # cannot send as the parameter's type (an integer beyond 64 bits)
    if isinstance(exc, asyncpg.DataError | _base.DataError | UnicodeEncodeError | OverflowError):
        return DataError(str(exc))
    return exc


@contextlib.contextmanager
def _pg_mapped() -> Iterator[None]:
    """asyncpg's errors as the store's: a constraint refused (IntegrityError), a value no column can
    hold (DataError); any other error as it is."""
    try:
        yield
    except Exception as exc:
        mapped = _pg_errors(exc)
        if mapped is exc:
            raise
        raise mapped from None


def _rowcount(status: str) -> int:
    """The rows a command changed, from PostgreSQL's command tag ("UPDATE 3", "INSERT 0 1")."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


async def _keep_session(raw: Any) -> None:
    """What a connection needs between two users of the pool: nothing beyond the rollback asyncpg
    does itself. briefings keeps no session state (locks are the transaction's, no LISTEN, no SET),
    and the default reset's round trip (RESET ALL …) doubled the cost of a short statement."""


@contextlib.asynccontextmanager
async def _open_postgres(url: str) -> AsyncIterator[Connection]:
    import asyncpg

    try:
        pool = await asyncpg.create_pool(
            url.replace("postgres://", "postgresql://", 1) if url.startswith("postgres://") else url,
            min_size=1,
            max_size=POOL_MAX,
            statement_cache_size=STATEMENT_CACHE,
            command_timeout=None,
            timeout=10,
            # the store's statements are fixed texts run many times: a plan made once per connection
            # and statement, not one per run (the /estimate picture took 4-6 ms planning each time)
            server_settings={"application_name": "briefings", "plan_cache_mode": "force_generic_plan"},
            reset=_keep_session,
        )
    except Exception as exc:  # refused, unreachable, a bad password, a URL no driver can read (a port past 65535)
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise DatabaseError(f"cannot open the database at {shown(url)}: {reason}") from None
    try:
        yield PostgresStore(pool)
    finally:
        await pool.close()


class _PostgresStatements:
    dialect = POSTGRESQL

    async def _execute(self, runner: Any, sql: str, params: Params) -> int:
        text, args = _pg_args(sql, params)
        with _pg_mapped():
            return _rowcount(await runner.execute(text, *args))

    async def _executemany(self, runner: Any, sql: str, rows: Iterable[Params]) -> None:
        text, _ = numbered(sql)
        args = [_pg_args(sql, r)[1] for r in rows]
        if not args:
            return
        with _pg_mapped():
            await runner.executemany(text, args)

    async def _fetch(self, runner: Any, sql: str, params: Params) -> list[Row]:
        text, args = _pg_args(sql, params)
        with _pg_mapped():
            return await runner.fetch(text, *args)


class PostgresStore(_PostgresStatements, Connection):
    """A PostgreSQL database through a pool of connections."""

    def __init__(self, pool: Any) -> None:
        self.pool = pool

    async def execute(self, sql: str, params: Params = ()) -> int:
        _not_inside(self)
        return await self._execute(self.pool, sql, params)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        async with self.transaction() as tx:
            await tx.executemany(sql, rows)

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        _not_inside(self)
        return await self._fetch(self.pool, sql, params)

    async def iterate(self, sql: str, params: Params = (), *, batch: int = 2000) -> AsyncIterator[list[Row]]:
        async with self.transaction() as tx:
            async for rows in tx.iterate(sql, params, batch=batch):
                yield rows

    async def data_version(self) -> object:
        return await self.pool.fetchval("SELECT CAST(pg_current_snapshot() AS TEXT)")

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        held = _held(self)
        if held is not None:
            yield held
            return
        async with self.pool.acquire() as raw:
            tx = PostgresTransaction(self, raw)
            token = _active.set((self, _task(), tx))
            try:
                async with raw.transaction():
                    yield tx
            finally:
                tx.open = False
                _active.reset(token)


class PostgresTransaction(_PostgresStatements, Transaction):
    def __init__(self, store: PostgresStore, raw: Any) -> None:
        self.store = store
        self.raw = raw
        self.open = True

    async def execute(self, sql: str, params: Params = ()) -> int:
        return await self._execute(self.raw, sql, params)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._executemany(self.raw, sql, rows)

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        return await self._fetch(self.raw, sql, params)

    async def iterate(self, sql: str, params: Params = (), *, batch: int = 2000) -> AsyncIterator[list[Row]]:
        text, args = _pg_args(sql, params)
        cursor = await self.raw.cursor(text, *args)
        while rows := await cursor.fetch(batch):
            yield rows

    async def data_version(self) -> object:
        return await self.raw.fetchval("SELECT CAST(pg_current_snapshot() AS TEXT)")

    async def copy_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        with _pg_mapped():
            await self.raw.copy_records_to_table(table, columns=list(columns), records=rows)

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        yield self

    async def lock(self, name: str) -> None:
        await self.raw.execute("SELECT pg_advisory_xact_lock($1)", lock_key(name))

    async def try_lock(self, name: str) -> bool:
        return bool(await self.raw.fetchval("SELECT pg_try_advisory_xact_lock($1)", lock_key(name)))
