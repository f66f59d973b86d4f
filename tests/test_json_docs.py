"""docs/json.md is true: every documented command prints exactly the fields its example shows."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re

import pytest

from briefings.cli import main
from briefings.sources import feeds
from briefings.store.facts import connect
from tests.conftest import ROOT, SEEDS

DOC = (ROOT / "docs" / "json.md").read_text(encoding="utf-8")
EXAMPLES = {
    heading: json.loads(block)
    for heading, block in re.findall(r"^### briefings ([^\n]+)\n.*?```json\n(.*?)```", DOC, re.S | re.M)
}
ONE = str(SEEDS / "004_ba2e666c7d09b48b.txt")
ARGV = {
    "estimate": ["estimate"],
    "quote NAME": ["quote", "kirby"],
    "search TEXT": ["search", "fair", "game"],
    "sources": ["sources"],
    "timeline": ["timeline"],
    "who NAME": ["who", "Kirby"],
    "digest": ["digest", "--since", "3650d"],
    "extract FILE": ["extract", ONE],
    "ingest PATH...": ["ingest", ONE],
    "remove ID_OR_URL...": ["remove", "1"],
    "feeds list": ["feeds", "list"],
    "health": ["health"],
}


def shape(value: object) -> object:
    """The fields of a value, all the way down; a list by its first item (an empty one by nothing)."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value and isinstance(value[0], (dict, list)) else "list"
    return "value"


def same_fields(doc: object, actual: object, where: str = "") -> None:
    if isinstance(doc, dict):
        assert isinstance(actual, dict) and set(doc) == set(actual), (where, sorted(doc), sorted(actual or {}))
        for k in doc:
            same_fields(doc[k], actual[k], f"{where}.{k}")
    elif isinstance(doc, list) and doc and isinstance(actual, list) and actual:
        same_fields(doc[0], actual[0], f"{where}[0]")


def test_every_command_is_documented() -> None:
    assert set(EXAMPLES) == set(ARGV)


async def _follow_unpolled(db) -> None:
    """A feed in the list, never fetched (`feeds add` fetches what it adds: no network here)."""
    async with connect(str(db)) as conn:
        await feeds.add_feed(conn, "http://127.0.0.1:9/rss", now=dt.datetime.now(dt.UTC))


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    base = tmp_path_factory.mktemp("json")
    seeded = base / "seeded.db"
    assert main(["--db", str(seeded), "ingest", str(SEEDS)]) == 0
    asyncio.run(_follow_unpolled(seeded))
    return {"seeded": seeded}


@pytest.mark.parametrize("heading", sorted(ARGV))
def test_the_documented_fields_are_the_printed_fields(stores, tmp_path, capsys, heading) -> None:
    store = stores["seeded"]
    if heading.startswith(("ingest", "remove")):  # a store of its own, with one article to remove
        store = tmp_path / "one.db"
        if heading.startswith("remove"):
            assert main(["--db", str(store), "ingest", ONE]) == 0
    capsys.readouterr()
    code = main(["--db", str(store), *ARGV[heading], "--format", "json"])
    out = capsys.readouterr().out
    assert code == 0, heading
    same_fields(shape(EXAMPLES[heading]), shape(json.loads(out)), heading)
