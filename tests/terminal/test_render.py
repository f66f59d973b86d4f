"""Article text is text on the terminal: never markup, never control codes; JSON has one shape of moment."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from rich.console import Console

from briefings.answers import queries
from briefings.answers.digest import build_digest
from briefings.sources.ingest import ingest_paths
from briefings.terminal import console as face
from briefings.terminal import render
from tests.conftest import article

HOSTILE = article(
    "Markup Test [/b]",
    "2025-03-03",
    """Vardia's defence ministry [/i] said on Monday that about 3,000 soldiers had been deployed to the border.
“[The troops] are ready for anything [/i] now,” Defence Minister Alma Ruiz [bold red] told reporters on Monday.
“They are fair game \x1b[2J\x1b[31mfor us\u202e all,” Ruiz said on Tuesday.""",
    title="[link=https://evil.example]Breaking[/link] [/]",
)


@pytest.fixture
async def hostile(conn, write):
    await ingest_paths(conn, [str(write("hostile.txt", HOSTILE))])
    return conn


def shown(renderable) -> str:
    out = Console(file=io.StringIO(), width=240, record=True, color_system=None)
    out.print(renderable)
    return out.export_text()


async def test_every_view_shows_article_text_as_written(hostile) -> None:
    views = [
        render.estimate_picture(await queries.estimates(hostile)),
        render.source_list(await queries.sources(hostile)),
        render.quotes(await queries.quotes_by(hostile, "ruiz"), "ruiz"),
        render.timeline_items(await queries.timeline(hostile)),
        render.search_hits(await queries.search(hostile, "ready"), "ready"),
        render.who_result(await queries.who(hostile, "Ruiz"), "Ruiz"),
        render.digest(await build_digest(hostile, dt.datetime(2000, 1, 1, tzinfo=dt.UTC), dt.datetime.now(dt.UTC))),
    ]
    texts = [shown(v) for v in views]
    everything = "\n".join(texts)
    assert "Markup Test [/b]" in everything  # the outlet, in estimate, sources, quote, timeline, search, digest
    assert sum("Markup Test [/b]" in t for t in texts) >= 5
    assert "“[The troops] are ready for anything [/i] now”" in everything  # editorial brackets kept
    assert "[link=https://evil.example]Breaking[/link] [/]" in texts[1]
    assert "\x1b" not in everything and "\u202e" not in everything


async def test_the_console_answers_every_command_on_hostile_text(hostile) -> None:
    for line in [
        "/estimate",
        "/sources",
        "/quote ruiz",
        "/timeline",
        "/search ready",
        "/who ruiz",
        "/digest since:3650d",
    ]:
        text = shown(await face.answer(hostile, line))
        assert "Error" not in text and text.strip(), line
    assert "[/b]" in shown(await face.answer(hostile, "/quote speaker:[/b]"))  # typed markup, too


async def test_search_highlights_the_words_it_found_without_changing_the_text(hostile) -> None:
    (hit,) = await queries.search(hostile, "troops ready")
    assert "[The troops] are ready" in hit.snippet
    marked = [piece for piece, match in hit.segments() if match]
    assert marked == ["troops", "ready"]
    styled = render.snippet(hit)
    assert styled.plain == hit.snippet
    bold = {styled.plain[s.start : s.end] for s in styled.spans if "bold" in str(s.style)}
    assert bold == {"troops", "ready"}
    table = shown(render.search_hits([hit], "troops ready"))
    assert "[The troops] are ready for anything [/i] now" in table


async def test_json_moments_are_utc_and_numbers_are_numbers(hostile) -> None:
    sources = json.loads(render.as_json(await queries.sources(hostile)))
    assert sources[0]["published"] == "2025-03-03T00:00:00Z"
    assert sources[0]["ingested_at"].endswith("Z")
    timeline = json.loads(render.as_json(await queries.timeline(hostile)))
    (estimate,) = [i for i in timeline if i["kind"] == "estimate"]
    assert (estimate["value"], estimate["qualifier"], estimate["status"]) == (3000, "approx", "deployed")
    assert "what" not in estimate  # the words are for people; scripts get the number


def test_clean_drops_control_codes_and_keeps_lines() -> None:
    assert render.clean("a\x1b[2Jb\x07\u202ec\r\nd\te") == "a[2Jbc\nd e"
    assert render.plain("[bold]x[/]").plain == "[bold]x[/]"
