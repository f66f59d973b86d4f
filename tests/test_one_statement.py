"""One statement is one claim under one claimant: a government, its ministry and the minister or
spokesperson who voiced the number are one claimant when an article gives them the same number; the
person named right after an unnamed spokesperson repeating the number is that spokesperson. Articles
written for these tests."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from briefings.answers import queries
from briefings.extract import extract
from briefings.extract.identity import identity
from briefings.sources.ingest import ingest_paths
from briefings.store.facts import connect, estimate_key
from tests.conftest import article

MINISTER = article(
    "Ledger",
    "2025-03-13",
    """Some 8,000 troops will be sent to the front, Japan said on Thursday.
Japanese Defence Minister Aki Tanaka told lawmakers on Thursday that the total was expected to reach 8,000 troops.
Japan's defence ministry shared the estimate with reporters.""",
)
REWRITTEN = (  # the minister's report as the original gives it, and an aggregator's rewrite of it
    article(
        "Harbor Times",
        "2025-03-13",
        """Some 8,000 troops will be sent to the front, Japan said on Thursday.
Japanese Defence Minister Aki Tanaka told lawmakers on Thursday that the total was expected to reach 8,000 troops.
“We are watching every road into the valley, day and night, and we will not be surprised,” Tanaka said.
“The convoys move at night and the weather is on their side this week,” Tanaka added.""",
    ),
    article(
        "Scroll Digest",
        "",
        """Japan has estimated that about 8,000 troops will soon be sent to the front, it announced Thursday.
“We are watching every road into the valley, day and night, and we will not be surprised,” Tanaka said.
“The convoys move at night and the weather is on their side this week,” Tanaka added.""",
        kind="rewrite",
    ),
)
SPOKESPERSON = article(
    "Courier",
    "2025-03-13",
    """According to the Japanese government, about 5,000 troops are now in the border region.
On Monday, a Japanese Foreign Ministry spokesperson said as many as 5,000 troops were in the border region.
“We now believe as many as 5,000 troops have made their way to the border region,” Lena Marsh told a press briefing.""",
)
TWO_AGENCIES = (
    "Some 9,000 troops will be sent to the front, Japan said on Thursday. Japan's defence ministry put the number at "
    "9,000 troops, and Japan's foreign ministry also put it at 9,000 troops."
)


def _body(text: str) -> str:
    return text.split("---", 2)[2].strip()


def test_a_government_and_its_minister_giving_one_number_are_the_ministrys_claim() -> None:
    found = extract(_body(MINISTER), dt.date(2025, 3, 13), "Ledger").estimates
    assert [e.value for e in found] == [8000, 8000]
    bodies = {identity(e.voiced_for).key for e in found if e.voiced_for is not None}
    assert len(bodies) == 1 and len([e for e in found if e.voiced_for]) == 2, found
    assert [e.claimant for e in found] == ["Japan", "Aki Tanaka"]  # the article's words are kept


def test_with_two_of_its_bodies_giving_the_number_a_governments_claim_stays_its_own() -> None:
    found = extract(TWO_AGENCIES, dt.date(2025, 3, 13), "Ledger").estimates
    japan = [e for e in found if e.claimant == "Japan"]
    assert japan and japan[0].voiced_for is None


def test_the_person_named_after_an_unnamed_spokesperson_is_that_spokesperson() -> None:
    facts = extract(_body(SPOKESPERSON), dt.date(2025, 3, 13), "Courier")
    marsh = next(e for e in facts.entities if e.name == "Lena Marsh")
    assert marsh.role is not None and "spokesperson" in marsh.role
    (voiced,) = [e for e in facts.estimates if e.claimant == "Lena Marsh"]
    assert voiced.voiced_for is not None and (voiced.date, voiced.date_basis.value) == (dt.date(2025, 3, 10), "stated")


async def test_one_statement_is_one_claimant_in_the_picture(conn, write) -> None:
    paths = [write(f"{i}.txt", t) for i, t in enumerate([MINISTER, SPOKESPERSON])]
    await ingest_paths(conn, [str(p) for p in paths])
    picture = await queries.estimates(conn, status=None)
    lines = sorted((v.value, v.status, v.claimant, v.voiced_by) for v in picture.latest)
    assert [(value, voice) for value, _, _, voice in lines] == [(5000, "Lena Marsh"), (8000, "Aki Tanaka")], lines
    assert {r.status: r.claimants for r in picture.ranges} == {"deployed": 1, "planned": 1}
    who = await queries.who(conn, "Lena Marsh")
    assert who.profile is not None and [v.value for v in who.profile.estimates] == [5000]  # one claim


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
async def test_a_rewrite_that_says_the_government_restates_the_originals_claimant(conn, write, order) -> None:
    paths = [write(f"{i}.txt", REWRITTEN[i]) for i in order]
    await ingest_paths(conn, [str(p) for p in paths])
    picture = await queries.estimates(conn, status=None)
    lines = [(v.claimant, v.voiced_by, v.number, v.claimed_on) for v in picture.latest if v.value == 8000]
    assert len(lines) == 1, lines  # not the rewrite's "Japan" beside the ministry
    (claim,) = [v for v in picture.latest if v.value == 8000]
    assert claim.voiced_by == "Aki Tanaka" and claim.number == "8,000"  # as the original reported it
    assert claim.reported_by == ["Harbor Times", "Scroll Digest"] and claim.independent_sources == 1


async def test_a_government_as_claimant_answers_with_its_bodies_claims(conn, write) -> None:
    other = article(
        "Post", "2025-03-13", "Ostland's defence ministry said on Thursday that 2,000 troops would be sent."
    )
    paths = [write(f"{i}.txt", t) for i, t in enumerate([MINISTER, other])]
    await ingest_paths(conn, [str(p) for p in paths])
    japan = await queries.estimates(conn, status=None, claimant="Japan")
    assert [(v.value, v.voiced_by) for v in japan.latest] == [(8000, "Aki Tanaka")]  # the ministry's, Japan's
    tanaka = await queries.estimates(conn, status=None, claimant="Tanaka")
    assert [v.value for v in tanaka.latest] == [8000]


@pytest.mark.engines("sqlite")
async def test_the_migration_files_an_older_stores_ministers_junk_and_rewrites_again(db_path, write) -> None:
    async with connect(db_path) as conn:
        await ingest_paths(conn, [str(write(f"{i}.txt", t)) for i, t in enumerate(REWRITTEN)])
        quotes = (await conn.fetch("SELECT COUNT(*) FROM quotes"))[0][0]
    # as version 15 stored them: the minister's claim his own, the rewrite's "Japan" the country's, and a
    # phrase that names no one an entity with a quote
    raw = sqlite3.connect(db_path)
    (tanaka,) = raw.execute("SELECT id FROM entities WHERE name = 'Aki Tanaka'").fetchone()
    (japan,) = raw.execute("SELECT id FROM entities WHERE key = 'country:japan'").fetchone()
    raw.execute("UPDATE estimates SET entity_id = ?, voiced_by = NULL WHERE voiced_by = ?", (tanaka, tanaka))
    raw.execute("UPDATE estimates SET entity_id = ? WHERE claimant LIKE 'Japan%'", (japan,))
    for row_id, entity_id, claimant, value, status in raw.execute(
        "SELECT id, entity_id, claimant, value, status FROM estimates"
    ).fetchall():
        raw.execute(
            "UPDATE estimates SET claim_key = ?, group_key = ? WHERE id = ?",
            (estimate_key(entity_id, claimant, value, status), f"id:{entity_id}", row_id),
        )
    raw.execute(
        "INSERT INTO entities (name, key, kind, first_seen) VALUES ('neighbouring states', 'unknown:neighbouring states',"
        " 'unknown', '2025')"
    )
    (junk,) = raw.execute("SELECT id FROM entities WHERE key = 'unknown:neighbouring states'").fetchone()
    raw.execute("UPDATE quotes SET entity_id = ? WHERE id = (SELECT MIN(id) FROM quotes)", (junk,))
    raw.execute("PRAGMA user_version = 15")
    raw.commit()
    raw.close()
    async with connect(db_path) as conn:
        picture = await queries.estimates(conn, status=None)
        assert [(v.value, v.voiced_by) for v in picture.latest] == [(8000, "Aki Tanaka")], picture.latest
        assert picture.latest[0].reported_by == ["Harbor Times", "Scroll Digest"]
        assert not await conn.fetch("SELECT 1 FROM entities WHERE id = ?", (junk,))
        assert (await conn.fetch("SELECT COUNT(*) FROM quotes"))[0][0] == quotes  # every fact kept
