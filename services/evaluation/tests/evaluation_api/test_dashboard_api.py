"""The dashboards' evaluation endpoints on real PostgreSQL and Kafka: a team's and an office's appraisals with
where the self-assessment, 360 and rating stand and the days to each deadline; per unit the progress and the
predicates against the curve; the office boundary."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kinerja_evaluation.config import EvaluationSettings
from kinerja_evaluation.entrypoints.main import create_app
from kinerja_kernel.auth import Role
from kinerja_kernel.infra.postgres import create_database
from kinerja_kernel.testing.http import bearer, running_app
from kinerja_kernel.testing.office import UnitDriver, eventually
from kinerja_planning.config import PlanningSettings
from kinerja_planning.entrypoints.main import create_app as create_planning_app

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

PERIOD, YEAR = "2026-Q1", 2026
SESUAI = "sesuai_ekspektasi"
VALUES = ("berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif")


async def test_team_and_office_appraisal_dashboards(
        postgres_server_url: str, kafka_bootstrap: str, jwt_secret: str, unique: str) -> None:
    office = f"KANDAS-{unique[:6].upper()}"
    common = {"kafka_bootstrap_servers": kafka_bootstrap, "jwt_secret": jwt_secret, "environment": "test"}
    planning = create_planning_app(PlanningSettings(
        database_url=await create_database(postgres_server_url, f"pl_{unique}"), **common))
    app = create_app(EvaluationSettings(database_url=await create_database(postgres_server_url, f"ev_{unique}"),
                                        **common), clock=lambda: datetime(2026, 4, 2, 2, 0, tzinfo=UTC))
    async with running_app(planning) as planning_client, running_app(app) as client:
        unit = UnitDriver(planning_client, jwt_secret, office_id=office, unit_id="BIDANG-DATA", year=YEAR,
                          staff=2, seed=int(unique[:2], 16) % 9)
        await unit.register()
        opened = await client.post(f"/api/v1/offices/{office}/periods", headers=unit.hr.headers,
                                   json={"period": PERIOD})
        assert opened.status_code == 201, opened.text
        await unit.approve_plans(rhks_per_person=1)
        rated, waiting = unit.staff

        async def appraisal_of(person_headers: dict[str, str]) -> str | None:
            found = (await client.get("/api/v1/me/appraisals", headers=person_headers)).json()
            return str(found[0]["appraisal_id"]) if found else None

        rated_id = await eventually(lambda: appraisal_of(rated.headers))
        await eventually(lambda: appraisal_of(waiting.headers))
        view = (await client.get(f"/api/v1/appraisals/{rated_id}", headers=rated.headers)).json()
        ratings = {"rhk_ratings": [{"rhk_id": view["rhks"][0]["rhk_id"], "rating": SESUAI}],
                   "value_ratings": [{"value": v, "rating": SESUAI} for v in VALUES]}
        selfed = await client.put(f"/api/v1/appraisals/{rated_id}/self-assessment", headers=rated.headers,
                                  json=ratings)
        assert selfed.status_code == 200, selfed.text
        rated_now = await client.put(f"/api/v1/appraisals/{rated_id}/ratings", headers=unit.head.headers,
                                     json={**ratings, "results_rating": SESUAI, "behaviour_rating": SESUAI})
        assert rated_now.status_code == 200, rated_now.text

        team = await client.get("/api/v1/team/appraisal-dashboard", headers=unit.head.headers,
                                params={"period": PERIOD})
        assert team.status_code == 200, team.text
        rows = {r["employee_id"]: r for r in team.json()["appraisals"]}
        assert set(rows) == {rated.nip, waiting.nip}
        assert rows[rated.nip]["self_assessed"] and rows[rated.nip]["rating"] == "rated"
        assert rows[rated.nip]["days_left"]["self_assessment"] is None
        assert rows[waiting.nip]["rating"] == "not_started" and not rows[waiting.nip]["self_assessed"]
        assert rows[waiting.nip]["peer"]["state"] == "no_raters"
        # the self-assessment of Q1 is due a few days after 31 March; today (2 April) it is days away, not past
        assert 0 <= rows[waiting.nip]["days_left"]["self_assessment"] <= 10
        assert rows[waiting.nip]["name"] == waiting.name

        answer = await client.get(f"/api/v1/offices/{office}/appraisal-dashboard", headers=unit.hr.headers,
                                  params={"period": PERIOD})
        assert answer.status_code == 200, answer.text
        office_view = answer.json()
        units = {u["unit_id"]: u for u in office_view["units"]}
        assert units["BIDANG-DATA"]["total"] == 3  # the head and the two staff
        assert units["BIDANG-DATA"]["self_assessed"] == 1 and units["BIDANG-DATA"]["rated"] == 1
        # the rated member's predicate follows from the two ratings (Baik); no organisation predicate: no curve
        assert units["BIDANG-DATA"]["pending"] == 2 and units["BIDANG-DATA"]["counts"]["baik"] == 1
        assert units["BIDANG-DATA"]["bounds"] == [] and units["BIDANG-DATA"]["organisation_predicate"] is None
        assert office_view["labels"]["sangat_baik"] == "Sangat Baik"
        assert office_view["deadlines"]["plan"] == "2026-01-31"
        # the part a page lists: nobody objected, so no appraisal rows, while the units still count everyone
        listed = (await client.get(f"/api/v1/offices/{office}/appraisal-dashboard", headers=unit.hr.headers,
                                   params={"period": PERIOD, "objections_only": "true"})).json()
        assert len(office_view["appraisals"]) >= 3 and listed["appraisals"] == []
        assert listed["units"] == office_view["units"]
        one_unit = (await client.get(f"/api/v1/offices/{office}/appraisal-dashboard", headers=unit.hr.headers,
                                     params={"period": PERIOD, "unit": "BIDANG-DATA", "final_first": 5,
                                             "objections_only": "true"})).json()
        assert one_unit["appraisals"] == [] and one_unit["units"] == office_view["units"]  # nobody final yet
        assert {a["unit_id"] for a in (await client.get(
            f"/api/v1/offices/{office}/appraisal-dashboard", headers=unit.hr.headers,
            params={"period": PERIOD, "unit": "BIDANG-DATA"})).json()["appraisals"]} == {"BIDANG-DATA"}

        other = bearer(jwt_secret, "198001012005011001", [Role.PEGAWAI, Role.PENGELOLA_KEPEGAWAIAN], ["LAIN"])
        refused = await client.get(f"/api/v1/offices/{office}/appraisal-dashboard", headers=other,
                                   params={"period": PERIOD})
        assert refused.status_code == 403
        staff = await client.get(f"/api/v1/offices/{office}/appraisal-dashboard", headers=rated.headers,
                                 params={"period": PERIOD})
        assert staff.status_code == 403
        assert (await client.get("/api/v1/team/appraisal-dashboard", headers=rated.headers,
                                 params={"period": PERIOD})).status_code == 403
        bad = await client.get(f"/api/v1/offices/{office}/appraisal-dashboard", headers=unit.hr.headers,
                               params={"period": "kuartal"})
        assert bad.status_code == 422 and "period" in bad.text
