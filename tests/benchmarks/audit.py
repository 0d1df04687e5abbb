#!/usr/bin/env python
"""Audit benchmark: replay, verification, history and point-in-time state on a year of appraisals.

Run from the workspace root (after ``uv sync --all-groups``)::

    uv run python tests/benchmarks/audit.py              # 400 employees (34,000 events)
    uv run python tests/benchmarks/audit.py --quick      # 60 employees

It starts its own embedded PostgreSQL and Kafka in a temporary directory, runs the evaluation service's
runtime (store, read models, relay), records a year for a unit-structured office through the real
aggregates and repositories (four quarters and the year: opening, self-assessment, ratings,
finalisation), waits until the relay has published everything, then measures

1. events replayed per second from Kafka into freshly rebuilt read models (``kinerja-audit rebuild``'s
   code path), and from the store, each compared with the live tables;
2. hash chains verified per second (streams and events) over the whole store;
3. the time to produce one employee's full timeline and one appraisal's state at a moment.

Prints a table and writes ``tests/benchmarks/reports/audit-<UTC>.md`` / ``.json`` and ``audit-latest.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import common  # tests/benchmarks/common.py (the script's folder is on sys.path)

import kinerja_kernel.contracts  # noqa: F401 - registers the event types
from kinerja_evaluation.adapters.read_models import PROJECTION
from kinerja_evaluation.config import EvaluationSettings
from kinerja_evaluation.domain.appraisal import Appraisal, Ratings, appraisal_id_for
from kinerja_evaluation.entrypoints.main import AUDIT, READ_MODELS
from kinerja_kernel import audit
from kinerja_kernel.cloudevents import from_kafka
from kinerja_kernel.contracts.evaluation import (
    AppraisedRhk,
    CurveEnforcement,
    EvaluationPeriod,
    Rating,
    RhkRating,
    TimeZone,
    ValueRating,
)
from kinerja_kernel.contracts.planning import BerAkhlak, Employment, PositionType, RhkKind
from kinerja_kernel.envelope import Actor
from kinerja_kernel.eventstore import CommitCursor, read_committed
from kinerja_kernel.infra.kafka import LocalKafka
from kinerja_kernel.infra.postgres import EmbeddedPostgres, create_database, free_port
from kinerja_kernel.kafka import events_topic
from kinerja_kernel.rebuild import CHUNK, fewer_collections, rebuild
from kinerja_kernel.repository import EventSourcedRepository
from kinerja_kernel.runtime import ServiceRuntime
from kinerja_kernel.topic_reader import read_topic

OFFICE = "KANREG-BENCH"
TARGET = 50_000
"""Rebuild events per second aimed at (issue 17)."""
RATINGS = [Rating.SESUAI, Rating.DI_ATAS, Rating.SESUAI, Rating.DI_BAWAH]


def nip(i: int) -> str:
    """A valid NIP per ``i`` (the birth month changes every thousand)."""
    return f"1990{1 + i // 1000 % 12:02d}01201501{1 + i % 2}{i % 1000:03d}"


async def record_year(runtime: ServiceRuntime, employees: int) -> tuple[int, str, str]:
    """Appraisals for four quarters and the year; returns (events, one NIP, one appraisal stream)."""
    repo = EventSourcedRepository(runtime.store, Appraisal, prefix="penilaian", projection=PROJECTION)
    evaluator = nip(9999)
    started = datetime(2027, 1, 1, tzinfo=UTC)
    events = 0
    for p_index, key in enumerate(("2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4", "2027")):
        period = EvaluationPeriod.parse(key)
        due = TimeZone.WIB.end_of_day(period.end + timedelta(days=15))
        for i in range(employees):
            rhks = [AppraisedRhk(rhk_id=uuid.uuid5(uuid.NAMESPACE_URL, f"{i}/{k}"), title=f"RHK {k}",
                                 kind=RhkKind.UTAMA) for k in range(3)]
            a = Appraisal.open(employee_id=nip(i), office_id=OFFICE, unit_id=f"UNIT-{i % 20}", period=period,
                               plan_id=uuid.uuid5(uuid.NAMESPACE_URL, f"plan/{i}"), evaluator_id=evaluator,
                               superior_id=None, position_type=PositionType.JA, employment=Employment.PNS, rhks=rhks,
                               self_assessment_due=due, rating_due=due)
            rating = RATINGS[(i + p_index) % len(RATINGS)]
            scored = [RhkRating(rhk_id=r.rhk_id, rating=rating) for r in rhks]
            values = [ValueRating(value=v, rating=Rating.SESUAI) for v in BerAkhlak]
            a.self_assess(actor_id=nip(i), rhk_ratings=scored, value_ratings=values, summary=None)
            a.rate(actor_id=evaluator, ratings=Ratings(rhks=scored, values=values, results=rating,
                                                       behaviour=Rating.SESUAI), reason=None)
            a.finalise(actor_id=evaluator, curve=None, enforcement=CurveEnforcement.WARN, justification=None,
                       now=started + timedelta(days=90 * (p_index + 1)), time_zone=TimeZone.WIB,
                       objection_window_days=14)
            assert a.appraisal_id is not None
            events += len(a.pending)
            await repo.save(a.appraisal_id, a, actor=Actor(id=evaluator, role="pejabat_penilai"), office_id=OFFICE,
                            subject=nip(i))
    return events, nip(7), f"penilaian-{appraisal_id_for(nip(7), '2027')}"


async def run(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="kinerja-audit-bench-"))
    postgres = EmbeddedPostgres(work / "postgres")
    server = postgres.start()
    kafka = LocalKafka(work / "kafka", port=free_port(), controller_port=free_port())
    bootstrap = kafka.start()
    figures: dict[str, Any] = {"employees": args.employees}
    try:
        dsn = await create_database(server, "bench_evaluation")
        settings = EvaluationSettings(database_url=dsn, kafka_bootstrap_servers=bootstrap, jwt_secret="x" * 32,
                                      environment="test")
        runtime = ServiceRuntime(service="evaluation", settings=settings, migrations=READ_MODELS.migrations)
        await runtime.start()
        try:
            t0 = time.perf_counter()
            total, subject, stream = await record_year(runtime, args.employees)
            figures["events"] = total
            figures["record_seconds"] = round(time.perf_counter() - t0, 2)
            assert runtime.relay is not None
            while runtime.relay.published < total:
                await asyncio.sleep(0.2)
            figures["publish_seconds"] = round(time.perf_counter() - t0, 2)
        finally:
            await runtime.stop()

        figures["load_before_rebuilds"] = os.getloadavg()
        for source in ("kafka", "store"):
            report = await rebuild(dsn, READ_MODELS, source=source, bootstrap=bootstrap)  # type: ignore[arg-type]
            figures[f"rebuild_{source}"] = {"events": report.events, "seconds": round(report.seconds, 2),
                                            "events_per_second": round(report.events_per_second),
                                            "equal": report.equal, "path": report.path,
                                            "phases": {k: round(v, 2) for k, v in report.phases.items()}}
        figures["read_only"] = await read_only(dsn, bootstrap)
        figures["load_after_rebuilds"] = os.getloadavg()

        conn = await asyncpg.connect(dsn)
        try:
            verification = await audit.verify(conn, audit.Scope())
            assert verification.ok
            figures["verify"] = {"streams": verification.streams, "events": verification.events,
                                 "seconds": round(verification.seconds, 2),
                                 "events_per_second": round(verification.events / verification.seconds),
                                 "streams_per_second": round(verification.streams / verification.seconds)}
            history, state = [], []
            for _ in range(args.repeat):
                t = time.perf_counter()
                entries = await audit.timeline(conn, audit.Scope(subject=subject))
                history.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                found = await audit.state_at(conn, stream, datetime.now(UTC), AUDIT.aggregates)
                state.append((time.perf_counter() - t) * 1000)
            assert entries and found["state"] is not None
            figures["history"] = {"events": len(entries), "median_ms": round(statistics.median(history), 2),
                                  "max_ms": round(max(history), 2)}
            figures["state_at"] = {"events": found["version"], "median_ms": round(statistics.median(state), 2),
                                   "max_ms": round(max(state), 2)}
        finally:
            await conn.close()
    finally:
        kafka.stop()
        postgres.stop()
    return figures


async def read_only(dsn: str, bootstrap: str) -> dict[str, Any]:
    """What reading alone costs of each rebuild: the whole topic (``read_topic``, then ``from_kafka`` per record,
    as the rebuild does) and the whole store (``read_committed`` in the rebuild's chunks)."""
    with fewer_collections():  # as in the rebuild
        t0 = time.perf_counter()
        records = await read_topic(bootstrap, events_topic("evaluation"), timeout=300)
        t1 = time.perf_counter()
        envelopes = [from_kafka(r.value, r.headers) for r in records]
        t2 = time.perf_counter()
        conn = await asyncpg.connect(dsn)
        try:
            stored, cursor = 0, CommitCursor()
            while chunk := await read_committed(conn, cursor, limit=CHUNK):
                stored, cursor = stored + len(chunk), chunk[-1].cursor
        finally:
            await conn.close()
        t3 = time.perf_counter()
    return {"kafka_records": len(envelopes), "read_topic_seconds": round(t1 - t0, 2),
            "from_kafka_seconds": round(t2 - t1, 2), "store_events": stored, "read_committed_seconds": round(t3 - t2, 2)}


def phases(rebuilt: dict[str, Any]) -> str:
    names = {"schema": "shadow schema", "topics": "then waiting for the topics", "foreign": "foreign events",
             "own": "own events (read + applied)"}
    return ", ".join(f"{names.get(k, k)} {v}" for k, v in rebuilt["phases"].items())


def markdown(figures: dict[str, Any], when: str) -> str:
    k, s, v, h, st = (figures["rebuild_kafka"], figures["rebuild_store"], figures["verify"], figures["history"],
                      figures["state_at"])
    r = figures["read_only"]
    load = ", ".join(f"{a:.1f}/{b:.1f}" for a, b in zip(figures["load_before_rebuilds"],
                                                      figures["load_after_rebuilds"], strict=True))
    return "\n".join([
        f"# Audit benchmark — {when}", "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}. "
        f"{figures['employees']} employees, {figures['events']} evaluation events (4 quarters + the year), "
        f"recorded in {figures['record_seconds']} s, all on Kafka after {figures['publish_seconds']} s.", "",
        "| Measure | Result |", "| --- | --- |",
        f"| Rebuild read models from Kafka (target >= {TARGET:,} events/s) | {k['events_per_second']:,} events/s "
        f"({k['events']} events, {k['seconds']} s, equal to live: {k['equal']}) |",
        f"| Rebuild read models from the store (target >= {TARGET:,} events/s) | {s['events_per_second']:,} "
        f"events/s ({s['events']} events, {s['seconds']} s, equal to live: {s['equal']}) |",
        f"| Projection path of the rebuilds | {k['path']} (Kafka), {s['path']} (store) |",
        f"| Rebuild phases, Kafka (s) | {phases(k)} |",
        f"| Rebuild phases, store (s) | {phases(s)} |",
        f"| Reading alone: the topic | {r['kafka_records']} records: read_topic {r['read_topic_seconds']} s + "
        f"from_kafka {r['from_kafka_seconds']} s |",
        f"| Reading alone: the store | {r['store_events']} events: read_committed {r['read_committed_seconds']} s |",
        f"| Load average (1/5/15 min) before/after the rebuilds | {load} |",
        f"| Verify every hash chain | {v['events_per_second']:,} events/s, {v['streams_per_second']:,} "
        f"streams/s ({v['streams']} streams, {v['seconds']} s) |",
        f"| One employee's full history ({h['events']} events) | median {h['median_ms']} ms, max {h['max_ms']} ms |",
        f"| One appraisal's state at a moment ({st['events']} events folded) | median {st['median_ms']} ms, "
        f"max {st['max_ms']} ms |", ""])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--employees", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.employees, args.repeat = 60, 5
    figures = asyncio.run(run(args))
    when = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    text = markdown(figures, when)
    print(text)
    common.write_text_reports("audit", when, text, figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
