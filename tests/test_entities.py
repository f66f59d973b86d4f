"""One entity per person or body across the store: the names of one country, agency or ministry are
one claimant; a spokesperson's claims are their body's and theirs; a description is nobody; an old
store is re-resolved by its migration. Articles written for these tests."""

from __future__ import annotations

import sqlite3

from briefings.answers import queries
from briefings.sources.ingest import ingest_paths
from briefings.store.facts import connect
from tests.conftest import article

EARLY = article(
    "Ledger",
    "2025-03-03",
    """The U.S. believes at least 3,000 soldiers have crossed into Ruritania, officials said.
South Korea’s spy agency said on Monday that 2,000 troops were training near the border.
“We are watching closely,” the soldier said.""",
)
LATER = article(
    "Courier",
    "2025-03-12",
    """The United States said on Wednesday that about 11,000 soldiers were now in Ruritania.
The National Intelligence Service (NIS) told lawmakers that 4,000 troops had crossed.
Washington has not said where the troops are based.
“Nobody told us where we were going,” the soldier said.""",
)
SPOKESPERSON = article(
    "Gazette",
    "2025-03-14",
    """Defence Ministry spokesperson Lena Koss said on Friday that 6,000 troops were at the border.
Kirill Budanov said 7,000 troops were training in the east.""",
)
SPELLING = article("Post", "2025-03-15", "Kyrylo Budanov said on Saturday that 7,500 troops were training in the east.")


async def _stock(conn, write, *texts: str) -> None:
    paths = [write(f"{i}.txt", t) for i, t in enumerate(texts)]
    await ingest_paths(conn, [str(p) for p in paths])


async def test_the_names_of_one_country_are_one_claimant_who_can_be_seen_to_move(conn, write) -> None:
    await _stock(conn, write, EARLY, LATER)
    picture = await queries.estimates(conn, status=None)
    us = [v for v in picture.latest if v.claimant == "United States"]
    assert [v.value for v in us] == [11000]  # one claimant: "U.S." and "The United States" are one
    assert any(c.claimant == "United States" and (c.before, c.after) == (3000, 11000) for c in picture.changes)
    who = await queries.who(conn, "Washington")
    assert who.profile is not None and who.profile.entity.name == "United States"


async def test_an_agency_by_any_of_its_names(conn, write) -> None:
    await _stock(conn, write, EARLY, LATER)
    for name in ("NIS", "National Intelligence Service", "South Korea's spy agency"):
        who = await queries.who(conn, name)
        assert who.profile is not None, name
        assert who.profile.entity.name == "National Intelligence Service"
        assert who.profile.estimate_count == 2
        assert "NIS" in who.profile.entity.aliases


async def test_a_description_is_nobody_across_articles(conn, write) -> None:
    await _stock(conn, write, EARLY, LATER)
    assert (await queries.who(conn, "soldier")).candidates == []
    quotes = await conn.fetch("SELECT speaker, entity_id FROM quotes")
    # the words kept, filed under no one
    assert sorted(tuple(q) for q in quotes) == [("soldier", None), ("soldier", None)]


async def test_a_spokespersons_claim_is_the_bodys_and_theirs(conn, write) -> None:
    await _stock(conn, write, SPOKESPERSON)
    picture = await queries.estimates(conn)
    (body,) = [v for v in picture.latest if v.value == 6000]
    assert (body.claimant, body.voiced_by, body.who) == (
        "Defence Ministry",
        "Lena Koss",
        "Defence Ministry (Lena Koss)",
    )
    mine = await queries.estimates(conn, claimant="Koss")
    assert [v.value for v in mine.latest] == [6000]
    who = await queries.who(conn, "Lena Koss")
    assert who.profile is not None and [e.value for e in who.profile.estimates] == [6000]


async def test_transliterations_of_one_name_are_one_person(conn, write) -> None:
    await _stock(conn, write, SPOKESPERSON, SPELLING)
    who = await queries.who(conn, "Budanov")
    assert who.profile is not None and who.profile.estimate_count == 2


async def test_the_migration_re_resolves_an_older_store(db_path, write) -> None:
    async with connect(db_path) as conn:
        await _stock(conn, write, EARLY, LATER, SPOKESPERSON)
        entities = (await conn.fetch("SELECT COUNT(*) FROM entities"))[0][0]
    # as version 10 stored them: one entity per folded name, a description as a person, no voices
    raw = sqlite3.connect(db_path)
    raw.execute("PRAGMA foreign_keys = ON")
    (nis,) = raw.execute("SELECT id FROM entities WHERE name = 'National Intelligence Service'").fetchone()
    raw.execute(
        "INSERT INTO entities (name, key, kind, first_seen) VALUES ('South Korea’s spy agency', 'south korea spy agency', 'body', '2025')"
    )
    (spy,) = raw.execute("SELECT id FROM entities WHERE key = 'south korea spy agency'").fetchone()
    raw.execute("UPDATE estimates SET entity_id = ?, group_key = 'id:' || ? WHERE value = 2000", (spy, spy))
    raw.execute(
        "INSERT INTO entities (name, key, kind, role, first_seen) VALUES ('soldier', 'soldier', 'person', 'soldier', '2025')"
    )
    (soldier,) = raw.execute("SELECT id FROM entities WHERE key = 'soldier'").fetchone()
    raw.execute("UPDATE quotes SET entity_id = ? WHERE speaker = 'soldier'", (soldier,))
    (koss,) = raw.execute("SELECT id FROM entities WHERE name = 'Lena Koss'").fetchone()
    raw.execute(
        "UPDATE estimates SET entity_id = ?, voiced_by = NULL, group_key = 'id:' || ? WHERE value = 6000", (koss, koss)
    )
    raw.execute("UPDATE entities SET key = lower(name) || ' old'")
    raw.execute("PRAGMA user_version = 10")
    raw.commit()
    raw.close()
    async with connect(db_path) as conn:
        who = await queries.who(conn, "NIS")
        assert who.profile is not None and who.profile.entity.id == min(nis, spy)
        assert who.profile.estimate_count == 2
        assert (await queries.who(conn, "soldier")).candidates == []
        (voiced,) = [v for v in (await queries.estimates(conn)).latest if v.value == 6000]
        assert (voiced.claimant, voiced.voiced_by) == ("Defence Ministry", "Lena Koss")
        assert (await conn.fetch("SELECT COUNT(*) FROM entities"))[0][0] == entities
