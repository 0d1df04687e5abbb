#!/usr/bin/env python
"""Realisation write-path benchmark: daily progress entries over HTTP on one planning process (issue 17).

Run from the workspace root::

    uv run --group bench python tests/benchmarks/realisation.py            # 320 employees, 30 s at concurrency 32
    uv run --group bench python tests/benchmarks/realisation.py --quick    # 96 employees, 10 s (smoke run)
    uv run --group bench python tests/benchmarks/realisation.py --py-spy   # also a py-spy profile of the service

It starts its own embedded PostgreSQL and Kafka (``common.start_servers``) and one real ``kinerja-planning``
process, seeds an office through the APIs (the roster in one import, every SKP drafted, submitted and
approved, one entry per SKP so each realisation stream exists), then keeps ``--concurrency`` clients
posting one realisation entry each (``POST /api/v1/plans/{id}/realisation``: one entry with a link as
evidence) for ``--seconds``. A client reports for its own employees in turn (an employee does not report
twice at the same instant), so every stream grows by one entry per request, as at month end.

Figures: requests/s, p50/p95/p99 in ms (target >= 500 req/s and p99 < 100 ms at concurrency 32), the
service's CPU per request, how busy the machine was and its load average. With ``--py-spy`` the service
is sampled during the load (``py-spy record``; the report names the flame graph and the top functions).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import subprocess
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import common  # tests/benchmarks/common.py (the script's folder is on sys.path)
import httpx
import psutil
from common import JWT_SECRET, REPORTS, Figure, Results, make_nip

from kinerja_kernel.auth import mint_token
from kinerja_kernel.infra.postgres import free_port
from kinerja_kernel.infra.processes import ServiceProcess

OFFICE = "KANTOR-REALISASI"
TARGET_RPS = 500.0
TARGET_P99_MS = 100.0


def bearer(nip: str, roles: list[str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(secret=JWT_SECRET, user_id=nip, roles=roles, offices=[OFFICE])}"}


async def bounded(jobs: list[Any], limit: int) -> list[Any]:
    gate = asyncio.Semaphore(limit)

    async def run(job: Any) -> Any:
        async with gate:
            return await job

    return list(await asyncio.gather(*(run(j) for j in jobs)))


async def seed(client: httpx.AsyncClient, employees: list[str], evaluator: str, year: int) -> list[dict[str, str]]:
    """The roster, an approved SKP per employee (one RHK, one IKI), and a first entry on each."""
    hr = bearer(make_nip(3), ["pegawai", "pengelola_kepegawaian"])
    rows = [{"employee_id": evaluator, "name": "Kepala Kantor", "unit_id": "PIMPINAN", "position": "Kepala Kantor",
             "position_type": "jpt", "employment": "pns", "evaluator_id": None, "superior_id": None}]
    rows += [{"employee_id": nip, "name": f"Pegawai {nip[-6:]}", "unit_id": f"SEKSI-{i % 16:02d}",
              "position": "Kepala Seksi", "position_type": "kepala_unit", "employment": "pns",
              "evaluator_id": evaluator, "superior_id": None} for i, nip in enumerate(employees)]
    imported = await client.post(f"/api/v1/offices/{OFFICE}/roster/import", headers=hr,
                                 json={"rows": rows, "reason": "Benchmark"})
    assert imported.status_code == 200, imported.text[:500]
    boss = bearer(evaluator, ["pegawai", "pejabat_penilai", "atasan_penilai"])
    rhk = {"rhk": {"title": "Terselenggaranya layanan", "kind": "utama",
                   "source": {"kind": "perjanjian_kinerja", "reference": f"Perjanjian Kinerja {year}"},
                   "ikis": [{"description": "Jumlah layanan",
                             "targets": [{"aspect": "kuantitas", "value": "100000", "unit": "layanan"}]}]}}

    async def approved(nip: str) -> dict[str, str]:
        me = bearer(nip, ["pegawai"])
        created = await client.post("/api/v1/plans", json={"period_year": year}, headers=me)
        created.raise_for_status()
        plan_id = created.json()["plan_id"]
        added = await client.post(f"/api/v1/plans/{plan_id}/rhks", json=rhk, headers=me)
        added.raise_for_status()
        for step, who in (("submit", me), ("approve", boss)):
            (await client.post(f"/api/v1/plans/{plan_id}/{step}", json={}, headers=who)).raise_for_status()
        plan = {"nip": nip, "plan_id": plan_id, "iki_id": added.json()["rhk"]["ikis"][0]["iki_id"],
                "auth": me["Authorization"]}
        path, body = entry(plan, 0, year)
        (await client.post(path, content=body, headers={**me, "Content-Type": "application/json"})).raise_for_status()
        return plan

    return await bounded([approved(nip) for nip in employees], 8)


def entry(plan: dict[str, str], n: int, year: int) -> tuple[str, ...]:
    """A request's path and body (JSON text) for the n-th entry of a plan: one IKI, one link as evidence."""
    day = min(date(year, 1, 1) + timedelta(days=n % 300), datetime.now(UTC).date() - timedelta(days=1))
    body = json.dumps({"entries": [{
        "iki_id": plan["iki_id"], "value": "1", "occurred_on": day.isoformat(),
        "description": "Melayani permohonan izin harian",
        "evidence": [{"kind": "link", "uri": f"https://arsip.example.go.id/{uuid.uuid4().hex}",
                      "description": "Tanda terima"}]}]})
    return f"/api/v1/plans/{plan['plan_id']}/realisation", body


class KeepAlive:
    """One keep-alive HTTP/1.1 connection: the load's own minimal client. httpx spent as much CPU per request
    as the service itself (4.5 ms), on the same two cores; this reads a status line, headers and a
    ``Content-Length`` body, and nothing else (the service answers every request that way)."""

    def __init__(self, url: str) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.host, self.port = host, int(port)
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post(self, path: str, body: str, authorization: str) -> int:
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        data = body.encode()
        writer.write(f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nAuthorization: {authorization}\r\n"
                     f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n".encode() + data)
        try:
            status = int((await reader.readline()).split()[1])
            length, close = 0, False
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
                elif name.lower() == b"connection" and b"close" in value.lower():
                    close = True
            await reader.readexactly(length)
        except (OSError, IndexError, ValueError, asyncio.IncompleteReadError):
            self.close()
            raise
        if close:
            self.close()
        return status

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


async def load(url: str, plans: list[dict[str, str]], *, concurrency: int, seconds: float,
               year: int) -> tuple[list[float], dict[str, int], float]:
    """``concurrency`` clients, each on its own connection posting entries for its own employees in turn, for
    ``seconds``."""
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    stop_at = time.perf_counter() + seconds

    async def client_loop(w: int) -> None:
        mine = plans[w::concurrency]
        connection = KeepAlive(url)
        n = 1
        while time.perf_counter() < stop_at:
            for plan in mine:
                path, body = entry(plan, n, year)
                t = time.perf_counter()
                try:
                    key = str(await connection.post(path, body, plan["auth"]))
                except (OSError, IndexError, ValueError, asyncio.IncompleteReadError) as exc:
                    key = type(exc).__name__
                latencies.append((time.perf_counter() - t) * 1000)
                statuses[key] = statuses.get(key, 0) + 1
                if time.perf_counter() >= stop_at:
                    connection.close()
                    return
            n += 1
        connection.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(client_loop(w) for w in range(concurrency)))
    return latencies, statuses, time.perf_counter() - t0


def py_spy(pid: int, seconds: float, stamp: str) -> subprocess.Popen[bytes] | None:
    """``py-spy record`` of the service for the load's duration (a speedscope profile in reports/)."""
    exe = Path(sys.executable).parent / "py-spy"
    if not exe.exists():
        print("py-spy is not installed (uv run --group bench ...): no profile")
        return None
    out = REPORTS / f"profile-{stamp}-realisation-service.speedscope.json"
    return subprocess.Popen([str(exe), "record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate", "200", "--gil",
                             "--format", "speedscope", "--output", str(out), "--nonblocking"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


VARIANTS = {"group": {}, "single": {"KINERJA_PLANNING_GROUP_COMMIT": "false"}}
"""Service settings compared in one run: entries committed in shared transactions (the default) or one by one."""


async def run(args: argparse.Namespace, res: Results) -> None:
    year = datetime.now(UTC).year
    employees = [make_nip(1000 + i) for i in range(args.employees)]
    with contextlib.ExitStack() as stack:
        work = common.work_dir(stack, "kinerja-realisasi-", keep=args.keep)
        infra = await common.start_servers(stack, work, res)
        database = await infra.database("planning")
        port = free_port()
        env = {"KINERJA_PLANNING_DATABASE_URL": database, "KINERJA_PLANNING_KAFKA_BOOTSTRAP_SERVERS": infra.bootstrap,
               "KINERJA_PLANNING_HTTP_PORT": str(port), "KINERJA_PLANNING_JWT_SECRET": JWT_SECRET}
        plans: list[dict[str, str]] = []
        for n, variant in enumerate(args.variants):
            service = ServiceProcess("planning", port=port, log_path=work / f"planning-{variant}.log",
                                     env={**env, **VARIANTS[variant]})
            stack.callback(service.stop)
            service.start()
            await asyncio.to_thread(service.wait_healthy, 120)
            if not plans:  # the office is seeded once; each variant then adds entries to the same SKPs
                limits = httpx.Limits(max_connections=8, max_keepalive_connections=8)
                async with httpx.AsyncClient(base_url=service.url, limits=limits, timeout=60) as client:
                    t0 = time.perf_counter()
                    plans = await seed(client, employees, make_nip(2), year)
                res.details["seed_seconds"] = round(time.perf_counter() - t0, 1)
                print(f"seeded {len(plans)} approved SKPs in {res.details['seed_seconds']} s", flush=True)
            print(f"-- {variant}", flush=True)
            await measure(args, res, infra, service, plans, year, key=f"R{n + 1}", variant=variant)
            await asyncio.to_thread(service.stop)


async def measure(args: argparse.Namespace, res: Results, infra: common.Infra, service: ServiceProcess,
                  plans: list[dict[str, str]], year: int, *, key: str, variant: str) -> None:
    """Warm up, then the load for ``args.seconds``: figures ``<key>.1`` ... ``<key>.8``."""
    assert service.process is not None
    ps, me = psutil.Process(service.process.pid), psutil.Process()
    await load(service.url, plans, concurrency=args.concurrency, seconds=2.0, year=year)  # warm-up, not measured
    stamp = f"{res.started:%Y%m%dT%H%M%SZ}-{variant}"
    spy = py_spy(ps.pid, args.seconds, stamp) if args.py_spy else None
    load_before, cpu_before, machine_before = psutil.getloadavg(), ps.cpu_times(), psutil.cpu_times()
    pg_before, client_before = common.tree_cpu(infra.postgres_pid), me.cpu_times()
    latencies, statuses, took = await load(service.url, plans, concurrency=args.concurrency, seconds=args.seconds,
                                           year=year)
    cpu_after, machine_after, load_after = ps.cpu_times(), psutil.cpu_times(), psutil.getloadavg()
    pg_after, client_after = common.tree_cpu(infra.postgres_pid), me.cpu_times()
    if spy is not None:
        _, err = await asyncio.to_thread(spy.communicate)
        res.details[f"py_spy_{variant}"] = err.decode(errors="replace")[-2000:]
    service_cpu = (cpu_after.user + cpu_after.system) - (cpu_before.user + cpu_before.system)
    pg_cpu = pg_after - pg_before if pg_after is not None and pg_before is not None else None
    client_cpu = (client_after.user + client_after.system) - (client_before.user + client_before.system)
    d = common.distribution(latencies)
    ok = statuses.get("201", 0)
    busy = common.machine_cpu(machine_before, machine_after)
    res.details["employees"] = len(plans)
    res.details["concurrency"] = args.concurrency
    res.details[variant] = {"seconds": took, "statuses": statuses, "latency_ms": d, "service_cpu_s": service_cpu,
                            "postgres_cpu_s": pg_cpu, "client_cpu_s": client_cpu, "machine_during_load": busy,
                            "load_average_before": load_before, "load_average_after": load_after}
    if ok != len(latencies):
        res.errors.append(f"{variant}: {len(latencies) - ok} of {len(latencies)} requests failed: {statuses}")
    note = (f"{len(latencies):,} requests, {ok:,} created; machine {busy.get('busy_percent')} % busy, "
            f"load average {load_before[0]:.1f} -> {load_after[0]:.1f}")
    per = 1000 / max(len(latencies), 1)
    for k, name, value, unit, extra in (
            ("1", f"entries/s over HTTP, concurrency {args.concurrency}", len(latencies) / took, "req/s",
             {"target": TARGET_RPS, "note": note}),
            ("2", "request latency p50", d.get("p50"), "ms", {}),
            ("3", "request latency p95", d.get("p95"), "ms", {}),
            ("4", "request latency p99", d.get("p99"), "ms", {"target": TARGET_P99_MS, "higher_is_better": False}),
            ("5", "service CPU per request", service_cpu * per, "ms",
             {"note": "user+system of the planning process (relay and transparency log included)"}),
            ("6", "entries/s one core of the service would serve", 1000 / (service_cpu * per), "req/s",
             {"note": "1000 / service CPU per request: the process's own ceiling, whatever else runs"}),
            ("7", "PostgreSQL CPU per request", pg_cpu * per if pg_cpu is not None else None, "ms",
             {"note": "all of the server's processes (backends, WAL writer, checkpointer)"}),
            ("8", "load client CPU per request", client_cpu * per, "ms",
             {"note": "this script's minimal keep-alive client, on the same 2 cores"})):
        res.add(Figure(f"{key}.{k}", f"{variant}: {name}", value, unit, **extra))


def markdown(res: Results, seconds: float) -> str:
    d = res.details
    during = [f"- During the `{v}` load ({d[v]['seconds']:.0f} s, statuses {d[v]['statuses']}): "
              f"{d[v]['machine_during_load']}; load average {[round(x, 1) for x in d[v]['load_average_before']]} -> "
              f"{[round(x, 1) for x in d[v]['load_average_after']]}" for v in VARIANTS if v in d]
    return "\n".join([
        f"# Realisation write-path benchmark — {res.started:%Y-%m-%d %H:%M:%S} UTC ({res.mode})", "",
        f"Total run time {seconds:.0f} s. One `kinerja-planning` process at a time; {d.get('employees')} employees "
        f"with an approved SKP; {d.get('concurrency')} clients each posting one entry (one link as evidence) per "
        "request on its own keep-alive connection. Variants, one after the other on the same database: `group` "
        "(entries of concurrent requests committed together, the default) and `single` "
        "(`KINERJA_PLANNING_GROUP_COMMIT=false`).", "",
        "## Machine", "", *common.machine_lines(res), *during, "(other sessions share the machine)", "",
        *common.results_markdown(res)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="96 employees, 10 s")
    parser.add_argument("--employees", type=int)
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--py-spy", action="store_true", help="sample the service with py-spy during the load")
    parser.add_argument("--variants", nargs="+", choices=sorted(VARIANTS), default=["group", "single"],
                        help="service settings to measure, one after the other in this run")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    args.employees = args.employees or (96 if args.quick else 320)
    args.seconds = args.seconds or (10.0 if args.quick else 30.0)
    res = Results(started=datetime.now(UTC).replace(microsecond=0), mode="quick" if args.quick else "full")
    res.machine = common.machine_info(["asyncpg", "fastapi", "uvicorn", "pydantic", "httpx"])
    res.machine["event_loop"] = "uvloop"
    seconds, interrupted, res.machine["whole_run_cpu"] = common.run_guarded(lambda: run(args, res), uvloop=True,
                                                                             errors=res.errors)
    return common.conclude(res, seconds, interrupted, name="realisation",
                           title="Realisation write-path benchmark", render=markdown)


if __name__ == "__main__":
    sys.exit(main())
