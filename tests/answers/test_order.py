"""Answers are a function of the stored articles, not of the order they came in: the original stays
the original and its copies and rewrites never count as independent, whichever came first."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import itertools
import tempfile
from pathlib import PurePath
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefings.answers import queries
from briefings.answers.digest import build_digest
from briefings.answers.removal import find_source, remove_source
from briefings.extract import extract
from briefings.models import Article, Extraction
from briefings.sources.articles import parse_text
from briefings.store.db import Connection
from briefings.store.facts import add_article, connect
from tests.conftest import article

STORED_AT = dt.datetime(2025, 5, 7, 12, 0, tzinfo=dt.UTC)

ORIGINAL = article(
    "Harbor Times",
    "2025-05-06T09:00:00+00:00",
    """The Teravian defence ministry said on Monday that 6,500 soldiers had moved toward the eastern border.
“The columns will keep rolling through the night,” Defence Ministry spokesperson Dana Velko told reporters on Monday.
“We have no plans to stop at the river,” Velko said.
“Every unit is accounted for and ready,” Velko added.
The ministry declined to name the units involved, citing the safety of the soldiers' families.""",
)
# the same report syndicated later that day, with a line of its own and the last line cut
NEAR_COPY = article(
    "Coastal Wire",
    "2025-05-06T15:30:00+02:00",
    """EASTERN BORDER — A developing story.
The Teravian defence ministry said on Monday that 6,500 soldiers had moved toward the eastern border.
“The columns will keep rolling through the night,” Defence Ministry spokesperson Dana Velko told reporters on Monday.
“We have no plans to stop at the river,” Velko said.
“Every unit is accounted for and ready,” Velko added.""",
)
# an aggregator's rewrite: undated, hedged, the same quotes
REWRITE = article(
    "Scroll Digest",
    "",
    """Teravia is reportedly moving about 6,500 troops to its eastern border, the Teravian defence ministry said.
“The columns will keep rolling through the night,” Dana Velko told reporters.
Dana Velko also said: “We have no plans to stop at the river.”
“Every unit is accounted for and ready,” Dana Velko added.""",
    kind="rewrite",
)
UNRELATED = article(
    "Valley Post",
    "2025-05-08T08:00:00+00:00",
    """Officials in Merun said on Thursday that 1,200 troops would be sent to the northern passes by June.
“We will not be drawn into this,” Foreign Minister Ilka Sorn told parliament on Thursday.""",
)


@functools.cache
def read(name: str, text: str) -> tuple[Article, Extraction]:
    """An article as ingest reads it, and its facts (extracted once: the same facts in any order)."""
    a = parse_text(text.replace("published: \n", ""), name, ".txt")
    published = a.meta.published.date() if a.meta.published else None
    return a, extract(a.body, published, a.meta.outlet)


ARTICLES = {
    "original.txt": ORIGINAL,
    "copy.txt": NEAR_COPY,
    "rewrite.txt": REWRITE,
    "unrelated.txt": UNRELATED,
}


def _plain(value: Any) -> Any:
    """A view as a user reads it: sources by the file they came from, store ids left out."""
    if isinstance(value, dict):
        if "origin" in value and "outlet" in value:
            return PurePath(value["origin"]).name
        return {k: _plain(v) for k, v in value.items() if k not in {"id", "entity_id", "copy_of", "rewrite_of"}}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


async def answers(conn: Connection) -> dict[str, Any]:
    """Every answer a user can get from the store, ids left out."""
    by_id = {s.id: PurePath(s.origin).name for s in await queries.sources(conn)}
    out: dict[str, Any] = {
        "sources": sorted(
            (by_id[s.id], s.kind.value, by_id.get(s.copy_of or 0), by_id.get(s.rewrite_of or 0))
            for s in await queries.sources(conn)
        ),
        "estimate": _plain((await queries.estimates(conn)).model_dump(mode="json")),
        "timeline": _plain([i.model_dump(mode="json") for i in await queries.timeline(conn)]),
        "digest": _plain(
            (await build_digest(conn, STORED_AT - dt.timedelta(days=1), STORED_AT)).model_dump(mode="json")
        ),
    }
    # the one list in the order things came in: the sources a digest says were stored, by their id
    out["digest"]["new_sources"].sort()
    for name, _ in await queries.speakers(conn):
        out[f"quotes {name}"] = _plain([q.model_dump(mode="json") for q in await queries.quotes_by(conn, name)])
        out[f"who {name}"] = _plain((await queries.who(conn, name)).model_dump(mode="json"))
    for words in ("columns", "6,500", "river OR drawn"):
        out[f"search {words}"] = _plain([h.model_dump(mode="json") for h in await queries.search(conn, words)])
    return out


async def ingest(conn: Connection, names: list[str], articles: dict[str, str] = ARTICLES) -> None:
    for name in names:
        await add_article(conn, *read(name, articles[name]), now=STORED_AT)


async def test_the_original_is_the_original_whichever_article_came_first(new_store) -> None:
    async with new_store("in-order") as conn:
        await ingest(conn, list(ARTICLES))
        expected = await answers(conn)
    quotes = expected["quotes Dana Velko"]
    # Velko's later quotes are of the remarks "told reporters on Monday" dated: Monday's, as the first
    assert [(q["claimed_on"], q["source"], q["independent_sources"]) for q in quotes] == [
        ("2025-05-05", "original.txt", 1),
        ("2025-05-05", "original.txt", 1),
        ("2025-05-05", "original.txt", 1),
    ]
    # the rewrite's "about 6,500", undated, is shown nowhere: the original's number and day are
    (latest,) = [e for e in expected["estimate"]["latest"] if e["value"] == 6500]
    (new,) = [e for e in expected["digest"]["new_estimates"] if e["value"] == 6500]
    for shown in (latest, new):
        assert (shown["qualifier"], shown["claimed_on"], shown["source"]) == ("exact", "2025-05-05", "original.txt")
        assert shown["independent_sources"] == 1
    for order in itertools.permutations(ARTICLES):
        async with new_store("-".join(n[:2] for n in order)) as conn:
            await ingest(conn, list(order))
            assert await answers(conn) == expected, order


async def test_removing_the_original_and_ingesting_it_again_gives_the_same_answers(new_store) -> None:
    async with new_store("once") as conn:
        await ingest(conn, list(ARTICLES))
        expected = await answers(conn)
        await remove_source(conn, await find_source(conn, "original.txt"))
        async with new_store("without") as other:
            await ingest(other, ["rewrite.txt", "unrelated.txt", "copy.txt"])
            assert await answers(conn) == await answers(other)  # as if it had never come
        await ingest(conn, ["original.txt"])
        assert await answers(conn) == expected


# people named in full in one article and by surname or with a role in another, a spokesperson's
# numbers, claimants of several words: the claim groups they make must not depend on the order
PEOPLE = {
    "full.txt": ORIGINAL,
    "surname.txt": article(
        "Valley Post",
        "2025-05-07T09:00:00+00:00",
        """“We have no plans to stop at the river,” Velko said on Tuesday.
Velko said 7,000 troops would be sent by June.""",
    ),
    "minister.txt": UNRELATED,
    "minister-again.txt": article(
        "Coastal Wire",
        "2025-05-08T09:00:00+00:00",
        """Sorn said on Wednesday that 2,000 troops had crossed the river.
“We will not be drawn into this,” Sorn told parliament.""",
    ),
    "agencies.txt": article(
        "Ledger",
        "2025-05-09T10:00:00+00:00",
        """The Merun Defense Ministry said on Thursday that 1,500 soldiers were deployed in the north.
The National Intelligence Service said that 3,000 soldiers had been sent to the front.""",
    ),
    "rewrite.txt": REWRITE,
}


def _same_answers_in_any_order(articles: dict[str, str], order: list[str]) -> tuple[dict, dict]:
    async def run() -> tuple[dict, dict]:
        with tempfile.TemporaryDirectory() as tmp:
            got = []
            for n, names in enumerate((sorted(order), order)):
                async with connect(f"{tmp}/{n}.db") as conn:
                    await ingest(conn, names, articles)
                    got.append(await answers(conn))
            return got[0], got[1]

    return asyncio.run(run())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.sampled_from(sorted(PEOPLE)), min_size=2, max_size=len(PEOPLE), unique=True).flatmap(st.permutations)
)
def test_claim_groups_and_every_answer_are_the_same_in_any_order_of_ingest(order) -> None:
    """A property over permutations of a few articles (SQLite; the store's statements are the
    same on PostgreSQL, where the permutations above run)."""
    first, then = _same_answers_in_any_order(PEOPLE, order)
    assert then == first, order


async def test_a_surname_stored_before_the_full_name_is_the_same_person(new_store) -> None:
    async with new_store("full-first") as conn:
        await ingest(conn, ["full.txt", "surname.txt"], PEOPLE)
        expected = await answers(conn)
    (velko,) = [e for e in expected["estimate"]["latest"] if e["value"] == 7000]
    assert (velko["claimant"], velko["voiced_by"]) == ("Defence Ministry", "Dana Velko")
    async with new_store("surname-first") as conn:
        await ingest(conn, ["surname.txt", "full.txt"], PEOPLE)
        assert await answers(conn) == expected
