"""Acting officials in evaluation, learned from planning over Kafka: a Plh rates and finalises in the absent
evaluator's place, recording both; a Plt decides an objection in the superior's place; outside the dates both
are refused and nothing changes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kinerja_kernel.testing.office import eventually

from .test_appraisals_api import SESUAI, Setup, setup

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]
__all__ = ["setup"]


async def _appoint(s: Setup, absent: str, acting: str, kind: str, days: tuple[int, int]) -> None:
    today = (s.clock() + timedelta(hours=8)).date()  # the office is on WITA
    response = await s.unit.planning.post(f"/api/v1/offices/{s.unit.office_id}/acting-appointments",
                                          headers=s.unit.hr.headers, json={
        "absent_id": absent, "acting_id": acting, "kind": kind, "starts_on": str(today + timedelta(days[0])),
        "ends_on": str(today + timedelta(days[1])), "reason": "Penugasan"})
    assert response.status_code == 201, response.text


async def test_a_plh_rates_and_finalises_and_a_plt_decides_the_objection_recording_both(setup: Setup) -> None:
    s, unit = setup, setup.unit
    employee, plh, plt = unit.staff[3], unit.staff[2], unit.staff[1]
    appraisal_id = s.appraisals[employee.nip]
    # an appointment that ended yesterday: refused, nothing recorded
    await _appoint(s, unit.head.nip, plh.nip, "plh", (-5, -1))
    await _appoint(s, unit.head.nip, plh.nip, "plh", (0, 3))
    await _appoint(s, unit.leader.nip, plt.nip, "plt", (0, 3))

    async def learned() -> bool | None:
        team = await s.get("/team/appraisals?period=2026-Q1", plh)
        return True if any(a["employee_id"] == employee.nip for a in team) else None

    await eventually(learned)
    [row] = [a for a in await s.get("/team/appraisals?period=2026-Q1", plh) if a["employee_id"] == employee.nip]
    assert row["on_behalf_of"] == unit.head.nip
    rated = await s.rate_all(employee, plh, SESUAI, SESUAI)
    assert rated.status_code == 200, rated.text
    done = await s.send("POST", f"/appraisals/{appraisal_id}/finalise", plh, {"justification": "Distribusi unit sudah dibahas"})
    assert done.status_code == 200, done.text
    view = await s.appraisal(employee, plh)
    assert view["status"] == "finalised"
    assert (view["finalised_by"], view["finalised_by_name"], view["finalised_on_behalf_of"]) == (
        plh.nip, plh.name, unit.head.nip)
    assert view["acting_kinds"] == {"finalised": "plh"} and view["viewer_acts_for"]["evaluator"] is True

    filed = await s.send("POST", f"/appraisals/{appraisal_id}/objection", employee,
                         {"reasons": "Target triwulan terlampaui dengan bukti dukung"})
    assert filed.status_code == 201, filed.text
    assert [o["my_role"] for o in await s.get("/me/objections", plt)] == ["atasan_penilai"]
    decided = await s.send("POST", f"/appraisals/{appraisal_id}/objection/decision", plt,
                           {"decision": "upheld", "reason": "Sesuai bukti"})
    assert decided.status_code == 200, decided.text
    objection = (await s.appraisal(employee, plt))["objection"]
    assert (objection["decided_by"], objection["decided_by_name"], objection["decided_on_behalf_of"]) == (
        plt.nip, plt.name, unit.leader.nip)

    timeline = (await s.evaluation.get("/api/v1/audit/timeline", headers=unit.auditor.headers,
                                       params={"subject": employee.nip})).json()["entries"]
    by_type = {e["event_type"]: e for e in timeline}
    for event_type, actor, absent in (("evaluation.AppraisalFinalised", plh, unit.head),
                                      ("evaluation.ObjectionDecided", plt, unit.leader)):
        entry = by_type[event_type]
        assert entry["actor_id"] == actor.nip, entry
        assert absent.nip in str(entry), entry

async def test_outside_the_dates_the_acting_official_is_refused_and_nothing_changes(setup: Setup) -> None:
    s, unit = setup, setup.unit
    employee, plh = unit.staff[0], unit.staff[2]
    await _appoint(s, unit.head.nip, plh.nip, "plh", (5, 9))  # not yet
    before = await s.appraisal(employee, unit.head)
    appraisal_id = s.appraisals[employee.nip]
    assert (await s.send("GET", f"/appraisals/{appraisal_id}", plh)).status_code == 403
    refused = await s.send("PUT", f"/appraisals/{appraisal_id}/ratings", plh, {
        "rhk_ratings": [{"rhk_id": r["rhk_id"], "rating": SESUAI} for r in before["rhks"]]})
    assert refused.status_code == 403, refused.text
    assert refused.json()["errors"][0]["field"] == "evaluator_id"
    assert (await s.appraisal(employee, unit.head))["version"] == before["version"]
    assert await s.get("/team/appraisals?period=2026-Q1", plh) == []

