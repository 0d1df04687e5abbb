#!/usr/bin/env python
"""Agency generator: a realistic agency created through the public HTTP APIs of running services.

Against ``make run`` (its ports and development secret are the defaults)::

    uv run python tests/benchmarks/agency.py --offices 2 --employees 1000 --seed 1
    uv run python tests/benchmarks/agency.py --employees 10000 --offices 10 --out agency.json
    uv run python tests/benchmarks/agency.py --employees 1000 --dry-run     # only what it would create

``--planning`` / ``--evaluation`` / ``--feedback`` / ``--secret`` point it at other services (``peak.py``
starts its own and calls ``create`` directly). The same ``--offices``, ``--employees`` and ``--seed`` give
the same agency (NIPs, names, units, entries, ids), so a second run adds nothing new to the realisation.

Per office: a head of office (JPT, evaluated by the agency head ``top``, who is on the roster and drafts
no SKP), an HR administrator, units of 8 to 25 staff under a unit head (kepala unit), one of them a
front-office unit whose staff count public-service interactions. Through the APIs, in this order:

1. the roster in bulk (``POST /offices/{office}/roster/import``, at most 5,000 rows a request);
2. SKPs: the head of office's and the unit heads' from the office's performance agreement, the staff's
   cascaded from their unit head's RHK (intervention); drafted, submitted and approved — except
   ``--pending`` of the staff's, left submitted for the peak's supervisors to approve;
3. a month of daily realisation (every working day of ``--month``, one bulk request per employee), each
   entry with a link as evidence, and for one employee in ten a PDF uploaded as evidence;
4. public-service interactions for the front-office staff (``POST /interactions``, batches of 1,000);
5. feedback: each unit head appreciates a third of their staff (feedback learns the roster over Kafka);
6. the evaluation period of the year opened in every office (evaluation opens an appraisal per approved
   SKP from planning's events).

``--out`` writes the agency (people, roles, plan and IKI ids, pending plans) as JSON for a load test.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import random
import sys
import time
import uuid
from collections.abc import Awaitable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from common import make_nip

from kinerja_kernel.auth import mint_token

DEV_SECRET_HINT = "kinerja_kernel.cli.DEV_SECRET"  # make run's secret: the default of --secret
WIB = 7  # hours ahead of UTC
FIRST = ("Agus", "Budi", "Citra", "Dewi", "Eko", "Fitri", "Gilang", "Hendra", "Indah", "Joko", "Kartika", "Lestari",
         "Maya", "Nur", "Oktavia", "Putri", "Rizky", "Sari", "Taufik", "Utami", "Wahyu", "Yusuf", "Zahra", "Rina")
LAST = ("Santoso", "Wijaya", "Rahmawati", "Saputra", "Hidayat", "Kusuma", "Nugroho", "Lestari", "Pratama", "Siregar",
        "Harahap", "Simanjuntak", "Wibowo", "Setiawan", "Permana", "Suryani", "Gunawan", "Halim", "Marpaung", "Tanjung")
UNIT_NAMES = ("Umum", "Kepegawaian", "Keuangan", "Perencanaan", "Mutasi", "Pengadaan", "Informasi", "Hukum",
              "Pengawasan", "Data", "Pengembangan", "Layanan")
WORK = ("Menelaah berkas usulan", "Menyusun laporan mingguan", "Memverifikasi data pegawai", "Rapat koordinasi unit",
        "Menginput data ke sistem", "Menyusun konsep surat dinas", "Melayani konsultasi pegawai",
        "Memeriksa kelengkapan dokumen", "Menyusun bahan paparan pimpinan", "Mengarsipkan dokumen keluar")
CHANNELS = ("loket", "telepon", "email", "chat", "daring", "lainnya")
SERVICE_TYPES = ("konsultasi", "pengaduan", "permohonan")
EVIDENCE_PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] "
                b"/Count 0 >> endobj\n% Laporan kegiatan (generated)\ntrailer << /Root 1 0 R >>\n%%EOF\n")


# ------------------------------------------------------------------------------------------------
# the agency as data: deterministic from (offices, employees, seed, year, month), no I/O
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Person:
    nip: str
    name: str
    office_id: str
    unit_id: str
    position: str
    position_type: str
    employment: str
    evaluator_id: str | None
    superior_id: str | None
    roles: tuple[str, ...]

    def row(self) -> dict[str, Any]:
        """The roster import row."""
        return {"employee_id": self.nip, "name": self.name, "unit_id": self.unit_id, "position": self.position,
                "position_type": self.position_type, "employment": self.employment,
                "evaluator_id": self.evaluator_id, "superior_id": self.superior_id}


@dataclass(frozen=True)
class Unit:
    unit_id: str
    name: str
    head: Person
    staff: tuple[Person, ...]
    front_office: bool  # its staff count public-service interactions


@dataclass(frozen=True)
class Office:
    office_id: str
    top: Person  # the agency head: evaluates the head of office, drafts no SKP here
    leader: Person
    hr: Person
    units: tuple[Unit, ...]

    def people(self) -> Iterator[Person]:
        yield self.top
        yield self.leader
        yield self.hr
        for unit in self.units:
            yield unit.head
            yield from unit.staff


@dataclass(frozen=True)
class Agency:
    seed: int
    year: int
    month: int
    offices: tuple[Office, ...]
    pending: frozenset[str]  # staff whose SKP stays submitted (the peak's supervisors approve it)

    @property
    def size(self) -> int:
        return sum(1 for office in self.offices for _ in office.people())

    def working_days(self) -> list[date]:
        first = date(self.year, self.month, 1)
        days = [first + timedelta(days=d) for d in range(31)]
        return [d for d in days if d.month == self.month and d.weekday() < 5]

    def entry_id(self, nip: str, day: date, n: int = 0) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"kinerja-agency/{self.seed}/{nip}/{day}/{n}"))

    def daily_entries(self, person: Person, iki_id: str, plan_id: str) -> list[dict[str, Any]]:
        """A working month of the person's daily log, one entry a day with a link as evidence."""
        rng = random.Random(f"{self.seed}/entries/{person.nip}")
        entries = []
        for day in self.working_days():
            if rng.random() < 0.08:  # leave, sickness, training
                continue
            entries.append({
                "entry_id": self.entry_id(person.nip, day), "iki_id": iki_id, "value": str(rng.randint(1, 3)),
                "occurred_on": str(day), "description": rng.choice(WORK),
                "evidence": [{"kind": "link", "description": "Dokumen kegiatan",
                              "uri": f"https://arsip.kinerja.example/{person.office_id}/{plan_id}/{day}.pdf"}],
            })
        return entries

    def interactions(self, person: Person) -> list[dict[str, Any]]:
        """The month's public-service interactions a front-office employee handled."""
        rng = random.Random(f"{self.seed}/interactions/{person.nip}")
        out = []
        for day in self.working_days():
            for n in range(rng.randint(3, 12)):
                at = datetime(day.year, day.month, day.day, 8, 0, tzinfo=UTC) - timedelta(hours=WIB) + timedelta(
                    minutes=rng.randint(0, 7 * 60))
                out.append({"interaction_id": self.entry_id(person.nip, day, n + 1), "employee_id": person.nip,
                            "office_id": person.office_id, "channel": rng.choice(CHANNELS),
                            "service_type": rng.choice(SERVICE_TYPES),
                            "occurred_at": at.isoformat().replace("+00:00", "Z"),
                            "satisfaction": None if rng.random() < 0.2 else rng.randint(3, 5)})
        return out

    def feedback(self) -> list[tuple[Person, Person, str]]:
        """(author, employee, text): each unit head appreciates a third of the unit's staff."""
        out = []
        for office in self.offices:
            for unit in office.units:
                rng = random.Random(f"{self.seed}/feedback/{unit.unit_id}/{office.office_id}")
                for person in unit.staff:
                    if rng.random() < 1 / 3:
                        out.append((unit.head, person, f"Terima kasih atas kerja {rng.choice(WORK).lower()} "
                                                       "bulan ini: rapi dan tepat waktu."))
        return out


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def build_agency(*, offices: int, employees: int, seed: int, year: int, month: int, pending: float = 0.05,
                 office_prefix: str = "KANTOR") -> Agency:
    """The agency: ``employees`` people (at least 20 an office) in ``offices`` offices, from ``seed``."""
    if offices < 1 or employees < 20 * offices:
        raise ValueError("at least one office and 20 employees an office")
    rng = random.Random(seed)
    counter = iter(range(1_000_000 + (seed % 40) * 200_000, 10**9))  # NIPs: distinct per seed and person

    def person(office_id: str, unit_id: str, position: str, kind: str, evaluator: Person | None,
               superior: Person | None, roles: tuple[str, ...]) -> Person:
        return Person(nip=make_nip(next(counter)), name=_name(rng), office_id=office_id, unit_id=unit_id,
                      position=position, position_type=kind, employment="pppk" if rng.random() < 0.12 else "pns",
                      evaluator_id=evaluator.nip if evaluator else None, superior_id=superior.nip if superior else None,
                      roles=roles)

    boss_roles = ("pegawai", "pejabat_penilai", "atasan_penilai")
    built = []
    left = employees
    for o in range(offices):
        office_id = f"{office_prefix}-{o + 1:02d}"
        size = left // (offices - o)
        left -= size
        top = person(office_id, "PIMPINAN-INSTANSI", "Kepala Badan", "jpt", None, None, boss_roles)
        leader = person(office_id, "PIMPINAN", "Kepala Kantor Regional", "jpt", top, None, boss_roles)
        hr = person(office_id, "BAGIAN-UMUM", "Analis SDM Aparatur", "ja", leader, top,
                    ("pegawai", "pengelola_kepegawaian"))
        staff_total = size - 3
        units = []
        u = 0
        while staff_total > 0:
            n = min(staff_total - 1, rng.randint(8, 25))
            if staff_total - 1 - n < 9:  # do not leave a unit too small to be one: this one takes the rest
                n = staff_total - 1
            unit_id = f"BIDANG-{u + 1:03d}"
            name = UNIT_NAMES[u % len(UNIT_NAMES)]
            head = person(office_id, unit_id, f"Kepala Bidang {name}", "kepala_unit", leader, top, boss_roles)
            staff = tuple(person(office_id, unit_id, f"{rng.choice(('Analis', 'Pengelola', 'Pranata'))} {name}",
                                 rng.choice(("ja", "ja", "jf")), head, leader, ("pegawai",)) for _ in range(n))
            units.append(Unit(unit_id=unit_id, name=name, head=head, staff=staff, front_office=u == 0))
            staff_total -= n + 1
            u += 1
        built.append(Office(office_id=office_id, top=top, leader=leader, hr=hr, units=tuple(units)))
    everyone = [p.nip for office in built for unit in office.units for p in unit.staff]
    waiting = frozenset(rng.sample(everyone, round(len(everyone) * pending)))
    return Agency(seed=seed, year=year, month=month, offices=tuple(built), pending=waiting)


def last_month(today: date | None = None) -> tuple[int, int]:
    """The month before this one in WIB: a whole month of daily entries lies behind it."""
    now = today or (datetime.now(UTC) + timedelta(hours=WIB)).date()
    first = now.replace(day=1) - timedelta(days=1)
    return first.year, first.month


# ------------------------------------------------------------------------------------------------
# creating it through the APIs
# ------------------------------------------------------------------------------------------------
@dataclass
class Created:
    """What the services answered: ids a load test needs, and how long each step took."""

    plans: dict[str, dict[str, str]] = field(default_factory=dict)  # nip -> plan_id, rhk_id, iki_id(s)
    seconds: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def rhk(title: str, link: dict[str, Any], *, service: bool = False) -> dict[str, Any]:
    """An RHK body: ``link`` is its source (agreement) or intervention (cascade)."""
    ikis: list[dict[str, Any]] = [{"description": f"Jumlah keluaran: {title}", "targets": [
        {"aspect": "kuantitas", "value": "240", "unit": "kegiatan"}, {"aspect": "kualitas", "value": "100", "unit": "%"},
        {"aspect": "waktu", "value": "12", "unit": "bulan"}]}]
    if service:
        ikis.append({"description": "Jumlah layanan publik", "measure": "service_volume",
                     "targets": [{"aspect": "kuantitas", "value": "2000", "unit": "layanan"}]})
    return {"rhk": {"title": title, "kind": "utama", **link, "ikis": ikis}}


class Generator:
    """Creates an :class:`Agency` through the services' HTTP APIs, ``concurrency`` requests at a time."""

    def __init__(self, agency: Agency, urls: dict[str, str], secret: str, *, concurrency: int = 8,
                 log: Any = print) -> None:
        self.agency = agency
        self.urls = urls
        self.secret = secret
        self.gate = asyncio.Semaphore(concurrency)
        self.concurrency = concurrency
        self.log = log
        self.created = Created()
        self.clients: dict[str, httpx.AsyncClient] = {}

    def headers(self, who: Person) -> dict[str, str]:
        token = mint_token(secret=self.secret, user_id=who.nip, roles=list(who.roles), offices=[who.office_id],
                           name=who.name)
        return {"Authorization": f"Bearer {token}"}

    async def call(self, service: str, method: str, path: str, who: Person, *, ok: tuple[int, ...] = (200, 201),
                   **kwargs: Any) -> Any:
        async with self.gate:
            for attempt in range(60):
                r = await self.clients[service].request(method, f"/api/v1{path}", headers=self.headers(who), **kwargs)
                if r.status_code in ok:
                    return r.json() if r.content else None
                # feedback and evaluation learn the roster and the SKPs over Kafka: wait for them
                if r.status_code in (403, 404, 409, 422) and service != "planning" and attempt < 59:
                    await asyncio.sleep(0.5)
                    continue
                raise RuntimeError(f"{method} {service} {path}: {r.status_code} {r.text[:400]}")
        raise AssertionError("unreachable")

    async def step(self, name: str, jobs: Sequence[Awaitable[Any]]) -> list[Any]:
        t0 = time.perf_counter()
        # a few jobs at a time: a job's work before its first request (a month of entries) would otherwise run
        # for every job at once and hold the event loop for seconds, long enough for the services to close
        # idle keep-alive connections under requests already sent (a ReadError at 10,000 employees)
        started = asyncio.Semaphore(4 * self.concurrency)

        async def bounded(job: Awaitable[Any]) -> Any:
            async with started:
                return await job

        done = list(await asyncio.gather(*(bounded(job) for job in jobs)))
        self.created.seconds[name] = round(time.perf_counter() - t0, 1)
        self.created.counts[name] = len(jobs)
        self.log(f"  {name}: {len(jobs):,} in {self.created.seconds[name]} s")
        return done

    async def run(self) -> Created:
        timeout = httpx.Timeout(120)
        # idle connections are dropped before uvicorn's 5 s keep-alive would close them under a new request
        limits = httpx.Limits(max_connections=32, max_keepalive_connections=32, keepalive_expiry=2)
        async with contextlib.AsyncExitStack() as stack:
            for name, url in self.urls.items():
                self.clients[name] = await stack.enter_async_context(
                    httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits))
            await self.roster()
            await self.plans()
            await self.realisation()
            await self.service_interactions()
            await self.feedback()
            await self.periods()
        return self.created

    async def roster(self) -> None:
        async def office_roster(office: Office) -> None:
            rows = [p.row() for p in office.people()]
            for i in range(0, len(rows), 5000):  # at most 5,000 rows a request, in order: leaders come first
                await self.call("planning", "POST", f"/offices/{office.office_id}/roster/import", office.hr,
                                json={"rows": rows[i:i + 5000], "reason": "Impor data pegawai awal"})

        await self.step("roster import (offices)", [office_roster(o) for o in self.agency.offices])

    async def plan(self, who: Person, evaluator: Person, body: dict[str, Any], *, approve: bool = True) -> None:
        year = self.agency.year
        ref = await self.call("planning", "POST", "/plans", who, json={"period_year": year}, ok=(201, 409))
        if "plan_id" not in ref:  # 409: made by an earlier run; look it up
            mine = await self.call("planning", "GET", "/me/plans", who)
            plan = next(p for p in mine if p["period_year"] == year)
            view = await self.call("planning", "GET", f"/plans/{plan['plan_id']}", who)
            self.created.plans[who.nip] = self._ids(view["plan_id"], view["rhks"][0])
            return
        added = await self.call("planning", "POST", f"/plans/{ref['plan_id']}/rhks", who, json=body)
        self.created.plans[who.nip] = self._ids(ref["plan_id"], added["rhk"])
        await self.call("planning", "POST", f"/plans/{ref['plan_id']}/submit", who, json={})
        if approve:
            await self.call("planning", "POST", f"/plans/{ref['plan_id']}/approve", evaluator, json={})
        else:
            self.created.plans[who.nip]["pending"] = "1"

    @staticmethod
    def _ids(plan_id: str, rhk_view: dict[str, Any]) -> dict[str, str]:
        ikis = rhk_view["ikis"]
        out = {"plan_id": str(plan_id), "rhk_id": str(rhk_view["rhk_id"]), "iki_id": str(ikis[0]["iki_id"])}
        if len(ikis) > 1:
            out["service_iki_id"] = str(ikis[1]["iki_id"])
        return out

    async def plans(self) -> None:
        agreement = {"source": {"kind": "perjanjian_kinerja",
                                "reference": f"Perjanjian Kinerja {self.agency.year}"}}
        await self.step("SKP heads of office", [
            self.plan(o.leader, o.top, rhk(f"Kinerja {o.office_id}", {"perspective": "penerima_layanan", **agreement}))
            for o in self.agency.offices])
        units = [(o, u) for o in self.agency.offices for u in o.units]
        await self.step("SKP unit heads", [
            self.plan(u.head, o.leader, rhk(f"Terselenggaranya layanan Bidang {u.name}", agreement))
            for o, u in units])
        jobs = []
        for _office, unit in units:
            head = self.created.plans[unit.head.nip]
            cite = {"intervention": {"plan_id": head["plan_id"], "rhk_id": head["rhk_id"]}}
            jobs += [self.plan(p, unit.head, rhk(f"Dukungan {p.position.lower()}", cite, service=unit.front_office),
                               approve=p.nip not in self.agency.pending) for p in unit.staff]
        await self.step("SKP staff (cascaded)", jobs)

    async def realisation(self) -> None:
        staff = [p for o in self.agency.offices for u in o.units for p in u.staff
                 if p.nip not in self.agency.pending]
        await self.step("daily realisation (a month, one request each)", [self.month_of(p, n)
                                                                          for n, p in enumerate(staff)])

    async def month_of(self, person: Person, n: int) -> None:
        ids = self.created.plans[person.nip]
        entries = self.agency.daily_entries(person, ids["iki_id"], ids["plan_id"])
        if n % 10 == 0 and entries:  # one in ten also uploads a PDF for its last entry
            uploaded = await self.call("planning", "POST", f"/plans/{ids['plan_id']}/evidence", person,
                                       files={"file": ("laporan-kegiatan.pdf", EVIDENCE_PDF, "application/pdf")})
            entries[-1]["evidence"].append({"kind": "file", "sha256": uploaded["sha256"],
                                            "name": "laporan-kegiatan.pdf"})
        if entries:
            await self.call("planning", "POST", f"/plans/{ids['plan_id']}/realisation", person,
                            json={"entries": entries})

    async def service_interactions(self) -> None:
        system = Person(nip="agency-counter-system", name="Sistem Antrian", office_id="", unit_id="", position="",
                        position_type="", employment="", evaluator_id=None, superior_id=None, roles=("system",))
        jobs = []
        for office in self.agency.offices:
            counter = dataclasses.replace(system, office_id=office.office_id)
            found = [i for u in office.units if u.front_office for p in u.staff if p.nip not in self.agency.pending
                     for i in self.agency.interactions(p)]
            jobs += [self.call("planning", "POST", "/interactions", counter, ok=(202,),
                                       json={"interactions": found[i:i + 1000]})
                     for i in range(0, len(found), 1000)]
        await self.step("interaction batches (1,000 each)", jobs)

    async def feedback(self) -> None:
        await self.step("feedback", [
            self.call("feedback", "POST", "/feedback", author, ok=(200, 201, 409), json={
                "employee_id": employee.nip, "kind": "apresiasi", "value": "kolaboratif", "text": text})
            for author, employee, text in self.agency.feedback()])

    async def periods(self) -> None:
        await self.step("evaluation periods opened", [
            self.call("evaluation", "POST", f"/offices/{o.office_id}/periods", o.hr, ok=(201, 409),
                      json={"period": str(self.agency.year)}) for o in self.agency.offices])


def agency_json(agency: Agency, created: Created) -> dict[str, Any]:
    """What a load test needs: every person with roles, office, evaluator and plan ids."""
    people = []
    for office in agency.offices:
        for p in office.people():
            role = ("hr" if p is office.hr else "supervisor" if p.position_type in ("jpt", "kepala_unit")
                    else "employee")
            row = {**asdict(p), "role": role, **created.plans.get(p.nip, {})}
            if role == "employee" and "plan_id" in row and "pending" not in row:
                entries = agency.daily_entries(p, row["iki_id"], row["plan_id"])
                row["entry_id"] = entries[-1]["entry_id"] if entries else None  # one an evaluator can comment on
            people.append(row)
    return {"seed": agency.seed, "year": agency.year, "month": agency.month, "size": agency.size,
            "offices": [o.office_id for o in agency.offices], "people": people,
            "working_days": [str(d) for d in agency.working_days()], "seconds": created.seconds,
            "counts": created.counts}


async def create(agency: Agency, urls: dict[str, str], secret: str, *, concurrency: int = 8,
                 log: Any = print) -> dict[str, Any]:
    """Create ``agency`` through the services at ``urls`` (planning, evaluation, feedback); returns
    :func:`agency_json`."""
    created = await Generator(agency, urls, secret, concurrency=concurrency, log=log).run()
    return agency_json(agency, created)


def main() -> int:
    from kinerja_kernel.cli import DEV_SECRET

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--offices", type=int, default=1)
    parser.add_argument("--employees", type=int, default=1000, help="people in the whole agency (>= 20 an office)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--month", help="YYYY-MM of the daily entries (default: last month, WIB)")
    parser.add_argument("--pending", type=float, default=0.05, help="share of staff SKPs left submitted")
    parser.add_argument("--office-prefix", default="KANTOR")
    parser.add_argument("--planning", default="http://127.0.0.1:8101")
    parser.add_argument("--evaluation", default="http://127.0.0.1:8102")
    parser.add_argument("--feedback", default="http://127.0.0.1:8103")
    parser.add_argument("--secret", default=DEV_SECRET, help=f"the services' JWT secret (default {DEV_SECRET_HINT})")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--out", type=Path, help="write the agency (ids for a load test) as JSON here")
    parser.add_argument("--dry-run", action="store_true", help="print what would be created and stop")
    args = parser.parse_args()
    year, month = (int(x) for x in args.month.split("-")) if args.month else last_month()
    agency = build_agency(offices=args.offices, employees=args.employees, seed=args.seed, year=year, month=month,
                          pending=args.pending, office_prefix=args.office_prefix)
    units = sum(len(o.units) for o in agency.offices)
    print(f"agency: {agency.size:,} people in {len(agency.offices)} offices, {units} units; daily entries for "
          f"{year}-{month:02d} ({len(agency.working_days())} working days); {len(agency.pending)} SKPs left pending")
    if args.dry_run:
        return 0
    urls = {"planning": args.planning, "evaluation": args.evaluation, "feedback": args.feedback}
    t0 = time.perf_counter()
    out = asyncio.run(create(agency, urls, args.secret, concurrency=args.concurrency))
    print(f"created in {time.perf_counter() - t0:.0f} s")
    if args.out:
        args.out.write_text(json.dumps(out, indent=1))
        print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
