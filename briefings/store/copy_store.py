"""`briefings migrate-store FROM TO`: a SQLite store copied into an empty PostgreSQL one, so that a
community that outgrows one machine keeps its history.

The SQLite store is opened (and upgraded) as any command opens it, then read in one transaction that
holds its write lock, so that nothing is written to it while it is copied; every table is copied
into PostgreSQL in one transaction (all of it, or nothing), with the same ids; the search index is
built again from the facts (PostgreSQL keeps words, not FTS5's index); the ids go on from the
largest copied. Every table's row count is checked before the copy commits.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefings.store import db, fulltext
from briefings.store.db import Connection, Transaction
from briefings.store.facts import MIGRATIONS, STORE_WRITES, StoreError, connect

log = logging.getLogger(__name__)

# every table of the store, in an order its foreign keys allow (facts_fts is built, not copied;
# leases are not copied: they name processes of the SQLite deployment, which stop before the copy)
TABLES = (
    "sources",
    "source_stories",
    "source_texts",
    "source_shingles",
    "shingle_df",
    "entities",
    "entity_aliases",
    "sentences",
    "quotes",
    "estimates",
    "claim_latest",
    "claim_stats",
    "claim_roots",
    "subscriptions",
    "digest_parts",
    "feeds",
    "feed_entries",
    "ingest_jobs",
)
SELF_REFERENCES = {"sources": ("copy_of", "rewrite_of", "root_id")}  # set once every source is in
BATCH = 5000


@dataclass
class Copied:
    rows: dict[str, int] = field(default_factory=dict)  # table → rows copied
    indexed: int = 0  # facts in the search index
    seconds: float = 0.0


async def migrate_store(source: str | Path, target: str, *, batch: int = BATCH) -> Copied:
    """Copy the SQLite store at `source` into the empty PostgreSQL store at `target` (created or
    upgraded first). Raises `StoreError` (one sentence) when either cannot be used that way."""
    if db.is_postgres(source):
        raise StoreError("migrate-store copies a SQLite store (a file) into PostgreSQL; FROM is a PostgreSQL URL")
    if not db.is_postgres(target):
        raise StoreError("migrate-store copies into PostgreSQL: give TO as a postgresql:// URL")
    if not await asyncio.to_thread(Path(source).is_file):
        raise StoreError(f"there is no SQLite store at {source}")
    started = time.perf_counter()
    async with connect(source, create=False) as src, connect(target) as dst:
        async with src.transaction() as reading, dst.transaction() as writing:
            await writing.lock(MIGRATIONS)
            await writing.lock(STORE_WRITES)
            await _check_empty(writing, db.shown(target))
            copied = Copied()
            for table in TABLES:
                copied.rows[table] = await _copy_table(reading, writing, table, batch)
            copied.indexed = await _index(reading, writing, batch)
            await _continue_ids(writing)
            await _check_counts(reading, writing, copied)
        for table in (*TABLES, "facts_fts"):  # the planner's statistics, at once rather than at autovacuum's leisure
            await dst.execute(f"ANALYZE {table}")
    copied.seconds = time.perf_counter() - started
    return copied


async def _check_empty(tx: Transaction, shown: str) -> None:
    for table in (*TABLES, "facts_fts"):
        if await tx.fetchval(f"SELECT 1 FROM {table} LIMIT 1"):
            raise StoreError(f"the PostgreSQL store at {shown} is not empty ({table} has rows); copy into an empty one")


async def _columns(tx: Transaction, table: str) -> list[tuple[str, str]]:
    """The columns of a PostgreSQL table, in order, with their types."""
    rows = await tx.fetch(
        """SELECT column_name, data_type FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position""",
        (table,),
    )
    return [(r[0], r[1]) for r in rows]


def _converter(data_type: str) -> Callable[[Any], Any]:
    """SQLite keeps what it is given; PostgreSQL's COPY wants each column's own type."""
    if data_type in {"bigint", "integer", "smallint"}:
        return lambda v: v if v is None or type(v) is int else int(v)
    if data_type == "bytea":
        return lambda v: (
            v
            if v is None or type(v) is bytes
            else bytes(v)
            if isinstance(v, bytes | bytearray | memoryview)
            else str(v).encode()
        )
    return lambda v: v if v is None or type(v) is str else str(v)


async def _copy_table(src: Transaction, dst: Transaction, table: str, batch: int) -> int:
    columns = await _columns(dst, table)
    names = [c for c, _ in columns]
    convert = [_converter(t) for _, t in columns]
    later = SELF_REFERENCES.get(table, ())
    position = {c: names.index(c) for c in later}
    key = names.index("id") if later else 0
    fixes: list[tuple[int, str, int]] = []  # (id, column, value) of a reference to a row copied after
    quoted = ", ".join(f'"{c}"' for c in names)
    count = 0
    async for rows in src.iterate(f"SELECT {quoted} FROM {table}{' ORDER BY id' if later else ''}", batch=batch):
        records = []
        for row in rows:
            record = [f(v) for f, v in zip(convert, row, strict=True)]
            for column, i in position.items():
                if record[i] is not None and record[i] >= record[key]:
                    fixes.append((record[key], column, record[i]))
                    record[i] = None
            records.append(record)
        await dst.copy_rows(table, names, records)
        count += len(records)
    for column in later:
        await dst.executemany(
            f"UPDATE {table} SET {column} = ? WHERE id = ?", [(value, i) for i, c, value in fixes if c == column]
        )
    log.info("copied %d rows of %s", count, table)
    return count


async def _index(src: Transaction, dst: Transaction, batch: int) -> int:
    """The search index, built again from the quotes and the sentences of estimates."""
    count = 0
    async for rows in src.iterate(
        """SELECT 'quote', id, text, COALESCE(speaker, '') FROM quotes
           UNION ALL
           SELECT 'estimate', e.id, st.text, e.claimant FROM estimates AS e JOIN sentences AS st ON st.id = e.sentence_id""",
        batch=batch,
    ):
        await fulltext.index_rows(dst, rows)
        count += len(rows)
    return count


async def _continue_ids(tx: Transaction) -> None:
    """New rows get ids after the largest copied."""
    for table in TABLES:
        if "id" not in {c for c, _ in await _columns(tx, table)} or (
            await tx.fetchval("SELECT pg_get_serial_sequence(?, 'id')", (table,)) is None
        ):
            continue
        await tx.fetch(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {table}"
        )


async def _check_counts(src: Connection, dst: Connection, copied: Copied) -> None:
    for table in TABLES:
        there = await dst.fetchval(f"SELECT COUNT(*) FROM {table}")
        here = await src.fetchval(f"SELECT COUNT(*) FROM {table}")
        if here != there or there != copied.rows[table]:
            raise StoreError(f"the copy of {table} holds {there} rows, not {here}; nothing was copied")
