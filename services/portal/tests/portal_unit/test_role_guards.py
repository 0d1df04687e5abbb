"""Every page with a form is shown only to the roles it is for: anyone else (an auditor above all) gets the
403 page naming whose page it is, before any form is shown and before any service is called (the services
here are unreachable, so a page that called one would answer 503, not 403)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from kinerja_kernel.auth import Role
from kinerja_portal.config import DemoUser, PortalSettings
from kinerja_portal.entrypoints.main import create_app

SECRET = "s" * 40
AUDITOR = DemoUser(nip="198001012005011003", name="Budi Auditor", roles=[Role.AUDITOR], offices=["KANTOR-A"])
HR_ONLY = DemoUser(nip="198205052006042005", name="Rina HR", roles=[Role.PENGELOLA_KEPEGAWAIAN],
                   offices=["KANTOR-A"])
EMPLOYEE = DemoUser(nip="199001012020121001", name="Rina Pegawai", roles=[Role.PEGAWAI], offices=["KANTOR-A"])
ID = str(uuid.uuid4())
FOR_EMPLOYEES = "Halaman ini hanya untuk Pegawai"
FOR_STAFF = "Halaman ini hanya untuk Pegawai, Pejabat Penilai, Atasan Pejabat Penilai"
FOR_HR = "Halaman ini hanya untuk Pengelola Kepegawaian"

# (page group, address, whose page it is)
PAGES = [
    ("skp", "/skp", FOR_EMPLOYEES), ("skp", f"/skp/{ID}", FOR_EMPLOYEES),
    ("skp", f"/skp/{ID}/rhk/{ID}", FOR_EMPLOYEES),
    ("realisation", f"/skp/{ID}/realisasi", FOR_STAFF),
    ("realisation", f"/skp/{ID}/realisasi/{ID}/perbaiki", FOR_EMPLOYEES),
    ("daily log", "/catatan-harian", FOR_EMPLOYEES),
    ("appraisals", "/penilaian", FOR_EMPLOYEES), ("appraisals", f"/penilaian/{ID}/penilaian-diri", FOR_EMPLOYEES),
    ("360", "/360", FOR_EMPLOYEES), ("360", f"/360/{ID}", FOR_EMPLOYEES), ("360", f"/penilaian/{ID}/360", FOR_STAFF),
    ("feedback", "/umpan-balik", FOR_STAFF), ("feedback", "/umpan-balik/baru", FOR_STAFF),
    ("feedback", f"/umpan-balik/{ID}", FOR_STAFF),
    ("dialogues", "/dialog/baru", FOR_STAFF), ("dialogues", f"/dialog/{ID}", FOR_STAFF),
    ("clarifications", f"/penilaian/{ID}/klarifikasi", FOR_STAFF), ("clarifications", f"/klarifikasi/{ID}", FOR_STAFF),
    ("objections", "/keberatan", FOR_STAFF), ("objections", f"/penilaian/{ID}/keberatan", FOR_STAFF),
    ("career IDP", "/karier", FOR_EMPLOYEES), ("career IDP", "/karier/rencana/baru", FOR_EMPLOYEES),
    ("career IDP", f"/karier/rencana/{ID}", FOR_EMPLOYEES),
    ("roster", "/roster", FOR_HR), ("roster", "/roster/pegawai/199001012020121001", FOR_HR),
    ("roster", "/roster/plt", FOR_HR), ("recap PDF", "/rekap/dokumen?unit=BIDANG-A&periode=2026", FOR_HR),
]
POSTS = [f"/skp/{ID}/ajukan", f"/skp/{ID}/realisasi", f"/skp/{ID}/realisasi/{ID}/kembalikan", "/catatan-harian",
         f"/penilaian/{ID}/penilaian-diri", f"/360/{ID}", f"/penilaian/{ID}/penilai-360", "/umpan-balik/baru",
         "/dialog/baru", f"/penilaian/{ID}/keberatan/keputusan", "/karier/rencana", "/roster/impor", "/roster/plt",
         f"/tim/skp/{ID}/ekspektasi", f"/tim/skp/{ID}/lampiran"]


@pytest.fixture
def client() -> Iterator[TestClient]:
    settings = PortalSettings(environment="test", jwt_secret=SecretStr(SECRET),
                              demo_users=[AUDITOR, HR_ONLY, EMPLOYEE],
                              planning_url="http://127.0.0.1:9", evaluation_url="http://127.0.0.1:9",
                              feedback_url="http://127.0.0.1:9", career_url="http://127.0.0.1:9")
    with TestClient(create_app(settings), follow_redirects=False) as found:
        yield found


def sign_in(client: TestClient, user: DemoUser) -> str:
    """Signs in; returns the session's CSRF token."""
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/masuk").text)
    assert csrf is not None
    assert client.post("/masuk", data={"csrf": csrf[1], "demo": user.nip, "next": "/beranda"}).status_code == 303
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/beranda").text)
    assert token is not None
    return token[1]


class TestAnAuditor:
    @pytest.mark.parametrize(("group", "path", "whose"), PAGES, ids=[f"{g}:{p}" for g, p, _ in PAGES])
    def test_meets_a_clear_403_page_and_no_form(self, client: TestClient, group: str, path: str,
                                                whose: str) -> None:
        sign_in(client, AUDITOR)
        page = client.get(path)
        assert page.status_code == 403, (group, path)
        assert "Halaman ini bukan untuk peran Anda" in page.text and whose in page.text
        assert not re.search(r'<form method="post" action="/(skp|catatan|penilaian|360|umpan|dialog|klarifikasi|'
                             r'keberatan|karier|roster)', page.text)

    @pytest.mark.parametrize("path", POSTS)
    def test_a_posted_form_is_refused_before_anything_is_sent(self, client: TestClient, path: str) -> None:
        token = sign_in(client, AUDITOR)
        assert client.post(path, data={"csrf": token}).status_code == 403, path

    def test_sees_no_menu_entry_for_these_pages(self, client: TestClient) -> None:
        sign_in(client, AUDITOR)
        home = client.get("/beranda").text
        for path in ("/skp", "/catatan-harian", "/penilaian", "/360", "/umpan-balik", "/karier", "/keberatan",
                     "/roster", "/tim"):
            assert f'href="{path}"' not in home, path
        assert 'href="/audit"' in home

    def test_english_names_whose_page_it_is(self, client: TestClient) -> None:
        token = sign_in(client, AUDITOR)
        client.post("/bahasa", data={"csrf": token, "lang": "en", "next": "/beranda"})
        page = client.get("/skp")
        assert page.status_code == 403 and "This page is only for Employee" in page.text


class TestOtherRoles:
    def test_hr_without_an_skp_of_its_own_meets_no_skp_form(self, client: TestClient) -> None:
        sign_in(client, HR_ONLY)
        page = client.get("/skp")
        assert page.status_code == 403 and FOR_EMPLOYEES in page.text

    def test_an_employee_meets_no_roster_form(self, client: TestClient) -> None:
        sign_in(client, EMPLOYEE)
        page = client.get("/roster")
        assert page.status_code == 403 and FOR_HR in page.text
        assert 'href="/roster"' not in client.get("/beranda").text

    def test_an_employee_passes_the_guard_of_her_own_pages(self, client: TestClient) -> None:
        sign_in(client, EMPLOYEE)
        assert client.get("/skp").status_code != 403  # the guard lets her through (the services are down here)
        assert client.get(f"/skp/{ID}/realisasi").status_code != 403
