"""Every evaluation operation (from its OpenAPI) as no token, a foreign office's token held by the target's
evaluator (each role) and a stranger of the same office: none answers with office A's or the target's data."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kinerja_evaluation.config import EvaluationSettings
from kinerja_evaluation.entrypoints.main import create_app
from kinerja_kernel.infra.postgres import create_database
from kinerja_kernel.testing.authz_matrix import Matrix, callers
from kinerja_kernel.testing.http import running_app
from kinerja_kernel.testing.office import UnitDriver, eventually, nip
from kinerja_planning.config import PlanningSettings
from kinerja_planning.entrypoints.main import create_app as create_planning_app

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

PERIOD, YEAR = "2026-Q1", 2026
SESUAI = "sesuai_ekspektasi"


async def test_no_operation_answers_with_another_office_or_persons_data(
        postgres_server_url: str, kafka_bootstrap: str, jwt_secret: str, unique: str) -> None:
    office = f"KANREG-{unique[:6].upper()}"
    common = {"kafka_bootstrap_servers": kafka_bootstrap, "jwt_secret": jwt_secret, "environment": "test"}
    planning = create_planning_app(PlanningSettings(
        database_url=await create_database(postgres_server_url, f"pl_{unique}"), **common))
    app = create_app(EvaluationSettings(database_url=await create_database(postgres_server_url, f"ev_{unique}"),
                                        **common), clock=lambda: datetime(2026, 4, 2, 2, 0, tzinfo=UTC))
    async with running_app(planning) as planning_client, running_app(app) as client:
        unit = UnitDriver(planning_client, jwt_secret, office_id=office, unit_id="BIDANG-MUTASI", year=YEAR,
                          staff=1, seed=int(unique[:2], 16) % 9)
        await unit.register()
        opened = await client.post(f"/api/v1/offices/{office}/periods", headers=unit.hr.headers,
                                   json={"period": PERIOD})
        assert opened.status_code == 201, opened.text
        await unit.approve_plans(rhks_per_person=1)
        target = unit.staff[0]

        async def appraisal() -> str | None:
            found = (await client.get("/api/v1/me/appraisals", headers=target.headers)).json()
            return str(found[0]["appraisal_id"]) if found else None

        appraisal_id = await eventually(appraisal)
        document = await client.get(f"/api/v1/appraisals/{appraisal_id}/document", headers=target.headers)
        assert document.status_code == 200, document.text
        view = (await client.get(f"/api/v1/appraisals/{appraisal_id}", headers=target.headers)).json()
        rhk_id = view["rhks"][0]["rhk_id"]
        values = {"office_id": office, "employee_id": target.nip, "appraisal_id": appraisal_id, "rhk_id": rhk_id,
                  "unit_id": unit.unit_id, "period_key": PERIOD, "period": PERIOD, "subject": target.nip,
                  "stream_id": f"penilaian-{appraisal_id}", "rater_id": unit.hr.nip, "reason": "Uji akses",
                  "code": document.headers["x-kinerja-document-code"]}
        ratings = {"rhk_ratings": [{"rhk_id": rhk_id, "rating": SESUAI}],
                   "value_ratings": [{"value": v, "rating": SESUAI} for v in (
                       "berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif",
                       "kolaboratif")]}
        matrix = Matrix(app, client, values, exempt={
            "GET /api/v1/documents/{code}/verification": "public by design (anyone holding a printed document checks "
            "it); answers no NIP, office or stream: test_documents_api.py asserts it"}, bodies={
            "PUT /api/v1/appraisals/{appraisal_id}/self-assessment": ratings,
            "PUT /api/v1/appraisals/{appraisal_id}/ratings": {**ratings, "results_rating": SESUAI,
                                                              "behaviour_rating": SESUAI},
            "PUT /api/v1/appraisals/{appraisal_id}/peer-input": {"scores": {"akuntabel": 4}},
            "PUT /api/v1/appraisals/{appraisal_id}/raters": {"raters": [{"rater_id": unit.hr.nip,
                                                                          "relation": "peer"}]},
            "POST /api/v1/offices/{office_id}/periods": {"period": "2026-Q2"},
        })
        who = callers(jwt_secret, office_a=office, office_b="KANTOR-LAIN", relation_nip=unit.head.nip,
                      stranger_nip=nip(1995, 777, salt=5),
                      person_markers=[target.nip, appraisal_id, str(target.plan_id)])
        failures = await matrix.run(who)
        assert not failures, "\n".join(failures)
