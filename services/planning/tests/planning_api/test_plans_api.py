"""The planning HTTP API on real PostgreSQL and Kafka: roster, SKP lifecycle, cascading, read models,
bad input, scope and concurrency."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio

from kinerja_kernel.auth import Role
from kinerja_kernel.testing.http import bearer, running_app
from kinerja_planning.config import PlanningSettings
from kinerja_planning.entrypoints.main import create_app

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

OFFICE, UNIT, YEAR = "KANREG-I", "BIDANG-MUTASI", 2026
SUPERIOR = "196801011990031001"  # Kepala Kantor: evaluates the head of division
HEAD = "198001012005011002"  # Kepala Bidang: unit head, evaluates the staff
STAFF = "199001012015011001"
STAFF_2 = "199202022016022002"  # registered, never starts an SKP
HR = "197001012000011003"


def iki_body(**overrides: Any) -> dict[str, Any]:
    return {"description": "Jumlah dokumen yang disusun", "targets": [
        {"aspect": "kuantitas", "value": "12", "unit": "dokumen"},
        {"aspect": "kualitas", "value": "100", "unit": "%"},
        {"aspect": "waktu", "value": "12", "unit": "bulan"}], **overrides}


def rhk_body(**overrides: Any) -> dict[str, Any]:
    return {"title": "Terselenggaranya layanan mutasi pegawai", "kind": "utama", "ikis": [iki_body()], **overrides}


class Office:
    """Tokens and shortcuts for one office's people."""

    def __init__(self, client: httpx.AsyncClient, secret: str) -> None:
        self.client = client
        self.hr = bearer(secret, HR, [Role.PEGAWAI, Role.PENGELOLA_KEPEGAWAIAN], [OFFICE])
        self.superior = bearer(secret, SUPERIOR, [Role.PEGAWAI, Role.PEJABAT_PENILAI, Role.ATASAN_PENILAI], [OFFICE])
        self.head = bearer(secret, HEAD, [Role.PEGAWAI, Role.PEJABAT_PENILAI], [OFFICE])
        self.staff = bearer(secret, STAFF, [Role.PEGAWAI], [OFFICE])

    async def register(self, nip: str, position_type: str, evaluator: str | None, **extra: Any) -> httpx.Response:
        body = {"name": f"Pegawai {nip[-3:]}", "unit_id": UNIT, "position": "Analis", "position_type": position_type,
                "employment": "pns", "evaluator_id": evaluator, "superior_id": SUPERIOR if evaluator == HEAD else None, **extra}
        return await self.client.put(f"/api/v1/offices/{OFFICE}/employees/{nip}", json=body, headers=self.hr)

    async def draft(self, who: dict[str, str]) -> str:
        response = await self.client.post("/api/v1/plans", json={"period_year": YEAR}, headers=who)
        assert response.status_code == 201, response.text
        return str(response.json()["plan_id"])

    async def plan(self, plan_id: str, who: dict[str, str]) -> dict[str, Any]:
        response = await self.client.get(f"/api/v1/plans/{plan_id}", headers=who)
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def post(self, path: str, who: dict[str, str], body: dict[str, Any] | None = None) -> httpx.Response:
        return await self.client.post(f"/api/v1{path}", json=body or {}, headers=who)

    async def approved_head_plan(self) -> tuple[str, str]:
        """The head's SKP approved by the superior; returns (plan id, its RHK id)."""
        plan_id = await self.draft(self.head)
        source = {"kind": "perjanjian_kinerja", "reference": "Perjanjian Kinerja Kepala Bidang 2026"}
        added = await self.post(f"/plans/{plan_id}/rhks", self.head, {"rhk": rhk_body(source=source)})
        assert added.status_code == 201, added.text
        assert (await self.post(f"/plans/{plan_id}/submit", self.head)).status_code == 200
        approved = await self.post(f"/plans/{plan_id}/approve", self.superior)
        assert approved.status_code == 200, approved.text
        return plan_id, str(added.json()["rhk"]["rhk_id"])


@pytest_asyncio.fixture(loop_scope="session")
async def office(database_url: str, kafka_bootstrap: str, jwt_secret: str) -> AsyncIterator[Office]:
    settings = PlanningSettings(database_url=database_url, kafka_bootstrap_servers=kafka_bootstrap,
                                jwt_secret=jwt_secret, environment="test")
    async with running_app(create_app(settings)) as client:
        o = Office(client, jwt_secret)
        for nip, kind, evaluator in ((SUPERIOR, "jpt", "195501011980031001"), (HEAD, "kepala_unit", SUPERIOR),
                                     (STAFF, "ja", HEAD), (STAFF_2, "jf", HEAD)):
            assert (await o.register(nip, kind, evaluator)).status_code == 200
        yield o


class TestCascadeFlow:
    async def test_staff_are_blocked_until_the_head_is_approved_then_cascade_and_get_approved(
        self, office: Office
    ) -> None:
        staff_plan = await office.draft(office.staff)
        options = (await office.client.get(f"/api/v1/me/cascade-options?period_year={YEAR}",
                                           headers=office.staff)).json()
        assert options["rhks"] == [] and "belum menyusun SKP" in options["message"]

        await office.post(f"/plans/{staff_plan}/rhks", office.staff, {"rhk": rhk_body(title="RHK tanpa acuan")})
        blocked = await office.post(f"/plans/{staff_plan}/submit", office.staff)
        assert blocked.status_code == 409
        messages = [e["message"] for e in blocked.json()["errors"]]
        assert any("belum memiliki SKP" in m for m in messages)
        assert any("RHK tanpa acuan" in m for m in messages)
        tree = (await office.client.get(f"/api/v1/offices/{OFFICE}/cascade?period_year={YEAR}",
                                        headers=office.hr)).json()
        assert [b["employee_id"] for b in tree["blocked"]] == [STAFF]

        head_plan, head_rhk = await office.approved_head_plan()
        options = (await office.client.get(f"/api/v1/me/cascade-options?period_year={YEAR}",
                                           headers=office.staff)).json()
        assert [r["rhk_id"] for r in options["rhks"]] == [head_rhk] and options["message"] is None

        view = await office.plan(staff_plan, office.staff)
        loose = view["rhks"][0]
        fixed = {**rhk_body(title=loose["title"]), "intervention": {"plan_id": head_plan, "rhk_id": head_rhk}}
        updated = await office.client.put(f"/api/v1/plans/{staff_plan}/rhks/{loose['rhk_id']}",
                                          json={"rhk": fixed}, headers=office.staff)
        assert updated.status_code == 200, updated.text
        assert (await office.plan(staff_plan, office.staff))["blockers"] == []

        assert (await office.post(f"/plans/{staff_plan}/submit", office.staff)).status_code == 200
        returned = await office.post(f"/plans/{staff_plan}/return", office.head, {"comments": "Naikkan target"})
        assert returned.status_code == 200
        assert (await office.plan(staff_plan, office.staff))["return_comments"] == "Naikkan target"
        assert (await office.post(f"/plans/{staff_plan}/submit", office.staff)).status_code == 200
        assert (await office.post(f"/plans/{staff_plan}/approve", office.head)).status_code == 200

        tree = (await office.client.get(f"/api/v1/offices/{OFFICE}/cascade?period_year={YEAR}",
                                        headers=office.hr)).json()
        assert tree["blocked"] == []
        [root] = [n for n in tree["tree"] if n["rhk_id"] == head_rhk]
        assert [s["employee_id"] for s in root["supporting"]] == [STAFF]

        team = (await office.client.get(f"/api/v1/team/plans?period_year={YEAR}", headers=office.head)).json()
        assert {m["employee_id"]: m["status"] for m in team} == {STAFF: "approved", STAFF_2: "not_started"}
        overview = (await office.client.get(f"/api/v1/offices/{OFFICE}/overview?period_year={YEAR}",
                                            headers=office.hr)).json()
        assert overview["by_unit"][UNIT] == {"approved": 2, "not_started": 2}

    async def test_an_approved_plan_is_revised_with_a_reason_and_closed_by_hr(self, office: Office) -> None:
        head_plan, _ = await office.approved_head_plan()
        assert (await office.post(f"/plans/{head_plan}/revise", office.head, {"reason": "Penugasan baru"})
                ).status_code == 200
        assert (await office.plan(head_plan, office.head))["status"] == "revising"
        assert (await office.post(f"/plans/{head_plan}/close", office.head, {"reason": "akhir periode"})
                ).status_code == 403
        closed = await office.post(f"/plans/{head_plan}/close", office.hr, {"reason": "akhir periode 2026"})
        assert closed.status_code == 200
        view = await office.plan(head_plan, office.hr)
        assert (view["status"], view["revision_reasons"]) == ("closed", ["Penugasan baru"])


class TestPeriod:
    async def test_my_plans_and_closing_the_office_period(self, office: Office) -> None:
        staff_plan = await office.draft(office.staff)
        head_plan, _ = await office.approved_head_plan()
        mine = (await office.client.get("/api/v1/me/plans", headers=office.staff)).json()
        assert [(p["plan_id"], p["status"]) for p in mine] == [(staff_plan, "draft")]
        assert (await office.post(f"/offices/{OFFICE}/periods/{YEAR}/close", office.head, {"reason": "x"})
                ).status_code == 403
        closed = await office.post(f"/offices/{OFFICE}/periods/{YEAR}/close", office.hr,
                                   {"reason": "Akhir periode 2026"})
        assert closed.json() == {"closed": 2}
        assert (await office.plan(staff_plan, office.staff))["status"] == "closed"
        assert (await office.plan(head_plan, office.head))["status"] == "closed"
        again = await office.post(f"/offices/{OFFICE}/periods/{YEAR}/close", office.hr, {"reason": "lagi"})
        assert again.json() == {"closed": 0}


class TestBadInput:
    async def test_an_rhk_without_iki_is_named(self, office: Office) -> None:
        plan_id = await office.draft(office.head)
        response = await office.post(f"/plans/{plan_id}/rhks", office.head, {"rhk": rhk_body(
            ikis=[], source={"kind": "penugasan", "reference": "ST 12/2026"})})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "rhk.ikis"

    async def test_a_target_without_a_unit_is_named(self, office: Office) -> None:
        plan_id = await office.draft(office.head)
        no_unit = iki_body(targets=[{"aspect": "kuantitas", "value": "5"}])
        response = await office.post(f"/plans/{plan_id}/rhks", office.head, {"rhk": rhk_body(
            ikis=[no_unit], source={"kind": "penugasan", "reference": "ST 12/2026"})})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "rhk.ikis.0.targets.0.unit"

    async def test_citing_another_persons_supervisor_or_a_draft_is_refused(self, office: Office) -> None:
        superior_plan = await office.draft(office.superior)  # a draft SKP of someone who is not STAFF's evaluator
        staff_plan = await office.draft(office.staff)
        link = {"plan_id": superior_plan, "rhk_id": str(uuid.uuid4())}
        response = await office.post(f"/plans/{staff_plan}/rhks", office.staff, {"rhk": rhk_body(intervention=link)})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "rhk.intervention.plan_id"
        assert "pejabat penilai Anda" in response.json()["detail"]
        head_draft = await office.draft(office.head)
        link = {"plan_id": head_draft, "rhk_id": str(uuid.uuid4())}
        response = await office.post(f"/plans/{staff_plan}/rhks", office.staff, {"rhk": rhk_body(intervention=link)})
        assert response.status_code == 422
        assert "berstatus 'draf'" in response.json()["detail"]  # the status as a word, not its code

    async def test_someone_not_on_the_roster_cannot_draft(self, office: Office, jwt_secret: str) -> None:
        stranger = bearer(jwt_secret, "199505052020121005", [Role.PEGAWAI], [OFFICE])
        response = await office.client.post("/api/v1/plans", json={"period_year": YEAR}, headers=stranger)
        assert response.status_code == 409
        assert response.json()["errors"][0]["field"] == "employee_id"

    async def test_only_hr_of_the_office_keeps_the_roster(self, office: Office, jwt_secret: str) -> None:
        body = {"name": "X", "unit_id": UNIT, "position": "Analis", "position_type": "ja", "employment": "pns",
                "evaluator_id": HEAD, "superior_id": None}
        url = f"/api/v1/offices/{OFFICE}/employees/199505052020121005"
        assert (await office.client.put(url, json=body, headers=office.head)).status_code == 403
        hr_elsewhere = bearer(jwt_secret, HR, [Role.PENGELOLA_KEPEGAWAIAN], ["KANREG-II"])
        assert (await office.client.put(url, json=body, headers=hr_elsewhere)).status_code == 403
        bad = await office.client.put(url, json={**body, "evaluator_id": "123"}, headers=office.hr)
        assert bad.status_code == 422
        assert bad.json()["errors"][0]["field"] == "evaluator_id"

    async def test_a_roster_put_that_leaves_fields_out_is_refused_and_resets_nothing(self, office: Office) -> None:
        # given a PPPK employee with an evaluator and a superior on the roster
        nip = "199505052020122006"
        url = f"/api/v1/offices/{OFFICE}/employees/{nip}"
        body = {"name": "Rina", "unit_id": UNIT, "position": "Analis", "position_type": "ja", "employment": "pppk",
                "evaluator_id": HEAD, "superior_id": SUPERIOR}
        assert (await office.client.put(url, json=body, headers=office.hr)).status_code == 200
        # when HR sends only a new position
        partial = {k: body[k] for k in ("name", "unit_id", "position_type")} | {"position": "Analis Madya"}
        response = await office.client.put(url, json=partial, headers=office.hr)
        # then every left-out field is named and nothing changed
        assert response.status_code == 422
        assert {e["field"] for e in response.json()["errors"]} == {"employment", "evaluator_id", "superior_id"}
        roster = (await office.client.get(f"/api/v1/offices/{OFFICE}/employees", headers=office.hr)).json()
        (entry,) = [e for e in roster if e["employee_id"] == nip]
        assert (entry["position"], entry["employment"], entry["evaluator_id"], entry["superior_id"]) == (
            "Analis", "pppk", HEAD, SUPERIOR)

    async def test_malformed_json_is_422_problem(self, office: Office) -> None:
        response = await office.client.post("/api/v1/plans", content=b'{"period_year": ', headers={
            **office.staff, "content-type": "application/json"})
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["message"] == "JSON tidak valid"

    @pytest.mark.parametrize(("body", "field", "message"), [
        ({"period_year": "tahun ini"}, "period_year", "harus berupa bilangan bulat"),
        ({"period_year": 1900}, "period_year", "nilainya terlalu kecil"),
        ({"period_year": 2026, "colour": "blue"}, "colour", "kolom tidak dikenal"),
        ({"period_year": 2026, "approach": "campuran"}, "approach", "pilihan tidak dikenal"),
        ({}, "period_year", "wajib diisi"),
    ])
    async def test_bad_fields_are_named(self, office: Office, body: dict[str, Any], field: str, message: str) -> None:
        response = await office.client.post("/api/v1/plans", json=body, headers=office.staff)
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == field
        assert response.json()["errors"][0]["message"].startswith(message)

    async def test_an_unknown_plan_is_404_and_no_token_is_401(self, office: Office) -> None:
        assert (await office.client.get(f"/api/v1/plans/{uuid.uuid4()}", headers=office.staff)).status_code == 404
        assert (await office.client.get(f"/api/v1/plans/{uuid.uuid4()}")).status_code == 401

    async def test_another_office_cannot_read_a_plan(self, office: Office, jwt_secret: str) -> None:
        plan_id = await office.draft(office.staff)
        hr_elsewhere = bearer(jwt_secret, HR, [Role.PENGELOLA_KEPEGAWAIAN], ["KANREG-II"])
        assert (await office.client.get(f"/api/v1/plans/{plan_id}", headers=hr_elsewhere)).status_code == 403

    async def test_the_wrong_role_cannot_approve(self, office: Office, jwt_secret: str) -> None:
        plan_id = await office.draft(office.head)
        not_an_evaluator = bearer(jwt_secret, SUPERIOR, [Role.PEGAWAI], [OFFICE])
        assert (await office.post(f"/plans/{plan_id}/approve", not_an_evaluator)).status_code == 403


class TestConcurrency:
    async def test_two_concurrent_changes_at_the_same_version_one_gets_409(self, office: Office) -> None:
        plan_id = await office.draft(office.head)
        source = {"kind": "penugasan", "reference": "ST 1/2026"}
        url = f"/plans/{plan_id}/rhks"
        first, second = await asyncio.gather(
            office.post(url, office.head, {"rhk": rhk_body(source=source), "expected_version": 1}),
            office.post(url, office.head, {"rhk": rhk_body(source=source), "expected_version": 1}))
        assert sorted([first.status_code, second.status_code]) == [201, 409]
        loser = first if first.status_code == 409 else second
        assert loser.headers["content-type"] == "application/problem+json"
        assert loser.json()["errors"][0]["field"] == "expected_version"
        assert len((await office.plan(plan_id, office.head))["rhks"]) == 1

    async def test_rejected_requests_change_nothing(self, office: Office) -> None:
        plan_id = await office.draft(office.staff)
        before = await office.plan(plan_id, office.staff)
        await office.post(f"/plans/{plan_id}/submit", office.staff, {"expected_version": "x"})
        await office.post(f"/plans/{plan_id}/approve", office.staff)
        await office.post(f"/plans/{plan_id}/submit", office.staff)  # blocked: no RHK yet
        await office.post(f"/plans/{plan_id}/rhks", office.staff, {"rhk": rhk_body(ikis=[])})
        assert await office.plan(plan_id, office.staff) == before
