"""An office driven through the planning HTTP API, for tests of the services downstream of planning.

``UnitDriver`` registers a unit (a leader above, the unit head, staff, an HR administrator) and gets
their SKPs approved, cascaded the way the rules require. It only speaks HTTP, so it works against an
in-process app (``running_app``) and against service processes alike.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx

from kinerja_kernel.auth import Role
from kinerja_kernel.testing.http import bearer

T = TypeVar("T")


def nip(birth_year: int, sequence: int, sex: int = 1, *, salt: int = 0) -> str:
    """A well-formed NIP: born ``birth_year`` (day and month from ``salt``), appointed 25 years later
    (month from ``salt``)."""
    day, month, appointed = salt % 28 + 1, salt // 28 % 12 + 1, salt // 336 % 12 + 1
    return f"{birth_year}{month:02d}{day:02d}{birth_year + 25}{appointed:02d}{sex}{sequence:03d}"


@dataclass
class Person:
    nip: str
    name: str
    headers: dict[str, str]
    plan_id: str | None = None
    rhk_ids: list[str] = field(default_factory=list)


def rhk_body(title: str, amount: int = 12, **link: Any) -> dict[str, Any]:
    return {"rhk": {"title": title, "kind": "utama", **link, "ikis": [{
        "description": f"Jumlah keluaran: {title}", "targets": [
            {"aspect": "kuantitas", "value": str(amount), "unit": "dokumen"},
            {"aspect": "kualitas", "value": "100", "unit": "%"},
            {"aspect": "waktu", "value": "12", "unit": "bulan"}]}]}}


class UnitDriver:
    """One unit of an office: ``leader`` (JPT, leads the unit above and evaluates the head; evaluated by
    ``top``, who is not on the office roster), ``head`` (kepala unit, evaluates the staff), ``staff``,
    ``hr`` and an ``auditor``."""

    def __init__(self, planning: httpx.AsyncClient, secret: str, *, office_id: str, unit_id: str, year: int,
                 staff: int, seed: int = 0) -> None:
        """NIPs are national: tests sharing a broker must not reuse them (another test's events about the
        same NIP would reach this test's consumers), so each driver draws its own birth dates."""
        self.planning = planning
        self.secret = secret
        self.office_id = office_id
        self.unit_id = unit_id
        self.year = year
        salt = random.randrange(336 * 12)
        evaluator_roles = [Role.PEGAWAI, Role.PEJABAT_PENILAI, Role.ATASAN_PENILAI]
        self.top = self.person(nip(1960, seed * 100 + 99, salt=salt), "Pimpinan Instansi", evaluator_roles)
        self.leader = self.person(nip(1965, seed * 100 + 1, salt=salt), "Kepala Kantor", evaluator_roles)
        self.head = self.person(nip(1975, seed * 100 + 2, salt=salt), "Kepala Bidang", evaluator_roles)
        self.hr = self.person(nip(1982, seed * 100 + 3, 2, salt=salt), "Pengelola Kepegawaian",
                              [Role.PEGAWAI, Role.PENGELOLA_KEPEGAWAIAN])
        self.auditor = self.person(nip(1970, seed * 100 + 4, salt=salt), "Auditor", [Role.AUDITOR])
        self.staff = [self.person(nip(1990, seed * 100 + 10 + i, 1 + i % 2, salt=salt), f"Staf {i + 1}", [Role.PEGAWAI])
                      for i in range(staff)]

    def person(self, employee_id: str, name: str, roles: list[Role]) -> Person:
        return Person(employee_id, name, bearer(self.secret, employee_id, roles, [self.office_id]))

    @property
    def everyone(self) -> list[Person]:
        return [self.leader, self.head, *self.staff]

    async def register(self) -> None:
        """The roster: the leader in the office's top unit, the head and staff in this unit."""
        outside = self.top.nip
        rows = [(self.leader, "PIMPINAN", "Kepala Kantor", "jpt", outside, None),
                (self.head, self.unit_id, "Kepala Bidang", "kepala_unit", self.leader.nip, outside),
                (self.hr, "BAGIAN-UMUM", "Analis SDM", "ja", self.leader.nip, outside),
                *((p, self.unit_id, "Analis", "ja", self.head.nip, self.leader.nip) for p in self.staff)]
        for person, unit, position, kind, evaluator, superior in rows:
            response = await self.planning.put(
                f"/api/v1/offices/{self.office_id}/employees/{person.nip}", headers=self.hr.headers,
                json={"name": person.name, "unit_id": unit, "position": position, "position_type": kind,
                      "employment": "pns", "evaluator_id": evaluator, "superior_id": superior})
            assert response.status_code == 200, response.text

    async def approve_plans(self, *, rhks_per_person: int = 2) -> None:
        """Every SKP approved: the leader's and the head's from the performance agreement, the staff's
        citing the head's first RHK."""
        agreement = {"source": {"kind": "perjanjian_kinerja", "reference": f"Perjanjian Kinerja {self.year}"}}
        await self._plan(self.leader, self.top, rhks_per_person, perspective="penerima_layanan", **agreement)
        await self._plan(self.head, self.leader, rhks_per_person, **agreement)
        cite = {"intervention": {"plan_id": self.head.plan_id, "rhk_id": self.head.rhk_ids[0]}}
        for person in self.staff:
            await self._plan(person, self.head, rhks_per_person, **cite)

    async def _plan(self, person: Person, evaluator: Person, count: int, **link: Any) -> None:
        created = await self.planning.post("/api/v1/plans", json={"period_year": self.year}, headers=person.headers)
        assert created.status_code == 201, created.text
        person.plan_id = str(created.json()["plan_id"])
        for i in range(count):
            added = await self.planning.post(f"/api/v1/plans/{person.plan_id}/rhks", headers=person.headers,
                                             json=rhk_body(f"RHK {i + 1} {person.name}", **link))
            assert added.status_code == 201, added.text
            person.rhk_ids.append(str(added.json()["rhk"]["rhk_id"]))
        for step, who in (("submit", person), ("approve", evaluator)):
            response = await self.planning.post(f"/api/v1/plans/{person.plan_id}/{step}", json={},
                                                 headers=who.headers)
            assert response.status_code == 200, response.text

    async def realise(self, person: Person, value: str, occurred_on: str, evidence_uri: str) -> None:
        """One realisation entry with a link as evidence on the person's first RHK's IKI."""
        plan = (await self.planning.get(f"/api/v1/plans/{person.plan_id}", headers=person.headers)).json()
        rhk = plan["rhks"][0]
        response = await self.planning.post(f"/api/v1/plans/{person.plan_id}/realisation", headers=person.headers,
                                            json={"entries": [{
                                                "iki_id": rhk["ikis"][0]["iki_id"], "value": value,
                                                "occurred_on": occurred_on, "description": "Laporan kegiatan",
                                                "evidence": [{"kind": "link", "uri": evidence_uri}]}]})
        assert response.status_code == 201, response.text


async def eventually(probe: Callable[[], Awaitable[T | None]], *, attempts: int = 300, delay: float = 0.1) -> T:
    """Poll ``probe`` until it returns something (events travel through Kafka asynchronously)."""
    for _ in range(attempts):
        found = await probe()
        if found is not None:
            return found
        await asyncio.sleep(delay)
    raise AssertionError(f"nothing after {attempts * delay:.0f}s")
