"""Accessibility of the portal's pages, checked by axe-core (the engine behind the browsers' own audits,
bundled by ``axe-playwright-python``) in Debian's headless Chromium against the real services.

Every menu page of every role, the sign-in page, and a form showing its errors, on a phone and on a desk,
against WCAG 2.1 A and AA (contrast, labels, names of links and buttons, landmarks, ``lang``, ARIA use). A
violation fails the test with the rule, the elements and how to fix it; the full axe answer of each page is
written to ``tests/e2e/artifacts/portal/a11y/`` for people to read.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from .portal_support import ARTIFACTS, Stack, approved_appraisal, browser, sign_in, stack, wait_for

pytestmark = [pytest.mark.e2e]
__all__ = ["browser", "stack"]  # the fixtures, imported so this module gets its own stack

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        "resultTypes": ["violations"]}
REPORTS = ARTIFACTS / "a11y"


def violations(page: Page, name: str) -> list[str]:
    """What axe finds on the page as it is now (one line per rule and element); its answer saved as JSON."""
    found: dict[str, Any] = Axe().run(page, options=WCAG).response
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{name}.json").write_text(json.dumps(found["violations"], indent=1, ensure_ascii=False))
    return [f"{name}: {v['id']} ({v['impact']}) {node['target']} — {v['help']}: {node['failureSummary']}"
            for v in found["violations"] for node in v["nodes"]]


def check_pages(page: Page, paths: list[str], label: str) -> list[str]:
    problems: list[str] = []
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status == 200, (path, response and response.status)
        problems += violations(page, f"{label}{path.split('?')[0].replace('/', '_')}")
    return problems


@pytest.fixture(scope="module")
def filled(stack: Stack) -> dict[str, str]:
    """Pages with something on them: an approved SKP with a realisation entry and an appraisal, feedback and
    a dialogue for the first staff member."""
    unit, me = stack.unit, stack.unit.staff[0]
    for old in REPORTS.glob("*.json"):
        old.unlink()
    appraisal_id = approved_appraisal(stack, me, f"{stack.year}-Q1", "Terlayaninya konsultasi kepegawaian")
    plan_id = next(p["plan_id"] for p in stack.call("planning", "GET", "/me/plans", me)
                   if p["period_year"] == stack.year)
    iki_id = stack.call("planning", "GET", f"/plans/{plan_id}", me)["rhks"][0]["ikis"][0]["iki_id"]
    stack.call("planning", "POST", f"/plans/{plan_id}/realisation", me, {"entries": [{
        "iki_id": iki_id, "value": "3", "occurred_on": f"{stack.year}-02-03", "description": "Konsultasi",
        "evidence": [{"kind": "link", "uri": "https://arsip.example.go.id/k/1"}]}]}, expect=201)
    feedback = {"employee_id": me.nip, "kind": "apresiasi", "value": "kolaboratif", "text": "Kerja sama yang baik"}
    feedback_id = wait_for(lambda: _accepted(stack, "/feedback", unit.head, feedback), "feedback accepted")["id"]
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT09:00:00+07:00")
    dialogue_id = stack.call("feedback", "POST", "/dialogues", unit.head, {
        "employee_id": me.nip, "scheduled_at": tomorrow, "agenda": "Capaian triwulan"}, expect=201)["id"]
    # a draft SKP to edit (the RHK edit page, the evaluator's expectations form)
    other = unit.staff[2]
    draft = stack.call("planning", "POST", "/plans", other, {"period_year": stack.year}, expect=201)["plan_id"]
    rhk_id = stack.call("planning", "POST", f"/plans/{draft}/rhks", other, {"rhk": {
        "title": "Tertatanya arsip", "kind": "utama", "ikis": [{"description": "Arsip ditata", "targets": [
            {"aspect": "kuantitas", "value": "1000", "unit": "berkas"}]}]}}, expect=201)["rhk"]["rhk_id"]
    return {"appraisal": appraisal_id, "plan": plan_id, "feedback": str(feedback_id), "dialogue": str(dialogue_id),
            "draft": str(draft), "draft_rhk": str(rhk_id)}


def _accepted(stack: Stack, path: str, who: Any, body: Any) -> Any:
    """The created resource, or None while the feedback service has not yet learnt the roster (Kafka)."""
    response = httpx.post(f"{stack.url('feedback')}/api/v1{path}", headers=who.headers, json=body, timeout=15)
    return response.json() if response.status_code == 201 else None


@pytest.mark.parametrize("phone", [True, False], ids=["telepon", "desktop"])
def test_every_roles_pages_meet_wcag_21_aa(browser: Browser, stack: Stack, filled: dict[str, str],
                                           phone: bool) -> None:
    unit, year, me = stack.unit, stack.year, stack.unit.staff[0]
    size = "telepon" if phone else "desktop"
    problems: list[str] = []

    signed_out = browser.new_context(base_url=stack.url("portal"), locale="id-ID",
                                     viewport={"width": 390, "height": 844} if phone else None).new_page()
    problems += check_pages(signed_out, ["/masuk"], f"{size}-tamu")

    pegawai = sign_in(browser, stack, unit.staff[0].name, phone=phone)
    problems += check_pages(pegawai, [
        "/beranda", "/skp", f"/skp/{filled['plan']}", f"/skp/{filled['plan']}/realisasi", "/penilaian",
        f"/penilaian/{filled['appraisal']}", "/360", "/umpan-balik", f"/umpan-balik/{filled['feedback']}",
        f"/dialog/{filled['dialogue']}", "/karier", "/notifikasi", "/catatan-harian",
        f"/skp/{filled['plan']}/realisasi/{first_entry(stack, filled['plan'])}/perbaiki"], f"{size}-pegawai")
    # a refused form: the error summary, the marked field and its message
    pegawai.goto("/skp")
    pegawai.get_by_label("Periode").fill("dua ribu")
    pegawai.get_by_role("button", name="Buat draf SKP").click()
    pegawai.locator("#e-period_year").wait_for()
    problems += violations(pegawai, f"{size}-pegawai-form-ditolak")

    editor = sign_in(browser, stack, unit.staff[2].name, phone=phone)
    problems += check_pages(editor, [f"/skp/{filled['draft']}", f"/skp/{filled['draft']}/rhk/{filled['draft_rhk']}"],
                            f"{size}-pegawai-ubah")
    editor.locator("#f-iki_0_target_kuantitas_value").fill("1.5")  # ambiguous: refused beside the field
    editor.get_by_role("button", name="Simpan perubahan RHK").click()
    editor.locator("#e-iki_0_target_kuantitas_value").wait_for()
    problems += violations(editor, f"{size}-pegawai-ubah-ditolak")

    head = sign_in(browser, stack, unit.head.name, phone=phone)
    problems += check_pages(head, [f"/tim?tahun={year}", f"/tim/skp/{filled['plan']}", f"/tim/skp/{filled['draft']}",
                                   f"/penilaian/{filled['appraisal']}", f"/dialog/{filled['dialogue']}",
                                   f"/karier/{me.nip}", "/keberatan", "/umpan-balik",
                                   f"/umpan-balik/baru?untuk={unit.staff[1].nip}",
                                   f"/dialog/baru?dengan={unit.staff[1].nip}"], f"{size}-pejabat")

    hr = sign_in(browser, stack, unit.hr.name, phone=phone)
    problems += check_pages(hr, ["/kantor", "/kalibrasi", "/talenta", "/kenaikan-pangkat", "/kepegawaian",
                                 "/kepegawaian/katalog", f"/kepegawaian/pegawai/{me.nip}", "/roster",
                                 f"/roster/pegawai/{me.nip}", "/roster/plt"], f"{size}-pengelola")

    auditor = sign_in(browser, stack, unit.auditor.name, phone=phone)
    problems += check_pages(auditor, ["/audit", f"/audit?nip={unit.staff[0].nip}", "/audit/rekonsiliasi"],
                            f"{size}-auditor")

    assert not problems, "\n".join(problems)


def test_a_keyboard_alone_skips_the_menu_submits_a_form_and_lands_on_what_to_fix(browser: Browser,
                                                                                  stack: Stack) -> None:
    """No mouse: the first Tab reaches "Langsung ke isi", which skips the menu; a refused form moves the
    focus to its error summary, whose link takes the focus to the field to fix, keeping what was typed."""
    page = sign_in(browser, stack, stack.unit.staff[1].name)
    page.goto("/skp")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Langsung ke isi")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#isi")).to_be_focused()
    # from the top of the content, Tab moves through the page until the period field
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "f-period_year":
            break
    expect(page.get_by_label("Periode")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("dua ribu")
    page.keyboard.press("Enter")
    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Periode: harus berupa bilangan bulat")
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Periode")).to_be_focused()
    expect(page.get_by_label("Periode")).to_have_value("dua ribu")
    expect(page.get_by_label("Periode")).to_have_attribute("aria-invalid", "true")
    assert stack.call("planning", "GET", "/me/plans", stack.unit.staff[1]) == []  # nothing half-saved


def first_entry(stack: Stack, plan_id: str) -> str:
    """The id of the plan's first realisation entry (its correction page)."""
    return str(stack.call("planning", "GET", f"/plans/{plan_id}/realisation", stack.unit.staff[0])["entries"][0][
        "entry_id"])
