"""A real PostgreSQL server for the tests and the benchmarks: initdb and pg_ctl in a temporary folder,
listening on 127.0.0.1 only, stopped and removed at the end.

The server's binaries are found on PATH, through pg_config, or under /usr/lib/postgresql/<version>/bin
(Debian's packages). Run as root (as CI runs), initdb and the server run as an unprivileged user
(`nobody`), as PostgreSQL refuses root. The database's default collation is ICU's English where the
server has ICU, as most servers' is a language's and not byte order: the store must not depend on it.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

REQUIRE = "BRIEFINGS_TEST_POSTGRES"  # "require": no PostgreSQL fails the tests; a URL: use that server
UNPRIVILEGED = "nobody"


def find_bindir() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres, or None."""
    candidates: list[Path] = []
    found = shutil.which("initdb")
    if found:
        candidates.append(Path(found).resolve().parent)
    config = shutil.which("pg_config")
    if config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run([config, "--bindir"], capture_output=True, text=True, timeout=10, check=True)
            candidates.append(Path(out.stdout.strip()))
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: [int(x) for x in re.findall(r"\d+", p.parent.name)] or [0],
        reverse=True,
    )
    candidates += versions
    for folder in candidates:
        if all((folder / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TemporaryServer:
    """A throwaway PostgreSQL cluster: `url(database)` names one of its databases (superuser, no password)."""

    def __init__(self, bindir: Path, root: Path | None = None, *, settings: tuple[str, ...] = ()) -> None:
        """A server in a new temporary folder, or in `root` (kept, and its databases with it:
        the benchmarks build their stores once). `settings` are more `-c name=value` options."""
        self.bindir = bindir
        self.keep = root is not None
        self.root = root or Path(tempfile.mkdtemp(prefix="briefings-pg-"))
        self.root.mkdir(parents=True, exist_ok=True)
        self.data = self.root / "data"
        self.settings = settings
        self.port = 0
        self.user: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            self.user = pwd.getpwnam(UNPRIVILEGED)
            os.chown(self.root, self.user.pw_uid, self.user.pw_gid)
        os.chmod(self.root, 0o700)

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """One of the server's tools (initdb, pg_ctl, psql, pgbench …), as the server's own user."""
        env = {"PATH": f"{self.bindir}:/usr/bin:/bin", "HOME": str(self.root), "LC_ALL": "C.UTF-8", "TZ": "UTC"}
        drop: dict[str, object] = {}
        if self.user is not None:  # as root: PostgreSQL refuses to run as root
            drop = {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}
        return subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            cwd=self.root,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            **drop,  # type: ignore[arg-type]
        )

    def start(self) -> TemporaryServer:
        if not (self.data / "PG_VERSION").is_file():
            self._initdb()
        options = " ".join(
            [
                "-c listen_addresses=127.0.0.1",
                f"-c unix_socket_directories={self.root}",
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off",  # a test server: speed over safety
                "-c max_connections=200 -c shared_buffers=128MB",
                "-c log_min_messages=warning",
                *(f"-c {setting}" for setting in self.settings),
            ]
        )
        for _ in range(5):
            self.port = free_port()
            done = self.run(
                "pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-w", "-t", "60",
                "-o", f"-p {self.port} {options}", "start",
            )  # fmt: skip
            if done.returncode == 0:
                return self
            if "could not bind" not in self.log():
                break
        raise RuntimeError(f"the PostgreSQL server did not start: {done.stderr.strip()}\n{self.log()[-2000:]}")

    def _initdb(self) -> None:
        shutil.rmtree(self.data, ignore_errors=True)
        base = ["initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]
        done = self.run(*base, "--locale=C.UTF-8", "--locale-provider=icu", "--icu-locale=en-US")
        if done.returncode != 0:  # a server built without ICU
            shutil.rmtree(self.data, ignore_errors=True)
            done = self.run(*base, "--locale=C.UTF-8")
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stderr.strip() or done.stdout.strip()}")

    def log(self) -> str:
        try:
            return (self.root / "server.log").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        if self.port:
            mode = "fast" if self.keep else "immediate"
            self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", timeout=120)
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def temporary_server(root: Path | None = None, *, settings: tuple[str, ...] = ()) -> Iterator[TemporaryServer]:
    """A server for the length of the block (its folder kept when `root` is given); RuntimeError
    when PostgreSQL is not installed."""
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL's server (initdb, pg_ctl, postgres) is not installed")
    server = TemporaryServer(bindir, root, settings=settings)
    try:
        server.start()
        yield server
    finally:
        server.stop()


# ------------------------------------------------------------------------------ databases


def database_url(admin: str, name: str) -> str:
    """The URL of database `name` on the server that the superuser URL `admin` names."""
    return admin.rsplit("/", 1)[0] + "/" + name


async def create_database(admin: str, name: str, *, template: str | None = None, replace: bool = False) -> str:
    """A new database on the server (made from `template`; first dropped if there, with `replace`); its URL."""
    import asyncpg

    conn = await asyncpg.connect(admin)
    try:
        if replace:
            await conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await conn.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
    finally:
        await conn.close()
    return database_url(admin, name)


async def drop_database(admin: str, url: str) -> None:
    """Drop the database `url` names, whoever is connected to it."""
    import asyncpg

    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")
    finally:
        await conn.close()
