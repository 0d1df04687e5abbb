"""The portal's objection and 360 journeys in a real browser (Debian's headless Chromium via Playwright)
against the real services on Kafka and PostgreSQL, on a phone-sized screen:

- the employee files an objection; the evaluator explains; the evaluator's superior (atasan penilai) finds it
  under "Keberatan", reads the reasons, the explanation and the result, and decides — after refused attempts
  (no reason, "changed" without a new rating, "changed" to the same rating) that keep what was typed and save
  nothing; the employee sees the outcome and the corrected predicate;
- the evaluator picks 360 raters from the roster by name (a refused window date keeps the ticks), a rater
  answers and finds the answer pre-filled, the evaluator closes the window, and the refusals that follow
  (closing twice, answering after closing) are shown;
- HR's calibration names the predicates each bound of the curve counts.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

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


def test_atasan_penilai_decides_an_objection_after_the_evaluator_explains(browser: Browser, stack: Stack,
                                                                          tmp_path: Path) -> None:
    snap = Screens(tmp_path, "keberatan")
    unit, me = stack.unit, stack.unit.staff[0]
    appraisal_id = approved_appraisal(stack, me, f"{stack.year}-Q1", "Terlayaninya permohonan informasi publik")
    rate_and_finalise(stack, appraisal_id)

    # the employee: the reminder's link (no objection yet) leads to the form on the appraisal page
    page = sign_in(browser, stack, me.name)
    page.goto(f"/penilaian/{appraisal_id}/keberatan")
    expect(page).to_have_url(re.compile(rf"/penilaian/{appraisal_id}#keberatan$"))
    page.get_by_label("Alasan keberatan (minimal 10 karakter)").fill(
        "Seluruh permohonan dijawab sebelum tenggat; rating hasil kerja seharusnya di atas ekspektasi")
    page.get_by_role("button", name="Ajukan keberatan").click()
    expect(page.locator("#objection")).to_contain_text("menunggu keputusan atasan pejabat penilai")
    objection_id = stack.call("evaluation", "GET", f"/appraisals/{appraisal_id}", me)["objection"]["objection_id"]
    page.context.close()

    # the evaluator: finds it under "Keberatan", an empty explanation is refused, then one is sent
    page = sign_in(browser, stack, unit.head.name)
    menu(page, "Keberatan")
    expect(page.get_by_role("heading", level=1)).to_have_text("Keberatan atas hasil penilaian")
    row = page.locator(f"#objections-evaluated tr[data-nip='{me.nip}']")
    expect(row).to_contain_text(me.name)
    expect(row).to_contain_text("Menunggu keputusan")
    snap(page, "daftar-pejabat-penilai")
    row.get_by_role("link", name=re.compile("Buka keberatan")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Keberatan {me.name} — periode {stack.year}-Q1")
    expect(page.locator("#objection-reasons")).to_contain_text("Seluruh permohonan dijawab sebelum tenggat")
    expect(page.get_by_role("button", name="Simpan keputusan")).to_have_count(0)  # only the superior decides
    page.get_by_role("button", name="Kirim penjelasan").click()
    expect(field_error(page, "explanation")).to_have_text("wajib diisi")
    expect(page.get_by_role("alert")).to_contain_text("Penjelasan Anda: wajib diisi")
    snap(page, "penjelasan-ditolak")
    assert stack.call("evaluation", "GET", f"/appraisals/{appraisal_id}", me)["objection"]["explanations"] == []
    page.get_by_label("Penjelasan Anda").fill("Dua permohonan dijawab setelah tenggat; bukti di aplikasi layanan")
    page.get_by_role("button", name="Kirim penjelasan").click()
    expect(page.get_by_role("status").first).to_have_text("Penjelasan terkirim.")
    expect(page.locator("#explanations")).to_contain_text(f"{unit.head.name} — Pejabat Penilai")
    snap(page, "penjelasan-terkirim")
    page.context.close()

    # the superior: the notification's link leads to the objection; the list shows it awaiting them
    page = sign_in(browser, stack, unit.leader.name)
    page.goto(f"/penilaian/{appraisal_id}/keberatan/{objection_id}")
    expect(page).to_have_url(re.compile(rf"/penilaian/{appraisal_id}/keberatan$"))
    menu(page, "Keberatan")
    row = page.locator(f"#objections-mine tr[data-nip='{me.nip}']")
    expect(row).to_contain_text(me.name)
    expect(row.locator("td").nth(4)).to_have_text("1")  # one explanation
    snap(page, "daftar-atasan")
    row.get_by_role("link", name=re.compile("Buka keberatan")).click()
    expect(page.locator("#explanations")).to_contain_text("Dua permohonan dijawab setelah tenggat")
    expect(page.locator("#predicate")).to_have_text("Baik")
    expect(page.locator("#results-rating")).to_have_text("Sesuai Ekspektasi")
    snap(page, "keberatan-atasan")

    # "changed" without a new rating and without a reason: both marked, the choice kept, nothing saved
    decision = page.locator("#f-decision")
    decision.get_by_label("Diubah — rating dikoreksi").check()
    page.get_by_role("button", name="Simpan keputusan").click()
    expect(field_error(page, "new_results_rating")).to_have_text(
        "pilih Rating Hasil Kerja atau Rating Perilaku Kerja yang baru untuk keputusan \"Diubah\"")
    expect(field_error(page, "decision_reason")).to_have_text("wajib diisi")
    expect(page.get_by_role("alert")).to_contain_text("Alasan keputusan: wajib diisi")
    expect(page.locator("#f-decision").get_by_label("Diubah — rating dikoreksi")).to_be_checked()
    snap(page, "keputusan-tanpa-alasan")

    # "changed" to the rating it already has: the service's message beside the rating, what was typed kept
    page.get_by_label("Rating Hasil Kerja baru").select_option(label="Sesuai Ekspektasi")
    page.get_by_label("Alasan keputusan").fill("Bukti dukung aplikasi layanan sah dan tepat waktu")
    page.get_by_role("button", name="Simpan keputusan").click()
    expect(field_error(page, "new_results_rating")).to_have_text(
        "Keputusan 'diubah' harus mengubah rating hasil kerja atau perilaku kerja")
    expect(page.get_by_label("Alasan keputusan")).to_have_value("Bukti dukung aplikasi layanan sah dan tepat waktu")
    expect(page.get_by_label("Rating Hasil Kerja baru")).to_have_value("sesuai_ekspektasi")
    snap(page, "keputusan-tidak-mengubah")
    view = stack.call("evaluation", "GET", f"/appraisals/{appraisal_id}", unit.leader)
    assert (view["status"], view["predicate"], view["objection"]["decision"]) == ("objected", "baik", None)

    page.get_by_label("Rating Hasil Kerja baru").select_option(label="Di Atas Ekspektasi")
    page.get_by_label("Rating Perilaku Kerja baru").select_option(label="Di Atas Ekspektasi")
    page.get_by_role("button", name="Simpan keputusan").click()
    expect(page.get_by_role("status").first).to_have_text("Keputusan keberatan tersimpan. Pegawai menerima notifikasi.")
    expect(page.locator("#decision")).to_contain_text("Diubah — rating dikoreksi")
    expect(page.locator("#predicate")).to_have_text("Sangat Baik")
    expect(page.locator("#previous-predicate")).to_contain_text("Baik")
    expect(page.get_by_role("button", name="Simpan keputusan")).to_have_count(0)
    snap(page, "keputusan-tersimpan")
    menu(page, "Keberatan")
    expect(page.locator(f"#objections-decided tr[data-nip='{me.nip}']")).to_contain_text("Diubah")
    page.context.close()

    # the employee sees the outcome and the corrected predicate on their appraisal page
    page = sign_in(browser, stack, me.name)
    menu(page, "Penilaian saya")
    expect(page.locator(f"#my-appraisals tr[data-period='{stack.year}-Q1']")).to_contain_text(
        "Final (keberatan diputus)")
    page.get_by_role("link", name=f"Buka penilaian {stack.year}-Q1").click()
    expect(page.locator("#appraisal-status")).to_have_text("Final (keberatan diputus)")
    expect(page.locator("#predicate")).to_have_text("Sangat Baik")
    expect(page.locator("#objection-decision")).to_have_text(
        "Diubah — rating dikoreksi — Bukti dukung aplikasi layanan sah dan tepat waktu")
    expect(page.locator("#previous-predicate")).to_have_text("Baik")
    expect(page.locator("#corrected-predicate")).to_have_text("Sangat Baik")
    snap(page, "hasil-pegawai")
    history = stack.call("evaluation", "GET", f"/employees/{me.nip}/rating-history", me)
    assert [h["predicate"] for h in history] == ["baik", "sangat_baik"]


def test_pejabat_penilai_picks_raters_by_name_a_rater_revises_and_the_360_window_is_closed(
        browser: Browser, stack: Stack, tmp_path: Path) -> None:
    snap = Screens(tmp_path, "penilai-360-dari-daftar")
    unit, rated, rater = stack.unit, stack.unit.staff[1], stack.unit.staff[0]
    stack.call("evaluation", "PATCH", f"/offices/{unit.office_id}/settings", unit.hr,
               {"time_zone": "WITA", "reason": "Kantor di Makassar"})
    appraisal_id = approved_appraisal(stack, rated, f"{stack.year}-Q2", "Tersusunnya laporan layanan")

    page = sign_in(browser, stack, unit.head.name)
    page.goto(f"/penilaian/{appraisal_id}")
    picker = page.get_by_role("group", name="Tambahkan penilai dari daftar")
    expect(picker.get_by_role("checkbox")).to_have_count(2)  # the two peers, never the employee
    expect(picker).to_contain_text(f"{unit.staff[0].name} — Rekan kerja")
    expect(picker).to_contain_text(f"{unit.staff[2].name} — Rekan kerja")
    expect(page.get_by_role("button", name="Tutup masa penilaian 360 sekarang")).to_have_count(0)  # nobody yet

    # a closing day in the past: refused beside the date, the ticks and the date kept, nothing saved
    picker.get_by_role("checkbox", name=re.compile(f"^{rater.name} — Rekan kerja")).check()
    page.get_by_label("Batas pengisian 360 (opsional)").fill("2001-01-31")
    page.get_by_role("button", name="Simpan penilai 360").click()
    expect(field_error(page, "window_closes_on")).to_have_text("Batas waktu penilaian 360 harus di masa depan")
    expect(picker.get_by_role("checkbox", name=re.compile(f"^{rater.name}"))).to_be_checked()
    expect(page.get_by_label("Batas pengisian 360 (opsional)")).to_have_value("2001-01-31")
    snap(page, "penilai-ditolak")
    assert stack.call("evaluation", "GET", f"/appraisals/{appraisal_id}", unit.head)["peer"]["raters"] == []

    page.get_by_label("Batas pengisian 360 (opsional)").fill("")
    page.get_by_role("button", name="Simpan penilai 360").click()
    expect(page.get_by_role("status").first).to_have_text("Penilai 360 tersimpan. Mereka akan menerima notifikasi.")
    expect(page.locator(f"#raters tr[data-nip='{rater.nip}']")).to_contain_text(rater.name)
    expect(page.locator(f"#raters tr[data-nip='{rater.nip}']")).to_contain_text("Belum dijawab")
    expect(picker.get_by_role("checkbox")).to_have_count(1)  # only the one not assigned yet
    snap(page, "penilai-tersimpan")
    page.context.close()

    # the rater answers; reopening the form shows the answer saved, the window in the office's zone
    wait_for(lambda: stack.call("evaluation", "GET", "/me/peer-requests", rater), "the rater's request")
    rater_page = sign_in(browser, stack, rater.name)
    rater_page.goto(f"/360/{appraisal_id}")
    expect(rater_page.locator("#window-closes")).to_have_text(re.compile(r"^\d{1,2} [A-Z][a-z]+ \d{4} 23\.59 WITA$"))
    for value in VALUES:
        rater_page.locator(f"#f-score_{value}").get_by_label("4", exact=True).check()
    rater_page.get_by_label("Catatan untuk Harmonis (opsional)").fill("Mudah diajak berdiskusi")
    rater_page.get_by_role("button", name="Kirim penilaian 360").click()
    expect(rater_page.get_by_role("status").first).to_contain_text("Penilaian 360 tersimpan.")
    rater_page.goto(f"/360/{appraisal_id}")
    expect(rater_page.locator("#answered-note")).to_be_visible()
    expect(rater_page.locator("#f-score_kolaboratif").get_by_label("4", exact=True)).to_be_checked()
    expect(rater_page.get_by_label("Catatan untuk Harmonis (opsional)")).to_have_value("Mudah diajak berdiskusi")
    snap(rater_page, "jawaban-terisi")

    # HR opens the appraisal too; the evaluator closes the window first
    hr_page = sign_in(browser, stack, unit.hr.name)
    hr_page.goto(f"/penilaian/{appraisal_id}")
    expect(hr_page.get_by_role("button", name="Tutup masa penilaian 360 sekarang")).to_be_visible()
    page = sign_in(browser, stack, unit.head.name)
    page.goto(f"/penilaian/{appraisal_id}")
    expect(page.locator("#close-360")).to_contain_text("1 dari 1 penilai sudah mengisi")
    snap(page, "sebelum-ditutup")
    page.get_by_role("button", name="Tutup masa penilaian 360 sekarang").click()
    expect(page.get_by_role("status").first).to_have_text("Masa penilaian 360 ditutup.")
    expect(page.locator("#peer-closed")).to_be_visible()
    expect(page.get_by_role("button", name="Simpan penilai 360")).to_have_count(0)
    snap(page, "360-ditutup")

    # closing again from HR's page opened before: the service's refusal is shown
    hr_page.get_by_role("button", name="Tutup masa penilaian 360 sekarang").click()
    expect(hr_page.get_by_role("alert")).to_contain_text("Masa penilaian 360 sudah ditutup")
    snap(hr_page, "tutup-lagi-ditolak")

    # the rater's form opened before closing: a revision is refused and the saved answer stays
    rater_page.locator("#f-score_kolaboratif").get_by_label("1", exact=True).check()
    rater_page.get_by_role("button", name="Kirim penilaian 360").click()
    expect(rater_page.get_by_role("alert")).to_contain_text("Masa penilaian 360 telah ditutup")
    expect(rater_page.locator("#closed-note")).to_be_visible()
    expect(rater_page.get_by_role("button", name="Kirim penilaian 360")).to_have_count(0)
    snap(rater_page, "revisi-ditolak")
    answer = stack.call("evaluation", "GET", f"/appraisals/{appraisal_id}/peer-input", rater)
    assert answer["scores"]["kolaboratif"] == 4 and answer["closed"] is True
    menu(rater_page, "Permintaan 360")
    expect(rater_page.locator(f"#peer-requests tr[data-nip='{rated.nip}']")).to_contain_text("Ditutup")


def test_pengelola_kepegawaian_sees_which_predicates_each_bound_of_the_curve_counts(
        browser: Browser, stack: Stack, tmp_path: Path) -> None:
    snap = Screens(tmp_path, "kalibrasi-batas")
    unit, period = stack.unit, f"{stack.year}-Q3"
    approved_appraisal(stack, unit.staff[2], period, "Terselesaikannya pengaduan layanan")
    stack.call("evaluation", "PUT",
               f"/offices/{unit.office_id}/units/{unit.unit_id}/periods/{period}/organisation-predicate", unit.hr,
               {"predicate": "baik", "reason": "Capaian unit 98%", "instructed_by": unit.leader.nip})
    page = sign_in(browser, stack, unit.hr.name)
    page.goto(f"/kalibrasi?unit={unit.unit_id}&periode={period}")
    bounds = page.locator("#bounds .bound")
    expect(bounds).to_have_count(2)
    expect(bounds.nth(0).locator(".bound-predicates .tag")).to_have_text(["Baik"])
    expect(bounds.nth(1).locator(".bound-predicates .tag")).to_have_text(["Butuh Perbaikan", "Kurang/Misconduct"])
    snap(page, "kalibrasi")
