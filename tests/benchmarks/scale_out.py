#!/usr/bin/env python
"""Scale-out benchmark: feedback's fan-out and evaluation's consumption with one and with two instances.

Run from the workspace root::

    uv run python tests/benchmarks/scale_out.py            # full run (11.5 min at load average ~30 on 2 cores)
    uv run python tests/benchmarks/scale_out.py --quick    # a quarter of the backlog (~5 min there)

It starts its own embedded PostgreSQL and Kafka (``common.start_infra``; or ``--postgres-url`` /
``--kafka-bootstrap``), topics with 6 partitions, and for each case real service processes of one
deployment (one database, one consumer group, one relay leading):

1. feedback fan-out: ``evaluation.RatersAssigned`` events, each naming 5 raters, produced as fast as the
   producer goes to ``kinerja.evaluation.events``; each rater gets a notification (its own event stream,
   an inbox row, a relay publish). Measured: notifications per second (steady 10-90 %), the consumer lag
   over the instances' ``/metrics``, how long the relay needs after the last notification, CPU per process;
2. evaluation consumption: per employee ``planning.EmployeeRegistered``, ``PlanDrafted`` and
   ``PlanSubmitted`` (the facts evaluation keeps) on ``kinerja.planning.events``; events applied per second
   (inbox rows of the group), lag and CPU the same way.

Each case runs with 1 and then 2 instances on a fresh database and a fresh consumer group that starts at the
topics' end. The machine's load average (``os.getloadavg``) is recorded beside every figure: on a shared
2-core machine the second instance competes for the same cores, so the ratio 2/1 measured in the same run
says more than either number. It writes ``tests/benchmarks/reports/scale_out-<UTC>.md`` / ``.json`` (and
``scale_out-latest.md``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg
import common  # tests/benchmarks/common.py (the script's folder is on sys.path)
import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from notifications import machine_info, raters_assigned  # the fan-out's source event, the libraries named

from kinerja_kernel.cloudevents import to_kafka
from kinerja_kernel.contracts import planning as pl
from kinerja_kernel.envelope import EventEnvelope
from kinerja_kernel.infra.postgres import free_port
from kinerja_kernel.infra.processes import ServiceProcess
from kinerja_kernel.kafka import events_topic, idempotent_producer
from kinerja_kernel.logging import configure_logging
from kinerja_kernel.testing.kafka_helpers import envelope_of

PARTITIONS = 6
OFFICE = "bench-office"


@dataclass(frozen=True)
class Config:
    fanout_events: int
    raters: int
    employees: int  # evaluation: three events each
    timeout: float = 300.0


FULL = Config(fanout_events=1500, raters=5, employees=2000)
QUICK = Config(fanout_events=400, raters=5, employees=500)


def load() -> float:
    return round(os.getloadavg()[0], 1)


# ------------------------------------------------------------------------------------------------
# source events
# ------------------------------------------------------------------------------------------------
def fanout_events(cfg: Config) -> list[EventEnvelope]:
    people = [common.make_nip(i) for i in range(cfg.fanout_events)]
    raters = [common.make_nip(50_000 + i) for i in range(1000)]
    return [raters_assigned(people[i], [raters[(i * cfg.raters + j) % len(raters)] for j in range(cfg.raters)])
            for i in range(cfg.fanout_events)]


def planning_facts(cfg: Config) -> list[EventEnvelope]:
    """Per employee: registered, SKP drafted, SKP submitted (keyed by the employee: one partition, in order)."""
    out = []
    for i in range(cfg.employees):
        nip, evaluator, plan = common.make_nip(100_000 + i), common.make_nip(90_000 + i % 50), uuid.uuid4()
        facts = [
            (pl.EmployeeRegistered(employee_id=nip, name=f"Pegawai {i}", office_id=OFFICE, unit_id="UNIT",
                                   position="Analis", position_type=pl.PositionType.JA, employment=pl.Employment.PNS,
                                   evaluator_id=evaluator, superior_id=None), f"pegawai-{nip}", 1),
            (pl.PlanDrafted(plan_id=plan, employee_id=nip, office_id=OFFICE, unit_id="UNIT", period_year=2031,
                            evaluator_id=evaluator, superior_id=None, position_type=pl.PositionType.JA,
                            approach=pl.Approach.KUANTITATIF), f"skp-{plan}", 1),
            (pl.PlanSubmitted(plan_id=plan, employee_id=nip, office_id=OFFICE, period_year=2031,
                              evaluator_id=evaluator), f"skp-{plan}", 2),
        ]
        out += [envelope_of(e, subject=nip, office_id=OFFICE, source="/kinerja/planning", stream_id=stream,
                            stream_version=version) for e, stream, version in facts]
    return out


# ------------------------------------------------------------------------------------------------
# one case: n instances of a service consume a backlog
# ------------------------------------------------------------------------------------------------
@dataclass
class Case:
    service: str
    topic: str
    envelopes: list[EventEnvelope]
    expected: int  # rows the count query must reach
    count_sql: str  # $1: the consumer group
    unit: str
    results: dict[int, dict[str, Any]] = field(default_factory=dict)


async def start_group_at_end(bootstrap: str, group: str) -> None:
    """Commit the end of every events topic for ``group``, so it consumes only what is produced next."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        topics = [t for t in await admin.list_topics() if t.startswith("kinerja.") and t.endswith(".events")]
        described = await admin.describe_topics(topics) if topics else []
    finally:
        await admin.close()
    tps = [TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        if tps:
            consumer.assign(tps)
            await consumer.commit(dict(await consumer.end_offsets(tps)))
    finally:
        await consumer.stop()


async def divided(clients: Sequence[httpx.AsyncClient], group: str, topic: str) -> bool:
    """Every partition of ``topic`` held by exactly one instance of ``group``, each instance some."""
    held: list[set[int]] = []
    for client in clients:
        with contextlib.suppress(httpx.HTTPError, ValueError):
            report = (await client.get("/health", timeout=5)).json()
            held.append({int(tp.rsplit("/", 1)[1]) for tp in report.get("consumers", {}).get(group, [])
                         if tp.rsplit("/", 1)[0] == topic})
    return (len(held) == len(clients) and all(held) and sum(len(h) for h in held) == PARTITIONS
            and set().union(*held) == set(range(PARTITIONS)))


async def scrape(client: httpx.AsyncClient, names: Sequence[str], group: str) -> dict[str, float]:
    """Sums of the named series on one instance's /metrics (the lag only of ``group``)."""
    out = dict.fromkeys(names, 0.0)
    with contextlib.suppress(httpx.HTTPError):
        for line in (await client.get("/metrics", timeout=10)).text.splitlines():
            name = line.split("{", 1)[0].split(" ", 1)[0]
            if name in out and (name != "kinerja_consumer_lag_records" or f'consumer="{group}"' in line):
                out[name] += float(line.rsplit(" ", 1)[1])
    return out


async def run_case(infra: common.Infra, res: common.Results, case: Case, n: int, cfg: Config, log_dir: Any) -> None:
    label = f"{case.service} x{n}"
    database = await infra.database(f"{case.service}{n}")
    group = f"kinerja-{case.service}-{infra.run_id}-{n}"
    await start_group_at_end(infra.bootstrap, group)
    prefix = f"KINERJA_{case.service.upper()}_"
    instances = []
    for i in range(n):
        port = free_port()
        instances.append(ServiceProcess(case.service, port=port, log_path=log_dir / f"{case.service}-{n}-{i}.log", env={
            f"{prefix}DATABASE_URL": database, f"{prefix}KAFKA_BOOTSTRAP_SERVERS": infra.bootstrap,
            f"{prefix}HTTP_PORT": str(port), f"{prefix}JWT_SECRET": common.JWT_SECRET,
            f"{prefix}CONSUMER_GROUP": group, f"{prefix}TOPIC_PARTITIONS": str(PARTITIONS),
            f"{prefix}ENVIRONMENT": "production", f"{prefix}LOG_LEVEL": "WARNING",
            "KINERJA_FEEDBACK_WEBHOOKS_ENABLED": "false", "KINERJA_FEEDBACK_REMINDERS_ENABLED": "false"}))
    clients = [httpx.AsyncClient(base_url=i.url) for i in instances]
    try:
        for instance in instances:
            instance.start()
        for instance, client in zip(instances, clients, strict=True):
            await common.wait_healthy(client, instance.process, name=case.service, timeout=180,
                                      log_path=instance.log_path, relay_leader=False)
        deadline = time.monotonic() + 120
        while not await divided(clients, group, case.topic):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{label}: the group never divided {case.topic}")
            await asyncio.sleep(0.3)
        pids = [i.process.pid for i in instances if i.process is not None]
        cpu0 = {"service": [common.tree_cpu(p) or 0.0 for p in pids], "postgres": common.tree_cpu(infra.postgres_pid),
                "kafka": common.tree_cpu(infra.kafka_pid)}
        load_before = load()
        conn = await asyncpg.connect(database)
        producer = idempotent_producer(infra.bootstrap, client_id=f"bench-{group}")
        await producer.start()
        timeline: list[tuple[float, int]] = []
        peak_lag = 0.0
        last_scrape = 0.0
        try:
            t0 = time.perf_counter()
            futures = []
            for envelope in case.envelopes:
                record = to_kafka(envelope)
                futures.append(await producer.send(case.topic, record.value, key=record.key, headers=record.headers))
            await asyncio.gather(*futures)
            produced_s = time.perf_counter() - t0
            while True:
                done = int(await conn.fetchval(case.count_sql, group))
                now = time.perf_counter()
                timeline.append((now, done))
                if now - last_scrape > 1.0:  # the lag every second (a scrape costs the services a query or two)
                    last_scrape = now
                    lags = [await scrape(c, ["kinerja_consumer_lag_records"], group) for c in clients]
                    peak_lag = max(peak_lag, sum(x["kinerja_consumer_lag_records"] for x in lags))
                if done >= case.expected:
                    break
                if now - t0 > cfg.timeout:
                    raise TimeoutError(f"{label}: {done} of {case.expected} after {cfg.timeout} s")
                await asyncio.sleep(0.1)
            consumed_s = time.perf_counter() - t0
            while True:  # the relay leader publishes what the consumers wrote
                relays = [await scrape(c, ["kinerja_relay_unpublished_events", "kinerja_relay_leader"], group)
                          for c in clients]
                if sum(r["kinerja_relay_unpublished_events"] for r in relays if r["kinerja_relay_leader"]) == 0:
                    break
                if time.perf_counter() - t0 > cfg.timeout:
                    raise TimeoutError(f"{label}: relay not drained after {cfg.timeout} s")
                await asyncio.sleep(0.2)
            relayed_s = time.perf_counter() - t0
        finally:
            await producer.stop()
            await conn.close()
        cpu: dict[str, Any] = {"service": [round((common.tree_cpu(p) or 0.0) - a, 1) for p, a in zip(pids, cpu0["service"], strict=True)],
               "postgres": round((common.tree_cpu(infra.postgres_pid) or 0.0) - (cpu0["postgres"] or 0.0), 1)
               if cpu0["postgres"] is not None else None,
               "kafka": round((common.tree_cpu(infra.kafka_pid) or 0.0) - (cpu0["kafka"] or 0.0), 1)
               if cpu0["kafka"] is not None else None}
        rate = common.steady_rate(timeline, start=0, total=case.expected)
        figures = {"instances": n, "rate_per_s": round(rate, 1) if rate else None,
                   "overall_per_s": round(case.expected / consumed_s, 1), "produced_s": round(produced_s, 1),
                   "consumed_s": round(consumed_s, 1), "relay_done_s": round(relayed_s, 1),
                   "relay_after_consumers_s": round(relayed_s - consumed_s, 1), "peak_lag_records": int(peak_lag),
                   "cpu_s": cpu, "cpu_percent_of_core": {
                       "service": [round(c / consumed_s * 100) for c in cpu["service"]],
                       "postgres": round(cpu["postgres"] / consumed_s * 100) if cpu["postgres"] is not None else None,
                       "kafka": round(cpu["kafka"] / consumed_s * 100) if cpu["kafka"] is not None else None},
                   "load_before": load_before, "load_after": load()}
        case.results[n] = figures
        res.phases[label] = figures
        key = f"{case.service[0].upper()}{n}"
        res.add(f"{key}a", f"{label}: {case.unit}/s (steady 10-90 %)", figures["rate_per_s"], f"{case.unit}/s",
                note=f"load {load_before}-{figures['load_after']}")
        res.add(f"{key}b", f"{label}: peak consumer lag", peak_lag, "records", note=f"load {load_before}")
        res.add(f"{key}c", f"{label}: relay done after the consumers", figures["relay_after_consumers_s"], "s",
                note=f"load {figures['load_after']}")
        res.add(f"{key}d", f"{label}: CPU per instance / PostgreSQL / Kafka",
                sum(cpu["service"]), "cpu-s",
                note=f"{cpu['service']} / {cpu['postgres']} / {cpu['kafka']} cpu-s in {consumed_s:.1f} s")
    finally:
        for client in clients:
            await client.aclose()
        for instance in instances:
            instance.stop()


async def run_all(args: argparse.Namespace, res: common.Results) -> None:
    cfg = QUICK if args.quick else FULL
    with contextlib.ExitStack() as stack:
        work = common.work_dir(stack, "kinerja-scale-out-", keep=args.keep)
        print("starting PostgreSQL and Kafka ...", flush=True)
        infra = await common.start_infra(stack, work, res, postgres_url=args.postgres_url,
                                         kafka_bootstrap=args.kafka_bootstrap)
        res.machine["postgres_version"], res.settings["postgres"] = await common.postgres_facts(infra.server_url)
        res.settings["config"] = cfg.__dict__
        res.settings["partitions"] = PARTITIONS
        cases = [
            Case("feedback", events_topic("evaluation"), fanout_events(cfg), cfg.fanout_events * cfg.raters,
                 "SELECT count(*) FROM notifications WHERE $1::text IS NOT NULL",  # a database per case: all ours
                 "notifications"),
            Case("evaluation", events_topic("planning"), planning_facts(cfg), cfg.employees * 3,
                 "SELECT count(*) FROM inbox WHERE consumer = $1", "events"),
        ]
        for case in cases:
            for n in (1, 2):
                await common.run_step(res, f"{case.service} x{n}", lambda c=case, k=n: run_case(
                    infra, res, c, k, cfg, work))
            one, two = case.results.get(1, {}), case.results.get(2, {})
            if one.get("rate_per_s") and two.get("rate_per_s"):
                res.add(f"{case.service[0].upper()}R", f"{case.service}: 2 instances / 1 (same run)",
                        round(two["rate_per_s"] / one["rate_per_s"], 2), "x")


RELAY_PER_DATABASE = 5_445  # events/s one relay published in foundation.py (reports/foundation-latest.md, 3a)


def bottleneck_lines(res: common.Results) -> list[str]:
    """Per case what the processes worked and how soon the relay followed, and what that says."""
    lines = ["## Where the next bottleneck is", ""]
    for label, p in res.phases.items():
        pct = p["cpu_percent_of_core"]
        lines.append(f"- {label}: {p['rate_per_s']}/s; each instance worked {pct['service']} % of one core, "
                     f"PostgreSQL {pct['postgres']} %, Kafka {pct['kafka']} %; the relay was done "
                     f"{p['relay_after_consumers_s']} s after the consumers (load average {p['load_before']}-"
                     f"{p['load_after']}).")
    lines += ["", "Reading: an instance far below one core while its lag stays near the whole backlog is waiting, not "
              "computing: a consumer handles one record at a time, each in its own transaction (inbox row, effects, "
              "commit), so one instance's rate is 1 / the latency of one event, and a second instance holding half "
              "the partitions doubles it. That holds up to one instance per partition "
              f"({PARTITIONS} here, 12 in the manifests); past it more replicas idle as consumers and the partition "
              "count is the ceiling (more partitions, or handling several partitions concurrently inside one "
              "instance, are the next steps). PostgreSQL's share shows how far the database is from being the limit; "
              "the relay, one per database, publishes about "
              f"{RELAY_PER_DATABASE:,} events/s (foundation benchmark), so it limits only when a service writes "
              "thousands of events a second.", ""]
    return lines


def markdown(res: common.Results, seconds: float) -> str:
    lines = [f"# Scale-out benchmark ({res.mode}), {res.started:%Y-%m-%d %H:%M} UTC", "",
             f"Command: `{res.settings.get('command')}`; {seconds:.0f} s.", "", "## Machine", "",
             *common.machine_lines(res), "", *common.results_markdown(res),
             "## How", "",
             "Each case: fresh database, fresh consumer group starting at the topics' end, "
             f"{PARTITIONS} partitions, the instances started and the group divided before the backlog is produced "
             "(as fast as the producer goes). Rate: rows of the count query per second between 10 % and 90 % of the "
             "backlog. Lag: the sum of `kinerja_consumer_lag_records` of the group over the instances, scraped every "
             "second. Relay: until the leader's `kinerja_relay_unpublished_events` is 0. CPU: user+system seconds of "
             "each process tree over the consumption. Load: 1-minute load average before/after.", "",
             *bottleneck_lines(res), "## Details", "", "```json", json.dumps({"phases": res.phases, "details": res.details, "settings":
                                                      res.settings}, indent=2, default=str), "```", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a smaller backlog (~3 min)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (data and service logs)")
    parser.add_argument("--postgres-url", help="use this PostgreSQL server (maintenance database URL)")
    parser.add_argument("--kafka-bootstrap", help="use this Kafka broker")
    args = parser.parse_args()
    configure_logging(service="bench", json=False, level="WARNING")
    res = common.Results(started=datetime.now(UTC).replace(microsecond=0), mode="quick" if args.quick else "full")
    res.settings["command"] = "uv run python tests/benchmarks/scale_out.py" + (" --quick" if args.quick else "")
    res.machine = machine_info()
    res.machine["event_loop"] = common.event_loop_name()
    seconds, interrupted, res.machine["whole_run_cpu"] = common.run_guarded(
        lambda: run_all(args, res), uvloop=res.machine["event_loop"] == "uvloop", errors=res.errors)
    return common.conclude(res, seconds, interrupted, name="scale_out", title="Kinerja scale-out benchmark",
                           render=markdown, extra_lines=[f"- Load average at the end: {os.getloadavg()}"])


if __name__ == "__main__":
    sys.exit(main())
