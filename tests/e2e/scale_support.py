"""What the scale-out tests share: a balancer over instances of one service, a load of HTTP writes, events fed
to the consumers, and the checks that nothing was lost, duplicated in effect, or published out of order.

The load is the feedback service's office settings (HR's PUT): one stream per office, one writer per office,
each PUT a new version, so the store holds several streams of many versions each. The consumers are fed
``planning.PlanSubmitted`` events: each gives exactly one notification (``notifications.source_event_id``), so
an event applied twice would show as a second row.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import httpx

from kinerja_kernel.auth import Role
from kinerja_kernel.cloudevents import to_kafka
from kinerja_kernel.contracts import planning as pl
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.infra.postgres import free_port
from kinerja_kernel.infra.processes import ServiceProcess
from kinerja_kernel.kafka import events_topic, idempotent_producer
from kinerja_kernel.testing.http import bearer
from kinerja_kernel.testing.kafka_helpers import envelope_of, read_topic

T = TypeVar("T")
HR = "197001012000011001"
UNREACHABLE = (httpx.ConnectError, httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError, httpx.ConnectTimeout,
               httpx.ReadTimeout)


class Balancer:
    """Requests alternate between the instances, as a Kubernetes Service spreads connections; a request an
    instance cannot answer (refused, reset: it was killed) goes to the next one, like a balancer retrying an
    idempotent request. ``served`` counts the answers per instance."""

    def __init__(self, urls: Sequence[str]) -> None:
        self.urls = list(urls)
        self.clients = {url: httpx.AsyncClient(base_url=url, timeout=30) for url in self.urls}
        self.served: Counter[str] = Counter()
        self.retried = 0
        self._next = 0

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        for _ in range(len(self.urls) * 20):
            url = self.urls[self._next % len(self.urls)]
            self._next += 1
            try:
                response = await self.clients[url].request(method, path, **kwargs)
            except UNREACHABLE:
                self.retried += 1
                await asyncio.sleep(0.05)
                continue
            self.served[url] += 1
            return response
        raise AssertionError(f"no instance answered {method} {path}")

    async def close(self) -> None:
        for client in self.clients.values():
            await client.aclose()


@dataclass
class SettingsLoad:
    """One writer per office changing the office's feedback settings until ``stop``; ``versions`` holds the
    last version each office's stream reached (as the service answered)."""

    balancer: Balancer
    jwt_secret: str
    offices: Sequence[str]
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    versions: dict[str, int] = field(default_factory=dict)
    writes: int = 0

    async def _writer(self, office: str) -> None:
        hr = bearer(self.jwt_secret, HR, [Role.PEGAWAI, Role.PENGELOLA_KEPEGAWAIAN], [office])
        n = 0
        while not self.stop.is_set():
            n += 1  # consecutive bodies always differ: every PUT records a new version (a retry of one is a no-op)
            response = await self.balancer.request(
                "PUT", f"/api/v1/offices/{office}/feedback-settings", headers=hr,
                json={"peer_feedback_allowed": n % 2 == 0, "dialogues_per_period": n % 12 + 1,
                      "reason": f"Uji beban ke-{n}"})
            assert response.status_code == 200, response.text
            self.versions[office] = response.json()["version"]
            self.writes += 1

    async def run(self) -> None:
        await asyncio.gather(*(self._writer(office) for office in self.offices))


def plans_submitted(office: str, count: int) -> list[EventEnvelope]:
    """``count`` SKPs submitted in ``office`` by different employees (keys spread over every partition)."""
    envelopes = []
    for i in range(count):
        plan_id = uuid.uuid4()
        employee = f"19900101{uuid.uuid4().int % 10**10:010d}"
        event = pl.PlanSubmitted(plan_id=plan_id, employee_id=employee, office_id=office, period_year=2031,
                                 evaluator_id=f"19800101{i:010d}")
        envelopes.append(envelope_of(event, subject=employee, office_id=office, source="/kinerja/planning",
                                     stream_id=f"skp-{plan_id}"))
    return envelopes


async def publish_fast(bootstrap: str, envelopes: Sequence[EventEnvelope]) -> None:
    """Publish to planning's topic as planning's relay would (idempotent, ``acks=all``), all in flight at once."""
    producer = idempotent_producer(bootstrap, client_id=f"test-planning-{uuid.uuid4().hex[:6]}")
    await producer.start()
    try:
        futures = []
        for envelope in envelopes:
            record = to_kafka(envelope)
            futures.append(await producer.send(events_topic("planning"), record.value, key=record.key,
                                               headers=record.headers))
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


@dataclass(frozen=True)
class Effects:
    """What the consumers did with the fed events: notifications and inbox rows per event."""

    fed: int
    notifications: int
    distinct_sources: int
    inbox_rows: int


async def consumer_effects(database_url: str, group: str, envelopes: Sequence[EventEnvelope]) -> Effects:
    ids = [e.event_id for e in envelopes]
    conn = await asyncpg.connect(database_url)
    try:
        row = await conn.fetchrow("SELECT count(*) AS n, count(DISTINCT source_event_id) AS d FROM notifications "
                                  "WHERE source_event_id = ANY($1::uuid[])", ids)
        inbox = await conn.fetchval("SELECT count(*) FROM inbox WHERE consumer = $1 AND event_id = ANY($2::uuid[])",
                                    group, ids)
    finally:
        await conn.close()
    assert row is not None
    return Effects(fed=len(ids), notifications=row["n"], distinct_sources=row["d"], inbox_rows=inbox)


async def until_applied(database_url: str, group: str, envelopes: Sequence[EventEnvelope],
                        timeout: float = 90.0) -> Effects:
    """Wait until every fed event has its notification (or the timeout passes); the effects then."""
    deadline = time.monotonic() + timeout
    while True:
        effects = await consumer_effects(database_url, group, envelopes)
        if effects.distinct_sources >= effects.fed or time.monotonic() > deadline:
            return effects
        await asyncio.sleep(0.3)


@dataclass(frozen=True)
class TopicCheck:
    """The service's topic against its store: per stream, the first copy of each event in topic order."""

    stored: int
    published: int
    resent: int
    missing: list[str]
    out_of_order: list[str]


async def store_streams(database_url: str) -> dict[str, list[tuple[int, str]]]:
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch("SELECT stream_id, stream_version, event_id::text AS id FROM events "
                                "ORDER BY stream_id, stream_version")
    finally:
        await conn.close()
    streams: dict[str, list[tuple[int, str]]] = {}
    for r in rows:
        streams.setdefault(r["stream_id"], []).append((r["stream_version"], r["id"]))
    return streams


async def check_topic(bootstrap: str, service: str, database_url: str) -> TopicCheck:
    """Every stored event is on the topic, and per stream the events first appear in version order (a copy
    re-sent after a relay fail-over is counted in ``resent``; consumers skip it by event id)."""
    streams = await store_streams(database_url)
    seen: set[str] = set()
    first: dict[str, list[tuple[int, str]]] = {}
    resent = published = 0
    for record in await read_topic(bootstrap, events_topic(service), timeout=60):
        published += 1
        event_id, stream = record.header("ce_id"), record.header("ce_streamid")
        assert event_id is not None and stream is not None
        if event_id in seen:
            resent += 1
            continue
        seen.add(event_id)
        first.setdefault(stream, []).append((int(record.header("ce_streamversion") or 0), event_id))
    missing = [f"{stream} v{v}" for stream, events in streams.items() for v, i in events if i not in seen]
    disordered = [stream for stream, events in first.items() if events != streams.get(stream, [])[:len(events)]]
    return TopicCheck(stored=sum(len(e) for e in streams.values()), published=published, resent=resent,
                      missing=missing[:10], out_of_order=disordered[:10])


async def until_published(bootstrap: str, service: str, database_url: str, timeout: float = 90.0) -> TopicCheck:
    deadline = time.monotonic() + timeout
    while True:
        check = await check_topic(bootstrap, service, database_url)
        if not check.missing or time.monotonic() > deadline:
            return check
        await asyncio.sleep(0.5)


def feedback_instance(name: str, *, database_url: str, bootstrap: str, jwt_secret: str, group: str, log_dir: Path,
                      extra: dict[str, str] | None = None) -> ServiceProcess:
    """One feedback process (not started) on its own port; instances with the same database and group are
    replicas of one deployment."""
    port = free_port()
    return ServiceProcess("feedback", port=port, log_path=log_dir / f"feedback-{name}.log", env={
        "KINERJA_FEEDBACK_DATABASE_URL": database_url, "KINERJA_FEEDBACK_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "KINERJA_FEEDBACK_HTTP_PORT": str(port), "KINERJA_FEEDBACK_JWT_SECRET": jwt_secret,
        "KINERJA_FEEDBACK_ENVIRONMENT": "production", "KINERJA_FEEDBACK_CONSUMER_GROUP": group, **(extra or {})})


def replica(service: str, name: str, *, database_url: str, bootstrap: str, jwt_secret: str, group: str,
            log_dir: Path) -> ServiceProcess:
    """One process of ``service`` (not started) on its own port; processes with the same database and consumer
    group are replicas of one deployment."""
    port, prefix = free_port(), f"KINERJA_{service.upper()}_"
    return ServiceProcess(service, port=port, log_path=log_dir / f"{service}-{name}.log", env={
        f"{prefix}DATABASE_URL": database_url, f"{prefix}KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        f"{prefix}HTTP_PORT": str(port), f"{prefix}JWT_SECRET": jwt_secret, f"{prefix}ENVIRONMENT": "production",
        f"{prefix}CONSUMER_GROUP": group})


async def health(url: str) -> dict[str, Any] | None:
    """``/health`` of an instance, or None when it does not answer."""
    try:
        async with httpx.AsyncClient(timeout=5) as client:
            body: dict[str, Any] = (await client.get(f"{url}/health")).json()
            return body
    except (httpx.HTTPError, ValueError):
        return None


async def metric(url: str, name: str) -> float | None:
    """The value of a gauge labelled only by service on ``url``'s ``/metrics``."""
    async with httpx.AsyncClient(timeout=30) as client:  # generous: a busy CI machine
        text = (await client.get(f"{url}/metrics")).text
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            return float(line.rsplit(" ", 1)[1])
    return None


async def lag_partitions(url: str, group: str, topic: str) -> set[int]:
    """The partitions of ``topic`` whose consumer lag ``url``'s ``/metrics`` reports for ``group``."""
    async with httpx.AsyncClient(timeout=30) as client:
        text = (await client.get(f"{url}/metrics")).text
    found = set()
    for line in text.splitlines():
        if line.startswith("kinerja_consumer_lag_records{") and f'consumer="{group}"' in line \
                and f'topic="{topic}"' in line:
            found.add(int(line.split('partition="', 1)[1].split('"', 1)[0]))
    return found


def assigned(report: dict[str, Any] | None, group: str, topic: str) -> set[int]:
    """The partitions of ``topic`` the instance's consumer ``group`` holds, from its ``/health``."""
    if report is None:
        return set()
    return {int(tp.rsplit("/", 1)[1]) for tp in report.get("consumers", {}).get(group, [])
            if tp.rsplit("/", 1)[0] == topic}


async def poll(probe: Callable[[], Awaitable[T | None]], what: str, timeout: float = 60.0,
               delay: float = 0.05) -> tuple[T, float]:
    """Poll ``probe`` until it returns something; that and the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        found = await probe()
        if found is not None:
            return found, time.monotonic() - started
        await asyncio.sleep(delay)
    raise AssertionError(f"never happened within {timeout:.0f}s: {what}")


def write_figures(name: str, figures: dict[str, Any]) -> None:
    """Print the measured figures and keep them in ``tests/e2e/artifacts/<name>.json`` (not committed)."""
    print(f"\n{name}: {json.dumps(figures, sort_keys=True)}")
    folder = Path(__file__).parent / "artifacts"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.json").write_text(json.dumps(figures, indent=2, sort_keys=True))
