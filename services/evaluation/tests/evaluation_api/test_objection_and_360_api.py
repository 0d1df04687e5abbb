"""The evaluation API's reads for the web portal, on real PostgreSQL and Kafka: the objections awaiting the
evaluator's superior (and the evaluator), the decision with what it replaced; who may rate an employee (the
360 rater picker), a rater reading back their own answer, closing the 360 window early; the appraisal view's
names and office time zone; an incomplete self-assessment naming every missing item; and which predicates
each bound of the curve counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from .test_appraisals_api import ATAS, PERIOD, SESUAI, VALUES, Setup, setup

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]
__all__ = ["setup"]


async def _finalised(s: Setup, index: int) -> str:
    person = s.unit.staff[index]
    assert (await s.rate_all(person, s.unit.head, SESUAI, SESUAI)).status_code == 200
    appraisal_id = s.appraisals[person.nip]
    done = await s.send("POST", f"/appraisals/{appraisal_id}/finalise", s.unit.head, {})
    assert done.status_code == 200, done.text
    return appraisal_id


async def test_the_superior_finds_the_objection_hears_the_evaluator_and_decides(setup: Setup) -> None:
    s, unit = setup, setup.unit
    employee = unit.staff[0]
    appraisal_id = await _finalised(s, 0)
    assert await s.get("/me/objections", unit.leader) == []
    filed = await s.send("POST", f"/appraisals/{appraisal_id}/objection", employee,
                         {"reasons": "Seluruh target triwulan terlampaui dengan bukti dukung lengkap"})
    assert filed.status_code == 201, filed.text

    [awaiting] = await s.get("/me/objections", unit.leader)
    assert (awaiting["appraisal_id"], awaiting["employee_id"], awaiting["name"], awaiting["my_role"]) == (
        appraisal_id, employee.nip, "Staf 1", "atasan_penilai")
    assert (awaiting["objection_status"], awaiting["explanations"], awaiting["predicate"]) == ("filed", 0, "baik")
    assert awaiting["objection_filed_at"] is not None and awaiting["objection_decided_at"] is None
    assert [(o["appraisal_id"], o["my_role"]) for o in await s.get("/me/objections", unit.head)] == [
        (appraisal_id, "pejabat_penilai")]
    assert await s.get("/me/objections", employee) == []

    explained = await s.send("POST", f"/appraisals/{appraisal_id}/objection/explanations", unit.head,
                             {"text": "Dua laporan terlambat diserahkan"})
    assert explained.status_code == 200
    assert (await s.get("/me/objections", unit.leader))[0]["explanations"] == 1

    # refused decisions change nothing: no reason; 'changed' that changes nothing; 'upheld' with ratings
    before = await s.appraisal(employee, unit.leader)
    path = f"/appraisals/{appraisal_id}/objection/decision"
    no_reason = await s.send("POST", path, unit.leader, {"decision": "upheld", "reason": ""})
    assert (no_reason.status_code, no_reason.json()["errors"][0]["field"]) == (422, "reason")
    unchanged = await s.send("POST", path, unit.leader, {"decision": "changed", "reason": "Dinilai ulang",
                                                         "results_rating": SESUAI})
    assert (unchanged.status_code, unchanged.json()["errors"][0]["field"]) == (422, "results_rating")
    assert unchanged.json()["detail"] == "Keputusan 'diubah' harus mengubah rating hasil kerja atau perilaku kerja"
    upheld_with = await s.send("POST", path, unit.leader, {"decision": "upheld", "reason": "Tetap",
                                                           "behaviour_rating": ATAS})
    assert (upheld_with.status_code, upheld_with.json()["errors"][0]["field"]) == (422, "results_rating")
    assert await s.appraisal(employee, unit.leader) == before

    decided = await s.send("POST", path, unit.leader, {"decision": "changed", "reason": "Bukti dukung sah",
                                                       "results_rating": ATAS, "behaviour_rating": ATAS})
    assert decided.status_code == 200, decided.text
    view = await s.appraisal(employee)
    assert (view["status"], view["predicate"], view["corrected"]) == ("decided", "sangat_baik", True)
    objection = view["objection"]
    assert (objection["decision"], objection["decided_by"], objection["reason"]) == (
        "changed", unit.leader.nip, "Bukti dukung sah")
    assert objection["previous"] == {"results_rating": SESUAI, "behaviour_rating": SESUAI, "predicate": "baik",
                                     "predicate_label": "Baik"}
    [done] = await s.get("/me/objections", unit.leader)
    assert (done["objection_status"], done["predicate"]) == ("changed", "sangat_baik")
    assert done["objection_decided_at"] is not None


async def test_rater_candidates_an_own_answer_read_back_and_closing_the_window(setup: Setup) -> None:
    s, unit = setup, setup.unit
    employee, peer, other = unit.staff[0], unit.staff[1], unit.staff[2]
    appraisal_id = s.appraisals[employee.nip]
    candidates = await s.get(f"/appraisals/{appraisal_id}/rater-candidates", unit.head)
    assert [(c["employee_id"], c["name"], c["relation"], c["assigned"]) for c in candidates] == [
        (p.nip, p.name, "peer", False) for p in unit.staff[1:]]  # never the employee, ordered by name
    head_candidates = await s.get(f"/appraisals/{s.appraisals[unit.head.nip]}/rater-candidates", unit.hr)
    assert {(c["employee_id"], c["relation"]) for c in head_candidates} == {
        (unit.hr.nip, "peer"), *((p.nip, "subordinate") for p in unit.staff)}
    refused = await s.send("GET", f"/appraisals/{appraisal_id}/rater-candidates", peer)
    assert refused.status_code == 403

    nobody = await s.send("POST", f"/appraisals/{appraisal_id}/peer-window/close", unit.head)
    assert nobody.status_code == 409
    assert nobody.json()["detail"].startswith("Belum ada penilai 360 yang ditugaskan")

    assigned = await s.send("PUT", f"/appraisals/{appraisal_id}/raters", unit.head,
                            {"raters": [{"rater_id": peer.nip, "relation": "peer"}]})
    assert assigned.status_code == 200, assigned.text
    assert [c["assigned"] for c in await s.get(f"/appraisals/{appraisal_id}/rater-candidates", unit.head)] == [
        True, False, False]
    asked = await s.get(f"/appraisals/{appraisal_id}/peer-input", peer)
    assert (asked["employee_name"], asked["relation"], asked["answered"], asked["scores"], asked["closed"]) == (
        "Staf 1", "peer", False, None, False)
    assert (asked["time_zone"], asked["period_key"]) == ("WITA", PERIOD)
    scores = dict(zip(VALUES, (5, 4, 4, 3, 5, 4, 2), strict=True))
    sent = await s.send("PUT", f"/appraisals/{appraisal_id}/peer-input", peer,
                        {"scores": scores, "comments": {"harmonis": "Kadang sulit dihubungi"}})
    assert sent.status_code == 200, sent.text
    mine = await s.get(f"/appraisals/{appraisal_id}/peer-input", peer)
    assert (mine["answered"], mine["scores"], mine["comments"]) == (True, scores,
                                                                    {"harmonis": "Kadang sulit dihubungi"})
    not_asked = await s.send("GET", f"/appraisals/{appraisal_id}/peer-input", other)
    assert not_asked.status_code == 403

    by_rater = await s.send("POST", f"/appraisals/{appraisal_id}/peer-window/close", peer)
    assert by_rater.status_code == 403
    closed = await s.send("POST", f"/appraisals/{appraisal_id}/peer-window/close", unit.head)
    assert closed.status_code == 200, closed.text
    again = await s.send("POST", f"/appraisals/{appraisal_id}/peer-window/close", unit.hr)
    assert (again.status_code, again.json()["detail"]) == (409, "Masa penilaian 360 sudah ditutup")
    late = await s.send("PUT", f"/appraisals/{appraisal_id}/peer-input", peer, {"scores": dict.fromkeys(VALUES, 1)})
    assert late.status_code == 409
    assert (await s.get(f"/appraisals/{appraisal_id}/peer-input", peer))["closed"] is True
    [request] = await s.get("/me/peer-requests", peer)
    assert (request["peer_window_closed"], request["time_zone"], request["answered"]) == (True, "WITA", True)
    view = await s.appraisal(employee, unit.head)
    assert view["peer"]["closed"] is True
    assert view["peer"]["raters"] == [{"rater_id": peer.nip, "name": peer.name, "relation": "peer",
                                       "answered": True}]


async def test_the_view_names_people_and_the_zone_and_an_incomplete_self_assessment_names_each_gap(
        setup: Setup) -> None:
    s, unit = setup, setup.unit
    employee = unit.staff[1]
    view = await s.appraisal(employee)
    assert (view["employee_name"], view["evaluator_name"], view["superior_name"]) == (
        "Staf 2", unit.head.name, unit.leader.name)
    assert view["time_zone"] == "WITA"
    assert datetime.fromisoformat(view["self_assessment_due"]) == datetime.fromisoformat("2026-04-05T23:59:59+08:00")

    first, second = view["rhks"]
    incomplete = await s.send("PUT", f"/appraisals/{view['appraisal_id']}/self-assessment", employee, {
        "rhk_ratings": [{"rhk_id": first["rhk_id"], "rating": SESUAI}],
        "value_ratings": [{"value": v, "rating": SESUAI} for v in VALUES if v not in ("harmonis", "kolaboratif")]})
    assert incomplete.status_code == 422
    problem: dict[str, Any] = incomplete.json()
    assert [e["field"] for e in problem["errors"]] == [
        f"rhk_ratings.{second['rhk_id']}", "value_ratings.harmonis", "value_ratings.kolaboratif"]
    assert problem["detail"] == "RHK 'RHK 2 Staf 2' belum dinilai"
    assert (await s.appraisal(employee))["rhks"][0]["self"] is None  # nothing saved


async def test_each_bound_of_the_curve_names_the_predicates_it_counts(setup: Setup) -> None:
    s, unit = setup, setup.unit
    office = unit.office_id
    org = await s.send("PUT", f"/offices/{office}/units/{unit.unit_id}/periods/{PERIOD}/organisation-predicate",
                       unit.hr, {"predicate": "baik", "reason": "Capaian unit", "instructed_by": unit.leader.nip})
    assert org.status_code == 200, org.text
    calibration = await s.get(f"/offices/{office}/units/{unit.unit_id}/calibration?period={PERIOD}", unit.hr)
    assert [(b["label"], b["predicates"]) for b in calibration["bounds"]] == [
        ("Baik paling banyak 70%", ["baik"]),
        ("minimal satu pegawai Butuh Perbaikan atau Kurang/Misconduct", ["butuh_perbaikan", "kurang"])]
