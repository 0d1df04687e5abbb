#!/usr/bin/env python
"""Interactions benchmark: the planning service's high-volume path for public-service interactions.

Run from the workspace root::

    uv run python tests/benchmarks/interactions.py            # full run (< 5 min)
    uv run python tests/benchmarks/interactions.py --quick    # smoke run (< 90 s)

It starts its own embedded PostgreSQL and its own Kafka (``deploy/kafka/kafkactl``) in a temporary
directory and one real ``kinerja-planning`` process on them, puts a few employees with an approved SKP
(one service-volume IKI each) on the roster, and measures

1. interactions ingested per second over HTTP (``POST /api/v1/interactions``, batches, concurrent clients);
2. interactions ingested per second over Kafka (``kinerja.planning.interactions``, one record each),
   from the first send until the realisation counts them all;
3. the lag from sending an interaction until it shows in the realisation
   (``GET /api/v1/plans/{id}/realisation``) at a steady rate, over Kafka and over HTTP;
4. that re-sent interactions are not counted twice (HTTP answer and Kafka redelivery);

with the service's RSS and CPU time (and PostgreSQL's, Kafka's and this process's) for each phase.
It prints a table and writes ``tests/benchmarks/reports/interactions-<UTC>.md`` / ``.json`` (and
``interactions-latest.md``). ``--profile`` runs the service under cProfile instead (figures are then
not results). See ``tests/benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import io
import itertools
import json
import os
import pstats
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import common  # tests/benchmarks/common.py (the script's folder is on sys.path)
import httpx
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from common import (  # what every benchmark shares
    JWT_SECRET,
    REPORTS,
    ROOT,
    Infra,
    Meter,
    Phase,
    Results,
    distribution,
    log_problems,
    log_tail,
    machine_lines,
    make_nip,
    results_markdown,
    steady_rate,
    table,
    wait_healthy,
)
from common import fmt as _fmt
from common import start_infra as start_infra  # re-exported: dashboards.py imports it from here

from kinerja_kernel.auth import mint_token
from kinerja_kernel.infra.postgres import create_database, free_port
from kinerja_kernel.infra.processes import ServiceProcess
from kinerja_kernel.kafka import idempotent_producer
from kinerja_kernel.logging import configure_logging

OFFICE = "bench-office"
EVALUATOR_NIP = "198001012005011001"
HR_NIP = "197502022000032002"
SYSTEM_ID = "bench-counter-system"
TOPIC = "kinerja.planning.interactions"  # kinerja_planning.entrypoints.kafka.INTERACTIONS_TOPIC
GROUP = "kinerja-planning-interactions"
WIB = timezone(timedelta(hours=7), "WIB")
CHANNELS = ("loket", "telepon", "email", "chat", "daring", "lainnya")
SERVICE_TYPES = ("konsultasi", "pengaduan", "permohonan")


# ------------------------------------------------------------------------------------------------
# configuration
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Config:
    """How much each measurement sends."""

    employees: int
    warmup: int  # per channel, before anything is measured (consumer group joined, code paths warm)
    http_total: int
    http_batch: int
    http_clients: int
    kafka_total: int
    lag_seconds: float
    lag_kafka_rate: int  # interactions/s
    lag_http_batch: int
    lag_http_interval: float  # seconds between batches
    duplicates: int
    api_poll_interval: float = 0.020  # GET realisation of the marker employee during the lag runs
    db_poll_interval: float = 0.005  # read model query during the lag runs (diagnostic)
    wait_timeout: float = 120.0


FULL = Config(employees=20, warmup=2000, http_total=100_000, http_batch=1000, http_clients=4, kafka_total=100_000,
              lag_seconds=20, lag_kafka_rate=500, lag_http_batch=50, lag_http_interval=0.1, duplicates=1000)
QUICK = Config(employees=20, warmup=500, http_total=20_000, http_batch=1000, http_clients=4, kafka_total=20_000,
               lag_seconds=8, lag_kafka_rate=500, lag_http_batch=50, lag_http_interval=0.1, duplicates=1000)








# ------------------------------------------------------------------------------------------------
# machine
# ------------------------------------------------------------------------------------------------


def machine_info() -> dict[str, Any]:
    return common.machine_info(("asyncpg", "aiokafka", "faststream", "pydantic", "fastapi", "uvicorn", "uvloop",
                                "httpx"))








# ------------------------------------------------------------------------------------------------
# test data
# ------------------------------------------------------------------------------------------------


def period_year() -> int:
    """The SKP period of the benchmark: this year in WIB (last year during the first two days of January)."""
    return (datetime.now(WIB) - timedelta(days=2)).year


@dataclass
class Employee:
    nip: str
    token: str
    plan_id: str = ""
    sent: int = 0  # unique interactions sent so far (what the realisation must show)


class Interactions:
    """Builds interactions (dicts) round-robin over the employees and keeps the expected counts."""

    def __init__(self, employees: list[Employee], year: int) -> None:
        self.employees = employees
        self.base = datetime(year, 1, 1, 8, 0, tzinfo=WIB).astimezone(UTC)
        self.n = 0

    def next(self) -> tuple[Employee, dict[str, Any], int]:
        """(employee, interaction, the employee's count once this one is counted)."""
        n = self.n
        self.n += 1
        emp = self.employees[n % len(self.employees)]
        emp.sent += 1
        occurred = (self.base + timedelta(seconds=n % 86_400)).isoformat().replace("+00:00", "Z")
        return emp, {
            "interaction_id": str(uuid.uuid4()), "employee_id": emp.nip, "office_id": OFFICE,
            "channel": CHANNELS[n % len(CHANNELS)], "service_type": SERVICE_TYPES[n % len(SERVICE_TYPES)],
            "occurred_at": occurred, "satisfaction": None if n % 7 == 0 else n % 5 + 1,
        }, emp.sent

    def batch(self, size: int) -> list[tuple[Employee, dict[str, Any], int]]:
        return [self.next() for _ in range(size)]


# ------------------------------------------------------------------------------------------------
# infrastructure and the service process
# ------------------------------------------------------------------------------------------------






PROFILED_MAIN = (
    "import cProfile, signal, sys\n"
    "signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))\n"  # uvicorn re-raises SIGTERM after shutdown
    "from kinerja_planning.entrypoints.main import main\n"
    "cProfile.run('main()', sys.argv[1])\n"
)


class ProfiledService(ServiceProcess):
    """The same service under cProfile (``--profile``); the stats are written when it stops."""

    def __init__(self, *, stats_path: Path, **kwargs: Any) -> None:
        super().__init__("planning", **kwargs)
        self.stats_path = stats_path

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen([sys.executable, "-c", PROFILED_MAIN, str(self.stats_path)],
                                            env={**os.environ, **self.env}, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)





# ------------------------------------------------------------------------------------------------
# --py-spy: where the service's CPU goes, sampled without slowing it down much
# ------------------------------------------------------------------------------------------------
SPY_BUCKETS: tuple[tuple[str, str | None], ...] = (
    ("HTTP endpoint record_interactions (inclusive)", "record_interactions"),
    ("Kafka consumer handler (inclusive)", "interactions_consumer.<locals>.handle"),
    ("RealisationService._ingest (inclusive)", "RealisationService._ingest"),
    ("  PostgresEventStore.append_new_streams", "append_new_streams"),
    ("    seal: canonical JSON + SHA-256 hash chain", "seal (kinerja_kernel/envelope"),
    ("  _recorded: event model, model_dump, PendingEvent", "_recorded (kinerja_planning"),
    ("  _announce_service_targets: plan + realisation loads", "_announce_service_targets"),
    ("  add_interaction_totals", "add_interaction_totals"),
    ("outbox relay (inclusive)", "OutboxRelay"),
    ("  kafka_record (CloudEvent per event)", "kafka_record"),
    ("FastAPI solve_dependencies (body parse + validation)", "solve_dependencies"),
    ("  TypeAdapter.validate_python (request body)", "TypeAdapter.validate_python"),
    ("starlette BaseHTTPMiddleware (inclusive)", "BaseHTTPMiddleware"),
    ("faststream (inclusive: fetch, parse, handler)", "faststream"),
    ("  ServiceInteraction.model_validate_json", "model_validate_json"),
    ("GET realisation (benchmark's polls)", "RealisationService.progress"),
    ("asyncpg Connection._do_execute (client side of queries)", "Connection._do_execute"),
    ("json.dumps (anywhere)", "dumps (json/__init__"),
    ("uuid4 (anywhere)", "uuid4 (uuid"),
    ("envelope.format_time (anywhere)", "format_time (kinerja_kernel"),
    ("only the event loop (native: uvloop, asyncpg/httptools protocols)", None),
)


def spy_command() -> list[str] | None:
    if found := shutil.which("py-spy"):
        return [found]
    if uvx := shutil.which("uvx"):
        return [uvx, "py-spy"]
    return None


class Spy:
    """Records the service with ``py-spy record --nonblocking`` while a phase ingests (``--py-spy``)."""

    def __init__(self, pid: int | None, stem: Path | None) -> None:
        self.pid = pid
        self.stem = stem
        self.proc: subprocess.Popen[bytes] | None = None
        self.raw: Path | None = None

    async def start(self, name: str) -> None:
        command = spy_command()
        if self.pid is None or self.stem is None or command is None:
            return
        self.raw = self.stem.with_name(f"{self.stem.name}-{name}.raw.txt")
        log = self.raw.with_suffix(".log").open("wb")
        self.proc = subprocess.Popen([*command, "record", "-p", str(self.pid), "-r", "100", "--nonblocking",
                                      "--format", "raw", "-o", str(self.raw)], stdout=log, stderr=subprocess.STDOUT)
        log.close()
        await asyncio.sleep(1.5)  # attached and sampling before the phase starts

    def interrupt(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # py-spy writes its samples on SIGINT

    async def finish(self) -> dict[str, Any] | None:
        if self.proc is None or self.raw is None:
            return None
        self.interrupt()
        code = await asyncio.to_thread(self.proc.wait, 30)
        self.proc = None
        if code == 0:
            self.raw.with_suffix(".log").unlink(missing_ok=True)
        return spy_breakdown(self.raw)


def spy_breakdown(raw: Path) -> dict[str, Any] | None:
    """Samples per bucket (a bucket holds every sample whose stack contains its frame) and top leaf frames."""
    if not raw.exists():
        return None
    stacks: list[tuple[list[str], int]] = []
    for line in raw.read_text().splitlines():
        if not line.strip():
            continue
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if any("WorkerThread.run" in f for f in frames):
            continue  # anyio's idle worker threads
        stacks.append((frames, int(count)))
    total = sum(n for _, n in stacks)
    if not total:
        return None
    buckets = []
    for label, needle in SPY_BUCKETS:
        if needle is None:
            n = sum(c for frames, c in stacks if frames[-1].startswith("Runner.run"))
        else:
            n = sum(c for frames, c in stacks if any(needle in f for f in frames))
        buckets.append((label, n, round(n / total * 100, 1)))
    leaves: dict[str, int] = {}
    for frames, c in stacks:
        leaves[frames[-1]] = leaves.get(frames[-1], 0) + c
    top = sorted(leaves.items(), key=lambda kv: -kv[1])[:20]
    text = [f"py-spy samples of the service (100 Hz, non-blocking): {total} busy samples; {raw.name}", "",
            "share  samples  bucket (stack contains ...)"]
    text += [f"{pct:5.1f}% {n:8d}  {label}" for label, n, pct in buckets]
    text += ["", "top leaf frames (self time):"]
    text += [f"{c / total * 100:5.1f}% {c:8d}  {frame}" for frame, c in top]
    raw.with_name(raw.name.replace(".raw.txt", ".txt")).write_text("\n".join(text) + "\n")
    return {"samples": total, "buckets": {label: pct for label, _, pct in buckets},
            "top_leaf_frames": {frame: round(c / total * 100, 1) for frame, c in top[:10]},
            "file": str(raw.with_name(raw.name.replace(".raw.txt", ".txt")).relative_to(ROOT))}


# ------------------------------------------------------------------------------------------------
# the benchmark's view of the service
# ------------------------------------------------------------------------------------------------
class Bench:
    def __init__(self, cfg: Config, res: Results, client: httpx.AsyncClient, db: asyncpg.Pool,
                 producer: AIOKafkaProducer, admin: AIOKafkaAdminClient, meter: Meter, year: int) -> None:
        self.cfg = cfg
        self.res = res
        self.client = client
        self.db = db
        self.producer = producer
        self.admin = admin
        self.meter = meter
        self.year = year
        self.employees = [Employee(nip=make_nip(200_000 + i), token=mint_token(
            secret=JWT_SECRET, user_id=make_nip(200_000 + i), roles=["pegawai"], offices=[OFFICE]))
            for i in range(cfg.employees)]
        self.by_nip = {e.nip: e for e in self.employees}
        self.gen = Interactions(self.employees, year)
        self.system_headers = {"Authorization": "Bearer " + mint_token(
            secret=JWT_SECRET, user_id=SYSTEM_ID, roles=["system"], offices=[OFFICE]),
            "Content-Type": "application/json"}
        self.end_offsets: dict[int, int] = {}  # partition -> next offset, from the producer's acknowledgements
        self.spy = Spy(None, None)

    # -- setup through the API ----------------------------------------------------------------
    async def call(self, method: str, path: str, token: str, body: dict[str, Any], expect: int) -> dict[str, Any]:
        r = await self.client.request(method, path, json=body, headers={"Authorization": f"Bearer {token}"})
        if r.status_code != expect:
            raise RuntimeError(f"{method} {path}: {r.status_code} {r.text[:500]}")
        data: dict[str, Any] = r.json()
        return data

    async def setup(self) -> None:
        hr = mint_token(secret=JWT_SECRET, user_id=HR_NIP, roles=["pengelola_kepegawaian"], offices=[OFFICE])
        evaluator = mint_token(secret=JWT_SECRET, user_id=EVALUATOR_NIP, roles=["pejabat_penilai"], offices=[OFFICE])
        rhk = {"rhk": {"title": "Meningkatnya kualitas layanan publik", "kind": "utama",
                       "source": {"kind": "perjanjian_kinerja", "reference": "PK"},
                       "ikis": [{"description": "Jumlah layanan", "measure": "service_volume",
                                 "targets": [{"aspect": "kuantitas", "value": "1000000", "unit": "layanan"}]}]}}
        sem = asyncio.Semaphore(5)

        async def one(i: int, emp: Employee) -> None:
            async with sem:
                await self.call("PUT", f"/api/v1/offices/{OFFICE}/employees/{emp.nip}", hr, {
                    "name": f"Pegawai Loket {i + 1}", "unit_id": f"unit-{i + 1}", "position": "Kepala Unit Layanan",
                    "position_type": "kepala_unit", "employment": "pns",
                    "evaluator_id": EVALUATOR_NIP, "superior_id": None}, 200)
                ref = await self.call("POST", "/api/v1/plans", emp.token, {"period_year": self.year}, 201)
                emp.plan_id = str(ref["plan_id"])
                await self.call("POST", f"/api/v1/plans/{emp.plan_id}/rhks", emp.token, rhk, 201)
                await self.call("POST", f"/api/v1/plans/{emp.plan_id}/submit", emp.token, {}, 200)
                await self.call("POST", f"/api/v1/plans/{emp.plan_id}/approve", evaluator, {}, 200)

        await asyncio.gather(*(one(i, e) for i, e in enumerate(self.employees)))

    # -- observing the realisation ------------------------------------------------------------
    async def realised(self, emp: Employee) -> int:
        r = await self.client.get(f"/api/v1/plans/{emp.plan_id}/realisation",
                                  headers={"Authorization": f"Bearer {emp.token}"})
        if r.status_code != 200:
            raise RuntimeError(f"GET realisation {emp.nip}: {r.status_code} {r.text[:300]}")
        ikis = r.json()["ikis"]
        return int(Decimal(str(ikis[0]["realised"])))

    async def realised_all(self) -> dict[str, int]:
        counts = await asyncio.gather(*(self.realised(e) for e in self.employees))
        return {e.nip: c for e, c in zip(self.employees, counts, strict=True)}

    async def read_model(self, conn: asyncpg.pool.PoolConnectionProxy | None = None) -> dict[str, int]:
        """What GET realisation adds up for the service-volume IKI: ``interaction_totals`` of the period."""
        rows = await (conn or self.db).fetch("SELECT employee_id, sum(count)::bigint AS n FROM interaction_totals "
                                   "WHERE period_year = $1 GROUP BY employee_id", self.year)
        return {r["employee_id"]: r["n"] for r in rows}

    def expected(self) -> dict[str, int]:
        return {e.nip: e.sent for e in self.employees}

    async def wait_counted(self, timeout: float, timeline: list[tuple[float, int]] | None = None,
                           interval: float = 0.02) -> tuple[float, float]:
        """Until the realisation shows every interaction sent: polls the read model every ``interval``
        (cheap, no load on the service), then confirms with GET realisation of every employee.
        Returns (time the read model had them all, time the API confirmed), both perf_counter."""
        want = self.expected()
        total = sum(want.values())
        deadline = time.perf_counter() + timeout
        while True:
            counts = await self.read_model()
            now = time.perf_counter()
            if timeline is not None:
                timeline.append((now, sum(counts.values())))
            if all(counts.get(nip, 0) >= n for nip, n in want.items()):
                seen = now
                break
            if now > deadline:
                raise TimeoutError(f"read model shows {sum(counts.values()):,} of {total:,} interactions "
                                   f"after {timeout:.0f} s")
            await asyncio.sleep(interval)
        while True:
            api = await self.realised_all()
            confirmed = time.perf_counter()
            if all(api[nip] >= n for nip, n in want.items()):
                return seen, confirmed
            if confirmed > deadline:
                raise TimeoutError(f"realisation shows {sum(api.values()):,} of {total:,} interactions")
            await asyncio.sleep(interval)

    async def verify(self, label: str) -> dict[str, Any]:
        """The realisation of every employee equals what was sent to them (each interaction once)."""
        want = self.expected()
        api = await self.realised_all()
        wrong = {nip: (api[nip], n) for nip, n in want.items() if api[nip] != n}
        self.res.check(not wrong, f"{label}: realisation differs from interactions sent for {len(wrong)} employees "
                                  f"(realised, sent): {dict(list(wrong.items())[:3])}")
        return {"realised_total": sum(api.values()), "sent_total": sum(want.values()), "mismatches": len(wrong)}

    async def relay_drained(self, timeout: float = 90.0) -> float:
        """Seconds until the outbox relay has published every stored event (the interactions are events)."""
        t0 = time.perf_counter()
        stored = await self.db.fetchval("SELECT count(*) FROM events")
        while True:
            r = await self.client.get("/health")
            published = ((r.json() or {}).get("relay") or {}).get("published", 0)
            if published >= stored:
                return time.perf_counter() - t0
            if time.perf_counter() - t0 > timeout:
                raise TimeoutError(f"relay published {published:,} of {stored:,} events after {timeout:.0f} s")
            await asyncio.sleep(0.05)

    # -- sending --------------------------------------------------------------------------------
    async def post_batch(self, body: bytes) -> tuple[int, int, float]:
        t = time.perf_counter()
        r = await self.client.post("/api/v1/interactions", content=body, headers=self.system_headers)
        latency = time.perf_counter() - t
        if r.status_code != 202:
            raise RuntimeError(f"POST /api/v1/interactions: {r.status_code} {r.text[:500]}")
        data = r.json()
        return int(data["accepted"]), int(data["duplicates"]), latency

    @staticmethod
    def body(items: list[dict[str, Any]]) -> bytes:
        return json.dumps({"interactions": items}, separators=(",", ":")).encode()

    @staticmethod
    def record(item: dict[str, Any]) -> tuple[bytes, bytes]:
        return item["employee_id"].encode(), json.dumps(item, separators=(",", ":")).encode()

    async def produce(self, records: list[tuple[bytes, bytes]],
                      sent_at: list[float] | None = None) -> list[asyncio.Future[Any]]:
        futures = []
        for i, (key, value) in enumerate(records):
            if sent_at is not None:
                sent_at.append(time.perf_counter())
            futures.append(await self.producer.send(TOPIC, value=value, key=key))
            if i % 1000 == 999:
                await asyncio.sleep(0)  # let the observers run
        return futures

    async def acknowledged(self, futures: list[asyncio.Future[Any]]) -> None:
        for meta in await asyncio.gather(*futures):
            self.end_offsets[meta.partition] = max(self.end_offsets.get(meta.partition, 0), meta.offset + 1)

    async def consumer_caught_up(self, timeout: float) -> float:
        """Seconds until the service's consumer group committed every record produced so far."""
        t0 = time.perf_counter()
        while True:
            offsets = await self.admin.list_consumer_group_offsets(GROUP)
            committed = {tp.partition: om.offset for tp, om in offsets.items() if tp.topic == TOPIC}
            if all(committed.get(p, -1) >= end for p, end in self.end_offsets.items()):
                return time.perf_counter() - t0
            if time.perf_counter() - t0 > timeout:
                raise TimeoutError(f"consumer group {GROUP} at {committed}, end {self.end_offsets}")
            await asyncio.sleep(0.05)

    # ==========================================================================================
    async def warm_up(self) -> None:
        """Both paths once before measuring: the consumer group has joined, the code paths are warm."""
        n = self.cfg.warmup
        for i in range(0, n, 100):
            await self.post_batch(self.body([item for _, item, _ in self.gen.batch(min(100, n - i))]))
        await self.acknowledged(await self.produce([self.record(item) for _, item, _ in self.gen.batch(n)]))
        t = time.perf_counter()
        await self.wait_counted(self.cfg.wait_timeout)
        self.res.details["warm_up"] = {"interactions_per_channel": n,
                                       "kafka_first_records_counted_after_s": time.perf_counter() - t}
        await self.consumer_caught_up(30)
        await self.relay_drained()

    async def http_throughput(self) -> None:
        cfg = self.cfg
        batches = [self.gen.batch(cfg.http_batch) for _ in range(cfg.http_total // cfg.http_batch)]
        bodies = [self.body([item for _, item, _ in b]) for b in batches]
        self.dup_http = [item for _, item, _ in batches[0]][: cfg.duplicates]
        total = sum(len(b) for b in batches)
        latencies: list[float] = []
        accepted = duplicates = 0
        next_index = 0
        timeline: list[tuple[float, int]] = []
        done = asyncio.Event()

        async def client() -> None:
            nonlocal next_index, accepted, duplicates
            while next_index < len(bodies):
                body = bodies[next_index]
                next_index += 1
                a, d, latency = await self.post_batch(body)
                accepted += a
                duplicates += d
                latencies.append(latency)

        async def observe() -> None:
            while not done.is_set():
                timeline.append((time.perf_counter(), sum((await self.read_model()).values())))
                await asyncio.sleep(0.05)

        await self.spy.start("http")
        async with Phase(self.meter, "http") as phase:
            observer = asyncio.create_task(observe())
            t0 = time.perf_counter()
            try:
                await asyncio.gather(*(client() for _ in range(cfg.http_clients)))
            finally:
                done.set()
                await observer
            t_last = time.perf_counter()
            phase.mark("ingested")
            self.spy.interrupt()
            seen, confirmed = await self.wait_counted(cfg.wait_timeout)
            drain = await self.relay_drained()
            phase.mark("drained")
        spied = await self.spy.finish()
        wall = t_last - t0
        lat = distribution([x * 1000 for x in latencies])
        steady = steady_rate(timeline)
        out: dict[str, Any] = {"interactions": total, "batch": cfg.http_batch, "clients": cfg.http_clients, "requests": len(bodies),
               "accepted": accepted, "duplicates": duplicates, "wall_s": wall, "per_s": accepted / wall,
               "steady_10_90_per_s": steady, "request_ms": lat,
               "counted_after_last_response_ms": {"read_model": (seen - t_last) * 1000,
                                                  "realisation_api": (confirmed - t_last) * 1000},
               "relay_drained_after_s": drain, "ingest": phase.summary("ingested", total),
               "with_relay_drain": phase.split("drained", total)}
        if spied:
            out["py_spy"] = spied
        out["verification"] = await self.verify("HTTP throughput")
        self.res.phases["http_throughput"] = out
        self.res.check(accepted == total and duplicates == 0,
                       f"HTTP throughput: accepted {accepted:,}, duplicates {duplicates:,} of {total:,}")
        ing = out["ingest"]
        self.res.add("1a", f"HTTP: interactions ingested/s ({cfg.http_batch}/batch, {cfg.http_clients} clients)",
                     accepted / wall, "interactions/s",
                     f"{total:,} in {wall:.1f} s; steady 10-90 %: {_fmt(steady)}/s")
        self.res.add("1b", "HTTP: batch request latency p50", lat.get("p50"), "ms",
                     f"p99 {_fmt(lat.get('p99'))} ms, max {_fmt(lat.get('max'))} ms")
        self.res.add("1c", "HTTP: service CPU per interaction (ingest window)",
                     ing["service_cpu_us_per_interaction"], "µs",
                     f"{_fmt(ing['service_cpu_s'])} s CPU, {_fmt(ing['service_cpu_percent_of_one_core'])} % of a core; "
                     f"PostgreSQL "
                     f"{_fmt(ing['postgres_cpu_us_per_interaction'])} µs, Kafka {_fmt(ing['kafka_cpu_us_per_interaction'])}"
                     f" µs, machine {ing['machine'].get('busy_percent')} % busy")
        self.res.add("1d", "HTTP: service RSS during ingest, peak", ing["rss_mib"].get("max"), "MiB",
                     f"mean {_fmt(ing['rss_mib'].get('mean'))} MiB; relay drained {drain:.1f} s after the last "
                     f"response")

    async def kafka_throughput(self) -> None:
        cfg = self.cfg
        items = self.gen.batch(cfg.kafka_total)
        records = [self.record(item) for _, item, _ in items]
        self.dup_kafka = records[: cfg.duplicates]
        timeline: list[tuple[float, int]] = []
        await self.spy.start("kafka")
        async with Phase(self.meter, "kafka") as phase:
            t0 = time.perf_counter()
            waiter = asyncio.create_task(self.wait_counted(cfg.wait_timeout * 2, timeline))
            futures = await self.produce(records)
            t_sent = time.perf_counter()
            await self.acknowledged(futures)
            t_acked = time.perf_counter()
            seen, confirmed = await waiter
            phase.mark("ingested")
            self.spy.interrupt()
            committed_after = await self.consumer_caught_up(30)
            drain = await self.relay_drained()
            phase.mark("drained")
        spied = await self.spy.finish()
        total = len(records)
        wall = confirmed - t0
        steady = steady_rate(timeline)
        out: dict[str, Any] = {"interactions": total, "wall_s": wall, "per_s": total / wall, "steady_10_90_per_s": steady,
               "read_model_complete_s": seen - t0, "produce_enqueued_s": t_sent - t0, "produce_acked_s": t_acked - t0,
               "producer_per_s": total / (t_acked - t0), "offsets_committed_after_counted_s": committed_after,
               "relay_drained_after_s": drain, "ingest": phase.summary("ingested", total),
               "with_relay_drain": phase.split("drained", total), "partitions": dict(sorted(self.end_offsets.items())),
               "timeline": [(round(t - t0, 3), n) for t, n in timeline[:: max(1, len(timeline) // 60)]]}
        if spied:
            out["py_spy"] = spied
        out["verification"] = await self.verify("Kafka throughput")
        self.res.phases["kafka_throughput"] = out
        ing = out["ingest"]
        self.res.add("2a", "Kafka: interactions ingested/s (first send -> all in realisation)", total / wall,
                     "interactions/s", f"{total:,} in {wall:.1f} s; steady 10-90 %: {_fmt(steady)}/s")
        self.res.add("2b", "Kafka: producer, acks=all idempotent (benchmark side)", total / (t_acked - t0),
                     "records/s", f"all acknowledged after {t_acked - t0:.1f} s")
        self.res.add("2c", "Kafka: service CPU per interaction (ingest window)",
                     ing["service_cpu_us_per_interaction"], "µs",
                     f"{_fmt(ing['service_cpu_s'])} s CPU, {_fmt(ing['service_cpu_percent_of_one_core'])} % of a core; "
                     f"PostgreSQL "
                     f"{_fmt(ing['postgres_cpu_us_per_interaction'])} µs, Kafka {_fmt(ing['kafka_cpu_us_per_interaction'])}"
                     f" µs, machine {ing['machine'].get('busy_percent')} % busy")
        self.res.add("2d", "Kafka: service RSS during ingest, peak", ing["rss_mib"].get("max"), "MiB",
                     f"mean {_fmt(ing['rss_mib'].get('mean'))} MiB; relay drained {drain:.1f} s after")

    # -- lag ------------------------------------------------------------------------------------
    async def observe(self, stop: asyncio.Event, marker: Employee, api_obs: list[tuple[float, int]],
                      db_obs: list[tuple[float, dict[str, int]]]) -> None:
        """Polls GET realisation of the marker employee every ``api_poll_interval`` and the read model of
        all employees every ``db_poll_interval`` until ``stop``."""

        async def api() -> None:
            nxt = time.perf_counter()
            while not stop.is_set():
                n = await self.realised(marker)
                api_obs.append((time.perf_counter(), n))
                nxt += self.cfg.api_poll_interval
                await asyncio.sleep(max(0.0, nxt - time.perf_counter()))
                nxt = max(nxt, time.perf_counter() - self.cfg.api_poll_interval)

        async def db() -> None:
            nxt = time.perf_counter()
            async with self.db.acquire() as conn:  # one connection: no pool reset round trip per poll
                while not stop.is_set():
                    counts = await self.read_model(conn)
                    db_obs.append((time.perf_counter(), counts))
                    nxt += self.cfg.db_poll_interval
                    await asyncio.sleep(max(0.0, nxt - time.perf_counter()))
                    nxt = max(nxt, time.perf_counter() - self.cfg.db_poll_interval)

        await asyncio.gather(api(), db())

    async def lag_run(self, channel: str) -> None:
        cfg = self.cfg
        marker = self.employees[0]
        sends: list[tuple[float, str, int]] = []  # (sent at, employee, count the realisation must reach)
        api_obs: list[tuple[float, int]] = []
        db_obs: list[tuple[float, dict[str, int]]] = []
        responses: list[float] = []
        in_flight = overlaps = 0
        stop = asyncio.Event()
        futures: list[asyncio.Future[Any]] = []
        tasks: list[asyncio.Task[None]] = []
        base = self.expected()
        acks: list[float] = []  # Kafka: send -> acknowledged by the broker (acks=all), ms

        async def http_batch(items: list[tuple[Employee, dict[str, Any], int]]) -> None:
            nonlocal in_flight, overlaps
            if in_flight:
                overlaps += 1
            in_flight += 1
            try:
                _, _, latency = await self.post_batch(self.body([i for _, i, _ in items]))
                responses.append(latency * 1000)
            finally:
                in_flight -= 1

        await self.spy.start(f"lag-{channel}")
        async with Phase(self.meter, f"lag_{channel}") as phase:
            observer = asyncio.create_task(self.observe(stop, marker, api_obs, db_obs))
            await asyncio.sleep(0.2)
            if channel == "kafka":
                per_tick, tick = cfg.lag_kafka_rate // 100, 0.01
            else:
                per_tick, tick = cfg.lag_http_batch, cfg.lag_http_interval
            ticks = round(cfg.lag_seconds / tick)
            t0 = time.perf_counter()
            for j in range(ticks):
                await asyncio.sleep(max(0.0, t0 + j * tick - time.perf_counter()))
                items = self.gen.batch(per_tick)
                now = time.perf_counter()
                sends.extend((now, emp.nip, k) for emp, _, k in items)
                if channel == "kafka":
                    for _, item, _ in items:
                        key, value = self.record(item)
                        fut = await self.producer.send(TOPIC, value=value, key=key)
                        fut.add_done_callback(lambda _, sent_at=now: acks.append((time.perf_counter() - sent_at) * 1000))
                        futures.append(fut)
                else:
                    tasks.append(asyncio.create_task(http_batch(items)))
            t_end = time.perf_counter()
            if tasks:
                await asyncio.gather(*tasks)
            if futures:
                await self.acknowledged(futures)
            await self.wait_counted(cfg.wait_timeout)
            # the marker's last observation must show its last interaction
            deadline = time.perf_counter() + 10
            while (not api_obs or api_obs[-1][1] < marker.sent) and time.perf_counter() < deadline:
                await asyncio.sleep(cfg.api_poll_interval)
            stop.set()
            await observer
            phase.mark("done")
        spied = await self.spy.finish()
        sent = len(sends)
        rate = sent / (ticks * tick)
        api_lags, api_missing, api_early = lags(sends, {marker.nip: api_obs})
        per_emp: dict[str, list[tuple[float, int]]] = {nip: [] for nip in self.by_nip}
        for t, counts in db_obs:
            for nip in per_emp:
                per_emp[nip].append((t, counts.get(nip, 0)))
        db_lags, db_missing, db_early = lags(sends, per_emp)
        api_d = distribution([x * 1000 for x in api_lags])
        db_d = distribution([x * 1000 for x in db_lags])
        api_interval = distribution([(b[0] - a[0]) * 1000 for a, b in itertools.pairwise(api_obs)])
        out: dict[str, Any] = {"channel": channel, "sent": sent, "seconds": t_end - t0, "rate_per_s": rate,
               "marker_employee": marker.nip, "marker_interactions": sum(1 for s in sends if s[1] == marker.nip),
               "lag_ms_realisation_api": api_d, "lag_ms_read_model_all_employees": db_d,
               "missing_api": api_missing, "missing_read_model": db_missing,
               "counted_before_sent_api": api_early, "counted_before_sent_read_model": db_early,
               "api_polls": len(api_obs), "api_poll_interval_ms": api_interval, "read_model_polls": len(db_obs),
               "resources": phase.summary("done", sent), "base_counts": sum(base.values())}
        if channel == "kafka":
            out["produce_ack_ms"] = distribution(acks)
        if channel == "http":
            out["request_ms"] = distribution(responses)
            out["requests_overlapping_previous"] = overlaps
        if spied:
            out["py_spy"] = spied
        out["verification"] = await self.verify(f"lag over {channel}")
        self.res.check(api_missing == 0 and db_missing == 0,
                       f"lag over {channel}: {api_missing} (API) / {db_missing} (read model) interactions never "
                       "observed")
        self.res.phases[f"lag_{channel}"] = out
        fid = "3" if channel == "kafka" else "4"
        what = (f"Kafka {rate:,.0f}/s" if channel == "kafka"
                else f"HTTP {cfg.lag_http_batch}/batch every {cfg.lag_http_interval * 1000:.0f} ms")
        note = (f"{api_d.get('count', 0):,} interactions of the marker employee, GET realisation every "
                f"{cfg.api_poll_interval * 1000:.0f} ms (median interval {_fmt(api_interval.get('p50'))} ms)")
        self.res.add(f"{fid}a", f"Lag send -> realisation p50, {what}", api_d.get("p50"), "ms", note)
        self.res.add(f"{fid}b", f"Lag send -> realisation p95, {what}", api_d.get("p95"), "ms")
        self.res.add(f"{fid}c", f"Lag send -> realisation p99, {what}", api_d.get("p99"), "ms")
        self.res.add(f"{fid}d", f"Lag send -> realisation max, {what}", api_d.get("max"), "ms")
        extra = ""
        if channel == "kafka":
            pa = out["produce_ack_ms"]
            extra = f"; of which send -> broker ack p50 {_fmt(pa.get('p50'))} / p99 {_fmt(pa.get('p99'))} ms"
        if channel == "http":
            rq = out["request_ms"]
            extra = f"; request p50 {_fmt(rq.get('p50'))} / p99 {_fmt(rq.get('p99'))} ms"
        self.res.add(f"{fid}e", "  same, all employees, read model polled every "
                                f"{cfg.db_poll_interval * 1000:.0f} ms, p50 / p99", db_d.get("p50"), "ms",
                     f"p99 {_fmt(db_d.get('p99'))} ms, max {_fmt(db_d.get('max'))} ms, {db_d.get('count', 0):,} "
                     f"interactions{extra}")

    # -- duplicates -----------------------------------------------------------------------------
    async def duplicates(self) -> None:
        before_api = await self.realised_all()
        before_events = await self.db.fetchval("SELECT count(*) FROM events")
        accepted, dups, latency = await self.post_batch(self.body(self.dup_http))
        after_http = await self.realised_all()
        self.res.check(accepted == 0 and dups == len(self.dup_http),
                       f"duplicates over HTTP: accepted {accepted}, duplicates {dups} of {len(self.dup_http)}")
        self.res.check(after_http == before_api, "duplicates over HTTP changed the realisation")
        self.res.add("5a", f"Re-sent {len(self.dup_http):,} interactions over HTTP: accepted / duplicates",
                     accepted, "accepted",
                     f"duplicates {dups:,}; realisation {'unchanged' if after_http == before_api else 'CHANGED'}; "
                     f"request {latency * 1000:.0f} ms")
        t0 = time.perf_counter()
        await self.acknowledged(await self.produce(self.dup_kafka))
        consumed = await self.consumer_caught_up(60)
        took = time.perf_counter() - t0
        after_kafka = await self.realised_all()
        after_events = await self.db.fetchval("SELECT count(*) FROM events")
        dead = await self.db.fetchval("SELECT count(*) FROM dead_letters")
        self.res.check(after_kafka == before_api, "duplicates over Kafka changed the realisation")
        self.res.check(after_events == before_events, f"duplicates stored {after_events - before_events} new events")
        self.res.add("5b", f"Re-sent {len(self.dup_kafka):,} interactions over Kafka: counted again",
                     sum(after_kafka.values()) - sum(before_api.values()), "interactions",
                     f"consumer committed past them in {took:.2f} s; events stored "
                     f"{after_events - before_events}; dead letters {dead}")
        self.res.phases["duplicates"] = {
            "http": {"sent": len(self.dup_http), "accepted": accepted, "duplicates": dups, "request_ms": latency * 1000,
                     "realisation_unchanged": after_http == before_api},
            "kafka": {"sent": len(self.dup_kafka), "consumed_after_s": took, "offset_wait_s": consumed,
                      "realisation_unchanged": after_kafka == before_api},
            "events_before": before_events, "events_after": after_events, "dead_letters": dead}




def lags(sends: list[tuple[float, str, int]], observations: dict[str, list[tuple[float, int]]]
         ) -> tuple[list[float], int, int]:
    """For each send (time, employee, the count that includes it): the time of the first observation at or
    after the send whose count reached it, minus the send time. Kafka keeps one employee's records in
    order (one key, one partition, one consumer), so the count reaching k means the k-th one is in.
    Returns the lags, how many were never observed, and how many were counted before they were sent
    (possible only if concurrent HTTP batches commit out of order)."""
    out: list[float] = []
    missing = early = 0
    for nip, obs in observations.items():
        times = [t for t, _ in obs]
        counts = [c for _, c in obs]  # cumulative: never decreases
        for sent_at, threshold in ((s[0], s[2]) for s in sends if s[1] == nip):
            j = bisect.bisect_left(counts, threshold)
            k = bisect.bisect_left(times, sent_at)
            if j < k and k > 0:
                early += 1
            i = max(j, k)
            if i < len(obs):
                out.append(times[i] - sent_at)
            else:
                missing += 1
    return out, missing, early


# ------------------------------------------------------------------------------------------------
# orchestration
# ------------------------------------------------------------------------------------------------




Step = Callable[[], Awaitable[None]]


async def run_all(args: argparse.Namespace, res: Results) -> None:
    cfg = QUICK if args.quick else FULL
    res.settings["benchmark"] = dict(cfg.__dict__)
    stats_path = REPORTS / f"profile-interactions-{res.started:%Y%m%dT%H%M%SZ}.pstats"
    with contextlib.ExitStack() as stack:  # callbacks run last-in first-out: service, Kafka, PostgreSQL, files
        work = common.work_dir(stack, "kinerja-bench-interactions-", keep=args.keep)
        log_path = work / "logs" / "planning.log"
        infra = await common.start_servers(stack, work, res)
        print(f"  PostgreSQL {res.machine['postgres_version']} {infra.server_url}, Kafka {infra.bootstrap} "
              f"({res.details['infra_start_seconds']} s)", flush=True)
        url = await create_database(infra.server_url, "kinerja_planning_bench")
        port = free_port()
        env = {"KINERJA_PLANNING_DATABASE_URL": url, "KINERJA_PLANNING_KAFKA_BOOTSTRAP_SERVERS": infra.bootstrap,
               "KINERJA_PLANNING_HTTP_PORT": str(port), "KINERJA_PLANNING_JWT_SECRET": JWT_SECRET,
               "KINERJA_PLANNING_LOG_LEVEL": "WARNING"}
        service: ServiceProcess
        if args.profile:
            REPORTS.mkdir(parents=True, exist_ok=True)
            service = ProfiledService(stats_path=stats_path, env=env, port=port, log_path=log_path)
        else:
            service = ServiceProcess("planning", env=env, port=port, log_path=log_path)
        stack.callback(service.stop)
        t_start = time.perf_counter()
        service.start()
        assert service.process is not None
        limits = httpx.Limits(max_connections=16, max_keepalive_connections=16)
        try:
            async with httpx.AsyncClient(base_url=service.url, limits=limits, timeout=60) as client:
                await wait_healthy(client, service.process, name="planning", timeout=90, log_path=service.log_path)
                res.details["service_start_seconds"] = round(time.perf_counter() - t_start, 1)
                res.details["service_command"] = "cProfile wrapper" if args.profile else "kinerja-planning"
                meter = Meter(service.process.pid, infra.postgres_pid, infra.kafka_pid)
                await measure(args, cfg, res, client, url, infra, meter)
        except BaseException:
            if tail := log_tail(log_path):
                print(f"\n--- last lines of the service log ({log_path}) ---\n{tail}\n---", flush=True)
            raise
        finally:
            service.stop()
            res.details["service_log"] = log_problems(log_path)
            print("\nstopping the service, Kafka and PostgreSQL ...", flush=True)
        if args.profile:
            write_profile(stats_path)


async def measure(args: argparse.Namespace, cfg: Config, res: Results, client: httpx.AsyncClient, url: str,
                  infra: Infra, meter: Meter) -> None:
    db = await asyncpg.create_pool(url, min_size=2, max_size=4)  # the benchmark's own view of the read model
    producer = idempotent_producer(infra.bootstrap, client_id="bench-interactions")
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.bootstrap, client_id="bench-interactions-admin")
    await producer.start()
    await admin.start()
    try:
        bench = Bench(cfg, res, client, db, producer, admin, meter, period_year())
        if args.py_spy:
            if spy_command() is None:
                res.errors.append("--py-spy: neither py-spy nor uvx found")
            else:
                REPORTS.mkdir(parents=True, exist_ok=True)
                bench.spy = Spy(meter.service_pid, REPORTS / f"profile-interactions-{res.started:%Y%m%dT%H%M%SZ}-pyspy")
        res.settings["period_year"] = bench.year
        t = time.perf_counter()
        await bench.setup()
        res.details["setup_seconds"] = round(time.perf_counter() - t, 1)
        print(f"  {cfg.employees} employees on the roster with an approved SKP ({res.details['setup_seconds']} s)",
              flush=True)
        await asyncio.sleep(1.0)
        res.details["rss_at_rest_mib"] = meter.rss_mib()
        t = time.perf_counter()
        await bench.warm_up()
        res.details["warm_up"]["seconds"] = round(time.perf_counter() - t, 1)
        steps: list[tuple[str, Step]] = [
            ("HTTP throughput", bench.http_throughput),
            ("Kafka throughput", bench.kafka_throughput),
        ]
        if not args.profile:
            steps += [
                ("lag over Kafka", lambda: bench.lag_run("kafka")),
                ("lag over HTTP", lambda: bench.lag_run("http")),
                ("duplicates", bench.duplicates),
            ]
        for name, step in steps:
            await common.run_step(res, name, step)
        res.details["rss_end_mib"] = meter.rss_mib()
        res.details["events_stored"] = await db.fetchval("SELECT count(*) FROM events")
        res.details["interactions_sent_unique"] = sum(e.sent for e in bench.employees)
        res.details["interaction_streams"] = await db.fetchval(
            "SELECT count(*) FROM events WHERE event_type = 'planning.ServiceInteractionRecorded'")
        res.check(res.details["interaction_streams"] == res.details["interactions_sent_unique"],
                  f"{res.details['interaction_streams']:,} interactions stored for "
                  f"{res.details['interactions_sent_unique']:,} sent")
        res.add("6a", "Service RSS at rest (after setup)", res.details["rss_at_rest_mib"], "MiB",
                f"started and healthy in {res.details['service_start_seconds']} s")
        res.add("6b", "Service RSS at the end", res.details["rss_end_mib"], "MiB",
                f"{res.details['events_stored']:,} events stored, "
                f"{res.details['interactions_sent_unique']:,} interactions")
    finally:
        await producer.stop()
        await admin.close()
        await db.close()


def write_profile(stats_path: Path) -> None:
    if not stats_path.exists():
        print(f"no profile written ({stats_path} missing)")
        return
    for sort in ("tottime", "cumulative"):
        buf = io.StringIO()
        pstats.Stats(str(stats_path), stream=buf).strip_dirs().sort_stats(sort).print_stats(50)
        stats_path.with_name(f"{stats_path.stem}-{sort}.txt").write_text(buf.getvalue())
    print(f"profile of the service: {stats_path.relative_to(ROOT)} (+ -tottime.txt, -cumulative.txt)")


# ------------------------------------------------------------------------------------------------
# reports
# ------------------------------------------------------------------------------------------------




def where_time_goes(res: Results) -> list[str]:
    lines = ["| phase | interactions | /s | wall µs | service CPU µs | PostgreSQL CPU µs | Kafka CPU µs | "
             "benchmark CPU µs | service % of a core | machine busy % | service RSS peak MiB |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]

    def cell(v: Any) -> str:
        return "" if v is None else _fmt(float(v))

    rows: list[tuple[str, dict[str, Any] | None, float | None]] = []
    for key, label in (("http_throughput", "HTTP ingest"), ("kafka_throughput", "Kafka ingest")):
        p = res.phases.get(key)
        if p:
            rows.append((label, p.get("ingest"), p.get("per_s")))
            d = dict(p.get("with_relay_drain") or {})
            rows.append((f"{label} + relay drain", d, None))
    for key, label in (("lag_kafka", "Kafka lag run"), ("lag_http", "HTTP lag run")):
        p = res.phases.get(key)
        if p:
            rows.append((label, p.get("resources"), p.get("rate_per_s")))
    for label, r, rate in rows:
        if not r:
            continue
        n = r.get("interactions") or 0
        wall_us = r["wall_s"] / n * 1e6 if n else None
        lines.append(f"| {label} | {n:,} | {cell(rate)} | {cell(wall_us)} | "
                     f"{cell(r.get('service_cpu_us_per_interaction'))} | {cell(r.get('postgres_cpu_us_per_interaction'))} | "
                     f"{cell(r.get('kafka_cpu_us_per_interaction'))} | {cell(r.get('benchmark_cpu_us_per_interaction'))} | "
                     f"{cell(r.get('service_cpu_percent_of_one_core'))} | {cell((r.get('machine') or {}).get('busy_percent'))}"
                     f" | {cell((r.get('rss_mib') or {}).get('max'))} |")
    return lines


def markdown(res: Results, seconds: float) -> str:
    phases = {k: {kk: vv for kk, vv in v.items() if kk != "timeline"} for k, v in res.phases.items()}
    lines = [
        f"# Kinerja interactions benchmark — {res.started:%Y-%m-%d %H:%M:%S} UTC ({res.mode})",
        "",
        f"Total run time {seconds:.0f} s. Command: `{res.settings.get('command')}`.",
        "One real `kinerja-planning` process (HTTP, relay and the interactions consumer), its own PostgreSQL "
        "database and Kafka broker, all on this machine with the benchmark client.",
        "",
        "## Machine",
        "",
        *machine_lines(res),
        "",
        "## Settings",
        "",
        "- PostgreSQL: " + ", ".join(f"{k}={v}" for k, v in (res.settings.get("postgres") or {}).items()),
        "- Service: defaults (`db_pool_max` 10, relay batch 1,000, interactions consumer batches of at most 500 "
        "records / 200 ms, topic partitions 6), `KINERJA_PLANNING_LOG_LEVEL=WARNING`",
        "- Benchmark: " + ", ".join(f"{k}={v}" for k, v in (res.settings.get("benchmark") or {}).items()),
        f"- Period {res.settings.get('period_year')}; every employee is a unit head (`kepala_unit`) with an "
        "approved SKP whose one IKI counts service volume (all service types)",
        "",
        *results_markdown(res),
    ]
    lines += ["## Where the time goes (per interaction)", "",
              "`wall` is elapsed time per interaction; CPU columns are CPU time of each process tree per "
              "interaction (psutil); `+ relay drain` runs until the outbox relay has also published every "
              "interaction event to `kinerja.planning.events`. All processes share the machine's cores. The lag runs "
              "ingest only 500/s and include the benchmark's own polling (GET realisation every 20 ms, the read "
              "model every 5 ms), so their per-interaction CPU is mostly fixed per-batch and per-poll cost.", "",
              *where_time_goes(res), "",
              "## Details", "", "```json",
              json.dumps({"phases": phases, "details": res.details}, indent=2, default=str), "```", ""]
    return "\n".join(lines)




def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="short run (< 90 s) for a smoke check")
    parser.add_argument("--profile", action="store_true",
                        help="run the service under cProfile through the throughput phases and write "
                             "reports/profile-interactions-*.txt (the rates are then not results)")
    parser.add_argument("--py-spy", action="store_true",
                        help="sample the service with py-spy (PATH or uvx) during the throughput and lag phases and write "
                             "reports/profile-interactions-*-pyspy-*.txt (little overhead: figures stand)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (data and service log)")
    args = parser.parse_args()
    configure_logging(service="bench", json=False, level="WARNING")
    flags = [f for f, on in (("--quick", args.quick), ("--profile", args.profile), ("--py-spy", args.py_spy)) if on]
    mode = " ".join(["quick" if args.quick else "full", *(f[2:] for f in flags if f != "--quick")])
    res = Results(started=datetime.now(UTC).replace(microsecond=0), mode=mode)
    res.settings["command"] = " ".join(["uv run python tests/benchmarks/interactions.py", *flags])
    print("machine ...", flush=True)
    res.machine = machine_info()
    res.machine["event_loop"] = common.event_loop_name()
    for line in machine_lines(res)[:3]:
        print(line)
    seconds, interrupted, res.machine["whole_run_cpu"] = common.run_guarded(
        lambda: run_all(args, res), uvloop=res.machine["event_loop"] == "uvloop", errors=res.errors)
    if args.profile:
        common.print_summary(f"Kinerja interactions benchmark ({res.mode}), {res.started:%Y-%m-%d %H:%M:%S} UTC",
                             seconds, machine_lines(res), table(res), res.errors)
        print("\n(--profile: the service ran under cProfile; these rates are not results; no report written)")
        return 1 if res.errors else 0
    return common.conclude(res, seconds, interrupted, name="interactions", title="Kinerja interactions benchmark",
                           render=markdown)


if __name__ == "__main__":
    sys.exit(main())
