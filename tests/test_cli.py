"""The command line, run in-process against a real store: the answers a newcomer reads."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

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
    assert ("United States", 3000, "at_least") in deployed

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


# ------------------------------------------------------------------ settings and errors


def briefings(*argv: str, cwd=None, **env: str) -> subprocess.CompletedProcess[str]:
    """`briefings ARGV` as a real process, with only these BRIEFINGS_ settings."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFINGS_")}
    return subprocess.run(
        [sys.executable, "-m", "briefings.cli", *argv],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=120,
        env={**clean, "COLUMNS": "200", **env},
    )


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("seeded") / "seeded.db"
    assert main(["--db", str(path), "ingest", str(SEEDS)]) == 0
    return path


def test_db_goes_before_or_after_the_command_and_env_and_dotenv_are_read(seeded_db, tmp_path, capsys) -> None:
    for argv in (["--db", str(seeded_db), "sources"], ["sources", "--db", str(seeded_db)]):
        code, out, err = run(capsys, *argv, "--format", "json")
        assert code == 0 and len(json.loads(out)) == 5, err
    (tmp_path / ".env").write_text(f"BRIEFINGS_DB={seeded_db}\n")
    done = briefings("sources", "--format", "json", cwd=tmp_path)  # the .env of the folder it runs in
    assert done.returncode == 0 and len(json.loads(done.stdout)) == 5, done.stderr


def test_a_read_only_command_on_a_missing_store_says_so_and_creates_nothing(tmp_path) -> None:
    missing = tmp_path / "nothing" / "here.db"
    for argv in (["sources"], ["quote", "kirby"], ["feeds", "list"], ["digest"]):
        done = briefings("--db", str(missing), *argv)
        assert done.returncode == 2 and done.stderr.count("\n") == 1, (argv, done.stderr)
        assert done.stderr.startswith(f"error: there is no store at {missing} (--db)")
    assert not (tmp_path / "nothing").exists()
    done = briefings("sources", BRIEFINGS_DB=str(missing))
    assert "(BRIEFINGS_DB)" in done.stderr


@pytest.mark.parametrize(
    ("argv", "env", "named"),
    [
        (["estimate", "--claimant", "x" * 100_000], {}, "claimant given is 100,000 characters"),
        (["quote", "kirby", "--contains", "fair " * 12_000], {}, "words to find given is 59,999 characters long"),
        (["quote", "kirby", "--limit", "9223372036854775807"], {}, "--limit must be a whole number from 1 to 1,000"),
        (["digest", "--since", "9999-12-31T23:59:59-12:00"], {}, "'9999-12-31T23:59:59-12:00' is too far from today"),
        (["search", "fair game " * 12_000], {}, "search given is 119,999 characters long"),
        (["search", "fair AND"], {}, "AND goes between words"),
        (["search", '"fair game'], {}, "unclosed quote mark"),
        (["estimate", "--status", "sideways"], {}, "'sideways' is not a status of north-korean-troops; its statuses"),
        (["estimate", "--story", "volcano"], {}, "There is no story 'volcano'; the stories are hong-kong-protests,"),
        (["timeline"], {"BRIEFINGS_STORY": "volcano"}, "BRIEFINGS_STORY 'volcano' is not a story"),
        (["quote", "Kim"], {}, "'Kim' may mean Kim Tae-hyo or Kim Yong-hyun; give more of the name"),
        (["timeline", "--from", "nonsense"], {}, "'nonsense' is not a date for --from"),
        (
            ["sources"],
            {"BRIEFINGS_DISCORD_API": "not a url"},
            "BRIEFINGS_DISCORD_API 'not a url' is not an http(s) address",
        ),
        (["sources"], {"BRIEFINGS_TIMEZONE": "x" * 6000}, "BRIEFINGS_TIMEZONE 'xxxx"),
    ],
)
def test_odd_queries_and_settings_get_one_line_naming_them(seeded_db, argv, env, named) -> None:
    done = briefings(*argv, BRIEFINGS_DB=str(seeded_db), **env)
    assert done.returncode != 0
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1, done.stderr[:500]
    assert named in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr) < 400  # a long input is not repeated whole


@pytest.mark.parametrize("command", [["sources"], ["ingest", str(SEEDS)], ["bot"]])
def test_a_store_path_that_cannot_be_a_store_is_one_line(tmp_path, command) -> None:
    done = briefings("--db", str(tmp_path), *command)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(f"error: --db {tmp_path} is a folder, not a database file")
    done = briefings(*command, BRIEFINGS_DB="/proc/nonexistent/x.db")
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    expected = "cannot be created" if command != ["sources"] else "there is no store at /proc/nonexistent/x.db"
    assert expected in done.stderr and "BRIEFINGS_DB" in done.stderr


# --------------------------------------------------------------------- answers and JSON


def test_every_command_speaks_json(seeded_db, tmp_path, capsys) -> None:
    db = ["--db", str(seeded_db)]
    for argv in (
        ["estimate"],
        ["quote", "kirby"],
        ["search", "fair", "game"],
        ["sources"],
        ["timeline"],
        ["who", "Kirby"],
        ["digest", "--since", "3650d"],
        ["feeds", "list"],
        ["health"],
        ["extract", str(SEEDS / "004_ba2e666c7d09b48b.txt")],
    ):
        code, out, err = run(capsys, *db, *argv, "--format", "json")
        assert code == 0, (argv, err)
        json.loads(out)
    fresh = ["--db", str(tmp_path / "fresh.db")]
    code, out, _ = run(capsys, *fresh, "ingest", str(SEEDS / "004_ba2e666c7d09b48b.txt"), "--format", "json")
    data = json.loads(out)
    assert code == 0 and (data["added"], data["items"][0]["outcome"], data["items"][0]["source_id"]) == (1, "added", 1)
    code, out, _ = run(capsys, *fresh, "remove", "1", "--format", "json")
    assert code == 0 and json.loads(out)[0]["id"] == 1


def test_quotes_echo_the_resolved_name_count_in_the_singular_and_mark_publication_dates(seeded_db, capsys) -> None:
    code, out, _ = run(capsys, "--db", str(seeded_db), "quote", "kirby")
    assert code == 0 and "quotes by John Kirby, newest first" in out
    code, out, _ = run(capsys, "--db", str(seeded_db), "quote", "kirby", "--limit", "1")
    assert "1 quote by John Kirby" in out
    code, out, _ = run(capsys, "--db", str(seeded_db), "quote", "Zakharova", "--format", "json")
    published = [q for q in json.loads(out) if q["date_basis"] == "published"]
    if published:  # dated by the article: the table marks it as every other table does
        code, out, _ = run(capsys, "--db", str(seeded_db), "quote", "Zakharova")
        assert f"{published[0]['claimed_on']}*" in out and "* dated by the article's publication" in out


def test_digest_since_takes_hours_or_days_and_defaults_to_a_day(seeded_db, capsys) -> None:
    for since in (["--since", "12h"], ["--since", "2d"], []):
        code, out, err = run(capsys, "--db", str(seeded_db), "digest", *since, "--format", "json")
        assert code == 0, err
        d = json.loads(out)
        span = dt.datetime.fromisoformat(d["until"]) - dt.datetime.fromisoformat(d["since"])
        assert span == {"12h": dt.timedelta(hours=12), "2d": dt.timedelta(days=2)}.get(
            since[-1] if since else "", dt.timedelta(days=1)
        )
        assert d["since"].endswith("Z") and d["until"].endswith("Z")


def test_remove_takes_a_source_and_its_facts_out(tmp_path, capsys) -> None:
    db = ["--db", str(tmp_path / "r.db")]
    run(capsys, *db, "ingest", str(SEEDS))
    code, out, _ = run(capsys, *db, "remove", "5")
    assert code == 0 and out.startswith("removed source 5 (")
    code, out, _ = run(capsys, *db, "sources", "--format", "json")
    assert 5 not in {s["id"] for s in json.loads(out)}
    code, _, err = run(capsys, *db, "remove", "5")
    assert code == 2 and err == "error: There is no source '5'; `briefings sources` lists them with their ids.\n"


PLAIN = """North Korean troops reach the front in Kursk

About 1,500 more North Korean soldiers reached the Kursk region, a regional governor said.
“They arrived by train and were taken straight to the training grounds,” the governor told a local radio station.
"""


def test_a_plain_text_article_is_titled_by_its_headline_and_named_by_its_file(tmp_path) -> None:
    (tmp_path / "kursk-report.txt").write_text(PLAIN, encoding="utf-8")
    env = {"BRIEFINGS_DB": str(tmp_path / "plain.db")}
    assert briefings("ingest", "kursk-report.txt", cwd=tmp_path, **env).returncode == 0
    (source,) = json.loads(briefings("sources", "--format", "json", **env).stdout)
    assert (source["outlet"], source["title"]) == (None, "North Korean troops reach the front in Kursk")
    table = " ".join(briefings("sources", **env).stdout.split())
    assert "1 kursk-report.txt date unknown North Korean troops reach the front in Kursk 1 quote, 1 estimate" in table
    picture = briefings("estimate", **env).stdout
    assert "date unknown kursk-report.txt" in " ".join(picture.split())  # no publication date: no *
    assert "*" not in picture
    (hit,) = json.loads(briefings("search", "train", "--format", "json", **env).stdout)
    assert hit["source"]["origin"] == "kursk-report.txt"
    assert "kursk-report.txt" in briefings("search", "train", **env).stdout


@pytest.mark.engines("postgresql")
async def test_the_commands_take_a_postgresql_url(empty_db_url, tmp_path, monkeypatch, capsys) -> None:
    import asyncio

    monkeypatch.setenv("BRIEFINGS_STATE_DIR", str(tmp_path))

    async def briefings(*argv: str) -> tuple[int, str, str]:
        code = await asyncio.to_thread(main, ["--db", empty_db_url, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    code, _, err = await briefings("sources")  # a database with no store yet: said, and nothing made
    assert code == 2 and err.startswith(f"error: there is no store at {empty_db_url}")
    assert (await briefings("health"))[0] == 1
    code, out, _ = await briefings("ingest", str(SEEDS))
    assert code == 0 and "5 added, 0 unchanged, 0 failed" in out
    code, out, _ = await briefings("sources", "--format", "json")
    assert len(json.loads(out)) == 5
    code, out, _ = await briefings("quote", "kirby", "--format", "json")
    assert any(q["text"] == "They’re fair game" for q in json.loads(out))
    code, out, _ = await briefings("health", "--format", "json")
    assert json.loads(out) == {"ok": True, "message": "ok: database readable (5 sources)"}
    for port in ("1", "99999"):  # nothing listens there; no port is that
        wrong = re.sub(r"postgres@127\.0\.0\.1:\d+", f"postgres:hush@127.0.0.1:{port}", empty_db_url)
        code, _, err = await briefings("--db", wrong, "sources")
        assert code == 2 and err.startswith("error: cannot open the database at postgresql://postgres:***@")
        assert "hush" not in err and "Traceback" not in err and len(err.splitlines()) == 1


def test_a_store_named_by_another_url_is_refused_in_one_line(capsys) -> None:
    code, _, err = run(capsys, "--db", "mysql://u:pw@db/briefings", "sources")
    assert (
        code == 2
        and err.strip() == "error: BRIEFINGS_DB 'mysql://…' is no store: give a file's path or a postgresql:// URL"
    )


# ------------------------------------------------------------------ pipes and logs


def closed_pipe_run(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`briefings ARGV | head -0`: stdout a pipe whose reader is gone before anything is written."""
    read, write = os.pipe()
    os.close(read)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFINGS_")}
    try:
        return subprocess.run(
            [sys.executable, "-m", "briefings.cli", *argv],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            timeout=120,
            env={**clean, **env},
        )
    finally:
        os.close(write)


@pytest.mark.parametrize(
    "argv",
    [
        ["timeline", "--format", "json"],
        ["timeline"],
        ["sources", "--format", "json"],
        ["quote", "kirby"],
        ["extract", str(SEEDS / "004_ba2e666c7d09b48b.txt")],
    ],
)
def test_a_reader_that_leaves_early_gets_no_traceback(seeded_db, argv) -> None:
    done = closed_pipe_run(*argv, BRIEFINGS_DB=str(seeded_db))
    assert done.stderr == "" and done.returncode == 1, done.stderr[-2000:]


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[str, dict[str, tuple[int, str]]]]:
    """A web server on 127.0.0.1: its address and its pages (path -> (status, body)), which a test may change."""
    pages: dict[str, tuple[int, str]] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body = pages.get(self.path, (404, "not here"))
            self.send_response(status)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", pages
    server.shutdown()
    server.server_close()


def rss(*links: str) -> str:
    items = "".join(
        f"<item><title>Item {n}</title><link>{link}</link><guid>g{n}</guid></item>" for n, link in enumerate(links)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Test wire</title>{items}</channel></rss>'


def test_verbose_poll_logs_a_missing_page_in_one_line(site, tmp_path) -> None:
    base, pages = site
    pages["/wire.xml"] = (200, rss(f"{base}/gone-page.html"))
    env = {"BRIEFINGS_DB": str(tmp_path / "f.db"), "BRIEFINGS_ALLOW_LOOPBACK": "true"}
    assert briefings("feeds", "add", f"{base}/wire.xml", **env).returncode == 0
    pages["/no-such-feed.xml"] = (200, rss())  # a feed when added (`feeds add` refuses a 404), gone since
    assert briefings("feeds", "add", f"{base}/no-such-feed.xml", **env).returncode == 0
    pages["/no-such-feed.xml"] = (404, "gone")
    done = briefings("-v", "feeds", "poll", **env)
    assert "Traceback" not in done.stderr, done.stderr
    (entry,) = [line for line in done.stderr.splitlines() if "gone-page.html" in line]
    assert entry.endswith("gone-page.html not taken: the server answered 404 Not Found")
    (feed,) = [line for line in done.stderr.splitlines() if "no-such-feed.xml" in line]
    assert feed.endswith("failed (1 in a row): the server answered 404 Not Found")


def test_poll_exits_1_when_anything_failed_and_the_list_says_which_entry_and_why(site, tmp_path) -> None:
    base, pages = site
    pages["/quiet.xml"] = (200, rss())
    pages["/broken-entries.xml"] = (200, rss(*(f"{base}/vanished-{n}.html" for n in range(7))))
    env = {
        "BRIEFINGS_DB": str(tmp_path / "f.db"),
        "BRIEFINGS_ALLOW_LOOPBACK": "true",
        "BRIEFINGS_TIMEZONE": "Asia/Seoul",
    }
    assert briefings("feeds", "add", f"{base}/quiet.xml", **env).returncode == 0
    done = briefings("feeds", "poll", **env)
    assert done.returncode == 0 and done.stdout == "feed 1: ok; 0 taken, 0 skipped, 0 failed\n", done.stderr
    assert briefings("feeds", "add", f"{base}/broken-entries.xml", **env).returncode == 0
    done = briefings("feeds", "poll", **env)  # one feed's entries failed
    assert done.returncode == 1 and "feed 2: ok; 0 taken, 0 skipped, 7 failed" in done.stdout
    pages["/quiet.xml"] = (500, "down")
    pages["/broken-entries.xml"] = (404, "gone")
    done = briefings("feeds", "poll", "--format", "json", **env)  # every feed failed
    assert done.returncode == 1 and {p["state"] for p in json.loads(done.stdout)} == {"error"}

    listing = briefings("feeds", "list", **env)
    assert listing.returncode == 0
    out = " ".join(listing.stdout.split())
    assert f"2 {base}/vanished-0.html the server answered 404 Not Found 1, tried again at the next poll" in out
    assert out.count("vanished-") == 5 and "…and 2 more" in out  # the newest few, and how many more
    assert re.search(r" 20\d\d-\d\d-\d\d \d\d:\d\d KST ", out), out  # the last success, in BRIEFINGS_TIMEZONE
    assert not re.search(r"\d\d:\d\d:\d\d", out), out  # no raw ISO moments
    (_, broken) = json.loads(briefings("feeds", "list", "--format", "json", **env).stdout)
    assert broken["entry_errors_total"] == 7 and len(broken["entry_errors"]) == 5
    assert broken["entry_errors"][0] == {
        "url": f"{base}/vanished-0.html",
        "error": "the server answered 404 Not Found",
        "attempts": 1,
        "retried": True,
    }


def test_the_digest_s_period_reads_in_the_configured_time_zone(seeded_db) -> None:
    done = briefings(
        "digest",
        "--since",
        "2024-10-24T08:00+00:00",
        "--until",
        "2024-10-25T08:00+00:00",
        BRIEFINGS_DB=str(seeded_db),
        BRIEFINGS_TIMEZONE="Asia/Seoul",
    )
    assert done.returncode == 0, done.stderr
    assert "from 2024-10-24 17:00 KST to 2024-10-25 17:00 KST" in done.stdout.splitlines()[0]


def test_piped_tables_keep_each_row_on_one_line_with_no_trailing_spaces(seeded_db) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFINGS_") and k != "COLUMNS"}

    def piped(*argv: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "briefings.cli", "--db", str(seeded_db), *argv],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
            env=env,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    table = piped("estimate").splitlines()
    assert all(line == line.rstrip() for line in table)
    for e in json.loads(piped("estimate", "--format", "json"))["latest"]:
        # a row is one line, for grep: the claimant's whole name beside its number and date
        row = f"{e['value']:,}"
        assert any(e["claimant"] in line and row in line and e["claimed_on"] in line for line in table), e
    quotes = piped("quote", "kirby")
    assert quotes.count("John Kirby") == 1 and "“They’re fair game”" in quotes  # named in the title only
