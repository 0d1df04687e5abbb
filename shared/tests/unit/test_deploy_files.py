"""The production image stays in step with the workspace (nothing here can build it: no Docker engine)."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]


def members() -> list[str]:
    found = []
    for pattern in tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["uv"]["workspace"]["members"]:
        found += [str(p.relative_to(ROOT)) for p in sorted(ROOT.glob(pattern)) if (p / "pyproject.toml").exists()]
    return found


def test_the_image_mounts_every_workspace_members_pyproject_for_the_locked_dependency_layer() -> None:
    dockerfile = (ROOT / "deploy/docker/Dockerfile").read_text()
    assert {"shared", "services/planning", "services/portal"} <= set(members())
    for member in members():
        assert f"source={member}/pyproject.toml,target={member}/pyproject.toml" in dockerfile, member


def test_the_healthcheck_knows_every_service_command() -> None:
    healthcheck = (ROOT / "deploy/docker/healthcheck.py").read_text()
    ports = dict(re.findall(r'"(\w+)": (\d{4})', healthcheck))
    for member in members():
        if member.startswith("services/"):
            assert member.removeprefix("services/") in ports, member


def _services() -> dict[str, int]:
    healthcheck = (ROOT / "deploy/docker/healthcheck.py").read_text()
    ports = {name: int(port) for name, port in re.findall(r'"(\w+)": (\d{4})', healthcheck)}
    return {m.removeprefix("services/"): ports[m.removeprefix("services/")] for m in members()
            if m.startswith("services/")}


def test_compose_runs_every_service_on_its_port_with_settings_it_reads_and_secrets_it_declares() -> None:
    import yaml  # PyYAML, locked (a dependency of the test tools)

    from kinerja_career.config import CareerSettings
    from kinerja_evaluation.config import EvaluationSettings
    from kinerja_feedback.config import FeedbackSettings
    from kinerja_planning.config import PlanningSettings
    from kinerja_portal.config import PortalSettings

    fields = {"planning": PlanningSettings, "evaluation": EvaluationSettings, "feedback": FeedbackSettings,
              "career": CareerSettings, "portal": PortalSettings}
    compose = yaml.safe_load((ROOT / "deploy/compose/compose.yaml").read_text())
    for name, port in _services().items():
        service = compose["services"][name]
        assert service["command"] == [f"kinerja-{name}"]
        assert any(str(p).endswith(f":{port}:{port}") for p in service["ports"]), name
        prefix = f"KINERJA_{name.upper()}_"
        for variable in service["environment"]:
            if variable.startswith(prefix):  # a typo here would be ignored silently by the settings
                field = variable.removeprefix(prefix).removesuffix("_FILE").lower()
                assert field in fields[name].model_fields, variable
        assert set(service.get("secrets", [])) <= set(compose["secrets"]), name


def test_the_kubernetes_base_deploys_every_service_on_its_port() -> None:
    import yaml

    kustomization = yaml.safe_load((ROOT / "deploy/kubernetes/base/kustomization.yaml").read_text())
    for name, port in _services().items():
        assert f"{name}.yaml" in kustomization["resources"], name
        documents = list(yaml.safe_load_all((ROOT / f"deploy/kubernetes/base/{name}.yaml").read_text()))
        deployment = next(d for d in documents if d["kind"] == "Deployment")
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert container["args"] == [f"kinerja-{name}"]
        assert container["ports"][0]["containerPort"] == port


# --- values and secrets: what each service would really read from compose and from the Kubernetes base ---

SECRET_WORDS = ("SECRET", "PASSWORD", "SIGNING_KEY", "PRIVATE")
# Settings the Kubernetes base sets and compose leaves to the default, or the other way round, and why.
ONLY_IN_KUBERNETES = {
    "topic_replication_factor": "compose runs one broker (default 1); the cluster three",
    "db_pool_min": "spelled out per replica in Kubernetes to budget max_connections; compose uses the default",
    "db_pool_max": "as db_pool_min",
    "session_database_url": "several portal replicas share signed-out sessions; compose runs one portal",
    "kafka_security_protocol": "the cluster's brokers take TLS + SCRAM-SHA-512, one principal per service with its "
                               "ACLs (issue 18); compose's one broker is on the host's private network (PLAINTEXT)",
    "kafka_sasl_username": "as kafka_security_protocol",
    "kafka_sasl_password": "as kafka_security_protocol (Strimzi's KafkaUser secret)",
    "kafka_ssl_ca_file": "as kafka_security_protocol (Strimzi's cluster CA)",
    "database_ssl_mode": "CloudNativePG serves TLS with its own CA: verify-full; compose's PostgreSQL is on the "
                         "host's private network",
    "database_ssl_root_cert": "as database_ssl_mode",
    "blob_backend": "replicas on several nodes share an S3-compatible store; compose's one host keeps files on a "
                    "volume (blob_dir)",
    "blob_s3_endpoint": "as blob_backend",
    "blob_s3_bucket": "as blob_backend",
    "blob_s3_prefix": "as blob_backend",
    "blob_s3_access_key": "as blob_backend",
    "blob_s3_secret_key": "as blob_backend",
}
ONLY_IN_COMPOSE = {
    "blob_dir": "as blob_backend: the filesystem store's folder on the service's volume",
    "transparency_witness_url": "in Kubernetes another institution runs the witness (deploy/kubernetes/witness/): "
                                "its URL and vkey go into kinerja-common (witness-url, witness-key) once it does",
    "transparency_witness_key": "as transparency_witness_url",
}


def _settings_classes() -> dict[str, type[Any]]:
    from kinerja_career.config import CareerSettings
    from kinerja_evaluation.config import EvaluationSettings
    from kinerja_feedback.config import FeedbackSettings
    from kinerja_planning.config import PlanningSettings
    from kinerja_portal.config import PortalSettings

    return {"planning": PlanningSettings, "evaluation": EvaluationSettings, "feedback": FeedbackSettings,
            "career": CareerSettings, "portal": PortalSettings}


def _is_secret(settings: type[Any], field: str) -> bool:
    from pydantic import SecretStr

    annotation = settings.model_fields[field].annotation
    return annotation is SecretStr or SecretStr in getattr(annotation, "__args__", ())


class Resolved:
    """One service's environment as its process would see it: values, and which came from a secret."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.secret: set[str] = set()


def _interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's ${NAME}, ${NAME:-default} and ${NAME:?error}, from .env.example (which must set the required)."""

    def one(match: re.Match[str]) -> str:
        name, op, rest = match.group(1), match.group(2), match.group(3)
        if name in env:
            return env[name]
        assert op != ":?", f".env.example must set {name} ({rest})"
        return rest if op == ":-" else ""

    return re.sub(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}", one, value)


def _compose() -> dict[str, Any]:
    import yaml

    return yaml.safe_load((ROOT / "deploy/compose/compose.yaml").read_text())


def _compose_env(name: str) -> Resolved:
    compose = _compose()
    dotenv = dict(line.split("=", 1) for line in (ROOT / "deploy/compose/.env.example").read_text().splitlines()
                  if line and not line.startswith("#"))
    service = compose["services"][name]
    out = Resolved()
    for variable, raw in service["environment"].items():
        value = _interpolate(str(raw), dotenv)
        if variable.endswith("_FILE"):  # deploy/docker/entrypoint.sh exports NAME from the secret file
            secret = value.removeprefix("/run/secrets/")
            assert value.startswith("/run/secrets/") and secret in service["secrets"], variable
            assert secret in compose["secrets"], variable
            variable = variable.removesuffix("_FILE")
            value = f"secret-{secret}".ljust(40, "x")  # stands for the file's content
            out.secret.add(variable)
        out.values[variable] = value
    return out


def _kubernetes() -> dict[tuple[str, str], Any]:
    import yaml

    documents: dict[tuple[str, str], Any] = {}
    for path in sorted((ROOT / "deploy/kubernetes/base").glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            if document and "metadata" in document:  # not kustomization.yaml
                documents[(document["kind"], document["metadata"]["name"])] = document
    return documents


def _container(documents: dict[tuple[str, str], Any], name: str) -> dict[str, Any]:
    container: dict[str, Any] = documents[("Deployment", f"kinerja-{name}")]["spec"]["template"]["spec"][
        "containers"][0]
    return container


def _kubernetes_env(name: str) -> Resolved:
    documents = _kubernetes()
    container = _container(documents, name)
    out = Resolved()
    for source in container.get("envFrom", []):
        out.values.update(documents[("ConfigMap", source["configMapRef"]["name"])]["data"])
    for entry in container.get("env", []):
        if "value" in entry:
            out.values[entry["name"]] = str(entry["value"])
            continue
        ref = entry["valueFrom"]
        if "secretKeyRef" in ref:
            out.values[entry["name"]] = f"secret-{ref['secretKeyRef']['name']}-{ref['secretKeyRef']['key']}".ljust(40, "x")
            out.secret.add(entry["name"])
            continue
        config = documents.get(("ConfigMap", ref["configMapKeyRef"]["name"]), {}).get("data", {})
        key = ref["configMapKeyRef"]["key"]
        assert key in config or ref["configMapKeyRef"].get("optional"), f"{name}: {entry['name']} -> {key}"
        if key in config:
            out.values[entry["name"]] = str(config[key])
    return out


def _load(name: str, resolved: Resolved, monkeypatch: Any) -> Any:
    """The service's settings object from exactly that environment (parses every value, or fails)."""
    for variable in list(os.environ):
        if variable.startswith("KINERJA_") or variable == "PGPASSWORD":
            monkeypatch.delenv(variable)
    for variable, value in resolved.values.items():
        monkeypatch.setenv(variable, value)
    return _settings_classes()[name]()


def _fields(name: str, resolved: Resolved) -> dict[str, str]:
    prefix = f"KINERJA_{name.upper()}_"
    fields = _settings_classes()[name].model_fields
    found = {}
    for variable, value in resolved.values.items():
        if variable.startswith(prefix):
            field = variable.removeprefix(prefix).lower()
            assert field in fields, f"{name}: {variable} is read by nothing"
            found[field] = value
    return found


def test_compose_and_kubernetes_set_every_setting_with_a_value_that_parses_and_secrets_from_secrets(
        monkeypatch: Any) -> None:
    from urllib.parse import urlsplit

    ports = _services()
    documents = _kubernetes()
    kafka_topic = documents[("KafkaTopic", "kinerja-planning-events")]["spec"]
    for platform, resolve in (("compose", _compose_env), ("kubernetes", _kubernetes_env)):
        for name, port in ports.items():
            resolved = resolve(name)
            where = f"{platform}/{name}"
            settings = _load(name, resolved, monkeypatch)  # required settings present, every value parses
            assert settings.environment == "production", where
            assert settings.http_host == "0.0.0.0" and settings.http_port == port, where
            assert settings.log_level in {"DEBUG", "INFO", "WARNING", "ERROR"}, where
            klass = _settings_classes()[name]
            for field, value in _fields(name, resolved).items():
                variable = f"KINERJA_{name.upper()}_{field.upper()}"
                if _is_secret(klass, field) or any(w in variable for w in SECRET_WORDS):
                    assert variable in resolved.secret, f"{where}: {variable} must come from a secret"
                assert "PRIVATE+KEY" not in value and "BEGIN PRIVATE" not in value, f"{where}: {variable}"
            if name == "portal":
                for service in ("planning", "evaluation", "feedback", "career"):
                    url = urlsplit(getattr(settings, f"{service}_url"))
                    assert url.scheme == "http" and url.port == ports[service], f"{where}: {service}_url"
                    host = service if platform == "compose" else f"kinerja-{service}"
                    assert url.hostname == host, f"{where}: {service}_url"
                    if platform == "kubernetes":
                        assert ("Service", host) in documents, host
                assert settings.oidc_enabled and settings.secure_cookies, where
                continue
            database = urlsplit(settings.database_url)
            assert database.scheme == "postgresql" and database.password is None, where  # password: PGPASSWORD
            assert database.username == database.path.lstrip("/") == f"kinerja_{name}", where
            assert "PGPASSWORD" in resolved.secret, where
            for broker in settings.kafka_bootstrap_servers.split(","):
                host, _, broker_port = broker.rpartition(":")
                assert host and 0 < int(broker_port) < 65536, f"{where}: {broker}"
            assert settings.jwt_public_key and settings.jwt_secret is None, where
            assert settings.transparency_signing_key is not None or platform == "kubernetes", where
            if settings.transparency_witness_url:
                assert urlsplit(settings.transparency_witness_url).port == 8190, where
            if platform == "kubernetes":
                assert database.hostname == "kinerja-pg-rw" and "sslmode=require" in settings.database_url, where
                assert settings.topic_partitions == kafka_topic["partitions"], where
                assert settings.topic_replication_factor == kafka_topic["replicas"], where
                assert settings.kafka_bootstrap_servers.startswith(
                    f"{next(n for k, n in documents if k == 'Kafka')}-kafka-bootstrap:"), where
            else:
                assert database.hostname == "postgres" and settings.kafka_bootstrap_servers == "kafka:9092", where
                assert settings.transparency_witness_url == "http://witness:8190", where
            if name in FILE_KEEPERS:
                _check_files(platform, name, settings, resolved)


FILE_KEEPERS = ("planning", "evaluation")  # evidence and signed PDFs in a blob store; documents' settings


def _check_files(platform: str, name: str, settings: Any, resolved: Resolved) -> None:
    """The root filesystem is read-only: files and the development CA must go somewhere writable that lasts,
    and documents must print the portal's public verification page, not the development default."""
    from urllib.parse import urlsplit

    from kinerja_kernel.documents.desk import DocumentSettings

    where = f"{platform}/{name}"
    documents = DocumentSettings()  # the same environment _load set
    page = urlsplit(documents.verification_url)
    assert page.scheme == "https" and page.hostname not in {"localhost", "127.0.0.1"}, where
    assert page.path.endswith("/verifikasi"), where
    assert documents.dev_ca_dir.startswith("/"), where
    if documents.bsre_password is not None:
        assert "KINERJA_DOCUMENTS_BSRE_PASSWORD" in resolved.secret, where
    if platform == "compose":
        service = _compose()["services"][name]
        mounts = [v.split(":")[1] for v in service.get("volumes", [])]
        assert settings.blob_backend == "filesystem", where
        for folder in (settings.blob_dir, documents.dev_ca_dir):
            assert any(folder.startswith(m + "/") for m in mounts), f"{where}: {folder} is on no volume"
    else:
        assert settings.blob_backend == "s3" and settings.blob_s3_prefix == f"{name}/", where
        assert urlsplit(settings.blob_s3_endpoint).scheme == "https" and settings.blob_s3_bucket, where
        assert {f"KINERJA_{name.upper()}_BLOB_S3_ACCESS_KEY", f"KINERJA_{name.upper()}_BLOB_S3_SECRET_KEY"} <= \
            resolved.secret, where
        mounts = [m["mountPath"] for m in _container(_kubernetes(), name).get("volumeMounts", [])]
        assert any(documents.dev_ca_dir.startswith(m + "/") for m in mounts), where  # a writable volume of the pod


def test_compose_and_kubernetes_agree_on_every_setting_they_both_set() -> None:
    from urllib.parse import urlsplit

    for name in _services():
        compose, kubernetes = _compose_env(name), _kubernetes_env(name)
        in_compose, in_kubernetes = _fields(name, compose), _fields(name, kubernetes)
        assert set(in_kubernetes) - set(in_compose) <= set(ONLY_IN_KUBERNETES), name
        assert set(in_compose) - set(in_kubernetes) <= set(ONLY_IN_COMPOSE), name
        for field in set(in_compose) & set(in_kubernetes):
            variable = f"KINERJA_{name.upper()}_{field.upper()}"
            assert (variable in compose.secret) == (variable in kubernetes.secret), f"{name}: {variable}"
            a, b = in_compose[field], in_kubernetes[field]
            if variable in compose.secret or field in {"kafka_bootstrap_servers", "jwt_issuer", "oidc_issuer",
                                                        "oidc_client_id", "transparency_witness_key"}:
                continue  # secrets and the site's own names (the IdP, the brokers) differ by deployment
            if "://" in a:  # the same database, service or witness; hosts are the platform's names
                ua, ub = urlsplit(a), urlsplit(b)
                assert (ua.scheme, ua.username, ua.port, ua.path) == (ub.scheme, ub.username, ub.port, ub.path), \
                    f"{name}: {field}: {a} / {b}"
            else:
                assert a == b, f"{name}: {field}: compose {a!r}, kubernetes {b!r}"


def test_the_probes_mean_something_and_the_autoscalers_scale_on_an_exported_metric() -> None:
    import yaml
    from prometheus_client import REGISTRY

    import kinerja_kernel.metrics  # noqa: F401 - declares the kernel's metrics

    exported = {f.name for f in REGISTRY.collect()}
    adapter = yaml.safe_load((ROOT / "deploy/kubernetes/monitoring/prometheus-adapter-values.yaml").read_text())
    served = {}
    for rule in adapter["rules"]["custom"]:
        series = re.match(r"(\w+)", rule["seriesQuery"])
        assert series is not None
        assert series.group(1).removesuffix("_total") in exported, rule["seriesQuery"]
        served[rule["name"]["as"]] = series.group(1)
    documents = _kubernetes()
    partitions = documents[("KafkaTopic", "kinerja-planning-events")]["spec"]["partitions"]
    for name in _services():
        container = _container(documents, name)
        port_name = container["ports"][0]["name"]
        probes = {kind: container[f"{kind}Probe"]["httpGet"] for kind in ("startup", "readiness", "liveness")}
        assert all(p["port"] == port_name for p in probes.values()), name
        assert probes["readiness"]["path"] == "/health/ready", name
        assert probes["liveness"]["path"] == "/health/live", name
        assert container["livenessProbe"]["failureThreshold"] * container["livenessProbe"]["periodSeconds"] >= 30
        hpa = documents[("HorizontalPodAutoscaler", f"kinerja-{name}")]["spec"]
        assert hpa["scaleTargetRef"]["name"] == f"kinerja-{name}"
        assert 2 <= hpa["minReplicas"] <= hpa["maxReplicas"] <= partitions, name  # more would idle as consumers
        pods = [m["pods"]["metric"]["name"] for m in hpa["metrics"] if m["type"] == "Pods"]
        assert pods and set(pods) <= set(served), name
        assert documents[("PodDisruptionBudget", f"kinerja-{name}")]["spec"]["maxUnavailable"] < hpa["minReplicas"]


def test_compose_runs_the_witness_the_services_ask() -> None:
    compose = _compose()
    witness = compose["services"]["witness"]
    command = witness["command"]
    assert command[:3] == ["python", "-m", "kinerja_kernel.transparency.witness"]
    assert command[command.index("--port") + 1] == "8190" and command[command.index("--host") + 1] == "0.0.0.0"
    key = command[command.index("--key-file") + 1].removeprefix("/run/secrets/")
    assert key in witness["secrets"] and key in compose["secrets"]
    state = command[command.index("--state") + 1]
    assert any(state.startswith(v.split(":")[1] + "/") for v in witness["volumes"]), "state must be on a volume"
    assert "KINERJA_WITNESS_LOGS" in witness["environment"]
    assert "--host" in command and witness["environment"]["KINERJA_HEALTHCHECK_URL"].endswith(":8190/health")
    dockerfile = (ROOT / "deploy/docker/Dockerfile").read_text()
    assert "chown 10001:10001 /var/lib/kinerja/witness" in dockerfile  # a new named volume takes this owner
