#!/usr/bin/env python
"""Foundation benchmark: event store, outbox relay and one real service process, on real infrastructure.

Run from the workspace root (after ``uv sync --all-groups``)::

    uv run python tests/benchmarks/foundation.py            # full run (< 5 min)
    uv run python tests/benchmarks/foundation.py --quick    # smoke run (< 90 s)

It starts its own embedded PostgreSQL and its own Kafka (``deploy/kafka/kafkactl``) in a temporary
directory, unless ``--postgres-url`` / ``--kafka-bootstrap`` point at running ones, measures

1. event-store appends/s, one event per transaction, on one connection (new stream / same stream),
   next to the PyPI ``eventsourcing`` library on the same server (its own database);
2. batched appends (100 and 1,000 events per append);
3. outbox-relay throughput (pre-loaded events, fresh topic);
4. outbox-relay latency (commit -> Kafka acknowledgement) at a steady 1,000 events/s;
5. resident memory, requests/s and request latency of a real ``kinerja-planning`` process,

prints a table and writes ``tests/benchmarks/reports/foundation-<UTC>.md`` / ``.json`` (and
``foundation-latest.md``). See ``tests/benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import gc
import io
import itertools
import json
import os
import pstats
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import common  # tests/benchmarks/common.py (the script's folder is on sys.path)
import httpx
import psutil
from common import (
    JWT_SECRET,
    REPORTS,
    ROOT,
    Figure,
    Infra,
    Results,
    distribution,
    machine_lines,
    make_nip,
    postgres_facts,
    results_markdown,
    start_infra,
    wait_healthy,
)
from common import fmt as _fmt

from kinerja_kernel.auth import mint_token
from kinerja_kernel.db import KERNEL_MIGRATIONS, Database, migrate
from kinerja_kernel.envelope import Actor, PendingEvent
from kinerja_kernel.eventstore import PostgresEventStore
from kinerja_kernel.infra.postgres import free_port
from kinerja_kernel.kafka import TopicSpec, ensure_topics, idempotent_producer
from kinerja_kernel.logging import configure_logging
from kinerja_kernel.outbox import OutboxRelay, PublishedBatch
from kinerja_kernel.settings import ServiceSettings

OFFICE = "bench-office"
EVALUATOR_NIP = "198001012005011001"
EVENT_TYPE = "bench.Appended"


# ------------------------------------------------------------------------------------------------
# configuration
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Plan:
    """How long / how much each measurement runs."""

    append_seconds: float
    es_append_seconds: float
    batch_seconds: float
    relay_events: int
    breakdown_events: int
    latency_seconds: float
    latency_rate: int
    http_plans: int
    http_concurrency: int
    append_rounds: int


FULL = Plan(append_seconds=6, es_append_seconds=4.5, batch_seconds=4.5, relay_events=100_000,
            breakdown_events=30_000, latency_seconds=20, latency_rate=1000, http_plans=2000, http_concurrency=20,
            append_rounds=3)
QUICK = Plan(append_seconds=1.5, es_append_seconds=1.2, batch_seconds=1.2, relay_events=20_000,
             breakdown_events=10_000, latency_seconds=10, latency_rate=1000, http_plans=300, http_concurrency=20,
             append_rounds=1)

TARGET_APPENDS = 3_000.0
TARGET_BATCHED = 30_000.0
TARGET_RELAY = 20_000.0
TARGET_P99_MS = 50.0
LATENCY_WRITERS = 4
CONCURRENT_WRITERS = 8


# ------------------------------------------------------------------------------------------------
# CPU accounting: where the wall-clock time of a measurement went (this process, PostgreSQL, Kafka)
# ------------------------------------------------------------------------------------------------
@dataclass
class CpuMeter:
    postgres_pid: int | None = None
    kafka_pid: int | None = None

    def snapshot(self) -> dict[str, float | None]:
        return {"wall": time.perf_counter(), "client": time.process_time(), "postgres": common.tree_cpu(self.postgres_pid),
                "kafka": common.tree_cpu(self.kafka_pid)}

    @staticmethod
    def per_event_us(before: dict[str, float | None], after: dict[str, float | None], events: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in ("wall", "client", "postgres", "kafka"):
            a, b = before.get(key), after.get(key)
            out[f"{key}_us_per_event"] = None if a is None or b is None or events == 0 else (b - a) / events * 1e6
        return out


# ------------------------------------------------------------------------------------------------
# test data
# ------------------------------------------------------------------------------------------------
SUBJECTS = [make_nip(i) for i in range(1000)]
ACTOR = Actor(id=EVALUATOR_NIP, role="pegawai")


def bench_payload(i: int) -> dict[str, Any]:
    """A planning-sized payload (~250 bytes of JSON)."""
    return {"plan_id": str(uuid.uuid4()), "employee_id": SUBJECTS[i % len(SUBJECTS)], "office_id": OFFICE,
            "period_year": 2025, "evaluator_id": EVALUATOR_NIP, "approach": "kuantitatif", "seq": i,
            "note": "Rencana kinerja tahunan pegawai"}


def pending_event(i: int) -> PendingEvent:
    return PendingEvent(event_type=EVENT_TYPE, event_version=1, subject=SUBJECTS[i % len(SUBJECTS)], office_id=OFFICE,
                        actor=ACTOR, correlation_id=f"bench-{i}", payload=bench_payload(i))


# ------------------------------------------------------------------------------------------------
# infrastructure
# ------------------------------------------------------------------------------------------------
POSTGRES_SETTINGS = ("synchronous_commit", "fsync", "wal_sync_method", "full_page_writes", "commit_delay",
                     "commit_siblings", "wal_writer_delay", "wal_level", "shared_buffers", "max_wal_size",
                     "checkpoint_timeout", "io_method", "max_connections")


def machine_info() -> dict[str, Any]:
    info = common.machine_info(("asyncpg", "aiokafka", "pydantic", "fastapi", "uvicorn", "uvloop", "eventsourcing",
                                "psycopg"))
    info["psycopg_impl"] = "n/a"
    with contextlib.suppress(Exception):
        import psycopg

        info["psycopg_impl"] = psycopg.pq.__impl__
    return info




async def wal_counters(conn: asyncpg.Connection) -> dict[str, float]:
    out: dict[str, float] = {}
    with contextlib.suppress(asyncpg.PostgresError):
        row = await conn.fetchrow("SELECT wal_records, wal_bytes FROM pg_stat_wal")
        if row:
            out["wal_records"] = float(row["wal_records"])
            out["wal_bytes"] = float(row["wal_bytes"])
    with contextlib.suppress(asyncpg.PostgresError):
        value = await conn.fetchval("SELECT sum(fsyncs) FROM pg_stat_io WHERE object = 'wal'")
        if value is not None:
            out["wal_fsyncs"] = float(value)
    return out


def wal_delta(before: dict[str, float], after: dict[str, float], events: int, commits: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "wal_bytes" in before and "wal_bytes" in after and events:
        out["wal_bytes_per_event"] = (after["wal_bytes"] - before["wal_bytes"]) / events
    if "wal_fsyncs" in before and "wal_fsyncs" in after and commits:
        out["wal_fsyncs_per_commit"] = (after["wal_fsyncs"] - before["wal_fsyncs"]) / commits
    return out


# ------------------------------------------------------------------------------------------------
# 0. baselines: what one connection can do at all on this server (the floor under every figure)
# ------------------------------------------------------------------------------------------------
async def measure_baselines(infra: Infra, res: Results, seconds: float) -> None:
    url = await infra.database("baseline")
    conn = await asyncpg.connect(url)
    out: dict[str, Any] = {}
    kafka0, wall0 = common.tree_cpu(infra.kafka_pid), time.perf_counter()
    try:
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            await conn.fetchval("SELECT 1")
            n += 1
        out["select1_round_trips_per_s"] = n / (time.perf_counter() - t0)
        await conn.execute("CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text)")
        stmt = await conn.prepare("INSERT INTO t (v) VALUES ($1)")
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            await stmt.fetch("x")
            n += 1
        out["tiny_insert_commits_per_s"] = n / (time.perf_counter() - t0)
        await conn.execute("SET synchronous_commit = off")
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            await stmt.fetch("x")
            n += 1
        out["tiny_insert_commits_per_s_async_commit"] = n / (time.perf_counter() - t0)
    finally:
        await conn.close()
    if infra.pg_data_dir is not None:
        path = infra.pg_data_dir / "bench-fdatasync.tmp"
        block = os.urandom(8192)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            n, t0 = 0, time.perf_counter()
            while time.perf_counter() - t0 < seconds:
                os.pwrite(fd, block, 0)
                os.fdatasync(fd)
                n += 1
            out["disk_fdatasync_8k_per_s"] = n / (time.perf_counter() - t0)
        finally:
            os.close(fd)
            path.unlink(missing_ok=True)
    kafka1 = common.tree_cpu(infra.kafka_pid)
    if kafka0 is not None and kafka1 is not None:
        out["kafka_idle_cpu_percent_of_one_core"] = (kafka1 - kafka0) / (time.perf_counter() - wall0) * 100
    res.details["baselines"] = out
    res.add(Figure("0a", "Baseline: SELECT 1 round trips/s (one asyncpg connection)", out["select1_round_trips_per_s"],
                   "/s"))
    res.add(Figure("0b", "Baseline: one-row INSERT commits/s (durable commit)", out["tiny_insert_commits_per_s"], "/s"))
    res.add(Figure("0c", "Baseline: one-row INSERT commits/s (synchronous_commit=off)",
                   out["tiny_insert_commits_per_s_async_commit"], "/s", note="diagnostic only, not used elsewhere"))
    if "disk_fdatasync_8k_per_s" in out:
        res.add(Figure("0d", "Baseline: disk 8 kB write+fdatasync/s (PG data dir)", out["disk_fdatasync_8k_per_s"], "/s"))


# ------------------------------------------------------------------------------------------------
# 1/2. Kinerja event store appends
# ------------------------------------------------------------------------------------------------
async def kinerja_appends(
    store: PostgresEventStore, meter: CpuMeter, wal_conn: asyncpg.Connection, *, seconds: float, per_append: int,
    same_stream: bool, label: str,
) -> dict[str, Any]:
    """Append for ``seconds``; ``per_append`` events per transaction; a new stream each time or one stream."""
    stream = f"bench-same-{uuid.uuid4()}"
    version = 0
    for w in range(50 if per_append == 1 else 3):  # warm-up (statement cache, pool)
        await store.append(f"bench-warm-{uuid.uuid4()}", 0, [pending_event(w + j) for j in range(per_append)])
    i = 0
    commits = 0
    durations: list[float] = []
    wal0 = await wal_counters(wal_conn)
    cpu0 = meter.snapshot()
    t_end = time.perf_counter() + seconds
    while True:
        started = time.perf_counter()
        if started >= t_end:
            break
        events = [pending_event(i + j) for j in range(per_append)]
        if same_stream:
            await store.append(stream, version, events)
            version += per_append
        else:
            await store.append(f"bench-{uuid.uuid4()}", 0, events)
        durations.append(time.perf_counter() - started)
        i += per_append
        commits += 1
    cpu1 = meter.snapshot()
    wal1 = await wal_counters(wal_conn)
    elapsed = float(cpu1["wall"] - cpu0["wall"])  # type: ignore[operator]
    return {"label": label, "events": i, "commits": commits, "seconds": elapsed, "events_per_s": i / elapsed,
            "_durations_ms": [d * 1000 for d in durations], **CpuMeter.per_event_us(cpu0, cpu1, i),
            **wal_delta(wal0, wal1, i, commits)}


async def kinerja_concurrent_appends(url: str, meter: CpuMeter, *, writers: int, seconds: float) -> dict[str, Any]:
    """``writers`` tasks, each on its own pooled connection, one event per transaction (group commit)."""
    db = await Database.connect(url, min_size=writers, max_size=writers)
    try:
        store = PostgresEventStore(db, source="/kinerja/bench")
        counts = [0] * writers
        t_end = 0.0

        async def writer(w: int) -> None:
            i = w * 10_000_000
            while time.perf_counter() < t_end:
                await store.append(f"bench-{uuid.uuid4()}", 0, [pending_event(i)])
                i += 1
                counts[w] += 1

        t_end = time.perf_counter() + 0.3
        await asyncio.gather(*(writer(w) for w in range(writers)))  # warm-up
        counts = [0] * writers
        cpu0 = meter.snapshot()
        t_end = time.perf_counter() + seconds
        await asyncio.gather(*(writer(w) for w in range(writers)))
        cpu1 = meter.snapshot()
        n = sum(counts)
        elapsed = float(cpu1["wall"] - cpu0["wall"])  # type: ignore[operator]
        return {"label": f"kinerja {writers} writers", "writers": writers, "events": n, "commits": n,
                "seconds": elapsed, "events_per_s": n / elapsed, **CpuMeter.per_event_us(cpu0, cpu1, n)}
    finally:
        await db.close()


# ------------------------------------------------------------------------------------------------
# 1/2. the PyPI ``eventsourcing`` library, same server, its own database (synchronous: run in a thread)
# ------------------------------------------------------------------------------------------------
try:  # the ``bench`` dependency group (``uv sync --all-groups``)
    from eventsourcing.application import Application as _EsApplication
    from eventsourcing.domain import Aggregate as _EsAggregate
    from eventsourcing.domain import event as _es_event

    class BenchAggregate(_EsAggregate):
        """The same data as a Kinerja bench event: subject, office, actor and the payload."""

        @_es_event("Registered")
        def __init__(self, subject: str, office_id: str, actor_id: str, payload: dict[str, Any]) -> None:
            self.subject = subject

        @_es_event("Appended")
        def record(self, subject: str, office_id: str, actor_id: str, payload: dict[str, Any]) -> None:
            pass

    class BenchApplication(_EsApplication[uuid.UUID]):
        pass

    ES_IMPORT_ERROR: str | None = None
except ImportError as _exc:  # pragma: no cover
    ES_IMPORT_ERROR = repr(_exc)


def es_environment(db_url: str) -> dict[str, str]:
    u = urllib.parse.urlsplit(db_url)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": u.path.lstrip("/"),
        "POSTGRES_HOST": u.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(u.port or 5432),
        "POSTGRES_USER": urllib.parse.unquote(u.username or "postgres"),
        "POSTGRES_PASSWORD": urllib.parse.unquote(u.password or ""),
        "POSTGRES_POOL_SIZE": "1",  # one connection, as for Kinerja
        "POSTGRES_MAX_OVERFLOW": "0",
    }


def es_run(app: Any, aggregate_cls: Any, meter: CpuMeter, *, seconds: float, per_save: int, same_stream: bool,
           mode: str, label: str) -> dict[str, Any]:
    """``mode='application'``: ``Application.save`` (aggregate, mapper/transcoder, recorder).
    ``mode='recorder'``: ``PostgresApplicationRecorder.insert_events`` with pre-serialised ``StoredEvent``s."""
    from eventsourcing.persistence import StoredEvent as EsStoredEvent

    recorder = app.recorder
    state = json.dumps(bench_payload(0)).encode()

    def one_app(i: int, agg: Any) -> Any:
        if agg is None:
            agg = aggregate_cls(SUBJECTS[i % 1000], OFFICE, EVALUATOR_NIP, bench_payload(i))
            for j in range(1, per_save):
                agg.record(SUBJECTS[(i + j) % 1000], OFFICE, EVALUATOR_NIP, bench_payload(i + j))
        else:
            for j in range(per_save):
                agg.record(SUBJECTS[(i + j) % 1000], OFFICE, EVALUATOR_NIP, bench_payload(i + j))
        app.save(agg)
        return agg

    same_agg: Any = None
    same_id = uuid.uuid4()
    version = 0

    def one_recorder(i: int) -> None:
        nonlocal version
        oid = same_id if same_stream else uuid.uuid4()
        start = version if same_stream else 0
        recorder.insert_events([EsStoredEvent(originator_id=oid, originator_version=start + j + 1,
                                            topic="bench:Appended", state=state) for j in range(per_save)])
        if same_stream:
            version += per_save

    for w in range(30 if per_save == 1 else 3):
        if mode == "application":
            one_app(w, None)
        else:
            recorder.insert_events([EsStoredEvent(originator_id=uuid.uuid4(), originator_version=j + 1,
                                                topic="bench:Appended", state=state) for j in range(per_save)])
    i = 0
    commits = 0
    durations: list[float] = []
    cpu0 = meter.snapshot()
    t_end = time.perf_counter() + seconds
    while True:
        started = time.perf_counter()
        if started >= t_end:
            break
        if mode == "application":
            agg = one_app(i, same_agg if same_stream else None)
            if same_stream:
                same_agg = agg
        else:
            one_recorder(i)
        durations.append(time.perf_counter() - started)
        i += per_save
        commits += 1
    cpu1 = meter.snapshot()
    elapsed = float(cpu1["wall"] - cpu0["wall"])  # type: ignore[operator]
    return {"label": label, "events": i, "commits": commits, "seconds": elapsed, "events_per_s": i / elapsed,
            "_durations_ms": [d * 1000 for d in durations], **CpuMeter.per_event_us(cpu0, cpu1, i)}


def es_session_settings(app: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    with app.recorder.datastore.get_connection() as conn:
        for name in ("synchronous_commit", "fsync", "wal_sync_method"):
            row = conn.execute(f"SHOW {name}").fetchone()
            out[name] = str(next(iter(row.values())) if isinstance(row, dict) else row[0])
    return out


def merge_rounds(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """One result from several rounds of the same variant: totals, event-weighted per-event figures."""
    events = sum(r["events"] for r in rounds)
    commits = sum(r["commits"] for r in rounds)
    seconds = sum(r["seconds"] for r in rounds)
    out: dict[str, Any] = {"label": rounds[0]["label"], "events": events, "commits": commits, "seconds": seconds,
                           "events_per_s": events / seconds,
                           "events_per_s_by_round": [round(r["events_per_s"], 1) for r in rounds]}
    for key in rounds[0]:
        if key.endswith(("_per_event", "_per_commit")):
            weight = "commits" if key.endswith("_per_commit") else "events"
            pairs = [(r.get(key), r[weight]) for r in rounds if r.get(key) is not None]
            out[key] = sum(v * w for v, w in pairs) / sum(w for _, w in pairs) if pairs else None
    out["append_ms"] = distribution([d for r in rounds for d in r.get("_durations_ms", [])])
    return out


async def measure_appends(infra: Infra, res: Results, plan: Plan, meter: CpuMeter) -> None:
    """Kinerja and eventsourcing variants, interleaved in rounds so that drift of a shared VM hits both alike."""
    url = await infra.database("appends")
    db = await Database.connect(url, min_size=1, max_size=1)  # ONE connection
    runs: dict[str, Any] = {}
    res.details["appends"] = runs
    es_app: Any = None
    try:
        async with db.connection() as conn:
            await migrate(conn, KERNEL_MIGRATIONS)
            runs["kinerja_session"] = {
                n: await conn.fetchval(f"SHOW {n}") for n in ("synchronous_commit", "fsync", "wal_sync_method")
            }
        store = PostgresEventStore(db, source="/kinerja/bench")
        wal_conn = await asyncpg.connect(url)
        if ES_IMPORT_ERROR is None:
            es_url = await infra.database("es")
            es_app = await asyncio.to_thread(BenchApplication, env=es_environment(es_url))
            runs["eventsourcing_session"] = await asyncio.to_thread(es_session_settings, es_app)
            runs["eventsourcing_settings"] = {
                "recorder": type(es_app.recorder).__name__, "pool_size": 1, "enable_db_functions": False,
                "note": "insert = LOCK TABLE ... IN EXCLUSIVE MODE + NOTIFY + INSERT, in one pipelined transaction",
            }
        else:
            res.errors.append(f"eventsourcing not installed ({ES_IMPORT_ERROR}); run `uv sync --all-groups` "
                              "or `uv run --group bench ...`")
        rounds = plan.append_rounds
        one = plan.append_seconds / rounds
        es_one = plan.es_append_seconds / rounds
        batch_one = plan.batch_seconds / rounds

        def kin(seconds: float, size: int, same: bool, label: str) -> Callable[[], Awaitable[dict[str, Any]]]:
            return lambda: kinerja_appends(store, meter, wal_conn, seconds=seconds, per_append=size,
                                           same_stream=same, label=label)

        def es(seconds: float, size: int, same: bool, mode: str, label: str) -> Callable[[], Awaitable[dict[str, Any]]]:
            return lambda: asyncio.to_thread(es_run, es_app, BenchAggregate, meter, seconds=seconds, per_save=size,
                                             same_stream=same, mode=mode, label=label)

        single: list[tuple[str, Callable[[], Awaitable[dict[str, Any]]]]] = [
            ("kinerja_new_stream", kin(one, 1, False, "kinerja new stream")),
            ("es app new aggregate", es(es_one, 1, False, "application", "es app new aggregate")),
            ("kinerja_same_stream", kin(one, 1, True, "kinerja same stream")),
            ("es app same aggregate", es(es_one, 1, True, "application", "es app same aggregate")),
            ("es recorder new stream", es(es_one, 1, False, "recorder", "es recorder new stream")),
            ("es recorder same stream", es(es_one, 1, True, "recorder", "es recorder same stream")),
        ]
        batched: list[tuple[str, Callable[[], Awaitable[dict[str, Any]]]]] = [
            ("kinerja_batch_100", kin(batch_one, 100, False, "kinerja batch 100")),
            ("es app batch 100", es(batch_one, 100, False, "application", "es app batch 100")),
            ("kinerja_batch_1000", kin(batch_one, 1000, False, "kinerja batch 1000")),
            ("es app batch 1000", es(batch_one, 1000, False, "application", "es app batch 1000")),
        ]
        try:
            for variants in (single, batched):
                collected: dict[str, list[dict[str, Any]]] = {}
                for _ in range(rounds):
                    for name, run in variants:
                        if name.startswith("es ") and es_app is None:
                            continue
                        collected.setdefault(name, []).append(await run())
                for name, results in collected.items():
                    runs[name] = merge_rounds(results)
                if variants is single:
                    _report_single(res, runs)
                    r = await kinerja_concurrent_appends(url, meter, writers=CONCURRENT_WRITERS,
                                                         seconds=min(plan.append_seconds, 3))
                    runs[f"kinerja_{CONCURRENT_WRITERS}_writers"] = r
                    res.add(Figure("1g", f"Kinerja append, 1 event/txn, {CONCURRENT_WRITERS} connections at once",
                                   r["events_per_s"], "events/s",
                                   note="diagnostic: group commit; the target is for ONE connection"))
                else:
                    _report_batched(res, runs)
        finally:
            await wal_conn.close()
    finally:
        if es_app is not None:
            await asyncio.to_thread(es_app.close)
        await db.close()


def _vs(runs: dict[str, Any], kinerja: str, other: str) -> str:
    if kinerja in runs and other in runs:
        return f"Kinerja ({kinerja}) is {runs[kinerja]['events_per_s'] / runs[other]['events_per_s']:.2f}x this"
    return ""


def _report_single(res: Results, runs: dict[str, Any]) -> None:
    def rounds_note(name: str) -> str:
        by_round = runs[name]["events_per_s_by_round"]
        return f"rounds: {', '.join(f'{v:,.0f}' for v in by_round)}" if len(by_round) > 1 else ""

    res.add(Figure("1a", "Kinerja append, 1 event/txn, new stream each time",
                   runs["kinerja_new_stream"]["events_per_s"], "events/s", TARGET_APPENDS,
                   note=rounds_note("kinerja_new_stream")))
    res.add(Figure("1b", "Kinerja append, 1 event/txn, same stream repeatedly",
                   runs["kinerja_same_stream"]["events_per_s"], "events/s", TARGET_APPENDS,
                   note=rounds_note("kinerja_same_stream")))
    for key, name, label, ref in (
        ("1c", "eventsourcing Application.save, new aggregate each time", "es app new aggregate", "1a"),
        ("1d", "eventsourcing Application.save, same aggregate repeatedly", "es app same aggregate", "1b"),
        ("1e", "eventsourcing recorder.insert_events, new stream (no mapper)", "es recorder new stream", "1a"),
        ("1f", "eventsourcing recorder.insert_events, same stream (no mapper)", "es recorder same stream", "1b"),
    ):
        if label in runs:
            kin = "kinerja_new_stream" if ref == "1a" else "kinerja_same_stream"
            res.add(Figure(key, name, runs[label]["events_per_s"], "events/s", note=_vs(runs, kin, label)))


def _report_batched(res: Results, runs: dict[str, Any]) -> None:
    for key, size in (("2a", 100), ("2b", 1000)):
        res.add(Figure(key, f"Kinerja append, {size:,} events/txn (new stream)",
                       runs[f"kinerja_batch_{size}"]["events_per_s"], "events/s", TARGET_BATCHED))
    for key, size in (("2c", 100), ("2d", 1000)):
        label = f"es app batch {size}"
        if label in runs:
            res.add(Figure(key, f"eventsourcing Application.save, {size:,} events/txn", runs[label]["events_per_s"],
                           "events/s", note=_vs(runs, f"kinerja_batch_{size}", label)))


# ------------------------------------------------------------------------------------------------
# 3. relay throughput and its breakdown
# ------------------------------------------------------------------------------------------------
async def preload(url: str, events: int, meter: CpuMeter) -> dict[str, Any]:
    db = await Database.connect(url, min_size=1, max_size=1)
    try:
        async with db.connection() as conn:
            await migrate(conn, KERNEL_MIGRATIONS)
        store = PostgresEventStore(db, source="/kinerja/bench")
        cpu0 = meter.snapshot()
        done = 0
        while done < events:
            n = min(1000, events - done)
            await store.append(f"bench-preload-{uuid.uuid4()}", 0, [pending_event(done + j) for j in range(n)])
            done += n
        cpu1 = meter.snapshot()
        elapsed = float(cpu1["wall"] - cpu0["wall"])  # type: ignore[operator]
        return {"events": done, "seconds": elapsed, "events_per_s": done / elapsed}
    finally:
        await db.close()


async def run_relay_until(
    relay: OutboxRelay, total: int, timeout: float, meter: CpuMeter | None = None
) -> tuple[list[tuple[float, int]], float, dict[str, Any]]:
    """Run ``relay`` until ``total`` events are acknowledged; the CPU used meanwhile (before its backend exits)."""
    acks: list[tuple[float, int]] = []
    cpu: dict[str, Any] = {}
    done = asyncio.Event()
    count = 0

    def listener(batch: PublishedBatch) -> None:
        nonlocal count
        acks.append((batch.acknowledged_at, len(batch.event_ids)))
        count += len(batch.event_ids)
        if count >= total:
            done.set()

    relay.add_listener(listener)
    stop = asyncio.Event()
    before = meter.snapshot() if meter else None
    started = time.perf_counter()
    task = asyncio.create_task(relay.run(stop))
    try:
        await asyncio.wait_for(done.wait(), timeout)
        if meter and before:
            cpu = CpuMeter.per_event_us(before, meter.snapshot(), count)
    finally:
        stop.set()
        relay.wake()
        with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(task, 15)
    return acks, started, cpu


async def measure_relay(infra: Infra, res: Results, plan: Plan, meter: CpuMeter) -> None:
    """3a with the services' batch size (``relay_batch_size``); 3b, a diagnostic, with batches 5× larger."""
    default = ServiceSettings.model_fields["relay_batch_size"].default
    await relay_run(infra, res, plan, meter, batch_size=default, figure="3a", key="relay_throughput")
    await relay_run(infra, res, plan, meter, batch_size=default * 5, figure="3b", key="relay_throughput_larger_batches")


async def relay_run(infra: Infra, res: Results, plan: Plan, meter: CpuMeter, *, batch_size: int, figure: str,
                    key: str) -> None:
    url = await infra.database(key)
    n = plan.relay_events
    pre = await preload(url, n, meter)
    res.details[f"{key}_preload"] = pre
    topic = infra.topic(key.replace("_", "-"))
    await ensure_topics(infra.bootstrap, [TopicSpec(topic, 6)])
    producer = idempotent_producer(infra.bootstrap, client_id="bench-relay")
    await producer.start()
    try:
        await producer.partitions_for(topic)
        relay = OutboxRelay(dsn=url, producer=producer, topic=topic, name="bench-throughput", batch_size=batch_size)
        acks, started, cpu = await run_relay_until(relay, n, timeout=240, meter=meter)
    finally:
        await producer.stop()
    published = sum(c for _, c in acks)
    last = acks[-1][0]
    overall = published / (last - started)
    sustained = (published - acks[0][1]) / (last - acks[0][0]) if len(acks) > 1 else overall
    batch_ms = [(b - a) * 1000 for (a, _), (b, _) in itertools.pairwise(acks)]
    res.details[key] = {
        "events": published, "topic_partitions": 6, "batch_size": relay.batch_size, "batches": len(acks),
        "seconds_start_to_last_ack": last - started, "events_per_s_overall": overall,
        "events_per_s_sustained": sustained, "ms_between_batch_acks": distribution(batch_ms), **cpu,
    }
    res.add(Figure(figure, f"Relay throughput, {published:,} pre-loaded events, batches of {batch_size:,}, sustained",
                   sustained, "events/s", TARGET_RELAY if figure == "3a" else None,
                   note=f"overall incl. start-up {overall:,.0f}/s" + ("" if figure == "3a" else "; diagnostic")))


# ------------------------------------------------------------------------------------------------
# 4. relay latency at a steady rate
# ------------------------------------------------------------------------------------------------
class LoopMonitor:
    """Event-loop stalls (a 1 ms sleep that wakes late) and garbage-collector pauses of this process:
    while the loop is stalled, acknowledged batches wait too, so these explain latency tails."""

    def __init__(self) -> None:
        self.lags_ms: list[float] = []
        self.gc_ms: list[float] = []
        self._gc_started = 0.0
        self._task: asyncio.Task[None] | None = None
        self._running = False

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        elif self._gc_started:
            self.gc_ms.append((time.perf_counter() - self._gc_started) * 1000)

    async def _watch(self) -> None:
        while self._running:
            t = time.perf_counter()
            await asyncio.sleep(0.001)
            self.lags_ms.append(max(0.0, (time.perf_counter() - t - 0.001) * 1000))

    def start(self) -> None:
        gc.callbacks.append(self._on_gc)
        self._running = True
        self._task = asyncio.create_task(self._watch())

    async def stop(self) -> None:
        self._running = False
        if self._task:
            await self._task
        with contextlib.suppress(ValueError):
            gc.callbacks.remove(self._on_gc)


async def measure_latency(infra: Infra, res: Results, plan: Plan, meter: CpuMeter) -> None:
    url = await infra.database("latency")
    db = await Database.connect(url, min_size=LATENCY_WRITERS, max_size=LATENCY_WRITERS)
    async with db.connection() as conn:
        await migrate(conn, KERNEL_MIGRATIONS)
    store = PostgresEventStore(db, source="/kinerja/bench")
    topic = infra.topic("relay-latency")
    await ensure_topics(infra.bootstrap, [TopicSpec(topic, 6)])
    producer = idempotent_producer(infra.bootstrap, client_id="bench-latency")
    await producer.start()
    commit_at: dict[uuid.UUID, float] = {}
    recorded_at: dict[uuid.UUID, datetime] = {}
    ack_at: dict[uuid.UUID, float] = {}
    ack_wall: dict[uuid.UUID, datetime] = {}
    batch_sizes: list[int] = []

    def listener(batch: PublishedBatch) -> None:
        now = batch.acknowledged_at
        wall = datetime.now(UTC)
        batch_sizes.append(len(batch.event_ids))
        for event_id in batch.event_ids:
            ack_at[uuid.UUID(event_id)] = now
            ack_wall[uuid.UUID(event_id)] = wall

    relay = OutboxRelay(dsn=url, producer=producer, topic=topic, name="bench-latency")
    relay.add_listener(listener)
    db.on_commit(relay.wake)  # as ServiceRuntime wires it
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    try:
        await producer.partitions_for(topic)
        # warm-up: a few events through the whole path, then forget them
        for i in range(50):
            await store.append(f"bench-warm-{uuid.uuid4()}", 0, [pending_event(i)])
            await asyncio.sleep(0.002)
        deadline = time.perf_counter() + 15
        while len(ack_at) < 50 and time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
        ack_at.clear()
        ack_wall.clear()
        batch_sizes.clear()

        rate, total = plan.latency_rate, int(plan.latency_rate * plan.latency_seconds)
        # open loop: an append is started at each due time whatever the previous ones are doing (at most
        # WRITERS at once, each on its own pooled connection), so a slow commit does not lower the rate
        lag: list[float] = []
        slots = asyncio.Semaphore(LATENCY_WRITERS)
        in_flight: set[asyncio.Task[None]] = set()

        async def write(i: int) -> None:
            async with slots:
                sealed = await store.append(f"bench-{uuid.uuid4()}", 0, [pending_event(i)])
                commit_at[sealed[0].event_id] = time.perf_counter()
                recorded_at[sealed[0].event_id] = sealed[0].recorded_at

        monitor = LoopMonitor()
        monitor.start()
        cpu0 = meter.snapshot()
        t0 = time.perf_counter()
        for i in range(total):
            due = t0 + i / rate
            now = time.perf_counter()
            if due > now:
                await asyncio.sleep(due - now)
            elif now - due > 0.001:
                lag.append(now - due)
            task_i = asyncio.create_task(write(i))
            in_flight.add(task_i)
            task_i.add_done_callback(in_flight.discard)
        started_all = time.perf_counter() - t0
        await asyncio.gather(*in_flight)
        written = time.perf_counter() - t0
        deadline = time.perf_counter() + 30
        while len(ack_at) < total and time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
        cpu1 = meter.snapshot()
        await monitor.stop()
    finally:
        stop.set()
        relay.wake()
        with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(task, 15)
        await producer.stop()
        await db.close()
    latencies = [(ack_at[e] - c) * 1000 for e, c in commit_at.items() if e in ack_at]
    from_recorded = [(ack_wall[e] - r).total_seconds() * 1000 for e, r in recorded_at.items() if e in ack_wall]
    d = distribution(latencies)
    missing = total - len(latencies)
    res.details["relay_latency"] = {
        "target_rate": rate, "events": total, "acknowledged": len(latencies), "missing": missing,
        "writer_connections": LATENCY_WRITERS, "write_seconds": written, "achieved_rate": total / written,
        "appends_started_in_seconds": started_all,
        "appends_started_over_1ms_late": distribution([x * 1000 for x in lag]) if lag else {"count": 0},
        "commit_to_ack_ms": d, "recorded_at_to_ack_ms": distribution(from_recorded),
        "batches": len(batch_sizes), "batch_size": distribution([float(b) for b in batch_sizes]),
        "event_loop_lag_ms": distribution(monitor.lags_ms), "gc_pauses_ms": distribution(monitor.gc_ms),
        "gc_total_ms": sum(monitor.gc_ms),
        **CpuMeter.per_event_us(cpu0, cpu1, total),
    }
    note = f"{total:,} events over {written:.1f} s = {total / written:,.0f}/s achieved"
    if missing:
        note += f"; {missing} never acknowledged"
        res.errors.append(f"relay latency: {missing} events not acknowledged within 30 s")
    res.add(Figure("4a", f"Relay latency commit->ack p50 @ {rate:,}/s", d.get("p50"), "ms", note=note))
    res.add(Figure("4b", f"Relay latency commit->ack p95 @ {rate:,}/s", d.get("p95"), "ms"))
    res.add(Figure("4c", f"Relay latency commit->ack p99 @ {rate:,}/s", d.get("p99") if not missing else None, "ms",
                   TARGET_P99_MS, higher_is_better=False))
    res.add(Figure("4d", f"Relay latency commit->ack max @ {rate:,}/s", d.get("max"), "ms"))
    stall = res.details["relay_latency"]["event_loop_lag_ms"]
    res.add(Figure("4e", "  this process's event-loop stall (1 ms timer lateness) p99", stall.get("p99"), "ms",
                   note=f"max {stall.get('max', 0):.1f} ms; GC pauses total "
                        f"{res.details['relay_latency']['gc_total_ms']:.0f} ms, max "
                        f"{res.details['relay_latency']['gc_pauses_ms'].get('max', 0):.1f} ms"))


# ------------------------------------------------------------------------------------------------
# 5. a real planning service process: memory at rest and under HTTP load
# ------------------------------------------------------------------------------------------------
def service_command() -> list[str]:
    script = Path(sys.executable).parent / "kinerja-planning"
    if script.exists():
        return [str(script)]
    found = shutil.which("kinerja-planning")
    if found:
        return [found]
    return [sys.executable, "-c", "from kinerja_planning.entrypoints.main import main; main()"]


def rss_mib(proc: psutil.Process) -> float:
    return float(proc.memory_info().rss) / 2**20




async def measure_service(infra: Infra, res: Results, plan: Plan, stack: contextlib.AsyncExitStack,
                          log_dir: Path) -> None:
    url = await infra.database("planning")
    port = free_port()
    env = {**os.environ,
           "KINERJA_PLANNING_DATABASE_URL": url,
           "KINERJA_PLANNING_KAFKA_BOOTSTRAP_SERVERS": infra.bootstrap,
           "KINERJA_PLANNING_HTTP_PORT": str(port),
           "KINERJA_PLANNING_JWT_SECRET": JWT_SECRET}
    log_path = log_dir / "planning.log"
    log_file = stack.enter_context(log_path.open("wb"))
    started = time.perf_counter()
    proc = subprocess.Popen(service_command(), env=env, stdout=log_file, stderr=subprocess.STDOUT, cwd=ROOT,
                            start_new_session=True)
    stack.callback(stop_process, proc)
    ps = psutil.Process(proc.pid)
    base = f"http://127.0.0.1:{port}"
    limits = httpx.Limits(max_connections=plan.http_concurrency, max_keepalive_connections=plan.http_concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        await wait_healthy(client, proc, name="planning", timeout=90)
        startup = time.perf_counter() - started
        await asyncio.sleep(2.0)
        rest = [rss_mib(ps)]
        for _ in range(4):
            await asyncio.sleep(0.25)
            rest.append(rss_mib(ps))
        rss_rest = sorted(rest)[len(rest) // 2]

        flows = plan.http_plans
        nips = [make_nip(100_000 + i) for i in range(flows)]
        tokens = [mint_token(secret=JWT_SECRET, user_id=nip, roles=["pegawai"], offices=[OFFICE]) for nip in nips]
        hr = mint_token(secret=JWT_SECRET, user_id=EVALUATOR_NIP, roles=["pengelola_kepegawaian"], offices=[OFFICE])
        for nip in nips:  # the roster (not timed): unit heads, so no supervisor plan is needed to submit
            (await client.put(f"/api/v1/offices/{OFFICE}/employees/{nip}", headers={"Authorization": f"Bearer {hr}"},
                              json={"name": "Pegawai", "unit_id": "U1", "position": "Kepala Seksi",
                                    "position_type": "kepala_unit", "employment": "pns",
                                    "evaluator_id": EVALUATOR_NIP, "superior_id": None})).raise_for_status()
        rhk = {"rhk": {"title": "Terselenggaranya layanan", "kind": "utama",
                       "source": {"kind": "perjanjian_kinerja", "reference": "PK"},
                       "ikis": [{"description": "Jumlah layanan",
                                 "targets": [{"aspect": "kuantitas", "value": "100", "unit": "layanan"}]}]}}
        latencies: list[float] = []
        statuses: dict[str, int] = {}
        samples: list[tuple[float, float]] = []
        sampling = True

        async def sampler() -> None:
            while sampling:
                samples.append((time.perf_counter(), rss_mib(ps)))
                await asyncio.sleep(0.1)

        async def request(method: str, path: str, token: str, body: dict[str, Any]) -> httpx.Response | None:
            t = time.perf_counter()
            try:
                r = await client.request(method, path, json=body, headers={"Authorization": f"Bearer {token}"})
            except httpx.HTTPError as exc:
                statuses[type(exc).__name__] = statuses.get(type(exc).__name__, 0) + 1
                return None
            latencies.append((time.perf_counter() - t) * 1000)
            statuses[str(r.status_code)] = statuses.get(str(r.status_code), 0) + 1
            return r

        next_index = 0

        async def worker() -> None:
            nonlocal next_index
            while next_index < flows:
                i = next_index
                next_index += 1
                r = await request("POST", "/api/v1/plans", tokens[i], {"period_year": 2025})
                if r is None or r.status_code != 201:
                    continue
                ref = r.json()
                added = await request("POST", f"/api/v1/plans/{ref['plan_id']}/rhks", tokens[i], rhk)
                if added is None or added.status_code != 201:
                    continue
                await request("POST", f"/api/v1/plans/{ref['plan_id']}/submit", tokens[i],
                              {"expected_version": added.json()["version"]})

        sampler_task = asyncio.create_task(sampler())
        cpu_proc0 = ps.cpu_times()
        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(plan.http_concurrency)))
        load_seconds = time.perf_counter() - t0
        cpu_proc1 = ps.cpu_times()
        sampling = False
        await sampler_task
        # let the relay publish what the load wrote, then look at memory again
        expected = 4 * flows  # roster entry, drafted, RHK added, submitted
        deadline = time.monotonic() + 30
        health: dict[str, Any] = {}
        while time.monotonic() < deadline:
            health = (await client.get("/health")).json()
            if (health.get("relay") or {}).get("published", 0) >= expected:
                break
            await asyncio.sleep(0.2)
        await asyncio.sleep(2.0)
        rss_after = rss_mib(ps)
        uss_after = None
        with contextlib.suppress(psutil.Error):
            uss_after = float(ps.memory_full_info().uss) / 2**20
    stop_process(proc)
    requests = len(latencies)
    ok = statuses.get("201", 0) + statuses.get("200", 0)
    d = distribution(latencies)
    load_rss = [m for _, m in samples]
    service_cpu = (cpu_proc1.user + cpu_proc1.system) - (cpu_proc0.user + cpu_proc0.system)
    res.details["service"] = {
        "command": " ".join(service_command()), "startup_seconds": startup, "rss_rest_mib": rss_rest,
        "rss_rest_samples_mib": rest, "rss_under_load_mib": distribution(load_rss),
        "rss_after_load_mib": rss_after, "uss_after_load_mib": uss_after, "plans": flows, "requests": requests,
        "ok_responses": ok, "statuses": statuses, "concurrency": plan.http_concurrency, "load_seconds": load_seconds,
        "requests_per_s": requests / load_seconds, "request_ms": d,
        "service_cpu_ms_per_request": service_cpu / max(requests, 1) * 1000,
        "relay_published_after_load": (health.get("relay") or {}).get("published"), "log": str(log_path),
    }
    if ok != 3 * flows:
        res.errors.append(f"service load: {ok} of {3 * flows} requests succeeded ({statuses}); see {log_path}")
    res.add(Figure("5a", "Planning service RSS at rest (after start-up)", rss_rest, "MiB",
                   note=f"started and healthy in {startup:.1f} s"))
    res.add(Figure("5b", f"Planning service RSS under load, peak ({flows:,} draft+RHK+submit)",
                   max(load_rss) if load_rss else None, "MiB",
                   note=f"mean {sum(load_rss) / max(len(load_rss), 1):.0f} MiB; {rss_after:.0f} MiB 2 s after"))
    res.add(Figure("5c", f"HTTP requests/s, concurrency {plan.http_concurrency}", requests / load_seconds, "req/s",
                   note=f"{requests:,} requests, {ok:,} OK, {service_cpu / max(requests, 1) * 1000:.2f} ms "
                        f"service CPU/request"))
    res.add(Figure("5d", "HTTP request latency p50", d.get("p50"), "ms"))
    res.add(Figure("5e", "HTTP request latency p99", d.get("p99"), "ms"))


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        proc.wait(timeout=10)


# ------------------------------------------------------------------------------------------------
# reports
# ------------------------------------------------------------------------------------------------




def markdown(res: Results, seconds: float) -> str:
    d = res.durability
    lines = [
        f"# Kinerja foundation benchmark — {res.started:%Y-%m-%d %H:%M:%S} UTC ({res.mode})",
        "",
        f"Total run time {seconds:.0f} s. Command: `uv run python tests/benchmarks/foundation.py"
        f"{' --quick' if res.mode == 'quick' else ''}`.",
        "",
        "## Machine",
        "",
        *machine_lines(res),
        "",
        "## Durability (same server for Kinerja and eventsourcing)",
        "",
        "| setting | value |",
        "|---|---|",
        *[f"| `{k}` | {v} |" for k, v in d.items() if not isinstance(v, dict)],
        "",
        *[f"- {k}: " + ", ".join(f"{a}={b}" for a, b in v.items()) for k, v in d.items() if isinstance(v, dict)],
        "",
        *results_markdown(res),
    ]
    lines += ["## Where the time goes (per event, µs)", "",
              "`wall` is elapsed time; `client` is CPU of the benchmark process (Python + asyncpg/aiokafka), "
              "`postgres` / `kafka` are CPU of the server process trees. Wall time not covered by CPU is waiting "
              "(commit fsync, network, scheduling).", "",
              "| run | events/s | wall | client CPU | postgres CPU | kafka CPU | WAL bytes/event | WAL fsyncs/commit |"
              " append p50 ms | append p99 ms |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]

    def cell(v: Any) -> str:
        return "" if v is None else _fmt(float(v))

    for key, run in (res.details.get("appends") or {}).items():
        if not isinstance(run, dict) or "events_per_s" not in run:
            continue
        am = run.get("append_ms", {})
        lines.append(f"| {key} | {cell(run['events_per_s'])} | {cell(run.get('wall_us_per_event'))} | "
                     f"{cell(run.get('client_us_per_event'))} | {cell(run.get('postgres_us_per_event'))} | "
                     f"{cell(run.get('kafka_us_per_event'))} | {cell(run.get('wal_bytes_per_event'))} | "
                     f"{cell(run.get('wal_fsyncs_per_commit'))} | {cell(am.get('p50'))} | {cell(am.get('p99'))} |")
    for key in ("relay_throughput", "relay_throughput_larger_batches", "relay_latency"):
        run = res.details.get(key)
        if run:
            rate = run.get("events_per_s_sustained") or run.get("achieved_rate")
            lines.append(f"| {key} | {cell(rate)} | {cell(run.get('wall_us_per_event'))} | "
                         f"{cell(run.get('client_us_per_event'))} | {cell(run.get('postgres_us_per_event'))} | "
                         f"{cell(run.get('kafka_us_per_event'))} | | | | |")
    lines += ["", "## Details", "", "```json", json.dumps(res.details, indent=2, default=str), "```", ""]
    return "\n".join(lines)




# ------------------------------------------------------------------------------------------------
# orchestration
# ------------------------------------------------------------------------------------------------


async def drop_databases(infra: Infra) -> None:
    conn = await asyncpg.connect(infra.server_url)
    try:
        for name in infra.created_dbs:
            with contextlib.suppress(asyncpg.PostgresError):
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


Step = Callable[[], Awaitable[None]]


async def run_all(args: argparse.Namespace, res: Results) -> None:
    plan = QUICK if args.quick else FULL
    work = Path(tempfile.mkdtemp(prefix="kinerja-bench-"))
    log_dir = work / "logs"
    log_dir.mkdir()
    with contextlib.ExitStack() as sync_stack:
        if not args.keep:
            sync_stack.callback(shutil.rmtree, work, True)
        else:
            print(f"data kept in {work}")
        print("starting PostgreSQL and Kafka ...", flush=True)
        infra = await start_infra(sync_stack, work, res, postgres_url=args.postgres_url,
                                  kafka_bootstrap=args.kafka_bootstrap)
        print(f"  PostgreSQL {infra.server_url}  Kafka {infra.bootstrap}  "
              f"({res.details['infra_start_seconds']:.1f} s)", flush=True)
        try:
            version, settings = await postgres_facts(infra.server_url, POSTGRES_SETTINGS)
            res.machine["postgres_version"] = version
            res.durability.update(settings)
            meter = CpuMeter(infra.postgres_pid, infra.kafka_pid)
            if args.profile:
                await profile_sections(infra, res, plan, meter)
                return
            steps: list[tuple[str, Step]] = [
                ("baselines", lambda: measure_baselines(infra, res, 1.0 if args.quick else 1.5)),
                ("appends", lambda: measure_appends(infra, res, plan, meter)),
                ("throughput of the relay", lambda: measure_relay(infra, res, plan, meter)),
                ("latency of the relay", lambda: measure_latency(infra, res, plan, meter)),
            ]
            async with contextlib.AsyncExitStack() as stack:
                steps.append(("planning service", lambda: measure_service(infra, res, plan, stack, log_dir)))
                for name, step in steps:
                    if args.only and name.split()[0] not in args.only:
                        continue
                    await common.run_step(res, name, step)
            if "appends" in res.details:
                res.durability["kinerja session"] = res.details["appends"].get("kinerja_session", {})
                res.durability["eventsourcing session"] = res.details["appends"].get("eventsourcing_session", {})
        finally:
            if args.postgres_url:
                with contextlib.suppress(Exception):
                    await drop_databases(infra)
            print("\nstopping Kafka and PostgreSQL ...", flush=True)


async def profile_sections(infra: Infra, res: Results, plan: Plan, meter: CpuMeter) -> None:
    """``--profile``: cProfile of the one-event append loop and of the relay (figures are not results)."""
    REPORTS.mkdir(parents=True, exist_ok=True)
    stamp = res.started.strftime("%Y%m%dT%H%M%SZ")
    url = await infra.database("profile_appends")
    db = await Database.connect(url, min_size=1, max_size=1)
    async with db.connection() as conn:
        await migrate(conn, KERNEL_MIGRATIONS)
    store = PostgresEventStore(db, source="/kinerja/bench")
    wal_conn = await asyncpg.connect(url)
    with profiled(REPORTS / f"profile-{stamp}-appends") as _:
        r = await kinerja_appends(store, meter, wal_conn, seconds=plan.append_seconds, per_append=1,
                                  same_stream=False, label="profiled")
    print(f"appends under cProfile: {r['events_per_s']:,.0f}/s")
    with profiled(REPORTS / f"profile-{stamp}-batch1000") as _:
        r = await kinerja_appends(store, meter, wal_conn, seconds=plan.batch_seconds, per_append=1000,
                                  same_stream=False, label="profiled")
    print(f"batch-1000 appends under cProfile: {r['events_per_s']:,.0f}/s")
    await wal_conn.close()
    await db.close()
    url = await infra.database("profile_relay")
    await preload(url, plan.breakdown_events, meter)
    topic = infra.topic("profile-relay")
    await ensure_topics(infra.bootstrap, [TopicSpec(topic, 6)])
    producer = idempotent_producer(infra.bootstrap, client_id="bench-profile")
    await producer.start()
    try:
        await producer.partitions_for(topic)
        relay = OutboxRelay(dsn=url, producer=producer, topic=topic, name="bench-profile")
        with profiled(REPORTS / f"profile-{stamp}-relay") as _:
            acks, started, _ = await run_relay_until(relay, plan.breakdown_events, timeout=240)
        n = sum(c for _, c in acks)
        print(f"relay under cProfile: {n / (acks[-1][0] - started):,.0f}/s")
    finally:
        await producer.stop()


@contextlib.contextmanager
def profiled(path: Path) -> Iterator[cProfile.Profile]:
    prof = cProfile.Profile()
    prof.enable()
    try:
        yield prof
    finally:
        prof.disable()
        prof.dump_stats(str(path.with_suffix(".pstats")))
        for sort in ("tottime", "cumulative"):
            buf = io.StringIO()
            pstats.Stats(prof, stream=buf).strip_dirs().sort_stats(sort).print_stats(40)
            path.with_name(f"{path.name}-{sort}.txt").write_text(buf.getvalue())
        print(f"profile written to {path}.pstats / -tottime.txt / -cumulative.txt")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="short run (< 90 s) for a smoke check")
    parser.add_argument("--postgres-url", help="use this server (maintenance DB URL) instead of an embedded one")
    parser.add_argument("--kafka-bootstrap", help="use this Kafka instead of starting one")
    parser.add_argument("--loop", choices=("uvloop", "asyncio"), default="uvloop",
                        help="event loop of this process (the services run on uvicorn's uvloop)")
    parser.add_argument("--only", nargs="*", choices=("baselines", "appends", "throughput", "latency", "planning"),
                        help="run only these sections")
    parser.add_argument("--profile", action="store_true",
                        help="instead of the benchmark, write cProfile reports of appends and the relay")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    args = parser.parse_args()
    # the kernel logs every relay batch at debug level; printing that would be measured too
    configure_logging(service="bench", json=False, level="WARNING")

    res = Results(started=datetime.now(UTC).replace(microsecond=0), mode="quick" if args.quick else "full")
    print("machine ...", flush=True)
    res.machine = machine_info()
    res.machine["event_loop"] = args.loop
    for line in machine_lines(res)[:3]:
        print(line)
    seconds, interrupted, res.machine["whole_run_cpu"] = common.run_guarded(
        lambda: run_all(args, res), uvloop=args.loop == "uvloop", errors=res.errors)
    if args.profile:
        return 0
    dur = ", ".join(f"{k}={res.durability.get(k)}" for k in ("synchronous_commit", "fsync", "wal_sync_method",
                                                              "full_page_writes", "commit_delay"))
    return common.conclude(res, seconds, interrupted, name="foundation", title="Kinerja foundation benchmark",
                           render=markdown, extra_lines=[f"- Durability: {dur}"])


if __name__ == "__main__":
    sys.exit(main())
