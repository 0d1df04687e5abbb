"""Dates, date-times and sizes as people read them (the ``tanggal``, ``waktu`` and ``ukuran`` filters)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from kinerja_kernel.contracts.evaluation import TimeZone
from kinerja_portal.clients import LANGUAGE
from kinerja_portal.formats import format_day, format_moment, format_size
from kinerja_portal.web import TEMPLATES


@pytest.fixture
def english() -> Iterator[None]:
    token = LANGUAGE.set("en")
    yield
    LANGUAGE.reset(token)


class TestDays:
    def test_a_day_reads_with_the_indonesian_month(self) -> None:
        assert format_day("2026-12-03") == "3 Desember 2026"
        assert format_day(date(2026, 3, 10)) == "10 Maret 2026"

    def test_english_month_names_when_english_is_chosen(self, english: None) -> None:
        assert format_day("2026-12-03") == "3 December 2026"

    def test_an_instant_is_the_day_it_is_in_the_offices_zone(self) -> None:
        late = "2026-12-02T23:30:00Z"
        assert format_day(late) == "3 Desember 2026"  # WIB when no zone is known: already the next day
        assert format_day(late, "WIB") == "3 Desember 2026"
        assert format_day(datetime(2026, 12, 2, 16, 30, tzinfo=UTC), TimeZone.WIT) == "3 Desember 2026"
        assert format_day("2026-12-02T16:30:00+00:00", "WIB") == "2 Desember 2026"

    def test_nothing_or_something_else(self) -> None:
        assert format_day(None) == "—" and format_day("") == "—"
        assert format_day("akhir bulan") == "akhir bulan"


class TestDateTimes:
    def test_a_moment_in_the_offices_zone_named(self) -> None:
        assert format_moment("2026-12-03T01:30:00Z", "WITA") == "3 Desember 2026 09.30 WITA"
        assert format_moment("2026-12-03T01:30:00Z", TimeZone.WIT) == "3 Desember 2026 10.30 WIT"

    def test_23_30_utc_is_the_next_day_in_wib(self) -> None:
        assert format_moment("2026-12-02T23:30:00Z", "WIB") == "3 Desember 2026 06.30 WIB"
        assert format_moment("2026-12-02T23:30:00Z") == "3 Desember 2026 06.30 WIB"

    def test_english_month_and_clock(self, english: None) -> None:
        assert format_moment("2026-12-03T01:30:00Z", "WITA") == "3 December 2026 09:30 WITA"

    def test_seconds_when_asked_and_garbage_as_it_is(self) -> None:
        assert format_moment("2030-03-01T01:02:03Z", "WIB", seconds=True) == "1 Maret 2030 08.02.03 WIB"
        assert format_moment(None) == "—" and format_moment("besok") == "besok"


class TestFilters:
    def test_the_templates_have_one_filter_for_days_and_one_for_date_times(self) -> None:
        page = TEMPLATES.env.from_string("{{ d|tanggal }} · {{ m|waktu(zone) }} · {{ n|ukuran }}")
        assert page.render(d="2026-12-03", m="2026-12-03T01:30:00Z", zone="WITA", n=1572864) == \
            "3 Desember 2026 · 3 Desember 2026 09.30 WITA · 1,5 MB"
        assert format_size(12 * 1024) == "12 KB"
