"""The public verification page (issue 15): no sign-in, the code as typed or scanned, sesuai / tidak sesuai /
superseded / unknown from the services' answers (planning first, then evaluation), in Indonesian."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from kinerja_portal.clients import ApiError
from kinerja_portal.config import PortalSettings
from kinerja_portal.entrypoints.main import create_app

CODE = "ABCDEFGHIJKLMNOP"


class FakeServices:
    """Answers the public verification route as planning and evaluation would."""

    def __init__(self, answers: dict[str, dict[str, Any]]) -> None:
        self.answers = answers
        self.asked: list[tuple[str, str]] = []

    async def public(self, service: str, path: str) -> Any:
        self.asked.append((service, path))
        if service not in self.answers:
            raise ApiError(service, 404, "tidak ditemukan", [], "")
        return self.answers[service]

    async def aclose(self) -> None:
        return None


@pytest.fixture
def client() -> Iterator[TestClient]:
    settings = PortalSettings(environment="test", jwt_secret=SecretStr("rahasia-uji-" * 4),
                              planning_url="http://127.0.0.1:9", evaluation_url="http://127.0.0.1:9",
                              feedback_url="http://127.0.0.1:9", career_url="http://127.0.0.1:9")
    with TestClient(create_app(settings), follow_redirects=False) as found:
        yield found


def answer(**changes: Any) -> dict[str, Any]:
    return {"code": CODE, "found": True, "matches": True, "superseded": False, "problems": [],
            "kind": "skp", "title": "Sasaran Kinerja Pegawai", "employee_name": "Siti Rahayu",
            "issued_at": "2026-12-03T02:00:00+00:00", "signatures": [
                {"role": "pegawai", "method": "dev_ca", "signed_at": "2026-12-03T02:05:00+00:00"}],
            "events": 14, **changes}


def test_a_matching_document_reads_sesuai_without_signing_in(client: TestClient) -> None:
    fake = FakeServices({"planning": answer()})
    client.app.state.services = fake  # type: ignore[attr-defined]
    page = client.get("/verifikasi/abcd-efgh-ijkl-mnop")
    assert page.status_code == 200
    assert "SESUAI" in page.text and "TIDAK SESUAI" not in page.text and "Siti Rahayu" in page.text
    assert "ABCD-EFGH-IJKL-MNOP" in page.text and "Pegawai yang dinilai (sertifikat pengembangan)" in page.text
    assert fake.asked == [("planning", f"/documents/{CODE}/verification")]


def test_a_tampered_history_reads_tidak_sesuai_with_what_differs(client: TestClient) -> None:
    client.app.state.services = FakeServices({"evaluation": answer(  # type: ignore[attr-defined]
        matches=False, problems=["isi dokumen berbeda dari isi menurut riwayat peristiwa"])})
    page = client.get(f"/verifikasi/{CODE}")
    assert "TIDAK SESUAI" in page.text and "isi dokumen berbeda" in page.text


def test_a_superseded_document_says_so(client: TestClient) -> None:
    client.app.state.services = FakeServices({"planning": answer(superseded=True)})  # type: ignore[attr-defined]
    assert "dibuat dari hasil yang sudah diganti" in client.get(f"/verifikasi/{CODE}").text


def test_an_unknown_code_and_the_form(client: TestClient) -> None:
    client.app.state.services = FakeServices({"planning": {"found": False}})  # type: ignore[attr-defined]
    page = client.get(f"/verifikasi/{CODE}")
    assert page.status_code == 404 and "Tidak ada dokumen dengan kode ini" in page.text
    assert client.get("/verifikasi").status_code == 200
    typed = client.get("/verifikasi", params={"kode": "abcd-efgh-ijkl-mnop"})
    assert typed.status_code == 303 and typed.headers["location"] == f"/verifikasi/{CODE}"


def test_the_transparency_proof_is_shown_proven_pending_or_absent(client: TestClient) -> None:
    log = {"origin": "kinerja.local/planning", "tree_size": 1204, "root": "SBNJTRN+FjG7owHVrKtue7eqdM4=",
           "signed": True, "witnessed": True, "witness": "witness.kinerja.local/dev", "complete": False,
           "events": [{"event_id": "0b6f0c1e-0000-4000-8000-000000000001", "leaf_index": 17, "status": "terbukti"},
                      {"event_id": "0b6f0c1e-0000-4000-8000-000000000002", "leaf_index": None,
                       "status": "belum_tercatat"}], "bundle": {}}
    client.app.state.services = FakeServices({"planning": answer(transparency=log)})  # type: ignore[attr-defined]
    page = client.get(f"/verifikasi/{CODE}").text
    assert "ukuran 1204 peristiwa" in page and "SBNJTRN+FjG7owHVrKtue7eqdM4=" in page
    assert "disaksikan oleh witness.kinerja.local/dev" in page
    assert "daun 17, <strong>terbukti</strong>" in page and "belum tercatat (periksa lagi sebentar lagi)" in page
    client.app.state.services = FakeServices({"planning": answer(  # type: ignore[attr-defined]
        transparency={**log, "witnessed": False, "witness": None})})
    assert "belum disaksikan" in client.get(f"/verifikasi/{CODE}").text
    client.app.state.services = FakeServices({"planning": answer()})  # type: ignore[attr-defined]
    assert "belum memiliki checkpoint" in client.get(f"/verifikasi/{CODE}").text
