"""Official documents in a real browser (Debian's Chromium) against the real services on Kafka and PostgreSQL
(issue 15): Sari downloads her approved SKP, signs it (the development CA: a confirmation, refused without it),
her evaluator signs after her, the signed PDF holds two signatures valid in poppler's pdfsig, and anyone
without signing in checks the code on /verifikasi (sesuai). The evaluator downloads and signs Dedi's Dokumen
Evaluasi Kinerja Pegawai; HR downloads the unit's recap from /rekap (staff may not). Each document's first page is rendered to PNG with pdftoppm in
tests/e2e/artifacts/documents/ to be looked at."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from .portal_support import (
    ARTIFACTS,
    VALUES,
    Screens,
    Stack,
    approve_skp,
    approved_appraisal,
    browser,
    field_error,
    sign_in,
    stack,
)

pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils (deploy/local/setup.sh)")]
__all__ = ["browser", "stack"]  # the fixtures, imported so this module gets its own stack
PAGES = ARTIFACTS.parent / "documents"


def download(page: Page, link_id: str, to: Path) -> Path:
    with page.expect_download() as info:
        page.locator(f"#{link_id}").click()
    info.value.save_as(to)
    return to


def text_of(pdf: Path) -> str:
    return " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())


def first_page_png(pdf: Path, name: str) -> Path:
    PAGES.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(PAGES / name)], check=True)
    return PAGES / f"{name}.png"


def signatures(pdf: Path) -> str:
    return subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True).stdout


def sign_here(page: Page) -> None:
    page.get_by_label("Saya telah membaca dokumen dan menyetujui isinya").check()
    page.get_by_role("button", name="Tandatangani").click()
    expect(page.locator(".flash, [role=status]").first).to_contain_text("berhasil ditandatangani")


def test_the_skp_is_downloaded_signed_in_order_and_verified_by_anyone(browser: Browser, stack: Stack,
                                                                       tmp_path: Path) -> None:
    snap = Screens(tmp_path, "dokumen-skp")
    me, head, year = stack.unit.staff[0], stack.unit.head, stack.year
    approve_skp(stack, me, "Terlayaninya permohonan mutasi pegawai")
    plan_id = next(p["plan_id"] for p in stack.call("planning", "GET", "/me/plans", me) if p["period_year"] == year)

    page = sign_in(browser, stack, me.name, phone=False)
    page.goto(f"/skp/{plan_id}")
    snap(page, "skp-dengan-tombol-unduh")
    fresh = download(page, "skp-document", tmp_path / "skp.pdf")
    text = text_of(fresh)
    for expected in ("SASARAN KINERJA PEGAWAI", me.name, me.nip, head.name, "Terlayaninya permohonan mutasi pegawai",
                     "PEJABAT PENILAI KINERJA", "Berorientasi Pelayanan", "Kode dokumen"):
        assert expected in text, expected
    first_page_png(fresh, "skp-halaman-1")

    page.locator("#skp-sign").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Tanda tangan elektronik SKP {year}")
    expect(page.locator("#doc-signed")).to_have_text("Belum ada tanda tangan.")
    code = page.locator("#doc-code").inner_text().replace("-", "")
    page.get_by_role("button", name="Tandatangani").click()  # without the confirmation: refused beside it
    expect(field_error(page, "setuju")).to_contain_text("Centang pernyataan persetujuan")
    expect(page.locator("#form-errors")).to_contain_text("Persetujuan isi dokumen")
    snap(page, "konfirmasi-wajib")
    sign_here(page)
    expect(page.locator("#doc-signed")).to_have_text("Pegawai yang dinilai")
    expect(page.locator("#doc-not-turn")).to_be_visible()
    snap(page, "ditandatangani-pegawai")

    evaluator = sign_in(browser, stack, head.name, phone=False)
    evaluator.goto(f"/skp/{plan_id}/dokumen/tandatangan")
    sign_here(evaluator)
    expect(evaluator.locator("#doc-complete")).to_be_visible()
    snap(evaluator, "ditandatangani-lengkap")
    signed = download(evaluator, "doc-download", tmp_path / "skp-signed.pdf")
    report = signatures(signed)
    assert report.count("Signature is Valid.") == 2 and f"serialNumber={me.nip}" in report, report
    first_page_png(signed, "skp-bertanda-tangan-halaman-1")

    anyone = browser.new_context(locale="id-ID", base_url=stack.url("portal")).new_page()
    anyone.goto("/verifikasi")
    anyone.get_by_label("Kode dokumen").fill("-".join(code[i:i + 4] for i in range(0, 16, 4)).lower())
    anyone.get_by_role("button", name="Periksa").click()
    expect(anyone.locator("#verif-result")).to_contain_text("SESUAI")
    expect(anyone.locator("#verif-result")).not_to_contain_text("TIDAK SESUAI")
    expect(anyone.locator("main")).to_contain_text(me.name)
    assert me.nip not in anyone.content()
    snap(anyone, "verifikasi-sesuai")
    anyone.goto("/verifikasi/AAAAAAAAAAAAAAAA")
    expect(anyone.locator("#verif-result")).to_contain_text("Tidak ada dokumen dengan kode ini")


def test_the_evaluator_downloads_and_signs_the_evaluation_document(browser: Browser, stack: Stack,
                                                                   tmp_path: Path) -> None:
    snap = Screens(tmp_path, "dokumen-evaluasi")
    staff, head, year = stack.unit.staff[1], stack.unit.head, stack.year
    appraisal_id = approved_appraisal(stack, staff, f"{year}-Q1", "Tersusunnya laporan kepegawaian triwulanan")
    plan = next(p for p in stack.call("planning", "GET", "/me/plans", staff) if p["period_year"] == year)
    rhks = stack.call("planning", "GET", f"/plans/{plan['plan_id']}", staff)["rhks"]
    stack.call("evaluation", "PUT", f"/appraisals/{appraisal_id}/ratings", head, {
        "rhk_ratings": [{"rhk_id": r["rhk_id"], "rating": "sesuai_ekspektasi", "comment": "Laporan lengkap"}
                        for r in rhks],
        "value_ratings": [{"value": v, "rating": "sesuai_ekspektasi"} for v in VALUES],
        "results_rating": "sesuai_ekspektasi", "behaviour_rating": "sesuai_ekspektasi", "reason": "Penilaian"})
    stack.call("evaluation", "POST", f"/appraisals/{appraisal_id}/finalise", head,
               {"justification": "Distribusi unit sudah dibahas bersama pimpinan"})

    page = sign_in(browser, stack, head.name, phone=False)
    page.goto(f"/penilaian/{appraisal_id}")
    snap(page, "penilaian-dengan-tombol-unduh")
    pdf = download(page, "appraisal-document", tmp_path / "evaluasi.pdf")
    text = text_of(pdf)
    for expected in ("DOKUMEN EVALUASI KINERJA PEGAWAI", staff.name, head.name, "Sesuai Ekspektasi",
                     "Laporan lengkap", "PREDIKAT KINERJA PEGAWAI", "Baik"):
        assert expected in text, expected
    first_page_png(pdf, "evaluasi-halaman-1")
    page.locator("#appraisal-sign").click()
    sign_here(page)
    expect(page.locator("#doc-complete")).to_be_visible()
    snap(page, "evaluasi-ditandatangani")
    signed = download(page, "doc-download", tmp_path / "evaluasi-signed.pdf")
    assert f"serialNumber={head.nip}" in signatures(signed) and "Signature is Valid." in signatures(signed)
    employee = sign_in(browser, stack, staff.name, phone=True)
    employee.goto(f"/penilaian/{appraisal_id}/dokumen/tandatangan")
    expect(employee.locator("#doc-complete")).to_be_visible()
    snap(employee, "pegawai-melihat-tanda-tangan")

    hr = sign_in(browser, stack, stack.unit.hr.name, phone=False)  # the office recap of the unit, as a PDF
    hr.goto(f"/rekap?periode={year}-Q1&unit={stack.unit.unit_id}")
    link = hr.locator(f'[data-unit="{stack.unit.unit_id}"] a.recap-pdf')
    expect(link).to_be_visible()
    snap(hr, "rekap-dengan-tombol-unduh")
    with hr.expect_download() as info:
        link.click()
    info.value.save_as(tmp_path / "rekap.pdf")
    recap = text_of(tmp_path / "rekap.pdf")
    for expected in ("REKAP KINERJA UNIT KERJA", f"PERIODE {year}-Q1", staff.name, staff.nip, "Baik", "Final",
                     "DISTRIBUSI PREDIKAT KINERJA PEGAWAI", "Kode dokumen", "Bukti transparansi"):
        assert expected in recap, expected
    first_page_png(tmp_path / "rekap.pdf", "rekap-unit-halaman-1")
    employee.goto(f"/rekap/dokumen?unit={stack.unit.unit_id}&periode={year}-Q1")  # HR only
    expect(employee.locator("main")).to_contain_text("Halaman ini hanya untuk Pengelola Kepegawaian")
