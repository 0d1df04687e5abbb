"""Development keys and the witness process for ``make run`` (``deploy/local/devstack.py``).

Keys are generated once into ``<state>/transparency/`` (mode 0600) and reused, so checkpoints made on
an earlier run still verify. Production keys come from a secret store through the same settings
(``KINERJA_<SERVICE>_TRANSPARENCY_SIGNING_KEY``); see ``docs/events/transparency.md`` for rotation.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

from kinerja_kernel.transparency.note import COSIGNATURE_V1, ED25519, Signer

DEV_ORIGIN = "kinerja.local/{service}"
DEV_WITNESS = "witness.kinerja.local/dev"


def _key(path: Path, name: str, kind: int) -> Signer:
    if path.exists():
        return Signer.parse(path.read_text())
    signer = Signer.generate(name, kind)
    path.write_text(signer.skey + "\n")
    path.chmod(0o600)
    return signer


class DevTransparency:
    """The services' log keys, the witness's key and the witness process of the development stack."""

    def __init__(self, state: Path, services: Sequence[str], *, port: int) -> None:
        state.mkdir(parents=True, exist_ok=True)
        self.state = state
        self.port = port
        self.logs = {s: _key(state / f"{s}.key", DEV_ORIGIN.format(service=s), ED25519) for s in services}
        self.witness = _key(state / "witness.key", DEV_WITNESS, COSIGNATURE_V1)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self, service: str) -> dict[str, str]:
        """The settings that make a service sign checkpoints and ask this witness."""
        prefix = f"KINERJA_{service.upper()}_TRANSPARENCY_"
        return {f"{prefix}SIGNING_KEY": self.logs[service].skey, f"{prefix}WITNESS_URL": self.url,
                f"{prefix}WITNESS_KEY": self.witness.verifier.vkey}

    def start_witness(self, log_path: Path, timeout: float = 30.0) -> None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "kinerja_kernel.transparency.witness", "--key-file",
                   str(self.state / "witness.key"), "--state", str(self.state / "witness-state.json"),
                   "--port", str(self.port)]
        for signer in self.logs.values():
            command += ["--log", signer.verifier.vkey]
        with log_path.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                            env=os.environ.copy())
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the witness exited with {self.process.returncode}; see {log_path}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"the witness did not start in {timeout}s; see {log_path}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
