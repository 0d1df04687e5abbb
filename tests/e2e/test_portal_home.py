"""The home page as the person's next actions, the daily log, notifications settled by acting, names not
NIPs, and the pages people meet when something is wrong (a role's page, an unknown address, a bad id), in a
real browser (Debian's headless Chromium) against the real services on real Kafka and PostgreSQL.

Screenshots at phone (390 px) and desktop size land in ``tests/e2e/artifacts/portal/<journey>/``.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from kinerja_kernel.testing.office import rhk_body

from .portal_support import (
    Screens,
    Stack,
    approved_appraisal,
    browser,
    field_error,
    menu,
    sign_in,
    stack,
    wait_for,
)

pytestmark = [pytest.mark.e2e]
__all__ = ["browser", "stack"]  # the fixtures, imported so this module gets its own stack

TITLE = "Terlayaninya permohonan informasi publik"


def realised(stack: Stack, plan_id: str, who: object) -> Decimal:
    progress = stack.call("planning", "GET", f"/plans/{plan_id}/realisation", who)  # type: ignore[arg-type]
    return Decimal(str(progress["ikis"][0]["realised"]))


def test_dewi_sees_her_next_actions_logs_today_from_home_copies_yesterday_and_her_iki_rises(
        browser: Browser, stack: Stack, tmp_path: Path) -> None:
    snap = Screens(tmp_path, "beranda-catatan-harian")
    year, me = stack.year, stack.unit.staff[0]
    approved_appraisal(stack, me, str(year), TITLE)  # an approved SKP and an open appraisal (deadlines)
    plan = next(p for p in stack.call("planning", "GET", "/me/plans", me) if p["period_year"] == year)
    plan_id = str(plan["plan_id"])
    today = date(year, 11, 30)  # the stack's planning takes 30 November of its year as today
    view = stack.call("planning", "GET", f"/plans/{plan_id}", me)
    iki_id = view["rhks"][0]["ikis"][0]["iki_id"]
    stack.call("planning", "POST", f"/plans/{plan_id}/realisation", me, {"entries": [{
        "entry_id": str(uuid.uuid4()), "iki_id": iki_id, "value": "1", "occurred_on": str(today - timedelta(days=1)),
        "description": "Menjawab 1 permohonan informasi lewat surel"}]}, expect=201)
    wait_for(lambda: stack.call("feedback", "GET", "/me/reminders", me), "the self-assessment deadline in feedback")
    before = realised(stack, plan_id, me)

    # home: the next actions, the deadlines with days left, the quick entry
    page = sign_in(browser, stack, me.name)
    deadlines = page.locator("#deadlines")
    expect(deadlines.locator("[data-kind=self_assessment_due]")).to_contain_text("Penilaian diri")
    expect(deadlines.locator("[data-kind=self_assessment_due] .days")).to_have_text(re.compile(
        r"^(\d+ hari lagi|hari ini)$"))
    expect(page.get_by_role("heading", name="Catat kegiatan hari ini")).to_be_visible()
    snap(page, "beranda")

    # a value that is not a number is refused beside its field; what was typed stays; nothing is saved
    page.get_by_label("IKI").select_option(iki_id)
    page.get_by_label("Nilai realisasi").fill("dua")
    page.get_by_label("Uraian kegiatan").fill("Melayani 2 pemohon di loket")
    page.get_by_role("button", name="Simpan catatan").click()
    expect(field_error(page, "value")).to_be_visible()
    expect(page.get_by_label("Uraian kegiatan")).to_have_value("Melayani 2 pemohon di loket")
    snap(page, "catat-ditolak")
    assert realised(stack, plan_id, me) == before
    page.get_by_label("Nilai realisasi").fill("2")
    page.get_by_role("button", name="Simpan catatan").click()
    expect(page.locator("p.flash")).to_contain_text("Kegiatan tercatat")
    assert realised(stack, plan_id, me) == before + 2
    snap(page, "catat-tersimpan")

    # the month calendar shows what was logged per day; yesterday's entry is copied to today
    menu(page, "Catatan harian")
    expect(page.get_by_role("heading", level=1)).to_have_text("Catatan harian")
    cell = page.locator(f"#calendar td[data-day='{today.isoformat()}']")
    expect(cell.locator(".count")).to_contain_text("1")
    expect(page.locator(f"#calendar td[data-day='{today - timedelta(days=1)}'] .count")).to_contain_text("1")
    snap(page, "kalender")
    page.get_by_role("link", name="Salin kegiatan kemarin").first.click()
    expect(page.locator("#copied")).to_contain_text("Isian disalin")
    expect(page.get_by_label("Uraian kegiatan")).to_have_value("Menjawab 1 permohonan informasi lewat surel")
    page.get_by_role("button", name="Simpan catatan").click()
    expect(cell.locator(".count")).to_contain_text("2")
    assert realised(stack, plan_id, me) == before + 3  # the IKI's progress rose with each entry
    snap(page, "kalender-disalin")

    # a month written wrong is refused beside the month field
    page.goto("/catatan-harian?bulan=Maret")
    expect(page.locator("#e-bulan")).to_have_text("Bulan harus ditulis TTTT-BB, mis. 2026-03")

    desk = sign_in(browser, stack, me.name, phone=False)
    desk.goto(f"/catatan-harian?bulan={today:%Y-%m}")
    snap(desk, "kalender-desktop")
    desk.goto("/beranda")
    snap(desk, "beranda-desktop")


def test_the_evaluator_reads_names_approves_and_the_request_leaves_the_unread_list(
        browser: Browser, stack: Stack, tmp_path: Path) -> None:
    snap = Screens(tmp_path, "notifikasi-selesai")
    unit, year, staff = stack.unit, stack.year, stack.unit.staff[1]
    plan_id = stack.call("planning", "POST", "/plans", staff, {"period_year": year}, expect=201)["plan_id"]
    cite = {"intervention": {"plan_id": unit.head.plan_id, "rhk_id": unit.head.rhk_ids[0]}}
    stack.call("planning", "POST", f"/plans/{plan_id}/rhks", staff, rhk_body("Tersusunnya laporan", **cite),
               expect=201)
    stack.call("planning", "POST", f"/plans/{plan_id}/submit", staff, {})

    def asked() -> list[dict[str, object]]:
        return [n for n in stack.call("feedback", "GET", "/notifications", unit.head)
                if n["kind"] == "plan_awaiting_approval" and n["link"] == f"/skp/{plan_id}"]

    [request] = wait_for(asked, "the approval request in the evaluator's inbox")
    assert str(request["body"]).startswith(f"{staff.name} mengajukan SKP") and staff.nip not in str(request["body"])

    page = sign_in(browser, stack, unit.head.name)
    expect(page.locator("#next-actions")).to_contain_text(f"SKP {staff.name} menunggu persetujuan Anda")
    snap(page, "beranda-penilai")
    menu(page, "Notifikasi")
    item = page.locator(f"li.notification[data-id='{request['notification_id']}']")
    expect(item).to_contain_text(staff.name)
    expect(item).not_to_contain_text(staff.nip)
    expect(item.locator(".tag")).to_have_text("belum dibaca")
    snap(page, "notifikasi-belum-dibaca")
    item.get_by_role("link").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(staff.name)
    expect(heading).not_to_contain_text(staff.nip)
    expect(page.locator("main")).to_contain_text(unit.head.name)  # the supported RHK named by its owner's title
    expect(page.locator("main")).not_to_contain_text(str(unit.head.rhk_ids[0]))
    snap(page, "tinjau-skp")
    page.get_by_role("button", name="Setujui SKP").click()
    wait_for(lambda: not any(not n["read"] for n in asked()), "the request marked read after approving")
    page.goto("/notifikasi")
    expect(page.locator(f"li.notification[data-id='{request['notification_id']}'] .tag")).to_have_count(0)
    snap(page, "notifikasi-sudah-dibaca")

    # the employee is told by name who approved
    told = wait_for(lambda: [n for n in stack.call("feedback", "GET", "/notifications", staff)
                             if n["kind"] == "plan_approved"], "the approval in the employee's inbox")
    assert unit.head.name in str(told[0]["body"]) and unit.head.nip not in str(told[0]["body"])


def test_an_auditor_meets_no_hr_form_and_clear_pages_for_wrong_addresses_in_both_languages(
        browser: Browser, stack: Stack, tmp_path: Path) -> None:
    snap = Screens(tmp_path, "auditor-halaman-salah")
    unit = stack.unit
    for phone in (True, False):
        size = "hp" if phone else "desktop"
        page = sign_in(browser, stack, unit.auditor.name, phone=phone)
        nav = page.get_by_role("navigation", name="Menu utama")
        if phone:  # one line on a phone; the list opens on demand
            expect(nav.get_by_role("link", name="Audit")).to_be_hidden()
            nav.locator("summary").click()
        expect(nav.get_by_role("link", name="Audit")).to_be_visible()
        for hr_page in ("Kantor", "Data kepegawaian", "Kalibrasi", "Talenta", "SKP saya", "Roster & Plt"):
            expect(nav.get_by_role("link", name=hr_page, exact=True)).to_have_count(0)
        snap(page, f"menu-{size}")

        answer = page.goto("/kepegawaian")
        assert answer is not None and answer.status == 403
        expect(page.get_by_role("heading", level=1)).to_have_text("Halaman ini bukan untuk peran Anda")
        expect(page.get_by_role("alert")).to_contain_text("Halaman ini hanya untuk Pengelola Kepegawaian")
        expect(page.locator("main form")).to_have_count(0)
        snap(page, f"403-{size}")

        answer = page.goto("/tidak-ada")
        assert answer is not None and answer.status == 404
        expect(page.get_by_role("heading", level=1)).to_have_text("Halaman tidak ditemukan")
        expect(page.locator("main")).not_to_contain_text("Not Found")
        snap(page, f"404-{size}")

        for employee_page in ("/skp", "/skp/546e112a-bukan"):  # no SKP draft form, even behind a bad id
            answer = page.goto(employee_page)
            assert answer is not None and answer.status == 403
            assert answer.headers["content-type"].startswith("text/html")
            expect(page.get_by_role("alert")).to_contain_text("Halaman ini hanya untuk Pegawai")
            expect(page.locator("main form")).to_have_count(0)
        snap(page, f"skp-403-{size}")

    page.get_by_role("button", name="English").click()
    page.goto("/tidak-ada")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    page.goto("/kantor")
    expect(page.get_by_role("alert")).to_contain_text("This page is only for HR administrator")
    snap(page, "403-english")
