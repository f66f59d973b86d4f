"""Names are found by their own letters, in any script; a name that means several people says so."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import unicodedata

import pytest

from briefings.answers import queries
from briefings.extract import extract
from briefings.models import Article, ArticleMeta, DateBasis, EntityKind, EntityRef, Evidence, Extraction, Quote
from briefings.sources.ingest import ingest_paths
from briefings.store.facts import add_article, connect, entity_key
from briefings.store.matching import fold_key
from tests.conftest import article

PEOPLE = article(
    "Ledger",
    "2025-03-03",
    """“We will never trade land for a ceasefire,” President Volodymyr Zelenskyy said on Monday.
“The council must act on this without delay,” Secretary-General Antonio Guterres told reporters on Monday.
“The border will stay closed for now,” Defence Minister Kim Ara said on Monday.
“Our envoys are talking to both sides,” Foreign Minister Kim Doyun said on Monday.
“We will never give up our land to anyone,” President Владимир Зеленский said on Monday.""",
)


@pytest.fixture
async def people(conn, write):
    await ingest_paths(conn, [str(write("people.txt", PEOPLE))])
    return conn


def test_fold_key_forgives_case_accents_and_apostrophes_but_keeps_every_letter() -> None:
    assert fold_key("Stéphane") == fold_key("STEPHANE")
    assert fold_key("Kim Yong-hyun’s office") == fold_key("kim yong hyuns office")
    assert fold_key("AAAAA") == "aaaaa" and fold_key("Zelenskyy") != fold_key("Zelensky")
    assert fold_key("Зеленский") and fold_key("Зеленский") == fold_key("ЗЕЛЕНСКИЙ")
    assert fold_key("김정은") == "김정은"
    assert fold_key("Brigade 22") != fold_key("Brigade 2")


@pytest.mark.parametrize("typed", ["AAAAA", "ZZZZZ", "Zzz", "Kirrby"])
async def test_repeated_letters_find_nobody(people, typed) -> None:
    assert await queries.quotes_by(people, typed) == []
    result = await queries.who(people, typed)
    assert result.profile is None and result.candidates == []


@pytest.mark.parametrize(
    ("typed", "speaker"),
    [
        ("zelensky", "Volodymyr Zelenskyy"),  # the start of the stored name
        ("ZELENSKYY", "Volodymyr Zelenskyy"),
        ("Zelenskyi", "Volodymyr Zelenskyy"),  # a spelling variant of the whole word
        ("Guteres", "Antonio Guterres"),
        ("Зеленский", "Владимир Зеленский"),
        ("зелен", "Владимир Зеленский"),
    ],
)
async def test_names_are_found_by_their_letters_or_a_close_spelling(people, typed, speaker) -> None:
    assert {q.speaker for q in await queries.quotes_by(people, typed)} == {speaker}


async def test_a_name_in_hangul_is_searchable(conn) -> None:
    body = "“우리는 준비가 되어 있다,” 김정은 위원장이 말했다."
    name = EntityRef(name="김정은", kind=EntityKind.person, role="위원장")
    quote = Quote(
        text="우리는 준비가 되어 있다",
        speaker="김정은",
        entity=name,
        date=dt.date(2024, 10, 25),
        date_basis=DateBasis.stated,
        evidence=Evidence(sentence=body, start=0, end=len(body)),
    )
    await add_article(
        conn, Article(meta=ArticleMeta(outlet="KCNA"), body=body, origin="k.txt"), Extraction(quotes=[quote])
    )
    assert [q.text for q in await queries.quotes_by(conn, "김정은")] == ["우리는 준비가 되어 있다"]
    result = await queries.who(conn, "김정은")
    assert result.profile is not None and result.profile.entity.role == "위원장"


async def test_an_ambiguous_name_is_said_to_be_ambiguous_by_every_query(people) -> None:
    with pytest.raises(queries.AmbiguousName, match=r"'Kim' may mean Kim Ara or Kim Doyun; give more of the name"):
        await queries.quotes_by(people, "Kim")
    with pytest.raises(queries.AmbiguousName):
        await queries.estimates(people, claimant="Kim")
    with pytest.raises(queries.AmbiguousName, match="Antonio Guterres"):
        await queries.quotes_by(people, "A")  # the start of several names
    result = await queries.who(people, "Kim")
    assert result.profile is None and [c.name for c in result.candidates] == ["Kim Ara", "Kim Doyun"]
    assert [q.speaker for q in await queries.quotes_by(people, "Kim Ara")] == ["Kim Ara"]


async def test_a_later_article_naming_a_spelling_variant_alone_joins_the_stored_person(conn) -> None:
    for i, body in enumerate(
        [
            "“We will never trade land for a ceasefire,” President Volodymyr Zelenskyy said on Monday.",
            "“The front is holding for another week,” Zelensky said on Friday.",
        ]
    ):
        a = Article(meta=ArticleMeta(outlet=f"Outlet {i}"), body=body, origin=f"{i}.txt")
        await add_article(conn, a, extract(body))
    rows = await conn.fetch("SELECT DISTINCT entity_id FROM quotes")
    assert len(rows) == 1


def _old_fold(text: str) -> str:
    """fold_key as it was before migration 0009: doubled letters collapsed, a-z and digits only."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[’'ʹʼ`]s\b", "s", text)
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    text = re.sub(r"([a-z])\1+", r"\1", text)
    return " ".join(text.split())


async def test_upgrading_re_keys_names_and_quotes_an_older_version_folded(db_path, write) -> None:
    async with connect(db_path) as conn:
        await ingest_paths(conn, [str(write("people.txt", PEOPLE))])
        entities = await conn.fetch("SELECT COUNT(*) FROM entities")
    raw = sqlite3.connect(db_path)  # as version 8 stored them: keys folded the old way
    raw.create_function("old_fold", 1, _old_fold)
    raw.execute("PRAGMA user_version = 8")
    raw.execute("UPDATE entities SET key = old_fold(name) || ' ' || id")
    raw.execute("UPDATE OR IGNORE entity_aliases SET alias_key = old_fold(alias_key)")
    raw.execute("UPDATE quotes SET claim_key = 'q:old' || id")
    raw.execute("DELETE FROM claim_stats")
    raw.commit()
    raw.close()
    async with connect(db_path) as conn:
        assert await queries.quotes_by(conn, "AAAAA") == []
        assert {q.speaker for q in await queries.quotes_by(conn, "Зеленский")} == {"Владимир Зеленский"}
        (kirby,) = await queries.quotes_by(conn, "guterres")
        assert kirby.reported_by == ["Ledger"] and kirby.independent_sources == 1
        rows = await conn.fetch("SELECT key, name, kind, role, affiliation FROM entities")
        assert all(r[0] == entity_key(*r[1:]) for r in rows)  # keyed by identity (migration 0011)
        assert (await conn.fetch("SELECT COUNT(*) FROM entities")) == entities
