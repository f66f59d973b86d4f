"""The service's start as a real process: one line when it cannot go on, no noise; two faces, one core."""

from __future__ import annotations

import ast
import os
import sqlite3
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SEEDS, article
from tests.sources.test_worker import SMALL, long_article

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz12345"


def start(tmp_path, *argv: str, typed: str = "", **settings: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFINGS_")}
    env.update({"BRIEFINGS_DB": str(tmp_path / "svc.db"), "BRIEFINGS_SEEDS": "", **settings})
    return subprocess.run(
        [sys.executable, *argv], input=typed, capture_output=True, text=True, cwd=tmp_path, timeout=120, env=env
    )


@pytest.mark.parametrize("entry", [["-m", "bot"], ["-m", "briefings.cli", "bot"]])
def test_discord_unreachable_at_start_is_one_line_without_voice_noise(tmp_path, entry) -> None:
    run = start(tmp_path, *entry, BRIEFINGS_DISCORD_TOKEN=TOKEN, BRIEFINGS_DISCORD_API="http://127.0.0.1:1/api/v10")
    assert run.returncode == 1
    errors = [line for line in run.stderr.splitlines() if " INFO " not in line]  # the log at its level
    assert errors == [
        "error: cannot reach Discord at http://127.0.0.1:1/api/v10 (BRIEFINGS_DISCORD_API): "
        "Connect call failed ('127.0.0.1', 1)"
    ], run.stderr
    assert "voice will NOT be supported" not in run.stderr and TOKEN not in run.stderr


def test_the_log_level_setting_is_the_services(tmp_path) -> None:
    quiet = start(
        tmp_path,
        "-m",
        "bot",
        BRIEFINGS_DISCORD_TOKEN=TOKEN,
        BRIEFINGS_DISCORD_API="http://127.0.0.1:1/api/v10",
        BRIEFINGS_LOG_LEVEL="ERROR",
    )
    assert quiet.stderr.splitlines() == [line for line in quiet.stderr.splitlines() if line.startswith("error: ")]
    chatty = start(tmp_path, "-m", "bot", BRIEFINGS_DISCORD_TOKEN=TOKEN, BRIEFINGS_DISCORD_API="http://127.0.0.1:1")
    assert " INFO discord.client: logging in using static token" in chatty.stderr


@pytest.mark.parametrize(
    ("setting", "value"),
    [("BRIEFINGS_DISCORD_API", "discord.com/api"), ("BRIEFINGS_DISCORD_GATEWAY", "https://gateway.example")],
)
def test_a_malformed_discord_address_stops_start_up_with_one_line(tmp_path, setting, value) -> None:
    run = start(tmp_path, "-m", "bot", BRIEFINGS_DISCORD_TOKEN=TOKEN, **{setting: value})
    assert run.returncode == 2 and run.stderr.count("\n") == 1 and run.stderr.startswith(f"error: {setting} '{value}'")


def _imports(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_two_faces_share_the_core_and_borrow_nothing_from_each_other() -> None:
    for path in (ROOT / "bot").rglob("*.py"):
        assert not {m for m in _imports(path) if m.startswith("briefings.terminal")}, path
    for path in (ROOT / "briefings").rglob("*.py"):
        assert not {m for m in _imports(path) if m == "bot" or m.startswith("bot.")}, path


def test_seeding_an_empty_store_keeps_to_the_configured_extraction_budget(tmp_path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    # about 1.2 s to extract on a developer's machine: within the default 20 s, not within 0.3 s
    (seeds / "long.txt").write_text(article("Ledger", "2025-03-13", long_article(300_000)), encoding="utf-8")
    (seeds / "short.txt").write_text(article("Courier", "2025-03-14", SMALL), encoding="utf-8")
    budget = {"BRIEFINGS_SEEDS": str(seeds), "BRIEFINGS_EXTRACT_BUDGET": "0.3"}
    run = start(tmp_path, "-m", "briefings.cli", "bot", typed="quit\n", **budget)
    assert run.returncode == 0, run.stderr
    assert "long.txt: took longer than 0.3 s to extract (BRIEFINGS_EXTRACT_BUDGET)" in run.stderr
    with sqlite3.connect(tmp_path / "svc.db") as db:
        assert [r[0] for r in db.execute("SELECT origin FROM sources")] == [str(seeds / "short.txt")]


def test_the_first_start_says_two_lines_before_the_console_and_the_steps_at_debug(tmp_path) -> None:
    run = start(tmp_path, "-m", "briefings.cli", "bot", typed="quit\n", BRIEFINGS_SEEDS=str(SEEDS))
    lines = run.stderr.splitlines()
    assert run.returncode == 0 and len(lines) == 2, run.stderr
    assert " INFO briefings.store.facts: made a new store (schema version " in lines[0]
    assert lines[1].endswith(f"seeded an empty store with 5 articles from {SEEDS}")
    (tmp_path / "svc.db").unlink()
    chatty = start(tmp_path, "-m", "briefings.cli", "bot", typed="quit\n", BRIEFINGS_LOG_LEVEL="DEBUG")
    assert " DEBUG briefings.store.facts: applying migration 0001 " in chatty.stderr


@pytest.mark.parametrize("value", ["200000000000000002,news", "12 34", "-5"])
def test_a_malformed_admin_servers_setting_stops_start_up_with_one_line(tmp_path, value) -> None:
    run = start(tmp_path, "-m", "bot", BRIEFINGS_DISCORD_TOKEN=TOKEN, BRIEFINGS_ADMIN_GUILDS=value)
    assert run.returncode == 2 and run.stderr.count("\n") == 1, run.stderr
    assert run.stderr.startswith("error: BRIEFINGS_ADMIN_GUILDS has '") and "is not a server id" in run.stderr
