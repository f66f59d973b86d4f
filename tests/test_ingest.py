"""Ingest: a batch with bad files still stores the good ones, whole or not at all, once."""

from __future__ import annotations

from pathlib import Path

import aiosqlite
import pytest

from briefings import store
from briefings.articles import MAX_ARTICLE_BYTES
from briefings.ingest import ingest_paths
from tests.conftest import article

STORY = """Officials in Vardia said on Monday that about 4,000 soldiers had crossed into the northern region.
“We have seen columns moving for three days,” Defence Minister Alma Ruiz told lawmakers on Tuesday.
Ruiz said a further 2,000 troops would be sent by the end of the month.
The ministry declined to say where the units were based, citing security concerns for the families involved."""


async def count(conn: aiosqlite.Connection, table: str) -> int:
    async with conn.execute(f"SELECT COUNT(*) FROM {table}") as cur:
        row = await cur.fetchone()
    return row[0]


async def test_batch_with_bad_files_reports_each_and_stores_the_rest(conn, write, tmp_path) -> None:
    good = write("good.txt", article("Ledger", "2025-03-13", STORY))
    write("empty.txt", "")
    write("binary.txt", b"\x00\x01\x02\x03binary")
    write("latin1.txt", "Caf\u00e9 news".encode("latin-1"))
    write("header.txt", "---\noutlet Ledger\n---\nBody")
    write("huge.txt", "word " * (MAX_ARTICLE_BYTES // 5 + 10))
    lines = await ingest_paths(conn, [str(good.parent), str(tmp_path / "missing.txt")])
    errors = {Path(line.path).name: line.error for line in lines if line.error}
    assert set(errors) == {"empty.txt", "binary.txt", "latin1.txt", "header.txt", "huge.txt", "missing.txt"}
    assert "does not exist" in errors["missing.txt"]
    assert all(line.describe().startswith("error: ") for line in lines if line.error)
    assert await count(conn, "sources") == 1
    assert await count(conn, "quotes") == 1
    assert await count(conn, "estimates") == 2


async def test_reingesting_changes_nothing(conn, write) -> None:
    path = write("story.txt", article("Ledger", "2025-03-13", STORY))
    first = await ingest_paths(conn, [str(path)])
    before = [await count(conn, t) for t in ("sources", "quotes", "estimates", "entities", "sentences")]
    again = await ingest_paths(conn, [str(path)])
    assert first[0].result.added and not again[0].result.added
    assert again[0].result.source_id == first[0].result.source_id
    assert [await count(conn, t) for t in ("sources", "quotes", "estimates", "entities", "sentences")] == before


async def test_an_article_is_stored_whole_or_not_at_all(conn, write, monkeypatch) -> None:
    path = write("story.txt", article("Ledger", "2025-03-13", STORY))
    real = store.upsert_entity
    calls = 0

    async def failing(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("disk full")
        return await real(*args, **kwargs)

    monkeypatch.setattr(store, "upsert_entity", failing)
    with pytest.raises(RuntimeError):
        await ingest_paths(conn, [str(path)])
    for table in ("sources", "sentences", "quotes", "estimates", "entities", "source_shingles"):
        assert await count(conn, table) == 0, table
    monkeypatch.setattr(store, "upsert_entity", real)
    (line,) = await ingest_paths(conn, [str(path)])
    assert line.result.added and await count(conn, "estimates") == 2


async def test_near_copy_and_rewrite_are_not_independent(conn, write) -> None:
    original = write("a.txt", article("Ledger", "2025-03-13", STORY))
    # the same report with a new first line and a trimmed ending: a syndicated copy
    copy_body = "VARDIA CITY — A developing story.\n" + STORY.rsplit("\n", 1)[0]
    copy = write("b.txt", article("Ledger Syndication", "2025-03-13", copy_body))
    rewrite = write(
        "c.txt",
        article(
            "Aggregator",
            "2025-03-14",
            """Vardia is reportedly moving soldiers north, with officials putting the figure near 4,000.
            Speaking to lawmakers, Ruiz said: “We have seen columns moving for three days.”
            Another 2,000 troops are on their way, the minister added.""",
            kind="rewrite",
        ),
    )
    other = write(
        "d.txt",
        article(
            "Courier",
            "2025-03-15",
            """Minister Alma Ruiz said on Friday that 4,000 soldiers had crossed into the northern region.
            The opposition demanded a full debate in parliament before any further deployment.""",
        ),
    )
    lines = await ingest_paths(conn, [str(original), str(copy), str(rewrite), str(other)])
    results = [line.result for line in lines]
    assert results[1].copy_of == results[0].source_id
    assert results[2].rewrite_of == results[0].source_id
    assert results[3].copy_of is None and results[3].rewrite_of is None
    assert "not counted as independent" in lines[1].describe()
