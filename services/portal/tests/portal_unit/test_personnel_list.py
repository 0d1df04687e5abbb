"""HR's list of the office's employees (/kepegawaian) with a stand-in for the services: a large office shows
the first hundred and points to the roster export; the search finds anyone by name or NIP."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from pydantic import SecretStr

from kinerja_portal.config import DemoUser, PortalSettings
from kinerja_portal.entrypoints.main import create_app
from kinerja_portal.pages.personnel import LIST_MAX

HR = DemoUser(nip="198205052006042005", name="Rina", roles=["pegawai", "pengelola_kepegawaian"], offices=["K-UJI"])


class StandIn:
    def __init__(self, answers: dict[tuple[str, str], Any]) -> None:
        self.answers = answers

    async def call(self, service: str, method: str, path: str, token: str, **_: Any) -> Any:
        return self.answers.get((service, path))

    async def aclose(self) -> None:
        return None


def test_a_large_office_shows_the_first_hundred_and_the_search_finds_anyone() -> None:
    roster = [{"employee_id": f"19900101201501{i:04d}", "name": f"Pegawai {i:04d}", "unit_id": "UNIT-A",
               "position": "Analis"} for i in range(LIST_MAX + 30)]
    app = create_app(PortalSettings(environment="test", jwt_secret=SecretStr("x" * 32), demo_users=[HR]))
    with TestClient(app) as client:
        page = client.get("/masuk").text
        client.post("/masuk", data={"csrf": page.split('name="csrf" value="')[1].split('"')[0], "demo": HR.nip})
        app.state.services = StandIn({("planning", "/offices/K-UJI/employees"): roster,
                                      ("career", "/offices/K-UJI/employees"): []})
        listed = client.get("/kepegawaian")
        assert listed.status_code == 200
        assert listed.text.count("<tr data-nip=") == LIST_MAX
        assert f"Menampilkan {LIST_MAX} dari {LIST_MAX + 30}" in listed.text and "Roster" in listed.text
        last = roster[-1]
        assert last["employee_id"] not in listed.text
        found = client.get("/kepegawaian", params={"cari": "pegawai 0129"})
        assert found.text.count("<tr data-nip=") == 1 and f'data-nip="{last["employee_id"]}"' in found.text
        assert "Menampilkan" not in found.text
        by_nip = client.get("/kepegawaian", params={"cari": last["employee_id"]})
        assert by_nip.text.count("<tr data-nip=") == 1
