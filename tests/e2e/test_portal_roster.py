"""HR's roster and acting officials in a real browser (Debian's headless Chromium via Playwright), against the
real services on real Kafka and PostgreSQL:

- HR imports a roster CSV with bad rows: refused, every bad row and column named in Indonesian, nothing saved;
  the fixed file, saved from Excel as .xlsx, is saved; HR changes an employee's superior in the roster form;
- HR records a Plh for the unit head; the Plh approves a staff member's SKP in the portal and the SKP shows both
  names; once HR ends the appointment the Plh is refused;
- an objection is filed by the employee and decided by the superior the roster names, end to end.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Browser, expect

from kinerja_kernel.testing.office import nip, rhk_body

from .portal_support import (
    VALUES,
    Screens,
    Stack,
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
__all__ = ["browser", "stack"]

HEADER = "nip;nama;unit;jabatan;jenis_jabatan;status;nip_penilai;nip_atasan"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(rows: list[list[str]]) -> bytes:
    """An .xlsx whose first sheet holds these rows (NIPs as text, as HR is told to keep them)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_hr_imports_the_roster_refused_then_saved_and_changes_a_superior(browser: Browser, stack: Stack,
                                                                        tmp_path: Path) -> None:
    unit = stack.unit
    snap = Screens(tmp_path, "roster")
    new_a, new_b = nip(1994, 801, salt=11), nip(1995, 802, 2, salt=11)
    head, leader = unit.head.nip, unit.leader.nip
    bad = (f"{HEADER}\n{new_a};Ayu Pratiwi;{unit.unit_id};Analis Data;ja;pns;{head};{leader}\n"
           f"{new_b};Bagus Wibowo;{unit.unit_id};Pranata Komputer;fungsional;pns;{head};{leader}\n"
           f"199313131993011001;Citra;{unit.unit_id};Analis;ja;pns;;\n")
    before = stack.call("planning", "GET", f"/offices/{unit.office_id}/employees", unit.hr)
    for phone in (True, False):
        page = sign_in(browser, stack, unit.hr.name, phone=phone)
        size = "hp" if phone else "desktop"
        menu(page, "Roster & Plt")
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Roster pegawai {unit.office_id}")
        row = page.locator(f"#roster tr[data-nip='{unit.staff[0].nip}']")
        expect(row.locator(".evaluator")).to_have_text(unit.head.name)
        expect(row.locator(".superior")).to_have_text(unit.leader.name)
        snap(page, f"roster-{size}")
        page.get_by_label("Berkas roster (CSV atau XLSX)").set_input_files(
            files=[{"name": "roster.csv", "mimeType": "text/csv", "buffer": bad.encode()}])
        page.get_by_role("button", name="Impor roster").click()
        expect(field_error(page, "roster_csv")).to_contain_text("Tidak ada data yang disimpan")
        problems = page.locator("#import-problems tbody tr")
        expect(problems).to_have_count(2)
        expect(problems.nth(0)).to_contain_text("Baris 3")
        expect(problems.nth(0)).to_contain_text("jenis_jabatan")
        expect(problems.nth(0)).to_contain_text("isi salah satu: jpt, kepala_unit, ja, jf")
        expect(problems.nth(1)).to_contain_text("Baris 4")
        expect(problems.nth(1)).to_contain_text("nip")
        snap(page, f"impor-ditolak-{size}")
        assert stack.call("planning", "GET", f"/offices/{unit.office_id}/employees", unit.hr) == before

    # the fixed file comes from Excel this time
    fixed = workbook([HEADER.split(";"), [new_a, "Ayu Pratiwi", unit.unit_id, "Analis Data", "ja", "pns", head, leader],
                      [new_b, "Bagus Wibowo", unit.unit_id, "Pranata Komputer", "jf", "pppk", head, leader]])
    page.get_by_label("Berkas roster (CSV atau XLSX)").set_input_files(
        files=[{"name": "roster.xlsx", "mimeType": XLSX, "buffer": fixed}])
    page.get_by_role("button", name="Impor roster").click()
    expect(page.get_by_role("status").first).to_have_text("Roster diimpor: 2 baris, 2 berubah, 0 sudah sama.")
    expect(page.locator(f"#roster tr[data-nip='{new_b}']")).to_contain_text("PPPK")
    snap(page, "impor-tersimpan-desktop")

    # the roster form: a superior who is the employee themself is refused beside the field, what was typed kept
    page.locator(f"#roster tr[data-nip='{new_b}']").get_by_role("link", name=re.compile("Ubah")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ubah data roster Bagus Wibowo")
    page.get_by_label("Atasan pejabat penilai").select_option(value=new_a)
    page.get_by_label("Pejabat penilai", exact=True).select_option(value=new_a)
    page.get_by_label("Alasan perubahan").fill("Mutasi internal")
    page.locator("#f-r_position").fill("")
    page.get_by_role("button", name="Simpan data roster").click()
    expect(field_error(page, "r_position")).to_have_text("wajib diisi")
    expect(page.get_by_label("Alasan perubahan")).to_have_value("Mutasi internal")
    snap(page, "ubah-ditolak-desktop")
    page.locator("#f-r_position").fill("Pranata Komputer Ahli Pertama")
    page.get_by_label("Pejabat penilai", exact=True).select_option(value=head)
    page.get_by_role("button", name="Simpan data roster").click()
    expect(page.get_by_role("status").first).to_have_text("Data roster Bagus Wibowo tersimpan.")
    expect(page.locator(f"#roster tr[data-nip='{new_b}'] .superior")).to_have_text("Ayu Pratiwi")
    roster = {r["employee_id"]: r for r in stack.call("planning", "GET", f"/offices/{unit.office_id}/employees",
                                                      unit.hr)}
    assert (roster[new_b]["superior_id"], roster[new_b]["position"]) == (new_a, "Pranata Komputer Ahli Pertama")


def test_a_plh_approves_an_skp_with_both_names_and_is_refused_once_it_ended(browser: Browser, stack: Stack,
                                                                          tmp_path: Path) -> None:
    unit, year = stack.unit, stack.year
    snap = Screens(tmp_path, "plh")
    staff, plh = unit.staff[0], unit.staff[2]
    plan_id = stack.call("planning", "POST", "/plans", staff, {"period_year": year}, expect=201)["plan_id"]
    cite = {"intervention": {"plan_id": unit.head.plan_id, "rhk_id": unit.head.rhk_ids[0]}}
    stack.call("planning", "POST", f"/plans/{plan_id}/rhks", staff, rhk_body("Tersusunnya data layanan", **cite),
               expect=201)
    stack.call("planning", "POST", f"/plans/{plan_id}/submit", staff, {})
    today = date(year, 11, 30)  # planning's today in this stack (KINERJA_PLANNING_TODAY): acting dates follow it

    hr = sign_in(browser, stack, unit.hr.name)
    hr.goto("/roster/plt")
    expect(hr.get_by_role("heading", level=1)).to_have_text("Pelaksana tugas (Plt/Plh)")
    hr.get_by_label("Pejabat yang berhalangan").select_option(value=unit.head.nip)
    hr.get_by_label("Pelaksana (Plt/Plh)").select_option(value=plh.nip)
    hr.get_by_label("Mulai tanggal").fill(str(today))
    hr.get_by_label("Sampai tanggal").fill(str(today - timedelta(days=1)))
    hr.get_by_role("button", name="Catat penugasan").click()
    expect(field_error(hr, "a_reason")).to_have_text("wajib diisi")  # the portal's own check first
    hr.locator("#f-a_reason").fill("Kepala bidang mengikuti diklat kepemimpinan")
    hr.get_by_role("button", name="Catat penugasan").click()
    expect(field_error(hr, "a_ends_on")).to_have_text("Tanggal selesai tidak boleh sebelum tanggal mulai")
    expect(hr.get_by_label("Pelaksana (Plt/Plh)")).to_have_value(plh.nip)
    expect(hr.locator("#f-a_reason")).to_have_value("Kepala bidang mengikuti diklat kepemimpinan")
    snap(hr, "plh-ditolak-hp")
    assert stack.call("planning", "GET", f"/offices/{unit.office_id}/acting-appointments", unit.hr) == []
    hr.get_by_label("Sampai tanggal").fill(str(today + timedelta(days=6)))
    hr.get_by_label("Nomor surat perintah (opsional)").fill("SP-7/2026")
    hr.get_by_role("button", name="Catat penugasan").click()
    expect(hr.get_by_role("status").first).to_contain_text(f"{plh.name} tercatat sebagai Plh untuk {unit.head.name}")
    expect(hr.locator("#appointments li").first).to_contain_text("Berlaku")
    snap(hr, "plh-tercatat-hp")

    # the Plh finds the SKP on the team board and approves it
    # (a staff member without the evaluator's role: "Tim saya" is in the menu only while they act)
    page = sign_in(browser, stack, plh.name, phone=False)
    menu(page, "Tim saya")
    page.goto(f"/tim?tahun={year}")
    row = page.locator(f"#team-plans tr[data-nip='{staff.nip}']")
    expect(row.locator(".acting-for")).to_have_text(re.compile(r"^atas nama .+ \(Plh\)$"))
    expect(page.locator(f"#team-plans tr[data-nip='{plh.nip}']")).to_have_count(0)  # never their own SKP
    snap(page, "tim-plh-desktop")
    row.get_by_role("link", name=re.compile("Periksa SKP")).click()
    expect(page).to_have_url(re.compile(f"/tim/skp/{plan_id}"))
    page.get_by_role("button", name="Setujui").click()
    view = wait_for(lambda: (v := stack.call("planning", "GET", f"/plans/{plan_id}", staff))["status"] == "approved"
                    and v, "the approval")
    assert (view["approved_by"], view["approved_on_behalf_of"]) == (plh.nip, unit.head.nip)
    page.goto(f"/tim/skp/{plan_id}")
    expect(page.locator("#approved-by")).to_have_text(
        f"Disetujui oleh {plh.name} sebagai Plh untuk {unit.head.name}")
    snap(page, "disetujui-plh-desktop")
    mine = sign_in(browser, stack, staff.name)
    mine.goto(f"/skp/{plan_id}")
    expect(mine.locator("#approved-by")).to_contain_text(plh.name)
    expect(mine.locator("#approved-by")).to_contain_text(unit.head.name)
    snap(mine, "skp-pegawai-hp")

    # HR ends it: from today the Plh is refused, and the SKP is no longer theirs to read
    hr.get_by_role("button", name=re.compile("Akhiri sekarang")).click()
    expect(field_error(hr, "end_reason")).to_have_text("wajib diisi")
    hr.get_by_label("Alasan mengakhiri").fill("Kepala bidang kembali bertugas")
    hr.get_by_role("button", name=re.compile("Akhiri sekarang")).click()
    expect(hr.get_by_role("status").first).to_contain_text("tidak lagi bertindak")
    expect(hr.locator("#appointments li").first).to_contain_text("Selesai")
    snap(hr, "plh-diakhiri-hp")
    second = stack.call("planning", "POST", "/plans", unit.staff[1], {"period_year": year}, expect=201)["plan_id"]
    stack.call("planning", "POST", f"/plans/{second}/rhks", unit.staff[1], rhk_body("Terlayaninya arsip", **cite),
               expect=201)
    stack.call("planning", "POST", f"/plans/{second}/submit", unit.staff[1], {})
    stack.call("planning", "POST", f"/plans/{second}/approve", plh, {}, expect=403)
    page.goto(f"/tim/skp/{second}")
    expect(page.locator("body")).to_contain_text("tidak")
    snap(page, "plh-ditolak-setelah-berakhir-desktop")
    stack.call("planning", "POST", f"/plans/{second}/approve", unit.head, {})  # the head, back, approves it


def test_a_plh_rates_and_finalises_and_a_plt_decides_the_objection_in_the_portal_with_both_names(
        browser: Browser, stack: Stack, tmp_path: Path) -> None:
    unit, year = stack.unit, stack.year
    snap = Screens(tmp_path, "plh-penilaian")
    me, plh, plt = unit.staff[0], unit.staff[2], unit.staff[1]
    title = "Tersusunnya laporan triwulan"
    appraisal_id = approved_appraisal(stack, me, f"{year}-Q3", title)
    # evaluation decides on its own clock (the real day, in WIB): the appointments cover that day
    today = (datetime.now(UTC) + timedelta(hours=7)).date()
    for absent, acting, kind in ((unit.head, plh, "plh"), (unit.leader, plt, "plt")):
        stack.call("planning", "POST", f"/offices/{unit.office_id}/acting-appointments", unit.hr, {
            "absent_id": absent.nip, "acting_id": acting.nip, "kind": kind, "starts_on": str(today),
            "ends_on": str(today + timedelta(days=2)), "reason": "Dinas luar"}, expect=201)
    wait_for(lambda: stack.call("evaluation", "GET", f"/team/appraisals?period={year}-Q3", plh),
             "evaluation learning the Plh")

    # the Plh (a staff member) rates in the head's place and finalises
    page = sign_in(browser, stack, plh.name, phone=False)
    page.goto(f"/penilaian/{appraisal_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Penilaian {me.name}")
    rhk = stack.call("evaluation", "GET", f"/appraisals/{appraisal_id}", plh)["rhks"][0]["title"]
    page.get_by_label(f"Rating RHK: {rhk}").select_option("sesuai_ekspektasi")
    for value in VALUES:
        page.locator(f"#f-value_{value}").select_option("sesuai_ekspektasi")
    page.get_by_label("Rating Hasil Kerja").select_option("sesuai_ekspektasi")
    page.get_by_label("Rating Perilaku Kerja").select_option("sesuai_ekspektasi")
    page.get_by_label("Alasan perubahan").fill("Penilaian triwulan oleh Plh")
    page.get_by_role("button", name="Simpan penilaian").click()
    expect(page.get_by_role("status").first).to_have_text("Penilaian tersimpan.")
    page.get_by_label(re.compile("ingin memfinalisasinya")).check()
    page.get_by_role("button", name="Finalisasi penilaian").click()
    expect(page.get_by_role("status").first).to_have_text("Penilaian difinalisasi.")
    expect(page.locator("#finalised-by")).to_have_text(
        f"Difinalisasi oleh {plh.name} sebagai Plh untuk {unit.head.name}.")
    snap(page, "difinalisasi-plh-desktop")

    # the employee objects; the Plt decides in the superior's place, from their objection list
    stack.call("evaluation", "POST", f"/appraisals/{appraisal_id}/objection", me,
               {"reasons": "Laporan triwulan selesai lebih cepat dengan bukti"}, expect=201)
    # (the menu's "Keberatan" follows planning's day, which in this stack is another year than evaluation's:
    # the Plt opens the list by its address, as the notification's link would)
    boss = sign_in(browser, stack, plt.name)
    boss.goto("/keberatan")
    boss.locator(f"#objections-mine tr[data-nip='{me.nip}']").get_by_role("link", name=re.compile("Buka keberatan")
                                                                            ).click()
    boss.locator("#f-decision").get_by_label("Dikuatkan").check()
    boss.get_by_label("Alasan keputusan").fill("Rating sesuai bukti dukung")
    boss.get_by_role("button", name="Simpan keputusan").click()
    expect(boss.get_by_role("status").first).to_have_text("Keputusan keberatan tersimpan. Pegawai menerima notifikasi.")
    expect(boss.locator("#decided-by")).to_have_text(f"{plt.name} sebagai Plt untuk {unit.leader.name}")
    snap(boss, "keberatan-diputus-plt-hp")
    view = stack.call("evaluation", "GET", f"/appraisals/{appraisal_id}", me)
    assert (view["objection"]["decided_by"], view["objection"]["decided_on_behalf_of"]) == (plt.nip, unit.leader.nip)


def test_an_objection_is_filed_by_the_employee_and_decided_by_the_superior(browser: Browser, stack: Stack,
                                                                         tmp_path: Path) -> None:
    unit, year = stack.unit, stack.year
    snap = Screens(tmp_path, "keberatan-roster")
    me = unit.staff[1]
    appraisal_id = approved_appraisal(stack, me, f"{year}-Q2", "Terlayaninya arsip")
    rate_and_finalise(stack, appraisal_id)
    page = sign_in(browser, stack, me.name)
    page.goto(f"/penilaian/{appraisal_id}#keberatan")
    page.get_by_label("Alasan keberatan (minimal 10 karakter)").fill("Target arsip terlampaui dengan bukti lengkap")
    page.get_by_role("button", name="Ajukan keberatan").click()
    expect(page.locator("#objection")).to_contain_text("menunggu keputusan atasan pejabat penilai")
    snap(page, "keberatan-diajukan-hp")

    boss = sign_in(browser, stack, unit.leader.name, phone=False)
    menu(boss, "Keberatan")
    boss.locator(f"#objections-mine tr[data-nip='{me.nip}']").get_by_role("link", name=re.compile("Buka keberatan")
                                                                            ).click()
    boss.locator("#f-decision").get_by_label("Dikuatkan").check()
    boss.get_by_label("Alasan keputusan").fill("Rating sesuai bukti dukung")
    boss.get_by_role("button", name="Simpan keputusan").click()
    expect(boss.get_by_role("status").first).to_have_text("Keputusan keberatan tersimpan. Pegawai menerima notifikasi.")
    snap(boss, "keberatan-diputus-desktop")
    view = stack.call("evaluation", "GET", f"/appraisals/{appraisal_id}", me)
    assert view["objection"]["decision"] == "upheld"
