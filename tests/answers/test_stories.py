"""One deployment, several stories, on the console, the command line and the store: each story's
/estimate holds only its numbers and statuses; an article belongs to every story whose topic it
matches (or to the one named); a store made before stories keeps everything under the default one."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest
from rich.console import Console

from briefings.answers import queries
from briefings.sources.ingest import ingest_paths
from briefings.store import facts as store
from briefings.store.facts import connect, schema_version
from briefings.storyset import default_stories
from briefings.terminal import console
from tests.conftest import ROOT
from tests.stories import STORY_ARTICLES, write_story_articles


def text_of(shown) -> str:
    out = Console(width=200, record=True, file=io.StringIO())
    out.print(shown)
    return " ".join(out.export_text().split())


async def test_the_console_answers_each_storys_estimate_with_only_its_facts(conn, tmp_path) -> None:
    lines = await ingest_paths(conn, write_story_articles(tmp_path))
    assert [line.error for line in lines] == [None, None, None]

    storm = text_of(await console.answer(conn, "/estimate story:hurricane-helene"))
    assert "Hurricane Helene: the human toll" in storm
    assert "State emergency officials 41 killed" in storm and "State emergency officials 17 missing" in storm
    for other in ("220,000", "7,500", "deployed", "attended", "arrested"):
        assert other not in storm

    march = text_of(await console.answer(conn, "/estimate story:hong-kong-protests status:Crowd"))
    assert "Organisers 220,000 attended" in march and "36" not in march and "41" not in march

    troops = text_of(await console.answer(conn, "/estimate"))  # the default story
    assert "7,500" in troops and "41" not in troops and "220,000" not in troops

    assert "There is no story 'volcano'" in text_of(await console.answer(conn, "/estimate story:volcano"))
    wrong = text_of(await console.answer(conn, "/estimate story:hurricane-helene status:deployed"))
    assert wrong.startswith("'deployed' is not a status of hurricane-helene; its statuses are killed, injured,")

    timeline = text_of(await console.answer(conn, "/timeline story:hong-kong-protests"))
    assert "Joel Tam" in timeline and "Lena Ortiz" not in timeline and "Ana Velez" not in timeline
    about = text_of(await console.answer(conn, "/about"))
    assert "- hong-kong-protests: Hong Kong protests (2019), 1 source" in about


def briefings(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFINGS_")}
    return subprocess.run(
        [sys.executable, "-m", "briefings.cli", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**clean, "COLUMNS": "200", **env},
        timeout=120,
    )


def test_the_command_line_answers_each_storys_estimate_with_only_its_facts(tmp_path) -> None:
    env = {"BRIEFINGS_DB": str(tmp_path / "three.db")}
    ingested = briefings("ingest", *write_story_articles(tmp_path), **env)
    assert ingested.returncode == 0, ingested.stderr
    for story, values in {
        "hurricane-helene": {("killed", 41), ("missing", 17)},
        "hong-kong-protests": {("attended", 220_000), ("arrested", 36)},
        "north-korean-troops": {("frontline", 7_500)},
    }.items():
        got = briefings("estimate", "--story", story, "--format", "json", **env)
        assert got.returncode == 0, got.stderr
        picture = json.loads(got.stdout)
        assert {(e["status"], e["value"]) for e in picture["latest"]} == values
        assert {e["story"] for e in picture["latest"]} == {story}
        assert picture["story"]["name"] == story
    sources = briefings("sources", "--story", "hurricane-helene", "--format", "json", **env)
    assert [s["outlet"] for s in json.loads(sources.stdout)] == ["Coastal Herald"]
    bad = briefings("estimate", "--story", "hurricane-helene", "--status", "attended", **env)
    assert bad.returncode == 2
    assert bad.stderr.startswith("error: 'attended' is not a status of hurricane-helene; its statuses are killed")


async def test_an_article_belongs_to_every_story_its_topic_matches_or_to_the_one_named(conn, tmp_path) -> None:
    both = tmp_path / "both.txt"
    both.write_text(
        "---\noutlet: Relay\ntitle: Hong Kong protesters march for Helene's victims\npublished: 2025-10-02\n---\n"
        "Organisers said 3,000 protesters marched in Hong Kong to raise money after Hurricane Helene.\n"
        '"We wanted to help," said volunteer Kit Wong.\n',
        encoding="utf-8",
    )
    (line,) = await ingest_paths(conn, [str(both)])
    assert line.result is not None and line.result.added
    (source,) = await queries.sources(conn)
    assert source.stories == ["hong-kong-protests", "hurricane-helene"]
    assert source.quotes == 1  # quotes do not depend on the story: stored once
    assert [q.text for q in await queries.quotes_by(conn, "Kit Wong")] == ["We wanted to help"]
    march = await queries.estimates(conn, story="hong-kong-protests")
    assert [(e.value, e.status, e.story) for e in march.latest] == [(3000, "attended", "hong-kong-protests")]

    # named with `ingest --story`: that story only, whatever its topic says
    (storm,) = [p for p in write_story_articles(tmp_path) if p.endswith("storm.txt")]
    (line,) = await ingest_paths(conn, [storm], story="hong-kong-protests")
    assert line.result is not None and line.result.added
    listed = {s.outlet: s.stories for s in await queries.sources(conn)}
    assert listed["Coastal Herald"] == ["hong-kong-protests"]
    assert not (await queries.estimates(conn, story="hurricane-helene", stored_until=None)).latest


# ------------------------------------------------------------------ a store made before stories

OLD = 13  # the schema before stories


async def test_a_store_made_before_stories_keeps_everything_under_the_default_story(empty_db_url, monkeypatch) -> None:
    shipped = store.migrations
    monkeypatch.setattr(
        store, "migrations", lambda dialect=store.db.SQLITE: [m for m in shipped(dialect) if m.number <= OLD]
    )
    async with connect(empty_db_url) as old:
        assert await store._version(old) == OLD
        source = await old.fetchval(
            """INSERT INTO sources (origin, outlet, kind, content_hash, body, shingle_count, ingested_at)
               VALUES ('old.txt', 'Old Wire', 'original', 'h1', 'Pyongyang sent 9,000 troops.', 0,
                       '2024-11-01T00:00:00+00:00') RETURNING id"""
        )
        sentence = await old.fetchval(
            'INSERT INTO sentences (source_id, start, "end", text) VALUES (?, 0, 28, ?) RETURNING id',
            (source, "Pyongyang sent 9,000 troops."),
        )
        estimate = await old.fetchval(
            """INSERT INTO estimates (source_id, sentence_id, claimant, value, qualifier, status, claimed_on, date_basis,
                                      claim_key, created_at, group_key)
               VALUES (?, ?, 'Old Wire', 9000, 'exact', 'deployed', '2024-11-01', 'published', 'e:old wire:9000:deployed',
                       '2024-11-01T00:00:00+00:00', 'name:old wire') RETURNING id""",
            (source, sentence),
        )
        await old.execute(
            """INSERT INTO claim_latest (group_key, status, estimate_id, claimed_on, value)
               VALUES ('name:old wire', 'deployed', ?, '2024-11-01', 9000)""",
            (estimate,),
        )
        await old.execute(
            """INSERT INTO subscriptions (guild_id, channel_id, at_time, timezone, every, status, watermark, last_slot,
                                          created_at)
               VALUES (1, 2, '08:00', 'UTC', 'day', 'planned', 't', 't', 't')"""
        )
        await old.execute("INSERT INTO feeds (url, added_at) VALUES ('https://example.org/rss', 't')")
    monkeypatch.setattr(store, "migrations", shipped)

    async with connect(empty_db_url) as conn:
        assert await store._version(conn) == schema_version(conn.dialect)
        rows = await conn.fetch("SELECT story, source_id FROM source_stories")
        assert [tuple(r) for r in rows] == [("north-korean-troops", source)]
        picture = await queries.estimates(conn)  # the default story's, as before
        assert [(e.id, e.value, e.status, e.story) for e in picture.latest] == [
            (estimate, 9000, "deployed", "north-korean-troops")
        ]
        assert await queries.estimates(conn, story="hurricane-helene") == await queries.estimates(
            conn, story="hong-kong-protests"
        )
        sub = await conn.fetchone("SELECT story, status FROM subscriptions")
        assert tuple(sub) == ("north-korean-troops", "planned")
        assert json.loads(await conn.fetchval("SELECT stories FROM feeds")) == ["north-korean-troops"]
        # the old CHECK on the seed story's four statuses is gone: another story's status is stored
        storm = default_stories().find("hurricane-helene")
        await conn.execute(
            """INSERT INTO estimates (source_id, sentence_id, claimant, value, qualifier, status, date_basis, claim_key,
                                      created_at, group_key, story)
               VALUES (?, ?, 'x', 5, 'exact', 'killed', 'unknown', 'k', 't', 'name:x', ?)""",
            (source, sentence, storm.name),
        )
        if not conn.dialect.postgresql:
            assert await conn.fetchval("PRAGMA integrity_check") == "ok"


@pytest.mark.parametrize("name", sorted(STORY_ARTICLES))
def test_each_invented_article_names_only_its_storys_topic(name) -> None:
    article = STORY_ARTICLES[name]
    assert [s.name for s in default_stories().of_article(article.text)] == [article.story]
