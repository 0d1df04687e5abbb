#!/usr/bin/env python
"""Notifications benchmark: the feedback service turning other services' events into inbox notifications.

Run from the workspace root::

    uv run python tests/benchmarks/notifications.py            # full run (~2 min)
    uv run python tests/benchmarks/notifications.py --quick    # smoke run (< 90 s)

It starts its own embedded PostgreSQL and Kafka (the infrastructure set-up of ``interactions.py``,
imported) and one real ``kinerja-feedback`` process, and measures

1. fan-out: ``evaluation.RatersAssigned`` events, each asking several raters, produced to
   ``kinerja.evaluation.events`` as fast as the producer goes; notifications in the inbox per second
   (each notification is its own event stream, an inbox row, a webhook-queue check and a relay publish);
2. lag: ``evaluation.AppraisalOpened`` events at a steady rate (one "self-assessment due" notification
   each); time from sending the source event until its notification is in the recipient's inbox (p50/p99);
3. redelivery: already-consumed events produced again give no notification.

It prints a table and writes ``tests/benchmarks/reports/notifications-<UTC>.md`` / ``.json`` (and
``notifications-latest.md``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import common  # tests/benchmarks/common.py (the script's folder is on sys.path)
import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from interactions import machine_info  # the same libraries are worth naming

from kinerja_kernel.auth import mint_token
from kinerja_kernel.cloudevents import to_kafka
from kinerja_kernel.contracts import evaluation as ev
from kinerja_kernel.contracts import planning as pl
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.infra.postgres import create_database, free_port
from kinerja_kernel.infra.processes import ServiceProcess
from kinerja_kernel.kafka import events_topic, idempotent_producer
from kinerja_kernel.logging import configure_logging
from kinerja_kernel.testing.kafka_helpers import envelope_of, partitions_of

OFFICE = "bench-office"
TOPIC = events_topic("evaluation")
GROUP = "kinerja-feedback"


@dataclass(frozen=True)
class Config:
    warmup_events: int
    fanout_events: int
    raters_per_event: int
    lag_rates: tuple[int, ...]  # source events/s, one open-loop run each
    lag_seconds: float
    redeliver: int
    db_poll_interval: float = 0.005
    wait_timeout: float = 180.0


FULL = Config(warmup_events=500, fanout_events=4000, raters_per_event=5, lag_rates=(50, 100), lag_seconds=20,
              redeliver=1000)
QUICK = Config(warmup_events=200, fanout_events=800, raters_per_event=5, lag_rates=(50,), lag_seconds=8,
               redeliver=500)


# ------------------------------------------------------------------------------------------------
# source events
# ------------------------------------------------------------------------------------------------
def envelope(event: Any, subject: str) -> EventEnvelope:
    return envelope_of(event, subject=subject, office_id=OFFICE, source="/kinerja/evaluation",
                       stream_id=f"penilaian-{uuid.uuid4()}")


def raters_assigned(employee: str, raters: list[str]) -> EventEnvelope:
    return envelope(ev.RatersAssigned(
        appraisal_id=uuid.uuid4(), employee_id=employee, office_id=OFFICE,
        raters=tuple(ev.Rater(rater_id=r, relation=ev.RaterRelation.PEER) for r in raters), previous=(),
        window_closes_at=datetime(2031, 4, 10, tzinfo=UTC), assigned_by="bench-hr"), employee)


def appraisal_opened(employee: str, evaluator: str) -> EventEnvelope:
    return envelope(ev.AppraisalOpened(
        appraisal_id=uuid.uuid4(), employee_id=employee, office_id=OFFICE, unit_id="UNIT",
        period=ev.EvaluationPeriod.parse("2031-Q1"), plan_id=uuid.uuid4(), evaluator_id=evaluator, superior_id=None,
        position_type=pl.PositionType.JA, employment=pl.Employment.PNS, unit_head=False, rhks=(),
        self_assessment_due=datetime(2031, 4, 5, 16, 59, 59, tzinfo=UTC),
        rating_due=datetime(2031, 4, 15, 16, 59, 59, tzinfo=UTC)), employee)


async def send_all(producer: AIOKafkaProducer, envelopes: list[EventEnvelope]) -> None:
    futures = []
    for e in envelopes:
        record = to_kafka(e)
        futures.append(await producer.send(TOPIC, value=record.value, key=record.key, headers=record.headers))
    await asyncio.gather(*futures)


async def notification_count(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval("SELECT count(*) FROM notifications"))


async def wait_count(conn: asyncpg.Connection, target: int, timeout: float,
                     timeline: list[tuple[float, int]] | None = None, interval: float = 0.02) -> float:
    """Poll until the inbox holds ``target`` notifications; returns the perf_counter time it did."""
    deadline = time.perf_counter() + timeout
    while True:
        n = await notification_count(conn)
        now = time.perf_counter()
        if timeline is not None:
            timeline.append((now, n))
        if n >= target:
            return now
        if now > deadline:
            raise TimeoutError(f"{n} of {target} notifications after {timeout} s")
        await asyncio.sleep(interval)




async def group_caught_up(bootstrap: str, timeout: float) -> bool:
    """Whether the service's consumer group has committed up to the end of every partition."""
    parts = [TopicPartition(TOPIC, p) for p in await partitions_of(bootstrap, TOPIC)]
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await admin.start()
    await consumer.start()
    try:
        ends = await consumer.end_offsets(parts)
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            committed = await admin.list_consumer_group_offsets(GROUP, partitions=parts)
            if all(committed.get(tp) is not None and committed[tp].offset >= ends[tp] for tp in parts):
                return True
            await asyncio.sleep(0.1)
        return False
    finally:
        await consumer.stop()
        await admin.close()


# ------------------------------------------------------------------------------------------------
# measurements
# ------------------------------------------------------------------------------------------------
async def measure(cfg: Config, res: common.Results, client: httpx.AsyncClient, db_url: str, bootstrap: str,
                  meter: common.Meter) -> None:
    people = [common.make_nip(i) for i in range(2000)]
    evaluator = common.make_nip(5000)
    conn = await asyncpg.connect(db_url)
    producer = idempotent_producer(bootstrap, client_id="bench-notifications")
    await producer.start()
    try:
        # warm-up: the consumer group has joined, code paths and connections are warm
        print(f"warm-up: {cfg.warmup_events} events ...", flush=True)
        await send_all(producer, [appraisal_opened(people[i % len(people)], evaluator)
                                  for i in range(cfg.warmup_events)])
        await wait_count(conn, cfg.warmup_events, cfg.wait_timeout)
        res.add("0a", "RSS after warm-up", meter.rss_mib(), "MiB")

        # 1. fan-out throughput
        before = await notification_count(conn)
        k = cfg.raters_per_event
        raters = [common.make_nip(20_000 + i) for i in range(2000)]  # never the appraised employee (no self-rating)
        fanout = [raters_assigned(people[i % len(people)], [raters[(i * k + j) % len(raters)] for j in range(k)])
                  for i in range(cfg.fanout_events)]
        total = cfg.fanout_events * k
        print(f"fan-out: {cfg.fanout_events} events x {k} raters = {total} notifications ...", flush=True)
        timeline: list[tuple[float, int]] = []
        async with common.Phase(meter, "fanout") as phase:
            t0 = time.perf_counter()
            sent = asyncio.create_task(send_all(producer, fanout))
            t_done = await wait_count(conn, before + total, cfg.wait_timeout, timeline)
            await sent
            phase.mark("done")
        seconds = t_done - t0
        res.add("1a", "notifications fanned out per second (send -> all in inboxes)", total / seconds, "/s",
                f"{total:,} in {seconds:.1f} s")
        res.add("1b", "  the same, steady 10-90 %", common.steady_rate(timeline, before, total), "/s")
        res.add("1c", "  source events consumed per second", cfg.fanout_events / seconds, "/s",
                f"{k} notifications each")
        summary = phase.summary("done", total)
        res.phases["fanout"] = summary
        res.add("1d", "  service CPU per notification", summary.get("service_cpu_us_per_interaction"), "µs")
        res.add("1e", "  PostgreSQL CPU per notification", summary.get("postgres_cpu_us_per_interaction"), "µs")
        res.add("1f", "  service RSS peak", (summary.get("rss_mib") or {}).get("max"), "MiB")

        # 2. lag at a steady rate (below the consumer's capacity, so it is latency, not queueing)
        lag_people: list[str] = []
        for run, rate in enumerate(cfg.lag_rates):
            lag_people = [common.make_nip(10_000 + run * 5000 + i) for i in range(int(rate * cfg.lag_seconds) + 10)]
            await measure_lag(cfg, res, db_url, producer, meter, rate, lag_people, evaluator,
                              keys=(f"2{'aceg'[run]}", f"2{'bdfh'[run]}"))

        # the HTTP inbox shows it (one recipient, as a check of the path, not a measurement)
        token = mint_token(secret=common.JWT_SECRET, user_id=lag_people[0], roles=["pegawai"], offices=[OFFICE])
        inbox = (await client.get("/api/v1/notifications", headers={"Authorization": f"Bearer {token}"})).json()
        res.check([n["kind"] for n in inbox] == ["self_assessment_due"], f"inbox over HTTP: {inbox}")

        # 3. redelivery: the same events again give nothing
        print(f"redelivery: {cfg.redeliver} events again ...", flush=True)
        before = await notification_count(conn)
        await send_all(producer, fanout[:cfg.redeliver])
        caught_up = await group_caught_up(bootstrap, cfg.wait_timeout)
        after = await notification_count(conn)
        res.check(caught_up, "the consumer group did not catch up after the redelivery")
        res.add("3a", "notifications from re-sent events", after - before, "",
                f"{cfg.redeliver:,} events ({cfg.redeliver * k:,} notifications) re-sent; must be 0")
        res.check(after == before, f"redelivery created {after - before} notifications")
        res.add("3b", "RSS at the end", meter.rss_mib(), "MiB")
    finally:
        await producer.stop()
        await conn.close()


async def measure_lag(cfg: Config, res: common.Results, db_url: str, producer: AIOKafkaProducer,
                      meter: common.Meter, rate: int,
                      lag_people: list[str], evaluator: str, *, keys: tuple[str, str]) -> None:
    """Open loop: ``rate`` AppraisalOpened events/s; lag until each one's notification is in the inbox."""
    print(f"lag: {rate} events/s for {cfg.lag_seconds:g} s ...", flush=True)
    sends: dict[str, float] = {}  # source event id -> wall time sent (time.time(), same clock as the service)
    seen: dict[str, tuple[float, float]] = {}  # source event id -> (poll time, recorded_at)
    stop = asyncio.Event()

    async def poller() -> None:
        poll = await asyncpg.connect(db_url)
        since = datetime.now(UTC) - timedelta(seconds=1)
        try:
            while not (stop.is_set() and len(seen.keys() & sends.keys()) >= len(sends)):
                rows = await poll.fetch("SELECT source_event_id, created_at FROM notifications "
                                        "WHERE created_at > $1 AND kind = 'self_assessment_due'", since)
                now = time.time()
                for r in rows:
                    sid = str(r["source_event_id"])
                    if sid not in seen:
                        seen[sid] = (now, r["created_at"].timestamp())
                if rows:  # rows commit a little after their created_at: keep a margin
                    since = max(since, max(r["created_at"] for r in rows) - timedelta(seconds=2))
                await asyncio.sleep(cfg.db_poll_interval)
        finally:
            await poll.close()

    async with common.Phase(meter, f"lag-{rate}") as phase:
        watch = asyncio.create_task(poller())
        interval = 1 / rate
        t_start = time.perf_counter()
        count = int(rate * cfg.lag_seconds)
        pending = []
        for i in range(count):
            delay = t_start + i * interval - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            e = appraisal_opened(lag_people[i], evaluator)
            record = to_kafka(e)
            sends[str(e.event_id)] = time.time()
            pending.append(await producer.send(TOPIC, value=record.value, key=record.key, headers=record.headers))
        await asyncio.gather(*pending)
        achieved = count / (time.perf_counter() - t_start)
        stop.set()
        await asyncio.wait_for(watch, cfg.wait_timeout)
        phase.mark("done")
    visible = sorted((seen[s][0] - t) * 1000 for s, t in sends.items())
    recorded = sorted((seen[s][1] - t) * 1000 for s, t in sends.items())
    dv, dr = common.distribution(visible), common.distribution(recorded)
    res.phases[f"lag_{rate}"] = {"visible_ms": dv, "recorded_ms": dr, "rate_per_s": achieved,
                                 "resources": phase.summary("done", count)}
    first, second = keys
    res.add(first, f"lag source event -> in the inbox at {rate}/s, p50", dv["p50"], "ms",
            f"{count:,} events; inbox polled every {cfg.db_poll_interval * 1000:g} ms; to recorded_at {dr['p50']:.1f} ms")
    res.add(second, f"lag source event -> in the inbox at {rate}/s, p99", dv["p99"], "ms",
            f"max {dv['max']:.1f} ms; to recorded_at {dr['p99']:.1f} ms")




async def run_all(args: argparse.Namespace, res: common.Results) -> None:
    cfg = QUICK if args.quick else FULL
    res.settings["benchmark"] = dict(cfg.__dict__)
    with contextlib.ExitStack() as stack:
        work = common.work_dir(stack, "kinerja-bench-notifications-", keep=args.keep)
        log_path = work / "logs" / "feedback.log"
        infra = await common.start_servers(stack, work, res)
        url = await create_database(infra.server_url, "kinerja_feedback_bench")
        port = free_port()
        p = "KINERJA_FEEDBACK_"
        env = {f"{p}DATABASE_URL": url, f"{p}KAFKA_BOOTSTRAP_SERVERS": infra.bootstrap, f"{p}HTTP_PORT": str(port),
               f"{p}JWT_SECRET": common.JWT_SECRET, f"{p}LOG_LEVEL": "WARNING"}
        service = ServiceProcess("feedback", env=env, port=port, log_path=log_path)
        stack.callback(service.stop)
        service.start()
        assert service.process is not None
        try:
            async with httpx.AsyncClient(base_url=service.url, timeout=60) as client:
                await common.wait_healthy(client, service.process, name="feedback", timeout=90,
                                          log_path=service.log_path, relay_leader=False)
                meter = common.Meter(service.process.pid, infra.postgres_pid, infra.kafka_pid)
                await measure(cfg, res, client, url, infra.bootstrap, meter)
        except BaseException:
            if tail := common.log_tail(log_path):
                print(f"\n--- last lines of the service log ({log_path}) ---\n{tail}\n---", flush=True)
            raise
        finally:
            service.stop()
            res.details["service_log"] = common.log_problems(log_path)
            print("\nstopping the service, Kafka and PostgreSQL ...", flush=True)


def markdown(res: common.Results, seconds: float) -> str:
    lines = [
        f"# Kinerja notifications benchmark — {res.started:%Y-%m-%d %H:%M:%S} UTC ({res.mode})", "",
        f"Total run time {seconds:.0f} s. Command: `{res.settings.get('command')}`.",
        "One real `kinerja-feedback` process (consumer of `kinerja.evaluation.events`, relay, reminder loop and "
        "webhook worker, no webhook subscriptions), its own PostgreSQL database and Kafka broker, all on this "
        "machine with the benchmark client, which produces the source events and polls the inbox table.", "",
        "## Machine", "", *common.machine_lines(res), "",
        "## Settings", "",
        "- PostgreSQL: " + ", ".join(f"{k}={v}" for k, v in (res.settings.get("postgres") or {}).items()),
        "- Service: defaults (`db_pool_max` 10, topic partitions 6, one consumer group), "
        "`KINERJA_FEEDBACK_LOG_LEVEL=WARNING`",
        "- Benchmark: " + ", ".join(f"{k}={v}" for k, v in (res.settings.get("benchmark") or {}).items()), "",
        *common.results_markdown(res),
    ]
    lines += ["## What the figures mean", "",
              "Fan-out (1a–1f): every notification is appended as its own event stream "
              "(`feedback.NotificationIssued`, expected version 0: the same source event can never notify one "
              "recipient twice), written to the inbox table and checked against the office's webhook subscriptions "
              "in the transaction of the kernel inbox row of its source event, then published by the relay. "
              "Lag (2a–2d): open loop; `in the inbox` is when the benchmark's 5 ms poll of the inbox table saw the "
              "row (includes the poll interval), `recorded_at` is the service's own append time; both against the "
              "wall clock when the source event was handed to the producer. Redelivery (3a): the same CloudEvents "
              "(same ids) produced again; the count is taken once the consumer group has committed past them.", "",
              "Run-to-run variation on a small shared VM is large (±20 %); compare runs on the same machine.", "",
              "## Details", "", "```json",
              json.dumps({"phases": res.phases, "details": res.details}, indent=2, default=str), "```", ""]
    return "\n".join(lines)




def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="short run (< 90 s) for a smoke check")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (data and service log)")
    args = parser.parse_args()
    configure_logging(service="bench", json=False, level="WARNING")
    res = common.Results(started=datetime.now(UTC).replace(microsecond=0), mode="quick" if args.quick else "full")
    res.settings["command"] = "uv run python tests/benchmarks/notifications.py" + (" --quick" if args.quick else "")
    res.machine = machine_info()
    res.machine["event_loop"] = common.event_loop_name()
    for line in common.machine_lines(res)[:3]:
        print(line)
    seconds, interrupted, res.machine["whole_run_cpu"] = common.run_guarded(
        lambda: run_all(args, res), uvloop=res.machine["event_loop"] == "uvloop", errors=res.errors)
    return common.conclude(res, seconds, interrupted, name="notifications", title="Kinerja notifications benchmark",
                           render=markdown)


if __name__ == "__main__":
    sys.exit(main())
