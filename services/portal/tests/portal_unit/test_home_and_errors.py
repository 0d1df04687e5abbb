"""The daily log's calendar and deadline arithmetic, the error pages (404, a bad id, a role's page) in
Indonesian and English, and the folding menu."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from kinerja_kernel.auth import Role
from kinerja_kernel.contracts.evaluation import TimeZone
from kinerja_portal import daily
from kinerja_portal.clients import LANGUAGE, ApiError, FieldError, FormErrors
from kinerja_portal.config import DemoUser, PortalSettings
from kinerja_portal.entrypoints.main import create_app

SECRET = "s" * 40
AUDITOR = DemoUser(nip="198001012005011003", name="Budi Auditor", roles=[Role.AUDITOR], offices=["KANTOR-A"])
EMPLOYEE = DemoUser(nip="199001012020121001", name="Rina Pegawai", roles=[Role.PEGAWAI], offices=["KANTOR-A"])


def entry(day: str, status: str = "counted", **more: object) -> dict[str, object]:
    return {"entry_id": f"e-{day}-{status}", "occurred_on": day, "status": status, "value": "1",
            "description": "Rapat", **more}


class TestMonthCalendar:
    def test_weeks_start_on_monday_and_days_outside_the_month_are_empty(self) -> None:
        month = daily.month_of(date(2026, 3, 1), [], date(2026, 3, 13))
        assert month.weeks[0][:6] == [None] * 6 and month.weeks[0][6] is not None  # 1 March 2026 is a Sunday
        assert month.weeks[0][6].day == date(2026, 3, 1)  # type: ignore[union-attr]
        assert all(len(week) == 7 for week in month.weeks)

    def test_each_day_holds_its_counted_entries_and_the_counts_are_made_up_to_today(self) -> None:
        entries = [entry("2026-03-02"), entry("2026-03-02", description="Laporan"), entry("2026-03-03", "returned"),
                   entry("2026-03-13"), entry("2026-02-27")]
        month = daily.month_of(date(2026, 3, 1), entries, date(2026, 3, 13))
        cells = {c.day: c for week in month.weeks for c in week if c is not None}
        assert len(cells[date(2026, 3, 2)].entries) == 2
        assert cells[date(2026, 3, 3)].entries == ()  # sent back: not counted, not shown as logged
        assert cells[date(2026, 3, 13)].today and cells[date(2026, 3, 14)].future
        assert (month.logged_days, month.working_days) == (2, 10)  # 2-6 and 9-13 March are working days

    def test_yesterday_is_the_day_before_today(self) -> None:
        entries = [entry("2026-03-12"), entry("2026-03-11"), entry("2026-03-12", "withdrawn")]
        assert [e["occurred_on"] for e in daily.yesterday_entries(entries, date(2026, 3, 13))] == ["2026-03-12"]
        assert daily.yesterday_entries(entries, date(2026, 3, 15)) == []

    @pytest.mark.parametrize(("raw", "expected"), [
        ("2026-03", date(2026, 3, 1)), ("", date(2026, 5, 1)), (None, date(2026, 5, 1)),
        ("2026-13", None), ("Maret", None), ("1999-01", None),
    ])
    def test_the_month_in_the_address(self, raw: str | None, expected: date | None) -> None:
        assert daily.parse_month(raw, date(2026, 5, 20)) == expected

    def test_months_shift_across_years_and_read_in_both_languages(self) -> None:
        assert daily.shift_month(date(2026, 1, 1), -1) == date(2025, 12, 1)
        assert daily.shift_month(date(2026, 12, 1), 1) == date(2027, 1, 1)
        assert daily.month_name("id", date(2026, 3, 1)) == "Maret 2026"
        assert daily.day_name("en", date(2026, 3, 13)) == "Friday, 13 March 2026"
        assert daily.day_name("id", date(2026, 3, 13)) == "Jumat, 13 Maret 2026"


class TestDaysLeft:
    def test_a_deadline_counts_in_the_offices_zone(self) -> None:
        # 16:30 UTC on 31 March is already 1 April in WITA (UTC+8) but still 31 March in WIB... (UTC+7: 23:30)
        deadline = datetime(2026, 3, 31, 16, 30, tzinfo=UTC)
        assert daily.days_left(deadline, date(2026, 3, 28), TimeZone.WIB) == 3
        assert daily.days_left(deadline, date(2026, 3, 28), TimeZone.WITA) == 4
        assert daily.days_left("2026-03-31T16:30:00Z", date(2026, 3, 28), TimeZone.WIB) == 3

    @pytest.mark.parametrize(("n", "lang", "text"), [
        (5, "id", "5 hari lagi"), (1, "id", "1 hari lagi"), (0, "id", "hari ini"), (-2, "id", "lewat 2 hari"),
        (5, "en", "5 days left"), (0, "en", "today"),
    ])
    def test_days_left_read_as_people_say_them(self, n: int, lang: str, text: str) -> None:
        assert daily.days_left_text(lang, n) == text


class TestServiceMessagesInTheChosenLanguage:
    def test_english_shows_the_services_english_message_where_it_has_one(self) -> None:
        error = ApiError("planning", 422, "Periksa isian", [FieldError("entries.0.value", "harus berupa angka",
                                                                       "Input should be a valid decimal")],
                         "invalid fields")
        token = LANGUAGE.set("en")
        try:
            assert FormErrors.from_api(error, {"entries.0.value": "value"}).fields == {
                "value": "Input should be a valid decimal"}
            assert error.shown == "invalid fields"
        finally:
            LANGUAGE.reset(token)
        assert FormErrors.from_api(error, {"entries.0.value": "value"}).fields == {"value": "harus berupa angka"}


@pytest.fixture
def client() -> Iterator[TestClient]:
    settings = PortalSettings(environment="test", jwt_secret=SecretStr(SECRET), demo_users=[AUDITOR, EMPLOYEE],
                              planning_url="http://127.0.0.1:9", evaluation_url="http://127.0.0.1:9",
                              feedback_url="http://127.0.0.1:9", career_url="http://127.0.0.1:9")
    with TestClient(create_app(settings), follow_redirects=False) as found:
        yield found


def sign_in(client: TestClient, user: DemoUser, lang: str = "id") -> None:
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/masuk").text)
    assert csrf is not None
    assert client.post("/masuk", data={"csrf": csrf[1], "demo": user.nip, "next": "/beranda"}).status_code == 303
    if lang == "en":
        page = client.get("/beranda").text
        token = re.search(r'name="csrf" value="([^"]+)"', page)
        assert token is not None
        client.post("/bahasa", data={"csrf": token[1], "lang": "en", "next": "/beranda"})


class TestErrorPages:
    def test_an_unknown_address_says_so_in_indonesian(self, client: TestClient) -> None:
        sign_in(client, EMPLOYEE)
        page = client.get("/tidak-ada")
        assert page.status_code == 404 and "Halaman tidak ditemukan" in page.text and "Not Found" not in page.text

    def test_a_bad_id_in_the_address_is_a_page_not_raw_json(self, client: TestClient) -> None:
        sign_in(client, EMPLOYEE)
        page = client.get("/skp/bukan-kode")
        assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
        assert "Alamat halaman tidak valid" in page.text and "uuid_parsing" not in page.text

    def test_english_chosen_gives_english_pages(self, client: TestClient) -> None:
        sign_in(client, EMPLOYEE, "en")
        assert "Page not found" in client.get("/tidak-ada").text
        assert "The page address is not valid" in client.get("/skp/bukan-kode").text

    def test_an_auditor_meets_no_hr_form_and_a_clear_page_at_its_address(self, client: TestClient) -> None:
        sign_in(client, AUDITOR)
        home = client.get("/beranda").text
        assert 'href="/kantor"' not in home and 'href="/kepegawaian"' not in home and 'href="/audit"' in home
        for path in ("/kantor", "/kepegawaian", "/kalibrasi", "/talenta"):
            page = client.get(path)
            assert page.status_code == 403, path
            assert "Halaman ini hanya untuk Pengelola Kepegawaian" in page.text
            assert not re.search(r'<form method="post" action="/(kantor|kepegawaian|kalibrasi)', page.text)

    def test_an_auditor_has_no_daily_log_to_fill(self, client: TestClient) -> None:
        sign_in(client, AUDITOR)
        assert 'href="/catatan-harian"' not in client.get("/beranda").text
        page = client.get("/catatan-harian")
        assert page.status_code == 403 and "Halaman ini hanya untuk Pegawai" in page.text

    def test_a_form_posted_to_an_hr_address_is_refused_before_anything_is_sent(self, client: TestClient) -> None:
        sign_in(client, AUDITOR)
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/beranda").text)
        assert token is not None
        assert client.post("/kantor/pengaturan", data={"csrf": token[1]}).status_code == 403


class TestMenu:
    def test_the_menu_folds_into_a_disclosure_naming_the_current_page(self, client: TestClient) -> None:
        sign_in(client, EMPLOYEE)
        page = client.get("/catatan-harian").text
        assert '<details class="menu-fold"' in page and "Menu<span class=\"menu-here\">:&nbsp;Catatan harian</span>" in page
        assert page.count('aria-label="Menu utama"') == 1
