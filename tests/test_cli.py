"""The command line, run in-process against a real store: the answers a newcomer reads."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from briefings.cli import main
from tests.conftest import ROOT, SEEDS


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "cli.db"
    monkeypatch.setenv("BRIEFINGS_DB", str(path))
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ingest_seeds_then_answer_how_many_and_who_said(db, capsys) -> None:
    code, out, _ = run(capsys, "ingest", str(SEEDS))
    assert code == 0
    assert "5 added, 0 unchanged, 0 failed" in out
    assert "near-copy of source 1" in out and "rewrite of source 1" in out

    code, out, _ = run(capsys, "estimate", "--format", "json")
    pic = json.loads(out)
    planned = {(e["claimant"], e["value"]) for e in pic["latest"] if e["status"] == "planned"}
    assert ("National Intelligence Service", 10000) in planned
    deployed = {(e["claimant"], e["value"], e["qualifier"]) for e in pic["latest"] if e["status"] == "deployed"}
    assert ("U.S.", 3000, "at_least") in deployed

    code, out, _ = run(capsys, "quote", "kirby", "--format", "json")
    quotes = json.loads(out)
    assert {q["speaker"] for q in quotes} == {"John Kirby"}
    assert any(q["text"] == "They’re fair game" and q["claimed_on"] == "2024-10-23" for q in quotes)

    code, out, _ = run(capsys, "estimate")
    assert "Latest number per claimant" in out and "at least 3,000" in out


def test_every_query_command_answers(db, capsys) -> None:
    run(capsys, "ingest", str(SEEDS))
    for argv in (
        ["sources"],
        ["timeline"],
        ["who", "Kirby"],
        ["search", "fair", "game"],
        ["quote", "Patel", "--contains", "reckless"],
        ["digest", "--since", "2000-01-01T00:00+00:00"],
    ):
        code, out, err = run(capsys, *argv)
        assert code == 0, (argv, err)
        assert out.strip(), argv
    code, out, _ = run(capsys, "who", "Kirby")
    assert "National Security Council spokesperson" in out and "United States" in out


def test_reingest_reports_unchanged(db, capsys) -> None:
    run(capsys, "ingest", str(SEEDS))
    code, out, _ = run(capsys, "ingest", str(SEEDS))
    assert code == 0 and "0 added, 5 unchanged, 0 failed" in out


def test_bad_input_gets_one_line_each_and_exit_1(db, capsys, tmp_path) -> None:
    (tmp_path / "empty.txt").write_text("")
    code, out, err = run(
        capsys,
        "ingest",
        str(tmp_path / "empty.txt"),
        str(tmp_path / "missing.txt"),
        str(SEEDS / "004_ba2e666c7d09b48b.txt"),
    )
    assert code == 1
    assert err.strip().splitlines() == [
        f"error: {tmp_path / 'empty.txt'}: is empty",
        f"error: {tmp_path / 'missing.txt'}: does not exist",
    ]
    assert "1 added, 0 unchanged, 2 failed" in out


def test_malformed_search_is_an_error_message_not_a_traceback(db, capsys) -> None:
    run(capsys, "ingest", str(SEEDS))
    code, _, err = run(capsys, "search", '"fair game')
    assert code == 2
    assert err.startswith("error: The search has an unclosed quote mark") and "Traceback" not in err


def test_extract_prints_the_evaluation_format(capsys) -> None:
    code, out, _ = run(capsys, "extract", "--format", "json", str(SEEDS / "004_ba2e666c7d09b48b.txt"))
    data = json.loads(out)
    assert code == 0 and set(data) >= {"quotes", "estimates"}
    e = data["estimates"][0]
    assert set(e) >= {"claimant", "value", "qualifier", "status", "claimed_on", "sentence", "span"}


def test_version_from_the_installed_script() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "briefings.cli", "--version"], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout
    assert out.startswith("briefings ")
