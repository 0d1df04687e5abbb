"""What the portal's browser tests share: the stack (the four services and the portal as processes on real
Kafka and PostgreSQL, with a seeded unit), Debian's headless Chromium, screenshots per step, and signing in.

Each test module that imports the ``stack`` and ``browser`` fixtures gets its own stack (module scope): its
own office, databases and consumer groups, so journeys in different modules never see each other's data.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from kinerja_kernel.infra.postgres import create_database, free_port
from kinerja_kernel.infra.processes import ServiceProcess
from kinerja_kernel.testing.office import Person, UnitDriver, rhk_body
from kinerja_kernel.testing.plugin import TEST_JWT_SECRET

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "portal"
VALUES = ["berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif"]


@dataclass
class Stack:
    processes: dict[str, ServiceProcess]
    unit: UnitDriver
    year: int

    def url(self, name: str) -> str:
        return self.processes[name].url

    def call(self, service: str, method: str, path: str, who: Person, body: Any = None, expect: int = 200) -> Any:
        response = httpx.request(method, f"{self.url(service)}/api/v1{path}", headers=who.headers, json=body,
                                 timeout=15)
        assert response.status_code == expect, response.text
        return response.json() if response.content else None


def wait_for(probe: Callable[[], Any], what: str, timeout: float = 120.0) -> Any:
    """Poll until ``probe`` returns something (events travel through Kafka between the services)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"waited {timeout}s for {what}")


@pytest.fixture(scope="module")
def stack(postgres_server_url: str, kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run deploy/local/setup.sh (it installs it)")
    unique = uuid.uuid4().hex[:10]
    logs = tmp_path_factory.mktemp("portal-logs")
    office = f"KANWIL-{unique[:6].upper()}"
    year = 2030 + int(unique[:4], 16) % 60
    started: dict[str, ServiceProcess] = {}
    try:
        for name in ("planning", "evaluation", "feedback", "career"):
            database = asyncio.run(create_database(postgres_server_url, f"e2e_portal_{name}_{unique}"))
            prefix = f"KINERJA_{name.upper()}_"
            port = free_port()
            started[name] = ServiceProcess(name, port=port, log_path=logs / f"{name}.log", env={
                f"{prefix}DATABASE_URL": database, f"{prefix}KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
                f"{prefix}HTTP_PORT": str(port), f"{prefix}JWT_SECRET": TEST_JWT_SECRET,
                f"{prefix}ENVIRONMENT": "test", f"{prefix}CONSUMER_GROUP": f"kinerja-{name}-{unique}",
                # the stack's year is a later one than the clock's: planning takes its 30 November as today
                # (realisation may not be dated after it), and keeps this stack's evidence files apart
                **({"KINERJA_PLANNING_TODAY": f"{year}-11-30", "KINERJA_PLANNING_BLOB_DIR": str(logs / "blobs")}
                   if name == "planning" else {}),
            })
            started[name].start()
        for process in started.values():
            process.wait_healthy(timeout=90)

        async def seed() -> UnitDriver:
            async with httpx.AsyncClient(base_url=started["planning"].url, timeout=15) as planning:
                unit = UnitDriver(planning, TEST_JWT_SECRET, office_id=office, unit_id="BIDANG-LAYANAN", year=year,
                                  staff=3)
                await unit.register()
                # the leader's and the head's SKPs approved: the staff have RHKs to cascade from
                agreement = {"source": {"kind": "perjanjian_kinerja", "reference": f"Perjanjian Kinerja {year}"}}
                await unit._plan(unit.leader, unit.top, 1, perspective="penerima_layanan", **agreement)
                await unit._plan(unit.head, unit.leader, 2, **agreement)
                return unit

        unit = asyncio.run(seed())
        demo = [{"nip": p.nip, "name": p.name, "roles": roles, "offices": [office]} for p, roles in (
            (unit.staff[0], ["pegawai"]), (unit.staff[1], ["pegawai"]), (unit.staff[2], ["pegawai"]),
            (unit.head, ["pegawai", "pejabat_penilai", "atasan_penilai"]),
            (unit.hr, ["pegawai", "pengelola_kepegawaian"]), (unit.auditor, ["auditor"]),
            # the staff's atasan penilai (decides their objections) and the head's evaluator
            (unit.leader, ["pegawai", "pejabat_penilai", "atasan_penilai"]))]
        port = free_port()
        started["portal"] = ServiceProcess("portal", port=port, log_path=logs / "portal.log", env={
            "KINERJA_PORTAL_HTTP_PORT": str(port), "KINERJA_PORTAL_ENVIRONMENT": "test",
            "KINERJA_PORTAL_PLANNING_URL": started["planning"].url,
            "KINERJA_PORTAL_EVALUATION_URL": started["evaluation"].url,
            "KINERJA_PORTAL_FEEDBACK_URL": started["feedback"].url,
            "KINERJA_PORTAL_CAREER_URL": started["career"].url,
            "KINERJA_PORTAL_JWT_SECRET": TEST_JWT_SECRET, "KINERJA_PORTAL_DEMO_USERS": json.dumps(demo),
            "KINERJA_PORTAL_NOTIFICATION_POLL_SECONDS": "1",
        })
        started["portal"].start()
        started["portal"].wait_healthy(timeout=60)
        yield Stack(started, unit, year)
    finally:
        for process in reversed(started.values()):
            process.stop()


@pytest.fixture(scope="module")
def browser(stack: Stack) -> Iterator[Browser]:
    """Started after the stack: Playwright's sync API runs its own event loop in this thread."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield launched
        launched.close()


class Screens:
    """Saves a full-page screenshot per step, numbered, in ``tmp_path`` and in the artifacts folder."""

    def __init__(self, tmp_path: Path, journey: str) -> None:
        self.dir = tmp_path / "screens"
        self.dir.mkdir()
        self.journey = journey
        self.count = 0
        (ARTIFACTS / journey).mkdir(parents=True, exist_ok=True)
        for old in (ARTIFACTS / journey).glob("*.png"):
            old.unlink()

    def __call__(self, page: Page, name: str) -> None:
        self.count += 1
        path = self.dir / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        shutil.copy(path, ARTIFACTS / self.journey / path.name)


def sign_in(browser: Browser, stack: Stack, name: str, *, phone: bool = True) -> Page:
    """A fresh browser session signed in through the development sign-in page as a demo user."""
    context = browser.new_context(viewport={"width": 390, "height": 844} if phone else {"width": 1280, "height": 900},
                                  locale="id-ID", base_url=stack.url("portal"))
    page = context.new_page()
    page.goto("/masuk")
    page.get_by_role("button", name=f"Masuk sebagai {name}", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Selamat datang, {name}")
    return page


def menu(page: Page, name: str) -> None:
    """Follow a menu link; on a phone the menu is a disclosure ("Menu"), opened first."""
    nav = page.get_by_role("navigation", name="Menu utama")
    toggle = nav.locator("summary")
    if toggle.is_visible() and nav.locator("details[open]").count() == 0:
        toggle.click()
    nav.get_by_role("link", name=name, exact=True).click()


def field_error(page: Page, field: str) -> Any:
    return page.locator(f"#e-{field}")


# -- shortcuts through the APIs, for journeys that start later in the year -------------------------------
def approve_skp(stack: Stack, staff: Person, title: str) -> None:
    """``staff``'s SKP of the stack's year approved with one RHK (unless an earlier journey did it)."""
    unit, year = stack.unit, stack.year
    if any(p["period_year"] == year and p["status"] == "approved" for p in stack.call("planning", "GET", "/me/plans",
                                                                                        staff)):
        return
    plan_id = stack.call("planning", "POST", "/plans", staff, {"period_year": year}, expect=201)["plan_id"]
    cite = {"intervention": {"plan_id": unit.head.plan_id, "rhk_id": unit.head.rhk_ids[0]}}
    stack.call("planning", "POST", f"/plans/{plan_id}/rhks", staff, rhk_body(title, **cite), expect=201)
    stack.call("planning", "POST", f"/plans/{plan_id}/submit", staff, {})
    stack.call("planning", "POST", f"/plans/{plan_id}/approve", unit.head, {})


def approved_appraisal(stack: Stack, staff: Person, period: str, title: str) -> str:
    """``staff``'s appraisal of ``period`` (opened if need be), their SKP approved (the appraisal arrives over Kafka)."""
    unit = stack.unit
    opened = stack.call("evaluation", "GET", f"/offices/{unit.office_id}", unit.hr)["periods"]
    if period not in {p["period_key"] for p in opened}:
        stack.call("evaluation", "POST", f"/offices/{unit.office_id}/periods", unit.hr, {"period": period}, expect=201)
    approve_skp(stack, staff, title)
    found = wait_for(lambda: [a for a in stack.call("evaluation", "GET", "/me/appraisals", staff)
                              if a["period_key"] == period], f"the appraisal {period} of the approved SKP")
    return str(found[0]["appraisal_id"])


def rate_and_finalise(stack: Stack, appraisal_id: str, comment: str | None = None) -> None:
    """The evaluator rates everything Sesuai Ekspektasi (predicate Baik), ``comment`` on Kolaboratif, and finalises."""
    head = stack.unit.head
    view = stack.call("evaluation", "GET", f"/appraisals/{appraisal_id}", head)
    stack.call("evaluation", "PUT", f"/appraisals/{appraisal_id}/ratings", head, {
        "rhk_ratings": [{"rhk_id": r["rhk_id"], "rating": "sesuai_ekspektasi"} for r in view["rhks"]],
        "value_ratings": [{"value": v, "rating": "sesuai_ekspektasi",
                           **({"comment": comment} if comment and v == "kolaboratif" else {})} for v in VALUES],
        "results_rating": "sesuai_ekspektasi", "behaviour_rating": "sesuai_ekspektasi", "reason": "Penilaian periode"})
    stack.call("evaluation", "POST", f"/appraisals/{appraisal_id}/finalise", head,
               {"justification": "Distribusi unit sudah dibahas bersama pimpinan"})
