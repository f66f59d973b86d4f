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


NARROW = article(
    "Northern Ledger Weekly Review",
    "2025-03-04",
    """The Vardian Defence Intelligence Directorate said on Monday that about 12,500 soldiers had been deployed to the eastern border.
“The columns moved at night and avoided every main road near the river crossings,” Deputy Defence Minister Alma Ruiz-Castellanos told reporters on Monday.
“We counted them twice,” Ruiz-Castellanos said on Tuesday.
“Nobody in the capital expected a deployment of this size before the winter,” parliamentary spokesperson Teodor Wilkinson-Marsh said on Tuesday.""",
    title="Vardia moves troops east",
)
RETOLD = article(
    "Vardian Public Broadcasting International Service",
    "2025-03-05",
    """The Vardian Defence Intelligence Directorate said on Monday that about 12,500 soldiers had been deployed to the eastern border, a figure the ministry in the capital did not dispute.
“Nobody in the capital expected a deployment of this size before the winter,” parliamentary spokesperson Teodor Wilkinson-Marsh said on Tuesday.""",
    title="Vardia moves troops east as winter closes the mountain passes and the capital waits for word from the front",
    kind="rewrite",
)
NAMES = (
    "Northern Ledger Weekly Review",
    "Vardian Public Broadcasting International Service",
    "Vardian Defence Intelligence Directorate",
    "Alma Ruiz-Castellanos",
    "Teodor Wilkinson-Marsh",
    "independence",
    "reported by",
)


async def test_an_80_column_terminal_wraps_between_words_with_no_trailing_spaces(conn, write) -> None:
    await ingest_paths(conn, [str(write("narrow.txt", NARROW)), str(write("retold.txt", RETOLD))])
    since, until = dt.datetime(2000, 1, 1, tzinfo=dt.UTC), dt.datetime.now(dt.UTC)
    views = {
        "estimate": render.estimate_picture(await queries.estimates(conn)),
        "sources": render.source_list(await queries.sources(conn)),
        "quote": render.quotes(await queries.quotes_by(conn, "ruiz"), "ruiz"),
        "timeline": render.timeline_items(await queries.timeline(conn)),
        "search": render.search_hits(await queries.search(conn, "capital"), "capital"),
        "who": render.who_result(await queries.who(conn, "Ruiz"), "Ruiz"),
        "digest": render.digest(await build_digest(conn, since, until)),
    }
    for name, view in views.items():
        out = Console(file=io.StringIO(), width=80, color_system=None)
        render.show(out, view)
        text = out.file.getvalue()
        lines = text.splitlines()
        assert all(len(line) <= 80 and line == line.rstrip() for line in lines), (name, text)
        words = {w.strip(",.;:'()“”‘’") for w in text.split()}
        wide = Console(file=io.StringIO(), width=1000, color_system=None)
        wide.print(view)
        for shown_name in (n for n in NAMES if n in wide.file.getvalue()):  # the names this view shows
            assert all(w in words for w in shown_name.split()), (name, shown_name, text)

    digest = Console(file=io.StringIO(), width=80, color_system=None)
    render.show(digest, views["digest"])
    quotes = digest.file.getvalue().split("Notable new quotes", 1)[1]
    assert quotes.count("Ruiz-Castellanos") == 1 and quotes.count("Wilkinson-Marsh") == 1  # once per speaker
    one = Console(file=io.StringIO(), width=80, color_system=None)
    render.show(one, views["quote"])
    assert "2 quotes by Alma Ruiz-Castellanos" in one.file.getvalue()
    assert one.file.getvalue().count("Ruiz-Castellanos") == 1  # the title names her; no column repeats it
