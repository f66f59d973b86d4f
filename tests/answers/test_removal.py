"""Removing a source ingested by mistake: its facts go, and every count is as if it had never come."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from briefings.answers import queries
from briefings.answers.removal import find_source, remove_source
from briefings.sources.ingest import ingest_paths
from briefings.store.db import Connection
from briefings.store.facts import shingle_hashes
from briefings.words import source_label
from tests.conftest import SEEDS


async def rows(conn: Connection, sql: str, *params: object) -> list[tuple]:
    return [tuple(r) for r in await conn.fetch(sql, params)]


async def assert_counts_are_true(conn: Connection) -> None:
    """Every derived table equals what the facts left give, counted from scratch."""
    carried = await rows(
        conn,
        """SELECT f.claim_key, COALESCE(s.root_id, s.id), s.id, s.outlet, s.origin
             FROM (SELECT claim_key, source_id FROM quotes UNION ALL SELECT claim_key, source_id FROM estimates) AS f
             JOIN sources AS s ON s.id = f.source_id""",
    )
    roots: dict[str, set[int]] = {}
    labels: dict[str, set[str]] = {}
    for key, root, *source in carried:
        roots.setdefault(key, set()).add(root)
        labels.setdefault(key, set()).add(source_label(*source))
    stats = {}
    for k, n, o, d in await rows(conn, "SELECT claim_key, independent, outlets, dated FROM claim_stats"):
        assert json.loads(o) == [label for label, _ in json.loads(d)]  # the outlets kept, with their dates
        stats[k] = (n, set(json.loads(o)))
    assert stats == {k: (len(roots[k]), labels[k]) for k in roots}
    assert set(await rows(conn, "SELECT claim_key, root FROM claim_roots")) == {
        (k, r) for k, rs in roots.items() for r in rs
    }
    latest = await rows(
        conn,
        """SELECT group_key, status, id FROM (SELECT group_key, status, id, ROW_NUMBER() OVER (
               PARTITION BY group_key, status ORDER BY COALESCE(claimed_on, '') DESC, id DESC) AS rn FROM estimates) AS ranked
            WHERE rn = 1""",
    )
    assert set(await rows(conn, "SELECT group_key, status, estimate_id FROM claim_latest")) == set(latest)
    df: Counter[int] = Counter()
    for (body,) in await rows(conn, "SELECT body FROM sources"):
        df.update(shingle_hashes(body))
    assert dict(await rows(conn, "SELECT hash, n FROM shingle_df")) == dict(df)
    facts = await rows(conn, "SELECT 'quote', id FROM quotes UNION ALL SELECT 'estimate', id FROM estimates")
    assert sorted(await rows(conn, "SELECT kind, fact_id FROM facts_fts")) == sorted(facts)
    ids = {r[0] for r in await rows(conn, "SELECT id FROM sources")}
    for copy_of, rewrite_of, root in await rows(conn, "SELECT copy_of, rewrite_of, root_id FROM sources"):
        assert {copy_of, rewrite_of, root} - {None} <= ids  # nothing points at a removed source


@pytest.fixture
async def seeded(conn):
    await ingest_paths(conn, [str(SEEDS)])
    await assert_counts_are_true(conn)
    return conn


async def test_removing_an_original_hands_its_copies_to_the_closest_original_left_and_every_count_true(seeded) -> None:
    nbc = next(s for s in await queries.sources(seeded) if s.outlet == "NBC News" and s.copy_of is None)
    dependents = [s.id for s in await queries.sources(seeded) if nbc.id in (s.copy_of, s.rewrite_of)]
    assert len(dependents) == 2  # the seeds hold a near-copy and a rewrite of it
    removed = await remove_source(seeded, nbc.id)
    assert (removed.id, removed.outlet, removed.quotes, removed.estimates) == (
        nbc.id,
        "NBC News",
        nbc.quotes,
        nbc.estimates,
    )
    await assert_counts_are_true(seeded)
    left = {s.id: s for s in await queries.sources(seeded)}
    assert nbc.id not in left
    # the near-copy stands on its own now; the rewrite is a rewrite of it (it carries the same quotes)
    (copy,) = [d for d in dependents if left[d].kind.value == "original"]
    (rewrite,) = [d for d in dependents if d != copy]
    assert removed.independent_now == [copy]
    assert (left[copy].copy_of, left[copy].rewrite_of) == (None, None)
    assert left[rewrite].rewrite_of == copy
    for q in await queries.quotes_by(seeded, "kirby"):  # what the copy carries is still there, on its own
        assert q.source.id != nbc.id and q.independent_sources >= 1


async def test_removing_a_copy_keeps_the_original_and_lowers_its_outlets(seeded) -> None:
    copy = next(s for s in await queries.sources(seeded) if s.copy_of is not None)
    await remove_source(seeded, copy.id)
    await assert_counts_are_true(seeded)
    assert copy.id not in {s.id for s in await queries.sources(seeded)}
    assert await queries.quotes_by(seeded, "kirby")


async def test_removing_every_source_leaves_an_empty_store(seeded) -> None:
    for s in await queries.sources(seeded):
        await remove_source(seeded, s.id)
    await assert_counts_are_true(seeded)
    for table in ("sources", "quotes", "estimates", "entities", "entity_aliases", "claim_stats", "shingle_df"):
        assert await rows(seeded, f"SELECT COUNT(*) FROM {table}") == [(0,)], table
    assert (await queries.estimates(seeded)).latest == []


async def test_a_source_is_found_by_id_url_or_path(seeded) -> None:
    listed = await queries.sources(seeded)
    with_url = next(s for s in listed if s.url)
    assert await find_source(seeded, str(with_url.id)) == with_url.id
    assert await find_source(seeded, with_url.url + "#fragment") == with_url.id  # the canonical form
    assert await find_source(seeded, listed[0].origin) == listed[0].id
    with pytest.raises(queries.QueryError, match="There is no source '999'"):
        await find_source(seeded, "999")
    with pytest.raises(queries.QueryError, match=r"There is no source 'https://nowhere\.example/x'"):
        await find_source(seeded, "https://nowhere.example/x")


async def test_a_claim_carried_by_a_file_without_an_outlet_is_recounted_under_the_file_s_name(seeded, write) -> None:
    plain = write(
        "notes.txt", "“They’re fair game,” National Security Council spokesperson John Kirby told reporters.\n"
    )
    await ingest_paths(seeded, [str(plain)])
    nbc = next(s for s in await queries.sources(seeded) if s.outlet == "NBC News" and s.copy_of is None)
    await remove_source(seeded, nbc.id)  # the claims NBC carried are counted again, from SQL
    await assert_counts_are_true(seeded)
    (fair,) = [q for q in await queries.quotes_by(seeded, "kirby") if q.text == "They’re fair game"]
    assert "notes.txt" in fair.reported_by
