"""The dashboards' planning endpoints on real PostgreSQL and Kafka: a team's and an office's SKP status, why a
member's SKP is not approved, realisation per IKI and overall (entries returned and corrected included), the
last report, falling-behind marks, and the office boundary."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from kinerja_kernel.auth import Role
from kinerja_kernel.testing.http import bearer, running_app
from kinerja_kernel.testing.office import UnitDriver
from kinerja_planning.config import PlanningSettings
from kinerja_planning.entrypoints.main import create_app

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

YEAR = 2026
TODAY = date(YEAR, 6, 30)


@pytest_asyncio.fixture(loop_scope="session")
async def unit(database_url: str, kafka_bootstrap: str, jwt_secret: str, unique: str, tmp_path: Path
               ) -> AsyncIterator[tuple[httpx.AsyncClient, UnitDriver]]:
    app = create_app(PlanningSettings(database_url=database_url, kafka_bootstrap_servers=kafka_bootstrap,
                                      jwt_secret=jwt_secret, environment="test", blob_dir=str(tmp_path / "blobs"),
                                      today=TODAY))
    async with running_app(app) as client:
        driver = UnitDriver(client, jwt_secret, office_id=f"KANDASH-{unique[:6].upper()}", unit_id="BIDANG-DATA",
                            year=YEAR, staff=3, seed=int(unique[:2], 16) % 9)
        await driver.register()
        await driver.approve_plans(rhks_per_person=1)  # the first two staff are approved below; the third drafts
        yield client, driver


def _member(view: dict[str, Any], nip: str) -> dict[str, Any]:
    return next(m for m in view["members"] if m["employee_id"] == nip)


async def test_team_dashboard_shows_realisation_per_iki_and_who_is_behind(
        unit: tuple[httpx.AsyncClient, UnitDriver]) -> None:
    client, driver = unit
    on_track, silent, drafting = driver.staff
    # on_track realises 7 of 12 (58 %: half the year is gone); an entry returned and corrected counts once
    await driver.realise(on_track, "5", f"{YEAR}-06-20", "https://example.org/bukti/1")
    await driver.realise(on_track, "4", f"{YEAR}-06-21", "https://example.org/bukti/2")
    progress = (await client.get(f"/api/v1/plans/{on_track.plan_id}/realisation", headers=on_track.headers)).json()
    entry = next(e for e in progress["entries"] if Decimal(str(e["value"])) == 4)
    returned = await client.post(f"/api/v1/plans/{on_track.plan_id}/realisation/{entry['entry_id']}/return",
                                 headers=driver.head.headers, json={"reason": "Bukti kurang"})
    assert returned.status_code == 200, returned.text
    corrected = await client.post(
        f"/api/v1/plans/{on_track.plan_id}/realisation/{entry['entry_id']}/correction", headers=on_track.headers,
        json={"value": "2", "occurred_on": f"{YEAR}-06-21", "description": "Laporan diperbaiki",
              "evidence": [{"kind": "link", "uri": "https://example.org/bukti/3"}]})
    assert corrected.status_code == 200, corrected.text
    # silent realises 1 of 12 in January and nothing since
    await driver.realise(silent, "1", f"{YEAR}-01-20", "https://example.org/bukti/4")
    # the third member's SKP goes back to revision: not approved any more
    revised = await client.post(f"/api/v1/plans/{drafting.plan_id}/revise", headers=drafting.headers,
                                json={"reason": "Perubahan tugas"})
    assert revised.status_code == 200, revised.text

    answer = await client.get("/api/v1/team/dashboard", headers=driver.head.headers, params={"period_year": YEAR})
    assert answer.status_code == 200, answer.text
    view = answer.json()
    assert view["expected_percent"] == pytest.approx(49.5, abs=0.1)
    assert {m["employee_id"] for m in view["members"]} == {p.nip for p in driver.staff}

    good = _member(view, on_track.nip)
    assert good["status"] == "approved" and good["blocked_by"] is None
    assert len(good["ikis"]) == 1 and float(good["ikis"][0]["realised"]) == 7
    assert good["ikis"][0]["percent"] == pytest.approx(58.33, abs=0.01)
    assert good["overall_percent"] == pytest.approx(58.3)
    assert good["entries"] == 2 and good["last_occurred_on"] == f"{YEAR}-06-21"
    assert good["behind"] == []

    late = _member(view, silent.nip)
    assert late["overall_percent"] == pytest.approx(8.3)
    assert set(late["behind"]) >= {"realisasi_tertinggal"}

    blocked = _member(view, drafting.nip)
    assert blocked["status"] == "revising" and blocked["blocked_by"] == "sedang_direvisi"
    assert blocked["behind"] == [] or "realisasi_tertinggal" in blocked["behind"]


async def test_office_dashboard_names_why_an_skp_is_not_approved(
        unit: tuple[httpx.AsyncClient, UnitDriver], jwt_secret: str) -> None:
    client, driver = unit
    newcomer = "199901012024011001"
    registered = await client.put(f"/api/v1/offices/{driver.office_id}/employees/{newcomer}",
                                  headers=driver.hr.headers,
                                  json={"name": "Pegawai Baru", "unit_id": driver.unit_id, "position": "Analis",
                                        "position_type": "ja", "employment": "pns", "evaluator_id": driver.head.nip,
                                        "superior_id": driver.leader.nip})
    assert registered.status_code == 200, registered.text
    answer = await client.get(f"/api/v1/offices/{driver.office_id}/dashboard", headers=driver.hr.headers,
                              params={"period_year": YEAR})
    assert answer.status_code == 200, answer.text
    view = answer.json()
    new = _member(view, newcomer)
    assert new["status"] == "not_started" and new["blocked_by"] == "belum_disusun"
    assert new["behind"] == ["skp_belum_disetujui"] and new["name"] == "Pegawai Baru"
    assert _member(view, driver.head.nip)["evaluator_name"] == "Kepala Kantor"
    # the summary a page shows: the same members and figures, without each member's IKIs
    summary = (await client.get(f"/api/v1/offices/{driver.office_id}/dashboard", headers=driver.hr.headers,
                                params={"period_year": YEAR, "ikis": "false"})).json()
    approved = driver.staff[0].nip
    assert _member(view, approved)["ikis"] and _member(summary, approved)["ikis"] == []
    assert [{k: v for k, v in m.items() if k != "ikis"} for m in summary["members"]] == \
        [{k: v for k, v in m.items() if k != "ikis"} for m in view["members"]]

    # the office page's summary: statuses per unit over everyone, the two lists cut at `limit` with their totals
    page = (await client.get(f"/api/v1/offices/{driver.office_id}/dashboard/summary", headers=driver.hr.headers,
                             params={"period_year": YEAR, "limit": 1})).json()
    waiting = [m["employee_id"] for m in view["members"]
               if m["blocked_by"] is not None or m["status"] not in ("approved", "closed")]
    assert sum(u["total"] for u in page["units"]) == len(view["members"])
    assert any(u["by_status"].get("not_started") for u in page["units"])  # the newcomer
    assert page["not_approved"]["total"] == len(waiting) >= 2
    assert [m["employee_id"] for m in page["not_approved"]["members"]] == waiting[:1]
    assert page["not_approved"]["members"][0]["ikis"] == []
    # a listed member is the office view's member (figured for the listed few only), field for field
    listed = page["not_approved"]["members"][0]
    assert listed == next(m for m in summary["members"] if m["employee_id"] == listed["employee_id"])
    other_unit = (await client.get(f"/api/v1/offices/{driver.office_id}/dashboard/summary",
                                   headers=driver.hr.headers, params={"period_year": YEAR, "unit": "TIDAK-ADA"})).json()
    assert other_unit["not_approved"]["total"] == 0 and other_unit["units"] == page["units"]
    # another office's HR, the office's own staff and a team view of someone with no team see nothing of it
    other = bearer(jwt_secret, "198001012005011001", [Role.PEGAWAI, Role.PENGELOLA_KEPEGAWAIAN], ["KANTOR-LAIN"])
    refused = await client.get(f"/api/v1/offices/{driver.office_id}/dashboard", params={"period_year": YEAR},
                               headers=other)
    assert refused.status_code == 403
    staff = await client.get(f"/api/v1/offices/{driver.office_id}/dashboard", params={"period_year": YEAR},
                             headers=driver.staff[0].headers)
    assert staff.status_code == 403
    for who in (other, driver.staff[0].headers):
        assert (await client.get(f"/api/v1/offices/{driver.office_id}/dashboard/summary", headers=who,
                                 params={"period_year": YEAR})).status_code == 403
    team = await client.get("/api/v1/team/dashboard", params={"period_year": YEAR}, headers=driver.staff[0].headers)
    assert team.status_code == 403
    bad = await client.get(f"/api/v1/offices/{driver.office_id}/dashboard", params={"period_year": "dua"},
                           headers=driver.hr.headers)
    assert bad.status_code == 422 and "period_year" in bad.text
