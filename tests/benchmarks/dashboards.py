#!/usr/bin/env python
"""Dashboards benchmark: the monitoring dashboards' query endpoints on an office of 2,000 employees.

Run from the workspace root::

    uv run python tests/benchmarks/dashboards.py              # 2,000 employees, 200 requests per dashboard
    uv run python tests/benchmarks/dashboards.py --quick      # 300 employees, 50 requests (smoke run)

It starts its own embedded PostgreSQL and Kafka (``interactions.py``'s set-up) and real ``kinerja-planning``,
``kinerja-evaluation`` and ``kinerja-feedback`` processes, seeds one office through the APIs — the roster in
one bulk import (20 units of ~100 under their heads), every SKP drafted, submitted and approved, a realisation
entry for three in four, the appraisal period opened (evaluation opens an appraisal per approved SKP from
planning's events; feedback learns the roster) — and then asks each dashboard endpoint one request at a
time: per endpoint p50/p95/p99/max in ms (target p99 < 300 ms) and the answer's size.

It prints a table and writes ``tests/benchmarks/reports/dashboards-<UTC>.md`` / ``.json`` (and
``dashboards-latest.md``), with the machine and how busy it was during the measurement.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import common  # tests/benchmarks/common.py (the script's folder is on sys.path)
import httpx
import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from interactions import Results, make_nip, start_infra  # noqa: E402 - the sibling benchmark's set-up

from kinerja_kernel.auth import mint_token  # noqa: E402
from kinerja_kernel.infra.postgres import create_database, free_port  # noqa: E402
from kinerja_kernel.infra.processes import ServiceProcess  # noqa: E402

REPORTS = HERE / "reports"
JWT_SECRET = "kinerja-bench-secret-kinerja-bench-secret"
OFFICE = "KANTOR-BENCH"
TARGET_MS = 300.0
UNITS = 20
SERVICES = ("planning", "evaluation", "feedback", "career")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def headers(nip: str, roles: list[str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(secret=JWT_SECRET, user_id=nip, roles=roles, offices=[OFFICE])}"}


def rhk(title: str, **link: Any) -> dict[str, Any]:
    return {"rhk": {"title": title, "kind": "utama", **link, "ikis": [{
        "description": f"Keluaran {title}", "targets": [
            {"aspect": "kuantitas", "value": "12", "unit": "dokumen"},
            {"aspect": "kualitas", "value": "100", "unit": "%"}, {"aspect": "waktu", "value": "12", "unit": "bulan"}]}]}}


class Office:
    """The seeded office: the leader (JPT), a head per unit (kepala unit), staff, and HR."""

    def __init__(self, employees: int) -> None:
        self.leader = make_nip(1)
        self.top = make_nip(2)  # the leader's evaluator, outside the office's roster
        self.hr = make_nip(3)
        per_unit = max(1, (employees - 2) // UNITS - 1)
        self.heads = [make_nip(10 + u) for u in range(UNITS)]
        self.staff = {h: [make_nip(100 + u * 1000 + i) for i in range(per_unit)] for u, h in enumerate(self.heads)}
        self.rows = [self._row(self.top, "PIMPINAN", "Pimpinan Instansi", "jpt", None, None),
                     self._row(self.leader, "PIMPINAN", "Kepala Kantor", "jpt", self.top, None),
                     self._row(self.hr, "UMUM", "Analis SDM", "ja", self.leader, self.top)]
        for u, head in enumerate(self.heads):
            unit = f"BIDANG-{u + 1:02d}"
            self.rows.append(self._row(head, unit, "Kepala Bidang", "kepala_unit", self.leader, self.top))
            self.rows += [self._row(s, unit, "Analis", "ja", head, self.leader) for s in self.staff[head]]

    @staticmethod
    def _row(nip: str, unit: str, position: str, kind: str, evaluator: str | None, superior: str | None
             ) -> dict[str, Any]:
        return {"employee_id": nip, "name": f"Pegawai {nip[-6:]}", "unit_id": unit, "position": position,
                "position_type": kind, "employment": "pns", "evaluator_id": evaluator, "superior_id": superior}

    @property
    def size(self) -> int:
        return len(self.rows)


async def approve(client: httpx.AsyncClient, nip: str, evaluator: str, title: str, **link: Any) -> dict[str, Any]:
    me = headers(nip, ["pegawai"])
    boss = headers(evaluator, ["pegawai", "pejabat_penilai", "atasan_penilai"])
    created = await client.post("/api/v1/plans", json={"period_year": YEAR}, headers=me)
    created.raise_for_status()
    plan_id = created.json()["plan_id"]
    added = await client.post(f"/api/v1/plans/{plan_id}/rhks", json=rhk(title, **link), headers=me)
    added.raise_for_status()
    for step, who in (("submit", me), ("approve", boss)):
        (await client.post(f"/api/v1/plans/{plan_id}/{step}", json={}, headers=who)).raise_for_status()
    return {"plan_id": plan_id, "rhk_id": added.json()["rhk"]["rhk_id"],
            "iki_id": added.json()["rhk"]["ikis"][0]["iki_id"]}


async def bounded(tasks: list[Any], limit: int) -> list[Any]:
    gate = asyncio.Semaphore(limit)

    async def run(task: Any) -> Any:
        async with gate:
            return await task

    return list(await asyncio.gather(*(run(t) for t in tasks)))


async def seed(urls: dict[str, str], office: Office, log: list[str]) -> dict[str, float]:
    took: dict[str, float] = {}
    hr = headers(office.hr, ["pegawai", "pengelola_kepegawaian"])
    async with httpx.AsyncClient(base_url=urls["planning"], timeout=120) as planning, \
            httpx.AsyncClient(base_url=urls["evaluation"], timeout=60) as evaluation:
        t0 = time.perf_counter()
        for start in range(0, len(office.rows), 5000):  # the import takes 5,000 rows at a time, heads first
            imported = await planning.post(f"/api/v1/offices/{OFFICE}/roster/import", headers=hr,
                                           json={"rows": office.rows[start:start + 5000], "reason": "Benchmark"})
            assert imported.status_code == 200, imported.text[:500]
        took["roster_import_s"] = time.perf_counter() - t0
        opened = await evaluation.post(f"/api/v1/offices/{OFFICE}/periods", headers=hr, json={"period": str(YEAR)})
        assert opened.status_code == 201, opened.text[:500]
        t0 = time.perf_counter()
        agreement = {"source": {"kind": "perjanjian_kinerja", "reference": f"Perjanjian Kinerja {YEAR}"}}
        await approve(planning, office.leader, office.top, "Kinerja kantor", perspective="penerima_layanan",
                      **agreement)
        heads = await bounded([approve(planning, h, office.leader, f"Kinerja bidang {h[-4:]}", **agreement)
                               for h in office.heads], 6)
        jobs = []
        for head, plan in zip(office.heads, heads, strict=True):
            cite = {"intervention": {"plan_id": plan["plan_id"], "rhk_id": plan["rhk_id"]}}
            jobs += [approve(planning, s, head, f"Layanan {s[-4:]}", **cite) for s in office.staff[head]]
        staff_plans = await bounded(jobs, 8)
        took["plans_approved_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        everyone = [s for h in office.heads for s in office.staff[h]]

        async def report(nip: str, plan: dict[str, Any], n: int) -> None:
            response = await planning.post(f"/api/v1/plans/{plan['plan_id']}/realisation",
                                           headers=headers(nip, ["pegawai"]), json={"entries": [{
                                               "iki_id": plan["iki_id"], "value": str(1 + n % 9),
                                               "occurred_on": f"{YEAR}-01-{1 + n % 28:02d}",
                                               "description": "Laporan bulanan"}]})
            response.raise_for_status()

        await bounded([report(nip, plan, n) for n, (nip, plan) in enumerate(zip(everyone, staff_plans, strict=True))
                       if n % 4], 8)
        took["realisation_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        expected = office.size - 2  # the top and HR draft no SKP here
        while True:
            view = await evaluation.get(f"/api/v1/offices/{OFFICE}/appraisal-dashboard", headers=hr,
                                        params={"period": str(YEAR)})
            count = len(view.json().get("appraisals", [])) if view.status_code == 200 else 0
            if count >= expected or time.perf_counter() - t0 > 600:
                break
            await asyncio.sleep(2)
        took["appraisals_opened_wait_s"] = time.perf_counter() - t0
        log.append(f"appraisals opened: {count} of {expected}")
    return took


async def measure(urls: dict[str, str], office: Office, requests: int) -> dict[str, dict[str, Any]]:
    hr = headers(office.hr, ["pegawai", "pengelola_kepegawaian"])
    head = headers(office.heads[0], ["pegawai", "pejabat_penilai", "atasan_penilai"])
    team = f"{len(office.staff[office.heads[0]])} members"
    cases = {
        "planning: office dashboard": ("planning", f"/api/v1/offices/{OFFICE}/dashboard", hr, {"period_year": YEAR}),
        "evaluation: office appraisal dashboard": ("evaluation", f"/api/v1/offices/{OFFICE}/appraisal-dashboard",
                                                   hr, {"period": str(YEAR)}),
        "planning: office dashboard without IKIs (?ikis=false)": (
            "planning", f"/api/v1/offices/{OFFICE}/dashboard", hr, {"period_year": YEAR, "ikis": "false"}),
        "planning: office dashboard page summary (/dashboard/summary, the page's)": (
            "planning", f"/api/v1/offices/{OFFICE}/dashboard/summary", hr, {"period_year": YEAR}),
        "evaluation: office appraisal dashboard (?objections_only=true, the page's)": (
            "evaluation", f"/api/v1/offices/{OFFICE}/appraisal-dashboard", hr,
            {"period": str(YEAR), "objections_only": "true"}),
        "feedback: office dialogue summary": ("feedback", f"/api/v1/offices/{OFFICE}/dialogue-summary", hr,
                                              {"period": str(YEAR)}),
        f"planning: team dashboard ({team})": ("planning", "/api/v1/team/dashboard", head, {"period_year": YEAR}),
        f"evaluation: team appraisal dashboard ({team})": ("evaluation", "/api/v1/team/appraisal-dashboard", head,
                                                 {"period": str(YEAR)}),
        f"feedback: team dialogue summary ({team})": ("feedback", "/api/v1/team/dialogue-summary", head,
                                            {"period": str(YEAR)}),
    }
    results: dict[str, dict[str, Any]] = {}
    clients = {name: httpx.AsyncClient(base_url=url, timeout=30) for name, url in urls.items()}
    try:
        for title, (service, path, who, params) in cases.items():
            times: list[float] = []
            size = 0
            for i in range(requests + 5):
                t0 = time.perf_counter()
                response = await clients[service].get(path, headers=who, params=params)
                elapsed = (time.perf_counter() - t0) * 1000
                assert response.status_code == 200, response.text[:500]
                size = len(response.content)
                if i >= 5:  # the first few warm the connection and the caches
                    times.append(elapsed)
            results[title] = {**common.distribution(times), "bytes": size}
    finally:
        for client in clients.values():
            await client.aclose()
    return results


async def portal_session(url: str, nip: str, roles: list[str]) -> httpx.AsyncClient:
    """A browser-like client signed in to the portal through the development sign-in (cookie session)."""
    client = httpx.AsyncClient(base_url=url, timeout=60, follow_redirects=False)
    page = await client.get("/masuk")
    found = CSRF.search(page.text)
    assert found is not None, page.text[:300]
    signed = await client.post("/masuk", data={"csrf": found.group(1), "demo": nip})
    assert signed.status_code == 303, signed.text[:300]
    return client


async def measure_portal(url: str, office: Office, requests: int) -> dict[str, dict[str, Any]]:
    """The pages as a browser gets them (the portal asks the services, merges and renders), and the largest
    export; fewer requests for the export (it is a download, not a page)."""
    hr = await portal_session(url, office.hr, ["pegawai", "pengelola_kepegawaian"])
    head = await portal_session(url, office.heads[0], ["pegawai", "pejabat_penilai", "atasan_penilai"])
    team = f"{len(office.staff[office.heads[0]])} members"
    query = f"tahun={YEAR}&periode={YEAR}"
    cases = {
        f"portal: /dasbor/tim page ({team})": (head, f"/dasbor/tim?{query}", requests),
        "portal: /dasbor/kantor page (whole office)": (hr, f"/dasbor/kantor?{query}", requests),
        "portal: /rekap page (whole office)": (hr, f"/rekap?{query}", requests),
        "portal: /ekspor/rekap-realisasi.csv (whole office)": (hr, f"/ekspor/rekap-realisasi.csv?{query}",
                                                               max(10, requests // 10)),
        "portal: /ekspor/rekap-realisasi.xlsx (whole office)": (hr, f"/ekspor/rekap-realisasi.xlsx?{query}",
                                                                max(10, requests // 10)),
    }
    results: dict[str, dict[str, Any]] = {}
    try:
        for title, (client, path, count) in cases.items():
            times: list[float] = []
            size = 0
            for i in range(count + 3):
                t0 = time.perf_counter()
                response = await client.get(path)
                elapsed = (time.perf_counter() - t0) * 1000
                assert response.status_code == 200, response.text[:500]
                size = len(response.content)
                if i >= 3:
                    times.append(elapsed)
            results[title] = {**common.distribution(times), "bytes": size}
    finally:
        await hr.aclose()
        await head.aclose()
    return results


def report(res: dict[str, Any]) -> str:
    lines = ["| Endpoint | requests | p50 ms | p95 ms | p99 ms | max ms | answer | p99 < 300 ms |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for title, d in res["results"].items():
        ok = "yes" if d["p99"] < TARGET_MS else "**no**"
        lines.append(f"| {title} | {d['count']} | {common.fmt(d['p50'])} | {common.fmt(d['p95'])} | "
                     f"{common.fmt(d['p99'])} | {common.fmt(d['max'])} | {d['bytes'] / 1024:,.0f} KiB | {ok} |")
    return "\n".join(lines)


YEAR = date.today().year


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--employees", type=int, default=None)
    parser.add_argument("--requests", type=int, default=None)
    args = parser.parse_args()
    employees = args.employees or (300 if args.quick else 2000)
    requests = args.requests or (50 if args.quick else 200)
    office = Office(employees)
    errors: list[str] = []
    log: list[str] = []
    out: dict[str, Any] = {"employees": office.size, "requests_per_endpoint": requests, "year": YEAR}

    async def run() -> None:
        with contextlib.ExitStack() as stack:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kinerja-dash-")))
            infra = await start_infra(stack, work, Results(started=datetime.now(UTC), mode="dashboards"))
            processes: dict[str, ServiceProcess] = {}
            for name in SERVICES:
                database = await create_database(infra.server_url, f"bench_dash_{name}_{uuid.uuid4().hex[:6]}")
                prefix = f"KINERJA_{name.upper()}_"
                port = free_port()
                processes[name] = ServiceProcess(name, port=port, log_path=work / f"{name}.log", env={
                    f"{prefix}DATABASE_URL": database, f"{prefix}KAFKA_BOOTSTRAP_SERVERS": infra.bootstrap,
                    f"{prefix}HTTP_PORT": str(port), f"{prefix}JWT_SECRET": JWT_SECRET,
                    f"{prefix}ENVIRONMENT": "test", f"{prefix}LOG_LEVEL": "WARNING"})
                stack.callback(processes[name].stop)
                processes[name].start()
            demo = [{"nip": nip, "name": f"Pegawai {nip[-6:]}", "roles": roles, "offices": [OFFICE]}
                    for nip, roles in ((office.hr, ["pegawai", "pengelola_kepegawaian"]),
                                       (office.heads[0], ["pegawai", "pejabat_penilai", "atasan_penilai"]))]
            port = free_port()
            portal = ServiceProcess("portal", port=port, log_path=work / "portal.log", env={
                "KINERJA_PORTAL_HTTP_PORT": str(port), "KINERJA_PORTAL_ENVIRONMENT": "test",
                **{f"KINERJA_PORTAL_{n.upper()}_URL": processes[n].url for n in SERVICES},
                "KINERJA_PORTAL_JWT_SECRET": JWT_SECRET, "KINERJA_PORTAL_DEMO_USERS": json.dumps(demo),
                "KINERJA_PORTAL_LOG_LEVEL": "WARNING"})
            stack.callback(portal.stop)
            portal.start()
            for process in [*processes.values(), portal]:
                process.wait_healthy(timeout=120)
            urls = {name: p.url for name, p in processes.items()}
            out["seeding"] = await seed(urls, office, log)
            cpu0 = psutil.cpu_times()
            t0 = time.perf_counter()
            out["results"] = await measure(urls, office, requests)
            out["results"].update(await measure_portal(portal.url, office, requests))
            out["measure_seconds"] = round(time.perf_counter() - t0, 1)
            out["machine_during_measure"] = common.machine_cpu(cpu0, psutil.cpu_times())
            out["load_average"] = [round(x, 2) for x in psutil.getloadavg()]

    seconds, _interrupted, whole = common.run_guarded(run, uvloop=False, errors=errors)
    out["machine"] = common.machine_info(["asyncpg", "fastapi", "uvicorn", "pydantic"])
    out["whole_run_cpu"] = whole
    out["notes"] = log
    out["errors"] = errors
    busy = out.get("machine_during_measure", {})
    machine = [f"- CPU: {out['machine']['cpu_model']} — {out['machine']['logical_cores']} logical cores",
               f"- During the measurement: {busy.get('busy_percent', '?')} % busy, "
               f"{busy.get('steal_percent', '?')} % stolen; load average {out.get('load_average')} "
               "(other sessions share the machine)",
               "- Seeding: " + ", ".join(f"{k} {v:.0f}" for k, v in out.get("seeding", {}).items()),
               f"- Office: {office.size} employees in {UNITS} units; {requests} requests per endpoint, one at a time",
               *(f"- {n}" for n in log)]
    table = report(out) if "results" in out else "(no results)"
    common.print_summary("Dashboards benchmark", seconds, machine, table, errors)
    REPORTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    text = "\n".join([f"# Dashboards benchmark {stamp}", "", *machine, "", table, "",
                      *(f"- error: {e}" for e in errors), ""])
    (REPORTS / f"dashboards-{stamp}.md").write_text(text)
    (REPORTS / "dashboards-latest.md").write_text(text)
    (REPORTS / f"dashboards-{stamp}.json").write_text(json.dumps(out, indent=2, default=str))


if __name__ == "__main__":
    main()
