"""The Dokumen Evaluasi Kinerja Pegawai over HTTP (planning and evaluation on real PostgreSQL and Kafka): the
document's text, office boundaries, the evaluator's signature (valid in pdfsig, recorded as
evaluation.DocumentSigned), and the public verification: a document made before finalisation is superseded by
the finalised result, a tampered history no longer matches."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from kinerja_evaluation.config import EvaluationSettings
from kinerja_evaluation.entrypoints.main import create_app
from kinerja_kernel.auth import Role
from kinerja_kernel.contracts.career import Rank, RankRecorded
from kinerja_kernel.infra.postgres import create_database
from kinerja_kernel.kafka import events_topic
from kinerja_kernel.testing.http import bearer, running_app
from kinerja_kernel.testing.kafka_helpers import envelope_of, publish
from kinerja_kernel.testing.office import UnitDriver, eventually, nip
from kinerja_planning.config import PlanningSettings
from kinerja_planning.entrypoints.main import create_app as create_planning_app

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session"),
              pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils (deploy/local/setup.sh)")]
PERIOD, YEAR, SESUAI = "2026-Q1", 2026, "sesuai_ekspektasi"
VALUES = ("berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif")


def text_of(pdf: bytes, path: Path) -> str:
    path.write_bytes(pdf)
    return " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())


async def test_evaluation_document_signed_by_the_evaluator_and_verified(
        postgres_server_url: str, kafka_bootstrap: str, jwt_secret: str, unique: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KINERJA_DOCUMENTS_DEV_CA_DIR", str(tmp_path / "dev-ca"))
    office = f"KANREG-{unique[:6].upper()}"
    common: dict[str, Any] = {"kafka_bootstrap_servers": kafka_bootstrap, "jwt_secret": jwt_secret, "environment": "test",
              "blob_dir": str(tmp_path / "blobs")}
    planning = create_planning_app(PlanningSettings(
        database_url=await create_database(postgres_server_url, f"pl_{unique}"), **common))
    evaluation_url = await create_database(postgres_server_url, f"ev_{unique}")
    app = create_app(EvaluationSettings(database_url=evaluation_url, **common),
                     clock=lambda: datetime(2026, 4, 2, 2, 0, tzinfo=UTC))
    async with running_app(planning) as planning_client, running_app(app) as client:
        unit = UnitDriver(planning_client, jwt_secret, office_id=office, unit_id="BIDANG-MUTASI", year=YEAR,
                          staff=1, seed=int(unique[:2], 16) % 9)
        await unit.register()
        opened = await client.post(f"/api/v1/offices/{office}/periods", headers=unit.hr.headers,
                                   json={"period": PERIOD})
        assert opened.status_code == 201, opened.text
        await unit.approve_plans(rhks_per_person=1)
        staff, head = unit.staff[0], unit.head
        ranks = {staff.nip: Rank(grade="II/c", name="Pengatur", tmt=date(2023, 4, 1)),
                 head.nip: Rank(grade="III/d", name="Penata Tingkat I", tmt=date(2021, 10, 1)),
                 unit.leader.nip: Rank(grade="IV/b", name="Pembina Tingkat I", tmt=date(2020, 4, 1))}
        await publish(kafka_bootstrap, events_topic("career"), [envelope_of(  # as career publishes them
            RankRecorded(employee_id=n, office_id=office, rank=r, previous=None, reason="Impor SK pangkat"),
            subject=n, office_id=office, source="/kinerja/career", stream_id=f"karier-{n}") for n, r in ranks.items()])

        async def appraisal() -> str | None:
            found = (await client.get("/api/v1/me/appraisals", headers=staff.headers)).json()
            return str(found[0]["appraisal_id"]) if found else None

        appraisal_id = await eventually(appraisal)
        url = f"/api/v1/appraisals/{appraisal_id}/document"
        draft = await client.get(url, headers=staff.headers)
        assert draft.status_code == 200, draft.text
        draft_code = draft.headers["x-kinerja-document-code"]
        assert "belum difinalisasi" in text_of(draft.content, tmp_path / "draft.pdf")
        early = await client.post(f"{url}/signatures", headers=head.headers, json={})
        assert early.status_code == 409 and "belum difinalisasi" in early.text

        rated = await client.put(f"/api/v1/appraisals/{appraisal_id}/ratings", headers=head.headers, json={
            "rhk_ratings": [{"rhk_id": rhk_id, "rating": SESUAI, "comment": "Laporan tepat waktu"}
                            for rhk_id in staff.rhk_ids],
            "value_ratings": [{"value": v, "rating": SESUAI, "comment": f"Umpan balik {v}"} for v in VALUES],
            "results_rating": SESUAI, "behaviour_rating": SESUAI})
        assert rated.status_code == 200, rated.text
        final = await client.post(f"/api/v1/appraisals/{appraisal_id}/finalise", headers=head.headers, json={})
        if final.status_code == 409:  # outside the curve with one person: the evaluator justifies it
            final = await client.post(f"/api/v1/appraisals/{appraisal_id}/finalise", headers=head.headers,
                                       json={"justification": "Unit berisi satu pegawai"})
        assert final.status_code == 200, final.text

        async def ranks_known() -> bool | None:
            conn = await asyncpg.connect(evaluation_url)
            try:
                known = await conn.fetchval("SELECT count(*) FROM document_ranks WHERE employee_id = ANY($1)",
                                            list(ranks))
            finally:
                await conn.close()
            return True if known == len(ranks) else None

        await eventually(ranks_known)
        named = await client.patch(f"/api/v1/offices/{office}/settings", headers=unit.hr.headers, json={
            "office_name": "Kantor Regional Uji BKN", "unit_names": {"BIDANG-MUTASI": "Bidang Mutasi Kepegawaian"},
            "reason": "Nama kantor dan unit untuk dokumen"})
        assert named.status_code == 200, named.text
        current = (await client.get(f"/api/v1/offices/{office}", headers=unit.hr.headers)).json()["settings"]
        rules = {k: v for k, v in current.items() if k not in ("office_name", "unit_names")}
        replaced = await client.put(f"/api/v1/offices/{office}/settings", headers=unit.hr.headers,
                                    json={**rules, "peer_threshold": 4, "reason": "Ambang 360"})
        assert replaced.status_code == 200, replaced.text  # a PUT without the names keeps them
        current = (await client.get(f"/api/v1/offices/{office}", headers=unit.hr.headers)).json()["settings"]
        assert current["office_name"] == "Kantor Regional Uji BKN" and current["peer_threshold"] == 4, current
        got = await client.get(url, headers=staff.headers)
        code = got.headers["x-kinerja-document-code"]
        assert code != draft_code
        text = text_of(got.content, tmp_path / "final.pdf")
        for expected in ("DOKUMEN EVALUASI KINERJA PEGAWAI", "TRIWULANAN", "1 Januari 2026 s.d. 31 Maret 2026",
                         staff.name, staff.nip, head.name, unit.leader.name, "ATASAN PEJABAT PENILAI KINERJA",
                         "Sesuai Ekspektasi", "Laporan tepat waktu", "Umpan balik akuntabel", "PREDIKAT KINERJA",
                         "Baik", "Pengatur, II/c", "Penata Tingkat I, III/d",
                         "Pembina Tingkat I, IV/b", "Kantor Regional Uji BKN", "Bidang Mutasi Kepegawaian"):
            assert expected in text, expected
        # a source stream's id wraps in its PDF column and pdftotext drops a hyphen at a line's end
        assert f"penilaian{appraisal_id}".replace("-", "") in text.replace(" ", "").replace("-", "")

        stranger = bearer(jwt_secret, nip(1991, 556, salt=4), [Role.PEGAWAI, Role.PEJABAT_PENILAI], [office])
        foreign = bearer(jwt_secret, head.nip, [Role.PEJABAT_PENILAI, Role.PENGELOLA_KEPEGAWAIAN], ["KANTOR-LAIN"])
        for headers in (stranger, foreign):
            assert (await client.get(url, headers=headers)).status_code in (403, 404)
        not_signer = await client.post(f"{url}/signatures", headers=staff.headers, json={})
        assert not_signer.status_code == 403, not_signer.text
        signed = await client.post(f"{url}/signatures", headers=head.headers, json={})
        assert signed.status_code == 200 and signed.json()["next_signer"] is None, signed.text
        pdf = (await client.get(url, headers=staff.headers)).content
        (tmp_path / "signed.pdf").write_bytes(pdf)
        report = subprocess.run(["pdfsig", str(tmp_path / "signed.pdf")], capture_output=True, text=True).stdout
        assert "Signature is Valid." in report and f"serialNumber={head.nip}" in report, report

        fresh = (await client.get(f"/api/v1/documents/{code}/verification")).json()
        assert fresh["matches"] and not fresh["superseded"] and fresh["employee_name"] == staff.name, fresh
        assert fresh["title"] == "Dokumen Evaluasi Kinerja Pegawai" and len(fresh["signatures"]) == 1
        older = (await client.get(f"/api/v1/documents/{draft_code}/verification")).json()
        assert older["matches"] and older["superseded"], older

        recap_url = f"/api/v1/offices/{office}/units/{unit.unit_id}/recap/document"
        recap = await client.get(recap_url, headers=unit.hr.headers, params={"period": PERIOD})
        assert recap.status_code == 200 and recap.headers["content-type"] == "application/pdf", recap.text
        recap_code = recap.headers["x-kinerja-document-code"]
        assert "/" not in recap.headers["content-disposition"]
        recap_text = text_of(recap.content, tmp_path / "rekap.pdf")
        for expected in ("REKAP KINERJA UNIT KERJA", "Kantor Regional Uji BKN", "Bidang Mutasi Kepegawaian",
                         staff.name, staff.nip, head.name, "DISTRIBUSI PREDIKAT KINERJA PEGAWAI", "Final",
                         "Belum final", "KURVA DISTRIBUSI", "Bukti transparansi",
                         "-".join(recap_code[i:i + 4] for i in range(0, 16, 4))):
            assert expected in recap_text, expected
        assert f"penilaian{appraisal_id}".replace("-", "") in recap_text.replace(" ", "").replace("-", "")
        for headers in (staff.headers, head.headers, foreign):  # HR of the office only
            assert (await client.get(recap_url, headers=headers, params={"period": PERIOD})).status_code in (403, 404)
        missing_unit = await client.get(f"/api/v1/offices/{office}/units/UNIT-LAIN/recap/document",
                                        headers=unit.hr.headers, params={"period": PERIOD})
        assert missing_unit.status_code == 404 and "UNIT-LAIN" in missing_unit.text
        recap_view = (await client.get(f"/api/v1/documents/{recap_code}/verification")).json()
        assert recap_view["matches"] and recap_view["title"] == "Rekap Kinerja Unit", recap_view
        assert recap_view["employee_name"] == "Bidang Mutasi Kepegawaian" and office not in str(recap_view)

        conn = await asyncpg.connect(evaluation_url)
        try:
            await conn.execute("ALTER TABLE events DISABLE TRIGGER events_append_only")
            changed = await conn.execute(
                "UPDATE events SET payload = jsonb_set(payload::jsonb, '{comment}', '\"Komentar dipalsukan\"') "
                "WHERE stream_id = $1 AND event_type = 'evaluation.RhkRated'", f"penilaian-{appraisal_id}")
            await conn.execute("ALTER TABLE events ENABLE TRIGGER events_append_only")
        finally:
            await conn.close()
        assert changed != "UPDATE 0"
        tampered = (await client.get(f"/api/v1/documents/{code}/verification")).json()
        assert not tampered["matches"] and tampered["problems"], tampered
        tampered = (await client.get(f"/api/v1/documents/{recap_code}/verification")).json()
        assert not tampered["matches"] and tampered["problems"], tampered  # the recap was made from that stream too
