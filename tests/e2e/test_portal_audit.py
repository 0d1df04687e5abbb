"""The auditor in a real browser (phone-sized) against the real services: an employee's timeline, the
state of an appraisal at a moment between two rating changes (the earlier value), the reconciliation of
each service's store with its Kafka topic — consistent, then with a tampered stored event located — and the
evidence pack; the refusals of a bad date or time. Also: every main page of every role carries the
security headers and the browser reports no Content-Security-Policy violation on any of them.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import zipfile
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from .portal_support import (
    VALUES,
    Screens,
    Stack,
    approve_skp,
    browser,
    field_error,
    menu,
    sign_in,
    stack,
    wait_for,
)

pytestmark = [pytest.mark.e2e]
__all__ = ["browser", "stack"]  # the fixtures, imported so this module gets its own stack
T = TypeVar("T")


def ratings(view: dict[str, Any], results: str, reason: str) -> dict[str, Any]:
    return {"rhk_ratings": [{"rhk_id": r["rhk_id"], "rating": "sesuai_ekspektasi"} for r in view["rhks"]],
            "value_ratings": [{"value": v, "rating": "sesuai_ekspektasi"} for v in VALUES],
            "results_rating": results, "behaviour_rating": "sesuai_ekspektasi", "reason": reason}


def member(page: Page, name: str) -> Any:
    """The value of the top-level member ``name`` of the state shown."""
    return page.locator(f"xpath=//*[@id='state']/dl/div[dt[normalize-space()='{name}']]/dd")


def in_thread(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to its end on its own loop (Playwright's sync API keeps a loop in this thread)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _tamper(database: str, event_id: str, payload: str) -> None:
    conn = await asyncpg.connect(database)
    try:
        await conn.execute("ALTER TABLE events DISABLE TRIGGER events_append_only")
        await conn.execute("UPDATE events SET payload = $2::jsonb WHERE event_id = $1", event_id, payload)
        await conn.execute("ALTER TABLE events ENABLE TRIGGER events_append_only")
    finally:
        await conn.close()


async def _stored(database: str, office: str, nip: str) -> Any:
    conn = await asyncpg.connect(database)
    try:
        return await conn.fetchrow("SELECT event_id, stream_id, stream_version, payload::text AS payload FROM events "
                                   "WHERE event_type = 'planning.PlanApproved' AND office_id = $1 AND subject = $2 "
                                   "ORDER BY position LIMIT 1", office, nip)
    finally:
        await conn.close()


def fits_the_phone(page: Page) -> None:
    """Nothing sticks out sideways on a 390px-wide screen."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


def appraisal_of(stack: Stack, staff: Any, period: str, title: str) -> str:
    """As ``approved_appraisal``, waiting longer: a new stack's consumers first replay the shared broker's
    whole topics, which takes minutes on a busy machine."""
    unit = stack.unit
    stack.call("evaluation", "POST", f"/offices/{unit.office_id}/periods", unit.hr, {"period": period}, expect=201)
    approve_skp(stack, staff, title)
    found = wait_for(lambda: [a for a in stack.call("evaluation", "GET", "/me/appraisals", staff)
                              if a["period_key"] == period], f"the appraisal {period} of the approved SKP", timeout=300)
    return str(found[0]["appraisal_id"])


def test_auditor_sees_an_appraisal_as_it_stood_reconciles_the_stores_and_takes_the_evidence_pack(
        browser: Browser, stack: Stack, tmp_path: Path) -> None:
    snap = Screens(tmp_path, "auditor-keadaan")
    unit, staff = stack.unit, stack.unit.staff[1]
    appraisal_id = appraisal_of(stack, staff, f"{stack.year}-Q1", "Terlayaninya permohonan informasi publik")
    view = stack.call("evaluation", "GET", f"/appraisals/{appraisal_id}", unit.head)
    path = f"/appraisals/{appraisal_id}/ratings"
    stack.call("evaluation", "PUT", path, unit.head, ratings(view, "sesuai_ekspektasi", "Penilaian awal"))
    time.sleep(2.2)  # the two changes are seconds apart: a moment between them exists to the second
    stack.call("evaluation", "PUT", path, unit.head, ratings(view, "di_atas_ekspektasi", "Bukti tambahan diterima"))
    changes = stack.call("evaluation", "GET", f"/audit/timeline?subject={staff.nip}&kind=ResultsRatingSet",
                         unit.auditor)["entries"]
    assert [e["new"] for e in changes] == ["sesuai_ekspektasi", "di_atas_ekspektasi"]
    stream = changes[0]["stream_id"]

    page = sign_in(browser, stack, unit.auditor.name)
    menu(page, "Audit")
    # the filters: an end before the start is refused with the field's message, what was typed stays
    page.get_by_label("NIP pegawai").fill(staff.nip)
    page.get_by_label("Sejak (tanggal)").fill("2030-03-02")
    page.get_by_label("Sampai (tanggal)").fill("2030-03-01")
    page.get_by_role("button", name="Tampilkan jejak").click()
    expect(field_error(page, "sampai")).to_have_text("tidak boleh sebelum tanggal 'Sejak'")
    expect(page.get_by_label("Sampai (tanggal)")).to_have_value("2030-03-01")
    expect(page.get_by_role("alert")).to_contain_text("Sampai (tanggal)")
    snap(page, "filter-ditolak")
    fits_the_phone(page)
    page.goto(f"/audit?nip={staff.nip}&sejak=2030-02-30")  # a date no browser picker would send
    expect(field_error(page, "sejak")).to_have_text("harus berupa tanggal (YYYY-MM-DD)")

    page.get_by_label("Sejak (tanggal)").fill("")
    page.get_by_label("Jenis peristiwa (opsional)").fill("ResultsRatingSet")
    page.get_by_role("button", name="Tampilkan jejak").click()
    rows = page.locator("#timeline tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Sesuai Ekspektasi")
    expect(rows.nth(1)).to_contain_text("Di Atas Ekspektasi")
    expect(page.get_by_text("Waktu dalam WIB (zona waktu kantor).")).to_be_visible()
    snap(page, "jejak-rating")
    fits_the_phone(page)

    # the appraisal just after the first change: the earlier rating, its version, the event it reflects
    rows.nth(0).get_by_role("link", name=re.compile("^Keadaan aliran setelah ResultsRatingSet")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Keadaan pada suatu saat")
    expect(page.get_by_role("heading", level=2, name=re.compile(r"^Keadaan pada .* WIB$"))).to_be_visible()
    expect(member(page, "Rating hasil kerja")).to_contain_text("Sesuai Ekspektasi")
    expect(member(page, "Status")).to_contain_text("Berjalan")
    # one rating command records several events at once (per RHK, per value, both ratings, the predicate):
    # the state then reflects all of the first command's events and none of the second's
    version = int(page.locator("#state-version dd").first.inner_text())
    assert changes[0]["stream_version"] <= version < changes[1]["stream_version"]
    expect(page.locator("#state-version")).to_contain_text("Peristiwa terakhir yang tercermin")
    expect(page.get_by_label("Jam (WIB)")).not_to_have_value("")
    snap(page, "keadaan-sebelum")
    fits_the_phone(page)

    # a later moment typed in the form: the later rating
    later = page.get_by_label("Jam (WIB)")
    later.fill("23:59:59")
    page.get_by_role("button", name="Tampilkan keadaan").click()
    expect(member(page, "Rating hasil kerja")).to_contain_text("Di Atas Ekspektasi")
    assert int(page.locator("#state-version dd").first.inner_text()) >= changes[1]["stream_version"]
    snap(page, "keadaan-sesudah")
    fits_the_phone(page)

    # before the appraisal existed; then a date and a time that are not ones
    page.get_by_label("Tanggal").fill((date.today() - timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Tampilkan keadaan").click()
    expect(page.locator("#state-empty")).to_have_text("Pada saat itu aliran ini belum memiliki peristiwa (belum ada).")
    page.goto(f"/audit/aliran/evaluation/{stream}?nip={staff.nip}&tanggal=2030-02-30&jam=08:00")
    expect(field_error(page, "tanggal")).to_have_text("harus berupa tanggal (YYYY-MM-DD)")
    page.goto(f"/audit/aliran/evaluation/{stream}?nip={staff.nip}&tanggal=2030-03-01&jam=25:00")
    expect(field_error(page, "jam")).to_have_text("harus berupa jam JJ:MM atau JJ:MM:DD (24 jam)")
    expect(page.get_by_role("alert")).to_contain_text("Jam: harus berupa jam")
    expect(page.get_by_label("Tanggal")).to_have_value("2030-03-01")
    expect(page.locator("#state")).to_have_count(0)
    snap(page, "jam-ditolak")
    fits_the_phone(page)

    # reconciliation: every store matches its topic (the relays publish asynchronously: wait for it)
    page.get_by_role("link", name="Kembali ke jejak audit").click()
    page.get_by_role("link", name="Rekonsiliasi penyimpanan dengan topik Kafka").click()
    expect(page.get_by_label("Kantor")).to_have_value(unit.office_id)
    page.get_by_role("button", name="Jalankan rekonsiliasi").click()

    def consistent() -> bool:
        if page.locator("#reconciliation .tag.ok").count() == 4:
            return True
        page.reload()
        return False

    try:
        wait_for(consistent, "every store reconciled with its topic", timeout=120)
    except AssertionError:
        snap(page, "rekonsiliasi-tidak-konsisten")
        raise AssertionError(page.locator("main").inner_text()) from None
    for service in ("planning", "evaluation", "feedback", "career"):
        expect(page.locator(f"#rec-{service}")).to_contain_text(f"{service}: konsisten")
    snap(page, "rekonsiliasi-konsisten")
    fits_the_phone(page)

    # one stored event altered behind the service's back: located in the store and on the topic
    database = stack.processes["planning"].database_url
    assert database is not None
    row = in_thread(_stored(database, unit.office_id, staff.nip))
    assert row is not None
    forged = {**json.loads(row["payload"]), "approved_by": "199901012020011001"}
    in_thread(_tamper(database, row["event_id"], json.dumps(forged)))
    try:
        page.reload()
        planning = page.locator("#rec-planning")
        expect(planning).to_contain_text("planning: 1 perbedaan")
        difference = planning.locator("tr.difference")
        expect(difference).to_have_attribute("data-kind", "content_differs")
        expect(difference).to_contain_text("Isi berbeda")
        expect(difference).to_contain_text(str(row["event_id"]))
        expect(difference).to_contain_text(f"{row['stream_id']} v{row['stream_version']}")
        expect(difference).to_contain_text(re.compile(r"partisi \d+, offset \d+"))
        for service in ("evaluation", "feedback", "career"):
            expect(page.locator(f"#rec-{service}")).to_contain_text("konsisten")
        snap(page, "rekonsiliasi-berbeda")
        fits_the_phone(page)
        page.goto(f"/audit?nip={staff.nip}")
        expect(page.locator("#verification")).to_contain_text("planning: RUSAK")
    finally:
        in_thread(_tamper(database, row["event_id"], row["payload"]))
    page.reload()
    expect(page.locator("#verification")).to_contain_text("planning: utuh")

    # the evidence pack of the appraisal's service, with both rating changes in it
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh paket bukti (evaluation)").click()
    pack = tmp_path / "paket.zip"
    download.value.save_as(pack)
    with zipfile.ZipFile(pack) as archive:
        assert {"events.jsonl", "verification.json", "report.md", "manifest.json"} <= set(archive.namelist())
        events = [json.loads(line) for line in archive.read("events.jsonl").splitlines()]
    assert [e["payload"]["rating"] for e in events if e["event_type"] == "evaluation.ResultsRatingSet"] == [
        "sesuai_ekspektasi", "di_atas_ekspektasi"]
    snap(page, "paket-bukti")


# -- security headers and the Content-Security-Policy on every role's pages --------------------------------
def test_every_main_page_has_the_security_headers_and_no_csp_violation(
        browser: Browser, stack: Stack, tmp_path: Path) -> None:
    unit = stack.unit
    violations: list[str] = []
    visited: set[str] = set()
    for person in (unit.staff[0], unit.head, unit.hr, unit.auditor):
        page = sign_in(browser, stack, person.name)
        page.on("console", lambda m, who=person.name: violations.append(f"{who}: {m.text}")
                if "Content Security Policy" in m.text else None)
        cookie = next(c for c in page.context.cookies() if c["name"] == "kinerja_sesi")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
        links = page.get_by_role("navigation", name="Menu utama").get_by_role("link", include_hidden=True)
        for href in [links.nth(i).get_attribute("href") for i in range(links.count())]:
            assert href is not None
            response = page.goto(href)
            assert response is not None
            headers = response.headers
            policy = headers.get("content-security-policy", "")
            assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy, href
            assert "frame-ancestors 'none'" in policy and "form-action 'self'" in policy, href
            assert headers.get("x-content-type-options") == "nosniff", href
            assert headers.get("referrer-policy") == "same-origin", href
            page.wait_for_load_state("load")
            visited.add(href)
        page.goto("/tidak-ada")  # the error page too
        page.context.close()
    assert {"/skp", "/penilaian", "/tim", "/kantor", "/kalibrasi", "/audit", "/notifikasi"} <= visited
    assert violations == []

    # the listener does hear a violation: an inline handler slipped into a page is refused and reported
    page = sign_in(browser, stack, unit.auditor.name)
    heard: list[ConsoleMessage] = []
    page.on("console", lambda m: heard.append(m))
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<img src=\"/static/x\" onerror=\"window.x=1\">')")
    def reported() -> bool:
        page.wait_for_timeout(100)  # Playwright delivers the browser's messages while it is called
        return any("Content Security Policy" in m.text for m in heard)

    wait_for(reported, "the browser's CSP report", timeout=10)
    assert page.evaluate("window.x") is None
