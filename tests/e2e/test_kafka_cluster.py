"""The services on a three-broker KRaft cluster (``kafkactl start --nodes 3``): one broker killed with
``kill -9`` under a load of events and restarted.

The service's topics are replicated to three brokers with ``min.insync.replicas=2`` and its producers are
idempotent with ``acks=all``, so an acknowledged event survives one broker. Writes over HTTP (relayed to the
service's topic) and events fed to its consumers keep coming while the broker is down and while it rejoins;
afterwards nothing is lost, nothing is applied twice, the topic holds the store in version order per stream,
and the relay and consumers recovered by themselves.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from kinerja_kernel.infra.kafka import LocalKafkaCluster
from kinerja_kernel.infra.postgres import create_database, free_port
from kinerja_kernel.kafka import events_topic

from .scale_support import (
    Balancer,
    SettingsLoad,
    feedback_instance,
    health,
    metric,
    plans_submitted,
    poll,
    publish_fast,
    until_applied,
    until_published,
    write_figures,
)

# JVMs and service processes start and stop here: on a busy machine this outlasts the default 300 s
pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(900)]

TOPIC = events_topic("feedback")


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[LocalKafkaCluster]:
    kafka = LocalKafkaCluster(tmp_path / "kafka", ports=[free_port() for _ in range(3)],
                              controller_ports=[free_port() for _ in range(3)])
    kafka.start()
    try:
        yield kafka
    finally:
        kafka.stop()


def progress(started_at: float, what: str) -> None:
    print(f"[{time.monotonic() - started_at:6.1f}s] {what}", flush=True)


async def layout(bootstrap: str, topic: str) -> dict[int, dict[str, Any]]:
    """Per partition of ``topic``: its leader, replicas and in-sync replicas (node ids)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="test-layout")
    await admin.start()
    try:
        [described] = await admin.describe_topics([topic])
    finally:
        await admin.close()
    return {p["partition"]: {"leader": p["leader"], "replicas": sorted(p["replicas"]), "isr": sorted(p["isr"])}
            for p in described["partitions"]}


async def topic_setting(bootstrap: str, topic: str, name: str) -> str | None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="test-configs")
    await admin.start()
    try:
        responses = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic, {name: None})])
    finally:
        await admin.close()
    for response in responses:
        for resource in response.resources:  # (error_code, error_message, type, name, [entries])
            for entry in resource[4]:  # (name, value, read_only, ...)
                if entry[0] == name:
                    return str(entry[1])
    return None


async def test_a_broker_killed_and_restarted_under_load_loses_and_repeats_nothing(
        cluster: LocalKafkaCluster, postgres_server_url: str, jwt_secret: str, tmp_path: Path, unique: str) -> None:
    started_at = time.monotonic()
    bootstrap = cluster.bootstrap
    database = await create_database(postgres_server_url, f"cluster_{unique}")
    group = f"kinerja-feedback-{unique}"
    service = feedback_instance("a", database_url=database, bootstrap=bootstrap, jwt_secret=jwt_secret, group=group,
                                log_dir=tmp_path, extra={"KINERJA_FEEDBACK_TOPIC_REPLICATION_FACTOR": "3"})
    office = f"KANWIL-KLASTER-{unique}"
    balancer = Balancer([service.url])
    figures: dict[str, Any] = {}
    try:
        service.start()
        service.wait_healthy(timeout=90)

        # the service's topics: three copies of every partition, two needed for a write
        partitions = await layout(bootstrap, TOPIC)
        assert len(partitions) == 6 and all(p["replicas"] == [1, 2, 3] for p in partitions.values()), partitions
        assert await topic_setting(bootstrap, TOPIC, "min.insync.replicas") == "2"
        assert await topic_setting(bootstrap, events_topic("planning"), "min.insync.replicas") == "2"

        first = plans_submitted(office, 100)
        await publish_fast(bootstrap, first)
        progress(started_at, "cluster, service and first events ready")
        load = SettingsLoad(balancer, jwt_secret, [f"{office}-{i}" for i in range(6)])
        writing = asyncio.create_task(load.run())
        await asyncio.sleep(3)

        # kill -9 the broker leading partition 0 of the service's topic, feed more events while it is down
        victim = partitions[0]["leader"]
        cluster.kill(victim)
        killed_at = time.monotonic()
        writes_at_kill = load.writes
        second = plans_submitted(office, 100)
        await publish_fast(bootstrap, second)
        figures["fed_during_outage_s"] = round(time.monotonic() - killed_at, 1)
        progress(started_at, f"node {victim} killed, events fed")

        async def moved() -> bool | None:
            now = await layout(bootstrap, TOPIC)
            return True if all(p["leader"] != victim and victim not in p["isr"] for p in now.values()) else None

        _, figures["leaders_moved_s"] = await poll(moved, "leaders and ISR without the killed broker", delay=0.5)
        await asyncio.sleep(2)
        writes_while_down = load.writes - writes_at_kill

        progress(started_at, "leaders moved")
        restarting = time.monotonic()
        await asyncio.to_thread(cluster.start)  # the same command starts the node that died
        figures["restart_s"] = round(time.monotonic() - restarting, 1)

        async def rejoined() -> bool | None:
            now = await layout(bootstrap, TOPIC)
            return True if all(p["isr"] == [1, 2, 3] for p in now.values()) else None

        _, figures["back_in_sync_s"] = await poll(rejoined, "the restarted broker back in every ISR", delay=0.5)
        progress(started_at, "node restarted and in sync")
        third = plans_submitted(office, 50)
        await publish_fast(bootstrap, third)
        await asyncio.sleep(1)
        load.stop.set()
        await writing
        figures["writes"] = {"total": load.writes, "while_broker_down": writes_while_down}

        progress(started_at, "load stopped")
        # 0 lost, 0 applied twice
        fed = [*first, *second, *third]
        effects = await until_applied(database, group, fed)
        assert (effects.notifications, effects.distinct_sources, effects.inbox_rows) == (len(fed),) * 3, effects
        figures["consumed"] = {"fed": len(fed), "notifications": effects.notifications, "inbox": effects.inbox_rows}

        # the relay published the whole store, in order per stream, and is still leading
        check = await until_published(bootstrap, "feedback", database)
        assert check.missing == [] and check.out_of_order == [], check
        figures["published"] = {"stored": check.stored, "on_topic": check.published, "resent": check.resent}
        report = await health(service.url)
        assert report is not None and report["status"] == "ok" and report["relay"]["leader"], report
        assert await metric(service.url, "kinerja_relay_unpublished_events") == 0
        figures["victim_node"] = victim
        figures["test_seconds"] = round(time.monotonic() - started_at, 1)
    finally:
        await balancer.close()
        service.stop()
    write_figures("kafka-cluster-broker-killed", figures)
