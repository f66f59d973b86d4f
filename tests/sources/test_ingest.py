"""Ingest: a batch with bad files still stores the good ones, whole or not at all, once."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefings.sources import ingest
from briefings.sources.articles import MAX_ARTICLE_BYTES
from briefings.sources.ingest import ingest_paths
from briefings.store import facts as store
from briefings.store.db import Connection
from tests.conftest import article, failing_at
from tests.sources.test_worker import long_article

STORY = """Officials in Vardia said on Monday that about 4,000 soldiers had crossed into the northern region.
“We have seen columns moving for three days,” Defence Minister Alma Ruiz told lawmakers on Tuesday.
Ruiz said a further 2,000 troops would be sent by the end of the month.
The ministry declined to say where the units were based, citing security concerns for the families involved."""


async def count(conn: Connection, table: str) -> int:
    row = await conn.fetchone(f"SELECT COUNT(*) FROM {table}")
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
    monkeypatch.setattr(store, "upsert_entity", failing_at(2, real, RuntimeError("disk full")))
    (failed,) = await ingest_paths(conn, [str(path)])
    assert failed.describe() == f"error: {path}: failed (RuntimeError: disk full); it was not stored"
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


def cli(tmp_path: Path, *argv: str, timeout: float = 300, **env: str) -> subprocess.CompletedProcess[str]:
    """`briefings` as a user runs it: its own process, settings from the environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFINGS_")}
    clean.update({"BRIEFINGS_DB": str(tmp_path / "cli.db"), "COLUMNS": "200", **env})
    return subprocess.run(
        [sys.executable, "-m", "briefings.cli", *argv], env=clean, capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.timing
def test_one_bad_article_is_that_articles_line_and_the_rest_go_on(write, tmp_path) -> None:
    first = write("a.txt", article("Ledger", "2025-03-13", STORY))
    big = write("b.txt", article("Ledger", "2025-03-13", long_article()))
    page = write("c.html", "<html><head><title>x</title></head><body></body></html>")
    last = write("d.txt", article("Courier", "2025-03-14", "Pyongyang has sent 3,000 more troops, officials said."))
    paths = [str(first), str(big), str(tmp_path / "gone.txt"), str(page), str(last)]
    done = cli(tmp_path, "ingest", *paths, BRIEFINGS_EXTRACT_BUDGET="1")  # the long one takes seconds, the rest ms
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        f"added: {first} as source 1: 1 quote, 2 estimates",
        f"added: {last} as source 2: 0 quotes, 1 estimate",
        "2 added, 0 unchanged, 3 failed",
    ]
    assert done.stderr.splitlines() == [
        f"error: {big}: took longer than 1 s to extract (BRIEFINGS_EXTRACT_BUDGET); it was stopped and not stored",
        f"error: {tmp_path / 'gone.txt'}: does not exist",
        f"error: {page}: is an HTML page with no article text that could be extracted",
    ]


async def test_an_unexpected_fault_in_one_article_spares_the_batch(conn, write, monkeypatch) -> None:
    paths = [write(f"{n}.txt", article(f"Outlet {n}", "2025-03-13", STORY)) for n in "abc"]
    real = ingest.add_article

    async def store_refusing_b(conn, art, facts, **kwargs):  # as SQLite refuses a value it cannot hold
        if art.origin.endswith("b.txt"):
            raise OverflowError("Python int too large to convert to SQLite INTEGER")
        return await real(conn, art, facts, **kwargs)

    monkeypatch.setattr(ingest, "add_article", store_refusing_b)
    a, b, c = [line.describe() for line in await ingest_paths(conn, [str(p) for p in paths])]
    assert a == f"added: {paths[0]} as source 1: 1 quote, 2 estimates"
    assert (
        b
        == f"error: {paths[1]}: failed (OverflowError: Python int too large to convert to SQLite INTEGER); it was not stored"
    )
    assert c.startswith(f"added: {paths[2]} as source 2: 1 quote, 2 estimates")


async def ingested_and_found(tmp_path: Path, db_url: str, path: Path, word: str) -> dict:
    """One article file ingested, then searched for `word`, by the command line in processes of their
    own (the timeouts only stop a hang): the one hit, as JSON."""
    env = {"BRIEFINGS_DB": db_url, "BRIEFINGS_EXTRACT_BUDGET": "60"}
    done = await asyncio.to_thread(cli, tmp_path, "ingest", str(path), timeout=120, **env)
    assert done.stdout.splitlines()[0] == f"added: {path} as source 1: 1 quote, 0 estimates", done.stderr
    found = await asyncio.to_thread(cli, tmp_path, "search", "--format", "json", word, timeout=120, **env)
    assert found.returncode == 0, found.stderr
    (hit,) = json.loads(found.stdout)
    return hit


async def test_a_letter_under_a_million_combining_marks_is_stored_and_found(write, tmp_path, db_url) -> None:
    # the cap's worth of marks on one letter, in a quote: sorting them (unicodedata.normalize, when the
    # quote's key and its search words are folded) took hours
    marks = "\u0301\u0316\u0337" * ((MAX_ARTICLE_BYTES - 200) // 6)
    body = f"Mayor Lena Ortiz said: \u201ct{marks} and the bridge opens in May.\u201d\nThe council agreed."
    path = write("marks.txt", article("Ledger", "2025-03-13", body))
    assert MAX_ARTICLE_BYTES - 200 < path.stat().st_size <= MAX_ARTICLE_BYTES
    hit = await ingested_and_found(tmp_path, db_url, path, "bridge")
    assert hit["who"] == "Lena Ortiz" and hit["text"] == f"t{marks} and the bridge opens in May."


def test_addresses_of_the_special_purpose_registries_are_never_fetched(tmp_path) -> None:
    # 192.0.0.192 is a cloud's metadata service; the standard library called it global on 3.11 and 3.12
    urls = [
        "http://192.0.0.192/latest/meta-data/",
        "http://3221225664/latest/",
        "http://[::ffff:c000:c0]/",
        "http://[2002:c000:c0::1]/",
    ]
    done = cli(tmp_path, "ingest", *urls, BRIEFINGS_FEED_TIMEOUT="3")
    assert done.returncode == 1 and done.stdout.splitlines() == ["0 added, 0 unchanged, 4 failed"]
    assert done.stderr.splitlines() == [
        f"error: {urls[0]}: refused: 192.0.0.192 is an IETF protocol assignment address (192.0.0.0/24, RFC 6890); "
        "only public addresses are fetched",
        f"error: {urls[1]}: refused: 3221225664 is an IPv4 address written in a legacy numeric form; "
        "only public addresses are fetched",
        f"error: {urls[2]}: refused: ::ffff:c000:c0 is an IETF protocol assignment address (192.0.0.192) in IPv6 "
        "form (192.0.0.0/24, RFC 6890); only public addresses are fetched",
        f"error: {urls[3]}: refused: 2002:c000:c0::1 is an IETF protocol assignment address (192.0.0.192) in IPv6 "
        "form (192.0.0.0/24, RFC 6890); only public addresses are fetched",
    ]


async def test_a_quote_of_a_hundred_thousand_matching_words_is_found(write, tmp_path, db_url) -> None:
    # each window of the snippet counted every match again: hours for a quote whose words all match
    body = f"Mayor Lena Ortiz said: \u201c{'bridge ' * 100_000}opens in May.\u201d\nThe council agreed."
    hit = await ingested_and_found(
        tmp_path, db_url, write("bridges.txt", article("Ledger", "2025-03-13", body)), "bridge"
    )
    assert hit["snippet"] == "bridge " * 15 + "bridge…" and len(hit["highlights"]) == 16  # each word matched
