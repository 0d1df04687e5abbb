"""Evidence files, realisation dates and entries sent back for correction, in a real browser (Debian's
Chromium) against the real services on Kafka and PostgreSQL (issue 19, items 3, 7, 8 and 11).

Sari reports her work with a PDF as evidence after a future date and an HTML file are refused beside their
fields (nothing stored); her evaluator downloads the PDF (the same bytes, as an attachment) and sends an entry
back; a colleague and a user of another office are refused the file; Sari corrects the entry. Screenshots at
phone (390 px) and desk size; the realisation page never scrolls sideways on a phone.
"""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from kinerja_kernel.auth import Role
from kinerja_kernel.testing.http import bearer
from kinerja_kernel.testing.plugin import TEST_JWT_SECRET

from .portal_support import Screens, Stack, approve_skp, browser, field_error, sign_in, stack

pytestmark = [pytest.mark.e2e]
__all__ = ["browser", "stack"]  # the fixtures, imported so this module gets its own stack

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% notulen rapat koordinasi\n" + os.urandom(64) + b"\n%%EOF\n"


def plan_of(stack: Stack) -> str:
    me = stack.unit.staff[0]
    approve_skp(stack, me, "Terkelolanya arsip layanan kepegawaian")
    return str(next(p["plan_id"] for p in stack.call("planning", "GET", "/me/plans", me)
                    if p["period_year"] == stack.year))


def stored(stack: Stack) -> set[str]:
    root = Path(stack.processes["planning"].env["KINERJA_PLANNING_BLOB_DIR"])
    return {p.name for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def entries(stack: Stack, plan_id: str) -> list[dict[str, object]]:
    return list(stack.call("planning", "GET", f"/plans/{plan_id}/realisation", stack.unit.staff[0])["entries"])


def fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"


def test_an_employee_reports_with_a_pdf_after_a_future_date_and_an_html_file_are_refused(
        browser: Browser, stack: Stack, tmp_path: Path) -> None:
    snap = Screens(tmp_path, "bukti-pegawai")
    year, me = stack.year, stack.unit.staff[0]
    plan_id = plan_of(stack)
    page = sign_in(browser, stack, me.name)
    page.goto(f"/skp/{plan_id}/realisasi")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Realisasi SKP {year}")
    expect(page.locator("#counts-note")).to_contain_text("kecuali yang dikembalikan")
    fits_the_phone(page)
    snap(page, "realisasi-kosong")

    # a day after planning's today (30 November of the stack's year) is refused beside the date; what was typed stays
    page.get_by_label("Nilai realisasi").fill("1.000")
    page.get_by_label("Tanggal kegiatan").fill(f"{year}-12-05")
    page.get_by_label("Uraian kegiatan").fill("Menata arsip rapat koordinasi")
    page.get_by_role("button", name="Laporkan realisasi").click()
    expect(field_error(page, "occurred_on")).to_contain_text("tidak boleh setelah hari ini")
    expect(page.get_by_label("Uraian kegiatan")).to_have_value("Menata arsip rapat koordinasi")
    expect(page.get_by_label("Nilai realisasi")).to_have_value("1.000")
    fits_the_phone(page)
    snap(page, "tanggal-masa-depan-ditolak")
    assert entries(stack, plan_id) == []

    # an HTML page named .pdf is refused beside the file field, by its content; nothing is stored
    before = stored(stack)
    fake = tmp_path / "laporan.pdf"
    fake.write_bytes(b"<!doctype html><script>alert(document.cookie)</script>")
    page.get_by_label("Tanggal kegiatan").fill(f"{year}-03-10")
    page.get_by_label("Berkas bukti dukung").set_input_files(str(fake))
    page.get_by_role("button", name="Laporkan realisasi").click()
    expect(field_error(page, "evidence_file")).to_contain_text("Jenis berkas tidak diterima")
    expect(page.get_by_label("Tanggal kegiatan")).to_have_value(f"{year}-03-10")
    snap(page, "berkas-html-ditolak")
    assert stored(stack) == before
    assert entries(stack, plan_id) == []

    # a file over the limit is refused before it is sent on
    large = tmp_path / "pindaian-besar.pdf"
    large.write_bytes(b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 10))
    page.get_by_label("Berkas bukti dukung").set_input_files(str(large))
    page.get_by_role("button", name="Laporkan realisasi").click()
    expect(field_error(page, "evidence_file")).to_contain_text("terlalu besar")
    assert stored(stack) == before

    # the PDF is kept and cited; the entry shows it to download; "1.000" is one thousand
    pdf = tmp_path / "notulen-rapat.pdf"
    pdf.write_bytes(PDF)
    page.get_by_label("Berkas bukti dukung").set_input_files(str(pdf))
    page.get_by_role("button", name="Laporkan realisasi").click()
    expect(page.get_by_role("status").first).to_have_text("Realisasi tersimpan.")
    entry = page.locator(".entry").first
    expect(entry).to_contain_text("1.000")
    expect(entry.get_by_role("link", name="Unduh notulen-rapat.pdf")).to_be_visible()
    assert len(stored(stack) - before) == 1
    [recorded] = entries(stack, plan_id)
    assert recorded["value"] == "1000"
    fits_the_phone(page)
    snap(page, "bukti-pdf-tersimpan")

    desk = sign_in(browser, stack, me.name, phone=False)
    desk.goto(f"/skp/{plan_id}/realisasi")
    snap(desk, "bukti-pdf-tersimpan-desktop")


def test_the_evaluator_downloads_the_file_sends_the_entry_back_and_strangers_are_refused(
        browser: Browser, stack: Stack, tmp_path: Path) -> None:
    snap = Screens(tmp_path, "bukti-penilai")
    unit = stack.unit
    plan_id = plan_of(stack)
    [entry] = [e for e in entries(stack, plan_id) if e["evidence"]]
    sha = entry["evidence"][0]["sha256"]  # type: ignore[index]
    url = f"/skp/{plan_id}/bukti/{sha}"

    head = sign_in(browser, stack, unit.head.name, phone=False)
    head.goto(f"/skp/{plan_id}/realisasi")
    snap(head, "realisasi-bawahan-desktop")
    with head.expect_download() as download:
        head.get_by_role("link", name="Unduh notulen-rapat.pdf").click()
    assert Path(download.value.path()).read_bytes() == PDF
    answer = head.request.get(url)
    assert answer.status == 200
    assert answer.body() == PDF
    assert answer.headers["content-disposition"].startswith("attachment;")
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["content-type"] == "application/pdf"

    # sending back needs a reason, shown beside its field; then the entry stops counting
    head.get_by_text("Kirim catatan / Kembalikan untuk diperbaiki").first.click()
    head.get_by_role("button", name="Kembalikan untuk diperbaiki").first.click()
    reason = f"return_{entry['entry_id']}"
    expect(field_error(head, reason)).to_be_visible()
    head.get_by_label("Alasan mengembalikan entri ini").fill("Nilai 1.000 terlalu besar: lampirkan daftar arsip")
    head.get_by_role("button", name="Kembalikan untuk diperbaiki").first.click()
    expect(head.get_by_role("status").first).to_contain_text("Entri dikembalikan")
    expect(head.locator(f"#entri-{entry['entry_id']}")).to_contain_text("Dikembalikan untuk diperbaiki")
    snap(head, "entri-dikembalikan-desktop")

    phone = sign_in(browser, stack, unit.head.name)
    phone.goto(f"/skp/{plan_id}/realisasi")
    phone.locator("details.entry-actions summary").first.click()
    fits_the_phone(phone)
    snap(phone, "entri-dikembalikan-ponsel")

    # a colleague of the same office, and a user of another office, are refused the file
    colleague = sign_in(browser, stack, unit.staff[1].name)
    refused = colleague.goto(url)
    assert refused is not None and refused.status == 403
    snap(colleague, "rekan-ditolak")
    foreign = bearer(TEST_JWT_SECRET, unit.head.nip, [Role.PEGAWAI, Role.PEJABAT_PENILAI], ["KANWIL-LAIN"])
    other = httpx.get(f"{stack.url('planning')}/api/v1/plans/{plan_id}/evidence/{sha}", headers=foreign, timeout=15)
    assert other.status_code == 403
    assert other.headers["content-type"] == "application/problem+json"


def test_the_employee_sees_why_and_corrects_the_entry(browser: Browser, stack: Stack, tmp_path: Path) -> None:
    snap = Screens(tmp_path, "bukti-perbaikan")
    year, me = stack.year, stack.unit.staff[0]
    plan_id = plan_of(stack)
    page = sign_in(browser, stack, me.name)
    page.goto(f"/skp/{plan_id}/realisasi")
    expect(page.locator("#returned-notice")).to_contain_text("lampirkan daftar arsip")
    fits_the_phone(page)
    snap(page, "entri-dikembalikan")
    page.get_by_role("link", name="Perbaiki atau tarik").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Perbaiki entri realisasi")
    expect(page.get_by_label("Nilai realisasi")).to_have_value("1.000")
    page.get_by_label("Nilai realisasi").fill("12")
    page.get_by_label("Tanggal kegiatan").fill(f"{year}-12-24")
    page.get_by_role("button", name="Simpan perbaikan").click()
    expect(field_error(page, "occurred_on")).to_contain_text("tidak boleh setelah hari ini")
    fits_the_phone(page)
    snap(page, "perbaikan-tanggal-ditolak")
    page.get_by_label("Tanggal kegiatan").fill(f"{year}-03-10")
    page.get_by_label("Catatan perbaikan").fill("12 berkas arsip, daftar terlampir")
    page.get_by_role("button", name="Simpan perbaikan").click()
    expect(page.get_by_role("status").first).to_contain_text("Perbaikan tersimpan")
    entry = page.locator(".entry").first
    expect(entry).to_contain_text("Dihitung")
    expect(entry).to_contain_text("Diperbaiki dari 1.000")
    expect(entry.get_by_role("link", name="Unduh notulen-rapat.pdf")).to_be_visible()  # the file stays cited
    expect(page.locator(".progress-item").first).to_contain_text("12")
    fits_the_phone(page)
    snap(page, "entri-diperbaiki")
    [corrected] = entries(stack, plan_id)
    assert (corrected["status"], corrected["value"]) == ("counted", "12")
