"""Office settings are never reset by omission (a PUT names every setting it lacks; a PATCH changes only what
it names), and a command that changes nothing records nothing: the same settings or the same 360 raters
(or still none) again answer 200 with the unchanged version. Real PostgreSQL and Kafka."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio

from kinerja_evaluation.config import EvaluationSettings
from kinerja_evaluation.entrypoints.main import create_app
from kinerja_kernel.auth import Role
from kinerja_kernel.testing.http import bearer, running_app

from .test_appraisals_api import Setup, setup

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]
__all__ = ["setup"]

OFFICE = "KANREG-IV"
HR = "197001012000011003"
SETTINGS: dict[str, Any] = {
    "time_zone": "WITA", "periodic_cadence": "quarterly", "plan_due_day_of_year": 31, "self_assessment_due_days": 5,
    "rating_due_days": 15, "peer_threshold": 3, "peer_comments_to_evaluator": True, "curve_enforcement": "block",
    "objection_window_days": 21, "reason": "Pengaturan awal"}


class Evaluation:
    def __init__(self, client: httpx.AsyncClient, secret: str) -> None:
        self.client = client
        self.hr = bearer(secret, HR, [Role.PENGELOLA_KEPEGAWAIAN], [OFFICE])

    async def send(self, method: str, body: dict[str, Any]) -> httpx.Response:
        return await self.client.request(method, f"/api/v1/offices/{OFFICE}/settings", headers=self.hr, json=body)

    async def settings(self) -> dict[str, Any]:
        response = await self.client.get(f"/api/v1/offices/{OFFICE}", headers=self.hr)
        assert response.status_code == 200, response.text
        return dict(response.json()["settings"])


@pytest_asyncio.fixture(loop_scope="session")
async def evaluation(database_url: str, kafka_bootstrap: str, jwt_secret: str) -> AsyncIterator[Evaluation]:
    settings = EvaluationSettings(database_url=database_url, kafka_bootstrap_servers=kafka_bootstrap,
                                  jwt_secret=jwt_secret, environment="test",
                                  consumer_group=f"evaluation-test-{uuid.uuid4().hex[:8]}")
    async with running_app(create_app(settings)) as client:
        yield Evaluation(client, jwt_secret)


class TestOfficeSettings:
    async def test_a_put_that_leaves_settings_out_names_each_one_and_changes_nothing(
            self, evaluation: Evaluation) -> None:
        assert (await evaluation.send("PUT", SETTINGS)).status_code == 200
        before = await evaluation.settings()

        partial = await evaluation.send("PUT", {"periodic_cadence": "monthly", "reason": "Penilaian bulanan"})

        assert partial.status_code == 422, partial.text
        problem = partial.json()
        assert partial.headers["content-type"].startswith("application/problem+json")
        assert {e["field"] for e in problem["errors"]} == {
            "time_zone", "plan_due_day_of_year", "self_assessment_due_days", "rating_due_days", "peer_threshold",
            "peer_comments_to_evaluator", "curve_enforcement", "objection_window_days"}
        assert problem["detail"] and problem["detail_en"]
        assert await evaluation.settings() == before
        assert (before["objection_window_days"], before["curve_enforcement"]) == (21, "block")

    async def test_a_patch_changes_only_the_settings_it_names(self, evaluation: Evaluation) -> None:
        first = await evaluation.send("PUT", SETTINGS)
        changed = await evaluation.send("PATCH", {"periodic_cadence": "monthly", "reason": "Penilaian bulanan"})
        assert changed.status_code == 200, changed.text
        assert changed.json()["version"] == first.json()["version"] + 1
        after = await evaluation.settings()
        assert after == {**{k: v for k, v in SETTINGS.items() if k != "reason"}, "periodic_cadence": "monthly",
                         "office_name": None, "unit_names": {}}  # the names documents print: not set yet
        null = await evaluation.send("PATCH", {"objection_window_days": None, "reason": "x"})
        assert (null.status_code, null.json()["errors"][0]["field"]) == (422, "objection_window_days")
        assert await evaluation.settings() == after

    async def test_the_same_settings_again_record_nothing(self, evaluation: Evaluation) -> None:
        first = (await evaluation.send("PUT", SETTINGS)).json()["version"]
        again = await evaluation.send("PUT", {**SETTINGS, "reason": "Dikirim ulang"})
        same = await evaluation.send("PATCH", {"objection_window_days": 21, "reason": "Tetap 21 hari"})
        nothing = await evaluation.send("PATCH", {"reason": "Tanpa perubahan"})
        assert [r.status_code for r in (again, same, nothing)] == [200, 200, 200]
        assert [r.json()["version"] for r in (again, same, nothing)] == [first, first, first]


class TestRaters:
    async def test_the_same_raters_or_still_none_again_record_nothing(self, setup: Setup) -> None:
        s, unit = setup, setup.unit
        employee, peer = unit.staff[0], unit.staff[1]
        path = f"/appraisals/{s.appraisals[employee.nip]}/raters"
        raters = {"raters": [{"rater_id": peer.nip, "relation": "peer"}]}
        assigned = await s.send("PUT", path, unit.head, raters)
        assert assigned.status_code == 200, assigned.text
        again = [await s.send("PUT", path, who, raters) for who in (unit.head, unit.hr)]
        assert [(r.status_code, r.json()["version"]) for r in again] == [(200, assigned.json()["version"])] * 2

        empty_path = f"/appraisals/{s.appraisals[unit.staff[2].nip]}/raters"
        before = (await s.get(f"/appraisals/{s.appraisals[unit.staff[2].nip]}", unit.head))["version"]
        empty = [await s.send("PUT", empty_path, unit.head, {"raters": []}) for _ in range(3)]
        assert [(r.status_code, r.json()["version"]) for r in empty] == [(200, before)] * 3
