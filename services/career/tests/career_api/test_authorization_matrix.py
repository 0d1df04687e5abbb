"""Every career operation (from its OpenAPI) as no token, a foreign office's token held by the target's
evaluator (each role) and a stranger of the same office: none answers with office A's or the target's data."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from kinerja_career.config import CareerSettings
from kinerja_career.entrypoints.main import create_app
from kinerja_kernel.auth import Role
from kinerja_kernel.contracts.evaluation import Predicate
from kinerja_kernel.testing.appraisals import EVALUATOR, result
from kinerja_kernel.testing.authz_matrix import Matrix, callers
from kinerja_kernel.testing.http import running_app

from .support import CareerClient, finalised, nip, registered

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

HR_NIP = "197001012000011003"
ACTIVITY = {"title": "Kursus", "type": "belajar_mandiri", "hours_planned": 4}


@pytest_asyncio.fixture(loop_scope="session")
async def seeded(database_url: str, kafka_bootstrap: str, jwt_secret: str, unique: str
                 ) -> AsyncIterator[tuple[Matrix, dict[str, str]]]:
    settings = CareerSettings(
        database_url=database_url, kafka_bootstrap_servers=kafka_bootstrap, jwt_secret=jwt_secret,
        environment="test", consumer_group=f"career-matrix-{unique}", evaluation_topic=f"test.evaluation.{unique}",
        planning_topic=f"test.planning.{unique}")
    app = create_app(settings)
    async with running_app(app) as client:
        career = CareerClient(client, secret=jwt_secret, bootstrap=kafka_bootstrap, database_url=database_url,
                              consumer=settings.consumer_group, evaluation_topic=settings.evaluation_topic,
                              planning_topic=settings.planning_topic)
        office, employee = f"KANREG-{unique[:6].upper()}", nip(unique[:6])
        roster = registered(employee, office, EVALUATOR)
        await career.feed(roster, topic=career.planning_topic)
        done = finalised(result("2025", Predicate.BAIK, employee_id=employee, office_id=office))
        await career.feed(done)
        await career.handled(roster.event_id, done.event_id)
        hr = career.token(HR_NIP, [Role.PEGAWAI, Role.PENGELOLA_KEPEGAWAIAN], [office])
        base = f"/offices/{office}/employees/{employee}"
        for path, body in ((f"{base}/rank", {"grade": "III/b", "name": "Penata Muda Tingkat I", "tmt": "2021-10-01"}),
                           (f"{base}/potential", {"potential": "menengah", "source": "Assessment Center BKN",
                                                  "assessed_on": "2025-06-10"}),
                           (f"/offices/{office}/training-catalog/KOMPUB",
                            {"title": "Pelatihan Komunikasi Publik", "trigger": "nilai",
                             "value": "berorientasi_pelayanan", "hours": 24})):
            assert (await career.put(path, hr, body)).status_code == 200
        me = career.token(employee, [Role.PEGAWAI], [office])
        created = await career.post("/development-plans", me, {"employee_id": employee, "year": 2026,
                                                               "goals": ["Belajar"], "activities": [ACTIVITY]})
        assert created.status_code == 201, created.text
        idp_id = str(created.json()["idp_id"])
        plan = await career.get(f"/development-plans/{idp_id}", me)
        ids = {"office_id": office, "employee_id": employee, "idp_id": idp_id,
               "activity_id": plan["activities"][0]["activity_id"], "appraisal_id": str(done.payload["result"]
                                                                                       ["appraisal_id"])}
        values = {**ids, "code": "KOMPUB", "subject": employee, "stream_id": f"karier-{employee}", "year": 2026,
                  "reason": "Uji akses", "potential": "menengah", "level": "ahli_pertama"}
        activity = {**ACTIVITY, "activity_id": ids["activity_id"]}
        yield Matrix(app, client, values, bodies={
            "PUT /api/v1/offices/{office_id}/employees/{employee_id}/rank": {"grade": "III/c", "name": "Penata",
                                                                              "tmt": "2024-04-01"},
            "POST /api/v1/development-plans": {"employee_id": employee, "year": 2026, "goals": ["Belajar"],
                                               "activities": [ACTIVITY]},
            "PUT /api/v1/development-plans/{idp_id}": {"goals": ["Lain"], "activities": [activity],
                                                       "reason": "Uji akses"},
        }, raw={"POST /api/v1/offices/{office_id}/ranks/import": ("application/json", json.dumps({"rows": [
            {"employee_id": employee, "grade": "III/c", "name": "Penata", "tmt": "2024-04-01"}]}).encode())}), ids


async def test_no_operation_answers_with_another_office_or_persons_data(
        seeded: tuple[Matrix, dict[str, str]], jwt_secret: str) -> None:
    m, ids = seeded
    who = callers(jwt_secret, office_a=ids["office_id"], office_b="KANTOR-LAIN", relation_nip=EVALUATOR,
                  stranger_nip=nip(uuid.uuid4().hex[:6], sex=2),
                  person_markers=[ids["employee_id"], ids["idp_id"], ids["activity_id"]])
    failures = await m.run(who)
    assert not failures, "\n".join(failures)
