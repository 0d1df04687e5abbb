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


async def load(client: httpx.AsyncClient, plans: list[dict[str, str]], *, concurrency: int, seconds: float,
               year: int) -> tuple[list[float], dict[str, int], float]:
    """``concurrency`` clients, each posting entries for its own employees in turn, for ``seconds``."""
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    stop_at = time.perf_counter() + seconds

    async def client_loop(w: int) -> None:
        mine = plans[w::concurrency]
        n = 1
        while time.perf_counter() < stop_at:
            for plan in mine:
                path, body = entry(plan, n, year)
                t = time.perf_counter()
                try:
                    r = await client.post(path, content=body, headers={
                        "Authorization": plan["auth"], "Content-Type": "application/json"})
                    key = str(r.status_code)
                except httpx.HTTPError as exc:
                    key = type(exc).__name__
                latencies.append((time.perf_counter() - t) * 1000)
                statuses[key] = statuses.get(key, 0) + 1
                if time.perf_counter() >= stop_at:
                    return
            n += 1

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


async def run(args: argparse.Namespace, res: Results) -> None:
    year = datetime.now(UTC).year
    employees = [make_nip(1000 + i) for i in range(args.employees)]
    with contextlib.ExitStack() as stack:
        work = common.work_dir(stack, "kinerja-realisasi-", keep=args.keep)
        infra = await common.start_servers(stack, work, res)
        database = await infra.database("planning")
        port = free_port()
        service = ServiceProcess("planning", port=port, log_path=work / "planning.log", env={
            "KINERJA_PLANNING_DATABASE_URL": database, "KINERJA_PLANNING_KAFKA_BOOTSTRAP_SERVERS": infra.bootstrap,
            "KINERJA_PLANNING_HTTP_PORT": str(port), "KINERJA_PLANNING_JWT_SECRET": JWT_SECRET})
        stack.callback(service.stop)
        service.start()
        await asyncio.to_thread(service.wait_healthy, 120)
        assert service.process is not None
        ps = psutil.Process(service.process.pid)
        limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=args.concurrency)
        async with httpx.AsyncClient(base_url=service.url, limits=limits, timeout=60) as client:
            t0 = time.perf_counter()
            plans = await seed(client, employees, make_nip(2), year)
            res.details["seed_seconds"] = round(time.perf_counter() - t0, 1)
            print(f"seeded {len(plans)} approved SKPs in {res.details['seed_seconds']} s", flush=True)
            await load(client, plans, concurrency=args.concurrency, seconds=2.0, year=year)  # warm-up, not measured
            spy = py_spy(ps.pid, args.seconds, res.started.strftime("%Y%m%dT%H%M%SZ")) if args.py_spy else None
            me = psutil.Process()
            load_before, cpu_before, machine_before = psutil.getloadavg(), ps.cpu_times(), psutil.cpu_times()
            pg_before, client_before = common.tree_cpu(infra.postgres_pid), me.cpu_times()
            latencies, statuses, took = await load(client, plans, concurrency=args.concurrency,
                                                   seconds=args.seconds, year=year)
            cpu_after, machine_after, load_after = ps.cpu_times(), psutil.cpu_times(), psutil.getloadavg()
            pg_after, client_after = common.tree_cpu(infra.postgres_pid), me.cpu_times()
            if spy is not None:
                _, err = await asyncio.to_thread(spy.communicate)
                res.details["py_spy"] = err.decode(errors="replace")[-2000:]
    service_cpu = (cpu_after.user + cpu_after.system) - (cpu_before.user + cpu_before.system)
    pg_cpu = pg_after - pg_before if pg_after is not None and pg_before is not None else None
    client_cpu = (client_after.user + client_after.system) - (client_before.user + client_before.system)
    d = common.distribution(latencies)
    ok = statuses.get("201", 0)
    busy = common.machine_cpu(machine_before, machine_after)
    res.details.update({"employees": len(plans), "concurrency": args.concurrency, "seconds": took,
                        "statuses": statuses, "latency_ms": d, "service_cpu_s": service_cpu, "postgres_cpu_s": pg_cpu,
                        "client_cpu_s": client_cpu,
                        "machine_during_load": busy, "load_average_before": load_before,
                        "load_average_after": load_after})
    if ok != len(latencies):
        res.errors.append(f"{len(latencies) - ok} of {len(latencies)} requests failed: {statuses}")
    note = (f"{len(latencies):,} requests, {ok:,} created; machine {busy.get('busy_percent')} % busy, "
            f"load average {load_before[0]:.1f} -> {load_after[0]:.1f}")
    res.add(Figure("R1", f"Realisation entries/s over HTTP, concurrency {args.concurrency}", len(latencies) / took,
                   "req/s", target=TARGET_RPS, note=note))
    res.add(Figure("R2", "Request latency p50", d.get("p50"), "ms"))
    res.add(Figure("R3", "Request latency p95", d.get("p95"), "ms"))
    res.add(Figure("R4", "Request latency p99", d.get("p99"), "ms", target=TARGET_P99_MS, higher_is_better=False))
    per = 1000 / max(len(latencies), 1)
    res.add(Figure("R5", "Service CPU per request", service_cpu * per, "ms",
                   note="user+system of the planning process (relay and transparency log included)"))
    res.add(Figure("R6", "Entries/s one core of the service would serve", 1000 / (service_cpu * per), "req/s",
                   note="1000 / R5: the process's own ceiling, whatever else runs on the machine"))
    res.add(Figure("R7", "PostgreSQL CPU per request", pg_cpu * per if pg_cpu is not None else None, "ms",
                   note="all of the server's processes (backends, WAL writer, checkpointer)"))
    res.add(Figure("R8", "Load client CPU per request", client_cpu * per, "ms",
                   note="this script (httpx), on the same 2 cores"))


def markdown(res: Results, seconds: float) -> str:
    d = res.details
    return "\n".join([
        f"# Realisation write-path benchmark — {res.started:%Y-%m-%d %H:%M:%S} UTC ({res.mode})", "",
        f"Total run time {seconds:.0f} s. One `kinerja-planning` process; {d.get('employees')} employees with an "
        f"approved SKP; {d.get('concurrency')} clients posting one entry (one link as evidence) per request for "
        f"{d.get('seconds', 0):.0f} s; statuses {d.get('statuses')}.", "",
        "## Machine", "", *common.machine_lines(res),
        f"- During the load: {d.get('machine_during_load')}; load average {d.get('load_average_before')} -> "
        f"{d.get('load_average_after')} (other sessions share the machine)", "",
        *common.results_markdown(res)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="96 employees, 10 s")
    parser.add_argument("--employees", type=int)
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--py-spy", action="store_true", help="sample the service with py-spy during the load")
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
