"""Official documents in the kernel: PDF/A rendering (text read back with pdftotext), PAdES signatures with the
development CA checked by poppler's pdfsig, the provenance code and record, and the BSrE v2 adapter against the
local test double (every error answer)."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest

from kinerja_kernel.documents.bsre import BsreClient, BsreError, BsreSettings, BsreUnavailable
from kinerja_kernel.documents.devca import DevCertificateAuthority, Placement
from kinerja_kernel.documents.provenance import Source, content_hash, display_code, document_code, normal_code
from kinerja_kernel.documents.record import OfficialDocument
from kinerja_kernel.documents.render import qr_svg, render_pdf
from kinerja_kernel.errors import DomainRuleViolation, Forbidden
from kinerja_kernel.testing.bsre_double import BsreDouble

POPPLER = pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils (deploy/local/setup.sh)")
EMPLOYEE, EVALUATOR = "198703152010012003", "197001011995031001"


def _person(name: str, nip: str) -> dict[str, str]:
    return {"nama": name, "nip": nip, "pangkat": "Penata (III/c)", "jabatan": "Analis Kebijakan Ahli Muda",
            "unit": "Bidang Perencanaan"}


def skp_context(rows: int = 3) -> dict[str, Any]:
    doc = {"tahun": 2026, "instansi": "Badan Kepegawaian Daerah Provinsi Kalimantan Timur",
           "periode": "1 Januari s.d. 31 Desember 2026", "pendekatan": "PENDEKATAN HASIL KERJA KUANTITATIF",
           "pegawai": _person("Siti Rahayu Ningsih", EMPLOYEE), "penilai": _person("Agus Pranoto", EVALUATOR),
           "hasil_kerja": [{"judul": "A. UTAMA", "rhk": [
               {"no": i, "rhk_pimpinan": "Meningkatnya kualitas perencanaan kepegawaian",
                "rhk": f"Tersusunnya analisis jabatan ke-{i}",
                "baris": [{"aspek": "Kuantitas", "iki": "Jumlah dokumen yang diselesaikan", "target": "12 dokumen"}]}
               for i in range(1, rows + 1)]}, {"judul": "B. TAMBAHAN", "rhk": []}],
           "perilaku": [{"nilai": "Berorientasi Pelayanan", "uraian": ["Ramah, cekatan, solutif"],
                         "ekspektasi": "Menanggapi permintaan data dalam dua hari kerja"}],
           "lampiran": [("Dukungan sumber daya", ["Anggaran kegiatan"]), ("Skema pertanggungjawaban", ["Laporan"]),
                        ("Konsekuensi", ["Sesuai ketentuan"])],
           "tempat": "Samarinda", "tanggal": "3 Desember 2026"}
    meta = {"qr_svg": qr_svg("http://localhost/verifikasi/ABCDEFGHIJKLMNOP"), "url": "localhost/verifikasi/ABCD",
            "code_display": "ABCD-EFGH-IJKL-MNOP", "made_at": "3 Desember 2026", "content_hash": "ab" * 32,
            "sources": [{"stream_id": "skp-1", "version": 7, "event_id": "e-1", "hash": "cd" * 32}], "banner": None,
            "proof": None}  # no checkpoint yet (the inclusion proofs are tested in test_document_inclusion.py)
    return {"doc": doc, "meta": meta}


def pdftext(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(text.split())


@POPPLER
def test_skp_layout_reads_back_with_repeated_headers_and_provenance(tmp_path: Path) -> None:
    rendered = render_pdf("skp.html", skp_context(rows=30))
    assert rendered.pages >= 2
    text = pdftext(rendered.pdf, tmp_path)
    xmp = subprocess.run(["pdfinfo", "-meta", str(tmp_path / "doc.pdf")], capture_output=True, text=True).stdout
    assert "pdfaid:part" in xmp and "pdfaid:conformance" in xmp, xmp  # declared PDF/A-3b
    for expected in ("SASARAN KINERJA PEGAWAI", "PEGAWAI YANG DINILAI", "PEJABAT PENILAI KINERJA", "Siti Rahayu Ningsih",
                     EMPLOYEE, "Penata (III/c)", "Tersusunnya analisis jabatan ke-30", "Berorientasi Pelayanan",
                     "Menanggapi permintaan data", "Skema pertanggungjawaban", "Samarinda, 3 Desember 2026",
                     "ABCD-EFGH-IJKL-MNOP", "skp-1", "Halaman 1 dari"):
        assert expected in text, expected
    assert text.count("Indikator Kinerja Individu") >= 2  # the results table's header on every page it spans
    assert set(rendered.spots) == {"pegawai", "pejabat_penilai"}


@POPPLER
async def test_dev_ca_signatures_in_order_validate_in_pdfsig(tmp_path: Path) -> None:
    rendered = render_pdf("skp.html", skp_context())
    ca = DevCertificateAuthority(tmp_path / "ca")
    spot = rendered.spots["pegawai"]
    first = await ca.sign(rendered.pdf, nip=EMPLOYEE, name="Siti Rahayu Ningsih", office="BKD",
                          placement=Placement("ttd-pegawai", spot.page, spot.box), reason="SKP", location="Samarinda")
    spot = rendered.spots["pejabat_penilai"]
    both = await ca.sign(first.pdf, nip=EVALUATOR, name="Agus Pranoto", office="BKD",
                         placement=Placement("ttd-pejabat_penilai", spot.page, spot.box), reason="SKP",
                         location="Samarinda")
    assert first.method == "dev_ca" and f"serialNumber={EMPLOYEE}" in first.certificate_subject
    path = tmp_path / "signed.pdf"
    path.write_bytes(both.pdf)
    report = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert report.count("Signature Validation: Signature is Valid.") == 2, report
    assert "ETSI.CAdES.detached" in report and f"serialNumber={EVALUATOR}" in report
    tampered = bytearray(both.pdf)
    at = tampered.index(b"Siti Rahayu Ningsih")
    tampered[at] = ord("X")
    path.write_bytes(bytes(tampered))
    broken = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature is Valid." not in broken.split("Signature #2")[0], broken


def test_code_is_short_stable_and_changes_with_content_or_subject() -> None:
    digest = content_hash({"nama": "Siti"})
    code = document_code("skp", "plan-1", digest)
    assert len(code) == 16 and code == document_code("skp", "plan-1", digest)
    assert code != document_code("skp", "plan-1", content_hash({"nama": "Sita"}))
    assert code != document_code("skp", "plan-2", digest) != document_code("evaluasi", "plan-1", digest)
    assert normal_code(display_code(code).lower()) == code and normal_code("bukan-kode") is None


def test_record_signs_in_the_regulations_order() -> None:
    document = OfficialDocument.issue(service="planning", code="A" * 16, kind="skp", subject_id=uuid.uuid4(),
                                      employee_id=EMPLOYEE, content_hash="0" * 64, sources=[],
                                      signers=[("pegawai", EMPLOYEE), ("pejabat_penilai", EVALUATOR)])
    with pytest.raises(DomainRuleViolation) as refused1:
        document.check_may_sign(EVALUATOR)
    assert "Belum giliran Anda" in refused1.value.message
    with pytest.raises(Forbidden):
        document.check_may_sign("199001012015011001")
    document.sign(service="planning", signer_id=EMPLOYEE, method="dev_ca", certificate_subject="CN=Siti",
                  pdf_sha256="1" * 64, signed_from_sha256="0" * 64)
    document.sign(service="planning", signer_id=EVALUATOR, method="dev_ca", certificate_subject="CN=Agus",
                  pdf_sha256="2" * 64, signed_from_sha256="1" * 64)
    assert [type(e).event_type for e in document.pending] == ["planning.DocumentIssued", "planning.DocumentSigned",
                                                              "planning.DocumentSigned"]
    assert document.signed_pdf == "2" * 64
    with pytest.raises(DomainRuleViolation) as refused2:
        document.check_may_sign(EMPLOYEE)
    assert "sudah ditandatangani lengkap" in refused2.value.message


@pytest.fixture
def double(tmp_path: Path) -> Any:
    server = BsreDouble(tmp_path / "bsre-ca", users={"6471010101900001": ("Agus Pranoto", "benar-sekali")}).start()
    yield server
    server.stop()


def _client(double: BsreDouble, *, password: str = "rahasia-instansi") -> BsreClient:  # noqa: S107
    return BsreClient(BsreSettings(base_url=double.url, username="esign", password=password, timeout_seconds=5))


@POPPLER
async def test_bsre_adapter_signs_visibly_and_sends_the_documented_fields(double: BsreDouble, tmp_path: Path) -> None:
    rendered = render_pdf("skp.html", skp_context())
    spot = rendered.spots["pejabat_penilai"]
    client = _client(double)
    assert await client.user_status("6471010101900001") == "ISSUE"
    signed = await client.sign(rendered.pdf, nik="6471010101900001", passphrase="benar-sekali",
                               placement=Placement("ttd", spot.page, spot.box), reason="SKP", location="Samarinda")
    assert signed.method == "bsre" and "benar-sekali" not in signed.certificate_subject
    path, sent = tmp_path / "bsre.pdf", double.requests[-1]
    path.write_bytes(signed.pdf)
    assert "Signature is Valid." in subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert sent[0] == "/api/v2/sign/pdf" and sent[1]["nik"] == "6471010101900001"
    properties = sent[1]["signatureProperties"][0]
    assert properties["tampilan"] == "VISIBLE" and properties["page"] == spot.page + 1
    assert {"originX", "originY", "width", "height", "reason", "location"} <= set(properties)
    assert (await client.verify(signed.pdf))["conclusion"] == "VALID"


async def test_bsre_error_answers_are_indonesian_and_name_the_field(double: BsreDouble) -> None:
    client, pdf = _client(double), b"%PDF-1.7\n%%EOF\n"
    with pytest.raises(BsreError) as wrong:
        await client.sign(pdf, nik="6471010101900001", passphrase="keliru", placement=Placement("t"), reason="r",
                          location="l")
    assert "Passphrase TTE salah" in wrong.value.message
    assert wrong.value.field == "passphrase" and "keliru" not in str(wrong.value) + wrong.value.message
    with pytest.raises(BsreError) as unknown:
        await client.sign(pdf, nik="6471019999999999", passphrase="x", placement=Placement("t"), reason="r",
                          location="l")
    assert "belum terdaftar" in unknown.value.message
    assert unknown.value.field == "nik"
    with pytest.raises(BsreError) as refused3:
        await client.user_status("6471019999999999")
    assert "belum terdaftar" in refused3.value.message
    with pytest.raises(BsreUnavailable) as refused4:
        await _client(double, password="salah").user_status("6471010101900001")
    assert "ditolak" in refused4.value.message
    double.down()
    with pytest.raises(BsreUnavailable) as refused5:
        await client.user_status("6471010101900001")
    assert "sedang bermasalah" in refused5.value.message
    url = double.url
    double.stop()
    gone = BsreClient(BsreSettings(base_url=url, username="esign", password="x", timeout_seconds=2))
    with pytest.raises(BsreUnavailable) as refused6:
        await gone.user_status("6471010101900001")
    assert "tidak dapat dihubungi" in refused6.value.message


# -- the shared use cases on the in-memory event store (no PostgreSQL, Kafka or HTTP) ---------------------------
async def test_desk_issues_once_signs_in_order_and_verifies_against_the_history(tmp_path: Path) -> None:
    from kinerja_kernel.auth import Principal, Role
    from kinerja_kernel.blobs import FilesystemBlobStore
    from kinerja_kernel.documents.desk import DocumentDesk, DocumentSettings, Layout
    from kinerja_kernel.envelope import Actor, PendingEvent
    from kinerja_kernel.testing.memory_store import InMemoryEventStore

    store = InMemoryEventStore()
    desk = DocumentDesk(store, FilesystemBlobStore(tmp_path / "blobs"), service="planning",
                        settings=DocumentSettings(dev_ca_dir=str(tmp_path / "ca"), verification_url="http://x/v"))

    async def record(title: str, version: int) -> None:
        await store.append("skp-1", version, [PendingEvent(
            event_type="planning.RhkAdded", event_version=1, subject=EMPLOYEE, office_id="KANTOR-A",
            actor=Actor(id=EMPLOYEE, role="pegawai"), correlation_id="c", payload={"title": title})])

    subject = uuid.uuid4()

    async def layout() -> Layout:
        events = await store.read_stream("skp-1")
        context = skp_context()
        context["doc"]["hasil_kerja"][0]["rhk"][0]["rhk"] = events[-1].payload["title"]
        return Layout(kind="skp", template="skp.html", subject_id=subject, employee_id=EMPLOYEE,
                      office_id="KANTOR-A", content=context["doc"], sources=[Source.of(events[-1])],
                      signers=[("pegawai", EMPLOYEE, "Siti"), ("pejabat_penilai", EVALUATOR, "Agus")], place="Samarinda")

    def who(nip: str) -> Principal:
        return Principal(user_id=nip, roles=frozenset({Role.PEGAWAI, Role.PEJABAT_PENILAI}),
                         offices=frozenset({"KANTOR-A"}))

    await record("Tersusunnya analisis jabatan", 0)
    first = await layout()
    state = await desk.state(first, who(EMPLOYEE))
    again = await desk.state(first, who(EVALUATOR))
    assert state.code == again.code and state.next_signer == EMPLOYEE and state.pdf == b""
    assert [e.event_type for e in await store.read_stream(f"dokumen-{state.code}")] == ["planning.DocumentIssued"]
    with pytest.raises(DomainRuleViolation):
        await desk.sign(first, who(EVALUATOR))
    await desk.sign(first, who(EMPLOYEE))
    signed = await desk.sign(first, who(EVALUATOR))
    assert signed.next_signer is None and signed.signed_by == ("pegawai", "pejabat_penilai")
    assert (await desk.document(first, who(EMPLOYEE))).pdf == signed.pdf  # downloads serve the signed PDF

    async def derive(_: str, record: OfficialDocument) -> Any:
        async def content(streams: Any) -> Any:
            context = skp_context()
            context["doc"]["hasil_kerja"][0]["rhk"][0]["rhk"] = streams["skp-1"][-1].payload["title"]
            return context["doc"]
        return content

    async def describe(record: OfficialDocument) -> tuple[str, str]:
        return "Sasaran Kinerja Pegawai", "Siti"

    fresh = await desk.verify(state.code, derive, describe)
    assert fresh.check is not None and fresh.check.matches and not fresh.check.superseded
    assert len(fresh.signatures) == 2
    await record("Tersusunnya analisis jabatan", 1)  # a later event that prints the same: the same signed document
    assert desk.code_of(await layout()) == state.code
    assert (await desk.document(await layout(), who(EMPLOYEE))).pdf == signed.pdf
    await record("Tersusunnya analisis jabatan (revisi)", 2)
    later = await desk.verify(state.code, derive, describe)
    assert later.check is not None and later.check.matches and later.check.superseded
    assert desk.code_of(await layout()) != state.code  # the changed SKP is a new document
    stored = store._streams["skp-1"]
    stored[0] = stored[0].model_copy(update={"payload": {"title": "Dipalsukan"}})
    tampered = await desk.verify(state.code, derive, describe)
    assert tampered.check is not None and not tampered.check.matches and tampered.check.problems
    assert not (await desk.verify("AAAAAAAAAAAAAAAA", derive, describe)).found
