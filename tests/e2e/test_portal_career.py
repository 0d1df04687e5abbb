"""The portal's career pages in a real browser (Debian's headless Chromium driven by Playwright), against the
real planning, evaluation, feedback and career processes on real Kafka and PostgreSQL.

Pengelola kepegawaian: enters an employee's rank and TMT, functional position and potential and sees the
promotion check and the talent box change; imports ranks from CSV (a bad row is named with why, and nothing
is saved); keeps the office's training catalog. Pegawai: reads their career page (history, credit points,
promotion, recommendation from the catalog), draws up an IDP and reports progress; their evaluator opens it.
Every rejected form shows the Indonesian message beside the field, keeps what was typed, and the API shows
nothing was saved. Screenshots (phone width) go to ``tests/e2e/artifacts/portal/karier-*``.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from kinerja_kernel.testing.office import Person

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
__all__ = ["browser", "stack"]  # the fixtures, imported so this module gets its own stack


def personnel_of(stack: Stack, person: Person) -> dict[str, Any] | None:
    """What the career service holds about ``person`` (rank, functional position, potential, box)."""
    rows = stack.call("career", "GET", f"/offices/{stack.unit.office_id}/employees", stack.unit.hr)
    return next((r for r in rows if r["employee_id"] == person.nip), None)


def history_of(stack: Stack, person: Person) -> list[dict[str, Any]]:
    """``person``'s performance history in the career service (empty while it does not know them yet)."""
    response = httpx.get(f"{stack.url('career')}/api/v1/employees/{person.nip}/career", headers=stack.unit.hr.headers,
                         timeout=15)
    return list(response.json().get("history") or []) if response.status_code == 200 else []


def as_text_input(page: Page, selector: str) -> None:
    """A browser without a date picker: the date field takes any text (the server still checks it)."""
    page.locator(selector).evaluate("element => { element.type = 'text'; }")


# -- pengelola kepegawaian ---------------------------------------------------------------------------------
def test_pengelola_kepegawaian_enters_rank_potential_and_a_catalog_entry_and_sees_eligibility_and_box_change(
        browser: Browser, stack: Stack, tmp_path: Path) -> None:
    snap = Screens(tmp_path, "karier-data-kepegawaian")
    unit, year, staff = stack.unit, stack.year, stack.unit.staff[0]
    appraisal_id = approved_appraisal(stack, staff, f"{year}-Q1", "Terlayaninya permohonan informasi publik")
    rate_and_finalise(stack, appraisal_id)
    wait_for(lambda: history_of(stack, staff), "the result in the career history (it travels over Kafka)")
    promotion_day = f"{year + 1}-04-01"

    page = sign_in(browser, stack, unit.hr.name)
    menu(page, "Kenaikan pangkat")
    page.get_by_label("Per tanggal").fill(promotion_day)
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.locator(f"#not-eligible tr[data-nip='{staff.nip}']")).to_contain_text(
        "Pangkat dan TMT belum dicatat oleh pengelola kepegawaian")
    menu(page, "Talenta")
    expect(page.locator(f"#incomplete li[data-nip='{staff.nip}']")).to_contain_text("Potensi belum dinilai")

    menu(page, "Data kepegawaian")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Data kepegawaian {unit.office_id}")
    row = page.locator(f"#personnel tr[data-nip='{staff.nip}']")
    expect(row.locator(".rank")).to_have_text("—")
    snap(page, "daftar-pegawai")
    row.get_by_role("link", name=f"Ubah data {staff.name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Data kepegawaian {staff.name}")

    # an unknown grade: the service's message beside the field, what was typed kept
    grade, tmt = page.locator("#f-rank_grade"), page.locator("#f-rank_tmt")
    grade.fill("III/f")
    page.locator("#f-rank_name").fill("Penata Muda")
    tmt.fill("2018-04-01")
    page.get_by_role("button", name="Simpan pangkat").click()
    expect(field_error(page, "rank_grade")).to_have_text(
        "Golongan 'III/f' tidak dikenal; tulis seperti III/c (I-IV, a-e)")
    expect(page.get_by_role("alert")).to_contain_text("Belum ada yang disimpan")
    expect(grade).to_have_value("III/f")
    expect(page.locator("#f-rank_name")).to_have_value("Penata Muda")
    expect(grade).to_have_attribute("aria-invalid", "true")
    snap(page, "golongan-tidak-dikenal")
    # a TMT that is not a date (a browser without a date picker), then one after today
    grade.fill("III/b")
    page.locator("#f-rank_name").fill("")
    as_text_input(page, "#f-rank_tmt")
    tmt.fill("1 April 2018")
    page.get_by_role("button", name="Simpan pangkat").click()
    expect(field_error(page, "rank_tmt")).to_have_text("harus berupa tanggal (YYYY-MM-DD)")
    expect(tmt).to_have_value("1 April 2018")
    expect(grade).to_have_value("III/b")
    tmt.fill("2099-04-01")
    page.get_by_role("button", name="Simpan pangkat").click()
    expect(field_error(page, "rank_tmt")).to_have_text("TMT pangkat 2099-04-01 belum berlaku (setelah hari ini)")
    expect(tmt).to_have_value("2099-04-01")
    snap(page, "tmt-setelah-hari-ini")
    assert (personnel_of(stack, staff) or {}).get("rank") is None  # nothing saved
    # the grade's standard title fills an empty one
    tmt.fill("2018-04-01")
    page.get_by_role("button", name="Simpan pangkat").click()
    expect(page.get_by_role("status").first).to_have_text("Pangkat III/b TMT 1 April 2018 dicatat.")
    expect(page.locator("#f-rank_name")).to_have_value("Penata Muda Tingkat I")

    page.get_by_label("Jenjang").select_option(label="Ahli Pertama")
    page.get_by_label("Berlaku mulai tahun").fill(str(year))
    page.get_by_role("button", name="Simpan jabatan fungsional").click()
    expect(page.get_by_role("status").first).to_have_text("Jabatan fungsional dicatat (koefisien 12.5).")

    potential = page.get_by_role("group", name="Potensi")
    potential.get_by_label("Tinggi").check()
    page.get_by_label("Sumber asesmen").fill("Assessment Center BKN")
    page.get_by_role("button", name="Simpan potensi").click()
    expect(field_error(page, "pot_assessed_on")).to_have_text("wajib diisi")
    expect(page.get_by_label("Sumber asesmen")).to_have_value("Assessment Center BKN")
    expect(page.get_by_role("group", name="Potensi").get_by_label("Tinggi")).to_be_checked()
    page.get_by_label("Tanggal asesmen").fill(date.today().isoformat())
    page.get_by_role("button", name="Simpan potensi").click()
    expect(page.get_by_role("status").first).to_have_text("Potensi Tinggi dicatat.")
    snap(page, "data-pegawai-tersimpan")
    recorded = personnel_of(stack, staff)
    assert recorded is not None
    assert recorded["rank"] == {"grade": "III/b", "name": "Penata Muda Tingkat I", "tmt": "2018-04-01"}
    assert recorded["talent"]["box"] == 8

    # the office's list, the promotion check and the 9-box follow
    menu(page, "Data kepegawaian")
    row = page.locator(f"#personnel tr[data-nip='{staff.nip}']")
    expect(row.locator(".rank")).to_contain_text("III/b Penata Muda Tingkat I")
    expect(row.locator(".functional")).to_have_text("Ahli Pertama (12.5)")
    expect(row.locator(".potential")).to_have_text("Tinggi")
    expect(row.locator(".box")).to_have_text("Kotak 8")
    snap(page, "daftar-pegawai-terisi")
    page.goto(f"/kenaikan-pangkat?per={promotion_day}")
    checks = page.locator(f"tr[data-nip='{staff.nip}'] .checks")
    expect(checks.locator("li.met")).to_have_text(
        re.compile(rf"Masa kerja dalam pangkat {year + 1 - 2018} tahun 0 bulan \(minimal 4 tahun\)"))
    expect(checks.locator("li.unmet")).to_contain_text([f"Belum ada predikat tahunan {year}"])
    menu(page, "Talenta")
    cell = page.locator("#nine-box td[data-box='8']")
    expect(cell).to_contain_text(staff.name)
    cell.get_by_role("link", name=staff.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Karier {staff.name}")
    expect(page.locator("#talent-box")).to_contain_text("Kotak 8")
    expect(page.locator("#rank")).to_have_text("III/b — Penata Muda Tingkat I")
    snap(page, "karier-pegawai-oleh-pengelola")

    # the training catalog: an entry without a name is refused and nothing is saved
    menu(page, "Data kepegawaian")
    page.get_by_role("link", name="Kelola katalog pelatihan").click()
    expect(page.locator("#catalog-empty")).to_be_visible()
    page.get_by_label("Kode").fill("KOLAB")
    page.get_by_role("group", name="Direkomendasikan bila").get_by_label("Nilai BerAKHLAK di bawah ekspektasi").check()
    page.locator("#f-cat_value").select_option(label="Kolaboratif")
    page.get_by_label("Jam pelajaran (JP)").fill("16")
    page.get_by_role("button", name="Simpan pelatihan").click()
    expect(field_error(page, "cat_title")).to_have_text("wajib diisi")
    expect(page.get_by_role("alert")).to_contain_text("Nama pelatihan: wajib diisi")
    expect(page.get_by_label("Kode")).to_have_value("KOLAB")
    expect(page.locator("#f-cat_value")).to_have_value("kolaboratif")
    expect(page.get_by_label("Jam pelajaran (JP)")).to_have_value("16")
    snap(page, "katalog-tanpa-nama")
    assert stack.call("career", "GET", f"/offices/{unit.office_id}/training-catalog", unit.hr) == []
    page.get_by_label("Nama pelatihan").fill("Pelatihan Kerja Sama Tim")
    page.get_by_role("button", name="Simpan pelatihan").click()
    expect(page.get_by_role("status").first).to_have_text("Pelatihan KOLAB disimpan.")
    entry = page.locator("#catalog tr[data-code='KOLAB']")
    expect(entry).to_contain_text("Pelatihan Kerja Sama Tim")
    expect(entry).to_contain_text("Nilai Kolaboratif di bawah ekspektasi")
    # a second one for weak work results, changed, then removed
    page.get_by_label("Kode").fill("DATA")
    page.get_by_label("Nama pelatihan").fill("Analisis Data Kinerja")
    page.get_by_role("group", name="Direkomendasikan bila").get_by_label("Hasil kerja di bawah ekspektasi").check()
    page.get_by_label("Jam pelajaran (JP)").fill("8")
    page.get_by_role("button", name="Simpan pelatihan").click()
    expect(page.get_by_role("status").first).to_have_text("Pelatihan DATA disimpan.")
    page.locator("#catalog tr[data-code='DATA']").get_by_role("link", name="Ubah DATA").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ubah pelatihan DATA")
    expect(page.get_by_label("Nama pelatihan")).to_have_value("Analisis Data Kinerja")
    page.get_by_label("Jam pelajaran (JP)").fill("12")
    page.get_by_label("Penyelenggara (opsional)").fill("BPSDM")
    page.get_by_role("button", name="Simpan pelatihan").click()
    expect(page.locator("#catalog tr[data-code='DATA']")).to_contain_text("12 JP")
    snap(page, "katalog")
    page.get_by_role("button", name="Hapus DATA").click()
    expect(page.get_by_role("status").first).to_have_text("Pelatihan DATA dihapus dari katalog.")
    expect(page.locator("#catalog tr[data-code='DATA']")).to_have_count(0)
    listed = stack.call("career", "GET", f"/offices/{unit.office_id}/training-catalog", unit.hr)
    assert [(e["code"], e["value"], e["hours"]) for e in listed] == [("KOLAB", "kolaboratif", 16)]


def test_pengelola_kepegawaian_imports_ranks_from_csv_and_a_bad_row_is_named(browser: Browser, stack: Stack,
                                                                               tmp_path: Path) -> None:
    snap = Screens(tmp_path, "karier-impor-pangkat")
    unit = stack.unit
    first, second = unit.staff[1], unit.staff[2]
    page = sign_in(browser, stack, unit.hr.name)
    menu(page, "Data kepegawaian")

    def upload(content: str) -> None:
        page.locator("#f-rank_csv").set_input_files(files=[{"name": "pangkat.csv", "mimeType": "text/csv",
                                                             "buffer": content.encode()}])
        page.get_by_role("button", name="Impor pangkat").click()

    upload("nip;golongan;pangkat;tmt\n"
           f"{first.nip};III/c;Penata;2019-10-01\n"
           f"{second.nip};III/z;Penata Muda;2021-04-01\n"
           f"{unit.head.nip};IV/a;;kemarin\n")
    expect(field_error(page, "rank_csv")).to_have_text(
        "Berkas ditolak: 3 isian perlu diperbaiki (daftarnya di bawah). Tidak ada yang disimpan.")
    problems = page.get_by_role("table", name="Baris yang perlu diperbaiki")
    expect(problems.locator("tbody tr")).to_have_count(3)
    expect(problems.locator("tbody tr").nth(0)).to_contain_text("Baris 3")
    expect(problems.locator("tbody tr").nth(0)).to_contain_text("golongan")
    expect(problems.locator("tbody tr").nth(0).locator("td").nth(1)).to_have_text(
        "Golongan 'III/z' tidak dikenal; tulis seperti III/c (I-IV, a-e)")
    expect(problems.locator("tbody tr").nth(1)).to_contain_text("pangkat")
    expect(problems.locator("tbody tr").nth(1)).to_contain_text("wajib diisi")
    expect(problems.locator("tbody tr").nth(2)).to_contain_text("Baris 4")
    expect(problems.locator("tbody tr").nth(2)).to_contain_text("harus berupa tanggal (YYYY-MM-DD)")
    snap(page, "impor-ditolak")
    assert (personnel_of(stack, first) or {}).get("rank") is None  # not even the good row

    upload("nip;golongan;pangkat;tmt\n"
           f"{first.nip};III/c;Penata;2019-10-01\n"
           f"{second.nip};III/a;Penata Muda;2021-04-01\n")
    expect(page.get_by_role("status").first).to_have_text("2 baris diimpor; data 2 pegawai berubah.")
    expect(page.locator(f"#personnel tr[data-nip='{first.nip}'] .rank")).to_contain_text("III/c Penata")
    expect(page.locator(f"#personnel tr[data-nip='{second.nip}'] .rank")).to_contain_text("TMT 1 April 2021")
    expect(page.get_by_role("table", name="Baris yang perlu diperbaiki")).to_have_count(0)
    snap(page, "impor-berhasil")
    assert (personnel_of(stack, first) or {}).get("rank") == {"grade": "III/c", "name": "Penata",
                                                              "tmt": "2019-10-01"}


# -- pegawai -----------------------------------------------------------------------------------------------
def rate_with_a_weak_value(stack: Stack, appraisal_id: str, weak: str) -> None:
    """The evaluator rates everything Sesuai Ekspektasi except ``weak`` (Di Bawah): predicate Baik, and the
    weak value calls for a catalog training."""
    head = stack.unit.head
    view = stack.call("evaluation", "GET", f"/appraisals/{appraisal_id}", head)
    stack.call("evaluation", "PUT", f"/appraisals/{appraisal_id}/ratings", head, {
        "rhk_ratings": [{"rhk_id": r["rhk_id"], "rating": "sesuai_ekspektasi"} for r in view["rhks"]],
        "value_ratings": [{"value": v, "rating": "di_bawah_ekspektasi" if v == weak else "sesuai_ekspektasi"}
                          for v in VALUES],
        "results_rating": "sesuai_ekspektasi", "behaviour_rating": "sesuai_ekspektasi", "reason": "Penilaian periode"})
    stack.call("evaluation", "POST", f"/appraisals/{appraisal_id}/finalise", head,
               {"justification": "Distribusi unit sudah dibahas bersama pimpinan"})


def test_pegawai_reads_the_career_page_draws_up_an_idp_and_reports_progress(browser: Browser, stack: Stack,
                                                                             tmp_path: Path) -> None:
    snap = Screens(tmp_path, "karier-pegawai")
    unit, year, me = stack.unit, stack.year, stack.unit.staff[1]
    office = unit.office_id
    # a functional position (credit points) with a coefficient, and a catalog training for Kolaboratif
    stack.call("planning", "PUT", f"/offices/{office}/employees/{me.nip}", unit.hr, {
        "name": me.name, "unit_id": unit.unit_id, "position": "Pranata Komputer Ahli Pertama", "position_type": "jf",
        "employment": "pns", "evaluator_id": unit.head.nip, "superior_id": unit.leader.nip, "reason": "Diangkat ke jabatan fungsional"})
    wait_for(lambda: (personnel_of(stack, me) or {}).get("position_type") == "jf", "the roster change in career")
    stack.call("career", "PUT", f"/offices/{office}/employees/{me.nip}/functional-position", unit.hr,
               {"level": "ahli_pertama", "effective_year": year})
    stack.call("career", "PUT", f"/offices/{office}/training-catalog/KOLAB-TIM", unit.hr, {
        "title": "Lokakarya Kolaborasi Lintas Unit", "trigger": "nilai", "value": "kolaboratif", "hours": 16})
    appraisal_id = approved_appraisal(stack, me, f"{year}-Q1", "Terkelolanya data layanan")
    rate_with_a_weak_value(stack, appraisal_id, "kolaboratif")
    wait_for(lambda: history_of(stack, me), "the result in the career history (it travels over Kafka)")

    page = sign_in(browser, stack, me.name)
    menu(page, "Karier saya")
    expect(page.get_by_role("heading", level=1)).to_have_text("Karier saya")
    history = page.get_by_role("table", name="Hasil penilaian per periode; hasil yang dikoreksi tetap tercatat")
    expect(history.locator(f"tr[data-period='{year}-Q1']")).to_contain_text(f"Triwulan 1 {year}")
    expect(history.locator(f"tr[data-period='{year}-Q1']")).to_contain_text("Baik")
    expect(history.locator(f"tr[data-period='{year}-Q1']")).to_contain_text("Berlaku")
    credit = page.locator(f"#credit tr[data-period='{year}-Q1']")
    expect(credit).to_contain_text("12.5 × 1.00 × 3/12")
    expect(credit).to_contain_text("3.13")
    expect(page.locator("#credit-total")).to_have_text("Jumlah angka kredit yang dihitung: 3.13")
    expect(page.locator("#promotion-verdict")).to_contain_text("Belum memenuhi syarat per")
    expect(page.locator("#promotion-checks li.unmet").first).to_be_visible()
    recommendations = page.locator(f".recommendations[data-period='{year}-Q1']")
    expect(recommendations).to_contain_text("Lokakarya Kolaborasi Lintas Unit")
    expect(recommendations).to_contain_text(f"Nilai Kolaboratif di bawah ekspektasi pada periode {year}-Q1")
    expect(page.get_by_text("Belum ada IDP.")).to_be_visible()
    snap(page, "karier-saya")

    # promotion as of a date that is not one: the message beside the field, the page still there
    page.goto("/karier?per=april")
    expect(field_error(page, "per")).to_have_text("harus berupa tanggal (YYYY-MM-DD)")
    expect(page.get_by_label("Per tanggal")).to_have_value("april")
    page.get_by_label("Per tanggal").fill(f"{year + 1}-04-01")
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.locator("#promotion-verdict")).to_have_text(f"Belum memenuhi syarat per 1 April {year + 1}")

    # an IDP without a goal is refused; what was typed stays, nothing is saved
    page.get_by_role("link", name="Susun IDP baru").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("IDP baru")
    page.get_by_label("Tahun").fill(str(year))
    row = page.get_by_role("group", name="Kegiatan 1")
    row.get_by_label("Pelatihan dari katalog (opsional)").select_option("KOLAB-TIM")
    page.get_by_role("button", name="Simpan IDP").click()
    expect(field_error(page, "idp_goals")).to_have_text("tulis minimal satu tujuan")
    expect(page.get_by_role("alert")).to_contain_text("Tujuan pengembangan: tulis minimal satu tujuan")
    expect(page.get_by_label("Tahun")).to_have_value(str(year))
    expect(page.locator("#f-act_0_catalog")).to_have_value("KOLAB-TIM")
    snap(page, "idp-tanpa-tujuan")
    assert stack.call("career", "GET", "/me/career", me)["development_plans"] == []
    # another activity row, then the plan with its goal
    page.get_by_role("button", name="Tambah baris kegiatan").click()
    expect(page.get_by_role("group", name=re.compile(r"^Kegiatan \d$"))).to_have_count(3)
    page.get_by_label("Tujuan pengembangan").fill("Bekerja sama lintas unit\nMemimpin rapat koordinasi")
    coaching = page.get_by_role("group", name="Kegiatan 2")
    coaching.get_by_label("Nama kegiatan").fill("Coaching bulanan dengan atasan")
    coaching.get_by_label("Jenis kegiatan").select_option(label="Coaching")
    coaching.get_by_label("Jam direncanakan").fill("8")
    coaching.get_by_label("Target tanggal selesai (opsional)").fill(f"{year}-12-31")
    snap(page, "idp-isi")
    page.get_by_role("button", name="Simpan IDP").click()
    expect(page.get_by_role("status").first).to_have_text(f"IDP {year} disimpan.")
    [plan] = stack.call("career", "GET", "/me/career", me)["development_plans"]
    assert plan["goals"] == ["Bekerja sama lintas unit", "Memimpin rapat koordinasi"]
    assert [(a["title"], a["hours_planned"], a["catalog_code"]) for a in plan["activities"]] == [
        ("Lokakarya Kolaborasi Lintas Unit", 16, "KOLAB-TIM"), ("Coaching bulanan dengan atasan", 8, None)]
    idp = page.locator(f"#idp-{plan['idp_id']}")
    expect(idp.get_by_role("heading", level=3)).to_have_text(f"IDP {year} — Pengembangan")
    expect(idp).to_contain_text("Kemajuan keseluruhan: 0%")

    # progress on the training: a percentage over 100 is refused beside the field and kept
    training = idp.locator(f"#act-{plan['activities'][0]['activity_id']}")
    training.locator("summary").click()
    training.get_by_label("Jam yang sudah dijalani").fill("8")
    training.get_by_label("Kemajuan (%)").fill("150")
    training.get_by_role("button", name="Laporkan kemajuan").click()
    training = page.locator(f"#act-{plan['activities'][0]['activity_id']}")
    expect(training.locator(".error")).to_have_text("harus 0 sampai 100")
    expect(training.get_by_label("Kemajuan (%)")).to_have_value("150")
    expect(training.get_by_label("Jam yang sudah dijalani")).to_have_value("8")
    expect(page.get_by_role("alert")).to_contain_text("Lokakarya Kolaborasi Lintas Unit: Kemajuan (%)")
    snap(page, "kemajuan-ditolak")
    assert stack.call("career", "GET", f"/development-plans/{plan['idp_id']}", me)["progress_percent"] == 0
    training.get_by_label("Kemajuan (%)").fill("50")
    training.get_by_role("button", name="Laporkan kemajuan").click()
    expect(page.get_by_role("status").first).to_have_text("Kemajuan kegiatan disimpan.")
    idp = page.locator(f"#idp-{plan['idp_id']}")
    expect(idp).to_contain_text("Kemajuan keseluruhan: 33% (8 dari 24 jam)")  # 50% of 16 of the 24 hours
    expect(idp.get_by_role("progressbar").first).to_have_attribute("aria-valuenow", "33")
    snap(page, "kemajuan")

    # revising the plan needs a reason; the progress stays
    idp.get_by_role("link", name=f"Ubah IDP {year}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Ubah IDP {year}")
    expect(page.get_by_label("Tujuan pengembangan")).to_have_value("Bekerja sama lintas unit\nMemimpin rapat koordinasi")
    page.get_by_label("Tujuan pengembangan").fill("Bekerja sama lintas unit\nMemimpin rapat koordinasi\n"
                                                  "Menjadi fasilitator")
    page.get_by_role("button", name="Simpan IDP").click()
    expect(field_error(page, "idp_reason")).to_have_text("wajib diisi")
    expect(page.get_by_label("Tujuan pengembangan")).to_have_value(
        "Bekerja sama lintas unit\nMemimpin rapat koordinasi\nMenjadi fasilitator")
    page.get_by_label("Alasan perubahan").fill("Ditugasi memfasilitasi forum unit")
    page.get_by_role("button", name="Simpan IDP").click()
    expect(page.get_by_role("status").first).to_have_text(f"IDP {year} diperbarui.")
    idp = page.locator(f"#idp-{plan['idp_id']}")
    expect(idp.locator(".goals li")).to_have_count(3)
    expect(idp).to_contain_text("Kemajuan keseluruhan: 33%")
    snap(page, "idp-diubah")

    # the evaluator opens the employee's career page and sees the plan
    evaluator = sign_in(browser, stack, unit.head.name)
    evaluator.goto(f"/tim?tahun={stack.year}")
    evaluator.locator(f"#team-plans tr[data-nip='{me.nip}']").get_by_role("link", name=f"Karier — {me.name}").click()
    expect(evaluator.get_by_role("heading", level=1)).to_have_text(f"Karier {me.name}")
    expect(evaluator.locator(f"#idp-{plan['idp_id']}")).to_contain_text("Kemajuan keseluruhan: 33%")
    expect(evaluator.get_by_role("link", name="Susun IDP baru")).to_be_visible()
    snap(evaluator, "karier-oleh-pejabat-penilai")
