"""The SKP document over HTTP on real PostgreSQL and Kafka: download (text read back), office boundaries,
signing in the regulation's order with the development CA (both signatures valid in pdfsig), BSrE through the
local v2 double (a refusal records nothing), and the public verification: matches for a fresh document,
superseded after a revision, and a mismatch after the history is tampered with in the database."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import shutil
import subprocess
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import pytest_asyncio

from kinerja_kernel.auth import Role
from kinerja_kernel.contracts.career import Rank, RankRecorded
from kinerja_kernel.contracts.evaluation import OfficeSettings, OfficeSettingsChanged
from kinerja_kernel.documents.desk import DocumentDesk, DocumentSettings
from kinerja_kernel.kafka import events_topic
from kinerja_kernel.testing.bsre_double import BsreDouble
from kinerja_kernel.testing.http import bearer, running_app
from kinerja_kernel.testing.kafka_helpers import envelope_of, publish
from kinerja_kernel.testing.office import UnitDriver, nip
from kinerja_kernel.transparency.note import Signer
from kinerja_planning.config import PlanningSettings
from kinerja_planning.entrypoints.main import create_app

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session"),
              pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils (deploy/local/setup.sh)")]
YEAR = 2026
LOG_KEY = Signer.generate("kinerja.test/planning")


@pytest_asyncio.fixture(loop_scope="session")
async def office(database_url: str, kafka_bootstrap: str, jwt_secret: str, unique: str, tmp_path: Path,
                 monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[Any, UnitDriver]]:
    monkeypatch.setenv("KINERJA_DOCUMENTS_DEV_CA_DIR", str(tmp_path / "dev-ca"))
    monkeypatch.setenv("KINERJA_DOCUMENTS_VERIFICATION_URL", "http://portal.test/verifikasi")
    app = create_app(PlanningSettings(database_url=database_url, kafka_bootstrap_servers=kafka_bootstrap,
                                      jwt_secret=jwt_secret, environment="test", blob_dir=str(tmp_path / "blobs"),
                                      transparency_signing_key=LOG_KEY.skey, transparency_checkpoint_interval_s=0))
    async with running_app(app) as client:
        unit = UnitDriver(client, jwt_secret, office_id=f"KANWIL-{unique[:6].upper()}", unit_id="BIDANG-PERENCANAAN",
                          year=YEAR, staff=1, seed=int(unique[2:4], 16) % 9)
        await unit.register()
        await unit.approve_plans(rhks_per_person=2)
        await ranks_from_career(kafka_bootstrap, database_url, unit.office_id, {
            unit.staff[0].nip: Rank(grade="III/a", name="Penata Muda", tmt=date(2024, 4, 1)),
            unit.head.nip: Rank(grade="IV/a", name="Pembina", tmt=date(2022, 10, 1))})
        await names_from_evaluation(kafka_bootstrap, database_url, unit.office_id, "Kantor Wilayah Uji",
                                    {unit.unit_id: "Bidang Perencanaan Kepegawaian"})
        yield (app, client), unit


async def names_from_evaluation(bootstrap: str, database_url: str, office_id: str, name: str,
                                units: dict[str, str]) -> None:
    """evaluation.OfficeSettingsChanged with the office's and units' names, as evaluation publishes it."""
    settings = OfficeSettings(office_name=name, unit_names=units)
    await publish(bootstrap, events_topic("evaluation"), [envelope_of(
        OfficeSettingsChanged(office_id=office_id, settings=settings, previous=None, reason="Nama kantor"),
        subject=office_id, office_id=office_id, source="/kinerja/evaluation", stream_id=f"kantor-{office_id}")])
    conn = await asyncpg.connect(database_url)
    try:
        for _ in range(300):
            if await conn.fetchval("SELECT office_name FROM office_time_zones WHERE office_id = $1", office_id):
                return
            await asyncio.sleep(0.2)
    finally:
        await conn.close()
    raise AssertionError("planning never learned the office's names from evaluation's topic")


async def ranks_from_career(bootstrap: str, database_url: str, office_id: str, ranks: dict[str, Rank]) -> None:
    """career.RankRecorded on career's topic, as career publishes it; planning's read model learns them."""
    await publish(bootstrap, events_topic("career"), [envelope_of(
        RankRecorded(employee_id=nip_, office_id=office_id, rank=rank, previous=None, reason="Impor SK pangkat"),
        subject=nip_, office_id=office_id, source="/kinerja/career", stream_id=f"karier-{nip_}")
        for nip_, rank in ranks.items()])
    conn = await asyncpg.connect(database_url)
    try:
        for _ in range(300):
            known = await conn.fetchval("SELECT count(*) FROM document_ranks WHERE employee_id = ANY($1::text[])",
                                        list(ranks))
            if known == len(ranks):
                return
            await asyncio.sleep(0.2)
    finally:
        await conn.close()
    raise AssertionError("planning never learned the ranks from career's topic")


def text_of(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "skp.pdf"
    path.write_bytes(pdf)
    return " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())


async def proven(client: Any, code: str) -> dict[str, Any]:
    """The verification once every event of the document is in a checkpoint (made after each batch here)."""
    for _ in range(100):
        view: dict[str, Any] = (await client.get(f"/api/v1/documents/{code}/verification")).json()
        if view["transparency"] and view["transparency"]["complete"]:
            return view
        await asyncio.sleep(0.2)
    raise AssertionError(f"the document's events never reached a checkpoint: {view}")


async def events_of(database_url: str, stream: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(database_url)
    try:
        return await conn.fetch("SELECT event_type, payload FROM events WHERE stream_id = $1 ORDER BY stream_version",
                                stream)
    finally:
        await conn.close()


async def test_download_sign_in_order_and_verify(office: tuple[Any, UnitDriver], database_url: str,
                                                 jwt_secret: str, tmp_path: Path) -> None:
    (_, client), unit = office
    staff = unit.staff[0]
    url = f"/api/v1/plans/{staff.plan_id}/document"
    got = await client.get(url, headers=staff.headers)
    assert got.status_code == 200, got.text
    assert got.headers["content-type"] == "application/pdf" and "attachment" in got.headers["content-disposition"]
    code = got.headers["x-kinerja-document-code"]
    text = text_of(got.content, tmp_path)
    for expected in ("SASARAN KINERJA PEGAWAI", staff.name, staff.nip, unit.head.name, "Kepala Bidang",
                     "BAGI PEJABAT ADMINISTRASI DAN PEJABAT FUNGSIONAL", "Berorientasi Pelayanan", "Kuantitas",
                     "12 dokumen", "Pegawai yang Dinilai", "Pejabat Penilai Kinerja", "Penata Muda, III/a",
                     "Pembina, IV/a", "Kantor Wilayah Uji", "Bidang Perencanaan Kepegawaian",
                     "-".join(code[i:i + 4] for i in range(0, 16, 4)), "portal.test/verifikasi/" + code):
        assert expected in text, expected
    # the source stream's id wraps in its narrow column and pdftotext drops a hyphen at a line's end
    assert f"skp{staff.plan_id}".replace("-", "") in text.replace(" ", "").replace("-", ""), "the source stream"
    again = await client.get(url, headers=unit.head.headers)
    assert again.headers["x-kinerja-document-code"] == code
    assert [r["event_type"] for r in await events_of(database_url, f"dokumen-{code}")] == ["planning.DocumentIssued"]

    stranger = bearer(jwt_secret, nip(1991, 555, salt=3), [Role.PEGAWAI, Role.PEJABAT_PENILAI], [unit.office_id])
    foreign = bearer(jwt_secret, unit.head.nip, [Role.PEJABAT_PENILAI, Role.PENGELOLA_KEPEGAWAIAN], ["KANWIL-LAIN"])
    for headers in (stranger, foreign):
        assert (await client.get(url, headers=headers)).status_code in (403, 404)
        assert (await client.post(f"{url}/signatures", headers=headers, json={})).status_code in (403, 404)

    early = await client.post(f"{url}/signatures", headers=unit.head.headers, json={})
    assert early.status_code == 409 and "Belum giliran Anda" in early.text, early.text
    first = await client.post(f"{url}/signatures", headers=staff.headers, json={})
    assert first.status_code == 200, first.text
    assert first.json()["signed_by"] == ["pegawai"] and first.json()["next_signer"] == unit.head.nip
    second = await client.post(f"{url}/signatures", headers=unit.head.headers, json={})
    assert second.status_code == 200 and second.json()["next_signer"] is None, second.text
    done = await client.post(f"{url}/signatures", headers=staff.headers, json={})
    assert done.status_code == 409 and "sudah ditandatangani lengkap" in done.text

    signed = await client.get(url, headers=staff.headers)
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed.content)
    report = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert report.count("Signature is Valid.") == 2 and f"serialNumber={staff.nip}" in report, report
    attached = subprocess.run(["pdfdetach", "-list", str(path)], capture_output=True, text=True).stdout
    assert "bukti-transparansi.json" in attached, attached  # the proof travels inside the signed PDF
    history = await events_of(database_url, f"dokumen-{code}")
    assert [r["event_type"] for r in history] == ["planning.DocumentIssued", "planning.DocumentSigned",
                                                  "planning.DocumentSigned"]
    last = json.loads(history[-1]["payload"])
    assert last["role"] == "pejabat_penilai" and last["signer_id"] == unit.head.nip and last["method"] == "dev_ca"
    assert last["pdf_sha256"] == hashlib.sha256(signed.content).hexdigest()

    public = await client.get(f"/api/v1/documents/{code.lower()}/verification")
    view = public.json()
    assert public.status_code == 200 and view["matches"] and not view["superseded"], view
    assert view["employee_name"] == staff.name and len(view["signatures"]) == 2
    assert staff.nip not in public.text and unit.office_id not in public.text and str(staff.plan_id) not in public.text
    log = (await proven(client, code))["transparency"]
    assert log["signed"] and not log["witnessed"] and log["origin"] == LOG_KEY.name and log["tree_size"] > 0
    assert {e["status"] for e in log["events"]} == {"terbukti"} and len(log["events"]) >= 3 + 3  # sources, record
    assert log["bundle"]["format"] == "kinerja-transparency-proofs/v1" and not log["bundle"]["not_yet_witnessed"]
    printed = text_of((await client.get(url, headers=staff.headers)).content, tmp_path)
    assert "Bukti transparansi" in printed and "belum disaksikan" in printed
    # the column header wraps with its neighbours' (pdftotext may put another header's second line between)
    assert re.search(r"\bLog (\S+ ){0,3}transparansi\b", printed), printed

    revised = await client.post(f"/api/v1/plans/{staff.plan_id}/revise", headers=staff.headers,
                                json={"reason": "Target berubah"})
    assert revised.status_code == 200, revised.text
    edit = await client.get(f"/api/v1/plans/{staff.plan_id}", headers=staff.headers)
    rhk = edit.json()["rhks"][0]
    changed = await client.put(f"/api/v1/plans/{staff.plan_id}/rhks/{rhk['rhk_id']}", headers=staff.headers,
                               json={"rhk": {**{k: rhk[k] for k in ("title", "kind", "intervention")},
                                             "title": rhk["title"] + " (revisi)", "ikis": rhk["ikis"]}})
    assert changed.status_code == 200, changed.text
    view = (await client.get(f"/api/v1/documents/{code}/verification")).json()
    assert view["matches"] and view["superseded"], view
    newer = await client.get(url, headers=staff.headers)
    assert newer.headers["x-kinerja-document-code"] != code  # a changed SKP is a new document, never an edit
    assert "Tidak dicantumkan dalam SKP ini" in text_of(newer.content, tmp_path)
    appendix = {"resources": ["Akses aplikasi SIASN", "Ruang arsip bidang"],
                "accountability": ["Laporan triwulanan kepada Kepala Bidang"],
                "consequences": ["Menjadi dasar tunjangan kinerja"]}
    agreed = await client.put(f"/api/v1/plans/{staff.plan_id}/appendix", headers=unit.head.headers, json=appendix)
    assert agreed.status_code == 200, agreed.text
    shown = (await client.get(f"/api/v1/plans/{staff.plan_id}", headers=staff.headers)).json()["appendix"]
    assert shown == appendix
    with_appendix = text_of((await client.get(url, headers=staff.headers)).content, tmp_path)
    for point in ("Akses aplikasi SIASN", "Laporan triwulanan kepada Kepala Bidang", "Menjadi dasar tunjangan kinerja"):
        assert point in with_appendix, point
    assert "Tidak dicantumkan dalam SKP ini" not in with_appendix
    empty = await client.put(f"/api/v1/plans/{staff.plan_id}/appendix", headers=staff.headers,
                             json={"resources": [""]})
    assert empty.status_code == 422 and "resources" in empty.text, empty.text

    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("ALTER TABLE events DISABLE TRIGGER events_append_only")
        await conn.execute("UPDATE events SET payload = jsonb_set(payload::jsonb, '{rhk,title}', '\"Judul dipalsukan\"') "
                           "WHERE stream_id = $1 AND event_type = 'planning.RhkAdded' AND stream_version = 2",
                           f"skp-{staff.plan_id}")
        await conn.execute("ALTER TABLE events ENABLE TRIGGER events_append_only")
    finally:
        await conn.close()
    view = (await client.get(f"/api/v1/documents/{code}/verification")).json()
    assert not view["matches"] and view["problems"], view
    missing = await client.get("/api/v1/documents/AAAAAAAAAAAAAAAA/verification")
    assert missing.status_code == 200 and not missing.json()["found"]


async def test_bsre_refusal_records_nothing_and_success_is_recorded(office: tuple[Any, UnitDriver],
                                                                    database_url: str, tmp_path: Path) -> None:
    (app, client), unit = office
    leader, head = unit.leader, unit.head  # the head's SKP: the head signs, then the leader (evaluator)
    double = BsreDouble(tmp_path / "bsre-ca", users={"6471010101900001": (head.name, "benar")}).start()
    try:
        app.state.skp_documents.desk = DocumentDesk(app.state.skp_documents.store, app.state.skp_documents.desk.blobs,
                                                    service="planning", settings=DocumentSettings(
                                                        bsre_url=double.url, bsre_username="esign",
                                                        bsre_password="rahasia-instansi",
                                                        dev_ca_dir=str(tmp_path / "ca")))
        url = f"/api/v1/plans/{head.plan_id}/document"
        state = (await client.get(f"{url}/state", headers=head.headers)).json()
        assert state["bsre"] and state["next_signer"] == head.nip
        missing = await client.post(f"{url}/signatures", headers=head.headers, json={"nik": "6471010101900001"})
        assert missing.status_code == 422 and "passphrase" in missing.text
        wrong = await client.post(f"{url}/signatures", headers=head.headers,
                                  json={"nik": "6471010101900001", "passphrase": "keliru"})
        assert wrong.status_code == 422 and "Passphrase TTE salah" in wrong.text and "keliru" not in wrong.text
        unknown = await client.post(f"{url}/signatures", headers=head.headers,
                                    json={"nik": "6471019999999999", "passphrase": "benar"})
        assert unknown.status_code == 422 and "belum terdaftar" in unknown.text
        double.down()
        down = await client.post(f"{url}/signatures", headers=head.headers,
                                 json={"nik": "6471010101900001", "passphrase": "benar"})
        assert down.status_code == 422 and "Server TTE" in down.text
        double.down(False)
        code = state["code"]
        assert [r["event_type"] for r in await events_of(database_url, f"dokumen-{code}")] == [
            "planning.DocumentIssued"]
        ok = await client.post(f"{url}/signatures", headers=head.headers,
                               json={"nik": "6471010101900001", "passphrase": "benar"})
        assert ok.status_code == 200 and ok.json()["next_signer"] == leader.nip, ok.text
        history = await events_of(database_url, f"dokumen-{code}")
        assert history[-1]["event_type"] == "planning.DocumentSigned" and '"bsre"' in history[-1]["payload"]
        assert "benar" not in history[-1]["payload"]
        sent = double.requests[-1]
        assert sent[0] == "/api/v2/sign/pdf" and sent[1]["signatureProperties"][0]["tampilan"] == "VISIBLE"
    finally:
        double.stop()
