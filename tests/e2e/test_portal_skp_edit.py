"""Fixing an SKP in the browser (issue 19, items 1, 2 and 7), as the people live it: Dewi's SKP is blocked
because her RHK cites no supervisor RHK, she re-links it and corrects her IKI's target (an ambiguous "1.5" is
refused beside the field, "1.000" is one thousand and "12,5" stays twelve and a half) and submits; Budi's
SKP came back asking for a quality IKI, he adds it and submits again; their evaluator writes the leader's
expectations per BerAKHLAK value, approves with a comment, rates with feedback per value (shown under
"Catatan"), learns that saving nothing saved nothing, and finalises only after confirming.

Dewi is the unit's first staff member and Budi its second (the seeded unit names them "Staf 1" and "Staf 2").
Screenshots of each step at phone size, and the key pages at desk size, land in
``tests/e2e/artifacts/portal/skp-edit*``.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from kinerja_kernel.testing.office import rhk_body

from .portal_support import VALUES, Screens, Stack, approved_appraisal, browser, field_error, sign_in, stack

pytestmark = [pytest.mark.e2e]
__all__ = ["browser", "stack"]  # the fixtures, imported so this module gets its own stack


def _plan(stack: Stack, who: int, title: str, *, cited: bool) -> str:
    staff, unit = stack.unit.staff[who], stack.unit
    plan_id = str(stack.call("planning", "POST", "/plans", staff, {"period_year": stack.year}, expect=201)["plan_id"])
    link = {"intervention": {"plan_id": unit.head.plan_id, "rhk_id": unit.head.rhk_ids[0]}} if cited else {}
    stack.call("planning", "POST", f"/plans/{plan_id}/rhks", staff, rhk_body(title, **link), expect=201)
    return plan_id


def test_dewi_unblocks_her_skp_budi_fixes_his_returned_one_and_the_evaluator_rates_and_finalises(
        browser: Browser, stack: Stack, tmp_path: Path) -> None:
    unit = stack.unit
    dewi, budi = unit.staff[0], unit.staff[1]
    (tmp_path / "dewi").mkdir()
    snap = Screens(tmp_path / "dewi", "skp-edit")

    # -- Dewi: blocked, because her RHK does not cite her evaluator's RHK yet ---------------------------------
    plan_id = _plan(stack, 0, "Terkelolanya arsip dinamis", cited=False)
    rhk_id = stack.call("planning", "GET", f"/plans/{plan_id}", dewi)["rhks"][0]["rhk_id"]
    page = sign_in(browser, stack, dewi.name)
    page.goto(f"/skp/{plan_id}")
    blockers = page.locator("#blockers")
    expect(blockers).to_contain_text("belum mengacu pada RHK pejabat penilai")
    snap(page, "skp-terblokir")
    blockers.get_by_role("link", name="Perbaiki RHK ini").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ubah RHK")
    expect(page.get_by_label("Target Kuantitas — Nilai").first).to_have_value("12")

    # the cascade re-linked, and an ambiguous target: refused beside the field, typed text kept, nothing saved
    page.get_by_label("RHK pejabat penilai yang diintervensi").select_option(label=f"RHK 1 {unit.head.name}")
    quantity = page.locator("#f-iki_0_target_kuantitas_value")
    quantity.fill("1.5")
    page.locator("#f-iki_0_description").fill("Jumlah arsip yang ditata")
    page.get_by_role("button", name="Simpan perubahan RHK").click()
    expect(field_error(page, "iki_0_target_kuantitas_value")).to_contain_text("dapat dibaca dua cara")
    expect(field_error(page, "iki_0_target_kuantitas_value")).to_contain_text("1.000 (seribu)")
    expect(quantity).to_have_value("1.5")
    expect(page.locator("#f-iki_0_description")).to_have_value("Jumlah arsip yang ditata")
    expect(page.get_by_role("alert")).to_contain_text("Belum ada yang disimpan")
    snap(page, "angka-meragukan-ditolak")
    unchanged = stack.call("planning", "GET", f"/plans/{plan_id}", dewi)["rhks"][0]
    assert unchanged["intervention"] is None and unchanged["ikis"][0]["description"] != "Jumlah arsip yang ditata"

    # "1.000" is one thousand, "12,5" twelve and a half: saved as meant, shown back the Indonesian way
    quantity.fill("1.000")
    page.locator("#f-iki_0_target_kualitas_value").fill("12,5")
    page.get_by_role("button", name="Simpan perubahan RHK").click()
    expect(page.locator(".flash")).to_contain_text("Perubahan RHK tersimpan")
    rhk = page.locator(f"#rhk-{rhk_id}")
    expect(rhk).to_contain_text("Kuantitas: 1.000")
    expect(rhk).to_contain_text("Kualitas: 12,5")
    expect(page.locator("#blockers")).to_have_count(0)
    snap(page, "skp-diperbaiki")
    saved = stack.call("planning", "GET", f"/plans/{plan_id}", dewi)["rhks"][0]
    targets = {t["aspect"]: Decimal(str(t["value"])) for t in saved["ikis"][0]["targets"]}
    assert targets["kuantitas"] == Decimal(1000) and targets["kualitas"] == Decimal("12.5")
    assert saved["intervention"] == {"plan_id": unit.head.plan_id, "rhk_id": unit.head.rhk_ids[0]}
    # the edit form shows the stored numbers as she wrote them
    page.goto(f"/skp/{plan_id}/rhk/{rhk_id}")
    expect(quantity).to_have_value("1.000")
    expect(page.locator("#f-iki_0_target_kualitas_value")).to_have_value("12,5")
    page.goto(f"/skp/{plan_id}")
    page.get_by_role("button", name="Ajukan SKP ke pejabat penilai").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Diajukan")
    snap(page, "skp-diajukan")
    desk = sign_in(browser, stack, dewi.name, phone=False)
    desk.goto(f"/skp/{plan_id}")
    snap(desk, "desktop-skp-diajukan")

    # -- Budi: his SKP came back asking for a quality IKI ------------------------------------------------------
    budi_plan = _plan(stack, 1, "Terlayaninya permohonan data kepegawaian", cited=True)
    stack.call("planning", "POST", f"/plans/{budi_plan}/submit", budi, {})
    stack.call("planning", "POST", f"/plans/{budi_plan}/return", unit.head, {"comments": "Tambahkan IKI kualitas"})
    budi_rhk = stack.call("planning", "GET", f"/plans/{budi_plan}", budi)["rhks"][0]["rhk_id"]
    page = sign_in(browser, stack, budi.name)
    page.goto(f"/skp/{budi_plan}")
    expect(page.locator(".notice").first).to_contain_text("Tambahkan IKI kualitas")
    snap(page, "skp-dikembalikan")
    page.locator(f"#edit-{budi_rhk}").click()
    page.locator("#f-iki_baru_description").fill("Persentase permohonan tanpa kesalahan data")
    page.locator("#f-iki_baru_target_kuantitas_value").fill("1,000")
    page.locator("#f-iki_baru_target_kuantitas_unit").fill("persen")
    page.get_by_role("button", name="Simpan perubahan RHK").click()
    expect(field_error(page, "iki_baru_target_kuantitas_value")).to_contain_text("dapat dibaca dua cara")
    expect(page.locator("#f-iki_baru_description")).to_have_value("Persentase permohonan tanpa kesalahan data")
    snap(page, "iki-baru-ditolak")
    assert len(stack.call("planning", "GET", f"/plans/{budi_plan}", budi)["rhks"][0]["ikis"]) == 1
    page.locator("#f-iki_baru_target_kuantitas_value").fill("100")
    page.get_by_role("button", name="Simpan perubahan RHK").click()
    expect(page.locator(f"#rhk-{budi_rhk}")).to_contain_text("Persentase permohonan tanpa kesalahan data")
    page.get_by_role("button", name="Ajukan SKP ke pejabat penilai").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Diajukan")
    snap(page, "skp-diajukan-lagi")
    assert len(stack.call("planning", "GET", f"/plans/{budi_plan}", budi)["rhks"][0]["ikis"]) == 2

    # -- the evaluator: expectations per value, approval with a comment -----------------------------------------
    (tmp_path / "penilai").mkdir()
    snap = Screens(tmp_path / "penilai", "skp-edit-penilai")
    head = sign_in(browser, stack, unit.head.name, phone=False)
    head.goto(f"/tim/skp/{plan_id}")
    head.locator("#f-exp_akuntabel").fill("Laporan arsip bulanan tepat waktu")
    head.locator("#f-exp_kolaboratif").fill("Berbagi daftar arsip dengan bidang lain")
    head.get_by_role("button", name="Simpan ekspektasi").click()
    expect(head.locator("#expectations")).to_contain_text("Laporan arsip bulanan tepat waktu")
    snap(head, "ekspektasi-tersimpan")
    head.get_by_role("button", name="Simpan ekspektasi").click()  # the same again: nothing recorded, and said so
    expect(head.get_by_text("Tidak ada yang berubah")).to_be_visible()
    head.locator("#f-approval_comments").fill("Target arsip sudah realistis")
    head.get_by_role("button", name="Setujui SKP").click()
    approved = stack.call("planning", "GET", f"/plans/{plan_id}", dewi)
    assert approved["status"] == "approved" and approved["approval_comments"] == "Target arsip sudah realistis"
    assert approved["behaviour"]["akuntabel"] == "Laporan arsip bulanan tepat waktu"

    # -- rating with feedback per value; nothing chosen saves nothing; finalising needs the confirmation ----------
    appraisal_id = approved_appraisal(stack, dewi, f"{stack.year}-Q1", "Terkelolanya arsip dinamis")
    head.goto(f"/penilaian/{appraisal_id}")
    head.get_by_role("button", name="Simpan penilaian").click()
    expect(head.get_by_text("Tidak ada yang disimpan: belum ada rating yang dipilih")).to_be_visible()
    view = stack.call("evaluation", "GET", f"/appraisals/{appraisal_id}", unit.head)
    assert all(r.get("evaluator") is None for r in view["rhks"])
    for r in view["rhks"]:
        head.locator(f"#f-rhk_{r['rhk_id']}").select_option("sesuai_ekspektasi")
    for value in VALUES:
        head.locator(f"#f-value_{value}").select_option("sesuai_ekspektasi")
    head.locator("#f-value_comment_akuntabel").fill("Laporan arsip selalu tepat waktu")
    head.locator("#f-value_comment_kolaboratif").fill("Perlu lebih sering berbagi dengan bidang lain")
    head.locator("#f-results_rating").select_option("sesuai_ekspektasi")
    head.locator("#f-behaviour_rating").select_option("sesuai_ekspektasi")
    head.get_by_role("button", name="Simpan penilaian").click()
    expect(head.get_by_text("Penilaian tersimpan")).to_be_visible()
    expect(head.locator("#f-value_comment_akuntabel")).to_have_value("Laporan arsip selalu tepat waktu")
    snap(head, "dinilai-dengan-umpan-balik")
    head.locator("#f-justification").fill("Distribusi unit sudah dibahas bersama pimpinan")
    head.get_by_role("button", name="Finalisasi penilaian").click()
    expect(field_error(head, "confirm")).to_contain_text("centang konfirmasi dulu")
    expect(head.locator("#appraisal-status")).not_to_contain_text("Final")
    snap(head, "finalisasi-perlu-konfirmasi")
    assert stack.call("evaluation", "GET", f"/appraisals/{appraisal_id}", unit.head)["status"] == "open"
    head.locator("#f-confirm input[name=confirm]").check()
    head.get_by_role("button", name="Finalisasi penilaian").click()
    expect(head.get_by_text("Penilaian difinalisasi")).to_be_visible()

    # -- Dewi reads the feedback under "Catatan" -------------------------------------------------------------------
    page = sign_in(browser, stack, dewi.name)
    page.goto(f"/penilaian/{appraisal_id}")
    feedback = page.locator("#value-feedback")
    expect(feedback).to_contain_text("Catatan")
    expect(feedback.get_by_role("row", name="Akuntabel")).to_contain_text("Laporan arsip selalu tepat waktu")
    snap(page, "catatan-terbaca")
