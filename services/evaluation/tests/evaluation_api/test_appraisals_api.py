"""The evaluation HTTP API on real PostgreSQL and Kafka, with the planning service in the same test:
appraisals open from approved SKPs learned over Kafka; self-assessment, 360 with and below the threshold,
ratings, the organisation predicate for a unit head, calibration, the curve, finalisation, objection —
and the bad input of each step, after which nothing recorded has changed."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio

from kinerja_evaluation.config import EvaluationSettings
from kinerja_evaluation.entrypoints.main import create_app
from kinerja_kernel.contracts.feedback import AuthorRelation, FeedbackGiven, FeedbackKind
from kinerja_kernel.contracts.planning import BerAkhlak
from kinerja_kernel.infra.postgres import create_database
from kinerja_kernel.testing.http import running_app
from kinerja_kernel.testing.kafka_helpers import envelope_of, publish
from kinerja_kernel.testing.office import Person, UnitDriver, eventually
from kinerja_planning.config import PlanningSettings
from kinerja_planning.entrypoints.main import create_app as create_planning_app

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

PERIOD, YEAR = "2026-Q1", 2026
VALUES = ["berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif"]
ATAS, SESUAI, BAWAH = "di_atas_ekspektasi", "sesuai_ekspektasi", "di_bawah_ekspektasi"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Setup:
    unit: UnitDriver
    evaluation: httpx.AsyncClient
    clock: Clock
    appraisals: dict[str, str]  # NIP -> appraisal id

    async def get(self, path: str, who: Person) -> Any:
        response = await self.evaluation.get(f"/api/v1{path}", headers=who.headers)
        assert response.status_code == 200, response.text
        return response.json()

    async def send(self, method: str, path: str, who: Person, body: dict[str, Any] | None = None) -> httpx.Response:
        return await self.evaluation.request(method, f"/api/v1{path}", headers=who.headers, json=body or {})

    async def appraisal(self, person: Person, who: Person | None = None) -> dict[str, Any]:
        return dict(await self.get(f"/appraisals/{self.appraisals[person.nip]}", who or person))

    async def rate_all(self, person: Person, evaluator: Person, results: str | None, behaviour: str) -> httpx.Response:
        view = await self.appraisal(person, evaluator)
        return await self.send("PUT", f"/appraisals/{view['appraisal_id']}/ratings", evaluator, {
            "rhk_ratings": [{"rhk_id": r["rhk_id"], "rating": results or SESUAI} for r in view["rhks"]],
            "value_ratings": [{"value": v, "rating": behaviour, "comment": f"Umpan balik {v}"} for v in VALUES],
            "results_rating": results, "behaviour_rating": behaviour})


@pytest_asyncio.fixture(loop_scope="session")
async def setup(postgres_server_url: str, kafka_bootstrap: str, jwt_secret: str, unique: str) -> AsyncIterator[Setup]:
    office = f"KANREG-{unique[:6].upper()}"
    common = {"kafka_bootstrap_servers": kafka_bootstrap, "jwt_secret": jwt_secret, "environment": "test"}
    planning = create_planning_app(PlanningSettings(
        database_url=await create_database(postgres_server_url, f"pl_{unique}"), **common))
    clock = Clock(datetime(2026, 4, 2, 2, 0, tzinfo=UTC))
    evaluation = create_app(EvaluationSettings(
        database_url=await create_database(postgres_server_url, f"ev_{unique}"), **common), clock=clock)
    async with running_app(planning) as planning_client, running_app(evaluation) as evaluation_client:
        unit = UnitDriver(planning_client, jwt_secret, office_id=office, unit_id="BIDANG-MUTASI", year=YEAR, staff=4,
                          seed=int(unique[:2], 16) % 9)
        s = Setup(unit, evaluation_client, clock, {})
        await unit.register()
        configured = await s.send("PATCH", f"/offices/{office}/settings", unit.hr, {
            "time_zone": "WITA", "peer_threshold": 3, "reason": "Pengaturan awal"})
        assert configured.status_code == 200, configured.text
        opened = await s.send("POST", f"/offices/{office}/periods", unit.hr, {"period": PERIOD})
        assert opened.status_code == 201, opened.text
        assert opened.json()["self_assessment_due"] == "2026-04-05T23:59:59+08:00"
        await unit.approve_plans()  # appraisals open as the approvals arrive over Kafka
        for person in unit.everyone:
            async def mine(p: Person = person) -> str | None:
                found = [a for a in await s.get("/me/appraisals", p) if a["period_key"] == PERIOD]
                return str(found[0]["appraisal_id"]) if found else None

            s.appraisals[person.nip] = await eventually(mine)
        yield s


async def test_self_assessment_360_ratings_and_the_predicate(setup: Setup) -> None:
    s, unit = setup, setup.unit
    employee, peers = unit.staff[0], unit.staff[1:]
    view = await s.appraisal(employee)
    assert [r["title"] for r in view["rhks"]] == ["RHK 1 Staf 1", "RHK 2 Staf 1"]
    assert (view["evaluator_id"], view["superior_id"], view["status"]) == (unit.head.nip, unit.leader.nip, "open")

    assessed = await s.send("PUT", f"/appraisals/{view['appraisal_id']}/self-assessment", employee, {
        "rhk_ratings": [{"rhk_id": r["rhk_id"], "rating": ATAS, "comment": "Target terlampaui"} for r in view["rhks"]],
        "value_ratings": [{"value": v, "rating": SESUAI} for v in VALUES], "summary": "Triwulan yang baik"})
    assert assessed.status_code == 200, assessed.text

    raters = [{"rater_id": p.nip, "relation": "peer"} for p in peers]
    assigned = await s.send("PUT", f"/appraisals/{view['appraisal_id']}/raters", unit.hr, {"raters": raters})
    assert assigned.status_code == 200, assigned.text
    requests = await s.get("/me/peer-requests", peers[0])
    assert [(r["employee_id"], r["answered"]) for r in requests] == [(employee.nip, False)]

    for rater, score in zip(peers[:2], (5, 4), strict=True):
        answered = await s.send("PUT", f"/appraisals/{view['appraisal_id']}/peer-input", rater, {
            "scores": dict.fromkeys(VALUES, score), "comments": {"harmonis": f"Komentar {score}"}})
        assert answered.status_code == 200, answered.text
    below = (await s.appraisal(employee))["peer"]
    assert (below["visible"], below["answered"], below["averages"]) == (False, 2, {})
    assert below["message"] == "Hasil 360 ditampilkan setelah minimal 3 penilai mengisi (2 sudah mengisi)"
    assert below["raters"] == []  # the employee never sees who rates them

    third = await s.send("PUT", f"/appraisals/{view['appraisal_id']}/peer-input", peers[2], {
        "scores": dict.fromkeys(VALUES, 4)})
    assert third.status_code == 200
    mine = (await s.appraisal(employee))["peer"]
    assert (mine["visible"], mine["averages"]["harmonis"], mine["comments"]) == (True, "4.33", {})
    evaluators = (await s.appraisal(employee, unit.head))["peer"]
    assert evaluators["comments"] == {"harmonis": ["Komentar 4", "Komentar 5"]}
    assert {r["rater_id"] for r in evaluators["raters"]} == {p.nip for p in peers}

    rated = await s.rate_all(employee, unit.head, ATAS, ATAS)
    assert rated.status_code == 200, rated.text
    after = await s.appraisal(employee)
    assert (after["predicate"], after["predicate_label"], after["missing"]) == ("sangat_baik", "Sangat Baik", [])
    assert after["rhks"][0]["self"]["rating"] == ATAS
    board = {row["employee_id"]: row["waiting_on"] for row in await s.get(f"/team/appraisals?period={PERIOD}",
                                                                          unit.head)}
    assert board[employee.nip] == ["finalisasi"]
    assert board[unit.staff[1].nip] == ["penilaian_diri", "penilaian_pejabat"]


async def test_bad_input_is_refused_and_changes_nothing(setup: Setup) -> None:
    s, unit = setup, setup.unit
    employee = unit.staff[0]
    appraisal_id = s.appraisals[employee.nip]
    before = await s.appraisal(employee, unit.head)

    outside = await s.send("PUT", f"/appraisals/{appraisal_id}/ratings", unit.head, {
        "results_rating": "luar_biasa"})
    assert outside.status_code == 422
    assert outside.headers["content-type"].startswith("application/problem+json")
    assert outside.json()["errors"][0]["field"] == "results_rating"

    not_evaluator = await s.rate_all(employee, unit.leader, SESUAI, SESUAI)
    assert not_evaluator.status_code == 403, not_evaluator.text

    unassigned = await s.send("PUT", f"/appraisals/{appraisal_id}/peer-input", unit.staff[1], {
        "scores": dict.fromkeys(VALUES, 3)})
    assert unassigned.status_code == 403
    assert unassigned.json()["detail"] == "Anda tidak ditugaskan sebagai penilai 360 untuk pegawai ini"

    self_rater = await s.send("PUT", f"/appraisals/{appraisal_id}/raters", unit.head, {
        "raters": [{"rater_id": employee.nip, "relation": "peer"}]})
    assert (self_rater.status_code, self_rater.json()["errors"][0]["field"]) == (422, "raters.0.rater_id")
    not_a_subordinate = await s.send("PUT", f"/appraisals/{appraisal_id}/raters", unit.head, {
        "raters": [{"rater_id": unit.staff[1].nip, "relation": "subordinate"}]})
    assert (not_a_subordinate.status_code, not_a_subordinate.json()["errors"][0]["field"]) == (
        422, "raters.0.relation")

    missing = await s.send("POST", f"/appraisals/{appraisal_id}/finalise", unit.head, {})
    assert missing.status_code == 409
    problem = missing.json()
    assert problem["detail"].startswith("Penilaian belum lengkap: RHK 'RHK 1 Staf 1' belum dinilai")
    assert len(problem["errors"]) == 11  # 2 RHKs, 7 values, results and behaviour

    early = await s.send("POST", f"/appraisals/{appraisal_id}/objection", employee,
                         {"reasons": "Saya keberatan atas penilaian ini"})
    assert early.status_code == 409

    assert await s.appraisal(employee, unit.head) == before


async def test_unit_head_calibration_curve_override_finalisation_and_objection(setup: Setup) -> None:
    s, unit = setup, setup.unit
    office = unit.office_id
    head_view = await s.appraisal(unit.head, unit.leader)
    assert head_view["unit_head"] is True
    free_choice = await s.rate_all(unit.head, unit.leader, ATAS, SESUAI)
    assert free_choice.status_code == 409
    assert free_choice.json()["errors"][0]["field"] == "results_rating"
    assert (await s.rate_all(unit.head, unit.leader, None, SESUAI)).status_code == 200

    path = f"/offices/{office}/units/{unit.unit_id}/periods/{PERIOD}/organisation-predicate"
    by_staff = await s.send("PUT", path, unit.staff[0], {"predicate": "baik", "reason": "x"})
    assert by_staff.status_code == 403
    hr_alone = await s.send("PUT", path, unit.hr, {"predicate": "baik", "reason": "Capaian unit"})
    assert (hr_alone.status_code, hr_alone.json()["errors"][0]["field"]) == (403, "instructed_by")
    org = await s.send("PUT", path, unit.hr, {"predicate": "baik", "reason": "Capaian unit 98%",
                                              "instructed_by": unit.leader.nip})
    assert org.status_code == 200, org.text
    assert org.json()["unit_heads_updated"] == 1
    head = await s.appraisal(unit.head, unit.leader)
    assert (head["results_rating"], head["results_source"], head["predicate"]) == (SESUAI, "organisation", "baik")

    first, *others = unit.staff
    assert (await s.rate_all(first, unit.head, ATAS, ATAS)).status_code == 200
    for person in others:
        assert (await s.rate_all(person, unit.head, SESUAI, SESUAI)).status_code == 200

    calibration = await s.get(f"/offices/{office}/units/{unit.unit_id}/calibration?period={PERIOD}", unit.hr)
    assert (calibration["total"], calibration["counts"]["baik"], calibration["counts"]["sangat_baik"]) == (5, 4, 1)
    assert calibration["violations"] == [
        "Baik paling banyak 70%: 4 pegawai, batas 3",
        "minimal satu pegawai Butuh Perbaikan atau Kurang/Misconduct: 0 pegawai, minimal 1"]

    appraisal_id = s.appraisals[first.nip]
    refused = await s.send("POST", f"/appraisals/{appraisal_id}/finalise", unit.head, {})
    assert (refused.status_code, refused.json()["errors"][0]["field"]) == (409, "justification")
    override = await s.send("POST", f"/appraisals/{appraisal_id}/finalise", unit.head,
                            {"justification": "Kalibrasi unit dijadwalkan; capaian individu terverifikasi"})
    assert override.status_code == 200, override.text

    last = others[-1]
    calibrated = await s.send("POST", f"/appraisals/{s.appraisals[last.nip]}/calibration", unit.hr,
                              {"results_rating": BAWAH, "reason": "Rapat kalibrasi: dua RHK utama tidak tercapai"})
    assert calibrated.status_code == 200, calibrated.text
    assert (await s.appraisal(last))["predicate"] == "butuh_perbaikan"
    calibration = await s.get(f"/offices/{office}/units/{unit.unit_id}/calibration?period={PERIOD}", unit.hr)
    assert calibration["violations"] == []

    for person in others:
        done = await s.send("POST", f"/appraisals/{s.appraisals[person.nip]}/finalise", unit.head, {})
        assert done.status_code == 200, done.text
    finalised = await s.appraisal(first)
    assert finalised["status"] == "finalised"
    assert finalised["objection_deadline"].startswith("2026-04-16T23:59:59+08:00")
    assert (await s.send("POST", f"/appraisals/{appraisal_id}/acknowledge", first)).status_code == 200
    assert (await s.send("POST", f"/appraisals/{appraisal_id}/acknowledge", first)).status_code == 409

    objector = others[0]
    objected_id = s.appraisals[objector.nip]
    filed = await s.send("POST", f"/appraisals/{objected_id}/objection", objector,
                         {"reasons": "Bukti dukung laporan Maret belum dipertimbangkan"})
    assert filed.status_code == 201, filed.text
    again = await s.send("POST", f"/appraisals/{objected_id}/objection", objector, {"reasons": "Keberatan kedua kali"})
    assert again.status_code == 409
    explained = await s.send("POST", f"/appraisals/{objected_id}/objection/explanations", unit.head,
                             {"text": "Bukti diunggah setelah batas waktu"})
    assert explained.status_code == 200
    by_evaluator = await s.send("POST", f"/appraisals/{objected_id}/objection/decision", unit.head,
                                {"decision": "changed", "reason": "x", "results_rating": ATAS})
    assert by_evaluator.status_code == 403
    decided = await s.send("POST", f"/appraisals/{objected_id}/objection/decision", unit.leader,
                           {"decision": "changed", "reason": "Bukti sah dan tepat waktu", "results_rating": ATAS})
    assert decided.status_code == 200, decided.text
    corrected = await s.appraisal(objector)
    assert (corrected["status"], corrected["predicate"], corrected["corrected"]) == ("decided", "baik", True)
    assert corrected["objection"]["explanations"][0]["role"] == "pejabat_penilai"
    history = await s.get(f"/employees/{objector.nip}/rating-history", unit.hr)
    assert [(h["results_rating"], h["predicate"]) for h in history] == [(SESUAI, "baik"), (ATAS, "baik")]
    assert history[0]["superseded_by"] == history[1]["event_id"]
    assert history[1]["replaces_event_id"] == history[0]["event_id"]
    final = await s.send("POST", f"/appraisals/{objected_id}/objection", objector, {"reasons": "Keberatan ketiga kali"})
    assert final.status_code == 409

    # the window is counted in the office's zone (WITA): one second after it closes, an objection is refused
    s.clock.now = datetime(2026, 4, 16, 16, 0, tzinfo=UTC) + timedelta(seconds=1)
    late = await s.send("POST", f"/appraisals/{appraisal_id}/objection", first, {"reasons": "Terlambat mengajukan"})
    assert late.status_code == 409
    assert late.json()["detail"] == "Masa pengajuan keberatan telah berakhir pada 16 April 2026 23.59 WITA"
    assert (await s.appraisal(first))["objection"] is None


async def test_an_unknown_appraisal_and_another_office(setup: Setup, jwt_secret: str) -> None:
    s, unit = setup, setup.unit
    missing = await s.send("GET", f"/appraisals/{uuid.uuid4()}", unit.hr)
    assert missing.status_code == 404
    other = UnitDriver(unit.planning, jwt_secret, office_id="KANTOR-LAIN", unit_id="X", year=YEAR, staff=1)
    foreign = await s.send("GET", f"/appraisals/{s.appraisals[unit.staff[0].nip]}", other.hr)
    assert (foreign.status_code, foreign.json()["errors"][0]["field"]) == (403, "office_id")
    bad_period = await s.send("POST", f"/offices/{unit.office_id}/periods", unit.hr, {"period": "2026-Q5"})
    assert (bad_period.status_code, bad_period.json()["errors"][0]["field"]) == (422, "period")
    monthly = await s.send("POST", f"/offices/{unit.office_id}/periods", unit.hr, {"period": "2026-M02"})
    assert monthly.status_code == 422
    assert "triwulanan" in monthly.json()["detail"]


async def test_a_period_opened_after_the_approvals_opens_every_appraisal_at_once(
        postgres_server_url: str, kafka_bootstrap: str, jwt_secret: str, unique: str) -> None:
    office = f"KANTOR-{unique[:6].upper()}"
    common = {"kafka_bootstrap_servers": kafka_bootstrap, "jwt_secret": jwt_secret, "environment": "test"}
    planning = create_planning_app(PlanningSettings(
        database_url=await create_database(postgres_server_url, f"pl2_{unique}"), **common))
    evaluation = create_app(EvaluationSettings(
        database_url=await create_database(postgres_server_url, f"ev2_{unique}"), **common),
        clock=Clock(datetime(2026, 4, 2, 2, 0, tzinfo=UTC)))
    async with running_app(planning) as planning_client, running_app(evaluation) as evaluation_client:
        unit = UnitDriver(planning_client, jwt_secret, office_id=office, unit_id="SEKSI", year=YEAR, staff=2, seed=5)
        s = Setup(unit, evaluation_client, Clock(datetime.now(UTC)), {})
        await unit.register()
        await unit.approve_plans()
        await asyncio.sleep(3)  # let the approvals reach evaluation (either way, every appraisal must open)
        opened = await s.send("POST", f"/offices/{office}/periods", unit.hr, {"period": PERIOD})
        assert opened.status_code == 201, opened.text
        for person in unit.everyone:
            async def mine(p: Person = person) -> str | None:
                found = [a for a in await s.get("/me/appraisals", p) if a["period_key"] == PERIOD]
                return str(found[0]["appraisal_id"]) if found else None

            assert await eventually(mine, attempts=100)
        assert opened.json()["appraisals_opened"] == 4


async def test_continuous_feedback_shows_in_the_appraisal_as_context(setup: Setup, kafka_bootstrap: str) -> None:
    s, unit = setup, setup.unit
    employee = unit.staff[3]
    given = [FeedbackGiven(feedback_id=uuid.uuid4(), employee_id=employee.nip, office_id=unit.office_id,
                           author_id=unit.head.nip, relation=AuthorRelation.EVALUATOR, kind=kind, rhk_id=None,
                           iki_id=None, value=BerAkhlak.KOLABORATIF, text=text, given_on=on)
             for kind, text, on in ((FeedbackKind.APRESIASI, "Koordinasi lintas seksi sangat baik", date(2026, 2, 3)),
                                    (FeedbackKind.KONSTRUKTIF, "Laporan di luar periode", date(2026, 5, 3)))]
    envelopes = [envelope_of(g, subject=employee.nip, office_id=unit.office_id, source="/kinerja/feedback",
                             stream_id=f"umpan-balik-{g.feedback_id}") for g in given]
    await publish(kafka_bootstrap, "kinerja.feedback.events", [*envelopes, envelopes[0]])  # one redelivered

    async def shown() -> list[dict[str, Any]] | None:
        return (await s.appraisal(employee, unit.head))["feedback"] or None

    feedback = await eventually(shown)
    assert [(f["kind"], f["text"], f["value"]) for f in feedback] == [
        ("apresiasi", "Koordinasi lintas seksi sangat baik", "kolaboratif")]  # only the period's, once
