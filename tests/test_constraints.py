"""constraints.txt pins what pyproject.toml asks for, within its bounds (see docs/development.md)."""

from __future__ import annotations

import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import ROOT


def pins() -> dict[str, str]:
    found: dict[str, str] = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep and version, f"constraints.txt: '{line}' is not a pin like name==1.2.3"
            found[canonicalize_name(name)] = version
    return found


def test_every_dependency_is_pinned_within_its_bounds() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]]
    pinned = pins()
    unpinned = [str(r) for r in wanted if canonicalize_name(r.name) not in pinned]
    assert not unpinned, f"not in constraints.txt (run bash .ci/refresh-constraints): {unpinned}"
    outside = [
        f"{r} but {pinned[canonicalize_name(r.name)]}"
        for r in wanted
        if not r.specifier.contains(pinned[canonicalize_name(r.name)], prereleases=True)
    ]
    assert not outside, f"constraints.txt pins versions pyproject.toml does not allow: {outside}"


def test_the_install_commands_bring_pip_to_its_pin_first_which_reads_lxml_s_extras() -> None:
    # pip before 23.3 compares extras' names unnormalised (PEP 685): justext asks for lxml[html_clean],
    # lxml 6 declares "html-clean", and every install warned that the extra does not exist
    from packaging.version import Version

    assert Version(pins()["pip"]) >= Version("23.3")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    for text in (readme, ci):
        installs = [line for line in text.splitlines() if "python3 -m venv .venv && " in line]
        assert len(installs) == 2 and all(
            ".venv/bin/pip install -q -c constraints.txt -U pip && .venv/bin/pip install" in line for line in installs
        )
    assert "-c constraints.txt -U pip" in dockerfile
