"""Start and stop the project's own Kafka broker or three-node cluster (``deploy/kafka/kafkactl``) from Python."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Sequence
from pathlib import Path

from pydantic import SecretStr

from kinerja_kernel.transport import KafkaClientConfig


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


class LocalKafkaCluster:
    """Three KRaft nodes (each controller and broker) on loopback, data in ``data_dir/node-<i>``: topics are
    replicated to all three with ``min.insync.replicas=2`` (``kafkactl start --nodes 3``)."""

    NODES = 3

    def __init__(self, data_dir: Path, *, ports: Sequence[int], controller_ports: Sequence[int]) -> None:
        if len(ports) != self.NODES or len(controller_ports) != self.NODES:
            raise ValueError(f"a cluster has {self.NODES} nodes: give {self.NODES} ports and controller ports")
        self.data_dir = data_dir
        self.ports = list(ports)
        self.controller_ports = list(controller_ports)
        self.script = find_kafkactl()

    @property
    def bootstrap(self) -> str:
        return ",".join(f"127.0.0.1:{port}" for port in self.ports)

    def start(self, timeout: int = 180) -> str:
        """Start the nodes that are not running (all at first; later, one that died) and wait for them."""
        result = subprocess.run(
            ["bash", str(self.script), "start", "--data-dir", str(self.data_dir), "--nodes", str(self.NODES),
             "--port", ",".join(map(str, self.ports)), "--controller-port", ",".join(map(str, self.controller_ports)),
             "--timeout", str(timeout)],
            check=False, capture_output=True, text=True, timeout=timeout + 900,
        )
        if result.returncode != 0:
            raise RuntimeError(f"kafkactl start --nodes 3 failed:\n{result.stderr[-4000:]}")
        return result.stdout.strip().splitlines()[-1]

    def pid(self, node: int) -> int | None:
        """The process id of node ``node`` (1..3) from its pid file, if it has one."""
        pid_file = self.data_dir / f"node-{node}" / "kafka.pid"
        text = pid_file.read_text().strip() if pid_file.exists() else ""
        return int(text) if text.isdigit() else None

    def kill(self, node: int) -> None:
        """``kill -9`` one node (no controlled shutdown: its partitions' leaders move when it is fenced)."""
        pid = self.pid(node)
        if pid is None:
            raise RuntimeError(f"node {node} is not running")
        os.kill(pid, signal.SIGKILL)

    def stop(self) -> None:
        subprocess.run(["bash", str(self.script), "stop", "--data-dir", str(self.data_dir), "--timeout", "15"],
                       check=False, capture_output=True, text=True, timeout=120)


class LocalSecureKafka:
    """One broker with TLS and ACLs (``kafkactl start --secure``): SASL_SSL (SCRAM-SHA-512) on ``port``, mutual
    TLS on ``mtls_port``, a development CA, and per principal of ``deploy/kafka/acls.txt`` a SCRAM password
    and a client certificate in ``data_dir/tls``; ``admin`` is the super-user."""

    def __init__(self, data_dir: Path, *, port: int, controller_port: int, mtls_port: int) -> None:
        self.data_dir = data_dir
        self.port, self.controller_port, self.mtls_port = port, controller_port, mtls_port
        self.script = find_kafkactl()

    @property
    def tls_dir(self) -> Path:
        return self.data_dir / "tls"

    @property
    def ca_file(self) -> Path:
        return self.tls_dir / "ca.crt"

    def start(self, timeout: int = 180) -> str:
        """Start (or find running) the broker; return its SASL_SSL address."""
        result = subprocess.run(
            ["bash", str(self.script), "start", "--data-dir", str(self.data_dir), "--secure", "--port", str(self.port),
             "--controller-port", str(self.controller_port), "--mtls-port", str(self.mtls_port),
             "--timeout", str(timeout)],
            check=False, capture_output=True, text=True, timeout=timeout + 900,
        )
        if result.returncode != 0:
            raise RuntimeError(f"kafkactl start --secure failed:\n{result.stderr[-4000:]}")
        return result.stdout.strip().splitlines()[-1]

    def password(self, principal: str) -> str:
        for line in (self.tls_dir / "passwords").read_text().splitlines():
            name, _, password = line.partition("=")
            if name == principal:
                return password
        raise KeyError(f"no SCRAM user {principal!r} (deploy/kafka/acls.txt names the principals)")

    def sasl_client(self, principal: str) -> KafkaClientConfig:
        """A SASL_SSL client of ``principal`` (SCRAM-SHA-512, the broker verified against the CA)."""
        return KafkaClientConfig(bootstrap_servers=f"127.0.0.1:{self.port}", security_protocol="SASL_SSL",
                                 sasl_username=principal, sasl_password=SecretStr(self.password(principal)),
                                 ssl_ca_file=str(self.ca_file))

    def mtls_client(self, principal: str) -> KafkaClientConfig:
        """A mutual-TLS client of ``principal`` (its certificate's CN is the principal)."""
        return KafkaClientConfig(bootstrap_servers=f"127.0.0.1:{self.mtls_port}", security_protocol="SSL",
                                 ssl_ca_file=str(self.ca_file), ssl_cert_file=str(self.tls_dir / f"{principal}.crt"),
                                 ssl_key_file=str(self.tls_dir / f"{principal}.key"))

    def service_env(self, service: str, principal: str | None = None) -> dict[str, str]:
        """The settings that make ``service`` connect over SASL_SSL as ``principal`` (default: itself)."""
        name = principal or service
        prefix = f"KINERJA_{service.upper()}_KAFKA_"
        return {f"{prefix}BOOTSTRAP_SERVERS": f"127.0.0.1:{self.port}", f"{prefix}SECURITY_PROTOCOL": "SASL_SSL",
                f"{prefix}SASL_USERNAME": name, f"{prefix}SASL_PASSWORD": self.password(name),
                f"{prefix}SSL_CA_FILE": str(self.ca_file)}

    def stop(self) -> None:
        subprocess.run(["bash", str(self.script), "stop", "--data-dir", str(self.data_dir), "--timeout", "15"],
                       check=False, capture_output=True, text=True, timeout=120)
