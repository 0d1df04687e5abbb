"""The SKP HTTP API on real PostgreSQL and Kafka: the flow, bad input, scope and concurrency."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from kinerja_kernel.auth import Role
from kinerja_kernel.testing.http import bearer, running_app
from kinerja_planning.config import PlanningSettings
from kinerja_planning.entrypoints.main import create_app

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

EMPLOYEE = "199001012015011001"
EVALUATOR = "198001012005011002"
OFFICE = "KANREG-I"


@pytest_asyncio.fixture(loop_scope="session")
async def client(database_url: str, kafka_bootstrap: str, jwt_secret: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = PlanningSettings(database_url=database_url, kafka_bootstrap_servers=kafka_bootstrap,
                                jwt_secret=jwt_secret, environment="test")
    async with running_app(create_app(settings)) as c:
        yield c


@pytest.fixture
def employee(jwt_secret: str) -> dict[str, str]:
    return bearer(jwt_secret, EMPLOYEE, [Role.PEGAWAI], [OFFICE])


@pytest.fixture
def evaluator(jwt_secret: str) -> dict[str, str]:
    return bearer(jwt_secret, EVALUATOR, [Role.PEGAWAI, Role.PEJABAT_PENILAI], [OFFICE])


async def draft(client: httpx.AsyncClient, headers: dict[str, str], **overrides: object) -> httpx.Response:
    body = {"office_id": OFFICE, "period_year": 2026, "evaluator_id": EVALUATOR, **overrides}
    return await client.post("/api/v1/plans", json=body, headers=headers)


class TestPlanFlow:
    async def test_draft_submit_approve(self, client: httpx.AsyncClient, employee: dict[str, str],
                                        evaluator: dict[str, str]) -> None:
        created = await draft(client, employee)
        assert created.status_code == 201, created.text
        plan_id = created.json()["plan_id"]
        submitted = await client.post(f"/api/v1/plans/{plan_id}/submit", json={"expected_version": 1},
                                      headers=employee)
        assert submitted.status_code == 200, submitted.text
        approved = await client.post(f"/api/v1/plans/{plan_id}/approve", json={"expected_version": 2},
                                     headers=evaluator)
        assert approved.status_code == 200, approved.text
        view = (await client.get(f"/api/v1/plans/{plan_id}", headers=employee)).json()
        assert (view["status"], view["version"], view["approved_by"]) == ("approved", 3, EVALUATOR)

    async def test_a_second_plan_for_the_same_period_is_refused(self, client: httpx.AsyncClient,
                                                                employee: dict[str, str]) -> None:
        assert (await draft(client, employee)).status_code == 201
        again = await draft(client, employee)
        assert again.status_code == 409
        assert again.json()["errors"][0]["field"] == "period_year"

    async def test_two_concurrent_submits_at_the_same_version_one_gets_409(
        self, client: httpx.AsyncClient, employee: dict[str, str]
    ) -> None:
        plan_id = (await draft(client, employee)).json()["plan_id"]
        url = f"/api/v1/plans/{plan_id}/submit"
        first, second = await asyncio.gather(client.post(url, json={"expected_version": 1}, headers=employee),
                                             client.post(url, json={"expected_version": 1}, headers=employee))
        assert sorted([first.status_code, second.status_code]) == [200, 409]
        loser = first if first.status_code == 409 else second
        assert loser.headers["content-type"] == "application/problem+json"
        assert loser.json()["errors"][0]["field"] == "expected_version"
        assert (await client.get(f"/api/v1/plans/{plan_id}", headers=employee)).json()["version"] == 2

    async def test_a_stale_expected_version_is_409_and_changes_nothing(
        self, client: httpx.AsyncClient, employee: dict[str, str], evaluator: dict[str, str]
    ) -> None:
        plan_id = (await draft(client, employee)).json()["plan_id"]
        await client.post(f"/api/v1/plans/{plan_id}/submit", json={"expected_version": 1}, headers=employee)
        stale = await client.post(f"/api/v1/plans/{plan_id}/approve", json={"expected_version": 1},
                                  headers=evaluator)
        assert stale.status_code == 409
        view = (await client.get(f"/api/v1/plans/{plan_id}", headers=employee)).json()
        assert (view["status"], view["version"]) == ("submitted", 2)


class TestBadInput:
    async def test_malformed_json_is_422_problem(self, client: httpx.AsyncClient, employee: dict[str, str]) -> None:
        response = await client.post("/api/v1/plans", content=b'{"office_id": ', headers={
            **employee, "content-type": "application/json"})
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["message"] == "JSON tidak valid"

    @pytest.mark.parametrize(("overrides", "field", "message"), [
        ({"period_year": "tahun ini"}, "period_year", "harus berupa bilangan bulat"),
        ({"period_year": 1900}, "period_year", "nilainya terlalu kecil"),
        ({"colour": "blue"}, "colour", "kolom tidak dikenal"),
        ({"evaluator_id": "19800101200501100"}, "evaluator_id", "NIP harus 18 digit"),
        ({"approach": "campuran"}, "approach", "pilihan tidak dikenal"),
    ])
    async def test_bad_fields_are_named(self, client: httpx.AsyncClient, employee: dict[str, str],
                                        overrides: dict[str, object], field: str, message: str) -> None:
        response = await draft(client, employee, **overrides)
        assert response.status_code == 422, response.text
        errors = response.json()["errors"]
        assert errors[0]["field"] == field
        assert errors[0]["message"].startswith(message)

    async def test_a_missing_field_is_named(self, client: httpx.AsyncClient, employee: dict[str, str]) -> None:
        response = await client.post("/api/v1/plans", json={"office_id": OFFICE, "period_year": 2026},
                                     headers=employee)
        assert response.status_code == 422
        assert response.json()["errors"] == [{"field": "evaluator_id", "message": "wajib diisi",
                                              "message_en": "Field required", "type": "missing"}]

    async def test_an_unknown_plan_is_404(self, client: httpx.AsyncClient, employee: dict[str, str]) -> None:
        response = await client.get("/api/v1/plans/6f1c8a52-2f7e-4d3f-9a57-6a8d0c6f3b11", headers=employee)
        assert response.status_code == 404
        assert response.json()["status"] == 404

    async def test_no_token_is_401(self, client: httpx.AsyncClient) -> None:
        response = await draft(client, {})
        assert response.status_code == 401

    async def test_another_office_is_403(self, client: httpx.AsyncClient, jwt_secret: str) -> None:
        outsider = bearer(jwt_secret, EMPLOYEE, [Role.PEGAWAI], ["KANREG-II"])
        response = await draft(client, outsider)
        assert response.status_code == 403
        assert response.json()["errors"][0]["field"] == "office_id"

    async def test_a_plan_of_another_office_cannot_be_read(self, client: httpx.AsyncClient,
                                                           employee: dict[str, str], jwt_secret: str) -> None:
        plan_id = (await draft(client, employee)).json()["plan_id"]
        hr_elsewhere = bearer(jwt_secret, "197001012000011003", [Role.PENGELOLA_KEPEGAWAIAN], ["KANREG-II"])
        assert (await client.get(f"/api/v1/plans/{plan_id}", headers=hr_elsewhere)).status_code == 403

    async def test_the_wrong_role_is_403(self, client: httpx.AsyncClient, employee: dict[str, str],
                                         jwt_secret: str) -> None:
        plan_id = (await draft(client, employee)).json()["plan_id"]
        await client.post(f"/api/v1/plans/{plan_id}/submit", json={}, headers=employee)
        not_an_evaluator = bearer(jwt_secret, EVALUATOR, [Role.PEGAWAI], [OFFICE])
        response = await client.post(f"/api/v1/plans/{plan_id}/approve", json={}, headers=not_an_evaluator)
        assert response.status_code == 403

    async def test_rejected_requests_leave_the_plan_unchanged(self, client: httpx.AsyncClient,
                                                              employee: dict[str, str]) -> None:
        plan_id = (await draft(client, employee)).json()["plan_id"]
        before = (await client.get(f"/api/v1/plans/{plan_id}", headers=employee)).json()
        await client.post(f"/api/v1/plans/{plan_id}/submit", json={"expected_version": "x"}, headers=employee)
        await client.post(f"/api/v1/plans/{plan_id}/approve", json={}, headers=employee)
        await client.post(f"/api/v1/plans/{plan_id}/submit", json={"expected_version": 0}, headers=employee)
        after = (await client.get(f"/api/v1/plans/{plan_id}", headers=employee)).json()
        assert after == before
