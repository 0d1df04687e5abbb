"""The dashboards' feedback endpoints: dialogues held and scheduled per member of a team or an office (a year
counts its quarters), one request each; the office boundary."""

from __future__ import annotations

import pytest

from kinerja_kernel.auth import Role

from .support import Service, nip, service
from .test_feedback_api import Team

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]
__all__ = ["service"]


async def test_dialogues_held_per_member_of_a_team_and_an_office(service: Service, unique: str) -> None:
    t = await Team(service, unique).registered()
    held = await service.client.post("/api/v1/dialogues", headers=t.boss, json={
        "employee_id": t.staff, "scheduled_at": "2031-03-10T09:00:00+07:00", "agenda": "Capaian triwulan I"})
    assert held.status_code == 201, held.text
    noted = await service.client.post(f"/api/v1/dialogues/{held.json()['id']}/notes", headers=t.boss,
                                      json={"notes": "Target tercapai", "expected_version": 1, "actions": []})
    assert noted.status_code == 200, noted.text
    later = await service.client.post("/api/v1/dialogues", headers=t.boss, json={
        "employee_id": t.staff, "scheduled_at": "2031-08-10T09:00:00+07:00", "agenda": "Triwulan III"})
    assert later.status_code == 201, later.text

    team = await service.client.get("/api/v1/team/dialogue-summary", headers=t.boss, params={"period": "2031"})
    assert team.status_code == 200, team.text
    rows = {r["employee_id"]: r for r in team.json()["members"]}
    assert set(rows) == {t.staff, t.peer}
    assert (rows[t.staff]["held"], rows[t.staff]["scheduled"]) == (1, 1)  # Q1 and Q3 both count in the year
    assert (rows[t.peer]["held"], rows[t.peer]["scheduled"]) == (0, 0) and rows[t.peer]["required"] >= 1
    quarter = await service.client.get("/api/v1/team/dialogue-summary", headers=t.boss, params={"period": "2031-Q1"})
    assert {r["employee_id"]: r["scheduled"] for r in quarter.json()["members"]}[t.staff] == 0

    office = await service.client.get(f"/api/v1/offices/{t.office}/dialogue-summary", headers=t.hr_token,
                                      params={"period": "2031"})
    assert office.status_code == 200, office.text
    assert {r["employee_id"] for r in office.json()["members"]} == {t.evaluator, t.staff, t.peer, t.stranger}

    other = service.token(nip(""), "KANTOR-LAIN", Role.PEGAWAI, Role.PENGELOLA_KEPEGAWAIAN)
    assert (await service.client.get(f"/api/v1/offices/{t.office}/dialogue-summary", headers=other,
                                     params={"period": "2031"})).status_code == 403
    assert (await service.client.get(f"/api/v1/offices/{t.office}/dialogue-summary", headers=t.as_(t.staff),
                                     params={"period": "2031"})).status_code == 403
    assert (await service.client.get("/api/v1/team/dialogue-summary", headers=t.as_(t.staff),
                                     params={"period": "2031"})).status_code == 403
    bad = await service.client.get("/api/v1/team/dialogue-summary", headers=t.boss, params={"period": "kemarin"})
    assert bad.status_code == 422 and "period" in bad.text
