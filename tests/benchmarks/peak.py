#!/usr/bin/env python
"""Month-end peak: an agency's people on the real services and the portal, with Locust, steady then a burst.

Run from the workspace root::

    uv run python tests/benchmarks/peak.py                         # 1,000 employees, 60 s steady, 30 s burst
    uv run python tests/benchmarks/peak.py --employees 1000 3000   # how each page's cost grows with the agency
    uv run python tests/benchmarks/peak.py --employees 10000 --offices 2
    uv run python tests/benchmarks/peak.py --quick                 # 200 employees, 20 s + 15 s (smoke run)

It starts its own embedded PostgreSQL and Kafka (free ports, temporary directory), the four services and
the portal as processes (``ServiceProcess``, as ``make run`` and the e2e tests do), creates the agency through
the public APIs (``agency.py``: roster import, cascaded approved SKPs, a month of daily entries with
evidence, interactions, feedback, the evaluation period opened), then runs Locust headless
(``peak_locust.py``, in its own process: Locust patches with gevent) twice per agency size:

1. steady: ``--users`` people signed in, each doing ``--rate`` tasks a second;
2. burst: ten times as many people (``--burst-factor``) at the same pace, ten times the load.

Per endpoint and page it reports requests/s, p50/p95/p99/max and errors, and per service process its CPU (%
of one core) and peak RSS (psutil, sampled every second), and, with several sizes, how each page's p50
grows from the smallest agency to the largest (an N+1 shows as growth with the size). Several sizes are
created one after the other in the same stack (each its own offices), so the larger one also carries the
smaller one's data. It writes ``tests/benchmarks/reports/peak-<UTC>.md`` / ``.json`` and ``peak-latest.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import common  # tests/benchmarks/common.py (the script's folder is on sys.path)
import psutil
from agency import build_agency, create, last_month

from kinerja_kernel.infra.postgres import create_database, free_port
from kinerja_kernel.infra.processes import ServiceProcess
from kinerja_kernel.logging import configure_logging

HERE = Path(__file__).resolve().parent
BACKENDS = ("planning", "evaluation", "feedback", "career")
LOCUSTFILE = HERE / "peak_locust.py"


# ------------------------------------------------------------------------------------------------
# the stack: four services and the portal on the benchmark's PostgreSQL and Kafka
# ------------------------------------------------------------------------------------------------
async def start_stack(infra: common.Infra, stack: contextlib.ExitStack, work: Path) -> dict[str, ServiceProcess]:
    processes: dict[str, ServiceProcess] = {}
    for name in BACKENDS:
        database = await create_database(infra.server_url, f"peak_{name}_{uuid.uuid4().hex[:6]}")
        prefix = f"KINERJA_{name.upper()}_"
        port = free_port()
        processes[name] = ServiceProcess(name, port=port, log_path=work / "logs" / f"{name}.log", env={
            f"{prefix}DATABASE_URL": database, f"{prefix}KAFKA_BOOTSTRAP_SERVERS": infra.bootstrap,
            f"{prefix}HTTP_PORT": str(port), f"{prefix}JWT_SECRET": common.JWT_SECRET,
            f"{prefix}ENVIRONMENT": "test", f"{prefix}LOG_LEVEL": "WARNING",
            **({"KINERJA_PLANNING_BLOB_DIR": str(work / "blobs")} if name == "planning" else {})})
        stack.callback(processes[name].stop)
        processes[name].start()
    for process in processes.values():
        await asyncio.to_thread(process.wait_healthy, 180)
    port = free_port()
    processes["portal"] = ServiceProcess("portal", port=port, log_path=work / "logs" / "portal.log", env={
        **{f"KINERJA_PORTAL_{name.upper()}_URL": processes[name].url for name in BACKENDS},
        "KINERJA_PORTAL_HTTP_PORT": str(port), "KINERJA_PORTAL_JWT_SECRET": common.JWT_SECRET,
        "KINERJA_PORTAL_ENVIRONMENT": "test", "KINERJA_PORTAL_LOG_LEVEL": "WARNING"})
    stack.callback(processes["portal"].stop)
    processes["portal"].start()
    await asyncio.to_thread(processes["portal"].wait_healthy, 120)
    return processes


# ------------------------------------------------------------------------------------------------
# one Locust phase: the load in its own process, the services' CPU and memory sampled beside it
# ------------------------------------------------------------------------------------------------
class Sampler:
    """CPU (% of one core, process tree) and RSS of each service process, every second."""

    def __init__(self, processes: dict[str, ServiceProcess]) -> None:
        self.procs = {name: psutil.Process(p.process.pid) for name, p in processes.items() if p.process is not None}
        self.rss: dict[str, list[float]] = {name: [] for name in self.procs}
        self.cpu0: dict[str, float | None] = {}
        self.t0 = 0.0

    async def run(self, stop: asyncio.Event) -> dict[str, dict[str, float | None]]:
        self.t0 = time.perf_counter()
        self.cpu0 = {name: common.tree_cpu(p.pid) for name, p in self.procs.items()}
        while not stop.is_set():
            for name, proc in self.procs.items():
                with contextlib.suppress(psutil.Error):
                    self.rss[name].append(proc.memory_info().rss / 2**20)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)
        wall = time.perf_counter() - self.t0
        out: dict[str, dict[str, float | None]] = {}
        for name, proc in self.procs.items():
            before, after = self.cpu0.get(name), common.tree_cpu(proc.pid)
            cpu = None if before is None or after is None else (after - before) / wall * 100
            out[name] = {"cpu_percent_of_one_core": cpu, "rss_peak_mib": max(self.rss[name], default=None),
                         "rss_mean_mib": sum(self.rss[name]) / len(self.rss[name]) if self.rss[name] else None}
        return out


class Spy:
    """``py-spy record`` on one process during a phase (``--py-spy``): raw folded stacks of the threads not
    waiting on I/O (idle ones are not sampled), summarised as the functions most often on the stack (inclusive)
    and at its top (own time). Many samples with little CPU (psutil) mean the process waited for a core."""

    def __init__(self, pid: int, raw: Path) -> None:
        self.raw = raw
        command = [found] if (found := shutil.which("py-spy")) else ["uvx", "py-spy"]
        self.proc = subprocess.Popen([*command, "record", "-p", str(pid), "-r", "50", "--nonblocking",
                                      "--format", "raw", "-o", str(raw)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)

    async def finish(self) -> dict[str, Any]:
        self.proc.send_signal(signal.SIGINT)  # py-spy writes its samples on SIGINT
        with contextlib.suppress(subprocess.TimeoutExpired):
            await asyncio.to_thread(self.proc.wait, 60)
        inclusive: dict[str, int] = {}
        own: dict[str, int] = {}
        total = 0
        with contextlib.suppress(OSError):
            for line in self.raw.read_text().splitlines():
                stack, _, count = line.rpartition(" ")
                if not stack or not count.isdigit():
                    continue
                frames, n = stack.split(";"), int(count)
                total += n
                for frame in set(frames):
                    inclusive[frame] = inclusive.get(frame, 0) + n
                own[frames[-1]] = own.get(frames[-1], 0) + n

        def top(found: dict[str, int]) -> list[list[Any]]:
            return [[f, n, round(100 * n / total, 1)] for f, n in sorted(found.items(), key=lambda kv: -kv[1])[:25]]

        return {"samples": total, "inclusive": top(inclusive), "own": top(own)}


SPAWN_SECONDS = 5  # everyone is started within 5 s; the statistics start once all are (--reset-stats)


def locust_command(users: int, seconds: float, csv_prefix: Path, host: str) -> list[str]:
    return [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary",
            "-u", str(users), "-r", f"{max(1.0, users / SPAWN_SECONDS):g}", "-t", f"{int(seconds) + SPAWN_SECONDS}s",
            "--reset-stats", "--csv", str(csv_prefix), "--host", host, "--stop-timeout", "10",
            "--loglevel", "WARNING"]


def read_stats(csv_prefix: Path) -> list[dict[str, Any]]:
    """Locust's ``<prefix>_stats.csv``: one row per request name (and the aggregate)."""
    path = csv_prefix.with_name(csv_prefix.name + "_stats.csv")
    rows = []
    with contextlib.suppress(OSError), path.open() as f:
        for row in csv.DictReader(f):
            def num(key: str, row: dict[str, str] = row) -> float | None:
                value = row.get(key)
                return float(value) if value not in (None, "", "N/A") else None

            rows.append({"name": row["Name"], "method": row["Type"], "requests": int(row["Request Count"]),
                         "failures": int(row["Failure Count"]), "rps": num("Requests/s"), "p50": num("50%"),
                         "p95": num("95%"), "p99": num("99%"), "max": num("Max Response Time"),
                         "mean": num("Average Response Time")})
    return rows


def read_failures(csv_prefix: Path) -> list[dict[str, str]]:
    path = csv_prefix.with_name(csv_prefix.name + "_failures.csv")
    with contextlib.suppress(OSError), path.open() as f:
        return [{"name": r["Name"], "error": r["Error"][:300], "occurrences": r["Occurrences"]}
                for r in csv.DictReader(f)]
    return []


async def phase(name: str, *, users: int, seconds: float, rate: float, agency_path: Path,
                processes: dict[str, ServiceProcess], work: Path, spy: tuple[str, ...] = ()) -> dict[str, Any]:
    csv_prefix = work / f"locust-{name}"
    env = {**os.environ, "KINERJA_PEAK_AGENCY": str(agency_path), "KINERJA_PEAK_SECRET": common.JWT_SECRET,
           "KINERJA_PEAK_RATE": str(rate),
           "KINERJA_PEAK_URLS": json.dumps({n: p.url for n, p in processes.items()})}
    print(f"  {name}: {users} users x {rate:g} tasks/s for {seconds:g} s ...", flush=True)
    stop = asyncio.Event()
    sampler = Sampler(processes)
    sampling = asyncio.create_task(sampler.run(stop))
    spies = {n: Spy(p.process.pid, work / f"pyspy-{name}-{n}.txt") for n, p in processes.items()
             if n in spy and p.process is not None}
    cpu0 = psutil.cpu_times()
    children0, wall0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    log = (work / f"locust-{name}.log").open("wb")
    try:
        locust = await asyncio.create_subprocess_exec(*locust_command(users, seconds, csv_prefix,
                                                                      processes["portal"].url),
                                                      env=env, stdout=log, stderr=subprocess.STDOUT, cwd=common.ROOT)
        try:
            code = await asyncio.wait_for(locust.wait(), seconds + 120)
        except TimeoutError:
            locust.kill()
            code = await locust.wait()
    finally:
        log.close()
        stop.set()
        resources = await sampling
        profiles = {n: await s.finish() for n, s in spies.items()}
    children1 = resource.getrusage(resource.RUSAGE_CHILDREN)  # Locust is the one child reaped meanwhile
    locust_cpu = (children1.ru_utime + children1.ru_stime - children0.ru_utime - children0.ru_stime)
    resources["locust (load generator)"] = {"cpu_percent_of_one_core": locust_cpu / (time.perf_counter() - wall0) * 100,
                                            "rss_peak_mib": None, "rss_mean_mib": None}
    stats = read_stats(csv_prefix)
    return {"users": users, "rate_per_user": rate, "seconds": seconds, "locust_exit": code, "stats": stats,
            "failures": read_failures(csv_prefix), "processes": resources, "profiles": profiles,
            "machine": common.machine_cpu(cpu0, psutil.cpu_times()),
            "load_average": [round(x, 1) for x in psutil.getloadavg()]}


# ------------------------------------------------------------------------------------------------
# the run
# ------------------------------------------------------------------------------------------------
async def run_all(args: argparse.Namespace, res: common.Results) -> None:
    year, month = last_month()
    with contextlib.ExitStack() as stack:
        work = common.work_dir(stack, "kinerja-bench-peak-", keep=args.keep)
        infra = await common.start_servers(stack, work, res)
        print("starting the four services and the portal ...", flush=True)
        processes = await start_stack(infra, stack, work)
        try:
            for k, size in enumerate(args.employees):
                agency = build_agency(offices=args.offices, employees=size, seed=args.seed + k, year=year,
                                      month=month, office_prefix=f"A{k + 1}-KANTOR")
                print(f"\n== agency of {agency.size:,} ({len(agency.offices)} offices, "
                      f"{sum(len(o.units) for o in agency.offices)} units, {year}-{month:02d}) ==", flush=True)
                t0 = time.perf_counter()
                cpu0 = psutil.cpu_times()
                created = await create(agency, {n: processes[n].url for n in ("planning", "evaluation", "feedback")},
                                       common.JWT_SECRET, concurrency=args.concurrency,
                                       log=lambda line: print(line, flush=True))
                generation = {"seconds": round(time.perf_counter() - t0, 1), "steps": created["seconds"],
                              "counts": created["counts"], "machine": common.machine_cpu(cpu0, psutil.cpu_times())}
                agency_path = work / f"agency-{size}.json"
                agency_path.write_text(json.dumps(created))
                # the month was created in minutes: let relays and consumers absorb it, as they would have
                caught_up = await common.wait_caught_up(
                    {n: p.url for n, p in processes.items() if n != "portal"}, timeout=args.catch_up,
                    log=lambda line: print(line, flush=True))
                generation["catch_up"] = caught_up
                if not caught_up["caught_up"]:
                    res.errors.append(f"{size}: consumers still behind after {args.catch_up:.0f} s: "
                                      f"{caught_up['backlog']}")
                await asyncio.sleep(args.settle)
                runs = {}
                for name, users in (("steady", args.users), ("burst", args.users * args.burst_factor)):
                    seconds = args.steady_seconds if name == "steady" else args.burst_seconds
                    runs[name] = await phase(f"{size}-{name}", users=users, seconds=seconds, rate=args.rate,
                                             agency_path=agency_path, processes=processes, work=work,
                                             spy=tuple(args.py_spy) if name == "burst" else ())
                    summarise(res, size, name, runs[name])
                res.details.setdefault("sizes", {})[str(size)] = {"people": agency.size, "offices": len(agency.offices),
                                                                   "generation": generation, "runs": runs}
        finally:
            res.details["service_logs"] = {n: common.log_problems(p.log_path) for n, p in processes.items()}
            for p in reversed(processes.values()):  # the portal first: it calls the others to its last request
                p.stop()
            print("\nstopping the services, Kafka and PostgreSQL ...", flush=True)


def catch_up_line(caught: dict[str, Any] | None) -> list[str]:
    if not caught:
        return []
    state = "caught up" if caught["caught_up"] else f"still behind ({caught['backlog']})"
    return ["", f"Relays and consumers {state} {caught['seconds']} s after the agency was created (measured only "
                "then: a month of activity created in minutes is a backlog the services would have absorbed as it came)."]


def summarise(res: common.Results, size: int, name: str, run: dict[str, Any]) -> None:
    total = next((s for s in run["stats"] if s["name"] == "Aggregated"), None)
    if total is None:
        res.errors.append(f"{size} {name}: Locust wrote no statistics (exit {run['locust_exit']})")
        return
    key = f"{size}{name[0]}"
    res.add(key, f"{size:,} employees, {name}: requests/s ({run['users']} users)", total["rps"], "req/s",
            f"{total['requests']:,} requests, {total['failures']:,} failed; machine "
            f"{run['machine'].get('busy_percent')} % busy, load {run['load_average']}")
    res.add(key + "99", f"{size:,} employees, {name}: p99 over every request", total["p99"], "ms",
            f"p50 {common.fmt(total['p50'])} ms, p95 {common.fmt(total['p95'])} ms, max {common.fmt(total['max'])} ms")
    res.check(total["failures"] == 0, f"{size} {name}: {total['failures']} requests failed "
                                      f"({[f['name'] + ': ' + f['error'][:80] for f in run['failures'][:3]]})")


# ------------------------------------------------------------------------------------------------
# the report
# ------------------------------------------------------------------------------------------------
def endpoint_table(run: dict[str, Any]) -> list[str]:
    lines = ["| endpoint / page | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for s in sorted(run["stats"], key=lambda s: (s["name"] == "Aggregated", s["name"])):
        lines.append(f"| {s['name']} | {s['requests']:,} | {common.fmt(s['rps'])} | {common.fmt(s['p50'])} | "
                     f"{common.fmt(s['p95'])} | {common.fmt(s['p99'])} | {common.fmt(s['max'])} | "
                     f"{'**' + str(s['failures']) + '**' if s['failures'] else 0} |")
    return lines


def process_table(run: dict[str, Any]) -> list[str]:
    lines = ["| process | CPU % of one core | RSS peak MiB | RSS mean MiB |", "|---|---:|---:|---:|"]
    for name, r in run["processes"].items():
        lines.append(f"| {name} | {common.fmt(r['cpu_percent_of_one_core'])} | {common.fmt(r['rss_peak_mib'])} | "
                     f"{common.fmt(r['rss_mean_mib'])} |")
    return lines


def growth_table(sizes: dict[str, Any]) -> list[str]:
    """Each endpoint's steady p50 and p95 at the smallest and the largest agency, and the ratio."""
    keys = sorted(sizes, key=int)
    small, large = keys[0], keys[-1]

    def by_name(size: str) -> dict[str, dict[str, Any]]:
        return {s["name"]: s for s in sizes[size]["runs"].get("steady", {}).get("stats", [])}

    a, b = by_name(small), by_name(large)
    lines = [f"| endpoint / page | p50 ms at {int(small):,} | p50 ms at {int(large):,} | p50 ratio | "
             f"p95 ms at {int(small):,} | p95 ms at {int(large):,} |", "|---|---:|---:|---:|---:|---:|"]
    for name in sorted(set(a) & set(b)):
        pa, pb = a[name]["p50"], b[name]["p50"]
        ratio = common.fmt(pb / pa) if pa and pb else "n/a"
        lines.append(f"| {name} | {common.fmt(pa)} | {common.fmt(pb)} | {ratio}× | {common.fmt(a[name]['p95'])} | "
                     f"{common.fmt(b[name]['p95'])} |")
    return lines


def markdown(res: common.Results, seconds: float) -> str:
    sizes: dict[str, Any] = res.details.get("sizes", {})
    lines = [f"# Kinerja month-end peak — {res.started:%Y-%m-%d %H:%M:%S} UTC ({res.mode})", "",
             f"Total run time {seconds:.0f} s. Command: `{res.settings.get('command')}`.",
             "The four services and the portal as processes on one embedded PostgreSQL and one Kafka broker, "
             "with Locust (one process) on the same machine. Employees log realisation and open their SKP, daily "
             "log, home and notifications; supervisors open the team board and dashboard and approve SKPs left "
             "submitted (then comment on entries); HR opens the recap, the office dashboard and overview and "
             "personnel. Steady: `--users` people at `--rate` tasks/s each; burst: "
             f"{res.settings.get('burst_factor')}× the people at the same pace. Each user signs in to the portal "
             "(development sign-in form) when it starts; the statistics start once every user has been started "
             "(Locust `--reset-stats`), so the sign-ins are mostly left out.", "",
             "**The machine is shared with other sessions' tests and benchmarks**: the load average and how busy "
             "it was are given per phase; read the figures as an upper bound of the cost, not as capacity.", "",
             "## Machine", "", *common.machine_lines(res), "", *common.results_markdown(res)]
    for size, data in sorted(sizes.items(), key=lambda kv: int(kv[0])):
        gen = data["generation"]
        lines += [f"## {int(size):,} employees ({data['people']:,} people on the roster, {data['offices']} offices)",
                  "", f"Agency created through the APIs in {gen['seconds']} s (machine {gen['machine'].get('busy_percent')}"
                  " % busy): " + ", ".join(f"{k} {v} s ({gen['counts'].get(k, 0):,})" for k, v in gen["steps"].items()),
                  "", *catch_up_line(gen.get("catch_up")), ""]
        for name, run in data["runs"].items():
            lines += [f"### {name}: {run['users']} users × {run['rate_per_user']:g} tasks/s, {run['seconds']:g} s "
                      f"(machine {run['machine'].get('busy_percent')} % busy, "
                      f"{run['machine'].get('steal_percent')} % stolen; load average {run['load_average']})", "",
                      *endpoint_table(run), "", *process_table(run), ""]
            for process, profile in (run.get("profiles") or {}).items():
                lines += [f"py-spy of {process} during {name}: {profile['samples']:,} samples not waiting on I/O "
                          "at 50/s (at work, or runnable and waiting for a core: compare its CPU above); functions "
                          "on the stack (inclusive) and at its top (own):", "",
                          "| function (inclusive) | % | function (own) | % |", "|---|---:|---|---:|",
                          *[f"| `{a[0]}` | {a[2]} | `{b[0]}` | {b[2]} |"
                            for a, b in zip(profile["inclusive"], profile["own"], strict=False)], ""]
            if run["failures"]:
                lines += ["Failures:", "", *[f"- {f['name']}: {f['error']} ({f['occurrences']}×)"
                                             for f in run["failures"][:15]], ""]
    if len(sizes) > 1:
        lines += ["## How each page's cost grows with the agency (steady phase)", "",
                  "A page whose cost follows the agency's (or the office's) size shows a ratio near the size ratio: "
                  "a query per person (N+1) or a whole-office read where a page needs a team.", "",
                  *growth_table(sizes), ""]
    lines += ["## Details", "", "```json",
              json.dumps({k: v for k, v in res.details.items() if k != "sizes"}, indent=2, default=str), "```", ""]
    return "\n".join(lines)


def growth_report(paths: Sequence[Path]) -> int:
    """``--growth``: the sizes of several runs (each run's own report) in one growth table, written as
    ``reports/peak-growth-<UTC>.md``."""
    sizes: dict[str, Any] = {}
    sources = []
    for path in paths:
        data = json.loads(path.read_text())
        for size, run in data["details"].get("sizes", {}).items():
            sizes[size] = run
            steady = run["runs"].get("steady", {})
            sources.append(f"- {int(size):,} employees: `{path.name}` (steady phase: load average "
                           f"{steady.get('load_average')}, machine {steady.get('machine', {}).get('busy_percent')} % busy)")
    if len(sizes) < 2:
        print("the reports hold fewer than two agency sizes", file=sys.stderr)
        return 2
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    text = "\n".join(["# Kinerja month-end peak: how each page's cost grows with the agency", "",
                      "Steady-phase latencies of separate runs, one size each (same method: measured after relays "
                      "and consumers caught up). Latency on a shared 2-core machine includes waiting for a core: "
                      "compare the ratio with the size ratio.", "", *sources, "", *growth_table(sizes), ""])
    md_path, _ = common.write_text_reports("peak-growth", stamp, text, {"sources": [str(p) for p in paths]},
                                           latest=True)
    print(text)
    print(f"Report: {md_path}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--employees", type=int, nargs="+", default=None, help="agency sizes, one after the other")
    parser.add_argument("--offices", type=int, default=1)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--users", type=int, default=20, help="people signed in during the steady phase")
    parser.add_argument("--rate", type=float, default=0.5, help="tasks per second of each user")
    parser.add_argument("--burst-factor", type=int, default=10)
    parser.add_argument("--steady-seconds", type=float, default=None)
    parser.add_argument("--burst-seconds", type=float, default=None)
    parser.add_argument("--settle", type=float, default=10.0, help="seconds between catching up and measuring")
    parser.add_argument("--catch-up", type=float, default=1800.0,
                        help="at most this many seconds for relays and consumers to absorb the created agency")
    parser.add_argument("--concurrency", type=int, default=8, help="requests at a time while creating the agency")
    parser.add_argument("--quick", action="store_true", help="200 employees, 20 s steady and 15 s burst")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs, Locust CSVs)")
    parser.add_argument("--py-spy", nargs="*", default=[], metavar="PROCESS",
                        help="record these processes (portal, planning ...) with py-spy during each burst")
    parser.add_argument("--growth", nargs="+", type=Path, metavar="REPORT_JSON",
                        help="instead of a run: the growth table of earlier runs' reports (their sizes together)")
    args = parser.parse_args()
    if args.growth:
        return growth_report(args.growth)
    args.employees = args.employees or ([200] if args.quick else [1000])
    args.steady_seconds = args.steady_seconds or (20.0 if args.quick else 60.0)
    args.burst_seconds = args.burst_seconds or (15.0 if args.quick else 30.0)
    configure_logging(service="bench", json=False, level="WARNING")
    res = common.Results(started=datetime.now(UTC).replace(microsecond=0), mode="quick" if args.quick else "full")
    res.settings.update({"command": "uv run python tests/benchmarks/peak.py " + " ".join(sys.argv[1:]),
                         "burst_factor": args.burst_factor, "users": args.users, "rate": args.rate,
                         "employees": args.employees, "offices": args.offices, "seed": args.seed})
    res.machine = common.machine_info(("locust", "asyncpg", "aiokafka", "fastapi", "uvicorn", "httpx", "pydantic"))
    res.machine["event_loop"] = "asyncio (the benchmark); Locust: gevent, own process"
    seconds, interrupted, res.machine["whole_run_cpu"] = common.run_guarded(
        lambda: run_all(args, res), uvloop=False, errors=res.errors)
    return common.conclude(res, seconds, interrupted, name="peak", title="Kinerja month-end peak", render=markdown)


if __name__ == "__main__":
    sys.exit(main())
