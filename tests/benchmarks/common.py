"""What the benchmark scripts share: the facts about the machine a report states, CPU use over a run, and
running a whole benchmark on uvloop (or asyncio) so that Ctrl-C or SIGTERM still writes the report."""

from __future__ import annotations

import asyncio
import contextlib
import platform
import signal
import subprocess
import time
import traceback
from collections.abc import Callable, Coroutine, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import psutil

from kinerja_kernel.infra.kafka import find_kafkactl

ROOT = Path(__file__).resolve().parents[2]


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
