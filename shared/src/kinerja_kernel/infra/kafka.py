"""Start and stop the project's own Kafka broker (``deploy/kafka/kafkactl``) from Python."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def find_kafkactl(start: Path | None = None) -> Path:
    """The launcher script: ``$KINERJA_KAFKACTL`` or ``deploy/kafka/kafkactl`` above ``start``."""
    configured = os.environ.get("KINERJA_KAFKACTL")
    if configured:
        return Path(configured)
    here = (start or Path.cwd()).resolve()
    for folder in [here, *here.parents]:
        candidate = folder / "deploy" / "kafka" / "kafkactl"
        if candidate.exists():
            return candidate
    module_root = Path(__file__).resolve()
    for folder in module_root.parents:
        candidate = folder / "deploy" / "kafka" / "kafkactl"
        if candidate.exists():
            return candidate
    raise FileNotFoundError("deploy/kafka/kafkactl not found; set KINERJA_KAFKACTL")


class LocalKafka:
    """One KRaft broker+controller on loopback, its data in ``data_dir``."""

    def __init__(self, data_dir: Path, *, port: int, controller_port: int) -> None:
        self.data_dir = data_dir
        self.port = port
        self.controller_port = controller_port
        self.script = find_kafkactl()

    def start(self, timeout: int = 120) -> str:
        result = subprocess.run(
            ["bash", str(self.script), "start", "--data-dir", str(self.data_dir), "--port", str(self.port),
             "--controller-port", str(self.controller_port), "--timeout", str(timeout)],
            check=True, capture_output=True, text=True, timeout=timeout + 900,
        )
        return result.stdout.strip().splitlines()[-1]

    def stop(self) -> None:
        subprocess.run(["bash", str(self.script), "stop", "--data-dir", str(self.data_dir)],
                       check=False, capture_output=True, text=True, timeout=120)
