"""Continuous feedback, performance dialogues and clarification threads in the web portal, in a real browser
(Debian's headless Chromium via Playwright) against the real services on real Kafka and PostgreSQL.

The pejabat penilai gives feedback from the team board and schedules and records a dialogue with agreed
actions; the pegawai responds, acknowledges, completes an action and asks for clarification, reading the
answer that arrives as a notification; a peer meets the office's setting. Every refusal shows the field's
message in Indonesian beside the field, keeps what was typed, and the API shows nothing was saved.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from kinerja_kernel.testing.office import Person
from kinerja_portal.formats import format_day

from .portal_support import (
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

WIB = ZoneInfo("Asia/Jakarta")  # the office's zone (the regulation's default)


def _today() -> datetime:
    return datetime.now(WIB)


def _get(stack: Stack, service: str, path: str, who: Person) -> httpx.Response:
    return httpx.get(f"{stack.url(service)}/api/v1{path}", headers=who.headers, timeout=15)


def _on_roster(stack: Stack, *people: Person) -> None:
    """The feedback service learnt the roster from planning's events (over Kafka; a new consumer group may
    take a while to join on a busy machine)."""
    for person in people:
        wait_for(lambda p=person: _get(stack, "feedback", f"/employees/{p.nip}/feedback", stack.unit.head).is_success,
                 f"{person.name} on the feedback service's roster", timeout=120)


def _flash(page: Page) -> Any:
    return page.locator(".flash")


# -- pejabat penilai ---------------------------------------------------------------------------------------
def test_pejabat_penilai_gives_feedback_from_the_team_board_then_schedules_and_records_a_dialogue(
        browser: Browser, stack: Stack, tmp_path: Path) -> None:
    snap = Screens(tmp_path, "umpan-balik-pejabat")
    unit, year, staff = stack.unit, stack.year, stack.unit.staff[0]
    title = "Terlayaninya pengaduan masyarakat"
    approve_skp(stack, staff, title)
    _on_roster(stack, staff)

    page = sign_in(browser, stack, unit.head.name)
    page.goto(f"/tim?tahun={year}")
    snap(page, "papan-tim")
    row = page.locator(f"#team-plans tr[data-nip='{staff.nip}']")
    row.get_by_role("link", name=re.compile("Beri umpan balik")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Beri umpan balik")
    expect(page.locator("#h-untuk")).to_contain_text(staff.name)
    about = page.get_by_label("Tentang apa")
    expect(about.locator("optgroup[label='RHK (hasil kerja)'] option")).to_have_text([title])
    snap(page, "form-umpan-balik")

    # an empty text is refused beside its field; the choices made are kept; nothing is saved
    page.get_by_role("radio", name="Apresiasi").check()
    about.select_option(label=title)
    page.get_by_role("button", name="Kirim umpan balik").click()
    expect(field_error(page, "fb_text")).to_have_text("wajib diisi")
    expect(page.get_by_role("alert")).to_contain_text("Isi umpan balik: wajib diisi")
    expect(page.get_by_role("radio", name="Apresiasi")).to_be_checked()
    expect(page.get_by_label("Tentang apa")).to_have_value(re.compile("^rhk:"))
    expect(page.locator("#f-fb_text")).to_have_attribute("aria-describedby", re.compile("e-fb_text"))
    snap(page, "umpan-balik-ditolak")
    assert stack.call("feedback", "GET", f"/employees/{staff.nip}/feedback", unit.head) == []

    page.get_by_label("Isi umpan balik").fill("Pengaduan minggu ini dijawab dalam satu hari kerja. Pertahankan!")
    page.get_by_label("Tautan bukti dukung").fill("https://arsip.example.go.id/pengaduan-minggu-47.pdf")
    page.get_by_role("button", name="Kirim umpan balik").click()
    expect(_flash(page)).to_have_text("Umpan balik terkirim. Penerima menerima notifikasi.")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Umpan balik untuk {staff.name}")
    expect(page.locator(".feedback")).to_contain_text(f"RHK: {title}")
    expect(page.locator(".feedback")).to_contain_text("Belum ditanggapi")
    snap(page, "umpan-balik-terkirim")

    # the feedback page lists the team with who has had no dialogue this period
    menu(page, "Umpan balik & dialog")
    member = page.locator(f"#team-dialogues tr[data-nip='{staff.nip}']")
    expect(member).to_contain_text("Belum ada dialog kinerja periode ini")
    expect(page.locator("#given-list")).to_contain_text(staff.name)
    snap(page, "ringkasan-pejabat")
    member.get_by_role("link", name=re.compile("Jadwalkan dialog")).click()
    expect(page.get_by_label("Dengan")).to_have_value(staff.nip)

    # a date before today is refused by the service beside the date; the agenda stays; nothing is saved
    yesterday, tomorrow = (_today() + timedelta(days=-1)).date(), (_today() + timedelta(days=1)).date()
    page.get_by_label("Tanggal dialog").fill(yesterday.isoformat())
    page.get_by_label("Jam").fill("09:30")
    page.get_by_label("Agenda").fill("Capaian layanan pengaduan dan kendalanya")
    page.get_by_role("button", name="Jadwalkan").click()
    expect(field_error(page, "dlg_date")).to_contain_text("sudah lewat")
    expect(page.get_by_label("Agenda")).to_have_value("Capaian layanan pengaduan dan kendalanya")
    expect(page.get_by_label("Tanggal dialog")).to_have_value(yesterday.isoformat())
    snap(page, "jadwal-ditolak")
    assert stack.call("feedback", "GET", f"/employees/{staff.nip}/dialogues", unit.head) == []

    page.get_by_label("Tanggal dialog").fill(tomorrow.isoformat())
    page.get_by_role("button", name="Jadwalkan").click()
    expect(_flash(page)).to_have_text("Dialog dijadwalkan. Pegawai menerima notifikasi.")
    expect(page.locator("#dialogue-when")).to_have_text(f"{format_day(tomorrow)} 09.30 WIB")
    expect(page.locator("#dialogue-status")).to_have_text("Terjadwal")
    snap(page, "dialog-terjadwal")
    dialogue_id = page.url.rsplit("/", 1)[-1]

    # rescheduling needs a reason; the new time is shown in the office's zone
    later = (_today() + timedelta(days=2)).date()
    page.locator("summary").filter(has_text="Ubah jadwal").click()
    page.locator("#f-dlg_date").fill(later.isoformat())
    page.locator("#f-dlg_time").fill("13:00")
    page.get_by_role("button", name="Simpan jadwal baru").click()
    expect(field_error(page, "dlg_reason")).to_have_text("wajib diisi")
    expect(page.locator("#f-dlg_date")).to_have_value(later.isoformat())
    assert stack.call("feedback", "GET", f"/dialogues/{dialogue_id}", unit.head)["version"] == 1
    page.get_by_label("Alasan perubahan jadwal").fill("Rapat pimpinan mendadak")
    page.get_by_role("button", name="Simpan jadwal baru").click()
    expect(_flash(page)).to_have_text("Jadwal dialog diubah. Pegawai menerima notifikasi.")
    expect(page.locator("#dialogue-when")).to_have_text(f"{format_day(later)} 13.00 WIB")

    # notes with two agreed actions in one form: an action due before the dialogue is refused beside its
    # row, the notes and rows typed stay, and neither the notes nor any action is saved
    page.get_by_label("Catatan dialog").fill("Pengaduan terjawab 90% tepat waktu; perlu pelatihan layanan.")
    first, second = page.locator("#action-0"), page.locator("#action-1")
    first.get_by_label("Uraian tindak lanjut").fill("Ikuti pelatihan pelayanan publik")
    first.get_by_label("Tenggat").fill(yesterday.isoformat())
    second.get_by_label("Uraian tindak lanjut").fill("Sediakan akses sistem antrian")
    second.get_by_label("Penanggung jawab").select_option(unit.head.nip)
    page.get_by_role("button", name="Simpan catatan").click()
    expect(field_error(page, "action_0_due")).to_contain_text("tidak boleh sebelum tanggal dialog")
    expect(page.get_by_role("alert")).to_contain_text("Tindak lanjut 1: Tenggat")
    expect(page.get_by_label("Catatan dialog")).to_have_value(
        "Pengaduan terjawab 90% tepat waktu; perlu pelatihan layanan.")
    expect(second.get_by_label("Uraian tindak lanjut")).to_have_value("Sediakan akses sistem antrian")
    expect(second.get_by_label("Penanggung jawab")).to_have_value(unit.head.nip)
    snap(page, "catatan-ditolak")
    saved = stack.call("feedback", "GET", f"/dialogues/{dialogue_id}", unit.head)
    assert saved["notes"] is None and saved["actions"] == [] and saved["status"] == "scheduled"

    due = (_today() + timedelta(days=30)).date()
    page.locator("#action-0").get_by_label("Tenggat").fill(due.isoformat())
    page.get_by_role("button", name="Simpan catatan").click()
    expect(_flash(page)).to_contain_text("Catatan dialog tersimpan")
    expect(page.locator("#dialogue-status")).to_have_text("Menunggu konfirmasi")
    actions = page.locator("#dialogue-actions")
    expect(actions).to_contain_text("Ikuti pelatihan pelayanan publik")
    expect(actions).to_contain_text(f"Tenggat: {format_day(due)}")
    expect(actions.locator(".card").filter(has_text="Sediakan akses")).to_contain_text(unit.head.name)
    snap(page, "catatan-tersimpan")
    recorded = stack.call("feedback", "GET", f"/dialogues/{dialogue_id}", unit.head)
    assert {a["owner_id"] for a in recorded["actions"]} == {staff.nip, unit.head.nip}


# -- pegawai -----------------------------------------------------------------------------------------------
def test_pegawai_responds_to_feedback_and_a_dialogue_completes_an_action_and_gets_a_clarification_answered(
        browser: Browser, stack: Stack, tmp_path: Path) -> None:
    snap = Screens(tmp_path, "umpan-balik-pegawai")
    unit, year, me = stack.unit, stack.year, stack.unit.staff[1]
    _on_roster(stack, me)
    given = stack.call("feedback", "POST", "/feedback", unit.head, {
        "employee_id": me.nip, "kind": "konstruktif", "value": "kolaboratif",
        "text": "Libatkan bidang lain sejak awal penyusunan laporan."}, expect=201)["id"]
    when = (_today() + timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    dialogue_id = stack.call("feedback", "POST", "/dialogues", unit.head, {
        "employee_id": me.nip, "scheduled_at": when.isoformat(), "agenda": "Kolaborasi lintas bidang"},
        expect=201)["id"]
    stack.call("feedback", "POST", f"/dialogues/{dialogue_id}/notes", unit.head, {
        "notes": "Sepakat memperbaiki koordinasi.", "actions": [
            {"description": "Susun jadwal rapat koordinasi bulanan", "due_on": (when + timedelta(days=14)).date().isoformat()}]})

    # the notification links to the feedback itself
    page = sign_in(browser, stack, me.name)
    menu(page, "Notifikasi")
    page.get_by_role("link", name="Anda menerima umpan balik konstruktif").click()
    expect(page).to_have_url(re.compile(f"/umpan-balik/{given}$"))
    expect(page.locator(".feedback")).to_contain_text("Perilaku: Kolaboratif")
    expect(page.locator(".feedback")).to_contain_text(f"{unit.head.name} (Pejabat penilai)")
    snap(page, "umpan-balik-dari-notifikasi")

    # responding on the overview: empty is refused beside the item's field; then sent
    menu(page, "Umpan balik & dialog")
    item = page.locator(f"#fb-{given}")
    item.get_by_role("button", name="Kirim tanggapan").click()
    expect(field_error(page, f"response_{given}")).to_have_text("wajib diisi")
    expect(page.get_by_role("alert")).to_contain_text("Tanggapan Anda: wajib diisi")
    assert stack.call("feedback", "GET", f"/feedback/{given}", me)["response"] is None
    snap(page, "tanggapan-ditolak")
    page.locator(f"#fb-{given}").get_by_label("Tanggapan Anda").fill("Baik, mulai bulan depan saya undang bidang lain.")
    page.locator(f"#fb-{given}").get_by_role("button", name="Kirim tanggapan").click()
    expect(_flash(page)).to_have_text("Tanggapan terkirim. Pemberi umpan balik menerima notifikasi.")
    expect(page.locator(f"#fb-{given}")).to_contain_text("Tanggapan: Baik, mulai bulan depan")
    expect(page.locator("#upcoming-dialogues")).to_contain_text(f"{format_day(when)} 10.00 WIB")
    expect(page.locator("#my-actions")).to_contain_text("Susun jadwal rapat koordinasi bulanan")
    snap(page, "ringkasan-pegawai")

    # the dialogue: respond to the notes and acknowledge them
    page.locator("#upcoming-dialogues").get_by_role("link").first.click()
    expect(page.locator("#dialogue-notes")).to_have_text("Sepakat memperbaiki koordinasi.")
    page.get_by_label("Tanggapan Anda atas catatan").fill("Setuju; saya perlu daftar kontak bidang lain.")
    page.get_by_role("button", name="Kirim tanggapan").click()
    expect(_flash(page)).to_have_text("Tanggapan tersimpan.")
    page.get_by_role("button", name="Konfirmasi catatan dialog").click()
    expect(_flash(page)).to_have_text("Catatan dialog dikonfirmasi.")
    expect(page.locator("#dialogue-response")).to_have_text("Setuju; saya perlu daftar kontak bidang lain.")
    expect(page.locator("#dialogue-acks")).to_contain_text("Pejabat penilai: belum")
    expect(page.get_by_role("button", name="Konfirmasi catatan dialog")).to_have_count(0)
    snap(page, "dialog-dikonfirmasi")

    # the open action is completed from the overview
    menu(page, "Umpan balik & dialog")
    page.locator("#my-actions").get_by_role("button", name=re.compile("Tandai selesai")).click()
    expect(_flash(page)).to_have_text("Tindak lanjut ditandai selesai.")
    expect(page.locator("#tindak-lanjut")).to_be_visible()
    expect(page.locator("#my-actions")).to_have_count(0)
    assert stack.call("feedback", "GET", "/me/actions", me) == []
    snap(page, "tindak-lanjut-selesai")

    # clarification on the open appraisal: a topic is required; then asked
    appraisal_id = approved_appraisal(stack, me, f"{year}-Q2", "Tersusunnya laporan layanan")
    wait_for(lambda: _get(stack, "feedback", f"/appraisals/{appraisal_id}/clarifications", me).is_success,
             "the appraisal on the feedback service")
    page.goto(f"/penilaian/{appraisal_id}")
    page.get_by_role("link", name="Minta klarifikasi").click()
    page.get_by_label("Pertanyaan Anda").fill("Apa ukuran kualitas laporan yang diharapkan?")
    page.get_by_role("button", name="Kirim permintaan klarifikasi").click()
    expect(field_error(page, "clar_topic")).to_have_text("wajib diisi")
    expect(page.get_by_label("Pertanyaan Anda")).to_have_value("Apa ukuran kualitas laporan yang diharapkan?")
    assert stack.call("feedback", "GET", f"/appraisals/{appraisal_id}/clarifications", me) == []
    snap(page, "klarifikasi-ditolak")
    page.get_by_label("Butir penilaian").select_option(label="Tersusunnya laporan layanan")
    page.get_by_role("button", name="Kirim permintaan klarifikasi").click()
    expect(_flash(page)).to_contain_text("Permintaan klarifikasi terkirim")
    expect(page.get_by_role("heading", level=1)).to_have_text("Klarifikasi: RHK: Tersusunnya laporan layanan")
    expect(page.locator("#thread-status")).to_have_text("Menunggu jawaban")
    snap(page, "klarifikasi-terkirim")

    # the evaluator answers from the notification; the answer reaches the employee's open page
    menu(page, "Notifikasi")
    boss = sign_in(browser, stack, unit.head.name)
    menu(boss, "Notifikasi")
    boss.get_by_role("link", name="Permintaan klarifikasi penilaian").first.click()
    expect(boss.locator("#messages")).to_contain_text("Apa ukuran kualitas laporan")
    boss.get_by_role("button", name="Kirim balasan").click()
    expect(field_error(boss, "clar_text")).to_have_text("wajib diisi")
    boss.get_by_label("Balasan Anda").fill("Laporan memuat data pengaduan per kanal dan tindak lanjutnya.")
    boss.get_by_role("button", name="Kirim balasan").click()
    expect(_flash(boss)).to_have_text("Balasan terkirim.")
    snap(boss, "klarifikasi-dijawab-pejabat")
    expect(page.locator("#notif-list")).to_contain_text("Klarifikasi Anda telah dijawab", timeout=30_000)
    page.locator("#notif-list").get_by_role("link", name="Klarifikasi Anda telah dijawab").click()
    expect(page.locator("#messages")).to_contain_text("data pengaduan per kanal")
    expect(page.locator("#thread-status")).to_have_text("Dijawab")
    snap(page, "klarifikasi-jawaban")

    # once the result is final the thread is closed: shown, and no reply form
    rate_and_finalise(stack, appraisal_id)
    wait_for(lambda: stack.call("feedback", "GET", f"/appraisals/{appraisal_id}/clarifications", me)[0]["closed"],
             "the finalisation on the feedback service")
    page.reload()
    expect(page.locator("#thread-closed")).to_contain_text("utas klarifikasi ditutup")
    expect(page.get_by_role("button", name="Kirim balasan")).to_have_count(0)
    snap(page, "klarifikasi-ditutup")


# -- peers -------------------------------------------------------------------------------------------------
def test_a_peer_sees_the_offices_refusal_beside_the_recipient_until_hr_allows_peer_feedback(
        browser: Browser, stack: Stack, tmp_path: Path) -> None:
    snap = Screens(tmp_path, "umpan-balik-rekan")
    unit, me, peer = stack.unit, stack.unit.staff[2], stack.unit.staff[0]
    _on_roster(stack, me, peer)
    page = sign_in(browser, stack, me.name)
    menu(page, "Umpan balik & dialog")
    expect(page.get_by_text("tidak mengizinkan umpan balik antar rekan kerja")).to_be_visible()
    snap(page, "ringkasan-rekan")

    page.goto("/umpan-balik/baru")
    page.get_by_label("Penerima").fill("12345")
    page.get_by_role("button", name="Lanjut").click()
    page.get_by_role("radio", name="Apresiasi").check()
    page.get_by_label("Tentang apa").select_option(label="Harmonis")
    page.get_by_label("Isi umpan balik").fill("Selalu membantu menyelesaikan antrean pagi.")
    page.get_by_role("button", name="Kirim umpan balik").click()
    expect(field_error(page, "untuk")).to_have_text("harus berupa NIP 18 digit")

    page.goto(f"/umpan-balik/baru?untuk={peer.nip}")
    page.get_by_role("radio", name="Apresiasi").check()
    page.get_by_label("Tentang apa").select_option(label="Harmonis")
    page.get_by_label("Isi umpan balik").fill("Selalu membantu menyelesaikan antrean pagi.")
    page.get_by_role("button", name="Kirim umpan balik").click()
    expect(field_error(page, "untuk")).to_have_text("Kantor ini tidak mengizinkan umpan balik antar rekan kerja")
    expect(page.get_by_label("Isi umpan balik")).to_have_value("Selalu membantu menyelesaikan antrean pagi.")
    expect(page.get_by_label("Tentang apa")).to_have_value("value:harmonis")
    snap(page, "rekan-ditolak")
    assert [f for f in stack.call("feedback", "GET", f"/employees/{peer.nip}/feedback", unit.head)
            if f["author_id"] == me.nip] == []

    stack.call("feedback", "PUT", f"/offices/{unit.office_id}/feedback-settings", unit.hr,
               {"peer_feedback_allowed": True, "dialogues_per_period": 1, "reason": "Kebijakan umpan balik 360"})
    page.get_by_role("button", name="Kirim umpan balik").click()
    expect(_flash(page)).to_have_text("Umpan balik terkirim. Penerima menerima notifikasi.")
    expect(page.locator(".feedback")).to_contain_text("Perilaku: Harmonis")
    snap(page, "rekan-terkirim")
    menu(page, "Umpan balik & dialog")
    expect(page.get_by_role("link", name="Beri umpan balik kepada rekan kerja")).to_be_visible()
