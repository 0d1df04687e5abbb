"""The monitoring manifests (deploy/kubernetes/monitoring) only use metrics the processes really export."""

from __future__ import annotations

import json
import re
from pathlib import Path

from prometheus_client import REGISTRY

import kinerja_feedback.bootstrap  # noqa: F401 - declares feedback's webhook gauges
import kinerja_kernel.metrics  # noqa: F401 - declares the kernel's metrics

ROOT = Path(__file__).resolve().parents[3]
MONITORING = ROOT / "deploy/kubernetes/monitoring"
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}


def exported() -> set[str]:
    names: set[str] = set()
    for family in REGISTRY.collect():
        if family.name.startswith("kinerja_"):
            names.update(family.name + suffix for suffix in SUFFIXES.get(family.type, ("",)))
    return names


def referenced(text: str) -> set[str]:
    return set(re.findall(r"\bkinerja_[a-z_]+\b", text)) - {"kinerja_kernel"}  # the dead-letters CLI module


def test_every_metric_in_the_alert_rules_and_the_dashboard_is_exported() -> None:
    rules = (MONITORING / "prometheusrule.yaml").read_text(encoding="utf-8")
    dashboard = json.loads((MONITORING / "kinerja-dashboard.json").read_text(encoding="utf-8"))
    expressions = " ".join(t["expr"] for p in dashboard["panels"] for t in p["targets"])
    used = referenced(rules) | referenced(expressions)
    assert used, "no metric referenced"
    assert used <= exported(), f"not exported: {sorted(used - exported())}"
    for name in ("kinerja_relay_leader", "kinerja_consumer_halted", "kinerja_http_request_duration_seconds_bucket"):
        assert name in used  # the alerts that matter most are there


def test_the_pod_monitor_scrapes_a_port_every_kinerja_workload_names() -> None:
    monitor = (MONITORING / "podmonitor.yaml").read_text(encoding="utf-8")
    port = re.search(r"- port: (\S+)", monitor)
    assert port is not None and "path: /metrics" in monitor
    for workload in ("planning", "evaluation", "feedback", "career", "portal"):
        manifest = (ROOT / f"deploy/kubernetes/base/{workload}.yaml").read_text(encoding="utf-8")
        assert f"- name: {port.group(1)}\n" in manifest, workload
