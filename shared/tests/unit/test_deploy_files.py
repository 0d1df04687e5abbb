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
