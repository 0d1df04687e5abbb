"""The monitoring dashboards and exports in a real browser (Debian's headless Chromium driven by Playwright),
against the real planning, evaluation, feedback and career processes on real Kafka and PostgreSQL.

Pejabat penilai: opens "Dasbor tim", sees per member the SKP status and why it is not approved, realisation
per IKI and overall, the appraisal's state, and who is falling behind (marked); filters and sorts. Pengelola
kepegawaian: opens "Dasbor kantor" (who has no approved SKP and why, who has not reported, charts per unit),
downloads every list and recap as CSV and XLSX and the files hold what the office holds, with Indonesian
headers; opens the office recap. Screenshots at desktop and phone width go to
``tests/e2e/artifacts/portal/dasbor-*``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from kinerja_kernel.testing.office import Person

from .portal_support import Screens, Stack, approved_appraisal, browser, menu, rate_and_finalise, sign_in, stack

pytestmark = [pytest.mark.e2e]
__all__ = ["browser", "stack"]  # the fixtures, imported so this module gets its own stack

EXPORTS = ("roster", "status-skp", "rekap-realisasi", "hasil-penilaian", "kenaikan-pangkat", "talenta",
           "rekap-kantor")


def _realise(stack: Stack, staff: Person, value: str) -> None:
    plan = next(p for p in stack.call("planning", "GET", "/me/plans", staff) if p["period_year"] == stack.year)
    detail = stack.call("planning", "GET", f"/plans/{plan['plan_id']}", staff)
    stack.call("planning", "POST", f"/plans/{plan['plan_id']}/realisation", staff, {"entries": [{
        "iki_id": detail["rhks"][0]["ikis"][0]["iki_id"], "value": value, "occurred_on": f"{stack.year}-11-20",
        "description": "Laporan bulanan", "evidence": [{"kind": "link", "uri": "https://example.org/bukti"}]}]},
        expect=201)


@pytest.fixture(scope="module")
def seeded(stack: Stack) -> Stack:
    """Staf 1 approved, fully realised, rated and final (Baik); Staf 2 approved without any report; Staf 3 has
    not started the SKP."""
    unit = stack.unit
    done, silent = unit.staff[0], unit.staff[1]
    appraisal_id = approved_appraisal(stack, done, str(stack.year), "Menyusun laporan layanan")
    _realise(stack, done, "12")
    rate_and_finalise(stack, appraisal_id)
    approved_appraisal(stack, silent, str(stack.year), "Mengolah data layanan")
    return stack


def fits_the_screen(page: Page) -> None:
    """Nothing sticks out to the side (a phone would scroll sideways): names the widest elements if it does."""
    wide = page.evaluate("""() => { const w = document.documentElement.clientWidth;
        return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1)
          .slice(0, 8).map(e => `${e.tagName}.${e.className.baseVal ?? e.className}#${e.id} ${Math.round(e.getBoundingClientRect().right)}`); }""")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), wide


def _rows(page: Page) -> list[str]:
    return [str(nip) for nip in page.locator("#team-dashboard tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.nip)")]


def _show(page: Page, stack: Stack, **choices: str) -> None:
    page.get_by_label("Tahun").fill(str(stack.year))
    page.get_by_label("Periode penilaian").fill(str(stack.year))
    for name, value in choices.items():
        page.get_by_label(name).select_option(value)
    page.get_by_role("button", name="Tampilkan").click()


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "ponsel"])
def test_supervisor_sees_who_is_behind_and_filters_and_sorts(seeded: Stack, browser: Browser, tmp_path: Path,
                                                             phone: bool) -> None:
    stack = seeded
    done, silent, starting = stack.unit.staff
    screens = Screens(tmp_path, f"dasbor-tim-{'ponsel' if phone else 'desktop'}")
    page = sign_in(browser, stack, "Kepala Bidang", phone=phone)
    menu(page, "Dasbor tim")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dasbor tim")
    _show(page, stack)
    assert set(_rows(page)) == {done.nip, silent.nip, starting.nip}
    row_done = page.locator(f"#team-dashboard tr[data-nip='{done.nip}']")
    expect(row_done).to_contain_text("Keseluruhan 100%")
    expect(row_done).to_contain_text("Disetujui")
    expect(row_done).to_contain_text("Penilaian pejabat: final")
    expect(row_done.locator(".behind-mark")).to_have_count(0)
    row_new = page.locator(f"#team-dashboard tr[data-nip='{starting.nip}']")
    expect(row_new).to_contain_text("Belum disusun")
    expect(row_new).to_contain_text("Belum menyusun SKP")
    expect(row_new.locator(".behind-mark")).to_have_text("Tertinggal")
    row_silent = page.locator(f"#team-dashboard tr[data-nip='{silent.nip}']")
    expect(row_silent).to_contain_text("Realisasi di bawah target waktu")
    expect(row_silent).to_contain_text("Belum pernah melapor")
    expect(row_silent).to_contain_text("Penilaian diri: belum")
    screens(page, "semua")
    fits_the_screen(page)

    _show(page, stack, **{"Tampilkan": "tertinggal"})
    assert set(_rows(page)) == {silent.nip, starting.nip}
    expect(page.locator("#dash-summary")).to_contain_text("2 dari 3 anggota ditampilkan")
    screens(page, "tertinggal")

    _show(page, stack, **{"Tampilkan": "semua", "Urutkan menurut": "realisasi", "Urutan": "turun"})
    assert _rows(page)[0] == done.nip
    page.get_by_label("Cari nama atau NIP").fill("Staf 2")
    page.get_by_role("button", name="Tampilkan").click()
    assert _rows(page) == [silent.nip]
    screens(page, "urut-cari")


def _download(page: Page, link_name: str, tmp_path: Path) -> Path:
    page.reload()  # Chromium holds back a page's downloads after about ten in a row ("multiple downloads")
    with page.expect_download() as info:
        page.locator("#exports").get_by_role("link", name=link_name, exact=True).click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target


def _csv_rows(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def _xlsx_rows(path: Path) -> list[list[object]]:
    sheet = load_workbook(path).worksheets[0]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_hr_opens_the_office_dashboard_and_downloads_every_export(seeded: Stack, browser: Browser,
                                                                  tmp_path: Path) -> None:
    stack = seeded
    unit = stack.unit
    done, silent, starting = unit.staff
    screens = Screens(tmp_path, "dasbor-kantor")
    page = sign_in(browser, stack, "Pengelola Kepegawaian", phone=False)
    menu(page, "Dasbor kantor")
    _show(page, stack)
    expect(page.locator(f"#not-approved tr[data-nip='{starting.nip}']")).to_contain_text("Belum menyusun SKP")
    expect(page.locator(f"#not-reported tr[data-nip='{silent.nip}']")).to_contain_text("Belum pernah melapor")
    expect(page.locator("#skp-status-chart")).to_be_visible()
    expect(page.locator(f"#predicates-{unit.unit_id}")).to_be_visible()
    expect(page.locator(f".unit-cards [data-unit='{unit.unit_id}']")).to_contain_text("1 final")
    screens(page, "kantor")

    files = {}
    for name in EXPORTS:
        for fmt in ("CSV", "XLSX"):
            label = {"roster": "Roster pegawai", "status-skp": "Status SKP", "rekap-realisasi": "Rekap realisasi",
                     "hasil-penilaian": "Hasil penilaian dan predikat", "kenaikan-pangkat": "Kenaikan pangkat",
                     "talenta": "Talenta (9-box)", "rekap-kantor": "Rekap kantor per unit"}[name]
            path = _download(page, f"{fmt} {label}", tmp_path)
            assert path.name.startswith(f"{name}-{unit.office_id}") and path.suffix == f".{fmt.lower()}"
            files[name, fmt] = _csv_rows(path) if fmt == "CSV" else _xlsx_rows(path)
    for name in EXPORTS:  # the same rows in both formats, headers first (an empty list is just its headers)
        assert files[name, "CSV"][0] == files[name, "XLSX"][0]
        assert len(files[name, "CSV"]) == len(files[name, "XLSX"])

    roster = files["roster", "CSV"]
    assert roster[0][:3] == ["NIP", "Nama", "Unit kerja"]
    assert {r[0] for r in roster[1:]} >= {p.nip for p in unit.staff}
    status = {r[0]: r for r in files["status-skp", "CSV"][1:]}
    assert status[starting.nip][5] == "Belum disusun" and status[starting.nip][6] == "Belum menyusun SKP"
    assert status[done.nip][5] == "Disetujui"
    realisation = {r[0]: r for r in files["rekap-realisasi", "CSV"][1:]}
    assert realisation[done.nip][5:10] == ["12", "dokumen", "12", "100,0", "100,0"], realisation[done.nip]
    xlsx_realisation = {r[0]: r for r in files["rekap-realisasi", "XLSX"][1:]}
    assert xlsx_realisation[done.nip][7] == 12 and xlsx_realisation[done.nip][8] == 100
    results = {r[0]: r for r in files["hasil-penilaian", "CSV"][1:]}
    assert files["hasil-penilaian", "CSV"][0][11] == "Predikat" and results[done.nip][11] == "Baik"
    recap = files["rekap-kantor", "XLSX"]
    assert recap[0][0] == "Unit kerja" and any(r[0] == unit.unit_id for r in recap[1:])
    assert files["talenta", "CSV"][0][:4] == ["NIP", "Nama", "Unit kerja", "Kotak"]
    assert files["kenaikan-pangkat", "CSV"][0][5] == "TMT pangkat"

    menu(page, "Rekap kantor")
    page.get_by_label("Periode penilaian").fill(str(stack.year))
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.locator(f"#recap-units [data-unit='{unit.unit_id}']")).to_contain_text("1 final")
    expect(page.locator("#recap-final")).to_contain_text(done.name)
    screens(page, "rekap")

    phone = sign_in(browser, stack, "Pengelola Kepegawaian", phone=True)
    phone.goto(f"/dasbor/kantor?tahun={stack.year}&periode={stack.year}")
    expect(phone.locator("#skp-status-chart")).to_be_visible()
    screens(phone, "kantor-ponsel")
    fits_the_screen(phone)
    phone.goto(f"/rekap?periode={stack.year}")
    screens(phone, "rekap-ponsel")
    fits_the_screen(phone)
