"""The README's examples, run as a reader would run them, so that README and behaviour cannot drift.

Every `briefings ...` line in the README's code blocks (and `.venv/bin/python ...`, the backup) runs
as a real process in a folder of its own, against a store ingested from seeds/ at its default place
`data/briefings.db` (each code block on its own copy, its lines in order). It must exit 0, and the
output the README shows under a `$ briefings ...` line must appear, line by line and in order
(spacing aside; `...` stands for lines left out, or ends a line shown in part). An example whose
output begins with `error: ` shows a refusal: it must exit non-zero, with those lines on stderr and
nothing on stdout. Lines after `> ` are typed into the console. The README's example addresses (https://example.com/...) are served by
a local HTTP server.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from briefings.cli import build_parser
from tests.conftest import ROOT, SEEDS

README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLE_SITE = "https://example.com"
BRIEFINGS = Path(sys.executable).parent / "briefings"  # the command the README's install makes

# What the local server answers for the README's example addresses: a feed, the page it links to and
# another page, written for this test.
PAGE = """<html><head><title>More North Korean troops reach Kursk</title></head><body><article>
<h1>More North Korean troops reach Kursk</h1>
<p>About 1,500 more North Korean soldiers reached the Kursk region this week, a regional governor said on Tuesday.</p>
<p>“They arrived by train and were taken straight to the training grounds,” the governor told a local radio station.</p>
<p>Officials in Kyiv said the new arrivals had not yet been seen near the front line.</p>
</article></body></html>"""
OTHER_PAGE = """<html><head><title>Seoul says more troops are on their way</title></head><body><article>
<h1>Seoul says more troops are on their way</h1>
<p>North Korea is preparing to send another 2,000 troops to Russia, South Korea's defence ministry said on Monday.</p>
<p>“We are sharing what we know with our partners,” a ministry spokesperson told reporters in Seoul.</p>
</article></body></html>"""


def feed(base: str) -> str:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Example World</title>'
        f"<item><title>Troops reach Kursk</title><link>{base}/2024/10/troops.html</link>"
        "<guid>troops-1</guid><pubDate>Tue, 29 Oct 2024 09:00:00 GMT</pubDate></item></channel></rss>"
    )


@dataclass
class Example:
    line: str
    argv: list[str]  # the arguments of `briefings`, or of Python when `python` is set
    python: bool = False
    typed: list[str] = field(default_factory=list)  # lines typed into the console
    shown: list[str] = field(default_factory=list)  # output the README shows, in order

    @property
    def refused(self) -> bool:
        """The README shows this command failing: its output is an error line."""
        return bool(self.shown) and self.shown[0].startswith("error: ")


def code_blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] | None = None
    for line in text.splitlines():
        if line.strip().startswith("```"):
            if current is None:
                current = []
            else:
                blocks.append(current)
                current = None
        elif current is not None:
            current.append(line.strip())
    return blocks


def examples(block: list[str]) -> list[Example]:
    found: list[Example] = []
    prompted: Example | None = None  # the `$ briefings` example whose output follows
    for line in block:
        command = line.removeprefix("$ ")
        if command.startswith("briefings "):
            found.append(Example(line, shlex.split(command, comments=True)[1:]))
            prompted = found[-1] if line.startswith("$ ") else None
        elif command.startswith(".venv/bin/python "):
            found.append(Example(line, shlex.split(command, comments=True)[1:], python=True))
            prompted = None
        elif line.startswith("$ "):
            prompted = None  # some other program; its output is not ours to check
        elif prompted is not None and line.startswith("> "):
            prompted.typed.append(line[2:])
        elif prompted is not None and line:
            prompted.shown.append(line)
    return found


BLOCKS = [(block, ex) for block in code_blocks(README) if (ex := examples(block))]
ARTICLE_FORMAT = next(block for block in code_blocks(README) if block and block[0] == "---")


def squash(text: str) -> str:
    return " ".join(text.split())


def missing_lines(shown: list[str], output: str) -> list[str]:
    """The shown lines not found in `output` (in order, spacing aside); [] when all are there."""
    lines = [squash(line) for line in output.splitlines()]
    at = 0
    for want in shown:
        want = squash(want).removesuffix("...").removesuffix("…").rstrip()
        if not want.strip("─━═- "):
            continue  # an elision, or a table's rule (its width is the terminal's)
        hit = next((i for i in range(at, len(lines)) if want in lines[i]), None)
        if hit is None:
            return [want]
        at = hit + 1
    return []


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            pages = {
                "/world/rss": (feed(base), "application/rss+xml"),
                "/2024/10/troops.html": (PAGE, "text/html"),
                "/2024/11/kursk.html": (OTHER_PAGE, "text/html"),
            }
            body, kind = pages.get(self.path, ("not here", "text/plain"))
            self.send_response(200 if self.path in pages else 404)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def environment(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFINGS_")}
    # the README's example.com addresses are served on 127.0.0.1, which a real install refuses to fetch
    env.update(
        BRIEFINGS_DB=str(db),
        BRIEFINGS_SEEDS=str(SEEDS),
        BRIEFINGS_FEED_TIMEOUT="5",
        BRIEFINGS_ALLOW_LOOPBACK="1",
        COLUMNS="200",
    )
    return env


def run(
    argv: list[str], cwd: Path, db: Path, typed: str | None = None, *, python: bool = False
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable if python else str(BRIEFINGS), *argv],
        cwd=cwd,
        env=environment(db),
        input=typed,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert BRIEFINGS.exists(), f"{BRIEFINGS} is missing: install as the README's second command does"
    db = tmp_path_factory.mktemp("seeded") / "briefings.db"
    done = run(["ingest", str(SEEDS)], ROOT, db)
    assert done.returncode == 0, done.stderr
    return db


@pytest.mark.parametrize(("block", "found"), BLOCKS, ids=[ex[0].line for _, ex in BLOCKS])
def test_the_readme_examples_work(block: list[str], found: list[Example], seeded: Path, site: str, tmp_path) -> None:
    # the reader's folder: the project's seeds, and the article written as the README's format shows
    (tmp_path / "seeds").symlink_to(SEEDS, target_is_directory=True)
    (tmp_path / "article.txt").write_text("\n".join(ARTICLE_FORMAT) + "\n", encoding="utf-8")
    db = tmp_path / "data" / "briefings.db"
    db.parent.mkdir()
    shutil.copy(seeded, db)
    for ex in found:
        argv = [arg.replace(EXAMPLE_SITE, site) for arg in ex.argv]
        typed = "".join(f"{line}\n" for line in ex.typed) if ex.argv[:1] == ["bot"] else None
        done = run(argv, tmp_path, db, typed, python=ex.python)
        done.stdout = done.stdout.replace(site, EXAMPLE_SITE)
        if ex.refused:
            assert done.returncode != 0 and not done.stdout, f"{ex.line!r} was not refused: {done.stdout[-600:]}"
        else:
            assert done.returncode == 0, f"{ex.line!r} exited {done.returncode}: {done.stderr.strip()[-600:]}"
        said = done.stderr if ex.refused else done.stdout
        assert not missing_lines(ex.shown, said), (
            f"{ex.line!r} does not show {missing_lines(ex.shown, said)[0]!r}:\n{said[-3000:]}"
        )


def test_the_readme_names_only_commands_that_exist() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    named = set(re.findall(r"`\$? ?briefings ([a-z][\w-]*)", README))
    named |= {ex.argv[0] for _, found in BLOCKS for ex in found if not ex.python}
    assert named, "the README names no briefings command"
    assert named <= set(commands), f"the README names commands that do not exist: {sorted(named - set(commands))}"
    # and every query command it lists in a table has an example that runs
    tabled = set(re.findall(r"^\| `briefings ([a-z]+)", README, flags=re.M))
    ran = {ex.argv[0] for _, found in BLOCKS for ex in found if not ex.python}
    assert tabled and tabled <= ran, f"commands in the table without a running example: {sorted(tabled - ran)}"


def test_the_readme_examples_check_output() -> None:
    """The test above is only as strict as the output the README shows; keep some of it."""
    shown = [ex for _, found in BLOCKS for ex in found if ex.shown]
    assert {ex.argv[0] for ex in shown} >= {"estimate", "quote", "bot", "remove"}
    assert any(ex.refused for ex in shown) and not all(ex.refused for ex in shown)
    assert missing_lines(["  U.S.   at least 3,000"], "  U.S.   at most 3,000") == ["U.S. at least 3,000"]


def test_ci_runs_the_readme_s_two_commands() -> None:
    section = README.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    first, second = (block[0] for block in code_blocks(section)[:2])
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert first.endswith("briefings bot") and first in ci
    assert "pytest" in second and second in ci


def test_the_readme_s_invite_and_subscribe_examples_are_what_the_bot_takes() -> None:
    import discord

    from bot.cogs.digests import Digests
    from bot.digests import NEEDED_IN_CHANNEL
    from briefings.answers import subscriptions as subs
    from briefings.storyset import default_stories

    lines = [line for block in code_blocks(README) for line in block]
    (invite,) = [line for line in lines if line.startswith("https://discord.com/oauth2/authorize?")]
    query = dict(part.split("=", 1) for part in invite.split("?", 1)[1].split("&"))
    assert query["client_id"] == "YOUR_ID" and query["scope"] == "bot+applications.commands"
    needed = {*NEEDED_IN_CHANNEL, "attach_files", "read_message_history"}  # the chart; a crash's check
    assert discord.Permissions(**dict.fromkeys(needed, True)).value == int(query["permissions"])
    (example,) = [line for line in lines if line.startswith("/digest subscribe ")]
    values = dict(re.findall(r"(\w+):(\S+)", example))
    assert set(values) == {p.name for p in Digests.subscribe.parameters}  # every option, each one real
    subs.parse_time(values["time"])
    subs.parse_zone(values["timezone"])
    subs.parse_every(values["every"])
    story = default_stories().find(values["story"])
    assert story.status(values["status"]) and values["no_news"] in {"True", "False"}


def test_the_readme_names_every_command_that_takes_no_format() -> None:
    commands = next(a for a in build_parser()._actions if a.dest == "command").choices
    plain = {
        name
        for name, parser in commands.items()
        if name != "feeds" and not any("--format" in a.option_strings for a in parser._actions)
    }
    named = re.search(r"Every command but ((?:`[\w-]+`(?:, | and )?)+)", README)
    assert named and set(re.findall(r"`([\w-]+)`", named.group(1))) == plain == {"bot", "worker"}
