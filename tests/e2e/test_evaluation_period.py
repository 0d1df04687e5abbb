"""End to end: one unit through a whole evaluation period, planning and evaluation as separate
processes on real Kafka and PostgreSQL, and what a downstream consumer (payroll, career) sees on Kafka.

SKPs approved in planning -> appraisals open in evaluation; realisation with evidence reported in
planning -> beside the ratings in evaluation; self-assessments; 360 with and below the threshold;
ratings; the organisation predicate for the unit head; calibration with an override; finalisation;
acknowledgement; an objection that changes a result, published as a correction naming what it replaces.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kinerja_kernel.infra.processes import ServiceProcess, running_services
from kinerja_kernel.testing.kafka_helpers import read_topic
from kinerja_kernel.testing.office import Person, UnitDriver, eventually

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="session")]

VALUES = ["berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif"]
ATAS, SESUAI, BAWAH = "di_atas_ekspektasi", "sesuai_ekspektasi", "di_bawah_ekspektasi"

# this module records realisation in a later year than the clock's: planning takes its last day as today
LATER_YEARS = {"planning": {"KINERJA_PLANNING_TODAY": "2099-12-31"}}


@pytest.fixture
def services(postgres_server_url: str, kafka_bootstrap: str, jwt_secret: str, tmp_path: Path,
             unique: str) -> Iterator[dict[str, ServiceProcess]]:
    with running_services(("planning", "evaluation"), server_url=postgres_server_url, bootstrap=kafka_bootstrap,
                          jwt_secret=jwt_secret, log_dir=tmp_path, database_prefix=f"e2e_{unique}",
                          extra_env=LATER_YEARS) as started:
        yield started


class Evaluation:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.ids: dict[str, str] = {}

    async def call(self, method: str, path: str, who: Person, body: dict[str, Any] | None = None,
                   expect: int = 200) -> Any:
        response = await self.client.request(method, f"/api/v1{path}", headers=who.headers, json=body)
        assert response.status_code == expect, response.text
        return response.json()

    async def view(self, person: Person, who: Person) -> dict[str, Any]:
        return dict(await self.call("GET", f"/appraisals/{self.ids[person.nip]}", who))

    async def rate(self, person: Person, evaluator: Person, results: str | None, behaviour: str) -> None:
        view = await self.view(person, evaluator)
        await self.call("PUT", f"/appraisals/{view['appraisal_id']}/ratings", evaluator, {
            "rhk_ratings": [{"rhk_id": r["rhk_id"], "rating": results or SESUAI} for r in view["rhks"]],
            "value_ratings": [{"value": v, "rating": behaviour} for v in VALUES],
            "results_rating": results, "behaviour_rating": behaviour, "reason": "Penilaian akhir tahun"})


async def test_one_unit_through_a_whole_period(services: dict[str, ServiceProcess], jwt_secret: str,
                                               kafka_bootstrap: str, unique: str) -> None:
    year = 2030 + int(unique[:4], 16) % 60
    period = str(year)
    office = f"KANWIL-{unique[:6].upper()}"
    async with httpx.AsyncClient(base_url=services["planning"].url, timeout=15) as planning, \
            httpx.AsyncClient(base_url=services["evaluation"].url, timeout=15) as evaluation_client:
        unit = UnitDriver(planning, jwt_secret, office_id=office, unit_id="BIDANG-PENILAIAN", year=year, staff=5)
        ev = Evaluation(evaluation_client)
        head, leader, hr, staff = unit.head, unit.leader, unit.hr, unit.staff
        await unit.register()
        await ev.call("PATCH", f"/offices/{office}/settings", hr, {"time_zone": "WIT", "reason": "Kalender kantor"})
        opened = await ev.call("POST", f"/offices/{office}/periods", hr, {"period": period}, expect=201)
        assert opened["appraisals_opened"] == 0  # nothing approved yet: appraisals follow the approvals
        await unit.approve_plans()
        for person in unit.everyone:
            async def mine(p: Person = person) -> str | None:
                rows = [a for a in await ev.call("GET", "/me/appraisals", p) if a["period_key"] == period]
                return str(rows[0]["appraisal_id"]) if rows else None

            ev.ids[person.nip] = await eventually(mine)

        # realisation reported in planning shows beside the ratings in evaluation, with its evidence
        evidence = f"https://arsip.example.go.id/{unique}/laporan.pdf"
        await unit.realise(staff[0], "7", f"{year}-03-31", evidence)

        async def realised() -> dict[str, Any] | None:
            iki = (await ev.view(staff[0], head))["realisation"][0]["ikis"][0]
            return iki if iki["entries"] else None

        iki = await eventually(realised)
        assert iki["realised_in_period"] == "7"
        assert iki["entries"][0]["evidence"][0]["uri"] == evidence

        for person in staff:
            view = await ev.view(person, person)
            await ev.call("PUT", f"/appraisals/{view['appraisal_id']}/self-assessment", person, {
                "rhk_ratings": [{"rhk_id": r["rhk_id"], "rating": SESUAI} for r in view["rhks"]],
                "value_ratings": [{"value": v, "rating": SESUAI} for v in VALUES]})

        # 360: three of three peers answer for staff 0 (shown), one of two for staff 1 (below the threshold)
        for person, raters, answering in ((staff[0], staff[1:4], staff[1:4]), (staff[1], staff[2:4], staff[2:3])):
            await ev.call("PUT", f"/appraisals/{ev.ids[person.nip]}/raters", hr,
                          {"raters": [{"rater_id": r.nip, "relation": "peer"} for r in raters]})
            for rater in answering:
                await ev.call("PUT", f"/appraisals/{ev.ids[person.nip]}/peer-input", rater,
                              {"scores": dict.fromkeys(VALUES, 4), "comments": {"kolaboratif": "Suka membantu"}})
        assert (await ev.view(staff[0], staff[0]))["peer"]["averages"]["kolaboratif"] == "4.00"
        assert (await ev.view(staff[1], staff[1]))["peer"]["visible"] is False

        # ratings: the head's results rating comes from the organisation predicate set by the leader
        await ev.call("PUT", f"/offices/{office}/units/{unit.unit_id}/periods/{period}/organisation-predicate",
                      leader, {"predicate": "baik", "reason": "Capaian perjanjian kinerja bidang 95%"})
        await ev.rate(head, leader, None, ATAS)
        await ev.rate(staff[0], head, ATAS, ATAS)
        for person in staff[1:]:
            await ev.rate(person, head, SESUAI, SESUAI)
        curve = await ev.call("GET", f"/offices/{office}/units/{unit.unit_id}/calibration?period={period}", hr)
        assert (curve["total"], curve["counts"]["baik"]) == (6, 5)
        assert curve["violations"] == ["Baik paling banyak 70%: 5 pegawai, batas 4",
                                       "minimal satu pegawai Butuh Perbaikan atau Kurang/Misconduct: 0 pegawai, "
                                       "minimal 1"]

        # the first finalisation needs a justification (override), then calibration brings the unit in line
        await ev.call("POST", f"/appraisals/{ev.ids[staff[0].nip]}/finalise", head, {}, expect=409)
        await ev.call("POST", f"/appraisals/{ev.ids[staff[0].nip]}/finalise", head,
                      {"justification": "Capaian individu melampaui target dan terverifikasi bukti dukung"})
        await ev.call("POST", f"/appraisals/{ev.ids[staff[4].nip]}/calibration", hr,
                      {"results_rating": BAWAH, "reason": "Rapat kalibrasi: RHK utama tidak tercapai"})
        curve = await ev.call("GET", f"/offices/{office}/units/{unit.unit_id}/calibration?period={period}", hr)
        assert curve["violations"] == []
        for person in staff[1:]:
            await ev.call("POST", f"/appraisals/{ev.ids[person.nip]}/finalise", head, {})
        await ev.call("POST", f"/appraisals/{ev.ids[head.nip]}/finalise", leader, {})
        for person in staff:
            await ev.call("POST", f"/appraisals/{ev.ids[person.nip]}/acknowledge", person)
        board = await ev.call("GET", f"/team/appraisals?period={period}", head)
        assert {row["waiting_on"] == [] for row in board} == {True}

        # an objection to the superior changes staff 1's result; a second objection is refused
        objector = staff[1]
        await ev.call("POST", f"/appraisals/{ev.ids[objector.nip]}/objection", objector,
                      {"reasons": "Capaian triwulan IV belum diperhitungkan"}, expect=201)
        await ev.call("POST", f"/appraisals/{ev.ids[objector.nip]}/objection/decision", leader,
                      {"decision": "changed", "reason": "Capaian triwulan IV sah", "results_rating": ATAS,
                       "behaviour_rating": ATAS})
        await ev.call("POST", f"/appraisals/{ev.ids[objector.nip]}/objection", objector,
                      {"reasons": "Keberatan yang kedua kalinya"}, expect=409)

    # what downstream consumers see on Kafka: a result per employee, and the correction naming its original
    records = [r for r in await read_topic(kafka_bootstrap, "kinerja.evaluation.events")
               if r.header("ce_office") == office]
    results = [r for r in records if r.header("ce_type") in ("evaluation.AppraisalFinalised",
                                                              "evaluation.AppraisalCorrected")]
    finalised = {r.key: r for r in results if r.header("ce_type") == "evaluation.AppraisalFinalised"}
    assert set(finalised) == {p.nip.encode() for p in (head, *staff)}
    correction = [r for r in results if r.header("ce_type") == "evaluation.AppraisalCorrected"]
    assert len(correction) == 1
    corrected = json.loads(correction[0].value or b"{}")
    assert correction[0].key == objector.nip.encode()
    assert corrected["replaces_event_id"] == finalised[objector.nip.encode()].header("ce_id")
    assert (corrected["previous"]["predicate"], corrected["result"]["predicate"]) == ("baik", "sangat_baik")
    assert correction[0].header("ce_actorid") == leader.nip
    assert correction[0].header("ce_actorrole") == "atasan_penilai"

    effective: dict[bytes | None, str] = {}
    for r in results:  # a consumer that applies corrections in topic order
        effective[r.key] = json.loads(r.value or b"{}")["result"]["predicate"]
    assert effective == {head.nip.encode(): "baik", staff[0].nip.encode(): "sangat_baik",
                         staff[1].nip.encode(): "sangat_baik", staff[2].nip.encode(): "baik",
                         staff[3].nip.encode(): "baik", staff[4].nip.encode(): "butuh_perbaikan"}
    head_result = json.loads(finalised[head.nip.encode()].value or b"{}")["result"]
    assert (head_result["results_rating"], head_result["organisation_predicate"]) == (SESUAI, "baik")

    # every score change on the topic names who, where, the previous value and the reason
    changes = [r for r in records if r.header("ce_type") in ("evaluation.ResultsRatingSet",
                                                              "evaluation.BehaviourRatingSet",
                                                              "evaluation.PredicateDetermined")]
    assert changes
    for r in changes:
        payload = json.loads(r.value or b"{}")
        assert "previous" in payload
        assert payload["reason"]
        assert r.header("ce_actorid") and r.header("ce_office") == office and r.header("ce_time")
    calibration = [json.loads(r.value or b"{}") for r in changes if r.key == staff[4].nip.encode()
                   and r.header("ce_type") == "evaluation.ResultsRatingSet"]
    assert calibration[-1]["source"] == "calibration"
    assert calibration[-1]["previous"] == SESUAI
    override = [r for r in records if r.header("ce_type") == "evaluation.CurveOverrideJustified"]
    assert [r.key for r in override] == [staff[0].nip.encode()]
    assert uuid.UUID(finalised[staff[0].nip.encode()].header("ce_id") or "")
