"""Evidence files, realisation dates and entries sent back for correction, over HTTP on real PostgreSQL and Kafka."""

from __future__ import annotations

import hashlib
import os
import uuid
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
from kinerja_planning.config import PlanningSettings
from kinerja_planning.entrypoints.main import create_app

from .test_plans_api import HEAD, STAFF, SUPERIOR, Office, iki_body

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

LIMIT = 64 * 1024
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + b"x" * 200 + b"\n%%EOF\n"


class Evidence:
    """The head's approved SKP (one manual IKI, 12 dokumen), planning's today fixed at 15 June 2026."""

    def __init__(self, office: Office, plan_id: str, iki_id: str, blobs: Path, secret: str) -> None:
        self.office, self.plan_id, self.iki_id, self.blobs = office, plan_id, iki_id, blobs
        self.foreign = bearer(secret, HEAD, [Role.PEGAWAI, Role.PEJABAT_PENILAI, Role.ATASAN_PENILAI], ["KANREG-II"])

    @property
    def client(self) -> httpx.AsyncClient:
        return self.office.client

    async def upload(self, data: bytes, name: str = "laporan.pdf", content_type: str = "application/pdf",
                     who: dict[str, str] | None = None) -> httpx.Response:
        return await self.client.post(f"/api/v1/plans/{self.plan_id}/evidence", headers=who or self.office.head,
                                      files={"file": (name, data, content_type)})

    async def report(self, *entries: dict[str, Any]) -> httpx.Response:
        return await self.office.post(f"/plans/{self.plan_id}/realisation", self.office.head, {"entries": list(entries)})

    async def progress(self, **params: str) -> dict[str, Any]:
        response = await self.client.get(f"/api/v1/plans/{self.plan_id}/realisation", params=params,
                                         headers=self.office.head)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def entry(self, value: str = "2", occurred_on: str = "2026-03-02", **extra: Any) -> dict[str, Any]:
        return {"entry_id": str(uuid.uuid4()), "iki_id": self.iki_id, "value": value, "occurred_on": occurred_on,
                "description": "Menyusun dokumen", **extra}

    def stored(self) -> set[str]:
        return {p.name for p in self.blobs.rglob("*") if p.is_file()}


@pytest_asyncio.fixture(loop_scope="session")
async def evidence(database_url: str, kafka_bootstrap: str, jwt_secret: str, tmp_path: Path
                   ) -> AsyncIterator[Evidence]:
    settings = PlanningSettings(database_url=database_url, kafka_bootstrap_servers=kafka_bootstrap,
                                jwt_secret=jwt_secret, environment="test", blob_dir=str(tmp_path / "blobs"),
                                max_evidence_bytes=LIMIT, today=date(2026, 6, 15),
                                consumer_group=f"planning-test-{uuid.uuid4().hex[:8]}")
    async with running_app(create_app(settings)) as client:
        office = Office(client, jwt_secret)
        for nip, kind, evaluator in ((SUPERIOR, "jpt", "195501011980031001"), (HEAD, "kepala_unit", SUPERIOR),
                                     (STAFF, "ja", HEAD)):
            assert (await office.register(nip, kind, evaluator)).status_code == 200
        plan_id = await office.draft(office.head)
        rhk = {"title": "Terselenggaranya layanan mutasi", "kind": "utama", "ikis": [iki_body()],
               "source": {"kind": "perjanjian_kinerja", "reference": "PK 2026"}}
        added = await office.post(f"/plans/{plan_id}/rhks", office.head, {"rhk": rhk})
        assert added.status_code == 201, added.text
        assert (await office.post(f"/plans/{plan_id}/submit", office.head)).status_code == 200
        assert (await office.post(f"/plans/{plan_id}/approve", office.superior)).status_code == 200
        yield Evidence(office, plan_id, added.json()["rhk"]["ikis"][0]["iki_id"], tmp_path / "blobs", jwt_secret)


def field_of(response: httpx.Response) -> str:
    return str(response.json()["errors"][0]["field"])


class TestEvidenceFiles:
    async def test_the_owner_uploads_a_pdf_cites_it_and_the_evaluator_downloads_the_same_bytes(
            self, evidence: Evidence) -> None:
        data = PDF + os.urandom(16)
        uploaded = await evidence.upload(data, name="Laporan Maret.pdf")
        assert uploaded.status_code == 201, uploaded.text
        sha = uploaded.json()["sha256"]
        assert sha == hashlib.sha256(data).hexdigest()
        assert uploaded.json()["media_type"] == "application/pdf"
        reported = await evidence.report(evidence.entry(evidence=[{"kind": "file", "sha256": sha,
                                                                   "name": "Laporan Maret.pdf"}]))
        assert reported.status_code == 201, reported.text
        cited = next(e for e in (await evidence.progress())["entries"] if e["evidence"])["evidence"][0]
        assert (cited["kind"], cited["sha256"], cited["size"], cited["media_type"]) == ("file", sha, len(data),
                                                                                       "application/pdf")
        assert cited["uri"] == f"/api/v1/plans/{evidence.plan_id}/evidence/{sha}"

        url = f"/api/v1/plans/{evidence.plan_id}/evidence/{sha}"
        for reader in (evidence.office.superior, evidence.office.hr, evidence.office.head):
            downloaded = await evidence.client.get(url, headers=reader)
            assert downloaded.status_code == 200, downloaded.text
            assert downloaded.content == data
        assert downloaded.headers["content-type"] == "application/pdf"
        assert downloaded.headers["content-disposition"].startswith("attachment;")
        assert "Laporan Maret.pdf" in downloaded.headers["content-disposition"].replace("%20", " ")
        assert downloaded.headers["x-content-type-options"] == "nosniff"

        stranger = await evidence.client.get(url, headers=evidence.office.staff)  # same office, no relation
        assert stranger.status_code == 403
        foreign = await evidence.client.get(url, headers=evidence.foreign)  # another office
        assert foreign.status_code == 403
        assert stranger.headers["content-type"] == foreign.headers["content-type"] == "application/problem+json"

    async def test_a_file_no_entry_cites_is_not_served_and_only_the_owner_uploads(self, evidence: Evidence) -> None:
        sha = (await evidence.upload(PDF + os.urandom(8))).json()["sha256"]
        response = await evidence.client.get(f"/api/v1/plans/{evidence.plan_id}/evidence/{sha}",
                                             headers=evidence.office.superior)
        assert response.status_code == 404
        assert (await evidence.upload(PDF, who=evidence.office.superior)).status_code == 403
        assert (await evidence.upload(PDF, who=evidence.foreign)).status_code == 403

    async def test_html_and_oversized_files_are_refused_and_nothing_is_stored(self, evidence: Evidence) -> None:
        before = evidence.stored()
        html = b"<!doctype html><script>alert(document.cookie)</script>" + os.urandom(8)
        for name, data, claimed in (("laporan.pdf", html, "application/pdf"), ("x.html", html, "text/html"),
                                    ("gambar.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"),
                                    ("makro.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "application/msword"),
                                    ("kosong.pdf", b"", "application/pdf")):
            refused = await evidence.upload(data, name=name, content_type=claimed)
            assert refused.status_code == 422, (name, refused.text)
            assert field_of(refused) == "file"
            assert refused.json()["detail_en"]
        just_over = await evidence.upload(PDF + b"0" * LIMIT)
        assert just_over.status_code == 413
        assert field_of(just_over) == "file"
        assert "batasnya" in just_over.json()["errors"][0]["message"]
        far_over = await evidence.upload(PDF + b"0" * (LIMIT * 3))
        assert far_over.status_code == 413  # refused by the edge while it streams in
        assert evidence.stored() == before

    async def test_a_file_never_uploaded_cannot_be_cited(self, evidence: Evidence) -> None:
        sha = hashlib.sha256(os.urandom(8)).hexdigest()
        refused = await evidence.report(evidence.entry(evidence=[{"kind": "file", "sha256": sha}]))
        assert refused.status_code == 422
        assert field_of(refused) == "entries.0.evidence.0.sha256"


class TestDates:
    async def test_an_entry_after_today_or_outside_the_year_is_refused_naming_the_field(
            self, evidence: Evidence) -> None:
        before = await evidence.progress()
        future = await evidence.report(evidence.entry(), evidence.entry(occurred_on="2026-06-16"))
        assert future.status_code == 422
        assert field_of(future) == "entries.1.occurred_on"
        assert "setelah hari ini" in future.json()["errors"][0]["message"]
        last_year = await evidence.report(evidence.entry(occurred_on="2025-12-31"))
        assert field_of(last_year) == "entries.0.occurred_on"
        assert "tahun SKP 2026" in last_year.json()["errors"][0]["message"]
        assert (await evidence.progress())["entries"] == before["entries"]  # nothing half saved

    async def test_a_csv_row_dated_in_the_future_is_refused_by_its_row(self, evidence: Evidence) -> None:
        csv = (f"iki_id;value;occurred_on;description\n{evidence.iki_id};1;2026-03-01;Maret\n"
               f"{evidence.iki_id};1;2026-07-01;Juli\n")
        refused = await evidence.client.post(f"/api/v1/plans/{evidence.plan_id}/realisation/import",
                                             content=csv.encode(), headers={**evidence.office.head,
                                                                            "content-type": "text/csv"})
        assert refused.status_code == 422
        assert field_of(refused) == "rows.3"
        assert refused.json()["errors"][0]["message"].startswith("Baris 3 kolom occurred_on:")


class TestSendingBack:
    async def test_the_evaluator_returns_an_entry_with_a_reason_and_the_employee_corrects_it(
            self, evidence: Evidence) -> None:
        o = evidence.office
        sent = evidence.entry(value="3", occurred_on="2026-04-10")
        assert (await evidence.report(sent)).status_code == 201
        before = next(i for i in (await evidence.progress())["ikis"])["realised"]
        url = f"/plans/{evidence.plan_id}/realisation/{sent['entry_id']}"
        assert (await o.post(f"{url}/return", o.staff, {"reason": "x"})).status_code == 403
        assert (await o.post(f"{url}/return", o.head, {"reason": "x"})).status_code == 403  # the owner
        empty = await o.post(f"{url}/return", o.superior, {"reason": ""})
        assert (empty.status_code, field_of(empty)) == (422, "reason")
        returned = await o.post(f"{url}/return", o.superior, {"reason": "Lampirkan daftar hadir rapat"})
        assert returned.status_code == 200, returned.text

        progress = await evidence.progress()
        view = next(e for e in progress["entries"] if e["entry_id"] == sent["entry_id"])
        assert view["status"] == "returned"
        assert (view["returned"]["by"], view["returned"]["reason"]) == (SUPERIOR, "Lampirkan daftar hadir rapat")
        assert float(progress["ikis"][0]["realised"]) == float(before) - 3

        late = await o.post(f"{url}/correction", o.head, {"value": "2", "occurred_on": "2026-06-20",
                                                          "description": "Rapat"})
        assert (late.status_code, field_of(late)) == (422, "occurred_on")
        corrected = await o.post(f"{url}/correction", o.head, {"value": "2", "occurred_on": "2026-04-11",
                                                               "description": "Rapat koordinasi dengan daftar hadir",
                                                               "note": "Tanggal dan nilai diperbaiki"})
        assert corrected.status_code == 200, corrected.text
        view = next(e for e in (await evidence.progress())["entries"] if e["entry_id"] == sent["entry_id"])
        assert (view["status"], view["value"], view["occurred_on"]) == ("counted", "2", "2026-04-11")
        assert view["corrections"][0]["previous_value"] == "3"
        assert view["corrections"][0]["reason"] == "Lampirkan daftar hadir rapat"
        again = await o.post(f"{url}/correction", o.head, {"value": "9", "occurred_on": "2026-04-11",
                                                           "description": "x"})
        assert again.status_code == 409  # only a returned entry is corrected

    async def test_the_employee_withdraws_an_entry_and_a_period_counts_only_its_counted_entries(
            self, evidence: Evidence) -> None:
        o = evidence.office
        q3 = {"since": "2026-05-01", "until": "2026-05-31"}
        kept, dropped = evidence.entry(value="4", occurred_on="2026-05-05"), evidence.entry(value="6",
                                                                                           occurred_on="2026-05-06")
        assert (await evidence.report(kept, dropped)).status_code == 201
        assert (await evidence.progress(**q3))["ikis"][0]["realised_in_range"] == "10"
        url = f"/plans/{evidence.plan_id}/realisation/{dropped['entry_id']}/withdrawal"
        assert (await o.post(url, o.superior, {})).status_code == 403
        assert (await o.post(url, o.head, {"reason": "Dilaporkan dua kali"})).status_code == 200
        progress = await evidence.progress(**q3)
        assert progress["ikis"][0]["realised_in_range"] == "4"
        assert next(e for e in progress["entries"] if e["entry_id"] == dropped["entry_id"])["status"] == "withdrawn"
        second_quarter = sum(Decimal(e["value"]) for e in progress["entries"] if e["status"] == "counted"
                             and "2026-04-01" <= e["occurred_on"] <= "2026-06-30")
        assert Decimal(progress["ikis"][0]["by_quarter"][1]) == second_quarter
