"""The monitoring manifests (deploy/kubernetes/monitoring) only use metrics the processes really export."""

from __future__ import annotations

import json
import re
from pathlib import Path

from prometheus_client import REGISTRY

import kinerja_feedback.bootstrap  # noqa: F401 - declares feedback's webhook gauges
import kinerja_kernel.transparency.metrics  # noqa: F401 - declares the kernel's and the transparency log's gauges
from kinerja_kernel.transparency.note import COSIGNATURE_V1, Signer
from kinerja_kernel.transparency.witness import Witness, WitnessMetrics

ROOT = Path(__file__).resolve().parents[3]
MONITORING = ROOT / "deploy/kubernetes/monitoring"
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}


def exported() -> set[str]:
    """What the service processes and the witness process export (a witness's state is only read)."""
    names: set[str] = set()
    witness = Witness(Signer.generate("w.test/w1", COSIGNATURE_V1), [], Path("/nonexistent/state.json"))
    witness.state["kinerja.test/x"] = {"size": 1, "root": "", "checkpoint": ""}
    for family in [*REGISTRY.collect(), *WitnessMetrics(witness).collect()]:
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
    for name in ("kinerja_relay_leader", "kinerja_consumer_halted", "kinerja_http_request_duration_seconds_bucket",
                 "kinerja_witness_alarms", "kinerja_transparency_unwitnessed_leaves"):
        assert name in used  # the alerts that matter most are there


def test_the_pod_monitor_scrapes_a_port_every_kinerja_workload_names() -> None:
    monitor = (MONITORING / "podmonitor.yaml").read_text(encoding="utf-8")
    port = re.search(r"- port: (\S+)", monitor)
    assert port is not None and "path: /metrics" in monitor
    for workload in ("planning", "evaluation", "feedback", "career", "portal"):
        manifest = (ROOT / f"deploy/kubernetes/base/{workload}.yaml").read_text(encoding="utf-8")
        assert f"- name: {port.group(1)}\n" in manifest, workload
