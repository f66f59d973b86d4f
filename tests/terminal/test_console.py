"""The console: piped lines answered like slash commands; at a prompt, real keys (prompt_toolkit's
pipe input): completion, history across runs, Ctrl-C dropping a line or stopping an answer, Ctrl-D."""

from __future__ import annotations

import asyncio
import ctypes
import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from briefings.sources.ingest import ingest_paths
from briefings.terminal import console as face
from tests.conftest import ROOT, SEEDS, article

UP, TAB, ENTER, CTRL_C, CTRL_D = "\x1b[A", "\t", "\r", "\x03", "\x04"


def test_piped_lines_are_answered_like_slash_commands(tmp_path) -> None:
    lines = "\n".join(
        [
            "/estimate status:frontline",
            "/estimate claimant:South Korea",
            "/quote kirby contains:fair game",
            '/search "fair game"',
            "/quote Kim",
            "/who kirby",
            "/timeline from:nonsense",
            "quit",
            "/sources",  # after quit: never read
        ]
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFINGS_")}
    env.update(BRIEFINGS_DB=str(tmp_path / "c.db"), BRIEFINGS_SEEDS=str(SEEDS), COLUMNS="200")
    run = subprocess.run(
        [sys.executable, "-m", "briefings.cli", "bot"],
        input=lines,
        capture_output=True,
        text=True,
        cwd=tmp_path,  # anywhere: the settings say where the store and the seeds are
        timeout=120,
        env=env,
    )
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "no Discord token set" in out and "briefings>" not in out  # no prompt on a pipe
    assert "up to 10,000" in out and "State Department (Mathew Miller)" in out  # status:frontline, voiced by him
    assert "South Korea" in out and "Latest number per claimant" in out  # claimant:South Korea, unquoted
    assert "1 quote by John Kirby" in out and "They’re fair game" in out  # contains:fair game
    assert "match for '\"fair game\"'" in out or "matches for '\"fair game\"'" in out  # the phrase kept
    assert "'Kim' may mean Kim Tae-hyo or Kim Yong-hyun" in out
    assert "National Security Council spokesperson" in out  # /who kirby
    assert "'nonsense' is not a date for from" in out
    assert "Sources" not in out
    assert "Traceback" not in run.stderr and "voice will NOT be supported" not in run.stderr


@pytest.fixture
async def stocked(conn):
    await ingest_paths(conn, [str(SEEDS)])
    return conn


async def until(check: Callable[[], bool], what: str) -> None:
    """Wait for the prompt to have done something (a completion, a recalled line): no fixed sleeps."""
    for _ in range(500):
        if check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"the prompt never showed {what}")


async def type_at(conn, session, keys: list[str | tuple[str, str]], out: io.StringIO) -> None:
    """Run the console at a prompt fed `keys`; a (key, text) pair waits until the line reads `text`."""
    reader = face.Interactive(face.PromptReader(session), session.completer.names, conn)

    async def typist() -> None:
        for key in keys:
            if isinstance(key, tuple):
                session.input.send_text(key[0])
                await until(lambda k=key: session.default_buffer.text == k[1], repr(key[1]))
            else:
                session.input.send_text(key)

    typing = asyncio.create_task(typist())
    answering = asyncio.create_task(face.run_console(conn, reader, Console(file=out, width=200)))
    done, _ = await asyncio.wait({typing, answering}, timeout=30, return_when=asyncio.FIRST_EXCEPTION)
    if typing in done and typing.exception():
        answering.cancel()
        raise typing.exception()
    await asyncio.wait_for(answering, 30)


def session_for(inp, history=None):
    return face.prompt_session(face.KnownNames(), history or InMemoryHistory(), input=inp, output=DummyOutput())


async def test_tab_completes_commands_statuses_and_names(stocked) -> None:
    out = io.StringIO()
    with create_pipe_input() as inp:
        session = session_for(inp)
        await type_at(
            stocked,
            session,
            [
                ("/est", "/est"),
                (TAB, "/estimate"),
                (" status:dep", "/estimate status:dep"),
                (TAB, "/estimate status:deployed"),
                ENTER,
                ("/quote kir", "/quote kir"),
                (TAB, "/quote John Kirby"),
                (" contains:fair game", "/quote John Kirby contains:fair game"),
                ENTER,
                CTRL_D,
            ],
            out,
        )
    text = out.getvalue()
    assert "Latest number per claimant" in text and "deployed" in text
    assert "1 quote by John Kirby" in text
    assert list(session.history.get_strings()) == [
        "/estimate status:deployed",
        "/quote John Kirby contains:fair game",
    ]


async def test_ctrl_c_drops_the_line_and_ctrl_d_leaves(stocked) -> None:
    out = io.StringIO()
    with create_pipe_input() as inp:
        session = session_for(inp)
        await type_at(
            stocked, session, [("/sources but not this", "/sources but not this"), CTRL_C, "/about", ENTER, CTRL_D], out
        )
    text = out.getvalue()
    assert "The store holds 5 sources" in text
    assert "takes no options" not in text  # the dropped line was never run
    assert list(session.history.get_strings()) == ["/about"]


async def test_history_is_kept_across_runs_beside_the_store(stocked, db_path) -> None:
    out = io.StringIO()
    with create_pipe_input() as inp:
        await type_at(stocked, session_for(inp, face.history_for(db_path.parent)), ["/about", ENTER, CTRL_D], out)
    assert (db_path.parent / face.HISTORY_FILE).exists()
    out = io.StringIO()
    with create_pipe_input() as inp:  # a new run: the arrow recalls the last run's line
        await type_at(stocked, session_for(inp, face.history_for(db_path.parent)), [(UP, "/about"), ENTER, CTRL_D], out)
    assert "The store holds 5 sources" in out.getvalue()


async def test_ctrl_c_while_answering_stops_that_answer_only(stocked, monkeypatch) -> None:
    async def slow(conn, values, stories, tz):
        os.kill(os.getpid(), signal.SIGINT)  # the key press, as the terminal sends it between prompts
        await asyncio.sleep(30)

    monkeypatch.setitem(face.RUNNERS, "sources", slow)
    out = io.StringIO()
    with create_pipe_input() as inp:
        await type_at(stocked, session_for(inp), ["/sources", ENTER, "/about", ENTER, CTRL_D], out)
    text = out.getvalue()
    assert "Stopped." in text and "The store holds 5 sources" in text


def completions(text: str, names: face.KnownNames) -> list[str]:
    found = face.CommandCompleter(names).get_completions(Document(text), CompleteEvent(completion_requested=True))
    return [c.text for c in found]


async def test_completion_knows_options_statuses_and_stored_names(stocked) -> None:
    names = face.KnownNames()
    await names.refresh(stocked, force=True)
    assert completions("/ti", names) == ["/timeline"]
    assert completions("/estimate ", names) == ["status:", "claimant:", "story:"]
    assert completions("/estimate story:hurr", names) == ["hurricane-helene"]
    assert completions("/estimate story:hurricane-helene status:mi", names) == ["missing"]  # the story's statuses
    assert completions("/estimate status:planned cl", names) == ["claimant:"]
    assert completions("/estimate status:f", names) == ["frontline"]
    assert "National Intelligence Service" in completions("/estimate claimant:national", names)
    assert completions("/who zakh", names) == ["Maria Zakharova"]
    assert completions("/quote kirby contains:", names) == []  # free words: nothing to guess
    assert completions("/nothing ", names) == []


def _console_process(tmp_path) -> subprocess.Popen[str]:
    """`briefings bot` on a pipe that stays open, once it reads its input, with Ctrl-C as a terminal's
    foreground program has it: the signal's default (a shell's background job inherits it ignored)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFINGS_")}
    env.update(BRIEFINGS_DB=str(tmp_path / "c.db"), BRIEFINGS_SEEDS="")
    start = (
        "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.executable, sys.argv[1:])"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", start, sys.executable, "-m", "briefings.cli", "bot"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert proc.stdout is not None
    assert "no Discord token set" in proc.stdout.readline()  # the console is reading its input
    return proc


def _left_on_ctrl_c(proc: subprocess.Popen[str]) -> None:
    try:
        code = proc.wait(timeout=60)  # the input stays open: no line is needed to leave
    finally:
        proc.kill()
        proc.stdin.close()  # type: ignore[union-attr]
    assert code == 130 and "Traceback" not in (proc.stderr.read() if proc.stderr else "")


def test_ctrl_c_on_piped_input_leaves_at_once_without_waiting_for_a_line(tmp_path) -> None:
    proc = _console_process(tmp_path)
    proc.send_signal(signal.SIGINT)
    _left_on_ctrl_c(proc)


def test_ctrl_c_leaves_whichever_thread_of_the_console_it_lands_on(tmp_path) -> None:
    """The kernel hands a process's signal to any of its threads (the main one is busy, or about to
    sleep): the console's reading thread taking it must not leave the main one waiting for a line."""
    tgkill = getattr(ctypes.CDLL(None), "tgkill", None)  # glibc's; Python has no call for one thread
    if tgkill is None:
        pytest.skip("sending a signal to one thread needs glibc's tgkill")
    proc = _console_process(tmp_path)
    main = Path(f"/proc/{proc.pid}/task/{proc.pid}/wchan")
    deadline, seen = time.monotonic() + 60, set()
    while "poll" not in (where := main.read_text()):  # until its main thread sleeps in the loop's epoll_wait
        seen.add(where)
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            if seen <= {"", "0"}:  # "0" while running; always, where the kernel hides it
                pytest.skip("this kernel does not show where a thread waits (/proc/PID/wchan)")
            pytest.fail(f"the console never waited for input: {seen}")
        time.sleep(0.01)
    others = [int(t) for t in os.listdir(f"/proc/{proc.pid}/task") if int(t) != proc.pid]
    assert others, "the console runs threads besides its main one"
    assert tgkill(proc.pid, others[-1], signal.SIGINT) == 0
    _left_on_ctrl_c(proc)


async def test_about_counts_one_of_a_kind_in_the_singular(conn, write) -> None:
    one = write("one.txt", article("Ledger", "2025-03-03", "“We will hold the bridge,” Envoy Ada Stone said."))
    await ingest_paths(conn, [str(one)])
    out = Console(file=io.StringIO(), width=200)
    out.print(await face.answer(conn, "/about"))
    assert "The store holds 1 source, 1 quote, 0 estimates and 1 person or body." in out.file.getvalue()


def bot(tmp_path, stdin) -> subprocess.Popen[str]:
    """`briefings bot` with no token and no seeds, its input `stdin`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFINGS_")}
    env.update(BRIEFINGS_DB=str(tmp_path / "c.db"), BRIEFINGS_SEEDS="")
    return subprocess.Popen(
        [sys.executable, "-m", "briefings.cli", "bot"],
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )


def test_sigterm_leaves_the_console_cleanly_with_exit_0(tmp_path) -> None:
    proc = bot(tmp_path, subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None and proc.stdin is not None
    assert "no Discord token set" in proc.stdout.readline()  # the console is reading its input
    proc.send_signal(signal.SIGTERM)  # what `docker stop` sends
    code = proc.wait(timeout=20)  # the input stays open: no line is needed to leave
    assert code == 0 and "Traceback" not in proc.stderr.read()
    proc.stdin.close()


def test_no_token_and_no_input_is_one_line_and_a_failure_not_a_silent_exit(tmp_path) -> None:
    # `docker run` without -i and without the token: stdin is /dev/null, and nothing can be typed
    proc = bot(tmp_path, subprocess.DEVNULL)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and out == "", (out, err)
    assert err.count("\n") == 1 and err.startswith("error: BRIEFINGS_DISCORD_TOKEN is not set"), err
    assert "docker run -it" in err
    assert not (tmp_path / "c.db").exists()  # it stopped before making a store


def test_lines_from_a_file_are_still_answered_and_the_end_of_the_file_leaves(tmp_path) -> None:
    # the README's first command as CI runs it: `briefings bot <<< quit`, `briefings bot < lines.txt`
    typed = tmp_path / "lines.txt"
    typed.write_text("/about\n", encoding="utf-8")
    with typed.open() as stdin:
        proc = bot(tmp_path, stdin)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and "The store holds 0 sources" in out, err
