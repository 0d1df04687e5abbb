"""The web portal in a real browser (Debian's headless Chromium driven by Playwright), against the real
planning, evaluation, feedback and career processes on real Kafka and PostgreSQL, plus the portal process.

One journey per role — pegawai, pejabat penilai, pengelola kepegawaian, auditor — with the error paths a
user meets on the way: a rejected form shows the field's message in Indonesian, keeps what was typed, and
nothing is half-saved. Every page visited is saved as a screenshot under the test's ``tmp_path`` and
copied to ``tests/e2e/artifacts/portal/`` (gitignored) for people to look at.
"""

from __future__ import annotations

import re
import uuid
import zipfile
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from kinerja_kernel.testing.office import rhk_body

from .portal_support import (
    VALUES,
    Screens,
    Stack,
    approve_skp,
    approved_appraisal,
    browser,
    field_error,
    menu,
    rate_and_finalise,
    sign_in,
    stack,
    wait_for,
)

pytestmark = [pytest.mark.e2e]
__all__ = ["browser", "stack"]  # the fixtures, imported so this module gets its own stack


# -- pegawai ---------------------------------------------------------------------------------------------
def test_pegawai_drafts_cascades_submits_reports_realisation_and_sees_the_approval_arrive(
        browser: Browser, stack: Stack, tmp_path: Path) -> None:
    snap = Screens(tmp_path, "pegawai")
    unit, year, me = stack.unit, stack.year, stack.unit.staff[0]
    page = sign_in(browser, stack, me.name)
    snap(page, "beranda")

    # drafting: a year that is not a number, then one the service refuses; the typed value stays
    menu(page, "SKP saya")
    year_input = page.get_by_label("Periode")
    year_input.fill("dua ribu")
    page.get_by_role("button", name="Buat draf SKP").click()
    expect(field_error(page, "period_year")).to_have_text("harus berupa bilangan bulat")
    expect(year_input).to_have_value("dua ribu")
    year_input.fill("1990")
    page.get_by_role("button", name="Buat draf SKP").click()
    expect(field_error(page, "period_year")).to_contain_text("nilainya terlalu kecil")
    expect(page.get_by_label("Periode")).to_have_value("1990")
    snap(page, "draf-ditolak")
    assert stack.call("planning", "GET", "/me/plans", me) == []  # nothing half-saved
    page.get_by_label("Periode").fill(str(year))
    page.get_by_role("button", name="Buat draf SKP").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"SKP {year}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Draf")

    # an RHK without its IKI is refused with the field's message; what was typed is kept
    cascade = page.get_by_label("RHK pejabat penilai yang diintervensi")
    expect(cascade.locator("option")).to_have_count(3)  # the prompt and the head's two approved RHKs
    page.get_by_label("Judul RHK").fill("Terlayaninya permohonan informasi publik")
    cascade.select_option(label=f"RHK 1 {unit.head.name}")
    page.get_by_role("button", name="Tambah RHK").click()
    expect(field_error(page, "iki_description")).to_have_text("wajib diisi")
    expect(field_error(page, "target_kuantitas_value")).to_have_text("wajib diisi")
    expect(page.get_by_label("Judul RHK")).to_have_value("Terlayaninya permohonan informasi publik")
    expect(page.get_by_label("RHK pejabat penilai yang diintervensi")).to_have_value(
        f"{unit.head.plan_id}:{unit.head.rhk_ids[0]}")
    expect(page.get_by_role("alert")).to_contain_text("Belum ada yang disimpan")
    snap(page, "rhk-ditolak")

    page.locator("#f-iki_description").fill("Jumlah permohonan yang dijawab")
    page.get_by_label("Target Kuantitas — Nilai").fill("12")
    page.locator("#f-target_kuantitas_unit").fill("permohonan")
    page.get_by_role("button", name="Tambah RHK").click()
    expect(page.get_by_role("status").first).to_have_text("RHK ditambahkan.")
    expect(page.locator(".rhk-title")).to_contain_text("Terlayaninya permohonan informasi publik")
    expect(page.locator(".rhk")).to_contain_text(f"Mendukung RHK atasan: RHK 1 {unit.head.name}")
    snap(page, "rhk-ditambahkan")
    page.get_by_role("button", name="Ajukan SKP ke pejabat penilai").click()
    expect(page.get_by_role("status").first).to_have_text("SKP diajukan. Pejabat penilai akan menerima notifikasi.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Diajukan")
    snap(page, "skp-diajukan")

    # the approval arrives in the open notifications page without a reload
    menu(page, "Notifikasi")
    snap(page, "notifikasi-sebelum")
    plan_id = stack.call("planning", "GET", "/me/plans", me)[0]["plan_id"]
    stack.call("planning", "POST", f"/plans/{plan_id}/approve", unit.head, {})
    expect(page.locator("#notif-list")).to_contain_text("SKP Anda telah disetujui", timeout=30_000)
    expect(page.locator("#notif-badge")).to_have_text(re.compile(r"[1-9]"))
    snap(page, "notifikasi-baru-tanpa-muat-ulang")

    # realisation: a zero is refused (nothing recorded), then one entry, then the rest by CSV
    page.goto(f"/skp/{plan_id}/realisasi")
    page.get_by_label("Nilai realisasi").fill("0")
    page.get_by_label("Tanggal kegiatan").fill(f"{year}-02-10")
    page.get_by_label("Uraian kegiatan").fill("Menjawab permohonan informasi")
    page.get_by_role("button", name="Laporkan realisasi").click()
    expect(field_error(page, "value")).to_have_text("Nilai realisasi harus lebih dari nol")
    expect(page.get_by_label("Uraian kegiatan")).to_have_value("Menjawab permohonan informasi")
    snap(page, "realisasi-ditolak")
    assert stack.call("planning", "GET", f"/plans/{plan_id}/realisation", me)["entries"] == []
    page.get_by_label("Nilai realisasi").fill("6")
    page.get_by_label("Tautan bukti dukung").fill("https://arsip.example.go.id/permohonan-feb.pdf")
    page.get_by_role("button", name="Laporkan realisasi").click()
    expect(page.get_by_role("status").first).to_have_text("Realisasi tersimpan.")
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "50")
    expect(page.locator(".progress-text")).to_contain_text("6 dari 12 permohonan")
    snap(page, "realisasi-50-persen")

    iki_id = stack.call("planning", "GET", f"/plans/{plan_id}/realisation", me)["ikis"][0]["iki_id"]
    bad_csv = tmp_path / "salah.csv"
    bad_csv.write_text(f"iki_id;value;occurred_on;description\n{iki_id};3;{year}-03-01;Maret\n{iki_id};tiga;{year}-03-02;x\n")
    page.get_by_label("Berkas CSV").set_input_files(str(bad_csv))
    page.get_by_role("button", name="Impor CSV").click()
    expect(page.locator("#import-errors")).to_contain_text("Baris 3: kolom value 'tiga' harus berupa angka")
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "50")  # row 2 was not kept either
    good_csv = tmp_path / "realisasi.csv"
    good_csv.write_text(f"iki_id;value;occurred_on;description\n{iki_id};3;{year}-03-01;Maret\n{iki_id};3;{year}-04-01;April\n")
    page.get_by_label("Berkas CSV").set_input_files(str(good_csv))
    page.get_by_role("button", name="Impor CSV").click()
    expect(page.get_by_role("status").first).to_have_text("2 baris realisasi diimpor.")
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(page.locator(".progress-item")).to_contain_text("Target tercapai")
    snap(page, "realisasi-tercapai")


def test_pegawai_sees_why_there_is_no_supervisor_rhk_to_cascade_from(browser: Browser, stack: Stack,
                                                                     tmp_path: Path) -> None:
    snap = Screens(tmp_path, "pegawai-tanpa-kaskade")
    me = stack.unit.staff[2]
    page = sign_in(browser, stack, me.name)
    page.goto("/skp")
    page.get_by_label("Periode").fill(str(stack.year + 1))  # the head has no SKP for next year yet
    page.get_by_role("button", name="Buat draf SKP").click()
    blocked = page.locator("#cascade-blocked")
    expect(blocked).to_contain_text("Belum bisa memilih RHK atasan")
    expect(blocked).to_contain_text(f"belum menyusun SKP periode {stack.year + 1}")
    snap(page, "kaskade-belum-ada")


# -- pejabat penilai --------------------------------------------------------------------------------------
def test_pejabat_penilai_returns_and_approves_an_skp_then_rates_and_finalises_the_appraisal(
        browser: Browser, stack: Stack, tmp_path: Path) -> None:
    snap = Screens(tmp_path, "pejabat-penilai")
    unit, year, staff = stack.unit, stack.year, stack.unit.staff[1]
    stack.call("evaluation", "PATCH", f"/offices/{unit.office_id}/settings", unit.hr,
               {"time_zone": "WIB", "reason": "Kalender kantor"})
    stack.call("evaluation", "POST", f"/offices/{unit.office_id}/periods", unit.hr, {"period": str(year)}, expect=201)
    plan_id = stack.call("planning", "POST", "/plans", staff, {"period_year": year}, expect=201)["plan_id"]
    cite = {"intervention": {"plan_id": unit.head.plan_id, "rhk_id": unit.head.rhk_ids[1]}}
    stack.call("planning", "POST", f"/plans/{plan_id}/rhks", staff, rhk_body("Tersusunnya laporan layanan", **cite),
               expect=201)
    stack.call("planning", "POST", f"/plans/{plan_id}/submit", staff, {})

    page = sign_in(browser, stack, unit.head.name, phone=False)
    menu(page, "Tim saya")
    page.get_by_label("Tahun").fill(str(year))
    page.get_by_label("Periode penilaian").fill(str(year))
    page.get_by_role("button", name="Tampilkan").click()
    row = page.locator(f"#team-plans tr[data-nip='{staff.nip}']")
    expect(row).to_contain_text("Diajukan")
    snap(page, "papan-tim")

    # returning needs comments: refused empty, then returned; the employee revises and resubmits
    row.get_by_role("link", name=re.compile("Periksa SKP")).click()
    page.get_by_role("button", name="Kembalikan dengan catatan").click()
    expect(field_error(page, "comments")).to_have_text("wajib diisi")
    snap(page, "kembalikan-ditolak")
    page.get_by_label("Catatan untuk pegawai").fill("Target kuantitas perlu dinaikkan menjadi 24 laporan")
    page.get_by_role("button", name="Kembalikan dengan catatan").click()
    expect(page.get_by_role("status").first).to_have_text("SKP dikembalikan dengan catatan.")
    expect(page.locator(f"#team-plans tr[data-nip='{staff.nip}']")).to_contain_text("Dikembalikan")
    stack.call("planning", "POST", f"/plans/{plan_id}/submit", staff, {})
    page.reload()
    page.locator(f"#team-plans tr[data-nip='{staff.nip}']").get_by_role("link", name=re.compile("Periksa SKP")).click()
    page.get_by_role("button", name="Setujui SKP").click()
    expect(page.get_by_role("status").first).to_have_text("SKP disetujui.")
    expect(page.locator(f"#team-plans tr[data-nip='{staff.nip}']")).to_contain_text("Disetujui")
    snap(page, "skp-disetujui")

    # the approved SKP opens an appraisal (over Kafka); finalising too early lists what is missing
    wait_for(lambda: [a for a in stack.call("evaluation", "GET", f"/team/appraisals?period={year}", unit.head)
                      if a["employee_id"] == staff.nip], "the appraisal of the approved SKP")
    page.reload()
    page.locator(f"#team-appraisals tr[data-nip='{staff.nip}']").get_by_role("link", name=re.compile("Nilai")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Penilaian {staff.name}")
    page.get_by_label(re.compile("ingin memfinalisasinya")).check()
    page.get_by_role("button", name="Finalisasi penilaian").click()
    expect(page.get_by_role("alert")).to_contain_text("belum dinilai")
    snap(page, "finalisasi-ditolak")

    page.get_by_label("Rating RHK: Tersusunnya laporan layanan").select_option("sesuai_ekspektasi")
    for value in VALUES:
        page.locator(f"#f-value_{value}").select_option("sesuai_ekspektasi")
    page.get_by_label("Rating Hasil Kerja").select_option("sesuai_ekspektasi")
    page.get_by_label("Rating Perilaku Kerja").select_option("sesuai_ekspektasi")
    page.get_by_label("Alasan perubahan").fill("Penilaian akhir tahun")
    page.get_by_role("button", name="Simpan penilaian").click()
    expect(page.get_by_role("status").first).to_have_text("Penilaian tersimpan.")
    expect(page.locator("#predicate")).to_have_text("Baik")
    snap(page, "dinilai-baik")
    page.get_by_label(re.compile("ingin memfinalisasinya")).check()
    page.get_by_role("button", name="Finalisasi penilaian").click()
    expect(page.get_by_role("status").first).to_have_text("Penilaian difinalisasi.")
    expect(page.locator(".facts")).to_contain_text("Final")
    snap(page, "final")


# -- pengelola kepegawaian ---------------------------------------------------------------------------------
def test_pejabat_penilai_comments_on_a_realisation_entry_and_the_employee_reads_it(
        browser: Browser, stack: Stack, tmp_path: Path) -> None:
    snap = Screens(tmp_path, "pejabat-catatan-realisasi")
    unit, year, staff = stack.unit, stack.year, stack.unit.staff[1]
    approve_skp(stack, staff, "Terkelolanya arsip mutasi")
    plan = next(p for p in stack.call("planning", "GET", "/me/plans", staff) if p["period_year"] == year)
    plan_id = plan["plan_id"]
    iki_id = stack.call("planning", "GET", f"/plans/{plan_id}", staff)["rhks"][0]["ikis"][0]["iki_id"]
    entry_id = str(uuid.uuid4())
    stack.call("planning", "POST", f"/plans/{plan_id}/realisation", staff, {"entries": [{
        "entry_id": entry_id, "iki_id": iki_id, "value": "2", "occurred_on": f"{year}-04-07",
        "description": "Menata arsip mutasi triwulan I"}]}, expect=201)

    page = sign_in(browser, stack, unit.head.name)
    page.goto(f"/tim/skp/{plan_id}")
    page.get_by_role("link", name="Lihat realisasi").click()
    row = page.locator(f"#entri-{entry_id}")
    expect(row).to_contain_text("Menata arsip mutasi triwulan I")
    # an empty comment is refused beside its field; nothing reaches the service
    row.locator("summary").click()  # each entry's actions are folded
    row.get_by_role("button", name="Kirim catatan").click()
    expect(field_error(page, f"comment_{entry_id}")).to_have_text("wajib diisi")
    expect(page.locator("#comment-errors")).to_contain_text("Catatan untuk entri ini: wajib diisi")
    snap(page, "catatan-ditolak")
    entries = stack.call("planning", "GET", f"/plans/{plan_id}/realisation", staff)["entries"]
    assert next(e for e in entries if e["entry_id"] == entry_id)["comments"] == []
    page.locator(f"#entri-{entry_id}").get_by_label("Catatan untuk entri ini").fill("Lampirkan daftar arsip")
    page.locator(f"#entri-{entry_id}").get_by_role("button", name="Kirim catatan").click()
    expect(page.locator(".flash")).to_contain_text("Catatan terkirim")
    expect(page.locator(f"#entri-{entry_id} .comments ul")).to_have_text("Lampirkan daftar arsip")
    snap(page, "catatan-terkirim")

    # the employee reads it on their realisation page, without a comment form of their own
    mine = sign_in(browser, stack, staff.name)
    mine.goto(f"/skp/{plan_id}/realisasi")
    expect(mine.locator(f"#entri-{entry_id} .comments ul")).to_have_text("Lampirkan daftar arsip")
    expect(mine.get_by_role("button", name="Kirim catatan")).to_have_count(0)
    snap(mine, "pegawai-membaca-catatan")


def test_pengelola_kepegawaian_sets_the_calendar_opens_a_period_and_calibrates_against_the_curve(
        browser: Browser, stack: Stack, tmp_path: Path) -> None:
    snap = Screens(tmp_path, "pengelola-kepegawaian")
    unit, year = stack.unit, stack.year
    page = sign_in(browser, stack, unit.hr.name)
    menu(page, "Kantor")
    snap(page, "pengaturan-kantor")

    # a threshold of 0 is refused by the evaluation service; the reason typed stays
    page.get_by_label("Zona waktu").select_option("WITA")
    page.get_by_label("Ambang minimal penilai 360").fill("0")
    page.get_by_label("Alasan perubahan").fill("Kantor pindah ke Makassar")
    page.get_by_role("button", name="Simpan").click()
    expect(field_error(page, "peer_threshold")).to_contain_text("nilainya terlalu kecil")
    expect(page.get_by_label("Alasan perubahan")).to_have_value("Kantor pindah ke Makassar")
    expect(page.get_by_label("Zona waktu")).to_have_value("WITA")
    snap(page, "pengaturan-ditolak")
    page.get_by_label("Ambang minimal penilai 360").fill("4")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("status").first).to_have_text("Pengaturan kantor tersimpan.")
    expect(page.get_by_label("Ambang minimal penilai 360")).to_have_value("4")
    expect(page.get_by_label("Zona waktu")).to_have_value("WITA")

    page.get_by_label("Periode (2026, 2026-Q1, 2026-M03)").fill("triwulan satu")
    page.get_by_role("button", name="Buka periode penilaian").click()
    expect(page.locator("#period-errors")).to_be_visible()
    expect(page.get_by_label("Periode (2026, 2026-Q1, 2026-M03)")).to_have_value("triwulan satu")
    snap(page, "periode-ditolak")
    page.get_by_label("Periode (2026, 2026-Q1, 2026-M03)").fill(f"{year}-Q2")
    page.get_by_role("button", name="Buka periode penilaian").click()
    expect(page.get_by_role("status").first).to_contain_text(f"Periode {year}-Q2 dibuka")
    expect(page.locator("#periods")).to_contain_text(f"{year}-Q2")
    snap(page, "periode-dibuka")

    # calibration: the organisation predicate sets the curve; the chart and each bound's arithmetic show
    page.goto(f"/kalibrasi?unit={unit.unit_id}&periode={year}-Q2")
    expect(page.locator("#distribution-chart")).to_be_visible()
    page.get_by_role("button", name="Simpan").click()
    expect(field_error(page, "predicate")).to_have_text("wajib diisi")
    page.get_by_label("Predikat kinerja organisasi").select_option("baik")
    page.get_by_label("NIP pimpinan yang menginstruksikan").fill(unit.leader.nip)
    page.get_by_label("Alasan perubahan").fill("Capaian perjanjian kinerja bidang 95%")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("status").first).to_have_text("Predikat organisasi tersimpan.")
    expect(page.locator("#org-predicate")).to_have_text("Baik")
    expect(page.locator("#bounds")).to_contain_text("Baik paling banyak 70%")
    expect(page.locator("#distribution-chart rect")).to_have_count(5)
    snap(page, "kalibrasi")


# -- auditor ----------------------------------------------------------------------------------------------
def test_auditor_reads_an_employees_timeline_verifies_it_and_downloads_the_evidence_pack(
        browser: Browser, stack: Stack, tmp_path: Path) -> None:
    snap = Screens(tmp_path, "auditor")
    unit = stack.unit
    page = sign_in(browser, stack, unit.auditor.name, phone=False)
    menu(page, "Audit")
    page.get_by_label("NIP pegawai").fill("19900101")
    page.get_by_role("button", name="Tampilkan jejak").click()
    expect(field_error(page, "nip")).to_have_text("NIP harus 18 digit angka (diterima 8 karakter)")
    snap(page, "nip-ditolak")

    page.get_by_label("NIP pegawai").fill(unit.head.nip)
    page.get_by_role("button", name="Tampilkan jejak").click()
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("PlanDrafted")
    expect(timeline).to_contain_text("PlanApproved")
    for service in ("planning", "evaluation", "feedback", "career"):
        expect(page.locator("#verification")).to_contain_text(f"{service}: utuh")
    snap(page, "jejak-dan-verifikasi")

    page.get_by_label("Jenis peristiwa (opsional)").fill("PlanApproved")
    page.get_by_role("button", name="Tampilkan jejak").click()
    expect(timeline.locator("tbody tr")).to_have_count(1)
    expect(page.get_by_label("Jenis peristiwa (opsional)")).to_have_value("PlanApproved")

    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh paket bukti (planning)").click()
    pack = tmp_path / "paket.zip"
    download.value.save_as(pack)
    with zipfile.ZipFile(pack) as archive:
        assert {"events.jsonl", "verification.json", "report.md", "manifest.json"} <= set(archive.namelist())
    snap(page, "paket-bukti")


# -- sign-in and language --------------------------------------------------------------------------------
def test_sign_in_with_a_malformed_nip_says_what_is_wrong_and_english_can_be_chosen(
        browser: Browser, stack: Stack, tmp_path: Path) -> None:
    snap = Screens(tmp_path, "masuk")
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=stack.url("portal"))
    page = context.new_page()
    page.goto("/skp")  # not signed in: sent to the sign-in page, and back afterwards
    expect(page).to_have_url(re.compile(r"/masuk\?next=/skp$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Masuk")
    snap(page, "masuk")
    page.get_by_label("NIP").fill("199001012015013001")  # sex digit 3
    page.get_by_label("Kode kantor").fill(stack.unit.office_id)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(field_error(page, "nip")).to_have_text("NIP: kode jenis kelamin (digit 15) harus 1 atau 2, bukan 3")
    expect(field_error(page, "roles")).to_have_text("pilih minimal satu peran")
    expect(page.get_by_label("Kode kantor")).to_have_value(stack.unit.office_id)
    snap(page, "masuk-ditolak")

    page.get_by_label("NIP").fill(stack.unit.staff[0].nip)
    page.get_by_label("Pegawai", exact=True).check()
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page).to_have_url(re.compile(r"/skp$"))
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My SKP")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    snap(page, "english")


# -- pegawai: appraisal ------------------------------------------------------------------------------------
def test_pegawai_self_assesses_sees_the_predicate_acknowledges_and_objects(
        browser: Browser, stack: Stack, tmp_path: Path) -> None:
    snap = Screens(tmp_path, "pegawai-penilaian")
    unit, year, me = stack.unit, stack.year, stack.unit.staff[2]
    stack.call("evaluation", "PATCH", f"/offices/{unit.office_id}/settings", unit.hr,
               {"time_zone": "WITA", "reason": "Kantor di Makassar"})
    period = f"{year}-Q3"
    appraisal_id = approved_appraisal(stack, me, period, "Terselesaikannya pengaduan layanan")

    page = sign_in(browser, stack, me.name)
    menu(page, "Penilaian saya")
    expect(page.get_by_role("heading", level=1)).to_have_text("Penilaian saya")
    snap(page, "daftar-penilaian")
    page.get_by_role("link", name=f"Buka penilaian {period}").click()
    expect(page.get_by_role("heading", level=2, name="Penilaian diri")).to_be_visible()

    # one value left unrated: refused beside its group, the other choices kept, nothing saved
    page.get_by_role("group", name="RHK: Terselesaikannya pengaduan layanan").get_by_label(
        "Di Atas Ekspektasi").check()
    for value in VALUES[:-1]:
        page.locator(f"#f-self_value_{value}").get_by_label("Sesuai Ekspektasi").check()
    page.get_by_label("Catatan penilaian diri (opsional)").fill("Semua pengaduan terselesaikan tepat waktu")
    page.get_by_role("button", name="Kirim penilaian diri").click()
    expect(field_error(page, "self_value_kolaboratif")).to_have_text("wajib diisi")
    expect(page.get_by_role("alert")).to_contain_text("Perilaku: Kolaboratif: wajib diisi")
    expect(page.locator("#f-self_value_akuntabel").get_by_label("Sesuai Ekspektasi")).to_be_checked()
    expect(page.get_by_role("group", name=re.compile("RHK: Terselesaikannya")).get_by_label(
        "Di Atas Ekspektasi")).to_be_checked()
    expect(page.get_by_label("Catatan penilaian diri (opsional)")).to_have_value(
        "Semua pengaduan terselesaikan tepat waktu")
    snap(page, "penilaian-diri-ditolak")
    assert all(v["self"] is None for v in stack.call("evaluation", "GET", f"/appraisals/{appraisal_id}", me)["values"])

    page.locator("#f-self_value_kolaboratif").get_by_label("Di Atas Ekspektasi").check()
    page.get_by_role("button", name="Kirim penilaian diri").click()
    expect(page.get_by_role("status").first).to_have_text("Penilaian diri tersimpan.")
    expect(page.locator("#f-self_value_kolaboratif").get_by_label("Di Atas Ekspektasi")).to_be_checked()
    snap(page, "penilaian-diri-tersimpan")

    # the evaluator rates (with feedback on one value) and finalises over HTTP
    rate_and_finalise(stack, appraisal_id, comment="Aktif membantu rekan satu tim")

    # the notification's link leads to the result: predicate, feedback per value, the deadline in WITA
    page.goto(f"/penilaian/{appraisal_id}/penilaian-diri")
    expect(page).to_have_url(re.compile(rf"/penilaian/{appraisal_id}#penilaian-diri$"))
    expect(page.locator("#predicate")).to_have_text("Baik")
    expect(page.locator("#value-feedback")).to_contain_text("Aktif membantu rekan satu tim")
    expect(page.locator("#rhk-results")).to_contain_text("Terselesaikannya pengaduan layanan")
    expect(page.locator("#objection-deadline")).to_have_text(re.compile(r"^\d{1,2} [A-Z][a-z]+ \d{4} \d{2}\.\d{2} WITA$"))
    snap(page, "hasil-final")
    page.get_by_role("button", name="Saya sudah menerima hasil penilaian").click()
    expect(page.get_by_role("status").first).to_have_text("Tanda terima hasil penilaian tercatat.")
    expect(page.locator("#acknowledged")).to_be_visible()

    # an objection: too short is refused by the service beside the field, then filed
    page.get_by_label("Alasan keberatan (minimal 10 karakter)").fill("Kurang")
    page.get_by_role("button", name="Ajukan keberatan").click()
    expect(field_error(page, "reasons")).to_be_visible()
    expect(page.get_by_label("Alasan keberatan (minimal 10 karakter)")).to_have_value("Kurang")
    snap(page, "keberatan-ditolak")
    page.get_by_label("Alasan keberatan (minimal 10 karakter)").fill(
        "Capaian pengaduan melebihi target; rating hasil kerja seharusnya di atas ekspektasi")
    page.get_by_role("button", name="Ajukan keberatan").click()
    expect(page.get_by_role("status").first).to_have_text(
        "Keberatan diajukan. Atasan pejabat penilai akan memutuskannya.")
    expect(page.locator("#objection")).to_contain_text("menunggu keputusan atasan pejabat penilai")
    snap(page, "keberatan-diajukan")
    assert stack.call("evaluation", "GET", f"/appraisals/{appraisal_id}", me)["status"] == "objected"


# -- pegawai: 360 ---------------------------------------------------------------------------------------
def test_an_assigned_peer_answers_the_360_and_revises_it_before_the_window_closes(
        browser: Browser, stack: Stack, tmp_path: Path) -> None:
    snap = Screens(tmp_path, "penilai-360")
    unit, rated, rater = stack.unit, stack.unit.staff[1], stack.unit.staff[0]
    appraisal_id = approved_appraisal(stack, rated, f"{stack.year}-Q4", "Tersusunnya laporan layanan")
    stack.call("evaluation", "PUT", f"/appraisals/{appraisal_id}/raters", unit.head,
               {"raters": [{"rater_id": rater.nip, "relation": "peer"}]})

    page = sign_in(browser, stack, rater.name)
    menu(page, "Permintaan 360")
    row = page.locator(f"#peer-requests tr[data-nip='{rated.nip}']")
    expect(row).to_contain_text("Rekan kerja")
    expect(row).to_contain_text("Belum dijawab")
    snap(page, "daftar-permintaan")

    # the notification's link opens the form; a value left without a score is refused, the rest kept
    page.goto(f"/penilaian/{appraisal_id}/360")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Penilaian 360 untuk {rated.name}")
    for value in VALUES[:-1]:
        page.locator(f"#f-score_{value}").get_by_label("4", exact=True).check()
    page.get_by_label("Catatan untuk Akuntabel (opsional)").fill("Laporan selalu tepat waktu")
    page.get_by_role("button", name="Kirim penilaian 360").click()
    expect(field_error(page, "score_kolaboratif")).to_have_text("wajib diisi")
    expect(page.get_by_role("alert")).to_contain_text("Nilai 360: Kolaboratif: wajib diisi")
    expect(page.locator("#f-score_akuntabel").get_by_label("4", exact=True)).to_be_checked()
    expect(page.get_by_label("Catatan untuk Akuntabel (opsional)")).to_have_value("Laporan selalu tepat waktu")
    snap(page, "360-ditolak")

    page.get_by_role("group", name="Nilai 360: Kolaboratif").get_by_label("5", exact=True).check()
    page.get_by_role("button", name="Kirim penilaian 360").click()
    expect(page.get_by_role("status").first).to_contain_text("Penilaian 360 tersimpan.")
    expect(page.locator(f"#peer-requests tr[data-nip='{rated.nip}']")).to_contain_text("Sudah dijawab")
    snap(page, "360-tersimpan")

    # revised before the window closes: the new answer replaces the old one
    page.locator(f"#peer-requests tr[data-nip='{rated.nip}']").get_by_role("link").click()
    expect(page.locator("#answered-note")).to_be_visible()
    for value in VALUES:
        page.locator(f"#f-score_{value}").get_by_label("3", exact=True).check()
    page.get_by_role("button", name="Kirim penilaian 360").click()
    expect(page.get_by_role("status").first).to_contain_text("Penilaian 360 tersimpan.")
    peer = stack.call("evaluation", "GET", f"/appraisals/{appraisal_id}", unit.head)["peer"]
    assert peer["answered"] == 1


# -- pengelola kepegawaian: career -------------------------------------------------------------------------
def test_pengelola_kepegawaian_reads_the_talent_grid_and_who_is_eligible_for_promotion(
        browser: Browser, stack: Stack, tmp_path: Path) -> None:
    snap = Screens(tmp_path, "talenta-dan-kenaikan-pangkat")
    unit, year, staff = stack.unit, stack.year, stack.unit.staff[0]
    # a finalised result (Baik: performance Sesuai) and a high potential put the employee in box 8
    appraisal_id = approved_appraisal(stack, staff, f"{year}-Q1", "Terlayaninya permohonan informasi publik")
    rate_and_finalise(stack, appraisal_id)
    stack.call("career", "PUT", f"/offices/{unit.office_id}/employees/{staff.nip}/potential", unit.hr, {
        "potential": "tinggi", "source": "Assessment Center BKN", "assessed_on": date.today().isoformat(),
        "reason": "Hasil asesmen talenta"})

    def box_of_staff() -> str | None:
        found = stack.call("career", "GET", f"/offices/{unit.office_id}/talent", unit.hr)
        return next((box for box, people in found["grid"].items() for p in people
                     if p["employee_id"] == staff.nip), None)

    assert wait_for(box_of_staff, "the employee's talent box (the result travels over Kafka)") == "8"

    page = sign_in(browser, stack, unit.hr.name)
    menu(page, "Talenta")
    grid = page.get_by_role("table", name="Kotak talenta: potensi (baris) terhadap kinerja (kolom)")
    expect(grid.locator("tbody tr")).to_have_count(3)
    expect(grid.locator("tbody td")).to_have_count(9)
    expect(grid.get_by_role("rowheader")).to_have_text(["Tinggi", "Menengah", "Rendah"])
    expect(grid.get_by_role("columnheader")).to_contain_text(["Kinerja", "Potensi", "Di Bawah Ekspektasi",
                                                              "Sesuai Ekspektasi", "Di Atas Ekspektasi"])
    cell = grid.locator("td[data-box='8']")
    expect(cell).to_contain_text(staff.name)
    expect(cell).to_contain_text("Kotak 8")
    expect(page.locator("#talent-pool")).to_contain_text(f"{staff.name} — Kotak 8")
    snap(page, "talenta-9-box")

    # promotions: a date that is not one is refused beside the field and kept; then the reasons per employee
    page.goto("/kenaikan-pangkat?per=kemarin")
    expect(field_error(page, "per")).to_have_text("harus berupa tanggal (YYYY-MM-DD)")
    expect(page.get_by_role("alert")).to_contain_text("Per tanggal: harus berupa tanggal (YYYY-MM-DD)")
    snap(page, "kenaikan-pangkat-ditolak")
    menu(page, "Kenaikan pangkat")
    page.get_by_label("Per tanggal").fill(f"{year + 1}-04-01")
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.get_by_role("heading", level=2, name=f"Belum memenuhi syarat per 1 April {year + 1}")).to_be_visible()
    row = page.locator(f"#not-eligible tr[data-nip='{staff.nip}']")
    expect(row).to_contain_text("Pangkat dan TMT belum dicatat oleh pengelola kepegawaian")
    expect(row).to_contain_text(f"Belum ada predikat tahunan {year}")
    expect(page.get_by_label("Per tanggal")).to_have_value(f"{year + 1}-04-01")
    snap(page, "kenaikan-pangkat")


# -- pejabat penilai: 360 raters ----------------------------------------------------------------------------
def test_pejabat_penilai_assigns_360_raters_on_the_appraisal_page(browser: Browser, stack: Stack,
                                                                  tmp_path: Path) -> None:
    snap = Screens(tmp_path, "penugasan-penilai-360")
    unit, rated = stack.unit, stack.unit.staff[0]
    appraisal_id = approved_appraisal(stack, rated, f"{stack.year}-Q4", "Terlayaninya permohonan informasi publik")
    page = sign_in(browser, stack, unit.head.name)
    page.goto(f"/penilaian/{appraisal_id}")
    expect(page.get_by_role("heading", level=2, name="Penilai 360")).to_be_visible()
    nav = page.get_by_role("navigation", name="Menu utama")
    expect(nav.get_by_role("link", name="Tim saya", include_hidden=True)).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Penilaian saya", include_hidden=True)).not_to_have_attribute(
        "aria-current", "page")

    # the employee as their own rater is refused beside that row; what was typed stays
    page.get_by_label("NIP penilai 1").fill(rated.nip)
    page.get_by_label("Hubungan penilai 1").select_option("peer")
    page.get_by_label("NIP penilai 2").fill(unit.staff[1].nip)
    page.get_by_role("button", name="Simpan penilai 360").click()
    expect(field_error(page, "rater_1_relation")).to_have_text("wajib diisi")
    page.get_by_label("Hubungan penilai 2").select_option("peer")
    page.get_by_role("button", name="Simpan penilai 360").click()
    expect(field_error(page, "rater_0_nip")).to_have_text("Pegawai tidak dapat menilai dirinya sendiri")
    expect(page.get_by_label("NIP penilai 2")).to_have_value(unit.staff[1].nip)
    expect(page.get_by_label("Hubungan penilai 2")).to_have_value("peer")
    snap(page, "penilai-ditolak")
    assert stack.call("evaluation", "GET", f"/appraisals/{appraisal_id}", unit.head)["peer"]["raters"] == []

    page.get_by_label("NIP penilai 1").fill(unit.staff[2].nip)
    page.get_by_role("button", name="Simpan penilai 360").click()
    expect(page.get_by_role("status").first).to_have_text("Penilai 360 tersimpan. Mereka akan menerima notifikasi.")
    for rater in (unit.staff[2], unit.staff[1]):
        expect(page.locator(f"#raters tr[data-nip='{rater.nip}']")).to_contain_text("Belum dijawab")
    expect(page.get_by_label("NIP penilai 1")).to_have_value(unit.staff[2].nip)
    snap(page, "penilai-tersimpan")
    wait_for(lambda: [r for r in stack.call("evaluation", "GET", "/me/peer-requests", unit.staff[2])
                      if r["appraisal_id"] == appraisal_id], "the rater's request")
