"""The dashboards' pages with a stand-in for the services: one request per service, the office page's long lists
shortened (the whole list is in its export), the team page's filter, sort and search, the pages for the roles."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from kinerja_portal.config import DemoUser, PortalSettings
from kinerja_portal.entrypoints.main import create_app
from kinerja_portal.pages.dashboards import LIST_MAX, chosen_members

HR = DemoUser(nip="198205052006042005", name="Rina", roles=["pegawai", "pengelola_kepegawaian"], offices=["K-UJI"])
STAFF = DemoUser(nip="199001012015012001", name="Siti", roles=["pegawai"], offices=["K-UJI"])


def member(i: int, **changes: Any) -> dict[str, Any]:
    return {"employee_id": f"1990010120150120{i:02d}"[:18], "name": f"Pegawai {i:03d}", "office_id": "K-UJI",
            "unit_id": f"UNIT-{i % 3}", "position": "Analis", "position_type": "ja", "evaluator_id": "x",
            "evaluator_name": "Kepala", "plan_id": None, "status": "not_started", "blocked_by": "belum_disusun",
            "ikis": [], "overall_percent": None, "entries": 0, "last_reported_at": None, "last_occurred_on": None,
            "reported_this_month": False, "behind": ["skp_belum_disetujui"], **changes}


class StandIn:
    def __init__(self, answers: dict[tuple[str, str], Any]) -> None:
        self.answers = answers
        self.asked: list[tuple[str, str]] = []

    async def call(self, service: str, method: str, path: str, token: str, **_: Any) -> Any:
        self.asked.append((service, path))
        return self.answers.get((service, path))

    async def aclose(self) -> None:
        return None


def signed_in(user: DemoUser) -> Any:
    app = create_app(PortalSettings(environment="test", jwt_secret=SecretStr("x" * 32), demo_users=[user]))
    client = TestClient(app)
    client.__enter__()
    page = client.get("/masuk").text
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    client.post("/masuk", data={"csrf": csrf, "demo": user.nip})
    return app, client


def test_the_office_page_shows_the_first_hundred_and_points_to_the_export() -> None:
    app, client = signed_in(HR)
    members = [member(i) for i in range(LIST_MAX + 20)]
    summary = {"units": [{"unit_id": f"UNIT-{u}", "total": 40, "by_status": {"not_started": 40}} for u in range(3)],
               "not_approved": {"total": len(members), "members": members[:LIST_MAX]},
               "not_reported": {"total": 0, "members": []}, "today": "2026-06-30"}
    app.state.services = services = StandIn({
        ("planning", "/offices/K-UJI/dashboard/summary"): summary,
        ("evaluation", "/offices/K-UJI/appraisal-dashboard"): {"units": [], "appraisals": [],
                                                               "days_left": {"plan": -150, "self_assessment": None,
                                                                             "rating": None}}})
    page = client.get("/dasbor/kantor", params={"tahun": "2026", "periode": "2026"})
    assert page.status_code == 200
    assert page.text.count('<tr data-nip=') == LIST_MAX
    assert f"Menampilkan {LIST_MAX} dari {LIST_MAX + 20}" in page.text and "Status SKP" in page.text
    assert "Batas SKP: lewat 150 hari" in page.text
    assert sorted(services.asked) == [("evaluation", "/offices/K-UJI/appraisal-dashboard"),
                                      ("planning", "/offices/K-UJI/dashboard/summary")]  # once each
    assert 'id="skp-status-chart"' in page.text and "UNIT-2" in page.text
    assert "<script" not in page.text.split("</header>")[1].split("<footer")[0]  # charts are SVG only
    client.__exit__(None, None, None)


def test_the_recap_lists_the_first_hundred_final_results_and_points_to_the_export() -> None:
    app, client = signed_in(HR)
    final = [{"employee_id": f"1990010120150120{i:02d}"[:18], "name": f"Pegawai {i:03d}", "unit_id": "UNIT-0",
              "status": "finalised", "predicate": "baik", "objection_status": None} for i in range(LIST_MAX + 5)]
    unit = {"unit_id": "UNIT-0", "total": 130, "final": len(final) + 10, "pending": 20, "objected": 0,
            "counts": {}, "bounds": [], "organisation_predicate": None}
    app.state.services = StandIn({("evaluation", "/offices/K-UJI/appraisal-dashboard"): {
        "units": [unit], "appraisals": final, "period": "2026"}})  # the service's first final ones
    page = client.get("/rekap", params={"tahun": "2026", "periode": "2026"})
    assert page.status_code == 200
    table = page.text.split('id="recap-final"')[1].split("</table>")[0]
    assert table.count("<tr><td") == LIST_MAX
    assert f"Menampilkan {LIST_MAX} dari {LIST_MAX + 15}" in page.text  # the total is the units' count
    client.__exit__(None, None, None)


def test_the_office_pages_and_exports_are_for_hr_and_auditors_only() -> None:
    app, client = signed_in(STAFF)
    app.state.services = StandIn({})
    for path in ("/dasbor/kantor", "/rekap", "/ekspor/roster.csv"):
        assert client.get(path).status_code == 403, path
    client.__exit__(None, None, None)


def test_an_unknown_export_is_a_404_page() -> None:
    app, client = signed_in(HR)
    app.state.services = StandIn({})
    assert client.get("/ekspor/semua.csv").status_code == 404
    assert client.get("/ekspor/roster.pdf").status_code == 404
    client.__exit__(None, None, None)


@pytest.mark.parametrize(("shown", "sort", "descending", "search", "expected"), [
    ("semua", "nama", False, "", ["Ani", "Budi", "Citra"]),
    ("tertinggal", "nama", False, "", ["Budi", "Citra"]),
    ("semua", "realisasi", True, "", ["Ani", "Budi", "Citra"]),  # without a measurable IKI: last either way
    ("semua", "realisasi", False, "", ["Budi", "Ani", "Citra"]),
    ("semua", "nama", False, "cit", ["Citra"]),
    ("belum_disetujui", "nama", False, "", ["Citra"]),
])
def test_filter_sort_and_search(shown: str, sort: str, descending: bool, search: str, expected: list[str]) -> None:
    members = [member(1, name="Budi", status="approved", blocked_by=None, overall_percent=10.0,
                      behind=["realisasi_tertinggal"]),
               member(2, name="Ani", status="approved", blocked_by=None, overall_percent=80.0, behind=[]),
               member(3, name="Citra")]
    found = chosen_members(members, shown=shown, sort=sort, descending=descending, search=search)
    assert [m["name"] for m in found] == expected
