"""The Kafka ACLs are one list: ``deploy/kafka/acls.txt`` (applied by ``kafkactl start --secure``) and the Strimzi
``KafkaUser`` resources of the Kubernetes manifests say the same, and each service may write only its own topics."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kinerja_kernel.kafka import dead_letter_topic, events_topic
from kinerja_kernel.transparency.service import checkpoints_topic

ROOT = Path(__file__).resolve().parents[3]
SERVICES = ("planning", "evaluation", "feedback", "career")
STRIMZI_TYPES = {"topic": "topic", "group": "group", "transactional-id": "transactionalId", "cluster": "cluster"}
STRIMZI_PATTERNS = {"literal": "literal", "prefixed": "prefix"}

Acl = tuple[str, str, str, str, str]


def acls_txt() -> set[Acl]:
    acls: set[Acl] = set()
    for line in (ROOT / "deploy/kafka/acls.txt").read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        principal, resource, pattern, name, operations = line.split()
        acls |= {(principal, STRIMZI_TYPES[resource], STRIMZI_PATTERNS[pattern], name, op)
                 for op in operations.split(",")}
    return acls


def kafka_users() -> dict[str, dict[str, Any]]:
    import yaml

    documents = yaml.safe_load_all((ROOT / "deploy/kubernetes/base/kafka-users.yaml").read_text())
    return {d["metadata"]["name"]: d for d in documents if d and d.get("kind") == "KafkaUser"}


def strimzi_acls() -> set[Acl]:
    acls: set[Acl] = set()
    for name, user in kafka_users().items():
        for acl in user["spec"].get("authorization", {}).get("acls", []):
            resource = acl["resource"]
            acls |= {(name, resource["type"], resource["patternType"], resource["name"], op)
                     for op in acl["operations"]}
    return acls


def allows(acls: set[Acl], principal: str, topic: str, operation: str) -> bool:
    return any(p == principal and t == "topic" and op == operation
               and (name == topic if pattern == "literal" else topic.startswith(name))
               for p, t, pattern, name, op in acls)


def test_the_strimzi_users_grant_exactly_the_acls_kafkactl_applies() -> None:
    assert strimzi_acls() == acls_txt()
    users = kafka_users()
    assert {u["spec"]["authentication"]["type"] for u in users.values()} == {"scram-sha-512"}
    assert "admin" in users
    import yaml

    kafka = next(d for d in yaml.safe_load_all((ROOT / "deploy/kubernetes/base/kafka.yaml").read_text())
                 if d and d.get("kind") == "Kafka")
    assert kafka["spec"]["kafka"]["authorization"] == {"type": "simple", "superUsers": ["admin"]}
    assert "kafka-users.yaml" in yaml.safe_load((ROOT / "deploy/kubernetes/base/kustomization.yaml").read_text())[
        "resources"]


def test_each_service_writes_only_its_own_topics() -> None:
    acls = acls_txt()
    for service in SERVICES:
        own = (events_topic(service), dead_letter_topic(service), checkpoints_topic(service))
        assert all(allows(acls, service, topic, "Write") for topic in own), service
        for other in (s for s in SERVICES if s != service):
            for topic in (events_topic(other), dead_letter_topic(other), checkpoints_topic(other)):
                assert not allows(acls, service, topic, "Write"), (service, topic)
                assert not allows(acls, service, topic, "Create"), (service, topic)
    for reader in ("auditor", "payroll"):  # the auditor's tools and a downstream system only read
        assert not any(op in {"Write", "Create", "Alter", "Delete", "All"} for p, *_, op in acls if p == reader)
    assert allows(acls, "payroll", events_topic("evaluation"), "Read")
    assert not allows(acls, "payroll", events_topic("planning"), "Read")  # only what it subscribes to
    assert allows(acls, "counters", "kinerja.planning.interactions", "Write")  # the outside counters' intake
    assert not any(allows(acls, "counters", events_topic(s), op) for s in SERVICES for op in ("Write", "Read"))
