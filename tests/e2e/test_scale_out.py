"""Scale-out on real processes: two instances of the feedback service against one database and one broker.

Both serve HTTP (the balancer alternates), their consumers share the partitions in one group, and exactly one
relay leads (an advisory lock in the database). Under a load of writes the relay leader is killed with
``kill -9``: the other instance takes the relay over and the dead one's partitions; afterwards every stored
event is on the topic in version order per stream, and every event fed to the consumers was applied once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kinerja_kernel.infra.kafka import LocalKafka
from kinerja_kernel.infra.postgres import create_database, free_port
from kinerja_kernel.infra.processes import ServiceProcess
from kinerja_kernel.kafka import events_topic

from .scale_support import (
    Balancer,
    SettingsLoad,
    assigned,
    feedback_instance,
    health,
    lag_partitions,
    metric,
    plans_submitted,
    poll,
    publish_fast,
    replica,
    store_streams,
    until_applied,
    until_published,
    write_figures,
)

# JVMs and service processes start and stop here: on a busy machine this outlasts the default 300 s
pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(600)]

PLANNING = events_topic("planning")
PARTITIONS = set(range(6))


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[str]:
    """A broker of this test's own: the topics hold exactly what this test wrote."""
    kafka = LocalKafka(tmp_path / "kafka", port=free_port(), controller_port=free_port())
    bootstrap = kafka.start()
    try:
        yield bootstrap
    finally:
        kafka.stop()


async def one_leader(instances: list[ServiceProcess]) -> tuple[ServiceProcess, ServiceProcess] | None:
    reports = [await health(i.url) for i in instances]
    leading = [i for i, r in zip(instances, reports, strict=True) if r and r["relay"] and r["relay"]["leader"]]
    if len(leading) != 1 or any(r is None for r in reports):
        return None
    return leading[0], next(i for i in instances if i is not leading[0])


async def started_with_one_leader(instances: list[ServiceProcess]) -> tuple[ServiceProcess, ServiceProcess]:
    """Start both instances, wait until they are healthy and exactly one relay leads (and ``/metrics`` says
    so); returns ``(leader, follower)``."""
    for instance in instances:
        instance.start()
    for instance in instances:
        instance.wait_healthy(timeout=90)
    (leader, follower), _ = await poll(lambda: one_leader(instances), "one relay leader")
    assert await metric(leader.url, "kinerja_relay_leader") == 1
    assert await metric(follower.url, "kinerja_relay_leader") == 0
    return leader, follower


async def test_two_instances_share_the_work_and_survive_the_relay_leader_killed(
        broker: str, postgres_server_url: str, jwt_secret: str, tmp_path: Path, unique: str) -> None:
    started_at = time.monotonic()
    database = await create_database(postgres_server_url, f"scale_out_{unique}")
    group = f"kinerja-feedback-{unique}"
    # the brokers' least session timeout: a crashed replica's partitions move after ~6 s rather than the default 10
    instances = [feedback_instance(name, database_url=database, bootstrap=broker, jwt_secret=jwt_secret, group=group,
                                   log_dir=tmp_path, extra={"KINERJA_FEEDBACK_CONSUMER_SESSION_TIMEOUT_MS": "6000",
                                                            "KINERJA_FEEDBACK_CONSUMER_HEARTBEAT_INTERVAL_MS": "1000"})
                 for name in ("a", "b")]
    office = f"KANWIL-SKALA-{unique}"
    balancer = Balancer([i.url for i in instances])
    figures: dict[str, Any] = {}
    try:
        leader, follower = await started_with_one_leader(instances)  # exactly one relay leads; /metrics agrees
        for instance in instances:  # the leader and the standby are both ready for traffic, and alive
            async with httpx.AsyncClient(base_url=instance.url, timeout=30) as client:
                assert (await client.get("/health/ready")).json() == {"ready": True, "reasons": []}
                assert (await client.get("/health/live")).status_code == 200

        # the consumers of both instances share the partitions of one group
        first = plans_submitted(office, 120)
        await publish_fast(broker, first)

        async def shared() -> tuple[set[int], set[int]] | None:
            a = assigned(await health(leader.url), group, PLANNING)
            b = assigned(await health(follower.url), group, PLANNING)
            return (a, b) if a and b and not a & b and a | b == PARTITIONS else None

        (on_leader, on_follower), _ = await poll(shared, "both consumers assigned", timeout=90)
        figures["partitions_before"] = {"leader": sorted(on_leader), "follower": sorted(on_follower)}
        await until_applied(database, group, first)
        for instance, held in ((leader, on_leader), (follower, on_follower)):  # lag only for what it holds now
            assert await lag_partitions(instance.url, group, PLANNING) <= held

        # a load of writes through the balancer; the relay leader is killed in the middle of it
        load = SettingsLoad(balancer, jwt_secret, [f"{office}-{i}" for i in range(8)])
        writing = asyncio.create_task(load.run())
        await asyncio.sleep(3)
        figures["http_served_before_kill"] = {"leader": balancer.served[leader.url],
                                              "follower": balancer.served[follower.url]}
        assert balancer.served[leader.url] > 0 and balancer.served[follower.url] > 0
        writes_at_kill = load.writes
        assert leader.process is not None
        leader.process.kill()  # kill -9: no shutdown, its transactions and advisory lock die with its connections
        killed_at = time.monotonic()
        second = plans_submitted(office, 120)
        await publish_fast(broker, second)

        async def took_over() -> bool | None:
            report = await health(follower.url)
            return True if report and report["relay"] and report["relay"]["leader"] else None

        _, figures["relay_takeover_s"] = await poll(took_over, "the follower leads the relay", timeout=60)

        async def moved() -> set[int] | None:
            held = assigned(await health(follower.url), group, PLANNING)
            return held if held == PARTITIONS else None

        _, figures["partitions_moved_s"] = await poll(moved, "every partition on the survivor", timeout=90, delay=0.2)
        await asyncio.sleep(2)
        load.stop.set()
        await writing
        figures["writes"] = {"before_kill": writes_at_kill, "total": load.writes, "balancer_retries": balancer.retried}

        # nothing lost, nothing applied twice
        fed = [*first, *second]
        effects = await until_applied(database, group, fed)
        assert (effects.notifications, effects.distinct_sources, effects.inbox_rows) == (len(fed),) * 3, effects
        figures["consumed"] = {"fed": len(fed), "notifications": effects.notifications, "inbox": effects.inbox_rows}

        # the store holds what the service answered; the topic holds the store, in order per stream
        streams = await store_streams(database)
        for name, version in load.versions.items():
            assert len(streams[f"pengaturan-umpan-balik-{name}"]) == version
        check = await until_published(broker, "feedback", database)
        assert check.missing == [] and check.out_of_order == [], check
        figures["published"] = {"stored": check.stored, "on_topic": check.published, "resent": check.resent}
        assert await metric(follower.url, "kinerja_relay_unpublished_events") == 0
        report = await health(follower.url)
        assert report is not None and report["status"] == "ok"
        figures["test_seconds"] = round(time.monotonic() - started_at, 1)
        figures["kill_to_end_s"] = round(time.monotonic() - killed_at, 1)
    finally:
        await balancer.close()
        for instance in instances:
            instance.stop()
    write_figures("scale-out-two-instances", figures)


@pytest.mark.parametrize("service", ["planning", "evaluation", "career"])
async def test_two_instances_serve_http_lead_one_relay_and_share_their_consumer_groups_partitions(
        service: str, kafka_bootstrap: str, postgres_server_url: str, jwt_secret: str, tmp_path: Path,
        unique: str) -> None:
    """The same deployment shape for the other services (lean: the session's broker, no kill): the balancer's
    requests are answered by both, one relay leads, and every consumer group of the service has its
    partitions divided between the two (each holds some, none is held twice, none is left out)."""
    started_at = time.monotonic()
    database = await create_database(postgres_server_url, f"scale_{service}_{unique}")
    group = f"kinerja-{service}-{unique}"
    instances = [replica(service, name, database_url=database, bootstrap=kafka_bootstrap, jwt_secret=jwt_secret,
                         group=group, log_dir=tmp_path) for name in ("a", "b")]
    balancer = Balancer([i.url for i in instances])
    try:
        leader, follower = await started_with_one_leader(instances)
        for _ in range(6):  # a database read through the balancer: both instances answer in turn
            response = await balancer.request("GET", "/api/v1/transparency/checkpoints")
            assert response.status_code == 200, response.text
        assert balancer.served == {leader.url: 3, follower.url: 3}

        async def divided() -> dict[str, dict[str, list[set[int]]]] | None:
            reports = [await health(i.url) for i in instances]
            if any(r is None for r in reports):
                return None
            groups = {g for r in reports for g in (r or {}).get("consumers", {})}
            found: dict[str, dict[str, list[set[int]]]] = {}
            for name in groups:
                topics = {tp.rsplit("/", 1)[0] for r in reports for tp in (r or {})["consumers"].get(name, [])}
                for topic in topics:
                    held = [assigned(r, name, topic) for r in reports]
                    if held[0] & held[1] or held[0] | held[1] != PARTITIONS:
                        return None
                    found.setdefault(name, {})[topic] = held
                if not all((r or {})["consumers"].get(name) for r in reports):
                    return None
            return found or None

        groups, _ = await poll(divided, "every consumer group divided between the two", timeout=90, delay=0.2)
        assert group in groups or any(name.startswith(group) for name in groups), groups
        for instance in instances:
            async with httpx.AsyncClient(base_url=instance.url, timeout=30) as client:
                assert (await client.get("/health/ready")).json() == {"ready": True, "reasons": []}
                assert (await client.get("/health/live")).status_code == 200
        write_figures(f"scale-out-two-{service}", {
            "groups": {g: {t: [sorted(h) for h in held] for t, held in topics.items()} for g, topics in groups.items()},
            "test_seconds": round(time.monotonic() - started_at, 1)})
    finally:
        await balancer.close()
        for instance in instances:
            instance.stop()
