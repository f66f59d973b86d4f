"""The tree's layering: a stage imports only its own and lower stages, and no modules import each other.

Stages, low to high, as data flows (docs/development.md): the words and models every stage shares;
extraction (pure); the store; several processes on one store; where articles come from; what the
commands answer; the terminal; the process (CLI, settings, start-up); the Discord bot. Imports that
only type (under `if TYPE_CHECKING:`) load nothing and are not counted.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

STAGES = {  # a module's stage: the longest prefix of its dotted name listed here
    "briefings": 0,  # the package itself, models.py, words.py, story definitions
    "briefings.extract": 1,
    "briefings.store": 2,
    "briefings.scale": 3,
    "briefings.sources": 4,
    "briefings.answers": 5,
    "briefings.terminal": 6,
    "briefings.cli": 7,
    "briefings.service": 7,
    "briefings.settings": 7,
    "briefings.health": 7,
    "briefings.logs": 7,
    # the bot: what its modules share, the pieces, the commands, the client that assembles them
    "bot": 8,
    "bot.common": 8,
    "bot.tasks": 9,
    "bot.render": 9,
    "bot.chart": 9,
    "bot.names": 9,
    "bot.paging": 10,
    "bot.digests": 10,
    "bot.feeds": 10,
    "bot.cogs": 11,
    "bot.client": 12,
    "bot.app": 13,
    "bot.__main__": 14,
}


def stage(module: str) -> int:
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        if ".".join(parts[:n]) in STAGES:
            return STAGES[".".join(parts[:n])]
    raise AssertionError(f"{module} has no stage: add it to STAGES")


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    return {module_name(p): p for top in ("briefings", "bot") for p in (ROOT / top).rglob("*.py")}


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(path: Path, name: str, known: set[str]) -> set[str]:
    """The project modules a module loads when it runs (at its top or inside a function)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            for a in node.names:
                out.add(f"{base}.{a.name}" if f"{base}.{a.name}" in known else base)
        stack.extend(ast.iter_child_nodes(node))
    return {m for m in out if m in known and m != name}


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    mods = project_modules()
    return {name: imports(path, name, set(mods)) for name, path in mods.items()}


def test_every_module_has_a_stage(graph: dict[str, set[str]]) -> None:
    for name in graph:
        stage(name)


def test_no_stage_imports_a_higher_one(graph: dict[str, set[str]]) -> None:
    upward = sorted(f"{a} imports {b}" for a, targets in graph.items() for b in targets if stage(b) > stage(a))
    assert upward == []


def test_no_import_circles(graph: dict[str, set[str]]) -> None:
    state: dict[str, int] = {}  # 1 on the path being walked, 2 done
    circles: list[str] = []

    def walk(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                circles.append(" -> ".join([*path[path.index(nxt) :], nxt]))
            elif nxt not in state:
                walk(nxt, [*path, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            walk(name, [name])
    assert circles == []


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    """The checker itself: an import from a lower stage to a higher one is found, one that only
    types is not."""
    low = tmp_path / "low.py"
    low.write_text(
        "from typing import TYPE_CHECKING\nfrom briefings.answers import queries\n"
        "if TYPE_CHECKING:\n    from bot.client import BriefingsBot\n"
        "def later():\n    from briefings.terminal import render\n"
    )
    known = {"briefings.answers.queries", "briefings.terminal.render", "bot.client", "briefings.answers"}
    assert imports(low, "briefings.store.low", known) == {"briefings.answers.queries", "briefings.terminal.render"}
