"""Start and stop the project's own S3-compatible server (``deploy/s3proxy/s3proxyctl``) from Python."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

IDENTITY = "kinerja-local"
CREDENTIAL = "kinerja-local-secret"  # a throwaway local server's key


def find_s3proxyctl() -> Path:
    """The launcher: ``$KINERJA_S3PROXYCTL`` or ``deploy/s3proxy/s3proxyctl`` above this module or the cwd."""
    configured = os.environ.get("KINERJA_S3PROXYCTL")
    if configured:
        return Path(configured)
    for start in (Path.cwd().resolve(), Path(__file__).resolve()):
        for folder in [start, *start.parents]:
            candidate = folder / "deploy" / "s3proxy" / "s3proxyctl"
            if candidate.exists():
                return candidate
    raise FileNotFoundError("deploy/s3proxy/s3proxyctl not found; set KINERJA_S3PROXYCTL")


class LocalS3Proxy:
    """S3Proxy on loopback with its objects under ``data_dir`` (identity/credential as above)."""

    def __init__(self, data_dir: Path, *, port: int) -> None:
        self.data_dir = data_dir
        self.port = port
        self.script = find_s3proxyctl()

    def start(self, timeout: int = 60) -> str:
        env = {**os.environ, "KINERJA_S3PROXY_IDENTITY": IDENTITY, "KINERJA_S3PROXY_CREDENTIAL": CREDENTIAL}
        result = subprocess.run(
            ["bash", str(self.script), "start", "--data-dir", str(self.data_dir), "--port", str(self.port),
             "--timeout", str(timeout)], check=True, capture_output=True, text=True, timeout=timeout + 900, env=env)
        return result.stdout.strip().splitlines()[-1]

    def stop(self) -> None:
        subprocess.run(["bash", str(self.script), "stop", "--data-dir", str(self.data_dir)],
                       check=False, capture_output=True, text=True, timeout=60)
