"""Embeds stay within Discord's limits whatever the article text, and the text cannot format or ping."""

from __future__ import annotations

import discord
import pytest

from bot import render
from bot.names import NameIndex


def test_safe_neutralises_markdown_links_and_mentions() -> None:
    text = render.safe("**bold** @everyone @here <@123456789012345678> [x](https://evil.example) `code`")
    assert "@everyone" not in text and "@here" not in text
    assert "\\*\\*bold\\*\\*" in text and "\\[x\\]" in text and "\\<@" in text and "\\`code\\`" in text


@pytest.mark.parametrize("limit", [10, 100, 1024])
def test_clip_respects_the_limit_and_marks_the_cut(limit: int) -> None:
    out = render.clip("word " * 1000, limit)
    assert len(out) <= limit and out.endswith("…")
    assert render.clip("short", limit) == "short"
    assert not render.clip("a\\" * 600, limit).rstrip("…").endswith("\\")


def test_paginate_keeps_every_page_within_limits_and_says_how_many_more() -> None:
    entries = [f"entry {i} " + "x" * 1400 for i in range(400)]
    pages = render.paginate("A title " * 50, entries, empty="none")
    assert len(pages) == render.MAX_PAGES
    for p in pages:
        assert len(p.title or "") <= 256 and len(p.description or "") <= 4096 and len(p) <= 6000
    assert "…and " in (pages[-1].description or "") and "more" in (pages[-1].description or "")


def test_a_field_of_many_lines_ends_with_and_n_more() -> None:
    e = discord.Embed(title="t")
    render.add_lines_field(e, "Latest", [f"claimant {i}: 12,000 planned" for i in range(200)])
    value = e.fields[0].value or ""
    assert len(value) <= 1024 and value.splitlines()[-1].startswith("…and ")
    n = int(value.splitlines()[-1].split()[1])
    assert n + len(value.splitlines()) - 1 == 200


def test_a_field_counts_the_claimants_the_picture_left_out() -> None:
    e = discord.Embed(title="t")
    render.add_lines_field(e, "Latest", [f"claimant {i}: 12,000" for i in range(3)], total=10)
    assert (e.fields[0].value or "").splitlines() == [
        "claimant 0: 12,000",
        "claimant 1: 12,000",
        "claimant 2: 12,000",
        "…and 7 more",
    ]


async def test_autocomplete_gives_at_most_25_and_prefers_name_starts(store) -> None:
    names = NameIndex()
    await names.refresh(store)
    assert names.speakers("kir")[0] == "John Kirby"
    assert len(names.everyone("")) <= 25
    assert all(len(n) <= 100 for n in names.everyone("a"))
    assert "Mathew Miller" in names.speakers("MILLER")
