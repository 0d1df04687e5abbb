"""Running service processes the way production does: their own command, settings from the environment."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import httpx

from kinerja_kernel.infra.postgres import create_database, free_port


def service_command(name: str) -> list[str]:
    """The console script of a service (``kinerja-planning``), from this interpreter's environment."""
    script = Path(sys.executable).parent / f"kinerja-{name}"
    if script.exists():
        return [str(script)]
    found = shutil.which(f"kinerja-{name}")
    if found is None:
        raise FileNotFoundError(f"kinerja-{name} is not installed in this environment")
    return [found]


class ServiceProcess:
    """One service process with its own log file; stopped with SIGTERM like an orchestrator does."""

    def __init__(self, name: str, *, env: dict[str, str], port: int, log_path: Path) -> None:
        self.name = name
        self.env = env
        self.port = port
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def database_url(self) -> str | None:
        return self.env.get(f"KINERJA_{self.name.upper()}_DATABASE_URL")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            service_command(self.name), env={**os.environ, **self.env}, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def wait_healthy(self, timeout: float = 60.0) -> None:
        """Wait until ``/health`` answers ok (the runtime, relay and consumers have started)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {self.log_path}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1.0).json().get("status") == "ok":
                    return
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{self.name} did not become healthy in {timeout}s; see {self.log_path}")

    def stop(self, timeout: float = 20.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextlib.contextmanager
def running_services(
    names: Sequence[str], *, server_url: str, bootstrap: str, jwt_secret: str, log_dir: Path, database_prefix: str,
    environment: str = "production", extra_env: Mapping[str, Mapping[str, str]] | None = None,
) -> Iterator[dict[str, ServiceProcess]]:
    """Service processes, each with a new database ``<prefix>_<name>`` on ``server_url``, on ``bootstrap``,
    started together and healthy; stopped (SIGTERM) on exit. ``extra_env`` adds settings per service."""
    started: dict[str, ServiceProcess] = {}
    try:
        for name in names:
            database = asyncio.run(create_database(server_url, f"{database_prefix}_{name}"))
            prefix, port = f"KINERJA_{name.upper()}_", free_port()
            process = ServiceProcess(name, port=port, log_path=log_dir / f"{name}.log", env={
                f"{prefix}DATABASE_URL": database, f"{prefix}KAFKA_BOOTSTRAP_SERVERS": bootstrap,
                f"{prefix}HTTP_PORT": str(port), f"{prefix}JWT_SECRET": jwt_secret,
                f"{prefix}ENVIRONMENT": environment, **(extra_env or {}).get(name, {})})
            process.start()
            started[name] = process
        for process in started.values():
            process.wait_healthy()
        yield started
    finally:
        for process in started.values():
            process.stop()
