"""The production image stays in step with the workspace (nothing here can build it: no Docker engine)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

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
